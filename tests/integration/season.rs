//! Issue #15's seasonal need mix, timed VCSE changes and Pharmacy First:
//! each mechanism's direction on small seeded scenarios (paired arms under
//! common random numbers; tolerances from confidence intervals), and that
//! none of them changes anything unless a scenario asks for it.

use crate::support::{load, run, run_outputs, small_text};
use signpost::engine::{stream_rng, Stream};
use signpost::experiment::ExperimentResult;
use signpost::model::demand::{ArrivalPlan, Population};
use signpost::model::fork_blocker;
use signpost::report::tables::paired;
use signpost::scenario::load::load_str;

/// z of a two-sided 99% interval.
const Z99: f64 = 2.576;

fn metric(result: &ExperimentResult, arm: &str, name: &str) -> Vec<f64> {
    let a = result.arms.iter().find(|a| a.name == arm).expect("arm");
    let m = a.metric_index(name).unwrap_or_else(|| panic!("no metric {name}"));
    a.values.iter().map(|r| r[m]).collect()
}

fn paired_ci(result: &ExperimentResult, arm: &str, other: &str, name: &str) -> (f64, f64) {
    let a = result.arms.iter().find(|x| x.name == arm).expect("arm");
    let b = result.arms.iter().find(|x| x.name == other).expect("arm");
    let ci = paired(a, b, name).confidence_interval(0.95).expect("n >= 2");
    (ci.low, ci.high)
}

/// A year of demand from 2025-01-06 with `minor_illness` surging in winter
/// (`surge` in Dec–Feb, 0.7 in Jun–Aug) or not (`surge = None`).
fn year_text(surge: Option<f64>) -> String {
    let months = surge.map_or_else(String::new, |w| {
        format!("month_multipliers = [{w}, {w}, 1.0, 1.0, 1.0, 0.7, 0.7, 0.7, 1.0, 1.0, 1.0, {w}]")
    });
    format!(
        "name = \"season\"\n[time]\nstart_date = \"2025-01-06\"\nwarmup_days = 0\nhorizon_days = 364\n\
         [population]\nlist_size = 5000\n\
         [[needs]]\nname = \"clinical_urgent\"\n[[needs]]\nname = \"clinical_routine\"\n[[needs]]\nname = \"mh_crisis\"\n\
         [[needs]]\nname = \"other_professional\"\n[[needs]]\nname = \"minor_illness\"\n{months}\n\
         [[needs]]\nname = \"social\"\n[[needs]]\nname = \"wellbeing\"\n[[needs]]\nname = \"admin\"\n"
    )
}

/// Minor-illness episodes and all episodes drawn in winter (Dec–Feb) and
/// summer (Jun–Aug) days of replication `rep`.
fn season_counts(text: &str, rep: u64) -> [(f64, f64); 2] {
    let loaded = load(text);
    let s = &loaded.arms[0].scenario;
    let minor = s.raw.needs.iter().position(|n| n.name == "minor_illness").expect("need") as u16;
    let mut pop = Population::new(s, &mut stream_rng(11, rep, Stream::Patients));
    let mut rng = stream_rng(11, rep, Stream::Arrivals);
    let (mut times, mut day) = (Vec::new(), Vec::new());
    let mut counts = [(0.0, 0.0); 2];
    for d in 0..364 {
        pop.draw_day(s, d, &mut rng, &mut times, &mut day);
        let season = match s.calendar.month(d) {
            11 | 0 | 1 => 0,
            5..=7 => 1,
            _ => continue,
        };
        counts[season].0 += day.iter().filter(|a| a.need == minor).count() as f64;
        counts[season].1 += day.len() as f64;
    }
    counts
}

/// Winter share minus summer share of minor illness, with its 99% half-width.
fn winter_minus_summer(counts: [(f64, f64); 2]) -> (f64, f64) {
    let [(wm, wn), (sm, sn)] = counts;
    let (pw, ps) = (wm / wn, sm / sn);
    (pw - ps, Z99 * (pw * (1.0 - pw) / wn + ps * (1.0 - ps) / sn).sqrt())
}

#[test]
fn a_winter_surge_of_one_need_raises_its_share_in_winter_not_only_the_volume() {
    let mut raised = 0;
    for rep in 0..3 {
        let (surge, half) = winter_minus_summer(season_counts(&year_text(Some(1.5)), rep));
        assert!(
            surge - half > 0.0,
            "rep {rep}: winter share must exceed summer share: {surge} ± {half}"
        );
        // The same seed without the surge: no seasonal difference in the mix.
        let (flat, half_flat) = winter_minus_summer(season_counts(&year_text(None), rep));
        assert!(
            flat.abs() < half_flat,
            "rep {rep}: without it the mix must not change: {flat} ± {half_flat}"
        );
        raised += usize::from(surge > flat);
    }
    assert_eq!(raised, 3);
}

