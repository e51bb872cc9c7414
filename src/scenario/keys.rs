//! Key paths (`splw.fte`, `needs\[2\].share`), "did you mean" suggestions and
//! locating a key's line in the user's file.

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Splits `a.b\[2\].c` into segments. A quoted segment is one key even
/// if it holds dots or brackets: `arms\[0\].set."splw.fte"` names the
/// override `splw.fte` of the first arm.
pub fn parse_path(path: &str) -> Vec<Segment> {
    fn flush(key: &mut String, out: &mut Vec<Segment>) {
        if !key.is_empty() {
            out.push(Segment::Key(std::mem::take(key)));
        }
    }
    let mut out = Vec::new();
    let mut key = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                key.extend(chars.by_ref().take_while(|&q| q != '"'));
                out.push(Segment::Key(std::mem::take(&mut key)));
            }
            '.' => flush(&mut key, &mut out),
            '[' => {
                flush(&mut key, &mut out);
                let inside: String = chars.by_ref().take_while(|&q| q != ']').collect();
                out.push(match inside.parse() {
                    Ok(i) => Segment::Index(i),
                    Err(_) => Segment::Key(inside),
                });
            }
            c => key.push(c),
        }
    }
    flush(&mut key, &mut out);
    out
}

/// Levenshtein edit distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word` (ignoring case), if close enough to be
/// a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(word, candidates).map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A position in a parsed TOML document while walking a key path.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a toml_edit::Item),
    Table(&'a toml_edit::Table),
    Value(&'a toml_edit::Value),
}

impl<'a> Node<'a> {
    fn table_like(self) -> Option<&'a dyn toml_edit::TableLike> {
        match self {
            Node::Item(i) => i.as_table_like(),
            Node::Table(t) => Some(t),
            Node::Value(v) => v.as_inline_table().map(|t| t as &dyn toml_edit::TableLike),
        }
    }

    fn index(self, i: usize) -> Option<(Node<'a>, Option<std::ops::Range<usize>>)> {
        match self {
            Node::Item(item) => {
                if let Some(tables) = item.as_array_of_tables() {
                    let t = tables.get(i)?;
                    return Some((Node::Table(t), t.span()));
                }
                Node::Value(item.as_value()?).index(i)
            }
            Node::Value(v) => {
                let v = v.as_array()?.get(i)?;
                Some((Node::Value(v), v.span()))
            }
            Node::Table(_) => None,
        }
    }
}

/// Where `path` is written in the TOML `text`: the line and column of the
/// deepest segment of the path that the file contains.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let mut node = Node::Item(doc.as_item());
    let mut span = None;
    for seg in parse_path(path) {
        let step = match seg {
            Segment::Key(k) => node
                .table_like()
                .and_then(|t| t.get_key_value(&k))
                .map(|(key, item)| (Node::Item(item), key.span())),
            Segment::Index(i) => node.index(i),
        };
        let Some((next, next_span)) = step else { break };
        node = next;
        span = next_span.or(span);
    }
    span.map(|s| line_col(text, s.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("needs[2].share"),
            vec![Segment::Key("needs".into()), Segment::Index(2), Segment::Key("share".into())]
        );
        assert_eq!(
            parse_path("arms[0].set.\"roles[7].fte\""),
            vec![
                Segment::Key("arms".into()),
                Segment::Index(0),
                Segment::Key("set".into()),
                Segment::Key("roles[7].fte".into())
            ]
        );
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(suggest("ftee", ["fte", "rota"]), Some("fte"));
        assert_eq!(suggest("caseload_per_ft", ["caseload_per_fte", "fte"]), Some("caseload_per_fte"));
        assert_eq!(suggest("banana", ["fte", "rota"]), None);
    }

    #[test]
    fn locates_keys() {
        let text = "name = \"x\"\n[splw]\nfte = 2\n[[needs]]\nname = \"a\"\n[[needs]]\nname = \"b\"\nshare = 3\n";
        assert_eq!(locate(text, "splw.fte"), Some((3, 1)));
        assert_eq!(locate(text, "needs[1].share"), Some((8, 1)));
        assert_eq!(locate(text, "name"), Some((1, 1)));
        let arm = "[[arms]]\nname = \"a\"\nset = { \"splw.fte\" = 3, \"gp.fte\" = 1 }\n";
        assert_eq!(locate(arm, "arms[0].set.\"gp.fte\""), Some((3, 25)));
        assert_eq!(locate(arm, "arms[0].set.\"nothing.here\""), Some((3, 1)));
    }
}
