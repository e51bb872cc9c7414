//! What a replication reports: the weekly series, the metrics at the end,
//! programme costs, and the conservation count of episodes.

use super::diary::Diary;
use super::journey::JourneyStep;
use super::metrics::{Counter, Weekly};
use super::{Model, Outcome};
use crate::engine::calendar::{Calendar, MINUTES_PER_DAY, MINUTES_PER_WEEK};
use crate::metric::{Metric, PharmacyFirstMetric, ServiceMetric};
use crate::scenario::{fte_on, Scenario};
use crate::stats::Level;
use crate::stats::Summary;

/// What one replication of one arm produced.
#[derive(Debug, Clone)]
pub struct ReplicationOutput {
    /// Metric name and value; NaN where undefined (e.g. zero denominator).
    pub metrics: Vec<(String, f64)>,
    /// Weekly series after warm-up.
    pub weekly: Weekly,
    /// Traced steps of the sampled episodes.
    pub journeys: Vec<JourneyStep>,
    /// Events processed.
    pub events: u64,
    /// Conservation check: episodes created after warm-up, and how many
    /// ended or are still open.
    pub conservation: Conservation,
}

/// Episode accounting for the conservation invariant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Conservation {
    /// Episodes created after warm-up.
    pub created: u64,
    /// … of which resolved.
    pub resolved: u64,
    /// … of which ended unmet.
    pub unmet: u64,
    /// … of which still open at the end.
    pub open: u64,
}

/// The weekly series of one replication, each registered by name where
/// the model is built; the id is what the mechanism that fills it holds.
#[derive(Clone)]
pub(super) struct SeriesIds {
    pub contacts: usize,
    pub gp_appointments: usize,
    pub gp_capacity: usize,
    pub gp_demand: usize,
    pub gp_wait: usize,
    pub bounce_backs: usize,
    pub splw_waitlist: usize,
    pub splw_caseload_per_fte: usize,
    /// Reception's utilisation and queue.
    pub reception: NodeSeries,
    /// Per diary (0 = GP, 1.. = roles): utilisation and appointments booked ahead.
    pub diaries: Vec<NodeSeries>,
    /// The link worker's caseload utilisation and waiting list.
    pub splw: NodeSeries,
    /// Per VCSE service: place utilisation and waiting list.
    pub services: Vec<NodeSeries>,
}

/// A node's two weekly series: `utilisation.NODE` and `queue.NODE`.
#[derive(Clone, Copy)]
pub(super) struct NodeSeries {
    pub utilisation: usize,
    pub queue: usize,
}

impl SeriesIds {
    /// Registers every series of scenario `s` in `weekly`, in output order.
    pub fn register(s: &Scenario, weekly: &mut Weekly) -> SeriesIds {
        let mut ids = SeriesIds {
            contacts: weekly.register("contacts"),
            gp_appointments: weekly.register("gp_appointments"),
            gp_capacity: weekly.register("gp_capacity"),
            gp_demand: weekly.register("gp_demand"),
            gp_wait: weekly.register("gp_wait_days_mean"),
            bounce_backs: weekly.register("bounce_backs"),
            splw_waitlist: weekly.register("splw_waitlist"),
            splw_caseload_per_fte: weekly.register("splw_caseload_per_fte"),
            reception: NodeSeries::register(weekly, "navigation"),
            diaries: vec![NodeSeries::register(weekly, "gp")],
            splw: NodeSeries { utilisation: 0, queue: 0 },
            services: Vec::new(),
        };
        for r in &s.raw.roles {
            ids.diaries.push(NodeSeries::register(weekly, &format!("role:{}", r.name)));
        }
        ids.splw = NodeSeries::register(weekly, "splw");
        for v in &s.raw.vcse.services {
            ids.services.push(NodeSeries::register(weekly, &format!("vcse:{}", v.name)));
        }
        ids
    }
}

impl NodeSeries {
    fn register(weekly: &mut Weekly, node: &str) -> NodeSeries {
        NodeSeries {
            utilisation: weekly.register(&format!("utilisation.{node}")),
            queue: weekly.register(&format!("queue.{node}")),
        }
    }

    fn set(self, weekly: &mut Weekly, week: usize, utilisation: f64, queue: f64) {
        weekly.set(self.utilisation, week, utilisation);
        weekly.set(self.queue, week, queue);
    }
}

