//! Checks `[[practices]]` and prepares them (see [`crate::scenario::practices`]).
//!
//! The practices' lists, GP FTE, reception lines and the FTE of the roles
//! they employ must add up to the PCN's `population.list_size`, `gp.fte`,
//! `navigation.servers` and each role's `fte`, so that every PCN-level
//! figure stays what it says, and an arm that changes a PCN total without
//! saying which practice gains is refused rather than silently ignored. A
//! practice's opening hours lie within the PCN's `[time]` hours, which are
//! the envelope the demand profile is drawn in.

use super::super::practices::{Practices, PreparedPractice, MAX_PRACTICES};
use super::super::raw::RawScenario;
use super::super::Place;
use super::checker::{Check, Checker};
use super::routing::{build_routing, tier};
use crate::engine::calendar::{parse_clock, Calendar};
use crate::engine::Categorical;
use crate::text::show_number;

/// Most diaries a model keeps (an appointment names its diary in a byte).
const MAX_DIARIES: usize = 255;

/// Longest practice name \[characters\].
const MAX_NAME_CHARS: usize = 64;

/// The scenario's practices and the training cost of their tiers \[GBP a
/// year\]: each tier's annual cost weighted by the practice's share of the
/// list (for one implicit practice, `routing` and `navigation.training`'s
/// cost as they are).
pub(super) fn prepare(
    c: &Checker,
    raw: &RawScenario,
    routing: &[Categorical<Place>],
    need_right: &[Place],
    calendar: &Calendar,
) -> Check<(Practices, f64)> {
    let nav = &raw.navigation;
    let roles = raw.roles.len();
    if raw.practices.is_empty() {
        let whole = PreparedPractice {
            name: raw.name.clone(),
            list_size: raw.population.list_size,
            gp_share: 1.0,
            reception_lines: nav.servers,
            rural_share: raw.population.rural_share,
            routing: routing.to_vec(),
            calendar: calendar.clone(),
            role_share: vec![0.0; roles],
        };
        let cost = tier(raw, nav.training).0.annual_cost;
        return Ok((practices(vec![whole], false, vec![false; roles], calendar), cost));
    }
    if raw.practices.len() > MAX_PRACTICES {
        return Err(c.fail(
            "practices",
            format!("at most {MAX_PRACTICES} practices, found {}", raw.practices.len()),
        ));
    }
    let gp_total: f64 = raw.practices.iter().map(|p| p.gp_fte).sum();
    let mut list = Vec::with_capacity(raw.practices.len());
    let mut cost = 0.0;
    for (i, p) in raw.practices.iter().enumerate() {
        let key = format!("practices[{i}]");
        check_name(c, raw, i)?;
        if p.list_size == 0 {
            return Err(c.fail(&format!("{key}.list_size"), "must be at least 1 patient"));
        }
        c.non_negative(&format!("{key}.gp_fte"), p.gp_fte)?;
        if p.reception_lines == 0 {
            return Err(c.fail(&format!("{key}.reception_lines"), "must be at least 1 line"));
        }
        let rural_share = p.rural_share.unwrap_or(raw.population.rural_share);
        c.probability(&format!("{key}.rural_share"), rural_share)?;
        let training = p.training.unwrap_or(nav.training);
        let (practice_tier, _) = tier(raw, training);
        let list_share = p.list_size as f64 / raw.population.list_size.max(1) as f64;
        cost += practice_tier.annual_cost * list_share;
        list.push(PreparedPractice {
            name: p.name.clone(),
            list_size: p.list_size,
            gp_share: if gp_total > 0.0 { p.gp_fte / gp_total } else { 0.0 },
            reception_lines: p.reception_lines,
            rural_share,
            routing: build_routing(raw, practice_tier, need_right),
            calendar: hours(c, raw, i, calendar)?,
            role_share: vec![0.0; roles],
        });
    }
    check_totals(c, raw, gp_total)?;
    let role_employed = employed_roles(c, raw, &mut list)?;
    let practices = practices(list, true, role_employed, calendar);
    if practices.diaries() > MAX_DIARIES {
        return Err(c.fail(
            "practices",
            format!(
                "{} practices employing roles need {} diaries; at most {MAX_DIARIES}",
                practices.len(),
                practices.diaries()
            ),
        ));
    }
    Ok((practices, cost))
}

/// The prepared practices, with their diaries' layout.
fn practices(list: Vec<PreparedPractice>, listed: bool, role_employed: Vec<bool>, calendar: &Calendar) -> Practices {
    let (role_first_diary, diary_role) = Practices::role_layout(list.len(), &role_employed);
    let own_hours = list.iter().any(|p| p.calendar != *calendar);
    Practices {
        list,
        listed,
        role_employed,
        role_first_diary,
        diary_role,
        own_hours,
    }
}

