//! Population groups and equity (issue #15): neutral groups change no
//! total, group counts add up to the totals, each group effect moves its
//! group in the claimed direction (paired across replications, 95% CI
//! clear of zero), bad group keys exit 2 naming the key, and the new
//! files' columns.

use crate::support::{check_fails_naming, load, run, signpost, small_text, temp_dir};
use signpost::engine::{stream_rng, Stream};
use signpost::experiment::{ArmResult, ExperimentResult};
use signpost::metric::group::is_group_metric;
use signpost::model::demand::Population;
use signpost::stats::Summary;

/// Five IMD quintiles with every effect written as 1 (the built-in IMD
/// defaults would otherwise apply), plus `q1` extra fields on quintile 1.
fn imd(q1: &str) -> String {
    let neutral = "contact_rate = 1.0, acceptance = 1.0, trust_loss = 1.0, vcse_uptake = 1.0, vcse_completion = 1.0, online_uptake = 1.0";
    let needs = "need_multipliers = { social = 1.0, wellbeing = 1.0 }";
    let mut levels = Vec::new();
    for q in 0..5 {
        let extra = if q == 0 && !q1.is_empty() {
            format!(", {q1}")
        } else {
            String::new()
        };
        let needs = if q == 0 && q1.contains("need_multipliers") { "" } else { needs };
        levels.push(format!("  {{ share = 0.2, {neutral}, {needs}{extra} }},").replace(", , ", ", "));
    }
    // A later key of the same inline table would be a duplicate: put q1's
    // overrides in place of the neutral ones.
    let mut text = format!("\n[population.groups]\nimd = [\n{}\n]\n", levels.join("\n"));
    for field in q1
        .split(',')
        .filter_map(|f| f.split('=').next())
        .map(str::trim)
        .filter(|f| !f.is_empty() && !f.contains('{'))
    {
        let neutral_field = format!("{field} = 1.0, ");
        if let Some(at) = text.find(&neutral_field) {
            text.replace_range(at..at + neutral_field.len(), "");
        }
    }
    text
}

fn with_groups(groups: &str) -> String {
    small_text() + groups
}

pub(crate) fn arm<'a>(result: &'a ExperimentResult, name: &str) -> &'a ArmResult {
    result.arms.iter().find(|a| a.name == name).expect("arm")
}

pub(crate) fn column(arm: &ArmResult, name: &str) -> Vec<f64> {
    let m = arm.metric_index(name).unwrap_or_else(|| panic!("no metric {name}"));
    arm.values.iter().map(|r| r[m]).collect()
}

/// Per replication, `metric` per 1,000 patients of `group`.
fn per_1000(arm: &ArmResult, metric: &str, group: &str) -> Vec<f64> {
    let v = column(arm, &format!("{metric}@{group}"));
    let p = column(arm, &format!("patients@{group}"));
    v.iter().zip(&p).map(|(v, p)| v / p * 1000.0).collect()
}

/// 95% CI of the paired differences `a - b`.
pub(crate) fn paired_ci(a: &[f64], b: &[f64]) -> (f64, f64) {
    let ci = Summary::of(a.iter().zip(b).map(|(x, y)| x - y))
        .confidence_interval(0.95)
        .expect("n >= 2");
    (ci.low, ci.high)
}

