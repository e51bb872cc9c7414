//! *Appointments in General Practice* (GPAD): the practice-level crosstab,
//! the sub-ICB daily files and the CCG-era monthly regional files, read
//! into one aggregate.
//!
//! Memory: a fixed cube of staff × status × booking band × mode (360
//! counts), one entry per area-month and, for daily files, one per day in
//! the file — independent of the number of rows (a region-month of the
//! crosstab is over a million). Rows outside the [`Scope`] are skipped as
//! they are read.

use super::date::{parse_date, parse_month, Month, DATE_FORMATS, MONTH_FORMATS};
use super::labels::{Band, Mode, Staff, Status};
use super::table::{Column, Table};
use super::{DataError, Kind};
use crate::engine::calendar::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

const PRACTICE: Column = &["GP_CODE", "PRACTICE_CODE"];
const AREA: Column = &["SUB_ICB_LOCATION_CODE", "CCG_CODE", "SUB_ICB_CODE"];
const MONTH: Column = &["APPOINTMENT_MONTH_START_DATE", "APPOINTMENT_MONTH"];
const DAY: Column = &["APPOINTMENT_DATE"];
const STATUS: Column = &["APPT_STATUS", "APPOINTMENT_STATUS"];
const STAFF: Column = &["HCP_TYPE"];
const MODE: Column = &["APPT_MODE", "APPOINTMENT_MODE"];
const BAND: Column = &["TIME_BETWEEN_BOOK_AND_APPT"];
const COUNT: Column = &["COUNT_OF_APPOINTMENTS"];

/// Which rows count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Rows of these practices (practice-level files only).
    Practices(BTreeSet<String>),
    /// Rows of these sub-ICB locations or CCGs (any GPAD file).
    Areas(BTreeSet<String>),
}

const CELLS: usize = Staff::N * Status::N * Band::N * Mode::N;

fn cell(staff: Staff, status: Status, band: Band, mode: Mode) -> usize {
    (((staff as usize) * Status::N + status as usize) * Band::N + band as usize) * Mode::N + mode as usize
}

/// Appointments read from one or more GPAD files of one kind.
#[derive(Debug, Clone)]
pub struct Appointments {
    /// File names as given.
    pub files: Vec<String>,
    /// Practice-level (crosstab) or area-level (daily, monthly) data.
    pub area_level: bool,
    cube: Vec<u64>,
    /// Appointments by (area code, month), by [`Staff`].
    pub by_month: BTreeMap<(String, Month), [u64; Staff::N]>,
    /// Appointments by day (daily files only), by [`Staff`].
    pub by_day: BTreeMap<Date, [u64; Staff::N]>,
    /// Rows read, and rows inside the scope.
    pub rows: (u64, u64),
}

impl Appointments {
    fn new(area_level: bool) -> Appointments {
        Appointments {
            files: Vec::new(),
            area_level,
            cube: vec![0; CELLS],
            by_month: BTreeMap::new(),
            by_day: BTreeMap::new(),
            rows: (0, 0),
        }
    }

    /// Appointments matching every category given (`None`: any).
    pub fn count(&self, staff: Option<Staff>, status: Option<Status>, band: Option<Band>, mode: Option<Mode>) -> u64 {
        const STAFF: [Staff; 3] = [Staff::Gp, Staff::Other, Staff::Unknown];
        const STATUS: [Status; 3] = [Status::Attended, Status::Dna, Status::Unknown];
        const MODES: [Mode; 5] = [Mode::FaceToFace, Mode::Telephone, Mode::HomeVisit, Mode::VideoOnline, Mode::Unknown];
        let mut total = 0;
        for s in STAFF.iter().filter(|&&s| staff.map_or(true, |x| x == s)) {
            for st in STATUS.iter().filter(|&&x| status.map_or(true, |y| y == x)) {
                for b in Band::ALL.iter().filter(|&&x| band.map_or(true, |y| y == x)) {
                    for m in MODES.iter().filter(|&&x| mode.map_or(true, |y| y == x)) {
                        total += self.cube[cell(*s, *st, *b, *m)];
                    }
                }
            }
        }
        total
    }