/// Practice `i`'s calendar: the PCN's, narrowed to the practice's own
/// `open`, `close` and `open_weekdays`, each within the PCN's.
fn hours(c: &Checker, raw: &RawScenario, i: usize, pcn: &Calendar) -> Check<Calendar> {
    let (p, t) = (&raw.practices[i], &raw.time);
    let key = |k: &str| format!("practices[{i}].{k}");
    let clock = |k: &str, text: &Option<String>, pcn_minute: f64| -> Check<f64> {
        match text {
            None => Ok(pcn_minute),
            Some(text) => parse_clock(text).ok_or_else(|| c.fail(&key(k), format!("must be a time HH:MM, found `{text}`"))),
        }
    };
    let open = clock("open", &p.open, pcn.open_minute)?;
    let close = clock("close", &p.close, pcn.close_minute)?;
    if open < pcn.open_minute {
        return Err(c.fail(
            &key("open"),
            format!(
                "must be no earlier than time.open ({}): the PCN's hours hold every practice's",
                t.open
            ),
        ));
    }
    if close > pcn.close_minute {
        return Err(c.fail(
            &key("close"),
            format!(
                "must be no later than time.close ({}): the PCN's hours hold every practice's",
                t.close
            ),
        ));
    }
    if close <= open {
        return Err(c.fail(&key("close"), "must be after the practice's opening time"));
    }
    let mut weekdays = [false; 7];
    weekdays.copy_from_slice(&t.open_weekdays);
    if let Some(own) = &p.open_weekdays {
        c.length(&key("open_weekdays"), own.len(), 7, "Monday to Sunday")?;
        for (day, (&own, &pcn_open)) in own.iter().zip(&t.open_weekdays).enumerate() {
            if own && !pcn_open {
                return Err(c.fail(
                    &key("open_weekdays"),
                    format!("opens on weekday {} (Monday = 1), when time.open_weekdays closes the PCN", day + 1),
                ));
            }
            weekdays[day] = own;
        }
        if !weekdays.iter().any(|&o| o) {
            return Err(c.fail(&key("open_weekdays"), "the practice must open on at least one weekday"));
        }
    }
    Ok(pcn.narrowed(open, close, weekdays))
}

/// Per role, whether the practices employ it: a role named in any
/// practice's `role_fte`, whose FTE must then add up to the role's `fte`.
/// Sets each practice's `role_share`.
fn employed_roles(c: &Checker, raw: &RawScenario, list: &mut [PreparedPractice]) -> Check<Vec<bool>> {
    let mut totals = vec![0.0; raw.roles.len()];
    let mut employed = vec![false; raw.roles.len()];
    for (i, p) in raw.practices.iter().enumerate() {
        for (name, &fte) in &p.role_fte {
            let key = format!("practices[{i}].role_fte.{name}");
            let Some(role) = raw.roles.iter().position(|r| r.name == *name) else {
                let names: Vec<&str> = raw.roles.iter().map(|r| r.name.as_str()).collect();
                return Err(c.fail(&key, format!("names no role in [[roles]] (roles: {})", names.join(", "))));
            };
            c.non_negative(&key, fte)?;
            totals[role] += fte;
            employed[role] = true;
        }
    }
    for (role, r) in raw.roles.iter().enumerate() {
        if !employed[role] {
            continue;
        }
        if (totals[role] - r.fte).abs() > 1e-6 * r.fte.abs().max(1.0) {
            return Err(c.fail(
                &format!("roles[{role}].fte"),
                format!(
                    "the practices employ `{}`: must equal their role_fte added up ({}), found {}; change a practice's role_fte instead",
                    r.name,
                    show_number(totals[role]),
                    show_number(r.fte)
                ),
            ));
        }
        for (practice, p) in list.iter_mut().zip(&raw.practices) {
            let fte = p.role_fte.get(&r.name).copied().unwrap_or(0.0);
            practice.role_share[role] = if totals[role] > 0.0 { fte / totals[role] } else { 0.0 };
        }
    }
    Ok(employed)
}

/// Practice `i`'s name: non-empty, short, used once, and safe inside a
/// per-practice metric's name (`METRIC@practice=NAME`).
fn check_name(c: &Checker, raw: &RawScenario, i: usize) -> Check {
    let name = &raw.practices[i].name;
    let rule = if name.trim().is_empty() {
        Some("must be a non-empty name".to_string())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!("must be at most {MAX_NAME_CHARS} characters"))
    } else if name.chars().any(|ch| ch.is_control() || ch == '@' || ch == '=') {
        Some(format!("`{name}` must not contain `@`, `=` or control characters"))
    } else {
        raw.practices[..i]
            .iter()
            .position(|o| o.name == *name)
            .map(|first| format!("`{name}` is used twice (also practices[{first}])"))
    };
    match rule {
        Some(rule) => Err(c.fail(&format!("practices[{i}].name"), rule)),
        None => Ok(()),
    }
}

/// The practices add up to the PCN's list, GP FTE and reception lines.
fn check_totals(c: &Checker, raw: &RawScenario, gp_total: f64) -> Check {
    let list_total: u64 = raw.practices.iter().map(|p| p.list_size).sum();
    if list_total != raw.population.list_size {
        return Err(c.fail(
            "population.list_size",
            format!(
                "with practices listed, must equal the practices' list sizes added up ({list_total}), found {}",
                raw.population.list_size
            ),
        ));
    }
    if (gp_total - raw.gp.fte).abs() > 1e-6 * raw.gp.fte.abs().max(1.0) {
        return Err(c.fail(
            "gp.fte",
            format!(
                "with practices listed, must equal the practices' gp_fte added up ({}), found {}; change a practice's gp_fte instead",
                show_number(gp_total),
                show_number(raw.gp.fte)
            ),
        ));
    }
    let lines: u64 = raw.practices.iter().map(|p| u64::from(p.reception_lines)).sum();
    if lines != u64::from(raw.navigation.servers) {
        return Err(c.fail(
            "navigation.servers",
            format!(
                "with practices listed, must equal the practices' reception_lines added up ({lines}), found {}; change a practice's reception_lines instead",
                raw.navigation.servers
            ),
        ));
    }
    Ok(())
}
