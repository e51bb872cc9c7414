//! Practices within a PCN (issue #15): one practice listed with the PCN's
//! totals changes no PCN-level byte; each practice's lever moves that
//! practice (paired across replications, 95% CI clear of zero); the
//! per-practice metrics add up to the PCN's; bad practice keys and PCN
//! totals that do not add up exit 2 naming the key.

use crate::groups::{arm, column, paired_ci};
use crate::support::{check_fails_naming, load, run, signpost, small_text, temp_dir};
use signpost::experiment::ArmResult;
use signpost::metric::group::is_group_metric;
use signpost::report::tables::{comparison_csv, summary_csv};

/// The small fixture without its arms.
pub(crate) fn base() -> String {
    let text = small_text();
    let cut = text.find("[[arms]]").expect("the fixture has arms");
    text[..cut].to_string()
}

/// Two practices sharing the fixture's 5,000 patients, 2.8 GP FTE and 2
/// lines, both untrained; `north_gp` of the GP FTE at North.
pub(crate) fn two_practices(north_gp: f64) -> String {
    format!(
        "\n[[practices]]\nname = \"North\"\nlist_size = 2500\ngp_fte = {north_gp}\nreception_lines = 1\ntraining = \"none\"\n\
         \n[[practices]]\nname = \"South Side\"\nlist_size = 2500\ngp_fte = {}\nreception_lines = 1\ntraining = \"none\"\n",
        2.8 - north_gp
    )
}

#[test]
fn one_practice_listed_changes_no_pcn_result() {
    let arms = "\n[[arms]]\nname = \"trained\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"enhanced\" }\n";
    let one = "\n[[practices]]\nname = \"Only\"\nlist_size = 5000\ngp_fte = 2.8\nreception_lines = 2\n";
    let plain = run(&load(&(base() + arms)), 3, 0);
    let listed = run(&load(&(base() + one + arms)), 3, 0);
    assert_eq!(summary_csv(&plain), summary_csv(&listed));
    assert_eq!(comparison_csv(&plain), comparison_csv(&listed));
    // The listed run adds the practice's own metrics and nothing else, and
    // they equal the PCN's.
    for (p, l) in plain.arms.iter().zip(&listed.arms) {
        let names: Vec<&String> = l.metric_names.iter().filter(|n| !is_group_metric(n)).collect();
        assert_eq!(names, p.metric_names.iter().collect::<Vec<_>>());
        for metric in ["gp_appointments", "bounce_backs", "unmet_needs", "gp_bookings"] {
            assert_eq!(column(l, &format!("{metric}@practice=Only")), column(p, metric), "{metric}");
        }
        // The PCN's mean wait is a running mean, the practice's a sum over
        // a count: equal to rounding.
        for (x, y) in column(l, "gp_wait_days_mean@practice=Only")
            .iter()
            .zip(column(p, "gp_wait_days_mean"))
        {
            assert!((x - y).abs() <= 1e-12 * y.abs(), "{x} vs {y}");
        }
    }
    assert!(plain.arms[0].metric_names.iter().all(|n| !is_group_metric(n)));
}

#[test]
fn per_practice_counts_add_up_to_the_pcn() {
    let result = run(&load(&(base() + &two_practices(1.4))), 3, 0);
    let cf = &result.arms[0];
    for metric in [
        "contacts",
        "gp_appointments",
        "gp_demand",
        "navigation_abandoned",
        "unmet_needs",
        "gp_bookings",
    ] {
        let north = column(cf, &format!("{metric}@practice=North"));
        let south = column(cf, &format!("{metric}@practice=South Side"));
        let sum: Vec<f64> = north.iter().zip(&south).map(|(a, b)| a + b).collect();
        assert_eq!(sum, column(cf, metric), "{metric}");
    }
    assert_eq!(column(cf, "patients@practice=North"), vec![2500.0; 3]);
}

#[test]
fn training_one_practice_frees_its_gp_appointments_more_than_the_other() {
    // Both practices signpost; only North's navigators are trained, so
    // North's patients are sent away from the GP far more often (identify
    // 0.38 against 0.05 for untrained reception).
    let arms =
        "\n[[arms]]\nname = \"north_trained\"\nset = { \"navigation.mode\" = \"active\", \"practices.North.training\" = \"enhanced\" }\n";
    let result = run(&load(&(base() + &two_practices(1.4) + arms)), 6, 0);
    let (cf, a) = (&result.arms[0], arm(&result, "north_trained"));
    let freed = |practice: &str| -> Vec<f64> {
        let name = format!("gp_appointments@practice={practice}");
        column(cf, &name).iter().zip(column(a, &name)).map(|(c, a)| c - a).collect()
    };
    let (low, high) = paired_ci(&freed("North"), &freed("South Side"));
    assert!(
        low > 0.0,
        "North frees more GP appointments than South Side: CI {low:.1} to {high:.1}"
    );
    let signposted = |practice: &str| column(a, &format!("signposted@practice={practice}"));
    let (low, _) = paired_ci(&signposted("North"), &signposted("South Side"));
    assert!(low > 0.0, "trained navigators signpost more");
}

