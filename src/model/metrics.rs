//! What one replication counts, and the weekly time series.

/// Event counters, attributed to the statistics window (after warm-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Counter {
    /// Contacts reaching reception (new, returning, retrying, repeating).
    Contacts,
    /// New exogenous episodes.
    NewEpisodes,
    /// GP appointment slots used (attended or missed), incl. extras.
    GpAppointments,
    /// GP appointments for needs best met elsewhere.
    GpAvoidable,
    /// GP appointments for episodes that had bounced back.
    GpFromBounce,
    /// GP appointments held on the day they were booked (lead time 0),
    /// incl. urgent extras.
    GpSameDay,
    /// Urgent extras seen beyond the diary.
    GpOverflow,
    /// GP booking requests.
    GpDemand,
    /// GP did-not-attends.
    GpDna,
    /// GP booking requests that found no slot within the booking horizon
    /// (urgent extras beyond the diary are booked, so not counted).
    GpNoSlot,
    /// Contacts the navigator proposed to send away from the GP.
    Signposted,
    /// Signposts declined (patient insisted on the GP).
    SignpostDeclined,
    /// Signposts withheld because the destination was believed full.
    CapacityRedirects,
    /// Failures after signposting or referral that came back.
    BounceBacks,
    /// Failures after signposting or referral (returned or not).
    Failures,
    /// Accepted signposts plus onward referrals (the bounce-back base).
    SignpostsAndReferrals,
    /// Urgent needs sent away from the GP and accepted.
    SafetyEvents,
    /// Referrals to the link worker.
    SplwReferrals,
    /// Referrals rejected or declined at the link worker's door.
    SplwRejections,
    /// VCSE referrals rejected (full or closed).
    VcseRejections,
    /// Community pharmacy consultations.
    PharmacyConsultations,
    /// Other practice roles' appointments used.
    RoleAppointments,
    /// Callers who hung up in the reception queue.
    NavigationAbandoned,
    /// Repeat contacts (revolving door).
    RepeatContacts,
    /// Episodes (created after warm-up) resolved at a GP appointment.
    EndedGp,
    /// … at another practice role.
    EndedRole,
    /// … at community pharmacy.
    EndedPharmacy,
    /// … by the link worker's support.
    EndedSplw,
    /// … at a VCSE service.
    EndedVcse,
    /// … at reception (administrative).
    EndedReception,
    /// … unmet (gave up, not returned).
    EndedUnmet,
    /// Pharmacy First consultations (the patient attended).
    PharmacyFirstConsultations,
    /// … completed in the pharmacy.
    PharmacyFirstCompleted,
    /// … referred on to the practice.
    PharmacyFirstReferredOn,
}

impl Counter {
    /// Number of counters.
    pub const COUNT: usize = Counter::PharmacyFirstReferredOn as usize + 1;
}

/// Weekly series a replication reports, one value per week after warm-up.
#[derive(Debug, Clone)]
pub struct Weekly {
    /// Series names, in output order.
    pub names: Vec<String>,
    /// `values\[series\]\[week\]`.
    pub values: Vec<Vec<f64>>,
    /// Weeks in the statistics window.
    pub weeks: usize,
}

impl Weekly {
    /// No series yet, for `weeks` weeks.
    pub fn new(weeks: usize) -> Self {
        Weekly {
            names: Vec::new(),
            values: Vec::new(),
            weeks,
        }
    }

    /// Adds a series called `name` (zero every week) and returns its id.
    pub fn register(&mut self, name: &str) -> usize {
        debug_assert!(!self.names.iter().any(|n| n == name), "weekly series {name} registered twice");
        self.names.push(name.to_string());
        self.values.push(vec![0.0; self.weeks]);
        self.names.len() - 1
    }

    /// Adds `amount` to series `index` in `week` (ignored outside the window).
    #[inline]
    pub fn add(&mut self, index: usize, week: Option<usize>, amount: f64) {
        if let Some(w) = week {
            if let Some(v) = self.values[index].get_mut(w) {
                *v += amount;
            }
        }
    }

    /// Sets series `index` in `week`.
    pub fn set(&mut self, index: usize, week: usize, value: f64) {
        if let Some(v) = self.values[index].get_mut(week) {
            *v = value;
        }
    }
}
