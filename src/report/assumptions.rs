//! Scenario parameters flagged `ASSUMPTION` (no published figure behind
//! them): read from scenario text for `run.json` and the report.

/// Keys (`section.key`) of scenario lines whose comment contains
/// `ASSUMPTION`; a comment-only line is kept as its text.
pub fn scan_assumptions(text: &str) -> Vec<String> {
    scan(text, true)
}

/// Keys (`section.key`) of scenario lines whose comment contains
/// `ASSUMPTION`, without comment-only notes (what `run.json` records).
pub fn assumption_keys(text: &str) -> Vec<String> {
    scan(text, false)
}

/// [`assumption_keys`] of a scenario as run: those its own file flags, plus
/// those of the built-in default it inherits (keys the file does not set).
pub fn inherited_assumption_keys(source: &str) -> Vec<String> {
    let mut keys = assumption_keys(source);
    if source != crate::scenario::load::DEFAULT_TOML {
        let set = scan_with(source, false, false);
        for key in assumption_keys(crate::scenario::load::DEFAULT_TOML) {
            if !set.contains(&key) && !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

fn scan(text: &str, keep_notes: bool) -> Vec<String> {
    scan_with(text, keep_notes, true)
}

/// Keys (`section.key`) of scenario lines, in order, once each; only those
/// whose comment says `ASSUMPTION` when `flagged_only`, and comment-only
/// `ASSUMPTION` notes too when `keep_notes`.
///
/// A whole entry of an array of tables is flagged by a comment line
/// `# ASSUMPTION: …` directly above its `[[section]]` header (an
/// illustrative practice, say): its key is `section.<its name>`, listed
/// where its `name` is set.
fn scan_with(text: &str, keep_notes: bool, flagged_only: bool) -> Vec<String> {
    let mut section = String::new();
    let mut out: Vec<String> = Vec::new();
    // The line before was `# ASSUMPTION: …`; the entry being read is flagged.
    let mut flag_above = false;
    let mut entry_flagged = false;
    for line in text.lines() {
        let trimmed = line.trim();
        // A table header, not an array continuation such as `["a", "b"]`.
        if trimmed.starts_with("[[")
            || trimmed
                .strip_prefix('[')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
        {
            section = trimmed.trim_matches(|c| c == '[' || c == ']').trim().to_owned();
            entry_flagged = flag_above && trimmed.starts_with("[[");
        } else if entry_flagged {
            if let Some(name) = entry_name(line) {
                push_once(&mut out, format!("{section}.{name}"));
                entry_flagged = false;
            }
        }
        flag_above = trimmed.strip_prefix('#').is_some_and(|c| c.trim_start().starts_with("ASSUMPTION:"));
        let hash = match line.find('#') {
            Some(h) if !flagged_only || line[h..].contains("ASSUMPTION") => h,
            _ if flagged_only => continue,
            _ => line.len(),
        };
        let code = line[..hash].trim();
        let item = match code.split_once('=') {
            Some((key, _)) if !key.trim().is_empty() && !section.is_empty() => {
                format!("{section}.{}", key.trim())
            }
            Some((key, _)) if !key.trim().is_empty() => key.trim().to_owned(),
            _ if keep_notes => line[hash + 1..].trim().to_owned(),
            _ => continue,
        };
        push_once(&mut out, item);
    }
    out
}

/// Appends `item` unless `out` already lists it (keys are listed once).
fn push_once(out: &mut Vec<String>, item: String) {
    if !out.contains(&item) {
        out.push(item);
    }
}

/// The value of a `name = "…"` line (before any comment), unquoted.
fn entry_name(line: &str) -> Option<&str> {
    let (key, value) = line.split_once('=')?;
    if key.trim() != "name" {
        return None;
    }
    let value = value.trim_start().strip_prefix('"')?;
    value.split_once('"').map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumption_keys_leave_out_notes_and_array_lines() {
        let text = "[splw]\nfte = 2 # ASSUMPTION\nrota = [\n  [\"x\"], # ASSUMPTION: not a header\n]\nmdt = true # ASSUMPTION\n# ASSUMPTION: note\n";
        assert_eq!(assumption_keys(text), vec!["splw.fte".to_owned(), "splw.mdt".to_owned()]);
    }

    #[test]
    fn a_scenario_inherits_the_defaults_assumptions_it_does_not_set() {
        let default = assumption_keys(crate::scenario::load::DEFAULT_TOML);
        assert!(default.contains(&"splw.admin_share".to_owned()));
        assert!(default.contains(&"navigation.servers".to_owned()));
        // Sets admin_share (with evidence) and flags one key of its own.
        let text = "name = \"x\"\n[splw]\nadmin_share = 0.2 # LOCAL: our rota\nmdt = true # ASSUMPTION\n";
        let keys = inherited_assumption_keys(text);
        assert_eq!(keys[0], "splw.mdt");
        assert!(!keys.contains(&"splw.admin_share".to_owned()), "set with a local source: {keys:?}");
        assert!(keys.contains(&"navigation.servers".to_owned()), "inherited: {keys:?}");
        assert_eq!(inherited_assumption_keys(crate::scenario::load::DEFAULT_TOML), default);
    }

    #[test]
    fn an_entry_flagged_above_its_header_is_keyed_by_its_name() {
        let text = "# Two practices.\n# ASSUMPTION: illustrative\n[[practices]]\nlist_size = 9 # evidence\nname = \"North\" # local\n\n\
                    [[practices]]\nname = \"South\"\n\
                    # Prose that mentions an ASSUMPTION in passing.\n[[practices]]\nname = \"West\"\n\
                    # ASSUMPTION: no name to key it by\n[splw]\nfte = 2\n";
        assert_eq!(assumption_keys(text), vec!["practices.North".to_owned()]);
        assert_eq!(
            scan_assumptions(text),
            vec![
                "ASSUMPTION: illustrative".to_owned(),
                "practices.North".to_owned(),
                "Prose that mentions an ASSUMPTION in passing.".to_owned(),
                "ASSUMPTION: no name to key it by".to_owned()
            ]
        );
        let practices = assumption_keys(&std::fs::read_to_string("scenarios/practices.toml").unwrap());
        for name in ["Riverside", "Market Street", "Moorland"] {
            assert!(practices.contains(&format!("practices.{name}")), "{name}: {practices:?}");
        }
    }

    #[test]
    fn assumptions_are_scanned_with_section_keys() {
        let text = "name = \"x\" # ASSUMPTION: a\n[splw]\nfte = 2 # evidence\nadmin = 0.3 # ASSUMPTION\n# ASSUMPTION: whole note\n";
        assert_eq!(
            scan_assumptions(text),
            vec!["name".to_owned(), "splw.admin".to_owned(), "ASSUMPTION: whole note".to_owned()]
        );
    }
}
