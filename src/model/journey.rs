//! Traced episode steps for `journeys.csv`: follow a patient and see why
//! each bounce happened.

use crate::scenario::Place;

/// Why a step happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No reason code (an ordinary step).
    None,
    /// Need met.
    Resolved,
    /// Service full: waiting list at its cap.
    RejectedFull,
    /// Service closed.
    ServiceClosed,
    /// Patient declined the signpost or the referral.
    Declined,
    /// Patient did not attend.
    NotAttended,
    /// The service could not meet this need.
    OutOfRemit,
    /// Seen but not resolved.
    NotResolved,
    /// Held by the link worker with no local service, until timeout.
    HeldTimeout,
    /// Disengaged from link-worker support.
    Disengaged,
    /// Caller hung up in the reception queue.
    Abandoned,
    /// No appointment within the booking horizon.
    NoSlot,
    /// Urgent clinical need sent away from the GP.
    UrgentSentAway,
    /// Navigator kept the patient for the GP: destination believed full.
    BelievedFull,
}

impl Reason {
    /// Reason code written to journeys.csv.
    pub fn code(self) -> &'static str {
        match self {
            Reason::None => "",
            Reason::Resolved => "resolved",
            Reason::RejectedFull => "rejected_full",
            Reason::ServiceClosed => "service_closed",
            Reason::Declined => "declined",
            Reason::NotAttended => "not_attended",
            Reason::OutOfRemit => "out_of_remit",
            Reason::NotResolved => "not_resolved",
            Reason::HeldTimeout => "held_timeout",
            Reason::Disengaged => "disengaged",
            Reason::Abandoned => "abandoned",
            Reason::NoSlot => "no_slot",
            Reason::UrgentSentAway => "urgent_sent_away",
            Reason::BelievedFull => "believed_full",
        }
    }
}

/// One step of one traced episode.
#[derive(Debug, Clone, Copy)]
pub struct JourneyStep {
    /// Episode id within the replication.
    pub episode: u32,
    /// Patient id.
    pub patient: u32,
    /// Need index.
    pub need: u16,
    /// When \[minutes\].
    pub time: f64,
    /// Where.
    pub place: Place,
    /// What happened.
    pub event: &'static str,
    /// Why.
    pub reason: Reason,
}
