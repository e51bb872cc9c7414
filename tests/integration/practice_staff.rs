//! A practice's own opening hours, the roles the practices employ, and the
//! online route with practices (issue #15): each mechanism moves the
//! practice it belongs to (paired across replications, 95% CI clear of
//! zero, or exactly where the rule is exact), counts still add up to the
//! PCN's, and bad keys exit 2 naming the key.

use crate::groups::{arm, column, paired_ci};
use crate::practices::{base, check_exit, two_practices};
use crate::support::{load, run};
use signpost::experiment::ArmResult;

/// The fixture's two practices, with `north` added to North's keys.
fn with_north(north: &str) -> String {
    with_both(north, "")
}

/// The fixture's two practices, with `north` and `south` added to their keys.
fn with_both(north: &str, south: &str) -> String {
    let two = two_practices(1.4);
    let (first, second) = two.split_at(two.rfind("[[practices]]").expect("two practices"));
    format!("{}\n{north}\n\n{}\n{south}\n", first.trim_end(), second.trim_end())
}

/// Metric `name`'s values in `arm`, as bits (so that NaN equals NaN).
fn bits(arm: &ArmResult, name: &str) -> Vec<u64> {
    column(arm, name).iter().map(|x| x.to_bits()).collect()
}

/// North's and South Side's `metrics` add up to the PCN's in every replication.
fn add_up(a: &ArmResult, metrics: &[&str]) {
    for metric in metrics {
        let north = column(a, &format!("{metric}@practice=North"));
        let south = column(a, &format!("{metric}@practice=South Side"));
        let sum: Vec<f64> = north.iter().zip(&south).map(|(a, b)| a + b).collect();
        assert_eq!(sum, column(a, metric), "{metric}");
    }
}

/// `arm - counterfactual`, replication by replication, for `metric`.
fn change(result: &signpost::experiment::ExperimentResult, arm_name: &str, metric: &str) -> Vec<f64> {
    let (cf, a) = (&result.arms[0], arm(result, arm_name));
    column(a, metric).iter().zip(column(cf, metric)).map(|(a, c)| a - c).collect()
}

#[test]
fn a_practice_closing_at_lunchtime_turns_its_callers_away_and_not_the_others() {
    // North keeps its phones open 08:00-12:30 instead of to 18:30: its
    // calls after 12:30 wait for the next morning, so more of its callers
    // hang up; South Side's hours and line are untouched.
    let north = "close = \"18:30\"";
    let arms = "\n[[arms]]\nname = \"north_mornings\"\nset = { \"practices.North.close\" = \"12:30\" }\n";
    let result = run(&load(&(base() + &with_north(north) + arms)), 6, 0);
    let more = change(&result, "north_mornings", "navigation_abandoned@practice=North");
    let zero = vec![0.0; more.len()];
    let (low, high) = paired_ci(&more, &zero);
    assert!(low > 0.0, "North's abandoned calls rise: CI {low:.1} to {high:.1}");
    let south = change(&result, "north_mornings", "contacts@practice=South Side");
    let north_contacts = change(&result, "north_mornings", "contacts@practice=North");
    let (_, high) = paired_ci(&south, &north_contacts);
    assert!(
        high < 0.0,
        "North's contacts rise (retries) more than South Side's: CI high {high:.1}"
    );
}

#[test]
fn a_practice_closed_on_fridays_loses_its_friday_gp_sessions() {
    // North's GP slots are laid on its open days only.
    let arms = "\n[[arms]]\nname = \"north_four_days\"\nset = { \"practices.North.open_weekdays\" = [true, true, true, true, false, false, false] }\n";
    let text = base() + &with_north("open_weekdays = [true, true, true, true, true, false, false]") + arms;
    let result = run(&load(&text), 6, 0);
    let fewer = change(&result, "north_four_days", "gp_appointments@practice=North");
    let zero = vec![0.0; fewer.len()];
    let (_, high) = paired_ci(&fewer, &zero);
    assert!(high < 0.0, "North holds fewer GP appointments: CI high {high:.1}");
    let wait = change(&result, "north_four_days", "gp_wait_days_mean@practice=North");
    let (low, _) = paired_ci(&wait, &zero);
    assert!(low > 0.0, "North's GP wait rises: CI low {low:.2}");
}

#[test]
fn hours_equal_to_the_pcns_change_nothing() {
    // Writing out the PCN's own hours at a practice is the same scenario.
    let plain = run(&load(&(base() + &two_practices(1.4))), 2, 0);
    let hours = "open = \"08:00\"\nclose = \"18:30\"\nopen_weekdays = [true, true, true, true, true, false, false]";
    let written = run(&load(&(base() + &with_north(hours))), 2, 0);
    for (p, w) in plain.arms.iter().zip(&written.arms) {
        assert_eq!(p.metric_names, w.metric_names);
        for name in &p.metric_names {
            assert_eq!(bits(p, name), bits(w, name), "{name}");
        }
    }
}

