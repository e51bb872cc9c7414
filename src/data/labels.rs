//! The categories of GPAD files, read from the labels each year wrote:
//! runs of spaces collapsed (`8  to 14 Days`), case ignored (`Other
//! Practice staff`), and the several spellings of "unknown" (`Unknown /
//! Data Issue`, `Unknown / Data Quality`, `HCP Type Not Provided`, `Appt
//! Status Not Provided`) read as one.

/// Lower-case with every run of white space as one space.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn is_unknown(s: &str) -> bool {
    s == "unknown" || s.starts_with("unknown /") || s.starts_with("unknown/") || s.ends_with("not provided")
}

/// Who the appointment was with (`HCP_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staff {
    /// A GP.
    Gp,
    /// Other practice staff (nurses, pharmacists, HCAs…).
    Other,
    /// Not known or not provided.
    Unknown,
}

impl Staff {
    /// Number of categories (array length).
    pub const N: usize = 3;
    /// Accepted values, for messages.
    pub const EXPECTED: &'static str = "GP, Other Practice staff, Unknown or HCP Type Not Provided";

    /// Reads a label; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Staff> {
        match squash(text).as_str() {
            "gp" => Some(Staff::Gp),
            "other practice staff" => Some(Staff::Other),
            s if is_unknown(s) => Some(Staff::Unknown),
            _ => None,
        }
    }
}

/// Whether the patient came (`APPT_STATUS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Attended.
    Attended,
    /// Did not attend.
    Dna,
    /// Not known or not provided.
    Unknown,
}

impl Status {
    /// Number of categories.
    pub const N: usize = 3;
    /// Accepted values, for messages.
    pub const EXPECTED: &'static str = "Attended, DNA, Unknown or Appt Status Not Provided";

    /// Reads a label; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Status> {
        match squash(text).as_str() {
            "attended" => Some(Status::Attended),
            "dna" | "did not attend" => Some(Status::Dna),
            s if is_unknown(s) => Some(Status::Unknown),
            _ => None,
        }
    }
}

/// How the appointment took place (`APPT_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Face-to-face at the practice.
    FaceToFace,
    /// Telephone.
    Telephone,
    /// Home visit.
    HomeVisit,
    /// Video conference or online.
    VideoOnline,
    /// Not known or not provided.
    Unknown,
}

impl Mode {
    /// Number of categories.
    pub const N: usize = 5;
    /// Names in array order, for the scenario's comments.
    pub const NAMES: [&'static str; 5] = ["face-to-face", "telephone", "home visit", "video/online", "unknown"];
    /// Accepted values, for messages.
    pub const EXPECTED: &'static str = "Face-to-Face, Telephone, Home Visit, Video Conference/Online or Unknown";

    /// Reads a label; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Mode> {
        match squash(text).as_str() {
            "face-to-face" | "face to face" => Some(Mode::FaceToFace),
            "telephone" => Some(Mode::Telephone),
            "home visit" => Some(Mode::HomeVisit),
            "video conference/online" | "video conference / online" | "video/online" => Some(Mode::VideoOnline),
            s if is_unknown(s) => Some(Mode::Unknown),
            _ => None,
        }
    }
}

/// Time between booking and appointment (`TIME_BETWEEN_BOOK_AND_APPT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Same day.
    SameDay,
    /// 1 day.
    OneDay,
    /// 2 to 7 days.
    TwoToSeven,
    /// 8 to 14 days.
    EightToFourteen,
    /// 15 to 21 days.
    FifteenToTwentyOne,
    /// 22 to 28 days.
    TwentyTwoToTwentyEight,
    /// More than 28 days.
    MoreThan28,
    /// Unknown / Data Issue, Unknown / Data Quality.
    Unknown,
}

impl Band {
    /// Number of categories.
    pub const N: usize = 8;
    /// Every band, the known ones first in order of lead time, then `Unknown`.
    pub const ALL: [Band; Band::N] = [
        Band::SameDay,
        Band::OneDay,
        Band::TwoToSeven,
        Band::EightToFourteen,
        Band::FifteenToTwentyOne,
        Band::TwentyTwoToTwentyEight,
        Band::MoreThan28,
        Band::Unknown,
    ];
    /// Each known band's days `(from, to)`, in array order (`MoreThan28`
    /// open-ended: `to` is `u32::MAX`).
    pub const DAYS: [(u32, u32); 7] = [(0, 0), (1, 1), (2, 7), (8, 14), (15, 21), (22, 28), (29, u32::MAX)];
    /// Accepted values, for messages.
    pub const EXPECTED: &'static str =
        "Same Day, 1 Day, 2 to 7 Days, 8 to 14 Days, 15 to 21 Days, 22 to 28 Days, More than 28 Days or Unknown / Data Issue";

    /// Reads a label; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Band> {
        match squash(text).as_str() {
            "same day" => Some(Band::SameDay),
            "1 day" => Some(Band::OneDay),
            "2 to 7 days" => Some(Band::TwoToSeven),
            "8 to 14 days" => Some(Band::EightToFourteen),
            "15 to 21 days" => Some(Band::FifteenToTwentyOne),
            "22 to 28 days" => Some(Band::TwentyTwoToTwentyEight),
            "more than 28 days" => Some(Band::MoreThan28),
            s if is_unknown(s) => Some(Band::Unknown),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_spaces_in_band_labels_are_the_same_band() {
        assert_eq!(Band::parse("8  to 14 Days"), Some(Band::EightToFourteen));
        assert_eq!(Band::parse("8 to 14 Days"), Some(Band::EightToFourteen));
        assert_eq!(Band::parse("15  to 21 Days"), Some(Band::FifteenToTwentyOne));
        assert_eq!(Band::parse("2 to 7 Days"), Some(Band::TwoToSeven));
        assert_eq!(Band::parse("Fortnight"), None);
    }

    #[test]
    fn every_spelling_of_unknown_is_unknown() {
        assert_eq!(Band::parse("Unknown / Data Issue"), Some(Band::Unknown));
        assert_eq!(Band::parse("Unknown / Data Quality"), Some(Band::Unknown));
        assert_eq!(Staff::parse("HCP Type Not Provided"), Some(Staff::Unknown));
        assert_eq!(Status::parse("Appt Status Not Provided"), Some(Status::Unknown));
        assert_eq!(Mode::parse("Unknown"), Some(Mode::Unknown));
    }

    #[test]
    fn staff_and_mode_labels_ignore_case() {
        assert_eq!(Staff::parse("Other Practice staff"), Some(Staff::Other));
        assert_eq!(Staff::parse("Other Practice Staff"), Some(Staff::Other));
        assert_eq!(Mode::parse("Video Conference/Online"), Some(Mode::VideoOnline));
        assert_eq!(Mode::parse("Face-to-Face"), Some(Mode::FaceToFace));
        assert_eq!(Status::parse("DNA"), Some(Status::Dna));
    }
}
