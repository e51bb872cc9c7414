//! The metric registry: every metric a run reports is defined once here —
//! its name in the output contract, a label with its unit, which direction
//! is better, and whether it is derived by pairing an arm with the
//! counterfactual in the same replication.
//!
//! The model, the paired comparison, the CSVs, the terminal table, the HTML
//! report and sensitivity analysis all name metrics through [`Metric`], so a
//! misspelt metric is a compile error, never a silent NaN. Metrics per named
//! VCSE service ([`ServiceMetric`]) are the one family whose names depend
//! on the scenario. This module imports nothing of the crate.

pub mod group;

/// What a metric's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count over the statistics window \[events per window\].
    Count,
    /// A duration \[days\].
    Days,
    /// A time-averaged number of people \[people\].
    People,
    /// A share between 0 and 1 \[fraction\].
    Share,
    /// Money \[GBP over the window\].
    Gbp,
    /// Money per net GP appointment freed \[GBP per appointment\].
    GbpPerAppointment,
    /// Whole-time-equivalent staff \[FTE\].
    Fte,
    /// Staff time \[hours over the window\].
    Hours,
}

/// Which direction a commissioner would call better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// More is better (appointments freed).
    Higher,
    /// Less is better (bounce-backs, waits, costs).
    Lower,
    /// Neither: a volume or a diagnostic (contacts, events).
    Neither,
}

/// One metric's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricDef {
    /// Name in the output contract (`summary.csv` and the rest).
    pub name: &'static str,
    /// Label for people, with its unit.
    pub label: &'static str,
    /// What its numbers are.
    pub unit: Unit,
    /// Which direction is better.
    pub better: Better,
    /// Derived by pairing with the counterfactual in the same replication
    /// (an arm-minus-counterfactual quantity), rather than measured in one
    /// arm's run.
    pub paired: bool,
}

macro_rules! metrics {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, $label:literal, $unit:ident, $better:ident, $paired:literal; )*) => {
        /// A metric of the output contract. See [`Metric::def`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Metric {
            $( $(#[$doc])* $variant, )*
        }

        impl Metric {
            /// Every metric, measured ones in `summary.csv` order, then the paired ones.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),*];

            /// The metric's definition.
            pub const fn def(self) -> MetricDef {
                match self {
                    $(Metric::$variant => MetricDef {
                        name: $name,
                        label: $label,
                        unit: Unit::$unit,
                        better: Better::$better,
                        paired: $paired,
                    },)*
                }
            }
        }
    };
}

