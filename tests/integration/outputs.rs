//! What the output files say, read back with real parsers: hostile text
//! round-trips through every format, and undefined values are empty.

use crate::support::{signpost, temp_dir};
use std::path::{Path, PathBuf};

/// Writes `text` as `<tag>.toml` in a fresh directory and runs it with
/// `args`, which must succeed; returns the directory and the results in it.
fn run_scenario(tag: &str, text: &str, args: &[&str]) -> (PathBuf, PathBuf) {
    let dir = temp_dir(tag);
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join(format!("{tag}.toml"));
    std::fs::write(&scenario, text).unwrap();
    let out = dir.join("out");
    let mut all = vec!["run", scenario.to_str().unwrap(), "--quiet", "--out", out.to_str().unwrap()];
    all.extend(args);
    let run = signpost(&all);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    (dir, out)
}

/// Distinct values of `column` in a CSV file, in first-seen order, read
/// with a real CSV parser.
fn csv_column(path: &Path, column: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let at = reader.headers().unwrap().iter().position(|h| h == column).unwrap();
    let mut seen: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let value = record[at].to_string();
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

#[test]
fn hostile_text_round_trips_through_every_output() {
    // Free text (descriptions) may hold anything; arm names anything that
    // prints as itself. Scenario, need, role and service names are
    // identifiers (see the corpus for their refusals).
    let anything = "<script>alert(1)</script> \"quoted\", comma; back\\slash\nnew line\r\ntab\tbell\u{7} naïve café 日本語 ✓ &amp;";
    let arms = [
        "<script>alert(1)</script>",
        "\"quoted\", with, commas",
        "back\\slash & 'single' — naïve café 日本語",
        "=SUM(A1:A2) kept verbatim",
    ];
    let toml_str = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut text = format!(
        "name = \"hostile\"\ndescription = {}\nseed = 3\nreplications = 2\n[time]\nwarmup_days = 7\nhorizon_days = 28\n\
         [population]\nlist_size = 3000\n[navigation]\nservers = 2\n[gp]\nfte = 2.0\n",
        toml_str(anything)
    );
    for (i, arm) in arms.iter().enumerate() {
        text.push_str(&format!(
            "[[arms]]\nname = {}\ndescription = {}\nset = {{ \"navigation.mode\" = \"active\", \"splw.fte\" = {}.5 }}\n",
            toml_str(arm),
            toml_str(&format!("arm {i}: {anything}")),
            i
        ));
    }
    let (dir, out) = run_scenario("hostile", &text, &["--journeys", "2"]);

    let mut all_arms = vec!["counterfactual".to_string()];
    all_arms.extend(arms.iter().map(|a| a.to_string()));
    for file in ["summary.csv", "replications.csv", "timeseries.csv", "journeys.csv"] {
        assert_eq!(csv_column(&out.join(file), "arm"), all_arms, "{file}");
    }
    assert_eq!(csv_column(&out.join("comparison.csv"), "arm"), all_arms[1..], "comparison.csv");

    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"]["description"], anything);
    let json_arms: Vec<(&str, &str)> = json["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["description"].as_str().unwrap()))
        .collect();
    assert_eq!(json_arms.len(), all_arms.len());
    for (i, arm) in arms.iter().enumerate() {
        assert_eq!(json_arms[i + 1], (*arm, format!("arm {i}: {anything}").as_str()));
    }

    let resolved: toml::Table = std::fs::read_to_string(out.join("scenario.toml")).unwrap().parse().unwrap();
    assert_eq!(resolved["description"].as_str(), Some(anything));
    let resolved_arms: Vec<&str> = resolved["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(resolved_arms, arms);

    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script"), "a script tag got into report.html");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the arm name is shown, escaped"
    );
    assert!(page.contains("&quot;quoted&quot;, with, commas"));
    assert!(page.contains("naïve café 日本語"));
    assert!(page.contains("&amp;amp;"), "an entity in the text is shown as typed");
    for entry in std::fs::read_dir(out.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            let svg = std::fs::read_to_string(&path).unwrap();
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", path.display()));
            assert!(!svg.to_lowercase().contains("<script"), "{}", path.display());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The rows of a CSV file as maps from column to field.
fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().map(String::from).zip(r.unwrap().iter().map(String::from)).collect())
        .collect()
}

/// A practice where nothing can be signposted or referred: two needs (GP
/// and reception), no other roles, no link workers, no VCSE services.
const NOTHING_AWAY: &str = r#"
name = "nothing_away"
seed = 5
replications = 2
roles = []
[time]
warmup_days = 7
horizon_days = 28
[population]
list_size = 2000
[navigation]
servers = 2
[navigation.tiers.enhanced]
identify = 0.0
misroute = 0.0
clinical_sent_away = 0.0
annual_cost = 0.0
[gp]
fte = 1.5
[pharmacy]
remit = []
[splw]
fte = 0.0
remit = []
initial_caseload = 0
initial_waitlist = 0
[vcse]
services = []

[[needs]]
name = "clinical"
share = 0.7
right = "gp"
urgent = false
social = false
complex = false
gp_resolve = 0.9
gp_follow_up = 0.1
gp_refer_splw = 0.0

[[needs]]
name = "admin"
share = 0.3
right = "reception"
urgent = false
social = false
complex = false
gp_resolve = 1.0
gp_follow_up = 0.0
gp_refer_splw = 0.0

[[arms]]
name = "trained"
set = { "navigation.mode" = "active", "navigation.training" = "enhanced" }
"#;

#[test]
fn ratios_with_a_zero_denominator_are_empty_not_zero() {
    let (dir, out) = run_scenario("nothing_away", NOTHING_AWAY, &["--no-charts"]);

    // Metrics whose denominator is zero in this practice, and why.
    let undefined = [
        "bounce_back_rate",              // no signposts or referrals
        "splw_caseload_per_fte_mean",    // no link-worker FTE
        "vcse_utilisation",              // no VCSE places
        "splw_wait_days_mean",           // nobody joined a caseload
        "cost_per_gp_appointment_freed", // no GP appointment freed
    ];
    let value_of = |rows: &[std::collections::HashMap<String, String>], arm: &str, metric: &str, col: &str| {
        rows.iter()
            .find(|r| r["arm"] == arm && r["metric"] == metric)
            .unwrap_or_else(|| panic!("no row {arm} {metric}"))[col]
            .clone()
    };
    let summary = csv_rows(&out.join("summary.csv"));
    let comparison = csv_rows(&out.join("comparison.csv"));
    let replications = csv_rows(&out.join("replications.csv"));
    for metric in undefined {
        for arm in ["counterfactual", "trained"] {
            if metric == "cost_per_gp_appointment_freed" && arm == "counterfactual" {
                continue; // paired metrics exist for the policy arms only
            }
            for col in ["mean", "sd", "ci_low", "ci_high"] {
                assert_eq!(value_of(&summary, arm, metric, col), "", "summary.csv {arm} {metric} {col}");
            }
            assert_eq!(value_of(&summary, arm, metric, "n"), "0", "summary.csv {arm} {metric} n");
            let values: Vec<&str> = (replications.iter())
                .filter(|r| r["arm"] == arm && r["metric"] == metric)
                .map(|r| r["value"].as_str())
                .collect();
            assert_eq!(values, ["", ""], "replications.csv {arm} {metric}");
        }
        for col in ["diff_mean", "diff_ci_low", "diff_ci_high"] {
            assert_eq!(value_of(&comparison, "trained", metric, col), "", "comparison.csv {metric} {col}");
        }
        assert_eq!(value_of(&comparison, "trained", metric, "n"), "0");
    }
    // A defined zero is written as 0: nothing was signposted, out of a
    // positive number of contacts; no GP appointment freed, out of many.
    assert_eq!(value_of(&summary, "trained", "signposted", "mean"), "0");
    assert_eq!(value_of(&summary, "trained", "gp_share_freed", "mean"), "0");
    assert_ne!(value_of(&summary, "trained", "gp_appointments", "mean"), "");

    // Weekly ratios: the link worker's utilisation has no capacity.
    let weekly = csv_rows(&out.join("timeseries.csv"));
    let splw: Vec<&std::collections::HashMap<String, String>> = weekly.iter().filter(|r| r["metric"] == "utilisation.splw").collect();
    assert_eq!(splw.len(), 2 * 4, "two arms × four weeks");
    for row in splw {
        assert_eq!((row["mean"].as_str(), row["p05"].as_str(), row["p95"].as_str()), ("", "", ""));
    }

    // No file spells "not defined" as NaN or inf (run.json carries no
    // metric values; serde_json would write a non-finite number as null).
    for file in ["summary.csv", "comparison.csv", "replications.csv", "timeseries.csv", "run.json"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        for bad in ["NaN", "nan", "inf"] {
            assert!(!text.contains(bad), "{file} contains {bad}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn network_ratios_with_a_zero_denominator_are_empty() {
    // Node B is on the routing table but no customer ever reaches it in a
    // short run, so its rejection probability (rejections / arrivals) and
    // mean wait have nothing to divide by.
    let text = r#"
name = "unreached"
seed = 1
replications = 2
[network]
horizon = 100.0
[[network.nodes]]
name = "A"
service = { dist = "exponential", mean = 0.5 }
arrivals = { dist = "exponential", mean = 1.0 }
routing = { B = 1e-12, exit = 0.999999999999 }
[[network.nodes]]
name = "B"
service = { dist = "exponential", mean = 0.5 }
"#;
    let (dir, out) = run_scenario("unreached", text, &[]);
    let summary = csv_rows(&out.join("summary.csv"));
    let row = |metric: &str| summary.iter().find(|r| r["metric"] == metric).unwrap_or_else(|| panic!("{metric}"));
    assert_eq!(row("arrivals.B")["mean"], "0", "a count of zero is 0");
    for metric in ["rejection_probability.B", "renege_probability.B", "wait_mean.B"] {
        let r = row(metric);
        assert_eq!((r["mean"].as_str(), r["n"].as_str()), ("", "0"), "{metric}");
    }
    assert_ne!(row("rejection_probability.A")["mean"], "", "A has arrivals: defined");
    let json = std::fs::read_to_string(out.join("run.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&json).unwrap();
    assert!(!json.contains("NaN") && !json.contains("inf"));
    let _ = std::fs::remove_dir_all(&dir);
}
