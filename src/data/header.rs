//! The one header matcher: column names compared after normalising case,
//! spacing, underscores and a byte-order mark, so `Appointment_Month`,
//! `APPOINTMENT_MONTH` and `appointment month` are the same column
//! wherever it stands in the header.

/// A file's header: its names as written and normalised.
#[derive(Debug, Clone)]
pub struct Header {
    original: Vec<String>,
    normal: Vec<String>,
}

/// `name` upper-cased, BOM and surrounding space removed, and every run of
/// spaces, underscores and hyphens turned into one `_`.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.trim_start_matches('\u{feff}').trim().chars() {
        if c.is_whitespace() || c == '_' || c == '-' {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.extend(c.to_uppercase());
        }
    }
    out
}

impl Header {
    /// A header from its cells as read.
    pub fn new<'a>(cells: impl IntoIterator<Item = &'a str>) -> Header {
        let original: Vec<String> = cells
            .into_iter()
            .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let normal = original.iter().map(|c| normalise(c)).collect();
        Header { original, normal }
    }

    /// Index of the first column matching any of `names` (normalised
    /// names, e.g. `SUB_ICB_LOCATION_CODE`), in the order given.
    pub fn index(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.normal.iter().position(|h| h == n))
    }

    /// The names as written in the file.
    pub fn original(&self) -> &[String] {
        &self.original
    }

    /// Column `i` for messages: ``9 (`APPT_STATUS`)``.
    pub fn describe(&self, i: usize) -> String {
        format!("{} (`{}`)", i + 1, self.original.get(i).map_or("", String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_spacing_bom_and_order_do_not_matter() {
        let h = Header::new(["\u{feff}appointment month", "Included Practices", " COUNT_OF_APPOINTMENTS "]);
        assert_eq!(h.index(&["APPOINTMENT_MONTH"]), Some(0));
        assert_eq!(h.index(&["INCLUDED_PRACTICES"]), Some(1));
        assert_eq!(h.index(&["COUNT_OF_APPOINTMENTS"]), Some(2));
        assert_eq!(h.index(&["CCG_CODE", "COUNT_OF_APPOINTMENTS"]), Some(2));
        assert_eq!(
            normalise("Patients registered at  included practices"),
            "PATIENTS_REGISTERED_AT_INCLUDED_PRACTICES"
        );
        assert_eq!(h.describe(1), "2 (`Included Practices`)");
    }
}