metrics! {
    /// Contacts reaching reception (new, returning, retrying, repeating).
    Contacts => "contacts", "Contacts with the practice", Count, Neither, false;
    /// New episodes of need.
    NewEpisodes => "new_episodes", "New episodes of need", Count, Neither, false;
    /// GP booking requests.
    GpDemand => "gp_demand", "GP booking requests", Count, Neither, false;
    /// GP appointments used (attended or missed), urgent extras included.
    GpAppointments => "gp_appointments", "GP appointments", Count, Neither, false;
    /// GP appointments for needs best met elsewhere.
    GpAppointmentsAvoidable => "gp_appointments_avoidable", "GP appointments for needs best met elsewhere", Count, Lower, false;
    /// GP appointments of episodes that had bounced back.
    GpAppointmentsFromBounceBack => "gp_appointments_from_bounce_back", "GP appointments caused by bounce-back", Count, Lower, false;
    /// GP appointments held on the day they were booked.
    GpAppointmentsSameDay => "gp_appointments_same_day", "GP appointments booked for the same day", Count, Neither, false;
    /// Urgent extras seen beyond the diary.
    GpOverflow => "gp_overflow", "Urgent GP extras beyond the diary", Count, Lower, false;
    /// GP did-not-attends.
    GpDna => "gp_dna", "GP appointments not attended", Count, Lower, false;
    /// Contacts the navigator proposed to send away from the GP.
    Signposted => "signposted", "Contacts signposted", Count, Neither, false;
    /// Signposts declined (the patient insisted on the GP).
    SignpostDeclined => "signpost_declined", "Signposting declined", Count, Neither, false;
    /// Signposts withheld because the destination was believed full.
    CapacityRedirects => "capacity_redirects", "Signposts withheld: destination believed full", Count, Neither, false;
    /// Failures after signposting or referral that came back.
    BounceBacks => "bounce_backs", "Bounce-backs", Count, Lower, false;
    /// Bounce-backs per accepted signpost or referral.
    BounceBackRate => "bounce_back_rate", "Bounce-back rate (of signposted)", Share, Lower, false;
    /// Failures after signposting or referral, returned or not.
    Failures => "failures", "Failures after signposting or referral", Count, Lower, false;
    /// Urgent needs sent away from the GP and accepted.
    SafetyEvents => "safety_events", "Safety events (urgent need sent away)", Count, Lower, false;
    /// Episodes ended with the need unmet.
    UnmetNeeds => "unmet_needs", "Unmet needs", Count, Lower, false;
    /// Repeat contacts of unresolved episodes (revolving door).
    RepeatContacts => "repeat_contacts", "Repeat contacts (revolving door)", Count, Lower, false;
    /// Callers who hung up in the reception queue.
    NavigationAbandoned => "navigation_abandoned", "Calls abandoned at reception", Count, Lower, false;
    /// Mean time from a need's first contact to its resolution.
    ResolutionDaysMean => "resolution_days_mean", "Time to resolve a need, mean [days]", Days, Lower, false;
    /// 90th percentile of that time.
    ResolutionDaysP90 => "resolution_days_p90", "Time to resolve a need, 90th percentile [days]", Days, Lower, false;
    /// Mean wait from the episode's first request (call-backs when the
    /// diary was full included) to the GP appointment.
    GpWaitDaysMean => "gp_wait_days_mean", "Wait for a GP appointment from first request, mean [days]", Days, Lower, false;
    /// GP requests in the window that got a slot (in the diary or as an
    /// urgent extra): the waits that `gp_wait_days_mean` averages.
    GpBookings => "gp_bookings", "GP requests booked (diary or urgent extra)", Count, Neither, false;
    /// GP requests in the window left without a slot in the booking
    /// horizon (the patient calls back later or gives up):
    /// `gp_demand − gp_bookings`.
    GpRequestsUnbooked => "gp_requests_unbooked", "GP requests left without a slot", Count, Lower, false;
    /// Sum of the waits that `gp_wait_days_mean` averages \[days\].
    GpWaitDaysTotal => "gp_wait_days_total", "Wait for a GP appointment, total [patient-days]", Days, Lower, false;
    /// GP booking requests that found no slot within the booking horizon,
    /// over all GP booking requests.
    GpRequestsUnbookedShare => "gp_requests_unbooked_share", "GP requests not booked within the horizon", Share, Lower, false;
    /// Other practice roles' appointments used.
    RoleAppointments => "role_appointments", "Other practice roles' appointments", Count, Neither, false;
    /// Community pharmacy consultations.
    PharmacyConsultations => "pharmacy_consultations", "Community pharmacy consultations", Count, Neither, false;
    /// Referrals to the link worker.
    SplwReferrals => "splw_referrals", "Referrals to link workers", Count, Neither, false;
    /// Referrals rejected or declined at the link worker's door.
    SplwRejections => "splw_rejections", "Link-worker referrals turned away or declined", Count, Lower, false;
    /// Mean wait from referral to joining the caseload.
    SplwWaitDaysMean => "splw_wait_days_mean", "Wait for a link worker, mean [days]", Days, Lower, false;
    /// Time-averaged link-worker waiting list.
    SplwWaitlistMean => "splw_waitlist_mean", "Link-worker waiting list, mean [people]", People, Lower, false;
    /// Time-averaged caseload per FTE.
    SplwCaseloadPerFteMean => "splw_caseload_per_fte_mean", "Link-worker caseload per FTE, mean [people]", People, Neither, false;
    /// VCSE referrals rejected (full or closed).
    VcseRejections => "vcse_rejections", "VCSE referrals rejected", Count, Lower, false;
    /// VCSE places occupied over places available.
    VcseUtilisation => "vcse_utilisation", "VCSE utilisation", Share, Neither, false;
    /// Episodes resolved at a GP appointment.
    EndedGp => "ended_gp", "Episodes resolved by a GP", Count, Neither, false;
    /// … at another practice role.
    EndedRole => "ended_role", "Episodes resolved by another practice role", Count, Neither, false;
    /// … at community pharmacy.
    EndedPharmacy => "ended_pharmacy", "Episodes resolved at community pharmacy", Count, Neither, false;
    /// … by the link worker's support.
    EndedSplw => "ended_splw", "Episodes resolved by a link worker", Count, Neither, false;
    /// … at a VCSE service.
    EndedVcse => "ended_vcse", "Episodes resolved at a VCSE service", Count, Neither, false;
    /// … at reception.
    EndedReception => "ended_reception", "Episodes resolved at reception", Count, Neither, false;
    /// … unmet.
    EndedUnmet => "ended_unmet", "Episodes ended unmet", Count, Lower, false;
    /// … still in the system when the run ended.
    EndedInSystem => "ended_in_system", "Episodes still open at the end", Count, Neither, false;
    /// Programme cost over the window: training, link workers, practice
    /// roles' posts, VCSE places, transport, pharmacy fees, the time of
    /// other practice roles used (`role_appointments ×
    /// costs.role_appointment`) and navigator time per signpost
    /// (`signposted × costs.navigator_minutes_per_signpost / 60 ×
    /// costs.navigator_hour`).
    ProgrammeCost => "programme_cost", "Programme cost [GBP]", Gbp, Lower, false;
    /// Events the replication handled.
    Events => "events", "Simulation events", Count, Neither, false;
    // The online request route's metrics: reported only by a scenario
    // with an `[online]` table (after the per-service ones), so that a
    // phone-only run's outputs keep exactly their rows.
    /// Online requests written in the window (new episodes that came in
    /// writing; `contacts` counts phone contacts only).
    OnlineRequests => "online_requests", "Online requests", Count, Neither, false;
    /// Online requests over new episodes.
    OnlineShare => "online_share", "Share of new episodes arriving online", Share, Neither, false;
    /// Mean wait of an online request from writing to the start of its
    /// triage (nights, weekends and queueing behind calls included).
    OnlineInboxWaitDaysMean => "online_inbox_wait_days_mean", "Wait in the online inbox for triage, mean [days]", Days, Lower, false;
    /// Online requests triaged by a care navigator.
    OnlineTriagedByNavigator => "online_triaged_by_navigator", "Online requests triaged by a navigator", Count, Neither, false;
    /// Online requests triaged by a clinician.
    OnlineTriagedByClinician => "online_triaged_by_clinician", "Online requests triaged by a clinician", Count, Neither, false;
    /// Counterfactual GP appointments minus the arm's, same replication.
    GpAppointmentsSavedNet => "gp_appointments_saved_net", "GP appointments freed, net", Count, Higher, true;
    /// Net plus the GP appointments bounce-back caused.
    GpAppointmentsSavedGross => "gp_appointments_saved_gross", "GP appointments freed, gross", Count, Higher, true;
    /// GP appointments caused by bounce-back, arm minus counterfactual.
    GpAppointmentsLostToBounceBack => "gp_appointments_lost_to_bounce_back", "GP appointments lost to bounce-back", Count, Lower, true;
    /// Net freed over the counterfactual's GP appointments.
    GpShareFreed => "gp_share_freed", "Share of GP appointments freed (net)", Share, Higher, true;
    /// Programme cost, arm minus counterfactual.
    CostIncremental => "cost_incremental", "Incremental programme cost [GBP]", Gbp, Lower, true;
    /// Incremental cost per net GP appointment freed (empty when none is
    /// freed). Negative when the arm costs less than the counterfactual and
    /// still frees appointments: the arm is *dominant* (saves money), which
    /// the terminal table and the report print in words instead of a
    /// negative price; CSVs keep the number.
    CostPerGpAppointmentFreed => "cost_per_gp_appointment_freed", "Cost per net GP appointment freed [GBP]", GbpPerAppointment, Lower, true;
    /// Net GP appointments freed valued at the scenario's price of a GP appointment.
    GpTimeValueFreed => "gp_time_value_freed", "Value of GP time freed [GBP]", Gbp, Higher, true;
    // What happened to the freed capacity. Every one is counterfactual minus
    // arm in the same replication, so positive means the arm did better.
    /// GP booking requests the arm avoided: counterfactual `gp_demand` minus
    /// the arm's. The GP capacity signposting released before asking who
    /// used it. Identity, per replication:
    /// `gp_demand_reduction = gp_appointments_saved_net + gp_capacity_taken_up`.
    GpDemandReduction => "gp_demand_reduction", "GP booking requests avoided", Count, Higher, true;
    /// Released GP capacity that other patients' demand took up, so that it
    /// does not show as GP appointments freed: `gp_demand_reduction −
    /// gp_appointments_saved_net`. In a diary with spare slots it is near
    /// 0; in a full diary near all of the reduction. It equals
    /// `gp_requests_unbooked_avoided` plus the change in requests booked
    /// in the window but held after it (booked sooner, not turned away).
    GpCapacityTakenUp => "gp_capacity_taken_up", "Freed GP capacity taken up by other demand", Count, Neither, true;
    /// GP requests that would otherwise have gone without a slot:
    /// counterfactual `gp_requests_unbooked` minus the arm's.
    GpRequestsUnbookedAvoided => "gp_requests_unbooked_avoided", "GP requests that would otherwise have gone unbooked", Count, Higher, true;
    /// Days of waiting for a GP spared to the patients who still book one:
    /// the arm's `gp_bookings` × (counterfactual `gp_wait_days_mean` − the
    /// arm's) \[patient-days\].
    GpWaitDaysSaved => "gp_wait_days_saved", "Days of GP wait saved for patients still booking [patient-days]", Days, Higher, true;
    /// Counterfactual `unmet_needs` minus the arm's (negative: the arm
    /// leaves more needs unmet).
    UnmetNeedsAvoided => "unmet_needs_avoided", "Unmet needs avoided", Count, Higher, true;
    /// Counterfactual `navigation_abandoned` minus the arm's.
    NavigationAbandonedAvoided => "navigation_abandoned_avoided", "Abandoned calls avoided", Count, Higher, true;
    /// Net GP appointments freed over what one GP FTE gives in the window:
    /// `gp.appointments_per_fte_day × costs.gp_working_days_per_fte_year ×
    /// horizon_days / 365.25` \[FTE\].
    GpFteReleased => "gp_fte_released", "GP FTE-equivalent released [FTE]", Fte, Higher, true;
    /// Net GP appointments freed × `costs.gp_minutes_per_appointment` / 60 \[hours\].
    GpHoursFreed => "gp_hours_freed", "GP hours freed [hours]", Hours, Higher, true;
    /// `gp_hours_freed` valued at `costs.gp_hour` \[GBP\].
    GpTimeValueFreedHourly => "gp_time_value_freed_hourly", "Value of GP time freed at the hourly rate [GBP]", Gbp, Higher, true;
}

