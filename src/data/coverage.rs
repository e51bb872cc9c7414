//! GPAD coverage: the share of an area's practices (and patients) whose
//! systems reported appointments in a month. Counts in the area files
//! cover included practices only, so volumes are scaled up by open ÷
//! included patients when this file is given.
//!
//! Memory: one entry per area-month in the file.

use super::date::{parse_month, Month, MONTH_FORMATS};
use super::table::{Column, Table};
use super::DataError;
use std::collections::BTreeMap;
use std::io::Read;

const AREA: Column = &["SUB_ICB_LOCATION_CODE", "CCG_CODE", "SUB_ICB_CODE"];
const MONTH: Column = &["APPOINTMENT_MONTH", "APPOINTMENT_MONTH_START_DATE"];
const INCLUDED: Column = &["PATIENTS_REGISTERED_AT_INCLUDED_PRACTICES"];
const OPEN: Column = &["PATIENTS_REGISTERED_AT_OPEN_PRACTICES"];
const INCLUDED_PRACTICES: Column = &["INCLUDED_PRACTICES"];
const OPEN_PRACTICES: Column = &["OPEN_PRACTICES"];

/// One area-month's coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Covered {
    /// Practices whose data are included, and practices open.
    pub practices: (u64, u64),
    /// Patients registered at included practices, and at open ones.
    pub patients: (u64, u64),
}

impl Covered {
    /// Factor that scales included practices' counts to all open ones
    /// (≥ 1).
    pub fn scale(&self) -> f64 {
        self.patients.1 as f64 / self.patients.0 as f64
    }
}

/// A coverage file read.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// File name as given.
    pub file: String,
    /// By (area code, month).
    pub months: BTreeMap<(String, Month), Covered>,
}

/// Reads a coverage file.
pub fn read_coverage(reader: impl Read, file: &str) -> Result<Coverage, DataError> {
    let table = Table::open(reader, file)?;
    let (area, month, included, open) = (
        table.require(AREA)?,
        table.require(MONTH)?,
        table.require(INCLUDED)?,
        table.require(OPEN)?,
    );
    let (inc_p, open_p) = (table.require(INCLUDED_PRACTICES)?, table.require(OPEN_PRACTICES)?);
    let mut out = Coverage {
        file: file.to_string(),
        months: BTreeMap::new(),
    };
    table.for_each(|row| {
        let when = row.parsed(month, parse_month, MONTH_FORMATS)?;
        let patients = (row.count(included)?, row.count(open)?);
        let practices = (row.count(inc_p)?, row.count(open_p)?);
        if patients.0 == 0 || patients.0 > patients.1 {
            return Err(row.error(
                included,
                format!(
                    "patients at included practices must be above 0 and at most those at open practices ({}), found {}",
                    patients.1, patients.0
                ),
            ));
        }
        if practices.0 > practices.1 {
            return Err(row.error(
                inc_p,
                format!("included practices ({}) exceed open practices ({})", practices.0, practices.1),
            ));
        }
        out.months
            .insert((row.text(area).to_ascii_uppercase(), when), Covered { practices, patients });
        Ok(())
    })?;
    Ok(out)
}