    /// Adds another file's aggregate (of the same level) to this one.
    pub fn merge(&mut self, other: Appointments) -> Result<(), DataError> {
        if other.area_level != self.area_level {
            return Err(DataError::file(
                &other.files.join(", "),
                "cannot combine practice-level and area-level GPAD files in one scenario: give one level",
            ));
        }
        self.files.extend(other.files);
        for (a, b) in self.cube.iter_mut().zip(other.cube) {
            *a += b;
        }
        for (k, v) in other.by_month {
            let e = self.by_month.entry(k).or_default();
            (0..Staff::N).for_each(|i| e[i] += v[i]);
        }
        for (k, v) in other.by_day {
            let e = self.by_day.entry(k).or_default();
            (0..Staff::N).for_each(|i| e[i] += v[i]);
        }
        self.rows = (self.rows.0 + other.rows.0, self.rows.1 + other.rows.1);
        Ok(())
    }

    /// Distinct months with data, sorted.
    pub fn months(&self) -> BTreeSet<Month> {
        self.by_month.keys().map(|(_, m)| *m).collect()
    }
}

/// Reads a GPAD file of `kind` (practice, daily or monthly), keeping the
/// rows in `scope`.
pub fn read_appointments(reader: impl Read, file: &str, kind: Kind, scope: &Scope) -> Result<Appointments, DataError> {
    let table = Table::open(reader, file)?;
    let area_level = kind != Kind::GpadPractice;
    if area_level && matches!(scope, Scope::Practices(_)) {
        return Err(DataError::file(file, "an area-level GPAD file can only be read for an area"));
    }
    let practice = if area_level { None } else { Some(table.require(PRACTICE)?) };
    let area = if area_level {
        Some(table.require(AREA)?)
    } else {
        table.header().index(AREA)
    };
    let (day, month) = if kind == Kind::GpadAreaDaily {
        (Some(table.require(DAY)?), None)
    } else {
        (None, Some(table.require(MONTH)?))
    };
    let (status, staff, mode, band, count) = (
        table.require(STATUS)?,
        table.require(STAFF)?,
        table.require(MODE)?,
        table.require(BAND)?,
        table.require(COUNT)?,
    );
    let mut out = Appointments::new(area_level);
    out.files.push(file.to_string());
    table.for_each(|row| {
        out.rows.0 += 1;
        let area_code = area.map_or(String::new(), |i| row.text(i).to_ascii_uppercase());
        let inside = match scope {
            Scope::Practices(set) => practice.is_some_and(|i| set.contains(&row.text(i).to_ascii_uppercase())),
            Scope::Areas(set) => set.contains(&area_code),
        };
        if !inside {
            return Ok(());
        }
        out.rows.1 += 1;
        let s = row.parsed(staff, Staff::parse, Staff::EXPECTED)?;
        let st = row.parsed(status, Status::parse, Status::EXPECTED)?;
        let m = row.parsed(mode, Mode::parse, Mode::EXPECTED)?;
        let b = row.parsed(band, Band::parse, Band::EXPECTED)?;
        let n = row.count(count)?;
        let when = match (day, month) {
            (Some(i), _) => {
                let date = row.parsed(i, parse_date, DATE_FORMATS)?;
                out.by_day.entry(date).or_default()[s as usize] += n;
                Month {
                    year: date.year,
                    month: date.month,
                }
            }
            (None, Some(i)) => row.parsed(i, parse_month, MONTH_FORMATS)?,
            (None, None) => unreachable!("a day or a month column is required above"),
        };
        out.cube[cell(s, st, b, m)] += n;
        out.by_month.entry((area_code, when)).or_default()[s as usize] += n;
        Ok(())
    })?;
    Ok(out)
}
