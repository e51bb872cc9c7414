//! Readers for NHS England's published primary-care files, and the local
//! figures a scenario is built from (`signpost init`).
//!
//! Each reader takes `impl Read` and a file name (for messages), finds its
//! columns by name in the header — case, spacing, underscores, order and a
//! byte-order mark do not matter ([`header`]) — and aggregates as it reads,
//! so memory is bounded by the aggregate (practices, areas, months or days
//! in the file), never by the number of rows: a file of hundreds of MB is
//! read as a stream of one record at a time.
//!
//! | file | reader | kept in memory |
//! |---|---|---|
//! | Patients Registered at a GP Practice (totals, single-year or five-year age bands) | [`patients`] | one entry per practice (~6,500 in England) |
//! | practice → PCN mapping (CCG-era or sub-ICB-era columns) | [`mapping`] | one entry per practice |
//! | GPAD practice-level crosstab, sub-ICB daily, CCG-era monthly | [`appointments`] | a fixed cube of categories, plus one entry per area-month and per day |
//! | GPAD coverage | [`coverage`] | one entry per area-month |
//!
//! Anything unreadable is a [`DataError`] naming the file, line and column
//! and the rule broken; nothing here prints or panics on user data.
//! [`figures`] turns the aggregates into a population's local figures and
//! [`init`] writes them as a commented scenario.

pub mod appointments;
pub mod coverage;
pub mod date;
pub mod figures;
pub mod header;
pub mod init;
pub mod labels;
pub mod mapping;
pub mod patients;
pub mod table;

use header::Header;
use std::io::Read;

/// A file signpost cannot read, with where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// A value in a cell breaks a rule.
    #[error("{file}: line {line}, column {column}: {rule}")]
    Cell {
        /// File name as given.
        file: String,
        /// 1-based line of the record.
        line: u64,
        /// 1-based column number and its header name, e.g. ``9 (`APPT_STATUS`)``.
        column: String,
        /// What was expected and what was found.
        rule: String,
    },
    /// A whole line (or the header, line 1) breaks a rule.
    #[error("{file}: line {line}: {rule}")]
    Line {
        /// File name as given.
        file: String,
        /// 1-based line.
        line: u64,
        /// What was expected and what was found.
        rule: String,
    },
    /// The file as a whole, or the combination of files, cannot be used.
    #[error("{file}: {rule}")]
    File {
        /// File name (or names) as given.
        file: String,
        /// What was expected and what was found.
        rule: String,
    },
}

impl DataError {
    /// An error about a whole file.
    pub fn file(file: &str, rule: impl Into<String>) -> DataError {
        DataError::File {
            file: file.to_string(),
            rule: rule.into(),
        }
    }
}

/// The published files signpost reads, as recognised from their headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Patients Registered at a GP Practice (any age/sex variant).
    Patients,
    /// Practice → PCN mapping.
    PcnMapping,
    /// GPAD practice-level crosstab (monthly).
    GpadPractice,
    /// GPAD area-level daily file (sub-ICB location).
    GpadAreaDaily,
    /// GPAD area-level monthly file (CCG-era regional files).
    GpadAreaMonthly,
    /// GPAD coverage (included vs open practices).
    Coverage,
}

impl Kind {
    /// Recognises a file from its header; `None` when it is none of them.
    pub fn detect(header: &Header) -> Option<Kind> {
        let has = |name: &str| header.index(&[name]).is_some();
        if has("INCLUDED_PRACTICES") {
            Some(Kind::Coverage)
        } else if has("COUNT_OF_APPOINTMENTS") && has("GP_CODE") {
            Some(Kind::GpadPractice)
        } else if has("COUNT_OF_APPOINTMENTS") && has("APPOINTMENT_DATE") {
            Some(Kind::GpadAreaDaily)
        } else if has("COUNT_OF_APPOINTMENTS") && has("APPOINTMENT_MONTH") {
            Some(Kind::GpadAreaMonthly)
        } else if has("PRACTICE_CODE") && has("PCN_CODE") {
            Some(Kind::PcnMapping)
        } else if has("NUMBER_OF_PATIENTS") {
            Some(Kind::Patients)
        } else {
            None
        }
    }

    /// What the file is, for people.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Patients => "Patients Registered at a GP Practice",
            Kind::PcnMapping => "practice to PCN mapping",
            Kind::GpadPractice => "GPAD practice-level crosstab",
            Kind::GpadAreaDaily => "GPAD sub-ICB daily",
            Kind::GpadAreaMonthly => "GPAD area monthly (CCG era)",
            Kind::Coverage => "GPAD coverage",
        }
    }
}

/// Reads only the header of `reader` and says which file it is.
pub fn detect(reader: impl Read, file: &str) -> Result<Kind, DataError> {
    let table = table::Table::open(reader, file)?;
    Kind::detect(table.header()).ok_or_else(|| DataError::Line {
        file: file.to_string(),
        line: 1,
        rule: format!(
            "header not recognised as a file signpost reads (patients registered, PCN mapping, GPAD practice, daily or monthly, or coverage); found columns {}",
            table.header().original().join(",")
        ),
    })
}
