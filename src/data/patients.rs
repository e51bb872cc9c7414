//! *Patients Registered at a GP Practice*: list size per practice, and its
//! age structure when the file has age rows (single-year or five-year
//! bands, by sex).
//!
//! Memory: one [`Practice`] per practice in the file (~6,500 in England),
//! whatever the number of rows.

use super::table::{Column, Table};
use super::DataError;
use std::collections::BTreeMap;
use std::io::Read;

const CODE: Column = &["CODE", "PRACTICE_CODE", "ORG_CODE"];
const AREA: Column = &["SUB_ICB_LOCATION_CODE", "CCG_CODE", "COMMISSIONER_ORGANISATION_CODE"];
const SEX: Column = &["SEX"];
const AGE: Column = &["AGE", "AGE_GROUP", "AGE_BAND"];
const NUMBER: Column = &["NUMBER_OF_PATIENTS"];
const EXTRACT: Column = &["EXTRACT_DATE"];

/// Broad age groups every variant can be summed into (five-year bands
/// split at 15 and 65) \[years\].
pub const AGE_GROUPS: [&str; 3] = ["0-14", "15-64", "65+"];

/// One practice's registered list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Practice {
    /// Sub-ICB location (or CCG) code the practice belongs to.
    pub area: String,
    /// The `ALL`/`ALL` row, if the file has one \[patients\].
    pub total_row: Option<u64>,
    /// Patients by [`AGE_GROUPS`], from rows by sex \[patients\].
    pub ages_by_sex: [u64; 3],
    /// Patients by [`AGE_GROUPS`], from rows for both sexes together.
    pub ages_all_sexes: [u64; 3],
}

impl Practice {
    /// Patients by age group, if the file had age rows.
    pub fn ages(&self) -> Option<[u64; 3]> {
        [self.ages_by_sex, self.ages_all_sexes]
            .into_iter()
            .find(|a| a.iter().sum::<u64>() > 0)
    }

    /// Registered patients: the total row, else the sum of the age rows.
    pub fn total(&self) -> u64 {
        self.total_row.unwrap_or_else(|| self.ages().map_or(0, |a| a.iter().sum()))
    }
}

/// Lists read from one file.
#[derive(Debug, Clone, Default)]
pub struct ListSizes {
    /// File name as given.
    pub file: String,
    /// The extract date(s) written in the file (usually one).
    pub extract: String,
    /// By practice code.
    pub practices: BTreeMap<String, Practice>,
}

/// The age group of an `AGE` value (`42`, `95+`, `40_44`, `40-44`); `None`
/// for `ALL`.
fn age_group(text: &str) -> Option<Result<usize, ()>> {
    if text.eq_ignore_ascii_case("ALL") {
        return None;
    }
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    Some(
        digits
            .parse::<u32>()
            .map(|low| usize::from(low >= 15) + usize::from(low >= 65))
            .map_err(|_| ()),
    )
}

/// Reads a registered-patients file (any variant).
pub fn read_patients(reader: impl Read, file: &str) -> Result<ListSizes, DataError> {
    let table = Table::open(reader, file)?;
    let (code, sex, age, number) = (
        table.require(CODE)?,
        table.require(SEX)?,
        table.require(AGE)?,
        table.require(NUMBER)?,
    );
    let area = table.header().index(AREA);
    let extract = table.header().index(EXTRACT);
    let mut out = ListSizes {
        file: file.to_string(),
        ..ListSizes::default()
    };
    let mut extracts = std::collections::BTreeSet::new();
    table.for_each(|row| {
        let practice = row.text(code);
        if practice.is_empty() {
            return Err(row.error(code, "empty practice code"));
        }
        let n = row.count(number)?;
        if let Some(e) = extract {
            if extracts.len() < 4 {
                extracts.insert(row.text(e).to_string());
            }
        }
        let entry = out.practices.entry(practice.to_ascii_uppercase()).or_default();
        if let Some(a) = area {
            entry.area = row.text(a).to_ascii_uppercase();
        }
        let all_sexes = match row.text(sex).to_ascii_uppercase().as_str() {
            "ALL" | "PERSONS" => true,
            "MALE" | "FEMALE" | "M" | "F" => false,
            other => return Err(row.error(sex, format!("expected ALL, MALE or FEMALE, found `{other}`"))),
        };
        match age_group(row.text(age)) {
            // Records the total; a second one for the practice is an error.
            None if all_sexes && entry.total_row.replace(n).is_some() => {
                return Err(row.error(
                    code,
                    format!("a second ALL/ALL total for practice {practice} (one publication per file)"),
                ));
            }
            None => {}
            Some(Ok(g)) if all_sexes => entry.ages_all_sexes[g] += n,
            Some(Ok(g)) => entry.ages_by_sex[g] += n,
            Some(Err(())) => {
                return Err(row.error(
                    age,
                    format!("expected ALL, an age (42, 95+) or a band (40_44), found `{}`", row.text(age)),
                ))
            }
        }
        Ok(())
    })?;
    out.extract = extracts.into_iter().filter(|e| !e.is_empty()).collect::<Vec<_>>().join(", ");
    Ok(out)
}