impl Metric {
    /// Name in the output contract.
    pub const fn name(self) -> &'static str {
        self.def().name
    }

    /// The metric called `name`, if any (per-service metrics are not here:
    /// see [`ServiceMetric::parse`]).
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// The metrics measured in one arm's run, in output order.
    pub fn measured() -> impl Iterator<Item = Metric> {
        Metric::ALL.iter().copied().filter(|m| !m.def().paired)
    }

    /// The metrics derived by pairing with the counterfactual, in output order.
    pub fn paired() -> impl Iterator<Item = Metric> {
        Metric::ALL.iter().copied().filter(|m| m.def().paired)
    }
}

/// Metrics reported once per VCSE service, named `PREFIX.SERVICE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceMetric {
    /// Time-averaged participants \[people\].
    OccupancyMean,
    /// Referrals turned away (full or closed) \[count\].
    Rejections,
}

impl ServiceMetric {
    /// Both, in output order.
    pub const ALL: [ServiceMetric; 2] = [ServiceMetric::OccupancyMean, ServiceMetric::Rejections];

    /// The name's prefix, before `.SERVICE`.
    pub const fn prefix(self) -> &'static str {
        match self {
            ServiceMetric::OccupancyMean => "vcse_occupancy_mean",
            ServiceMetric::Rejections => "vcse_rejections",
        }
    }

    /// The metric's name for `service`.
    pub fn name(self, service: &str) -> String {
        format!("{}.{service}", self.prefix())
    }

    /// Splits `vcse_rejections.advice` into the metric and the service name.
    pub fn parse(name: &str) -> Option<(ServiceMetric, &str)> {
        let (prefix, service) = name.split_once('.')?;
        let metric = ServiceMetric::ALL.into_iter().find(|m| m.prefix() == prefix)?;
        Some((metric, service))
    }
}

