//! Checks and prepares the opt-in `[online]` table (see
//! [`crate::scenario::online`]): every error names its `online.*` key.

use super::super::online::{PreparedOnline, RawOnline, RawOnlineAccuracy};
use super::super::raw::{RawHourBlock, RawScenario, RawTier, Training};
use super::super::Place;
use super::checker::{Check, Checker};
use super::routing::build_routing;
use crate::engine::calendar::{parse_clock, MINUTES_PER_DAY};
use crate::engine::Categorical;

/// Most clinician triage lines.
const MAX_CLINICIANS: u32 = 10_000;

/// Checks `raw.online`, if written, and prepares it; `need_right` is each
/// need's right destination.
pub(super) fn prepare(c: &Checker, raw: &RawScenario, need_right: &[Place]) -> Check<Option<PreparedOnline>> {
    let Some(o) = &raw.online else { return Ok(None) };
    c.probability("online.uptake", o.uptake)?;
    c.probability("online.clinician_share", o.clinician_share)?;
    let weekdays = c.weekly("online.weekday_weights", &o.weekday_weights)?;
    c.sums_to_one("online.weekday_weights", weekdays)?;
    let weekday_blocks = day_blocks(c, "online.hour_blocks", &o.hour_blocks)?;
    let weekend_blocks = day_blocks(c, "online.weekend_hour_blocks", &o.weekend_hour_blocks)?;
    if o.clinicians > MAX_CLINICIANS {
        return Err(c.fail(
            "online.clinicians",
            format!("must be at most {MAX_CLINICIANS}, found {}", o.clinicians),
        ));
    }
    if o.clinician_share > 0.0 && o.clinicians == 0 {
        return Err(c.fail(
            "online.clinicians",
            "must be at least 1 while online.clinician_share is above 0 (someone must triage the clinicians' requests)",
        ));
    }
    let navigator_triage = c.dist("online.navigator_triage_minutes", &o.navigator_triage_minutes)?;
    let clinician_triage = c.dist("online.clinician_triage_minutes", &o.clinician_triage_minutes)?;
    for (key, d) in [
        ("online.navigator_triage_minutes", &navigator_triage),
        ("online.clinician_triage_minutes", &clinician_triage),
    ] {
        if d.mean() <= 0.0 {
            return Err(c.fail(key, "mean triage time must be > 0"));
        }
    }
    for (name, acc) in tiers(o) {
        accuracy(c, &format!("online.tiers.{name}"), acc)?;
    }
    accuracy(c, "online.clinician", &o.clinician)?;
    let in_force = tiers(o)
        .find(|(t, _)| *t == training_name(raw.navigation.training))
        .map_or(&o.tiers.none, |(_, acc)| acc);
    let week_slots = (0..7u8)
        .flat_map(|day| {
            let blocks = if day >= 5 { &weekend_blocks } else { &weekday_blocks };
            let weight = weekdays[usize::from(day)];
            blocks.iter().map(move |&(from, to, share)| ((day, from, to), weight * share))
        })
        .collect::<Vec<_>>();
    Ok(Some(PreparedOnline {
        uptake: o.uptake,
        clinician_share: o.clinician_share,
        clinicians: o.clinicians,
        week_slots: Categorical::normalised(week_slots).closed_at(f64::INFINITY),
        navigator_triage,
        clinician_triage,
        navigator_routing: build_routing(raw, &as_tier(in_force), need_right),
        clinician_routing: build_routing(raw, &as_tier(&o.clinician), need_right),
    }))
}

/// The four tiers by the name `navigation.training` gives them.
fn tiers(o: &RawOnline) -> impl Iterator<Item = (&'static str, &RawOnlineAccuracy)> {
    let t = &o.tiers;
    [
        ("none", &t.none),
        ("essential", &t.essential),
        ("enhanced", &t.enhanced),
        ("expert", &t.expert),
    ]
    .into_iter()
}

fn training_name(training: Training) -> &'static str {
    match training {
        Training::None => "none",
        Training::Essential => "essential",
        Training::Enhanced => "enhanced",
        Training::Expert => "expert",
    }
}

/// A written-request accuracy as a phone tier, so that one routing builder
/// serves both ways in.
fn as_tier(acc: &RawOnlineAccuracy) -> RawTier {
    RawTier {
        identify: acc.identify,
        misroute: acc.misroute,
        clinical_sent_away: acc.clinical_sent_away,
        annual_cost: 0.0,
        routing: Default::default(),
    }
}

fn accuracy(c: &Checker, key: &str, acc: &RawOnlineAccuracy) -> Check {
    c.probability(&format!("{key}.identify"), acc.identify)?;
    c.probability(&format!("{key}.misroute"), acc.misroute)?;
    c.probability(&format!("{key}.clinical_sent_away"), acc.clinical_sent_away)
}

/// A day's profile: blocks anywhere in the 24 hours, shares summing to 1;
/// (from, to \[minutes after midnight\], share).
fn day_blocks(c: &Checker, key: &str, blocks: &[RawHourBlock]) -> Check<Vec<(f64, f64, f64)>> {
    if blocks.is_empty() {
        return Err(c.fail(key, "must list at least one block"));
    }
    let mut out = Vec::with_capacity(blocks.len());
    for (i, b) in blocks.iter().enumerate() {
        let here = format!("{key}[{i}]");
        let clock = |field: &str, text: &str| {
            parse_clock(text).ok_or_else(|| {
                c.fail(
                    &format!("{here}.{field}"),
                    format!("must be a time HH:MM (00:00 to 24:00), found `{text}`"),
                )
            })
        };
        let (from, to) = (clock("from", &b.from)?, clock("to", &b.to)?);
        if to <= from || to > MINUTES_PER_DAY {
            return Err(c.fail(
                &here,
                format!("must be a non-empty block within the day, found {}-{}", b.from, b.to),
            ));
        }
        c.probability(&format!("{here}.share"), b.share)?;
        out.push((from, to, b.share));
    }
    c.sums_to_one(key, out.iter().map(|b| b.2))?;
    Ok(out)
}
