//! Appointments: booking the GP and practice-role diaries (urgent, follow-up,
//! lead-time bands, overflow, call-backs), did-not-attend by lead time, and
//! what each consultation does (resolve, follow up, refer, internal bounce).

use super::diary::Request;
use super::episode::Location;
use super::journey::Reason;
use super::metrics::Counter;
use super::{Ev, Model, Place};
use crate::engine::calendar::{Calendar, MINUTES_PER_DAY};
use crate::engine::SimRng;
use rand::Rng;

impl<'s> Model<'s> {
    /// Whether diary `diary` is a practice's GP diary (diaries `0..P` are
    /// the P practices' GP diaries, in order; `P..` the roles': see
    /// [`crate::scenario::practices`]).
    #[inline]
    pub(super) fn is_gp_diary(&self, diary: usize) -> bool {
        diary < self.s.practices.len()
    }

    /// The GP diary of episode `ep`'s practice.
    #[inline]
    pub(super) fn gp_diary(&self, ep: u32) -> usize {
        usize::from(self.practice_of(ep))
    }

    /// When diary `diary` is open: its practice's hours, or the PCN's.
    #[inline]
    fn diary_cal(&self, diary: usize) -> &'s Calendar {
        let s: &'s crate::scenario::Scenario = self.s;
        s.practices.diary_calendar(diary, &s.calendar)
    }

    /// The random stream of diary `diary` (the GPs', or the roles').
    pub(super) fn diary_rng(&mut self, diary: usize) -> &mut SimRng {
        if self.is_gp_diary(diary) {
            &mut self.rng.gp
        } else {
            &mut self.rng.roles
        }
    }

    pub(super) fn book_gp(&mut self, ep: u32) {
        self.count_weekly(Counter::GpDemand, self.series.gp_demand);
        self.group_count(ep, Counter::GpDemand);
        let diary = self.gp_diary(ep);
        self.book_diary(ep, diary);
    }

    /// Books diary `diary` (a GP diary or a role's) for `ep`.
    /// A GP wait is timed from the episode's first request not yet booked
    /// (`Episode::gp_requested`), so days spent calling back when the diary
    /// is full count (issue #11, B4).
    pub(super) fn book_diary(&mut self, ep: u32, diary: usize) {
        let gp = self.is_gp_diary(diary);
        if gp && self.episodes[ep as usize].gp_requested.is_nan() {
            self.episodes[ep as usize].gp_requested = self.now;
        }
        let e = self.episodes[ep as usize];
        let need = &self.s.raw.needs[e.need as usize];
        let urgent = gp && (need.urgent || e.urgent_return) && !e.follow_up;
        let today = Calendar::day_of(self.now);
        let gp_keys = &self.s.raw.gp;
        let lead_bands = &self.s.lead_bands;
        let rng = self.diary_rng(diary);
        let desired_lead = if urgent {
            0
        } else if e.follow_up {
            gp_keys.follow_up_days.round() as usize
        } else {
            let u: f64 = rng.random();
            let band = &gp_keys.lead_time_bands[lead_bands.sample(u).expect("validated: a band with a share")];
            rng.random_range(band.from..=band.to) as usize
        };
        let cal = self.diary_cal(diary);
        let today_usable = cal.is_open(today) && self.now < cal.closing(today);
        let booked = self.diaries[diary].book(Request {
            today,
            today_usable,
            urgent,
            desired_lead,
        });
        let (day, ahead) = match booked {
            Some(b) => b,
            None if urgent && self.s.raw.gp.urgent_overflow => {
                self.count(Counter::GpOverflow);
                let day = if today_usable { Some(today) } else { cal.next_open_day(today + 1) };
                match day {
                    Some(d) => (d, false),
                    None => return self.move_to(ep, Location::Transit), // beyond the calendar
                }
            }
            None => {
                let place = if gp { Place::Gp } else { Place::Role };
                self.trace(ep, place, "no_slot", Reason::NoSlot);
                if gp {
                    self.count(Counter::GpNoSlot);
                }
                if self.diary_rng(diary).random::<f64>() < self.s.raw.gp.callback_probability {
                    self.move_to(ep, Location::Transit);
                    let delay = self.s.raw.gp.callback_delay_days * MINUTES_PER_DAY;
                    self.contact_at(ep, self.now + delay);
                } else if gp {
                    self.unmet(ep, place, Reason::NoSlot);
                } else {
                    self.failure(ep, place, Reason::RejectedFull);
                }
                return;
            }
        };
        let u: f64 = self.diary_rng(diary).random();
        let time = if day == today {
            self.now + u * (cal.closing(day) - self.now).max(0.0)
        } else {
            cal.opening(day) + u * (cal.close_minute - cal.open_minute)
        };
        let lead = (day - today) as u16;
        if gp && self.in_window() {
            let days = (time - e.gp_requested) / MINUTES_PER_DAY;
            self.gp_wait.add(days);
            self.group_gp_wait(ep, days);
            if let Some(w) = self.week() {
                self.weekly.add(self.series.gp_wait, Some(w), days);
                self.gp_wait_week_count[w] += 1.0;
            }
        }
        self.episodes[ep as usize].gp_requested = f64::NAN;
        self.move_to(ep, Location::Booked(diary as u8));
        let place = if gp { Place::Gp } else { Place::Role };
        self.trace(ep, place, "booked", Reason::None);
        self.q.push(
            time,
            Ev::Appointment {
                ep,
                diary: diary as u8,
                ahead,
                lead,
            },
        );
    }

    pub(super) fn dna_probability(&self, lead: u16) -> f64 {
        let bands = &self.s.raw.gp.dna_bands;
        bands
            .iter()
            .find(|b| u32::from(lead) <= b.max_lead_days)
            .unwrap_or(&bands[bands.len() - 1])
            .probability
    }

    pub(super) fn appointment(&mut self, ep: u32, diary: usize, ahead: bool, lead: u16) {
        self.expect_at(ep, |l| l == Location::Booked(diary as u8), "an appointment");
        self.diaries[diary].held(ahead);
        if self.week().is_some() {
            self.diary_used_week[diary] += 1.0;
        }
        if self.is_gp_diary(diary) {
            self.gp_appointment(ep, lead);
        } else {
            let role = self.s.practices.diary_role[diary - self.s.practices.len()];
            self.role_appointment(ep, role, lead);
        }
    }

    pub(super) fn gp_appointment(&mut self, ep: u32, lead: u16) {
        let e = self.episodes[ep as usize];
        let need = &self.s.raw.needs[e.need as usize];
        self.count_weekly(Counter::GpAppointments, self.series.gp_appointments);
        self.group_count(ep, Counter::GpAppointments);
        if self.s.need_right[e.need as usize] != Place::Gp {
            self.count(Counter::GpAvoidable);
        }
        if e.bounced {
            self.count(Counter::GpFromBounce);
            self.group_count(ep, Counter::GpFromBounce);
        }
        if lead == 0 {
            self.count(Counter::GpSameDay);
        }
        self.episodes[ep as usize].urgent_return = false;
        if self.rng.gp.random::<f64>() < self.dna_probability(lead) {
            self.count(Counter::GpDna);
            self.trace(ep, Place::Gp, "not_attended", Reason::NotAttended);
            self.repeat_or_unmet(ep, Place::Gp, Reason::NotAttended);
            return;
        }
        if e.follow_up {
            self.episodes[ep as usize].follow_up = false;
            self.resolve(ep, Place::Gp);
            return;
        }
        let (u_refer, u_resolve, u_follow): (f64, f64, f64) = (self.rng.gp.random(), self.rng.gp.random(), self.rng.gp.random());
        if u_refer < need.gp_refer_splw {
            self.count(Counter::SignpostsAndReferrals);
            self.group_count(ep, Counter::SignpostsAndReferrals);
            self.trace(ep, Place::Gp, "referred", Reason::None);
            self.splw_refer(ep);
        } else if u_resolve < need.gp_resolve {
            if u_follow < need.gp_follow_up {
                self.episodes[ep as usize].follow_up = true;
                self.trace(ep, Place::Gp, "follow_up", Reason::None);
                self.book_gp(ep);
            } else {
                self.resolve(ep, Place::Gp);
            }
        } else {
            self.repeat_or_unmet(ep, Place::Gp, Reason::NotResolved);
        }
    }

    pub(super) fn role_appointment(&mut self, ep: u32, role: usize, lead: u16) {
        self.count(Counter::RoleAppointments);
        self.group_count(ep, Counter::RoleAppointments);
        if self.rng.roles.random::<f64>() < self.dna_probability(lead) {
            self.failure(ep, Place::Role, Reason::NotAttended);
            return;
        }
        let need = self.episodes[ep as usize].need as usize;
        if self.s.roles[role].remit[need] {
            self.resolve(ep, Place::Role);
        } else {
            // Internal bounce: the role sends the patient straight to the GP.
            self.count(Counter::Failures);
            self.trace(ep, Place::Role, "failed", Reason::OutOfRemit);
            self.mark_bounced(ep);
            self.book_gp(ep);
        }
    }
}