#[test]
fn the_shared_arrival_plan_draws_the_seasonal_mix_as_the_model_would() {
    let loaded = load(&year_text(Some(1.5)));
    let s = &loaded.arms[0].scenario;
    let mut pop = Population::new(s, &mut stream_rng(3, 0, Stream::Patients));
    let mut rng = stream_rng(3, 0, Stream::Arrivals);
    let (mut times, mut day) = (Vec::new(), Vec::new());
    for d in 0..30 {
        pop.draw_day(s, d, &mut rng, &mut times, &mut day);
    }
    // From a warm state at day 30, through the winter's end into spring.
    let plan = ArrivalPlan::draw(s, &pop, &rng, 30, 120);
    for d in 30..120 {
        pop.draw_day(s, d, &mut rng, &mut times, &mut day);
        {
            let planned = plan.day(d).expect("planned");
            let key = |a: &signpost::model::demand::Arrival| (a.time.to_bits(), a.u_thin.to_bits(), a.patient, a.need);
            assert_eq!(
                planned.iter().map(key).collect::<Vec<_>>(),
                day.iter().map(key).collect::<Vec<_>>(),
                "day {d}"
            );
        }
    }
    // An arm that changes a need's seasons draws other arrivals: it warms
    // up on its own instead of sharing the counterfactual's plan.
    let text = year_text(None).replace("name = \"minor_illness\"\n", "name = \"minor_illness\"\nmonth_multipliers = []\n")
        + "[[arms]]\nname = \"winter\"\nset = { \"needs.minor_illness.month_multipliers\" = [1.5, 1.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.5] }\n";
    let loaded = load(&text);
    assert_eq!(fork_blocker(&loaded.arms[0].scenario, &loaded.arms[1].scenario), Some("needs"));
}

#[test]
fn a_need_season_must_name_twelve_months() {
    let text = year_text(None).replace(
        "name = \"minor_illness\"\n",
        "name = \"minor_illness\"\nmonth_multipliers = [1.0, 2.0]\n",
    );
    let e = load_str(&text, "s.toml").expect_err("two months");
    let msg = e.to_string();
    assert!(msg.contains("needs[4].month_multipliers") && msg.contains("12 values"), "{msg}");
}

/// The small PCN with signposting on in three arms: funding steady, cut to
/// a tenth from day `day`, and cut to nothing from that day.
fn funding_cut_text(day: u32) -> String {
    let arm = |name: &str, cut: Option<f64>| {
        let change = cut.map_or_else(String::new, |f| {
            format!(", \"vcse.changes\" = [{{ from_day = {day}, funding = {f} }}]")
        });
        format!("[[arms]]\nname = \"{name}\"\nset = {{ \"navigation.mode\" = \"active\", \"navigation.training\" = \"expert\"{change} }}\n")
    };
    small_text() + "\n" + &arm("steady", None) + &arm("cut", Some(0.1)) + &arm("closed", Some(0.0))
}

#[test]
fn a_vcse_funding_cut_raises_waits_and_rejections_after_its_day_and_changes_nothing_before() {
    // The fixture's window is days 14..98; the cut is at day 56 (week 6).
    let loaded = load(&funding_cut_text(56));
    let (result, outputs) = run_outputs(&loaded, 8, 0);
    let arm = |name: &str| result.arms.iter().position(|a| a.name == name).expect("arm");
    let steady = &outputs[arm("steady")];
    let mut more_waiting = Vec::new();
    for cut in ["cut", "closed"] {
        for (rep, (a, b)) in steady.iter().zip(&outputs[arm(cut)]).enumerate() {
            assert_eq!(a.weekly.names, b.weekly.names);
            for (series, (x, y)) in a.weekly.values.iter().zip(&b.weekly.values).enumerate() {
                let bits = |v: &[f64]| v[..6].iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(x),
                    bits(y),
                    "{cut} rep {rep}: {} before the cut must not change",
                    a.weekly.names[series]
                );
            }
            if cut == "cut" {
                // People waiting for a VCSE place after the cut, summed over weeks and services.
                let waiting = |o: &signpost::model::ReplicationOutput| -> f64 {
                    (o.weekly.names.iter().zip(&o.weekly.values))
                        .filter(|(n, _)| n.starts_with("queue.vcse:"))
                        .map(|(_, v)| v[6..].iter().sum::<f64>())
                        .sum()
                };
                more_waiting.push(waiting(b) - waiting(a));
            }
        }
    }
    let n = more_waiting.len() as f64;
    let mean = more_waiting.iter().sum::<f64>() / n;
    let sd = (more_waiting.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        mean - 2.365 * sd / n.sqrt() > 0.0,
        "a cut must lengthen VCSE waiting lists: {more_waiting:?}"
    );
    let (low, _) = paired_ci(&result, "closed", "steady", "vcse_rejections");
    assert!(low > 0.0, "no funding must raise VCSE rejections (CI low {low})");
    let (_, high) = paired_ci(&result, "cut", "steady", "programme_cost");
    assert!(high < 0.0, "fewer funded places cost less (CI high {high})");
}

