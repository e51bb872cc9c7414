//! The scenario library: every `scenarios/*.toml` beside `default.toml`
//! loads and validates exactly as `signpost check` and `signpost run` load
//! it, says what question it answers, has arms to compare, and cites a
//! source for every value it changes; and the mechanism-heavy scenarios,
//! shortened to one quarter, show the contrast their header promises, with
//! the paired 95% confidence interval excluding zero in that direction.
//!
//! `scenarios/validation/` holds queueing networks with their own tests.

use crate::support::{root, run};
use signpost::experiment::ExperimentResult;
use signpost::report::tables::paired;
use signpost::scenario::load::{load_file, load_str, LoadedScenario, DEFAULT_TOML};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// Lines a header must start with (after `# `), in any order.
const HEADER_MARKERS: [&str; 4] = ["Question:", "Who asks:", "Arms", "What to look at:"];

/// Keys that name or describe rather than carry a number to be sourced.
const EXEMPT_KEYS: [&str; 2] = ["name", "description"];

/// Top-level scenario files, sorted (the library and the default).
fn scenario_files() -> Vec<PathBuf> {
    let dir = root().join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The library: every top-level scenario except the built-in default,
/// which is the reference the others are merged over (its keys are
/// documented one by one in the README's scenario reference).
fn library_files() -> Vec<PathBuf> {
    scenario_files()
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "default.toml"))
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The comment block at the top of a file, without the `#`.
fn header(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .filter_map(|l| l.trim_start().strip_prefix('#'))
        .map(|l| l.trim().to_string())
        .collect()
}

/// Does a comment cite a source: an evidence.md section (`evidence s1a`,
/// `evidence s2`), local data (`LOCAL: <dataset, period>`, for a PCN's own
/// copy, see the README) or an explicit `ASSUMPTION`?
fn cites_source(comment: &str) -> bool {
    comment.contains("ASSUMPTION")
        || comment.contains("LOCAL:")
        || comment
            .match_indices("evidence s")
            .any(|(i, m)| comment[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Splits a line into code and trailing comment, minding quoted strings.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return (&line[..i], Some(&line[i + 1..])),
            None => {}
        }
    }
    (line, None)
}

/// Open brackets minus closed ones in code, outside quoted strings: above
/// zero, the value goes on to the next line.
fn bracket_depth(code: &str) -> i32 {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for c in code.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '[' || c == '{' => depth += 1,
            None if c == ']' || c == '}' => depth -= 1,
            None => {}
        }
    }
    depth
}

/// A dotted TOML key (`a.b`, `"a.b"`, `a."b c"`) as its segments.
fn key_segments(key: &str) -> Vec<String> {
    let key = key.trim();
    if key.starts_with('"') && key.ends_with('"') && key.len() >= 2 {
        return vec![key[1..key.len() - 1].to_string()];
    }
    key.split('.').map(|s| s.trim().trim_matches('"').to_string()).collect()
}

fn get<'a>(table: Option<&'a Table>, path: &[String]) -> Option<&'a Value> {
    let (last, parents) = path.split_last()?;
    let mut t = table?;
    for p in parents {
        t = t.get(p)?.as_table()?;
    }
    t.get(last)
}

/// Where the line-by-line walk is: the user's table and the default's
/// counterpart (an array-of-tables element is matched by `name`).
struct Cursor<'a> {
    user: Option<&'a Table>,
    default: Option<&'a Table>,
    in_arms: bool,
}

