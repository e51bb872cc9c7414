//! `signpost plan | run-unit | merge` (issue #18): a run, a portfolio run
//! and a PSA cut into units, run in shuffled order on different thread
//! counts and merged, give every file the single-machine command writes,
//! charts included, byte for byte apart from the run facts (wall time,
//! threads); and every way a part can be wrong is refused with exit 2 and
//! one line naming it.

use crate::portfolio::{pcn_texts, write_portfolio, PORTFOLIO};
use crate::support::{root, signpost, snapshot, temp_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The small fixture's path.
fn small() -> String {
    root().join("tests/fixtures/small.toml").display().to_string()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Exit 2 with exactly one line on stderr; that line.
fn refused(o: &Output) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A file's bytes with the run facts taken out: in JSON the keys
/// `wall_seconds`, `events_per_second` and `threads` (the only facts of
/// how, not what, was run), in report.html the line that states them.
fn without_run_facts(name: &Path, bytes: &[u8]) -> Vec<u8> {
    let text = || String::from_utf8(bytes.to_vec()).unwrap();
    match name.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            strip(&mut v);
            serde_json::to_vec_pretty(&v).unwrap()
        }
        Some("html") => text()
            .lines()
            .filter(|l| !l.contains("events/s)"))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        _ => bytes.to_vec(),
    }
}

