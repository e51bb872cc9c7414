//! The places an episode of need can be: where the navigator can send a
//! contact (a scenario's destinations) and where a journey's steps happen.
//! One enum for both, so a place is never spelt as a string.

/// Where an episode is, was sent or was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// The practice as a whole: a new episode, or one bounced back to it.
    Practice,
    /// Dealt with at reception (administrative requests); the navigator.
    Reception,
    /// A GP appointment.
    Gp,
    /// Another practice role (pharmacist, physio, nurse …).
    Role,
    /// Community pharmacy or self-care.
    Pharmacy,
    /// The social prescribing link worker.
    Splw,
    /// A voluntary-sector service.
    Vcse,
}

impl Place {
    /// The destinations a scenario can name, as spelt in scenario files.
    pub const DESTINATION_NAMES: [&'static str; 6] = ["gp", "reception", "pharmacy", "role", "splw", "vcse"];

    /// Parses a destination as spelt in scenario files (not `practice`,
    /// which is nowhere a navigator can send anyone).
    pub fn parse_destination(name: &str) -> Option<Place> {
        Some(match name {
            "gp" => Place::Gp,
            "reception" => Place::Reception,
            "pharmacy" => Place::Pharmacy,
            "role" => Place::Role,
            "splw" => Place::Splw,
            "vcse" => Place::Vcse,
            _ => return None,
        })
    }

    /// The name in scenario files and journeys.csv.
    pub fn name(self) -> &'static str {
        match self {
            Place::Practice => "practice",
            Place::Reception => "reception",
            Place::Gp => "gp",
            Place::Role => "role",
            Place::Pharmacy => "pharmacy",
            Place::Splw => "splw",
            Place::Vcse => "vcse",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_destination_name_parses_back_to_itself() {
        for name in Place::DESTINATION_NAMES {
            assert_eq!(Place::parse_destination(name).map(Place::name), Some(name));
        }
        assert_eq!(Place::parse_destination("practice"), None);
    }
}