/// Value lines that change the built-in default but cite no source, or that
/// say "as default" but differ from it. A line
/// cites one in its trailing comment, in a comment inside its (multi-line)
/// value, or through a full-line comment above it in the same paragraph
/// (lines up to the previous blank line). Arm overrides always change the
/// base, so every `set` line needs a source; `name` and `description` never do.
pub(crate) fn unsourced_lines(text: &str, default: &Table) -> Vec<String> {
    let user: Table = text.parse().expect("valid TOML");
    let mut problems = Vec::new();
    let mut cursor = Cursor {
        user: Some(&user),
        default: Some(default),
        in_arms: false,
    };
    let mut element_counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut paragraph_sourced = false;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let number = i + 1;
        i += 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            paragraph_sourced = false;
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            paragraph_sourced |= cites_source(comment);
            continue;
        }
        let (code, comment) = split_comment(line);
        let code = code.trim();
        if let Some(path) = code.strip_prefix("[[").and_then(|c| c.strip_suffix("]]")) {
            let path = key_segments(path);
            let dotted = path.join(".");
            let count = element_counts.entry(dotted.clone()).or_insert(0);
            let index = *count;
            *count += 1;
            let element = get(Some(&user), &path)
                .and_then(Value::as_array)
                .and_then(|a| a.get(index))
                .and_then(Value::as_table);
            let name = element.and_then(|t| t.get("name")).and_then(Value::as_str);
            let counterpart = get(Some(default), &path).and_then(Value::as_array).and_then(|a| {
                a.iter()
                    .filter_map(Value::as_table)
                    .find(|t| name.is_some() && t.get("name").and_then(Value::as_str) == name)
            });
            cursor = Cursor {
                user: element,
                default: counterpart,
                in_arms: dotted == "arms",
            };
            continue;
        }
        if let Some(path) = code.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
            let path = key_segments(path);
            cursor = Cursor {
                user: get(Some(&user), &path).and_then(Value::as_table),
                default: get(Some(default), &path).and_then(Value::as_table),
                in_arms: false,
            };
            continue;
        }
        let Some((key, value)) = code.split_once('=') else {
            problems.push(format!("line {number}: not understood: {line}"));
            continue;
        };
        // A multi-line value: its comments count as its source.
        let mut sourced = paragraph_sourced || comment.is_some_and(cites_source);
        let mut depth = bracket_depth(value);
        while depth > 0 && i < lines.len() {
            let (more, more_comment) = split_comment(lines[i]);
            sourced |= more_comment.is_some_and(cites_source);
            depth += bracket_depth(more);
            i += 1;
        }
        let segments = key_segments(key);
        if segments.len() == 1 && EXEMPT_KEYS.contains(&segments[0].as_str()) {
            continue;
        }
        let default_value = get(cursor.default, &segments);
        let unchanged = !cursor.in_arms && {
            let mine = get(cursor.user, &segments);
            mine.is_some() && mine == default_value
        };
        // A restated array element says "as default" on lines it copies; if
        // default.toml is recalibrated, the copy silently diverges.
        if !cursor.in_arms && !unchanged && comment.is_some_and(|c| c.contains("as default")) {
            let was = default_value.map_or("nothing".to_string(), ToString::to_string);
            problems.push(format!(
                "line {number}: `{}` says \"as default\" but default.toml has {was}",
                key.trim()
            ));
        }
        if !unchanged && !sourced {
            problems.push(format!(
                "line {number}: `{}` has no source comment (evidence sN…, LOCAL: … or ASSUMPTION)",
                key.trim()
            ));
        }
    }
    problems
}

pub(crate) fn default_table() -> Table {
    DEFAULT_TOML.parse().expect("default.toml parses")
}

#[test]
fn the_library_has_the_scenarios_the_issue_asks_for() {
    let names: Vec<String> = library_files().iter().map(|p| file_name(p)).collect();
    for wanted in [
        "urban_deprived.toml",
        "rural.toml",
        "winter_pressure.toml",
        "vcse_funding_cut.toml",
        "link_worker_expansion.toml",
        "cn_training_programme.toml",
        "capacity_aware.toml",
        "inequalities.toml",
        "practices.toml",
    ] {
        assert!(names.iter().any(|n| n == wanted), "scenarios/{wanted} is missing (found {names:?})");
    }
}

#[test]
fn every_scenario_loads_and_validates_as_the_cli_loads_it() {
    for path in scenario_files() {
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            !signpost::network::is_network(&text),
            "{}: a top-level scenario must be a pathway scenario (networks go in scenarios/validation/)",
            path.display()
        );
        let loaded = load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let file = file_name(&path);
        assert_eq!(
            format!("{}.toml", loaded.name()),
            file,
            "the scenario name must match its file name"
        );
        assert!(!loaded.base.description.trim().is_empty(), "{file}: empty description");
        // arms[0] is the counterfactual the loader adds.
        let arms = &loaded.arms[1..];
        assert!(arms.len() >= 2, "{file}: at least two arms to compare, found {}", arms.len());
        for arm in arms {
            assert!(!arm.description.trim().is_empty(), "{file}: arm {} has no description", arm.name);
            assert!(!arm.overrides.is_empty(), "{file}: arm {} changes nothing", arm.name);
        }
    }
}

#[test]
fn every_library_scenario_says_what_question_it_answers_and_lists_its_arms() {
    for path in library_files() {
        let text = std::fs::read_to_string(&path).expect("read");
        let file = file_name(&path);
        let head = header(&text);
        for marker in HEADER_MARKERS {
            assert!(
                head.iter().any(|l| l.starts_with(marker)),
                "{file}: the header comment needs a line starting `# {marker}`"
            );
        }
        let loaded = load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        for arm in &loaded.arms[1..] {
            assert!(
                head.iter().any(|l| l.split_whitespace().next() == Some(arm.name.as_str())),
                "{file}: the header's arm list must describe arm `{}` (a line starting with its name)",
                arm.name
            );
        }
    }
}

