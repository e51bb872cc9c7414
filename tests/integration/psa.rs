//! `signpost psa` (issue #13): the `[uncertainty]` section's checks, the
//! reduction of a PSA with every parameter fixed to `run`, and determinism
//! across thread counts. The numerical library's own tests (moments,
//! Dirichlet sums, discrepancy, the toy EVPPI closed form, CEAC sums) live
//! beside it in `src/uncertainty`.

use crate::support::{signpost, small_text, temp_dir};
use signpost::experiment::{run_experiment, RunOptions};
use signpost::psa::{plan, run_psa, PsaOptions};
use std::sync::atomic::AtomicBool;

/// The small fixture with an `[uncertainty]` section appended.
fn with_priors(priors: &str) -> String {
    format!("{}\n[uncertainty]\n{priors}\n", small_text())
}

/// A scenario file in a fresh directory.
fn write_scenario(tag: &str, text: &str) -> std::path::PathBuf {
    let dir = temp_dir(tag);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Priors on a scalar, an integer key, a VCSE service and a partial
/// Dirichlet group (two of the eight need shares).
const PRIORS: &str = r#"
"bounce.return_probability" = { dist = "beta", mean = 0.85, sd = 0.05 }
"navigation.tiers.enhanced.identify" = { dist = "pert", low = 0.25, mode = 0.38, high = 0.5 }
"splw.full_effect_sessions" = { dist = "uniform", low = 3, high = 10 }
"vcse.services.advice.resolve" = { dist = "triangular", low = 0.5, mode = 0.65, high = 0.8 }
social_split = { dist = "dirichlet", alphas = { "needs.social.share" = 20, "needs.wellbeing.share" = 14 } }
[uncertainty.groups]
navigation = ["navigation.tiers.enhanced.identify", "bounce.return_probability"]
"#;

#[test]
fn fixing_every_parameter_at_its_base_reduces_psa_to_run() {
    let text = with_priors(
        r#""bounce.return_probability" = { dist = "fixed", value = 0.85 }
"navigation.tiers.enhanced.identify" = { dist = "fixed", value = 0.38 }
"splw.full_effect_sessions" = { dist = "fixed", value = 6 }"#,
    );
    let plan = plan(&text, "fixed.toml").unwrap_or_else(|e| panic!("{e}"));
    let never = AtomicBool::new(false);
    let options = PsaOptions {
        draws: 3,
        reps_per_draw: 1,
        seed: 11,
    };
    let psa = run_psa(&plan, options, &|_, _| {}, &never).expect("not cancelled");
    for d in 0..options.draws {
        // Draw d is `run --seed 11 + d --reps 1`.
        let run = RunOptions {
            replications: 1,
            seed: 11 + d as u64,
            journeys: 0,
        };
        let result = run_experiment(&plan.loaded, run, &|_, _| {}, &never).expect("not cancelled");
        for (a, arm) in result.arms.iter().enumerate() {
            for (m, name) in arm.metric_names.iter().enumerate() {
                let want = arm.values[0][m];
                let got = psa.metrics[d][a][psa.metric_index(name).unwrap()];
                assert!(
                    want.to_bits() == got.to_bits() || (want.is_nan() && got.is_nan()),
                    "draw {d}, arm {}, {name}: psa {got} vs run {want}",
                    arm.name
                );
            }
        }
    }
}

#[test]
fn psa_bytes_do_not_depend_on_threads_and_its_outputs_hold_together() {
    let path = write_scenario("psa-threads", &with_priors(PRIORS));
    let scenario = path.to_str().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = temp_dir(&format!("psa-threads-out-{threads}"));
        let o = signpost(&[
            "psa",
            scenario,
            "--draws",
            "24",
            "--threads",
            threads,
            "--seed",
            "5",
            "--no-charts",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        outputs.push(out);
    }
    for file in ["psa.csv", "psa_summary.csv", "ceac.csv", "voi.csv"] {
        let a = std::fs::read(outputs[0].join(file)).unwrap();
        let b = std::fs::read(outputs[1].join(file)).unwrap();
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }
    // CEAC: the probabilities at every willingness to pay sum to 1.
    let ceac = std::fs::read_to_string(outputs[0].join("ceac.csv")).unwrap();
    let mut sums = std::collections::BTreeMap::<String, f64>::new();
    for line in ceac.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        *sums.entry(f[0].to_string()).or_default() += f[2].parse::<f64>().unwrap();
    }
    assert!(sums.len() >= 21, "the default grid is 0..100 in steps of 5");
    for (wtp, s) in &sums {
        assert!((s - 1.0).abs() < 1e-9, "CEAC at {wtp} sums to {s}");
    }
    // psa.csv: the partial Dirichlet keeps its keys' total (0.034); the
    // integer key is drawn as whole numbers within its support.
    let psa = std::fs::read_to_string(outputs[0].join("psa.csv")).unwrap();
    let header: Vec<&str> = psa.lines().next().unwrap().split(',').collect();
    let col = |k: &str| header.iter().position(|h| *h == k).unwrap_or_else(|| panic!("no column {k}"));
    let (social, wellbeing, sessions) = (
        col("needs.social.share"),
        col("needs.wellbeing.share"),
        col("splw.full_effect_sessions"),
    );
    for line in psa.lines().skip(1) {
        let f: Vec<f64> = line.split(',').map(|x| x.parse().unwrap_or(f64::NAN)).collect();
        assert!((f[social] + f[wellbeing] - 0.034).abs() < 1e-12, "{line}");
        assert!(f[sessions].fract() == 0.0 && (3.0..=10.0).contains(&f[sessions]), "{line}");
    }
    // voi.csv: EVPPI never exceeds EVPI by more than its noise, and the
    // named group is there.
    let voi = std::fs::read_to_string(outputs[0].join("voi.csv")).unwrap();
    assert!(voi.lines().any(|l| l.starts_with("navigation,") && l.ends_with(",group")), "{voi}");
    assert!(
        voi.lines().any(|l| l.starts_with("social_split,") && l.ends_with(",dirichlet")),
        "{voi}"
    );
    for line in voi.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (evppi, se, evpi) = (
            f[2].parse::<f64>().unwrap(),
            f[3].parse::<f64>().unwrap_or(0.0),
            f[4].parse::<f64>().unwrap(),
        );
        assert!(evppi >= 0.0 && evppi <= evpi + 2.0 * se + 1e-9, "EVPPI above EVPI: {line}");
    }
    let run_json = std::fs::read_to_string(outputs[0].join("run.json")).unwrap();
    for field in ["\"value_per_appointment\"", "\"population\"", "\"wtp\"", "\"evpi_per_pcn_year\""] {
        assert!(run_json.contains(field), "run.json lacks {field}");
    }
    for out in outputs {
        let _ = std::fs::remove_dir_all(out);
    }
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn bad_uncertainty_input_exits_2_naming_the_key() {
    let cases = [
        (r#""splw.ftee" = { dist = "uniform", low = 1, high = 2 }"#, "uncertainty.\"splw.ftee\"", "no key `ftee`"),
        (r#""bounce.return_probability" = { dist = "beta", mean = 1.5, sd = 0.1 }"#, "uncertainty.\"bounce.return_probability\"", "between 0 and 1"),
        (r#""bounce.return_probability" = { dist = "uniform", low = 0.5, high = 1.5 }"#, "uncertainty.\"bounce.return_probability\"", "refuses"),
        (r#""splw.fte" = { dist = "normal", mean = 1.0, sd = 1.0 }"#, "uncertainty.\"splw.fte\"", "refuses"),
        (r#""navigation.training" = { dist = "fixed", value = 1 }"#, "uncertainty.\"navigation.training\"", "not a number"),
        (r#""vcse.services.nosuch.places" = { dist = "fixed", value = 1 }"#, "uncertainty.\"vcse.services.nosuch.places\"", "no element named"),
        (r#""splw.fte" = { dist = "gamma", mean = 1.0 }"#, "uncertainty.\"splw.fte\"", "gamma takes"),
        (r#""splw.fte" = { dist = "weibull", mean = 1.0 }"#, "uncertainty.\"splw.fte\"", "weibull"),
        ("shares = { dist = \"dirichlet\", shares = { \"needs.social.share\" = 0.5, \"needs.wellbeing.share\" = 0.6 } , concentration = 10 }", "uncertainty.\"shares\"", "sum to 1"),
        ("\"seed\" = { dist = \"fixed\", value = 1 }", "uncertainty.\"seed\"", "not a key path"),
        ("\"splw.fte\" = { dist = \"fixed\", value = 1 }\n[uncertainty.groups]\ng = [\"splw.admin_share\"]", "uncertainty.groups.g", "has no prior"),
        ("\"splw.fte\" = { dist = \"fixed\", value = 1 }\n[uncertainty.decision]\npopulation = -5", "uncertainty.decision.population", "> 0"),
    ];
    for (i, (priors, key, rule)) in cases.iter().enumerate() {
        let path = write_scenario(&format!("psa-bad-{i}"), &with_priors(priors));
        let out = temp_dir(&format!("psa-bad-out-{i}"));
        let o = signpost(&["psa", path.to_str().unwrap(), "--draws", "2", "-q", "--out", out.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "case {i} ({priors}): {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "case {i}: one line, found {stderr}");
        assert!(
            stderr.contains(key) && stderr.contains(rule),
            "case {i}: expected {key} and `{rule}`, found {stderr}"
        );
        assert!(!out.exists(), "case {i}: nothing may be written");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}

#[test]
fn the_default_ships_a_prior_that_checks() {
    let plan = plan(signpost::scenario::load::DEFAULT_TOML, "default").unwrap_or_else(|e| panic!("{e}"));
    assert!(plan.columns().len() >= 80, "priors for the default's assumptions");
    assert_eq!(plan.value_per_appointment, 30.0);
    // The trained tier's accuracy is in the base, so every trained arm shares it.
    assert!(plan.fixed_by_arm.iter().all(|(_, k)| !k.starts_with("navigation.tiers")));
}

/// Ctrl-C in the middle of a PSA stops it like `run`: exit 130, nothing
/// written, no partial directory left beside the target.
#[cfg(unix)]
#[test]
fn sigint_stops_a_psa_and_writes_nothing() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let parent = temp_dir("psa-sigint");
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("results");
    let mut child = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "psa",
            "--draws",
            "2000",
            "--threads",
            "1",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ])
        .current_dir(crate::support::root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines().map_while(Result::ok);
    // Simulating for sure: the first run has finished and reported.
    assert!(lines.any(|l| l.starts_with("progress: ")), "no progress line");
    let sent = Instant::now();
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let status = child.wait().unwrap();
    assert!(sent.elapsed() < Duration::from_secs(2), "took {:?} to stop", sent.elapsed());
    assert_eq!(status.code(), Some(130));
    let rest: Vec<String> = lines.collect();
    assert!(rest.iter().any(|l| l.contains("interrupted: stopped after")), "{rest:?}");
    assert!(!out.exists(), "nothing may be written");
    assert_eq!(std::fs::read_dir(&parent).unwrap().count(), 0, "no partial directory left");
    let _ = std::fs::remove_dir_all(&parent);
}
