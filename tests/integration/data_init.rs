//! `signpost init` and local calibration (issue #14) on the made-up ICB
//! under `tests/fixtures/nhs/icb/`: the scenario it writes loads with the
//! normal loader, passes `signpost check` and the scenario library's
//! source rule, and `calibrate` measures it against its own figures.

use crate::scenario_library::{default_table, unsourced_lines};
use crate::support::{run, signpost, temp_dir};
use signpost::calibrate::{calibration_arms, local, Verdict};
use signpost::scenario::load::{load_file, load_str, load_with_overrides};
use std::path::{Path, PathBuf};
use toml::Value;

const ICB: &str = "tests/fixtures/nhs/icb";

fn icb(file: &str) -> String {
    format!("{ICB}/{file}")
}

/// Runs `signpost init` into a fresh directory; returns the output path.
fn init(tag: &str, selection: &[&str], files: &[&str]) -> (PathBuf, std::process::Output) {
    let dir = temp_dir(tag);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(format!("{tag}.toml"));
    let out_arg = out.display().to_string();
    let mut args = vec!["init", "--out", out_arg.as_str()];
    args.extend_from_slice(selection);
    let files: Vec<String> = files.iter().map(|f| icb(f)).collect();
    args.extend(files.iter().map(String::as_str));
    let output = signpost(&args);
    (out, output)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_sourced(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let problems = unsourced_lines(&text, &default_table());
    assert!(problems.is_empty(), "{}:\n  {}", path.display(), problems.join("\n  "));
    text
}

const PCN_FILES: [&str; 3] = [
    "gp-reg-pat-prac-quin-age.csv",
    "gp-reg-pat-prac-map.csv",
    "gpad-practice-level-crosstab.csv",
];

#[test]
fn init_for_a_pcn_writes_a_scenario_that_loads_checks_and_cites_every_value() {
    let (out, o) = init("north_vale", &["--pcn", "U90001"], &PCN_FILES);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = assert_sourced(&out);
    let loaded = load_file(&out).unwrap_or_else(|e| panic!("{e}"));
    let b = &loaded.base;
    assert_eq!(b.name, "north_vale");
    assert_eq!(b.population.list_size, 45_761, "the 7 practices of U90001");
    // GP FTE from the local count: 2.28 appointments per patient-year x
    // 45,761 / (20 x 225) = 23.2.
    assert!((b.gp.fte - 23.2).abs() < 0.05, "gp.fte {}", b.gp.fte);
    assert_eq!(b.roles.len(), 3, "every default role is kept");
    assert_eq!(b.vcse.services.len(), 3, "every default service is kept");
    assert_eq!(loaded.arms.len(), 5, "the counterfactual and the default's four arms");
    let keys: Vec<&str> = b.local_targets.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "gp_appointments_per_patient_year",
            "gp_dna_rate",
            "gp_same_day_share",
            "gp_share_of_appointments",
            "other_appointments_per_patient_year"
        ]
    );
    assert!(text.contains("Age structure: 0-14"), "ages from the five-year file are reported");
    assert!(text.contains("NOT USED"), "the file says what the model cannot use");
    let check = signpost(&["check", &out.display().to_string()]);
    assert!(check.status.success(), "signpost check: {}", stderr(&check));
}

#[test]
fn init_from_area_level_data_applies_the_areas_rates_to_the_practices_and_says_so() {
    let files = ["gp-reg-pat-prac-all.csv", "gpad-sub-icb-daily-feb2026.csv", "gpad-coverage.csv"];
    let (out, o) = init("harbour_two", &["--practices", "Z90031,Z90032"], &files);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = assert_sourced(&out);
    assert!(
        text.contains("NOTE: area-level appointments (Z9B): rates per registered patient are the area's"),
        "{text}"
    );
    assert!(text.contains("Coverage: volumes scaled by open / included patients"), "{text}");
    let loaded = load_file(&out).unwrap_or_else(|e| panic!("{e}"));
    let w = &loaded.base.population.weekday_weights;
    assert!(w[0] > w[4] && w[5] == 0.0 && w[6] == 0.0, "Monday busiest, weekends closed: {w:?}");
    assert!(loaded.base.local_targets.contains_key("weekday_monday_share"));
}