#[test]
fn every_value_a_library_scenario_changes_cites_its_source() {
    let default = default_table();
    for path in library_files() {
        let text = std::fs::read_to_string(&path).expect("read");
        let problems = unsourced_lines(&text, &default);
        assert!(problems.is_empty(), "{}:\n  {}", path.display(), problems.join("\n  "));
    }
}

#[test]
fn the_source_check_catches_unsourced_changes_and_accepts_sourced_ones() {
    let default = default_table();
    let bad = "# Question: x\nname = \"x\"\n\n[splw]\nfte = 4.0\nadmin_share = 0.30   # unchanged from default\n";
    let problems = unsourced_lines(bad, &default);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("fte"), "{problems:?}");

    let trailing = "[splw]\nfte = 4.0   # ASSUMPTION: a bigger team\n";
    assert!(unsourced_lines(trailing, &default).is_empty());
    let local = "[splw]\nfte = 3.2   # LOCAL: NHS Digital General Practice Workforce, Mar 2025\n";
    assert!(unsourced_lines(local, &default).is_empty());
    // "evidence" without a section is not a citation.
    let vague = "[splw]\nfte = 3.2   # see the evidence\n";
    assert_eq!(unsourced_lines(vague, &default).len(), 1);
    let block = "[splw]\n# evidence s1a: LTWP 9,000 link workers (calc)\nfte = 7.2\ncaseload_per_fte = 40.0\n";
    assert!(unsourced_lines(block, &default).is_empty());
    // A blank line ends the paragraph the source covers.
    let gap = "[splw]\n# evidence s1a: LTWP (calc)\nfte = 7.2\n\ncaseload_per_fte = 40.0\n";
    assert_eq!(unsourced_lines(gap, &default).len(), 1);
    // A new VCSE service has no default counterpart: all its values need sources.
    let new_service = "[[vcse.services]]\nname = \"men_sheds\"\nplaces = 10\n";
    assert_eq!(unsourced_lines(new_service, &default).len(), 1);
    // An element restated with the default's values needs no comment…
    let same = "[[vcse.services]]\nname = \"advice\"\nplaces = 50\n";
    assert!(unsourced_lines(same, &default).is_empty());
    // A copied line that no longer matches the default is caught.
    let stale = "[[vcse.services]]\nname = \"advice\"\nplaces = 45   # as default (ASSUMPTION)\n";
    let problems = unsourced_lines(stale, &default);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("as default"), "{problems:?}");
    // …but arm overrides always do, and a multi-line value's comments count.
    let arm = "[[arms]]\nname = \"a\"\ndescription = \"d\"\nset = { \"splw.fte\" = 5.0 }\n";
    assert_eq!(unsourced_lines(arm, &default).len(), 1);
    let multi = "[population]\nmonth_multipliers = [\n  1.2, 1.0, 1.0, 1.0, 1.0, 1.0,   # ASSUMPTION: a winter peak\n  1.0, 1.0, 1.0, 1.0, 1.0, 1.0,\n]\nrural_share = 0.5\n";
    let problems = unsourced_lines(multi, &default);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("rural_share"), "{problems:?}");
}

#[test]
fn the_header_check_needs_a_question() {
    let head = header("# A title\n#\n# Who asks: x\n\nname = \"x\"\n# Question: too late\n");
    assert!(!head.iter().any(|l| l.starts_with("Question:")), "{head:?}");
    assert!(head.iter().any(|l| l.starts_with("Who asks:")), "{head:?}");
}

// ----- directional checks on shortened runs ---------------------------------
//
// Each runs a library scenario as written except for the statistics window
// (and the arms not needed), with the scenario's own seed, and asserts the
// contrast its header promises: the paired 95% confidence interval of
// (arm − other arm), replication by replication, must exclude zero in the
// promised direction. Nothing here is a stored number.

/// A library scenario as written, with statistics over `horizon_days`
/// (`None`: as written) and only `arms` (the counterfactual always runs).
fn shortened(file: &str, horizon_days: Option<f64>, arms: &[&str]) -> LoadedScenario {
    let text = std::fs::read_to_string(root().join("scenarios").join(file)).expect("read");
    let mut table: Table = text.parse().expect("TOML");
    if let Some(days) = horizon_days {
        let time = table.entry("time").or_insert_with(|| Value::Table(Table::new()));
        time.as_table_mut()
            .expect("[time] is a table")
            .insert("horizon_days".into(), Value::Float(days));
    }
    let all = table.get_mut("arms").and_then(Value::as_array_mut).expect("arms");
    all.retain(|a| a.get("name").and_then(Value::as_str).is_some_and(|n| arms.contains(&n)));
    assert_eq!(all.len(), arms.len(), "{file}: arms {arms:?} not all found");
    let text = toml::to_string(&table).expect("serialise");
    load_str(&text, file).unwrap_or_else(|e| panic!("{e}"))
}