#[test]
fn neutral_groups_change_no_total() {
    let plain = run(&load(&small_text()), 3, 0);
    let grouped = run(&load(&with_groups(&imd(""))), 3, 0);
    for (p, g) in plain.arms.iter().zip(&grouped.arms) {
        let names: Vec<&String> = g.metric_names.iter().filter(|n| !is_group_metric(n)).collect();
        assert_eq!(names, p.metric_names.iter().collect::<Vec<_>>(), "{}", p.name);
        for name in names {
            let (a, b) = (column(p, name), column(g, name));
            let same = a.iter().zip(&b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
            assert!(same, "{}: {name} changed with neutral groups: {a:?} vs {b:?}", p.name);
        }
    }
    assert!(
        plain.arms[0].metric_names.iter().all(|n| !is_group_metric(n)),
        "groups absent: no group metrics"
    );
}

#[test]
fn group_counts_add_up_to_the_totals() {
    let loaded = load(&with_groups(&imd("contact_rate = 1.5, acceptance = 0.7, vcse_uptake = 0.5")));
    let result = run(&loaded, 2, 0);
    let levels = [
        ("imd", vec!["1", "2", "3", "4", "5"]),
        ("age", vec!["0-4", "5-15", "16-44", "45-64", "65-74", "75+"]),
        ("sex", vec!["female", "male"]),
    ];
    for a in &result.arms {
        for metric in [
            "contacts",
            "new_episodes",
            "gp_appointments",
            "signposted",
            "bounce_backs",
            "unmet_needs",
            "gp_bookings",
        ] {
            let total = column(a, metric);
            for (dim, names) in &levels {
                let mut sum = vec![0.0; total.len()];
                for l in names {
                    for (s, v) in sum.iter_mut().zip(column(a, &format!("{metric}@{dim}={l}"))) {
                        *s += v;
                    }
                }
                assert_eq!(sum, total, "{}: {metric} by {dim}", a.name);
            }
        }
        for (dim, names) in &levels {
            let patients: f64 = names.iter().map(|l| column(a, &format!("patients@{dim}={l}"))[0]).sum();
            assert_eq!(patients, 5000.0, "{dim}");
        }
    }
}

#[test]
fn a_group_with_a_higher_contact_rate_has_more_contacts_per_1000() {
    let result = run(&load(&with_groups(&imd("contact_rate = 1.6"))), 4, 0);
    let cf = &result.arms[0];
    let (low, _) = paired_ci(&per_1000(cf, "contacts", "imd=1"), &per_1000(cf, "contacts", "imd=5"));
    assert!(low > 0.0, "quintile 1 contacts more per 1,000: CI low {low}");
}

#[test]
fn a_group_with_more_social_need_gets_more_link_worker_referrals() {
    let groups = imd("need_multipliers = { social = 4.0, wellbeing = 4.0 }");
    let result = run(&load(&with_groups(&groups)), 4, 0);
    let cf = &result.arms[0];
    let (low, _) = paired_ci(&per_1000(cf, "splw_referrals", "imd=1"), &per_1000(cf, "splw_referrals", "imd=5"));
    assert!(low > 0.0, "quintile 1 more social need: CI low {low}");
}

#[test]
fn a_group_that_accepts_signposting_less_declines_more() {
    let result = run(&load(&with_groups(&imd("acceptance = 0.3"))), 4, 0);
    let trained = arm(&result, "trained");
    let rate = |g: &str| -> Vec<f64> {
        let d = column(trained, &format!("signpost_declined@{g}"));
        let s = column(trained, &format!("signposted@{g}"));
        d.iter().zip(&s).map(|(d, s)| d / s).collect()
    };
    let (low, _) = paired_ci(&rate("imd=1"), &rate("imd=5"));
    assert!(low > 0.0, "quintile 1 declines more: CI low {low}");
}

#[test]
fn a_deprived_group_with_lower_vcse_attendance_bounces_more() {
    // Quintile 1 rarely attends VCSE programmes: under signposting its
    // referrals fail and come back. Paired against the same patients with
    // full attendance (same seed, same group draws).
    let low_attendance = run(&load(&with_groups(&imd("vcse_uptake = 0.1"))), 6, 0);
    let full = run(&load(&with_groups(&imd(""))), 6, 0);
    let metric = |r: &ExperimentResult| per_1000(arm(r, "trained"), "bounce_backs", "imd=1");
    let (low, _) = paired_ci(&metric(&low_attendance), &metric(&full));
    assert!(low > 0.0, "lower VCSE attendance bounces more: CI low {low}");
}

#[test]
fn demographics_follow_the_bands_and_exist_only_with_groups() {
    let loaded = load(&with_groups(&imd("")));
    let s = &loaded.arms[0].scenario;
    let pop = Population::new(s, &mut stream_rng(3, 0, Stream::Patients));
    let (mut female, mut old, mut q1) = (0usize, 0usize, 0usize);
    for p in 0..pop.patients.len() as u32 {
        let d = pop.demographics(p).expect("groups configured");
        assert!(d.age_from_years < d.age_to_years);
        female += usize::from(d.female);
        old += usize::from(d.age_from_years == 75 && d.age_to_years == 120);
        q1 += usize::from(d.imd_quintile == Some(1));
    }
    let n = pop.patients.len() as f64;
    // Binomial 4-sigma bands around the configured shares.
    for (count, p) in [(female, 0.5), (old, 0.084), (q1, 0.2)] {
        let sd = (p * (1.0 - p) / n).sqrt();
        assert!((count as f64 / n - p).abs() < 4.0 * sd, "{count} of {n} vs {p}");
    }
    let plain = load(&small_text());
    let pop = Population::new(&plain.arms[0].scenario, &mut stream_rng(3, 0, Stream::Patients));
    assert!(pop.demographics(0).is_none());
    assert!(pop.patients.iter().all(|p| p.online_uptake == 1.0 && p.cell == 0));
}

fn check_exit(groups: &str, key: &str) {
    check_fails_naming(&with_groups(groups), key, "groups");
}

#[test]
fn bad_group_keys_exit_2_naming_the_key() {
    let five = |last: &str| {
        format!("\n[population.groups]\nimd = [{{ share = 0.2 }}, {{ share = 0.2 }}, {{ share = 0.2 }}, {{ share = 0.2 }}, {last}]\n")
    };
    check_exit(&five("{ share = 0.3 }"), "population.groups.imd");
    check_exit(
        &five("{ share = 0.2, contact_rate = -1.0 }"),
        "population.groups.imd[4].contact_rate",
    );
    check_exit(
        &five("{ share = 0.2, need_multipliers = { socal = 2.0 } }"),
        "population.groups.imd[4].need_multipliers.socal",
    );
    check_exit(&five("{ share = 0.2, level = \"9\" }"), "population.groups.imd[4].level");
    check_exit("\n[population.groups]\nimd = [{ share = 1.0 }]\n", "population.groups.imd");
    check_exit(
        "\n[population.groups]\nage = [{ share = 0.5, from_years = 0, to_years = 16 }, { share = 0.5, from_years = 18, to_years = 120 }]\n",
        "population.groups.age[1].from_years",
    );
    check_exit(
        "\n[population.groups]\nsex = [{ share = 0.5, level = \"f\" }, { share = 0.5, level = \"male\" }]\n",
        "population.groups.sex[0].level",
    );
    check_exit(
        "\n[population.groups]\ndigital = [{ share = 1.0 }]\n",
        "population.groups.digital[0].level",
    );
    check_exit(
        "\n[population.groups]\ndigital = [{ share = 1.0, level = \"x\", from_years = 3 }]\n",
        "population.groups.digital[0].from_years",
    );
}

#[test]
fn groups_csv_and_equity_csv_are_written_only_with_groups() {
    let dir = temp_dir("groups-files");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("g.toml");
    std::fs::write(&file, with_groups(&imd("contact_rate = 1.3"))).unwrap();
    let out_dir = dir.join("out");
    let out = signpost(&[
        "run",
        file.to_str().unwrap(),
        "--reps",
        "2",
        "--no-charts",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Population groups: per-group results in groups.csv"));
    let groups = std::fs::read_to_string(out_dir.join("groups.csv")).unwrap();
    assert!(groups.starts_with("arm,dimension,group,metric,mean,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,n\n"));
    assert!(groups.contains("\ncounterfactual,imd,1,contacts_per_1000,"), "{groups}");
    assert!(groups.contains("\ntrained,age,75+,gp_wait_days_mean,"), "{groups}");
    let equity = std::fs::read_to_string(out_dir.join("equity.csv")).unwrap();
    assert!(equity.starts_with("arm,measure,quantity,mean,ci_low,ci_high,n,statement\n"));
    for quantity in ["imd=1", "imd=5", "q1_minus_q5", "sii", "counterfactual_sii"] {
        assert!(
            equity.contains(&format!(",unmet_needs_per_1000,{quantity},")),
            "{quantity}: {equity}"
        );
    }
    let statements = ["narrows", "widens", "no clear change (CI spans 0)"];
    let sii_rows: Vec<&str> = equity.lines().filter(|l| l.contains(",unmet_needs_per_1000,sii,")).collect();
    assert!(!sii_rows.is_empty());
    assert!(sii_rows.iter().all(|l| statements.iter().any(|s| l.ends_with(s))), "{sii_rows:?}");
    let summary = std::fs::read_to_string(out_dir.join("summary.csv")).unwrap();
    assert!(!summary.contains('@'), "group metrics stay out of summary.csv");
    let plain_dir = dir.join("plain");
    let out = signpost(&[
        "run",
        "tests/fixtures/small.toml",
        "--reps",
        "2",
        "--no-charts",
        "--out",
        plain_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(!plain_dir.join("groups.csv").exists() && !plain_dir.join("equity.csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_group_that_loses_trust_faster_declines_more_after_bounces() {
    let fast = run(&load(&with_groups(&imd("trust_loss = 5.0"))), 6, 0);
    let base = run(&load(&with_groups(&imd(""))), 6, 0);
    let metric = |r: &ExperimentResult| per_1000(arm(r, "trained"), "signpost_declined", "imd=1");
    let (low, _) = paired_ci(&metric(&fast), &metric(&base));
    assert!(low > 0.0, "faster trust loss declines more: CI low {low}");
}

#[test]
fn a_group_that_completes_vcse_programmes_less_bounces_more() {
    let low_completion = run(&load(&with_groups(&imd("vcse_completion = 0.1"))), 6, 0);
    let full = run(&load(&with_groups(&imd(""))), 6, 0);
    let metric = |r: &ExperimentResult| per_1000(arm(r, "trained"), "bounce_backs", "imd=1");
    let (low, _) = paired_ci(&metric(&low_completion), &metric(&full));
    assert!(low > 0.0, "lower VCSE completion bounces more: CI low {low}");
}

#[test]
fn online_uptake_is_carried_on_each_patient_as_the_product_of_their_levels() {
    let groups = imd("online_uptake = 0.5")
        + "sex = [{ share = 0.5, level = \"female\", online_uptake = 1.2 }, { share = 0.5, level = \"male\" }]\n";
    let loaded = load(&with_groups(&groups));
    let pop = Population::new(&loaded.arms[0].scenario, &mut stream_rng(3, 0, Stream::Patients));
    for p in 0..pop.patients.len() as u32 {
        let d = pop.demographics(p).expect("groups");
        let want = if d.imd_quintile == Some(1) { 0.5 } else { 1.0 } * if d.female { 1.2 } else { 1.0 };
        assert!((f64::from(pop.patients[p as usize].online_uptake) - want).abs() < 1e-6, "{d:?}");
    }
}

#[test]
fn the_inequalities_library_scenario_states_a_gap_verdict_per_arm() {
    let text = std::fs::read_to_string(crate::support::root().join("scenarios/inequalities.toml")).unwrap();
    let mut table: toml::Table = text.parse().unwrap();
    let population = table["population"].as_table_mut().unwrap();
    population.insert("list_size".into(), toml::Value::Integer(5000));
    table.insert(
        "time".into(),
        toml::Value::Table(toml::toml! { warmup_days = 28.0
        horizon_days = 56.0 }),
    );
    let loaded = load(&toml::to_string(&table).unwrap());
    let result = run(&loaded, 3, 0);
    let equity = signpost::report::groups::equity_text(&result).expect("IMD quintiles give equity.csv");
    for arm in ["trained", "trained_capacity_aware", "trained_splw"] {
        let row = equity
            .lines()
            .find(|l| l.starts_with(&format!("{arm},unmet_needs_per_1000,sii,")))
            .unwrap_or_else(|| panic!("{arm}: {equity}"));
        assert!(
            ["narrows", "widens", "no clear change (CI spans 0)"]
                .iter()
                .any(|s| row.ends_with(s)),
            "{row}"
        );
    }
}

#[test]
fn a_group_with_no_online_uptake_sends_fewer_online_requests() {
    let text = |groups: &str| small_text().replacen("[[arms]]", "[online]\nuptake = 0.5\n\n[[arms]]", 1) + groups;
    let none_in_q1 = run(&load(&text(&imd("online_uptake = 0.0"))), 4, 0);
    let neutral = run(&load(&text(&imd(""))), 4, 0);
    let requests = |r: &ExperimentResult| column(&r.arms[0], "online_requests");
    let (low, _) = paired_ci(&requests(&neutral), &requests(&none_in_q1));
    assert!(low > 0.0, "quintile 1 writing in never: fewer online requests, CI low {low}");
}