impl Model<'_> {
    pub(super) fn week_mark(&mut self, w: usize) {
        let now = self.now;
        // The PCN's reception: every practice's lines (they add up to
        // `navigation.servers`) and queues together.
        let (mut busy, mut queue) = (0.0, 0.0);
        for desk in &mut self.reception {
            let (busy_level, queue_level, _) = desk.levels_mut();
            busy += busy_level.take_week(now);
            queue += queue_level.take_week(now);
        }
        let (caseload_level, waitlist_level, capacity_level) = self.splw.res.levels_mut();
        let splw_case = caseload_level.take_week(now);
        let splw_wait = waitlist_level.take_week(now);
        let splw_cap = capacity_level.take_week(now);
        let splw_fte = self.splw.fte_level.take_week(now);
        let svc_areas: Vec<(f64, f64, f64)> = self
            .services
            .iter_mut()
            .map(|s| {
                let (occupancy, waitlist, places) = s.res.levels_mut();
                (occupancy.take_week(now), places.take_week(now), waitlist.take_week(now))
            })
            .collect();
        let used = std::mem::replace(&mut self.diary_used_week, vec![0.0; self.diaries.len()]);
        if w == 0 {
            return;
        }
        let first_day = Calendar::day_of(now - MINUTES_PER_WEEK);
        // Line-minutes the practices' receptions were open this week.
        let line_minutes: f64 = (self.s.practices.list.iter())
            .map(|p| {
                let cal = &p.calendar;
                let open_minutes = cal.open_days_between(first_day, first_day + 7) as f64 * (cal.close_minute - cal.open_minute);
                f64::from(p.reception_lines) * open_minutes
            })
            .sum();
        let week = w - 1;
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let gp_wait_count = self.gp_wait_week_count[week];
        let ids = &self.series;
        let weekly = &mut self.weekly;
        let wait_sum = weekly.values[ids.gp_wait][week];
        weekly.set(ids.gp_wait, week, ratio(wait_sum, gp_wait_count));
        weekly.set(ids.splw_waitlist, week, splw_wait / MINUTES_PER_WEEK);
        weekly.set(ids.splw_caseload_per_fte, week, ratio(splw_case, splw_fte));
        ids.reception.set(weekly, week, ratio(busy, line_minutes), queue / MINUTES_PER_WEEK);
        let week_capacity = |diary: &Diary| -> f64 {
            (first_day..first_day + 7)
                .map(|day| f64::from(diary.capacity.get(day).copied().unwrap_or(0)))
                .sum()
        };
        // The GP series is the PCN's: every practice's GP diary together.
        let (gp_diaries, role_diaries) = self.diaries.split_at(self.s.practices.len());
        let gp_used: f64 = used[..gp_diaries.len()].iter().sum();
        let gp_capacity: f64 = gp_diaries.iter().map(week_capacity).sum();
        let gp_ahead: u32 = gp_diaries.iter().map(|d| d.booked_ahead).sum();
        ids.diaries[0].set(weekly, week, ratio(gp_used, gp_capacity), f64::from(gp_ahead));
        // A role's series is the PCN's: every practice's diary of it together.
        let role_used = &used[gp_diaries.len()..];
        let roles = &self.s.practices.diary_role;
        for (role, node) in ids.diaries[1..].iter().enumerate() {
            let of_role = || (role_diaries.iter().zip(role_used).zip(roles)).filter(move |(_, &r)| r == role);
            let used: f64 = of_role().map(|((_, used), _)| used).sum();
            let capacity: f64 = of_role().map(|((diary, _), _)| week_capacity(diary)).sum();
            let ahead: u32 = of_role().map(|((diary, _), _)| diary.booked_ahead).sum();
            node.set(weekly, week, ratio(used, capacity), f64::from(ahead));
        }
        ids.splw.set(weekly, week, ratio(splw_case, splw_cap), splw_wait / MINUTES_PER_WEEK);
        for ((occ, places, wait), node) in svc_areas.into_iter().zip(&ids.services) {
            node.set(weekly, week, ratio(occ, places), wait / MINUTES_PER_WEEK);
        }
    }

    pub(super) fn finish(mut self) -> ReplicationOutput {
        let end = self.s.end_minutes;
        let c = |k: Counter| self.counters[k as usize];
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let level_mean = |l: &Level| l.mean_until(end);

        let mut created = 0;
        let mut resolved = 0;
        let mut unmet = 0;
        let mut open = 0;
        for e in self.episodes.iter().filter(|e| e.in_window) {
            created += 1;
            match e.outcome {
                Outcome::Open => open += 1,
                Outcome::Resolved(_) => resolved += 1,
                Outcome::Unmet => unmet += 1,
            }
        }
        let mut days = std::mem::take(&mut self.resolution_days);
        let p90 = if days.is_empty() {
            f64::NAN
        } else {
            let n = days.len();
            let k = (((n as f64) * 0.9).ceil() as usize).clamp(1, n) - 1;
            let (_, v, _) = days.select_nth_unstable_by(k, f32::total_cmp);
            f64::from(*v)
        };
        let resolution_mean = Summary::of(days.iter().map(|&d| f64::from(d))).mean().unwrap_or(f64::NAN);

        let splw_fte_mean = level_mean(&self.splw.fte_level);
        let occupancy: f64 = self.services.iter().map(|s| s.res.busy_level().area(end)).sum();
        let places: f64 = self.services.iter().map(|s| s.res.capacity_level().area(end)).sum();
        let years = self.s.raw.time.horizon_days / 365.25;
        let mut programme_cost = self.programme_cost(years, splw_fte_mean, c(Counter::PharmacyConsultations))
            + self.time_used_cost(c(Counter::RoleAppointments), c(Counter::Signposted));
        if let Some(pf) = &self.s.pharmacy_first {
            programme_cost += c(Counter::PharmacyFirstConsultations) * pf.fee;
        }
        let gp_bookings = self.gp_wait.count() as f64;

        let mut m: Vec<(String, f64)> = [
            (Metric::Contacts, c(Counter::Contacts)),
            (Metric::NewEpisodes, c(Counter::NewEpisodes)),
            (Metric::GpDemand, c(Counter::GpDemand)),
            (Metric::GpAppointments, c(Counter::GpAppointments)),
            (Metric::GpAppointmentsAvoidable, c(Counter::GpAvoidable)),
            (Metric::GpAppointmentsFromBounceBack, c(Counter::GpFromBounce)),
            (Metric::GpAppointmentsSameDay, c(Counter::GpSameDay)),
            (Metric::GpOverflow, c(Counter::GpOverflow)),
            (Metric::GpDna, c(Counter::GpDna)),
            (Metric::Signposted, c(Counter::Signposted)),
            (Metric::SignpostDeclined, c(Counter::SignpostDeclined)),
            (Metric::CapacityRedirects, c(Counter::CapacityRedirects)),
            (Metric::BounceBacks, c(Counter::BounceBacks)),
            (
                Metric::BounceBackRate,
                ratio(c(Counter::BounceBacks), c(Counter::SignpostsAndReferrals)),
            ),
            (Metric::Failures, c(Counter::Failures)),
            (Metric::SafetyEvents, c(Counter::SafetyEvents)),
            (Metric::UnmetNeeds, c(Counter::EndedUnmet)),
            (Metric::RepeatContacts, c(Counter::RepeatContacts)),
            (Metric::NavigationAbandoned, c(Counter::NavigationAbandoned)),
            (Metric::ResolutionDaysMean, resolution_mean),
            (Metric::ResolutionDaysP90, p90),
            (Metric::GpWaitDaysMean, self.gp_wait.mean().unwrap_or(f64::NAN)),
            // Every GP request booked in the window adds one wait, counted
            // at booking as `gp_demand` is, so the two differ by exactly the
            // requests that found no slot.
            (Metric::GpBookings, gp_bookings),
            (Metric::GpRequestsUnbooked, c(Counter::GpDemand) - gp_bookings),
            (Metric::GpWaitDaysTotal, self.gp_wait.sum()),
            (Metric::GpRequestsUnbookedShare, ratio(c(Counter::GpNoSlot), c(Counter::GpDemand))),
            (Metric::RoleAppointments, c(Counter::RoleAppointments)),
            (Metric::PharmacyConsultations, c(Counter::PharmacyConsultations)),
            (Metric::SplwReferrals, c(Counter::SplwReferrals)),
            (Metric::SplwRejections, c(Counter::SplwRejections)),
            (Metric::SplwWaitDaysMean, self.splw.wait_days.mean().unwrap_or(f64::NAN)),
            (Metric::SplwWaitlistMean, level_mean(self.splw.res.queue_level())),
            (
                Metric::SplwCaseloadPerFteMean,
                ratio(level_mean(self.splw.res.busy_level()), splw_fte_mean),
            ),
            (Metric::VcseRejections, c(Counter::VcseRejections)),
            (Metric::VcseUtilisation, ratio(occupancy, places)),
            (Metric::EndedGp, c(Counter::EndedGp)),
            (Metric::EndedRole, c(Counter::EndedRole)),
            (Metric::EndedPharmacy, c(Counter::EndedPharmacy)),
            (Metric::EndedSplw, c(Counter::EndedSplw)),
            (Metric::EndedVcse, c(Counter::EndedVcse)),
            (Metric::EndedReception, c(Counter::EndedReception)),
            (Metric::EndedUnmet, c(Counter::EndedUnmet)),
            (Metric::EndedInSystem, open as f64),
            (Metric::ProgrammeCost, programme_cost),
            (Metric::Events, self.q.events_processed() as f64),
        ]
        .into_iter()
        .map(|(k, v)| (k.name().to_string(), v))
        .collect();
        for (raw, svc) in self.s.raw.vcse.services.iter().zip(&self.services) {
            m.push((ServiceMetric::OccupancyMean.name(&raw.name), level_mean(svc.res.busy_level())));
            m.push((ServiceMetric::Rejections.name(&raw.name), svc.rejections));
        }
        if self.s.pharmacy_first_reported {
            for (metric, counter) in PharmacyFirstMetric::ALL.into_iter().zip([
                Counter::PharmacyFirstConsultations,
                Counter::PharmacyFirstCompleted,
                Counter::PharmacyFirstReferredOn,
            ]) {
                m.push((metric.name().to_string(), c(counter)));
            }
        }
        self.push_group_metrics(&mut m);
        let online = self.online_metrics(c(Counter::NewEpisodes));
        m.extend(online.into_iter().map(|(k, v)| (k.name().to_string(), v)));
        ReplicationOutput {
            metrics: m,
            weekly: self.weekly,
            journeys: self.journeys,
            events: self.q.events_processed(),
            conservation: Conservation {
                created,
                resolved,
                unmet,
                open,
            },
        }
    }

    /// Cost of the staff time signposting uses that no post is added for
    /// [GBP]: other practice roles' appointments (in the counterfactual
    /// that time is left for other work, so without this line signposting
    /// would get it free) and navigator minutes per signpost.
    fn time_used_cost(&self, role_appointments: f64, signposted: f64) -> f64 {
        let k = &self.s.raw.costs;
        role_appointments * k.role_appointment + signposted * k.navigator_minutes_per_signpost / 60.0 * k.navigator_hour
    }

    /// Places service `svc` is funded for over the statistics window, on
    /// average \[places\]: its places, or with timed changes the mean over
    /// the window's days.
    fn service_places_funded(&self, svc: usize) -> f64 {
        let (s, raw) = (self.s, &self.s.raw.vcse.services[svc]);
        if s.vcse_funding_changes.is_empty() && s.services[svc].places_changes.is_empty() {
            return f64::from(super::launch::service_places(raw.places, s.raw.vcse.funding));
        }
        let (first, days) = (
            self.s.raw.time.warmup_days.floor() as usize,
            self.s.raw.time.horizon_days.ceil() as usize,
        );
        let total: f64 = (first..first + days)
            .map(|d| f64::from(super::vcse_schedule::places_on(s, svc, d as f64)))
            .sum();
        total / days.max(1) as f64
    }

    /// Programme cost over the statistics window [GBP]: training, link
    /// workers, practice roles, VCSE places, transport support and
    /// pharmacy fees.
    pub(super) fn programme_cost(&self, years: f64, splw_fte_mean: f64, pharmacy_consultations: f64) -> f64 {
        let raw = &self.s.raw;
        let mid_day = (self.s.warmup_minutes + self.s.end_minutes) / 2.0 / MINUTES_PER_DAY;
        let training = if self.s.active { self.s.training_cost } else { 0.0 };
        let roles: f64 = raw
            .roles
            .iter()
            .zip(&self.s.roles)
            .map(|(r, p)| fte_on(r.fte, &p.changes, mid_day) * r.annual_cost_per_fte)
            .sum();
        let vcse: f64 = (raw.vcse.services.iter().enumerate())
            .map(|(svc, s)| self.service_places_funded(svc) * s.annual_cost_per_place)
            .sum();
        let transport = if raw.vcse.transport_support {
            raw.vcse.transport_annual_cost
        } else {
            0.0
        };
        (training + splw_fte_mean * raw.splw.annual_cost_per_fte + roles + vcse + transport) * years
            + pharmacy_consultations * raw.pharmacy.fee
    }
}