/// Paired 95% CI of (arm − other) for a metric, over replications.
fn paired_ci(result: &ExperimentResult, arm: &str, other: &str, metric: &str) -> (f64, f64) {
    let find = |name: &str| result.arms.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("arm {name}"));
    let ci = paired(find(arm), find(other), metric)
        .confidence_interval(0.95)
        .unwrap_or_else(|| panic!("{metric}: fewer than two replications"));
    (ci.low, ci.high)
}

fn assert_lower(result: &ExperimentResult, arm: &str, other: &str, metric: &str) {
    let (low, high) = paired_ci(result, arm, other, metric);
    assert!(
        high < 0.0,
        "{arm} must have lower {metric} than {other}: paired 95% CI {low:.1} to {high:.1}"
    );
}

fn assert_higher(result: &ExperimentResult, arm: &str, other: &str, metric: &str) {
    let (low, high) = paired_ci(result, arm, other, metric);
    assert!(
        low > 0.0,
        "{arm} must have higher {metric} than {other}: paired 95% CI {low:.1} to {high:.1}"
    );
}

#[test]
fn vcse_funding_cut_raises_bounce_back_against_restored_funding() {
    // The differences (about 210 rejections and 105 bounce-backs a year
    // against some 680 and 3,600) need the scenario's full year and its 10
    // replications to stand out. Its effect on GP appointments freed and on
    // unmet needs is within noise, as the header says, so neither is
    // asserted either way.
    let loaded = shortened("vcse_funding_cut.toml", None, &["cut", "restored"]);
    let result = run(&loaded, loaded.base.replications, 0);
    assert_lower(&result, "restored", "cut", "vcse_rejections");
    assert_lower(&result, "restored", "cut", "bounce_backs");
}

#[test]
fn link_worker_expansion_moves_the_queue_unless_the_destinations_grow() {
    let loaded = shortened(
        "link_worker_expansion.toml",
        Some(84.0),
        &["splw_now", "splw_ltwp", "splw_ltwp_vcse"],
    );
    let result = run(&loaded, 6, 0);
    // More link workers: a shorter wait for a link worker…
    assert_lower(&result, "splw_ltwp", "splw_now", "splw_wait_days_mean");
    // …and more people turned away by full VCSE services.
    assert_higher(&result, "splw_ltwp", "splw_now", "vcse_rejections");
    // Growing the destinations too is what cuts bounce-back.
    assert_lower(&result, "splw_ltwp_vcse", "splw_ltwp", "bounce_backs");
}

#[test]
fn capacity_aware_signposting_trades_freed_appointments_for_less_bounce_back() {
    // Half a year: since capacity-awareness judges capacity only (issue #11
    // B3: it no longer keeps every mis-routed need for the GP), the
    // appointments it gives up are fewer and 12 weeks cannot resolve them.
    let loaded = shortened(
        "capacity_aware.toml",
        Some(182.0),
        &["trained", "aware_weekly", "aware_live", "aware_live_16wk"],
    );
    let result = run(&loaded, 4, 0);
    assert_lower(&result, "aware_weekly", "trained", "bounce_backs");
    assert_lower(&result, "aware_weekly", "trained", "gp_appointments_saved_net");
    // Accepting longer link-worker waits sends more people to wait longer.
    assert_higher(&result, "aware_live_16wk", "aware_live", "splw_wait_days_mean");
}

#[test]
fn urban_deprived_advice_fills_only_once_link_workers_double() {
    // Half a year after launch: the doubled team first clears the list it
    // inherits from the counterfactual, then its referrals fill advice.
    let loaded = shortened("urban_deprived.toml", Some(182.0), &["trained", "trained_splw"]);
    let result = run(&loaded, 8, 0);
    assert_higher(&result, "trained_splw", "trained", "vcse_rejections.advice");
}

#[test]
fn winter_pressure_capacity_aware_signposting_still_cuts_bounce_back() {
    // The scenario's own 21-week winter (its GP sickness dates need it).
    let loaded = shortened("winter_pressure.toml", None, &["trained", "trained_capacity_aware"]);
    let result = run(&loaded, 4, 0);
    assert_lower(&result, "trained_capacity_aware", "trained", "bounce_backs");
}