#[test]
fn init_never_replaces_a_file_without_force() {
    let (out, o) = init("twice", &["--pcn", "U90002"], &PCN_FILES);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&out, "# mine\n").unwrap();
    let args = |force: bool| {
        let mut a = vec![
            "init".to_string(),
            "--out".into(),
            out.display().to_string(),
            "--pcn".into(),
            "U90002".into(),
        ];
        if force {
            a.push("--force".into());
        }
        a.extend(PCN_FILES.iter().map(|f| icb(f)));
        a
    };
    let again = signpost(&args(false).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists; use --force"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "# mine\n");
    let forced = signpost(&args(true).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(std::fs::read_to_string(&out).unwrap().contains("Riverside, Mill and Weir PCN"));
}

#[test]
fn bad_input_is_exit_2_with_one_line_and_no_file() {
    let dir = temp_dir("init-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad-gpad.csv");
    let crosstab = std::fs::read_to_string(crate::support::root().join(icb("gpad-practice-level-crosstab.csv"))).unwrap();
    let mut lines: Vec<String> = crosstab.lines().take(40).map(String::from).collect();
    lines[2] = lines[2].replacen("Same Day", "Fortnight", 1);
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let out = dir.join("x.toml");
    let (out_s, bad_s) = (out.display().to_string(), bad.display().to_string());
    let (patients, map) = (icb(PCN_FILES[0]), icb(PCN_FILES[1]));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--pcn", "U90001", &patients, &map, &bad_s],
            "line 3, column 12 (`TIME_BETWEEN_BOOK_AND_APPT`): expected Same Day",
        ),
        (vec!["--pcn", "U99999", &patients, &map], "no practice is mapped to PCN U99999"),
        (vec!["--pcn", "U90001", &patients], "--pcn needs the practice to PCN mapping file"),
        (vec![&patients, &map], "give exactly one of --pcn"),
        (vec!["--practices", "Z90001,Q12345", &patients], "practice Q12345"),
        (vec!["--area", "Z9A", &map], "no registered-patients file"),
        (vec!["--area", "Z9A", "README.md"], "README.md: line 1"),
        (
            vec!["--area", "00L", TRAPS_PATIENTS, "tests/fixtures/nhs/traps/ccg-monthly-mar2019.csv"],
            "codes changed from CCG to sub-ICB location in July 2022",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["init", "--out", out_s.as_str()];
        args.extend(extra);
        let o = signpost(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(want), "want `{want}` in: {err}");
        assert!(!out.exists(), "nothing written for {args:?}");
    }
}

const TRAPS_PATIENTS: &str = "tests/fixtures/nhs/traps/patients-ccg-era.csv";

#[test]
fn init_for_an_area_reads_ccg_era_patients_with_daily_appointments_and_partial_coverage() {
    let dir = temp_dir("init-area");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("northumberland.toml");
    let o = signpost(&[
        "init",
        "--area",
        "00L",
        "--out",
        &out.display().to_string(),
        TRAPS_PATIENTS,
        "tests/fixtures/nhs/traps/sub-icb-daily-repackaged.csv",
        "tests/fixtures/nhs/traps/coverage-partial.csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = assert_sourced(&out);
    assert!(text.contains("lowest coverage 90.0% (00L, DEC2021)"), "{text}");
    let loaded = load_file(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.base.population.list_size, 10_000);
}

#[test]
fn local_targets_are_checked_by_key() {
    let bad_key = "name = \"x\"\n[local_targets]\ngp_visits = { observed = 1.0, low = 0.9, high = 1.1, source = \"s\" }\n";
    let e = load_str(bad_key, "x.toml").unwrap_err().to_string();
    assert!(e.contains("local_targets.gp_visits") && e.contains("unknown local target"), "{e}");
    let outside = "name = \"x\"\n[local_targets]\ngp_dna_rate = { observed = 0.2, low = 0.3, high = 0.4, source = \"s\" }\n";
    let e = load_str(outside, "x.toml").unwrap_err().to_string();
    assert!(
        e.contains("local_targets.gp_dna_rate") && e.contains("low <= observed <= high"),
        "{e}"
    );
}

#[test]
fn calibrate_measures_the_baseline_against_the_populations_own_figures() {
    let (out, o) = init("calib", &["--pcn", "U90005"], &PCN_FILES);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    // A short run: eight weeks after four weeks of warm-up.
    let overrides = [
        ("time.horizon_days".to_string(), Value::Float(56.0)),
        ("time.warmup_days".to_string(), Value::Float(28.0)),
    ];
    let loaded = load_with_overrides(&text, "calib.toml", &overrides).unwrap_or_else(|e| panic!("{e}"));
    let result = run(&calibration_arms(&loaded), 2, 0);
    let outcomes = local::evaluate(&loaded, &result);
    let keys: Vec<&str> = outcomes.iter().map(|o| o.target.key).collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    for o in &outcomes {
        // Other roles' planned care is not simulated: those two figures are
        // reported, with the reason, not judged.
        let measurable = !o.target.key.contains("other_") && !o.target.key.contains("gp_share");
        assert_eq!(o.mean.is_some_and(f64::is_finite), measurable, "{}: {:?}", o.target.key, o.verdict);
        assert_eq!(!matches!(o.verdict, Verdict::NotApplicable(_)), measurable, "{}", o.target.key);
    }
    let table = local::table(&loaded, &outcomes, 2);
    assert!(
        table.contains("own figures") && table.contains("LOCAL: tests/fixtures/nhs/icb/gpad-practice-level-crosstab.csv"),
        "{table}"
    );
}