#[test]
fn a_role_employed_by_one_practice_sees_only_its_patients() {
    // North employs all of the pharmacist's 0.5 FTE; South Side none. Every
    // role appointment is North's: South Side's navigators have no role to
    // send to, so its patients stay with their GP.
    let text = base() + &with_north("role_fte = { pharmacist = 0.5 }");
    let arms = "\n[[arms]]\nname = \"trained\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"enhanced\" }\n";
    let result = run(&load(&(text + arms)), 4, 0);
    for a in &result.arms {
        let north = column(a, "role_appointments@practice=North");
        assert_eq!(
            north,
            column(a, "role_appointments"),
            "{}: every role appointment is North's",
            a.name
        );
        let south = column(a, "role_appointments@practice=South Side");
        assert!(south.iter().all(|&n| n == 0.0), "{}: {south:?}", a.name);
    }
    let north = column(arm(&result, "trained"), "role_appointments@practice=North");
    assert!(north.iter().all(|&n| n > 0.0), "North's pharmacist sees patients: {north:?}");
}

#[test]
fn sharing_a_role_between_practices_by_fte_keeps_counts_adding_up() {
    let text = base() + &with_both("role_fte = { pharmacist = 0.3 }", "role_fte = { pharmacist = 0.2 }");
    let arms = "\n[[arms]]\nname = \"trained\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"enhanced\" }\n";
    let result = run(&load(&(text + arms)), 3, 0);
    let cf = arm(&result, "trained");
    add_up(cf, &["role_appointments", "gp_appointments", "contacts", "unmet_needs"]);
    assert!(column(cf, "role_appointments@practice=South Side").iter().all(|&n| n > 0.0));
}

#[test]
fn giving_a_practice_some_of_a_role_lets_its_patients_see_it() {
    // Signposting active in both; North employs all of the pharmacist's
    // 0.5 FTE and South Side none (listed as 0, so an arm can set it). The
    // arm moves half to South Side, launched from the shared warm state.
    let text = base() + &with_both("role_fte = { pharmacist = 0.5 }", "role_fte = { pharmacist = 0.0 }");
    let active = "\n[[arms]]\nname = \"trained\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"enhanced\" }\n";
    let moved = "\n[[arms]]\nname = \"shared\"\nset = { \"navigation.mode\" = \"active\", \"navigation.training\" = \"enhanced\", \"practices.North.role_fte.pharmacist\" = 0.25, \"practices.South Side.role_fte.pharmacist\" = 0.25 }\n";
    let result = run(&load(&(text + active + moved)), 6, 0);
    let (trained, shared) = (arm(&result, "trained"), arm(&result, "shared"));
    let south = |a: &ArmResult| column(a, "role_appointments@practice=South Side");
    assert!(south(trained).iter().all(|&n| n == 0.0), "{:?}", south(trained));
    let (low, _) = paired_ci(&south(shared), &south(trained));
    assert!(low > 0.0, "South Side's patients see the pharmacist: CI low {low:.1}");
}

#[test]
fn the_online_route_runs_per_practice_with_its_own_navigators() {
    // Online requests wait in their own practice's inbox for its own
    // navigators. Taking North's only line away (arm: South Side keeps 1
    // line, North 1 → the same total, but North's patients write in more)
    // is not expressible without changing the total, so the arm halves
    // South Side's hours instead: South Side's requests wait longer.
    let arms = "\n[[arms]]\nname = \"south_mornings\"\nset = { \"practices.South Side.close\" = \"12:30\" }\n";
    let text = base() + &with_both("close = \"18:30\"", "close = \"18:30\"") + "\n[online]\nuptake = 0.3\n" + arms;
    let result = run(&load(&text), 6, 0);
    let cf = &result.arms[0];
    add_up(cf, &["contacts", "new_episodes", "gp_appointments", "unmet_needs"]);
    assert!(column(cf, "online_triaged_by_navigator").iter().all(|&n| n > 0.0));
    let wait = change(&result, "south_mornings", "online_inbox_wait_days_mean");
    let zero = vec![0.0; wait.len()];
    let (low, high) = paired_ci(&wait, &zero);
    assert!(low > 0.0, "the inbox waits longer: CI {low:.3} to {high:.3}");
}

#[test]
fn bad_practice_hours_and_roles_exit_2_naming_the_key() {
    check_exit(&(base() + &with_north("open = \"07:30\"")), "practices[0].open");
    check_exit(&(base() + &with_north("close = \"19:00\"")), "practices[0].close");
    check_exit(&(base() + &with_north("open = \"12:00\"\nclose = \"11:00\"")), "practices[0].close");
    check_exit(&(base() + &with_north("open = \"8 o'clock\"")), "practices[0].open");
    check_exit(
        &(base() + &with_north("open_weekdays = [true, true, true, true, true, true, false]")),
        "practices[0].open_weekdays",
    );
    check_exit(
        &(base() + &with_north("open_weekdays = [false, false, false, false, false, false, false]")),
        "practices[0].open_weekdays",
    );
    check_exit(
        &(base() + &with_north("open_weekdays = [true, true]")),
        "practices[0].open_weekdays",
    );
    check_exit(&(base() + &with_north("role_fte = { nurse = 0.5 }")), "practices[0].role_fte.nurse");
    check_exit(
        &(base() + &with_north("role_fte = { pharmacist = -0.5 }")),
        "practices[0].role_fte.pharmacist",
    );
    check_exit(&(base() + &with_north("role_fte = { pharmacist = 0.4 }")), "roles[0].fte");
    // An arm that changes a practice-employed role's PCN total.
    let arm = "\n[[arms]]\nname = \"more\"\nset = { \"roles.pharmacist.fte\" = 1.0 }\n";
    check_exit(&(base() + &with_north("role_fte = { pharmacist = 0.5 }") + arm), "roles[0].fte");
}
