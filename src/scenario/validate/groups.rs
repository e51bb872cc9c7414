//! Checks `[population.groups]`: shares that sum to 1 (within 1e-9), effects
//! that are finite and ≥ 0, level names fit for metric names, age bands in
//! whole years contiguous from 0, and needs named that exist.

use super::checker::{Check, Checker};
use crate::scenario::groups::{dimensions, RawGroupLevel};
use crate::scenario::raw::RawScenario;
use crate::text::show_number;

/// Tolerance for a dimension's shares summing to 1.
const GROUP_SHARE_TOLERANCE: f64 = 1e-9;
/// Most levels in one dimension.
const MAX_LEVELS: usize = 32;
/// Most cells (combinations of levels) over all dimensions.
const MAX_CELLS: usize = 4096;
/// Largest multiplier an effect may take.
const MAX_MULTIPLIER: f64 = 100.0;

/// Checks every dimension of `raw.population.groups`.
pub(super) fn check(c: &Checker, raw: &RawScenario, needs: &[String]) -> Check {
    let g = &raw.population.groups;
    let dims: [(&str, &[RawGroupLevel]); 5] = [
        ("imd", &g.imd),
        ("age", &g.age),
        ("sex", &g.sex),
        ("digital", &g.digital),
        ("ethnicity", &g.ethnicity),
    ];
    for (dim, levels) in dims {
        if levels.is_empty() {
            continue;
        }
        let key = format!("population.groups.{dim}");
        if dim == "imd" && levels.len() != 5 {
            return Err(c.fail(
                &key,
                format!("must list 5 quintiles (1 = most deprived first), found {}", levels.len()),
            ));
        }
        if levels.len() > MAX_LEVELS {
            return Err(c.fail(&key, format!("must list at most {MAX_LEVELS} levels, found {}", levels.len())));
        }
        for (i, l) in levels.iter().enumerate() {
            level(c, &format!("{key}[{i}]"), dim, i, l, needs)?;
            if dim == "age" {
                let expected_from = if i == 0 { 0 } else { levels[i - 1].to_years.unwrap_or(0) };
                if l.from_years != Some(expected_from) {
                    return Err(c.fail(
                        &format!("{key}[{i}].from_years"),
                        format!(
                            "age bands must be contiguous from 0: expected {expected_from}, found {:?}",
                            l.from_years
                        ),
                    ));
                }
            }
            let name = l.level.as_deref();
            if name.is_some() && levels[..i].iter().any(|o| o.level.as_deref() == name) {
                return Err(c.fail(&format!("{key}[{i}].level"), format!("`{}` is used twice", name.unwrap_or(""))));
            }
        }
        let contacts: f64 = levels.iter().map(|l| l.share * l.contact_rate.unwrap_or(1.0)).sum();
        if contacts <= 0.0 {
            return Err(c.fail(&key, "some level with a share must have contact_rate > 0"));
        }
        let total: f64 = levels.iter().map(|l| l.share).sum();
        if (total - 1.0).abs() > GROUP_SHARE_TOLERANCE {
            return Err(c.fail(&key, format!("shares must sum to 1 (within 1e-9), found {}", show_number(total))));
        }
    }
    let cells: usize = dimensions(raw).iter().map(|d| d.levels.len()).product();
    if cells > MAX_CELLS {
        return Err(c.fail(
            "population.groups",
            format!("the dimensions combine into {cells} groups; at most {MAX_CELLS}"),
        ));
    }
    Ok(())
}

/// Checks one level: its share, name, age band and effects.
fn level(c: &Checker, key: &str, dim: &str, i: usize, l: &RawGroupLevel, needs: &[String]) -> Check {
    c.probability(&format!("{key}.share"), l.share)?;
    match (dim, l.level.as_deref()) {
        ("imd", Some(name)) if name != (i + 1).to_string() => {
            return Err(c.fail(
                &format!("{key}.level"),
                format!("quintiles are in order: expected `{}`, found `{name}`", i + 1),
            ));
        }
        ("sex", name) if !matches!(name, Some("female" | "male")) => {
            return Err(c.fail(&format!("{key}.level"), format!("must be `female` or `male`, found {name:?}")));
        }
        ("digital" | "ethnicity", None) => return Err(c.fail(&format!("{key}.level"), "must name the level")),
        ("digital" | "ethnicity", Some(name)) if !fit_for_metric_names(name) => {
            return Err(c.fail(
                &format!("{key}.level"),
                format!("`{name}` must be 1 to 32 letters, digits, '-' or '_' (it is part of metric names)"),
            ));
        }
        _ => {}
    }
    match (dim, l.from_years, l.to_years) {
        ("age", Some(from), Some(to)) if to > from && to <= 130 => {}
        ("age", _, _) => {
            return Err(c.fail(
                &format!("{key}.to_years"),
                format!(
                    "an age band needs whole years from_years < to_years <= 130, found {:?} to {:?}",
                    l.from_years, l.to_years
                ),
            ));
        }
        (_, None, None) => {}
        _ => return Err(c.fail(&format!("{key}.from_years"), "only age bands have from_years and to_years")),
    }
    let effects = [
        ("contact_rate", l.contact_rate),
        ("acceptance", l.acceptance),
        ("trust_loss", l.trust_loss),
        ("vcse_uptake", l.vcse_uptake),
        ("vcse_completion", l.vcse_completion),
        ("online_uptake", l.online_uptake),
    ];
    for (field, v) in effects {
        if let Some(v) = v {
            multiplier(c, &format!("{key}.{field}"), v)?;
        }
    }
    for (name, v) in &l.need_multipliers {
        let k = format!("{key}.need_multipliers.{name}");
        c.need_index(&k, name, needs)?;
        multiplier(c, &k, *v)?;
    }
    Ok(())
}

/// 1 to 32 letters, digits, '-' or '_'.
fn fit_for_metric_names(name: &str) -> bool {
    !name.is_empty() && name.len() <= 32 && name.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_'))
}

fn multiplier(c: &Checker, key: &str, v: f64) -> Check {
    c.non_negative(key, v)?;
    c.at_most(key, v, MAX_MULTIPLIER, "a multiplier")
}
