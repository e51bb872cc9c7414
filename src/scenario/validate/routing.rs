//! The navigation tier's routing: for each need, the destinations a
//! navigator of that tier sends it to, as a categorical table.

use super::super::raw::{RawScenario, RawTier, Training};
use super::super::Place;
use crate::engine::Categorical;

/// The tier in force for `training`, and its key path.
pub(super) fn tier(raw: &RawScenario, training: Training) -> (&RawTier, &'static str) {
    let t = &raw.navigation.tiers;
    match training {
        Training::None => (&t.none, "navigation.tiers.none"),
        Training::Essential => (&t.essential, "navigation.tiers.essential"),
        Training::Enhanced => (&t.enhanced, "navigation.tiers.enhanced"),
        Training::Expert => (&t.expert, "navigation.tiers.expert"),
    }
}

/// The active tier's routing matrix: for each need, cumulative
/// probabilities over destinations.
pub(super) fn build_routing(raw: &RawScenario, tier: &RawTier, right: &[Place]) -> Vec<Categorical<Place>> {
    let has_roles = raw.roles.iter().any(|r| r.weight > 0.0);
    let has_vcse = !raw.vcse.services.is_empty();
    let away: Vec<Place> = [Place::Pharmacy, Place::Role, Place::Splw, Place::Vcse]
        .into_iter()
        .filter(|d| match d {
            Place::Role => has_roles,
            Place::Vcse => has_vcse,
            _ => true,
        })
        .collect();
    raw.needs
        .iter()
        .zip(right)
        .map(|(need, &dest)| {
            let row: Vec<(Place, f64)> = if let Some(explicit) = tier.routing.get(&need.name) {
                explicit
                    .iter()
                    .filter_map(|(d, p)| Place::parse_destination(d).map(|d| (d, *p)))
                    .collect()
            } else {
                match dest {
                    Place::Reception => vec![(Place::Reception, 1.0)],
                    Place::Gp => {
                        let each = tier.clinical_sent_away / away.len().max(1) as f64;
                        let mut row = vec![(Place::Gp, 1.0 - tier.clinical_sent_away)];
                        row.extend(away.iter().map(|&d| (d, each)));
                        row
                    }
                    right => {
                        let wrong: Vec<Place> = away.iter().copied().filter(|&d| d != right).collect();
                        let each = tier.identify * tier.misroute / wrong.len().max(1) as f64;
                        let mut row = vec![(Place::Gp, 1.0 - tier.identify), (right, tier.identify * (1.0 - tier.misroute))];
                        row.extend(wrong.iter().map(|&d| (d, each)));
                        row
                    }
                }
            };
            // Closed at infinity to absorb rounding: every draw finds an
            // entry, so the caller's GP default only applies to a row with
            // no destination at all.
            Categorical::cumulative(row).closed_at(f64::INFINITY)
        })
        .collect()
}
