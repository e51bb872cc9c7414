//! Checks `[[practices]]` and prepares them (see [`crate::scenario::practices`]).
//!
//! The practices' lists, GP FTE and reception lines must add up to the
//! PCN's `population.list_size`, `gp.fte` and `navigation.servers`, so that
//! every PCN-level figure stays what it says, and an arm that changes a
//! PCN total without saying which practice gains is refused rather than
//! silently ignored.

use super::super::practices::{Practices, PreparedPractice, MAX_PRACTICES};
use super::super::raw::RawScenario;
use super::super::Place;
use super::checker::{Check, Checker};
use super::routing::{build_routing, tier};
use crate::engine::Categorical;
use crate::text::show_number;

/// Longest practice name \[characters\].
const MAX_NAME_CHARS: usize = 64;

/// The scenario's practices and the training cost of their tiers \[GBP a
/// year\]: each tier's annual cost weighted by the practice's share of the
/// list (for one implicit practice, `routing` and `navigation.training`'s
/// cost as they are).
pub(super) fn prepare(c: &Checker, raw: &RawScenario, routing: &[Categorical<Place>], need_right: &[Place]) -> Check<(Practices, f64)> {
    let nav = &raw.navigation;
    if raw.practices.is_empty() {
        let whole = PreparedPractice {
            name: raw.name.clone(),
            list_size: raw.population.list_size,
            gp_share: 1.0,
            reception_lines: nav.servers,
            rural_share: raw.population.rural_share,
            routing: routing.to_vec(),
        };
        let cost = tier(raw, nav.training).0.annual_cost;
        return Ok((
            Practices {
                list: vec![whole],
                listed: false,
            },
            cost,
        ));
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
        });
    }
    check_totals(c, raw, gp_total)?;
    Ok((Practices { list, listed: true }, cost))
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
    if raw.online.is_some() {
        return Err(c.fail(
            "online",
            "the online request route cannot yet run with practices listed (each practice would need its own inbox); remove [online] or [[practices]]",
        ));
    }
    Ok(())
}