fn strip(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for key in ["wall_seconds", "events_per_second", "threads"] {
                m.remove(key);
            }
            m.values_mut().for_each(strip);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// Every file of `a` and `b` the same, but for the run facts; how many
/// files.
fn assert_same_results(a: &Path, b: &Path) -> usize {
    let (sa, sb) = (snapshot(a), snapshot(b));
    assert_eq!(
        sa.keys().collect::<Vec<_>>(),
        sb.keys().collect::<Vec<_>>(),
        "the same files in {} and {}",
        a.display(),
        b.display()
    );
    let differ: Vec<&PathBuf> = sa
        .iter()
        .filter(|(name, bytes)| without_run_facts(name, bytes) != without_run_facts(name, &sb[*name]))
        .map(|(name, _)| name)
        .collect();
    assert!(differ.is_empty(), "differ beyond run facts: {differ:?}");
    let raw_differ: Vec<&PathBuf> = sa.iter().filter(|(n, b)| sb[*n] != **b).map(|(n, _)| n).collect();
    assert!(
        raw_differ
            .iter()
            .all(|n| matches!(n.extension().and_then(|e| e.to_str()), Some("json" | "html"))),
        "only run.json, portfolio.json and report.html may differ, and only in run facts: {raw_differ:?}"
    );
    sa.len()
}

/// Plans `scenario` with `plan_args`, runs every unit in `order` on
/// `threads` threads each, and merges (`merge_args` added).
fn distributed(tag: &str, scenario: &str, plan_args: &[&str], order: &[usize], threads: &[&str], merge_args: &[&str]) -> PathBuf {
    let (plan, parts, out) = (
        temp_dir(&format!("{tag}-plan")),
        temp_dir(&format!("{tag}-parts")),
        temp_dir(&format!("{tag}-out")),
    );
    let mut args = vec!["plan", scenario, "--out", s(&plan), "-q"];
    args.extend(plan_args);
    ok(&signpost(&args));
    let units = std::fs::read_to_string(plan.join("units.tsv")).unwrap().lines().count() - 1;
    assert_eq!(order.len(), units, "{tag}: every unit in the order");
    for (k, &i) in order.iter().enumerate() {
        let index = i.to_string();
        ok(&signpost(&[
            "run-unit",
            s(&plan),
            "--index",
            &index,
            "--out",
            s(&parts),
            "-q",
            "--threads",
            threads[k % threads.len()],
        ]));
    }
    let mut args = vec!["merge", s(&plan), s(&parts), "--out", s(&out), "-q"];
    args.extend(merge_args);
    ok(&signpost(&args));
    out
}

#[test]
fn a_run_cut_into_units_merges_into_the_files_of_one_run_charts_included() {
    let run = temp_dir("dist-run");
    ok(&signpost(&[
        "run",
        &small(),
        "--reps",
        "5",
        "--seed",
        "3",
        "--threads",
        "2",
        "--quiet",
        "--out",
        s(&run),
    ]));
    // Units of 2 (warm-up, 0..2, 2..4, 4..5) in shuffled order on 1 and 2
    // threads, and units of 3 (warm-up, 0..3, 3..5), and of 1.
    let cuts: [(&str, &[usize]); 3] = [("2", &[3, 1, 0, 2]), ("3", &[2, 0, 1]), ("1", &[5, 4, 3, 2, 1, 0])];
    for (k, order) in cuts {
        let merged = distributed(
            &format!("dist-run-{k}"),
            &small(),
            &["--reps", "5", "--seed", "3", "--unit-reps", k],
            order,
            &["1", "2"],
            &[],
        );
        let files = assert_same_results(&run, &merged);
        assert!(
            files > 10 && merged.join("report.html").is_file() && merged.join("charts").is_dir(),
            "{files} files"
        );
    }
}

#[test]
fn no_charts_merges_what_run_no_charts_writes() {
    let run = temp_dir("dist-nocharts-run");
    ok(&signpost(&[
        "run",
        &small(),
        "--reps",
        "2",
        "--no-charts",
        "--quiet",
        "--out",
        s(&run),
    ]));
    let merged = distributed("dist-nocharts", &small(), &["--reps", "2"], &[1, 0, 2], &["2"], &["--no-charts"]);
    assert_eq!(assert_same_results(&run, &merged), 6, "the six files of the output contract");
}

#[test]
fn a_portfolio_cut_into_units_merges_into_the_files_of_one_portfolio_run() {
    let dir = write_portfolio("dist-portfolio", PORTFOLIO, &pcn_texts());
    let file = dir.join("portfolio.toml").display().to_string();
    let run = temp_dir("dist-portfolio-run");
    ok(&signpost(&["run", &file, "--threads", "2", "--quiet", "--out", s(&run)]));
    // Three PCNs × (warm-up, 0..2, 2..3): nine units, PCN-major.
    let order = [8, 2, 4, 0, 6, 1, 7, 3, 5];
    let merged = distributed("dist-portfolio", &file, &["--unit-reps", "2"], &order, &["1", "2"], &[]);
    assert!(assert_same_results(&run, &merged) > 20);
}

#[test]
fn a_psa_cut_into_units_merges_into_the_files_of_one_psa() {
    let dir = temp_dir("dist-psa");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.toml");
    let priors = "\n[uncertainty]\n\"bounce.return_probability\" = { dist = \"beta\", mean = 0.85, sd = 0.05 }\n\"splw.full_effect_sessions\" = { dist = \"uniform\", low = 3, high = 10 }\n";
    std::fs::write(&path, crate::support::small_text() + priors).unwrap();
    let file = path.display().to_string();
    let psa = temp_dir("dist-psa-run");
    let options = ["--draws", "8", "--reps-per-draw", "2", "--seed", "9", "--wtp", "0,20,40"];
    let mut args = vec!["psa", file.as_str(), "--threads", "2", "--quiet", "--out", s(&psa)];
    args.extend(options);
    ok(&signpost(&args));
    let mut plan_args = vec!["--psa", "--unit-reps", "3"];
    plan_args.extend(options);
    let merged = distributed("dist-psa", &file, &plan_args, &[2, 0, 1], &["2", "1"], &[]);
    assert!(assert_same_results(&psa, &merged) > 8);
}

/// A planned small run (warm-up + two units of one replication) with every
/// part written; (plan, parts).
fn planned(tag: &str) -> (PathBuf, PathBuf) {
    let (plan, parts) = (temp_dir(&format!("{tag}-plan")), temp_dir(&format!("{tag}-parts")));
    ok(&signpost(&["plan", &small(), "--reps", "2", "--out", s(&plan), "-q"]));
    for i in ["0", "1", "2"] {
        ok(&signpost(&["run-unit", s(&plan), "--index", i, "--out", s(&parts), "-q"]));
    }
    (plan, parts)
}

fn merge(tag: &str, plan: &Path, parts: &Path) -> Output {
    let out = temp_dir(&format!("{tag}-out"));
    let o = signpost(&["merge", s(plan), s(parts), "--out", s(&out), "-q"]);
    if o.status.code() != Some(0) {
        assert!(!out.exists(), "a refused merge writes nothing");
    }
    o
}

fn part(parts: &Path, unit: usize) -> PathBuf {
    parts.join(format!("unit-{unit:06}.part"))
}

#[test]
fn missing_duplicated_foreign_truncated_and_corrupt_parts_are_refused_naming_them() {
    let (plan, parts) = planned("dist-bad");
    ok(&merge("dist-bad-good", &plan, &parts));

    let one = std::fs::read(part(&parts, 1)).unwrap();
    std::fs::remove_file(part(&parts, 1)).unwrap();
    let e = refused(&merge("dist-bad-missing", &plan, &parts));
    assert!(e.contains("unit 1 missing"), "{e}");

    // A killed unit's temporary file is not a part: the unit is missing,
    // and the message says what the file is.
    std::fs::write(parts.join(".unit-000001.part.tmp-4242"), &one[..100]).unwrap();
    let e = refused(&merge("dist-bad-stale", &plan, &parts));
    assert!(
        e.contains("unit 1 missing") && e.contains(".unit-000001.part.tmp-4242") && e.contains("killed"),
        "{e}"
    );
    std::fs::write(part(&parts, 1), &one).unwrap();
    ok(&merge("dist-bad-stale-then-rerun", &plan, &parts));

    std::fs::write(parts.join("copy-of-1.part"), &one).unwrap();
    let e = refused(&merge("dist-bad-duplicate", &plan, &parts));
    assert!(
        e.contains("unit 1 given twice") && e.contains("copy-of-1.part") && e.contains("unit-000001.part"),
        "{e}"
    );
    std::fs::remove_file(parts.join("copy-of-1.part")).unwrap();

    std::fs::write(part(&parts, 1), &one[..one.len() - 7]).unwrap();
    let e = refused(&merge("dist-bad-truncated", &plan, &parts));
    assert!(e.contains("unit-000001.part") && e.contains("truncated"), "{e}");

    let mut flipped = one.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    std::fs::write(part(&parts, 1), &flipped).unwrap();
    let e = refused(&merge("dist-bad-corrupt", &plan, &parts));
    assert!(e.contains("unit-000001.part") && e.contains("checksum"), "{e}");

    std::fs::write(
        part(&parts, 1),
        b"not a part at all, but long enough to hold a header of sixty bytes",
    )
    .unwrap();
    let e = refused(&merge("dist-bad-garbage", &plan, &parts));
    assert!(e.contains("unit-000001.part") && e.contains("not a signpost part"), "{e}");

    // A part of another plan (another seed): the same unit, another plan id.
    let other = temp_dir("dist-bad-other-plan");
    let other_parts = temp_dir("dist-bad-other-parts");
    ok(&signpost(&[
        "plan",
        &small(),
        "--reps",
        "2",
        "--seed",
        "99",
        "--out",
        s(&other),
        "-q",
    ]));
    ok(&signpost(&["run-unit", s(&other), "--index", "1", "--out", s(&other_parts), "-q"]));
    std::fs::copy(part(&other_parts, 1), part(&parts, 1)).unwrap();
    let e = refused(&merge("dist-bad-foreign", &plan, &parts));
    assert!(e.contains("unit-000001.part") && e.contains("another plan"), "{e}");
}

#[test]
fn run_unit_refuses_a_plan_of_another_version_or_whose_scenario_hashes_differently() {
    let (plan, parts) = planned("dist-check");
    let units = std::fs::read_to_string(plan.join("units.tsv")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    std::fs::write(plan.join("units.tsv"), units.replace(&format!("\t{version}\t"), "\t0.0.1\t")).unwrap();
    for args in [
        vec!["run-unit", s(&plan), "--index", "1", "--out", s(&parts)],
        vec!["merge", s(&plan), s(&parts), "--out", "/nonexistent/x"],
    ] {
        let e = refused(&signpost(&args));
        assert!(e.contains("units.tsv") && e.contains("0.0.1") && e.contains(version), "{e}");
    }
    std::fs::write(plan.join("units.tsv"), &units).unwrap();

    // The scenario edited after planning: its resolved form no longer
    // hashes as the plan recorded.
    let source = plan.join("scenario/source.toml");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("list_size = 5000", "list_size = 5001")).unwrap();
    let e = refused(&signpost(&["run-unit", s(&plan), "--index", "1", "--out", s(&parts)]));
    assert!(e.contains("unit 0") && e.contains("hashes to") && e.contains("plan again"), "{e}");
    std::fs::write(&source, &text).unwrap();

    let e = refused(&signpost(&["run-unit", s(&plan), "--index", "3", "--out", s(&parts)]));
    assert!(e.contains("unit 3") && e.contains("0 to 2"), "{e}");
    let e = refused(&signpost(&["run-unit", s(&parts), "--index", "0", "--out", s(&parts)]));
    assert!(e.contains("not a signpost plan"), "{e}");
}

#[test]
fn rerunning_a_unit_rewrites_only_its_own_part_with_the_same_bytes() {
    let (plan, parts) = planned("dist-idempotent");
    let before: BTreeMap<PathBuf, Vec<u8>> = snapshot(&parts);
    let modified = |unit: usize| std::fs::metadata(part(&parts, unit)).unwrap().modified().unwrap();
    let (m0, m2) = (modified(0), modified(2));
    ok(&signpost(&[
        "run-unit",
        s(&plan),
        "--index",
        "1",
        "--out",
        s(&parts),
        "-q",
        "--threads",
        "1",
    ]));
    assert_eq!(snapshot(&parts), before, "same bytes, and no other file");
    assert_eq!((modified(0), modified(2)), (m0, m2), "the other parts untouched");
}

fn run_unit_as_array_task(plan: &Path, parts: &Path, task: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_signpost"));
    c.args(["run-unit", s(plan), "--out", s(parts), "-q"])
        .env_remove("SLURM_ARRAY_TASK_ID");
    if let Some(t) = task {
        c.env("SLURM_ARRAY_TASK_ID", t);
    }
    c.output().unwrap()
}

#[test]
fn without_index_run_unit_reads_the_slurm_array_task_id() {
    let (plan, parts) = planned("dist-slurm");
    let array_parts = temp_dir("dist-slurm-array");
    for task in ["0", "1", "2"] {
        ok(&run_unit_as_array_task(&plan, &array_parts, Some(task)));
    }
    assert_eq!(snapshot(&array_parts), snapshot(&parts), "the same parts as --index");
    let e = refused(&run_unit_as_array_task(&plan, &array_parts, None));
    assert!(e.contains("--index") && e.contains("SLURM_ARRAY_TASK_ID"), "{e}");
    let e = refused(&run_unit_as_array_task(&plan, &array_parts, Some("x1")));
    assert!(e.contains("SLURM_ARRAY_TASK_ID") && e.contains("x1"), "{e}");
    let e = refused(&run_unit_as_array_task(&plan, &array_parts, Some("7")));
    assert!(e.contains("unit 7"), "{e}");
}

#[test]
fn bad_plan_requests_exit_2_with_one_line() {
    let plan = temp_dir("dist-plan-bad");
    let e = refused(&signpost(&["plan", &small(), "--unit-reps", "0", "--out", s(&plan)]));
    assert!(e.contains("--unit-reps"), "{e}");
    let e = refused(&signpost(&["plan", &small(), "--psa", "--out", s(&plan)]));
    assert!(e.contains("uncertainty"), "{e}");
    let e = refused(&signpost(&["plan", &small(), "--reps", "0", "--out", s(&plan)]));
    assert!(e.contains("--reps"), "{e}");
    assert!(!plan.exists(), "nothing written");
}

#[test]
fn a_scenario_that_traces_journeys_is_not_planned() {
    let dir = temp_dir("dist-journeys");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("journeys.toml");
    std::fs::write(&path, crate::support::small_text() + "\n[report]\njourneys = 5\n").unwrap();
    let plan = temp_dir("dist-journeys-plan");
    let e = refused(&signpost(&["plan", s(&path), "--out", s(&plan)]));
    assert!(e.contains("journeys.toml") && e.contains("report.journeys"), "{e}");
    assert!(!plan.exists());
}