#[test]
fn moving_a_gp_shortens_the_receiving_practices_wait() {
    // The same PCN; an arm moves 0.4 GP FTE from South Side to North.
    let arms = "\n[[arms]]\nname = \"gp_moved\"\nset = { \"practices.North.gp_fte\" = 1.8, \"practices.South Side.gp_fte\" = 1.0 }\n";
    let result = run(&load(&(base() + &two_practices(1.4) + arms)), 6, 0);
    let (cf, a) = (&result.arms[0], arm(&result, "gp_moved"));
    let wait = |r: &ArmResult, p: &str| column(r, &format!("gp_wait_days_mean@practice={p}"));
    let (_, high) = paired_ci(&wait(a, "North"), &wait(cf, "North"));
    assert!(high < 0.0, "North's GP wait falls: CI high {high:.2}");
    let (low, _) = paired_ci(&wait(a, "South Side"), &wait(cf, "South Side"));
    assert!(low > 0.0, "South Side's GP wait rises: CI low {low:.2}");
}

pub(crate) fn check_exit(text: &str, key: &str) {
    check_fails_naming(text, key, "practices");
}

#[test]
fn bad_practices_exit_2_naming_the_key() {
    let two = two_practices(1.4);
    check_exit(
        &(base() + &two.replace("list_size = 2500", "list_size = 2400")),
        "population.list_size",
    );
    check_exit(&(base() + &two.replace("gp_fte = 1.4", "gp_fte = 1.0")), "gp.fte");
    check_exit(
        &(base() + &two.replacen("reception_lines = 1", "reception_lines = 2", 1)),
        "navigation.servers",
    );
    check_exit(&(base() + &two.replace("South Side", "North")), "practices[1].name");
    check_exit(&(base() + &two.replace("\"North\"", "\"a@b\"")), "practices[0].name");
    check_exit(
        &(base() + &two.replacen("reception_lines = 1", "reception_lines = 0", 1)),
        "practices[0].reception_lines",
    );
    check_exit(
        &(base() + &two.replacen("training = \"none\"", "training = \"none\"\nrural_share = 1.5", 1)),
        "practices[0].rural_share",
    );
    check_exit(&(base() + &two.replacen("gp_fte", "gp_ftee", 1)), "gp_ftee");
    // An arm that changes a PCN total without saying which practice gains.
    let arm = "\n[[arms]]\nname = \"more_gps\"\nset = { \"gp.fte\" = 4.0 }\n";
    check_exit(&(base() + &two + arm), "gp.fte");
}

#[test]
fn the_library_scenario_reports_every_practice_in_groups_csv_and_the_report() {
    let dir = temp_dir("practices-library");
    let out = signpost(&[
        "run",
        crate::support::root().join("scenarios/practices.toml").to_str().unwrap(),
        "--reps",
        "2",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let groups = std::fs::read_to_string(dir.join("groups.csv")).unwrap();
    for practice in ["Riverside", "Market Street", "Hillside", "Abbey", "Moorland"] {
        let row = format!("trained_all,practice,{practice},gp_appointments_per_1000,");
        assert!(groups.contains(&row), "{row}");
    }
    assert!(!dir.join("equity.csv").exists(), "no deprivation quintiles, no equity.csv");
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(report.contains("<section id=\"practices\">") && report.contains("<figure id=\"practices_freed\">"));
    assert_eq!(report.matches("<td>Moorland</td>").count(), 3, "one row per policy arm");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn arms_that_change_a_practices_list_run_their_own_warm_up() {
    let two = two_practices(1.4).replacen("training = \"none\"", "training = \"none\"\nrural_share = 0.2", 1);
    let arms = "\n[[arms]]\nname = \"rural\"\nset = { \"practices.North.rural_share\" = 0.6 }\n\
                \n[[arms]]\nname = \"gp_moved\"\nset = { \"practices.North.gp_fte\" = 1.8, \"practices.South Side.gp_fte\" = 1.0 }\n";
    let loaded = load(&(base() + &two + arms));
    let cf = &loaded.arms[0].scenario;
    let blocker = signpost::model::fork_blocker(cf, &loaded.arms[1].scenario);
    assert_eq!(blocker, Some("practices.*.list_size, practices.*.rural_share"));
    assert_eq!(signpost::model::fork_blocker(cf, &loaded.arms[2].scenario), None);
}