#[test]
fn a_places_change_of_one_service_is_checked_and_followed() {
    let text = small_text()
        + "\n[[vcse.services]]\nname = \"befriending\"\nchanges = [{ from_day = 20, places = 2 }]\n\
           [[vcse.services]]\nname = \"activity_groups\"\n[[vcse.services]]\nname = \"advice\"\n\
           [[arms]]\nname = \"wider\"\nset = { \"vcse.services.befriending.changes\" = [{ from_day = 20, places = 80 }] }\n";
    let result = run(&load(&text), 4, 0);
    let (narrow, wide) = (
        metric(&result, "counterfactual", "vcse_occupancy_mean.befriending"),
        metric(&result, "wider", "vcse_occupancy_mean.befriending"),
    );
    // More places hold more participants (never fewer, in every replication).
    assert!(narrow.iter().zip(&wide).all(|(n, w)| n <= w), "{narrow:?} vs {wide:?}");
    assert!(
        wide.iter().sum::<f64>() > narrow.iter().sum::<f64>() + 20.0,
        "{narrow:?} vs {wide:?}"
    );
    let bad = small_text() + "\n[vcse]\nchanges = [{ from_day = 5, funding = 500.0 }]\n";
    let msg = load_str(&bad, "s.toml").expect_err("too much funding").to_string();
    assert!(
        msg.contains("vcse.changes[0].funding") && msg.contains("a funding multiplier"),
        "{msg}"
    );
    let late = small_text() + "\n[vcse]\nchanges = [{ from_day = 500, funding = 1.0 }]\n";
    let msg = load_str(&late, "s.toml").expect_err("after the run").to_string();
    assert!(msg.contains("vcse.changes[0].from_day") && msg.contains("inside the run"), "{msg}");
}

/// The small PCN, untrained navigators on in every arm; Pharmacy First off,
/// on (default share navigated there) and on for every eligible episode.
fn pharmacy_first_text() -> String {
    small_text()
        + "\n[[arms]]\nname = \"pf_off\"\nset = { \"navigation.mode\" = \"active\" }\n\
           [[arms]]\nname = \"pf_on\"\nset = { \"navigation.mode\" = \"active\", \"pharmacy_first.enabled\" = true }\n\
           [[arms]]\nname = \"pf_all\"\nset = { \"navigation.mode\" = \"active\", \"pharmacy_first.enabled\" = true, \"pharmacy_first.navigated_share\" = 1.0 }\n"
}

#[test]
fn pharmacy_first_lowers_gp_appointments_for_minor_illness() {
    let result = run(&load(&pharmacy_first_text()), 16, 0);
    for arm in ["pf_on", "pf_all"] {
        let (_, high) = paired_ci(&result, arm, "pf_off", "gp_appointments_avoidable");
        assert!(
            high < 0.0,
            "{arm}: Pharmacy First must lower GP appointments for needs met elsewhere (CI high {high})"
        );
    }
    let (low, _) = paired_ci(&result, "pf_all", "pf_on", "pharmacy_first_consultations");
    assert!(low > 0.0, "sending more there must give more consultations (CI low {low})");
    for arm in ["counterfactual", "pf_off"] {
        assert!(
            metric(&result, arm, "pharmacy_first_consultations").iter().all(|&v| v == 0.0),
            "{arm}"
        );
    }
}

