//! The online request route (issue #15): new episodes that arrive as
//! written requests instead of calls, wait in an inbox until the practice
//! is open and a triager is free, and are navigated from the written
//! request with its own accuracy.
//!
//! * **Which episodes go online.** Every new arrival (the same stream in
//!   every arm) takes four uniforms from its own stream, whatever it turns
//!   out to be: one compared with `online.uptake` × the patient's uptake
//!   multiplier ([`Model::online_uptake_multiplier`]), two that place the
//!   request in the week, one that picks the triager (read when the
//!   request is written, as the route's is again). So an arm that raises
//!   uptake moves the same arrivals online first, and no other stream moves.
//! * **When it is written.** A time of the week drawn from the online
//!   profile (`online.weekday_weights` × `online.hour_blocks` /
//!   `weekend_hour_blocks`), at its first occurrence at or after the moment
//!   the need would have reached the phone: the requests follow the online
//!   profile exactly, nights, weekends and closed days included, and keep
//!   the week-by-week volume (shifted by less than a week). The episode is
//!   created then.
//! * **Who triages.** A share `online.clinician_share` goes to the
//!   clinicians' triage list (`online.clinicians` lines in the PCN's
//!   opening hours, outside the GP diary; one list for the PCN, as in a
//!   hub), the rest to the inbox of the patient's practice. Navigators
//!   are the practice's reception staff answering calls: **a navigator who becomes
//!   free takes the next waiting caller first and the inbox only when no
//!   caller waits**; at opening and whenever a request comes in, free
//!   navigators take requests from the inbox. Triage starts only in
//!   opening hours (a practice's own, for its inbox); a triage under way at closing is finished.
//! * **Navigation.** The written request goes through the same navigation
//!   as a call ([`Model::navigate_by`]: acceptance, capacity-aware check,
//!   destinations), with the written-request routing of the tier in force
//!   or the clinician's. Returns, call-backs and repeats come by phone.

use super::episode::Location;
use super::journey::Reason;
use super::{Ev, Model, Place};
use crate::engine::calendar::{Calendar, MINUTES_PER_DAY, MINUTES_PER_WEEK};
use crate::stats::Summary;
use rand::Rng;
use std::collections::VecDeque;

/// The inboxes and what the route counts (all empty without the route).
#[derive(Debug, Clone, Default)]
pub(super) struct Inbox {
    /// Per practice: requests waiting for one of its navigators, episode
    /// and when it was written \[minutes\].
    navigators: Vec<VecDeque<(u32, f64)>>,
    /// Requests waiting for a clinician.
    clinicians: VecDeque<(u32, f64)>,
    /// Clinicians triaging now.
    clinicians_busy: u32,
    /// Requests written in the statistics window.
    pub(super) requests: f64,
    /// Requests of the window's episodes triaged by a navigator.
    pub(super) by_navigator: f64,
    /// … by a clinician.
    pub(super) by_clinician: f64,
    /// Waits of the window's requests from writing to triage \[days\].
    pub(super) wait_days: Summary,
}

impl Inbox {
    /// Empty inboxes for `practices` practices.
    pub(super) fn new(practices: usize) -> Inbox {
        Inbox {
            navigators: vec![VecDeque::new(); practices],
            ..Inbox::default()
        }
    }
}

/// A new arrival's online request, as [`Model::online_choice`] decides it.
#[derive(Debug, Clone, Copy)]
pub(super) struct OnlineChoice {
    /// When it is written \[minutes\].
    pub(super) written: f64,
    /// Its triager uniform as a count of 1/65536ths, rounded down: a
    /// clinician triages it if that is below `online.clinician_share` when
    /// it is written.
    pub(super) triager: u16,
    /// Its route uniform as a count of 1/65536ths, rounded down: below the
    /// share in force whenever the uniform itself is.
    pub(super) route: u16,
}

/// A uniform in \[0, 1) as a count of 1/65536ths, rounded down.
fn fraction_u16(u: f64) -> u16 {
    (u * 65536.0) as u16
}

/// The first instant at or after `now` \[minutes\] that falls on `weekday`
/// (0 = Monday) at `minute` after midnight.
pub(super) fn next_time_of_week(cal: &Calendar, now: f64, weekday: u8, minute: f64) -> f64 {
    let day = Calendar::day_of(now);
    let ahead = (usize::from(weekday) + 7 - cal.weekday(day)) % 7;
    let t = (day + ahead) as f64 * MINUTES_PER_DAY + minute;
    if t < now {
        t + MINUTES_PER_WEEK
    } else {
        t
    }
}

