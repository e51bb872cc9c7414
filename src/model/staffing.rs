//! The practice's staff as the model holds them: the diaries laid out
//! from the scenario (see [`crate::scenario::practices`] for their order)
//! and each practice's navigators' choice among the roles its patients can
//! see. Built at the start and again at an arm's launch.

use super::diary::DiaryShape;
use crate::engine::calendar::Calendar;
use crate::engine::Categorical;
use crate::scenario::practices::PreparedPractice;
use crate::scenario::Scenario;

/// The shapes of scenario `s`'s diaries, each with the calendar it keeps
/// (in the layout of [`crate::scenario::practices`]): each practice's GP
/// diary (its share of the PCN's GP FTE, timed changes included), then per
/// role the PCN's one diary or, for a role the practices employ, each
/// practice's share of it; `prebooked` of the first days' bookable-ahead
/// slots taken.
pub fn diary_shapes(s: &Scenario, prebooked: f64) -> Vec<(&Calendar, DiaryShape<'_>)> {
    let gp = &s.raw.gp;
    let practices = &s.practices;
    let gp_shapes = practices.list.iter().map(|practice| DiaryShape {
        fte: gp.fte,
        changes: &s.gp_changes,
        per_fte_day: gp.appointments_per_fte_day,
        rota: s.gp_rota,
        share: practice.gp_share,
        same_day_share: gp.same_day_share,
        horizon: gp.booking_horizon_days as usize,
        prebooked,
    });
    let roles = (practices.len()..practices.diaries()).map(|diary| {
        let role = practices.diary_role[diary - practices.len()];
        let (raw, prepared) = (&s.raw.roles[role], &s.roles[role]);
        let practice_share = practices.diary_practice(diary).map_or(1.0, |p| practices.list[p].role_share[role]);
        DiaryShape {
            fte: raw.fte,
            changes: &prepared.changes,
            per_fte_day: raw.appointments_per_fte_day,
            rota: prepared.rota,
            share: raw.navigation_share * practice_share,
            same_day_share: raw.same_day_share,
            horizon: raw.booking_horizon_days as usize,
            prebooked,
        }
    });
    let calendars = (0..practices.diaries()).map(|diary| practices.diary_calendar(diary, &s.calendar));
    calendars.zip(gp_shapes.chain(roles)).collect()
}

/// How a practice's navigators choose among the roles its patients can
/// see: the PCN's, and those the practice employs any of.
#[derive(Clone)]
pub(super) struct RoleChoice {
    /// Per need: a role chosen by weight among those with it in remit.
    pub(super) by_need: Vec<Categorical<usize>>,
    /// A role chosen by weight among all (for mis-routing).
    pub(super) any: Categorical<usize>,
}

/// Per practice, its navigators' choice of role.
pub(super) fn role_choices(s: &Scenario) -> Vec<RoleChoice> {
    let practices = &s.practices;
    let choice = |practice: &PreparedPractice| {
        let seen = |&r: &usize| !practices.role_employed[r] || practice.role_share[r] > 0.0;
        let by_weight =
            |roles: &mut dyn Iterator<Item = usize>| Categorical::normalised(roles.filter(seen).map(|r| (r, s.raw.roles[r].weight)));
        RoleChoice {
            by_need: (0..s.raw.needs.len())
                .map(|n| by_weight(&mut (0..s.roles.len()).filter(|&r| s.roles[r].remit[n])))
                .collect(),
            any: by_weight(&mut (0..s.roles.len())),
        }
    };
    practices.list.iter().map(choice).collect()
}