#[test]
fn pharmacy_first_onward_referrals_come_back_at_the_stated_rate() {
    let loaded = load(&pharmacy_first_text());
    let onward = loaded.base.pharmacy_first.onward_referral;
    let completion = loaded.base.pharmacy_first.completion;
    let result = run(&loaded, 8, 0);
    let total = |name: &str| -> f64 {
        ["pf_on", "pf_all"]
            .iter()
            .map(|a| metric(&result, a, name).iter().sum::<f64>())
            .sum()
    };
    let n = total("pharmacy_first_consultations");
    assert!(n > 100.0, "too few consultations to judge: {n}");
    for (name, p) in [("pharmacy_first_referred_on", onward), ("pharmacy_first_completed", completion)] {
        let got = total(name) / n;
        let half = Z99 * (p * (1.0 - p) / n).sqrt();
        assert!((got - p).abs() <= half, "{name}: {got} of {n} consultations, stated {p} ± {half}");
    }
}

#[test]
fn without_pharmacy_first_its_metrics_and_keys_stay_out_of_the_results() {
    let loaded = load(&small_text());
    let result = run(&loaded, 2, 0);
    assert!(result.arms.iter().all(|a| a.metric_index("pharmacy_first_consultations").is_none()));
    let resolved = loaded.resolved_toml();
    assert!(
        !resolved.contains("pharmacy_first") && !resolved.contains("month_multipliers = []"),
        "{resolved}"
    );
    // Turned on, the resolved scenario carries the table and loads back the same.
    let on = load(&(small_text() + "\n[pharmacy_first]\nenabled = true\nnavigated_share = 0.7\n"));
    let again = load(&on.resolved_toml());
    assert_eq!(again.base.pharmacy_first, on.base.pharmacy_first);
    assert!(again.base.pharmacy_first.enabled);
}

#[test]
fn pharmacy_first_rules_are_checked() {
    let cases = [
        (
            "[pharmacy_first]\nenabled = true\ncompletion = 0.95\nonward_referral = 0.1\n",
            "pharmacy_first.onward_referral",
        ),
        ("[pharmacy_first]\nenabled = true\nneed = \"colds\"\n", "pharmacy_first.need"),
        (
            "[pharmacy_first]\nenabled = true\n[[pharmacy_first.conditions]]\nname = \"x\"\nshare = 0.1\nmin_age = 10.0\nmax_age = 5.0\nsex = \"any\"\n",
            "pharmacy_first.conditions[0].max_age",
        ),
        (
            "[pharmacy_first]\nenabled = true\n[[pharmacy_first.conditions]]\nname = \"x\"\nshare = 0.1\nmin_age = 1.0\nmax_age = 5.0\nsex = \"men\"\n",
            "pharmacy_first.conditions[0].sex",
        ),
    ];
    // Off, a scenario without its need runs as before: see
    // outputs::ratios_with_a_zero_denominator_are_empty_not_zero (two needs).
    for (extra, key) in cases {
        let msg = load_str(&(small_text() + "\n" + extra), "s.toml").expect_err(key).to_string();
        assert!(msg.contains(key), "{key}: {msg}");
    }
}

/// The small PCN where every patient is aged 18–64 and of `sex` (population
/// groups), every minor illness is an uncomplicated UTI, and signposting
/// sends every eligible one to Pharmacy First.
fn uti_only_text(sex: &str) -> String {
    let (female, male) = if sex == "female" { (1.0, 0.0) } else { (0.0, 1.0) };
    small_text()
        + &format!(
            "\n[population.groups]\n\
             age = [{{ from_years = 0, to_years = 18, share = 0.0 }}, {{ from_years = 18, to_years = 65, share = 1.0 }}, {{ from_years = 65, to_years = 120, share = 0.0 }}]\n\
             sex = [{{ level = \"female\", share = {female} }}, {{ level = \"male\", share = {male} }}]\n\
             [pharmacy_first]\nenabled = true\nnavigated_share = 1.0\n\
             [[pharmacy_first.conditions]]\nname = \"uncomplicated_uti\"\nshare = 1.0\nmin_age = 16.0\nmax_age = 64.0\nsex = \"female\"\n"
        )
}

#[test]
fn with_demographics_each_patient_is_judged_by_their_own_age_and_sex() {
    let women = run(&load(&uti_only_text("female")), 3, 0);
    let men = run(&load(&uti_only_text("male")), 3, 0);
    let consultations = |r: &ExperimentResult| -> f64 { metric(r, "trained", "pharmacy_first_consultations").iter().sum() };
    assert_eq!(consultations(&men), 0.0, "men are never eligible for the UTI service");
    assert!(consultations(&women) > 20.0, "women 18-64 always are: {}", consultations(&women));
}