/// Pharmacy First's metrics \[count\]: in a run's results only when
/// Pharmacy First is on in some arm (`pharmacy_first.enabled`), so runs
/// without it report what they always did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PharmacyFirstMetric {
    /// Consultations the patient attended.
    Consultations,
    /// … completed in the pharmacy.
    Completed,
    /// … referred on to the practice (a GP appointment booked).
    ReferredOn,
}

impl PharmacyFirstMetric {
    /// All three, in output order.
    pub const ALL: [PharmacyFirstMetric; 3] = [
        PharmacyFirstMetric::Consultations,
        PharmacyFirstMetric::Completed,
        PharmacyFirstMetric::ReferredOn,
    ];

    /// Name in the output contract.
    pub const fn name(self) -> &'static str {
        match self {
            PharmacyFirstMetric::Consultations => "pharmacy_first_consultations",
            PharmacyFirstMetric::Completed => "pharmacy_first_completed",
            PharmacyFirstMetric::ReferredOn => "pharmacy_first_referred_on",
        }
    }

    /// Label for people.
    pub const fn label(self) -> &'static str {
        match self {
            PharmacyFirstMetric::Consultations => "Pharmacy First consultations",
            PharmacyFirstMetric::Completed => "Pharmacy First consultations completed in the pharmacy",
            PharmacyFirstMetric::ReferredOn => "Pharmacy First consultations referred on to the practice",
        }
    }

    /// The metric called `name`, if it is one of these.
    pub fn parse(name: &str) -> Option<PharmacyFirstMetric> {
        PharmacyFirstMetric::ALL.into_iter().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_snake_case_and_round_trip() {
        let mut seen = HashSet::new();
        for &m in Metric::ALL {
            let name = m.name();
            assert!(seen.insert(name), "{name} is defined twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
            assert_eq!(Metric::from_name(name), Some(m));
        }
        assert_eq!(Metric::from_name("gp_appointments_saved_nett"), None);
    }

    #[test]
    fn measured_metrics_come_before_paired_ones() {
        let first_paired = Metric::ALL.iter().position(|m| m.def().paired).unwrap();
        assert!(Metric::ALL[first_paired..].iter().all(|m| m.def().paired));
        assert_eq!(Metric::paired().count(), 16);
    }

    #[test]
    fn service_metric_names_parse_back() {
        for m in ServiceMetric::ALL {
            assert_eq!(ServiceMetric::parse(&m.name("advice")), Some((m, "advice")));
        }
        assert_eq!(ServiceMetric::parse("vcse_rejections"), None);
        assert!(Metric::from_name(&ServiceMetric::Rejections.name("advice")).is_none());
    }

    #[test]
    fn pharmacy_first_metric_names_parse_back_and_are_no_other_metric() {
        for m in PharmacyFirstMetric::ALL {
            assert_eq!(PharmacyFirstMetric::parse(m.name()), Some(m));
            assert!(Metric::from_name(m.name()).is_none() && ServiceMetric::parse(m.name()).is_none());
        }
    }
}