impl Model<'_> {
    /// The multiplier on `online.uptake` for `patient` \[ratio\]: a
    /// patient's chance of writing in instead of calling is `uptake` times
    /// this, at most 1: `Patient::online_uptake`, the product of the
    /// patient's groups' `online_uptake` (1 without population groups).
    #[inline]
    pub(super) fn online_uptake_multiplier(&self, patient: u32) -> f64 {
        // The patient's groups' `online_uptake` (1.0 without groups).
        f64::from(self.pop.patients[patient as usize].online_uptake)
    }

    /// For a new arrival of `patient` now: when its online request is
    /// written and the uniforms that route it and pick its triager, or
    /// `None` for a call.
    /// With the route open, draws exactly four uniforms whatever the
    /// answer; without it, none.
    #[inline]
    pub(super) fn online_choice(&mut self, patient: u32) -> Option<OnlineChoice> {
        let s = self.s;
        let o = s.online.as_ref()?;
        let r = &mut self.rng.online;
        let (u_route, u_slot, u_minute, u_triager): (f64, f64, f64, f64) = (r.random(), r.random(), r.random(), r.random());
        if u_route >= self.online_share(patient) {
            return None;
        }
        let (weekday, from, to) = o.week_slots.sample(u_slot)?;
        Some(OnlineChoice {
            written: next_time_of_week(&s.calendar, self.now, weekday, from + (to - from) * u_minute),
            triager: fraction_u16(u_triager),
            route: fraction_u16(u_route),
        })
    }

    /// `patient`'s chance of writing in instead of calling under the
    /// scenario in force \[share\].
    fn online_share(&self, patient: u32) -> f64 {
        let uptake = self.s.online.as_ref().map_or(0.0, |o| o.uptake);
        (uptake * self.online_uptake_multiplier(patient)).min(1.0)
    }

    /// An online request is written: a new episode, into its inbox. One
    /// chosen before the launch under the counterfactual's uptake but
    /// written after it follows the arm's: if the arm would not have sent
    /// it online, the patient calls when the practice next opens instead;
    /// and its triager is the arm's choice.
    pub(super) fn online_request(&mut self, patient: u32, need: u16, triager: u16, route: u16) {
        let ep = self.new_exogenous_episode(patient, need);
        if f64::from(route) / 65536.0 >= self.online_share(patient) {
            self.contact_at(ep, self.now);
            return;
        }
        let clinician_share = self.s.online.as_ref().map_or(0.0, |o| o.clinician_share);
        let clinician = f64::from(triager) / 65536.0 < clinician_share;
        if self.in_window() {
            self.online.requests += 1.0;
        }
        self.trace(ep, Place::Reception, "online_request", Reason::None);
        self.move_to(ep, Location::Inbox);
        if clinician {
            self.online.clinicians.push_back((ep, self.now));
            self.clinician_pull();
        } else {
            let practice = self.practice_of(ep);
            self.online.navigators[usize::from(practice)].push_back((ep, self.now));
            self.inbox_pull(practice);
        }
    }

    /// Free navigators at `practice` take requests from its inbox, in the
    /// order written, while the practice is open and no caller waits for
    /// them. Called at every call's end: without the route it is one test.
    #[inline]
    pub(super) fn inbox_pull(&mut self, practice: u8) {
        if self.s.online.is_some() {
            self.inbox_pull_open(practice);
        }
    }

    fn inbox_pull_open(&mut self, practice: u8) {
        if !self.practice_cal(practice).is_open_at(self.now) {
            return;
        }
        let p = usize::from(practice);
        while self.reception[p].has_free_server() && self.reception[p].waiting() == 0 {
            let Some((ep, written)) = self.online.navigators[p].pop_front() else {
                break;
            };
            self.reception[p].take_server(self.now);
            self.start_triage(ep, written, false);
        }
    }

    /// Free clinicians take requests from their list (the PCN's one list)
    /// while the PCN is open (`[time]`).
    pub(super) fn clinician_pull(&mut self) {
        let Some(o) = self.s.online.as_ref() else { return };
        if !self.cal().is_open_at(self.now) {
            return;
        }
        while self.online.clinicians_busy < o.clinicians {
            let Some((ep, written)) = self.online.clinicians.pop_front() else {
                break;
            };
            self.online.clinicians_busy += 1;
            self.start_triage(ep, written, true);
        }
    }

    /// At `practice`'s opening: the night's and weekend's requests start
    /// to be triaged, by its navigators and by the clinicians.
    pub(super) fn inbox_open(&mut self, practice: u8) {
        self.inbox_pull(practice);
        self.clinician_pull();
    }

    /// Schedules each practice's inbox opening on `day`, if the route is
    /// open and the practice opens.
    pub(super) fn online_day_start(&mut self, day: usize) {
        if self.s.online.is_none() {
            return;
        }
        for (practice, prepared) in self.s.practices.list.iter().enumerate() {
            if prepared.calendar.is_open(day) {
                self.q.push(prepared.calendar.opening(day), Ev::InboxOpen(practice as u8));
            }
        }
    }

    fn start_triage(&mut self, ep: u32, written: f64, clinician: bool) {
        let s = self.s;
        let Some(o) = s.online.as_ref() else { return };
        self.move_to(ep, Location::WithNavigator);
        if self.episodes[ep as usize].in_window {
            self.online.wait_days.add((self.now - written) / MINUTES_PER_DAY);
            *if clinician {
                &mut self.online.by_clinician
            } else {
                &mut self.online.by_navigator
            } += 1.0;
        }
        let (event, time) = if clinician {
            ("clinician_triage", &o.clinician_triage)
        } else {
            ("navigator_triage", &o.navigator_triage)
        };
        self.trace(ep, Place::Reception, event, Reason::None);
        let minutes = time.sample(&mut self.rng.triage);
        self.q.push(self.now + minutes, Ev::TriageDone { ep, clinician });
    }

    /// A triage ends: the triager takes the next caller or request, and the
    /// request is navigated with the written-request routing.
    pub(super) fn triage_done(&mut self, ep: u32, clinician: bool) {
        let s = self.s;
        let Some(o) = s.online.as_ref() else { return };
        if clinician {
            self.online.clinicians_busy -= 1;
            self.clinician_pull();
        } else {
            self.navigator_freed(self.practice_of(ep));
        }
        self.expect_at(ep, |l| l == Location::WithNavigator, "the end of a triage");
        let routing = if clinician { &o.clinician_routing } else { &o.navigator_routing };
        self.navigate_by(ep, routing);
    }

    /// The route's metrics, if it is open (none otherwise, so that a
    /// phone-only run's outputs keep their rows).
    pub(super) fn online_metrics(&self, new_episodes: f64) -> Vec<(crate::metric::Metric, f64)> {
        use crate::metric::Metric;
        if self.s.online.is_none() {
            return Vec::new();
        }
        let o = &self.online;
        let share = if new_episodes > 0.0 { o.requests / new_episodes } else { f64::NAN };
        vec![
            (Metric::OnlineRequests, o.requests),
            (Metric::OnlineShare, share),
            (Metric::OnlineInboxWaitDaysMean, o.wait_days.mean().unwrap_or(f64::NAN)),
            (Metric::OnlineTriagedByNavigator, o.by_navigator),
            (Metric::OnlineTriagedByClinician, o.by_clinician),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::next_time_of_week;
    use crate::engine::calendar::{Calendar, Date, MINUTES_PER_DAY};

    #[test]
    fn the_time_of_week_is_the_next_one_at_or_after_now() {
        // 2024-04-01 is a Monday: day 0.
        let cal = Calendar::new(Date::parse("2024-04-01").unwrap(), 30, 480.0, 1110.0, [true; 7], &[]);
        let monday_noon = 720.0;
        assert_eq!(next_time_of_week(&cal, monday_noon, 0, 720.0), monday_noon);
        assert_eq!(next_time_of_week(&cal, monday_noon, 0, 600.0), 7.0 * MINUTES_PER_DAY + 600.0);
        assert_eq!(next_time_of_week(&cal, monday_noon, 6, 60.0), 6.0 * MINUTES_PER_DAY + 60.0);
        assert_eq!(
            next_time_of_week(&cal, 2.0 * MINUTES_PER_DAY + 100.0, 1, 0.0),
            8.0 * MINUTES_PER_DAY
        );
    }
}
