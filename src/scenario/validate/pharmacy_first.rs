//! Checks `[pharmacy_first]` and prepares it, when it is on (in the base
//! or in an arm that switches it on).

use super::super::pharmacy_first::{list_eligible_share, AgeBand, EligibilityRule, PharmacyFirst};
use super::super::raw::RawScenario;
use super::checker::{Check, Checker};
use crate::engine::Categorical;
use crate::text::show_number;

/// Oldest age a rule or band may name \[years\].
const MAX_AGE: f64 = 130.0;

/// The prepared service if `pharmacy_first.enabled`, after checking every key.
pub(super) fn prepare(c: &Checker, raw: &RawScenario, need_names: &[String]) -> Check<Option<PharmacyFirst>> {
    let pf = &raw.pharmacy_first;
    if !pf.enabled {
        // Off, it names nothing that must exist: a scenario without a
        // `minor_illness` need runs as before. An arm that turns it on is
        // checked.
        return Ok(None);
    }
    let need = c.need_index("pharmacy_first.need", &pf.need, need_names)?;
    c.probability("pharmacy_first.navigated_share", pf.navigated_share)?;
    c.probability("pharmacy_first.completion", pf.completion)?;
    c.probability("pharmacy_first.onward_referral", pf.onward_referral)?;
    if pf.completion + pf.onward_referral > 1.0 + 1e-9 {
        return Err(c.fail(
            "pharmacy_first.onward_referral",
            format!(
                "completion + onward_referral must not exceed 1, found {}",
                show_number(pf.completion + pf.onward_referral)
            ),
        ));
    }
    c.non_negative("pharmacy_first.fee", pf.fee)?;
    let mut rules = Vec::with_capacity(pf.conditions.len());
    for (i, cond) in pf.conditions.iter().enumerate() {
        let key = format!("pharmacy_first.conditions[{i}]");
        if cond.name.trim().is_empty() || pf.conditions[..i].iter().any(|o| o.name == cond.name) {
            return Err(c.fail(
                &format!("{key}.name"),
                format!("`{}` must be a non-empty name used once", cond.name),
            ));
        }
        c.probability(&format!("{key}.share"), cond.share)?;
        c.non_negative(&format!("{key}.min_age"), cond.min_age)?;
        c.at_most(&format!("{key}.min_age"), cond.min_age, MAX_AGE, "an age in years")?;
        c.non_negative(&format!("{key}.max_age"), cond.max_age)?;
        c.at_most(&format!("{key}.max_age"), cond.max_age, MAX_AGE, "an age in years")?;
        if cond.max_age < cond.min_age {
            return Err(c.fail(
                &format!("{key}.max_age"),
                format!(
                    "must be at least min_age ({}), found {}",
                    show_number(cond.min_age),
                    show_number(cond.max_age)
                ),
            ));
        }
        let female_only = match cond.sex.as_str() {
            "any" => false,
            "female" => true,
            other => return Err(c.fail(&format!("{key}.sex"), format!("must be `any` or `female`, found `{other}`"))),
        };
        rules.push(EligibilityRule {
            min_age: cond.min_age,
            below_age: cond.max_age + 1.0,
            female_only,
        });
    }
    let total: f64 = pf.conditions.iter().map(|cond| cond.share).sum();
    c.at_most("pharmacy_first.conditions", total, 1.0 + 1e-9, "the conditions' shares of the need")?;
    if pf.list_age_bands.is_empty() {
        return Err(c.fail("pharmacy_first.list_age_bands", "must list at least one band"));
    }
    let mut bands = Vec::with_capacity(pf.list_age_bands.len());
    for (i, b) in pf.list_age_bands.iter().enumerate() {
        let key = format!("pharmacy_first.list_age_bands[{i}]");
        c.non_negative(&format!("{key}.from_age"), b.from_age)?;
        c.at_most(&format!("{key}.to_age"), b.to_age, MAX_AGE, "an age in years")?;
        if b.to_age <= b.from_age {
            return Err(c.fail(
                &format!("{key}.to_age"),
                format!(
                    "must be above from_age ({}), found {}",
                    show_number(b.from_age),
                    show_number(b.to_age)
                ),
            ));
        }
        c.probability(&format!("{key}.share"), b.share)?;
        c.probability(&format!("{key}.female_share"), b.female_share)?;
        bands.push(AgeBand {
            from: b.from_age,
            to: b.to_age,
            share: b.share,
            female_share: b.female_share,
        });
    }
    c.sums_to_one("pharmacy_first.list_age_bands", bands.iter().map(|b| b.share))?;
    Ok(Some(PharmacyFirst {
        need,
        navigated_share: pf.navigated_share,
        completion: pf.completion,
        onward_referral: pf.onward_referral,
        fee: pf.fee,
        conditions: Categorical::cumulative(pf.conditions.iter().enumerate().map(|(i, cond)| (Some(i), cond.share))),
        list_eligible: rules.iter().map(|r| list_eligible_share(r, &bands)).collect(),
        rules,
    }))
}
