//! The practice → PCN mapping published with the registered-patients
//! files, in its CCG-era and sub-ICB-era column sets.
//!
//! Memory: one [`Member`] per practice in the file.

use super::table::{Column, Table};
use super::DataError;
use std::collections::BTreeMap;
use std::io::Read;

const PRACTICE: Column = &["PRACTICE_CODE", "PARTNER_ORGANISATION_CODE"];
const PCN: Column = &["PCN_CODE"];
const PCN_NAME: Column = &["PCN_NAME"];
const AREA: Column = &["SUB_ICB_LOCATION_CODE", "SUB_ICB_CODE", "CCG_CODE"];
const ICB: Column = &["ICB_CODE", "STP_CODE"];

/// A practice's PCN and area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// PCN code.
    pub pcn: String,
    /// PCN name as published.
    pub pcn_name: String,
    /// Sub-ICB location (or CCG) code; empty if the file has none.
    pub area: String,
    /// ICB (or, in CCG-era files, STP) code; empty if the file has none.
    pub icb: String,
}

/// A mapping file read.
#[derive(Debug, Clone, Default)]
pub struct PcnMapping {
    /// File name as given.
    pub file: String,
    /// By practice code.
    pub practices: BTreeMap<String, Member>,
}

impl PcnMapping {
    /// The practices of a PCN, sorted.
    pub fn practices_of(&self, pcn: &str) -> Vec<String> {
        self.practices
            .iter()
            .filter(|(_, m)| m.pcn.eq_ignore_ascii_case(pcn))
            .map(|(p, _)| p.clone())
            .collect()
    }
}

/// Reads a practice → PCN mapping file.
pub fn read_mapping(reader: impl Read, file: &str) -> Result<PcnMapping, DataError> {
    let table = Table::open(reader, file)?;
    let (practice, pcn) = (table.require(PRACTICE)?, table.require(PCN)?);
    let name = table.header().index(PCN_NAME);
    let area = table.header().index(AREA);
    let icb = table.header().index(ICB);
    let mut out = PcnMapping {
        file: file.to_string(),
        ..PcnMapping::default()
    };
    table.for_each(|row| {
        let code = row.text(practice).to_ascii_uppercase();
        if code.is_empty() {
            return Err(row.error(practice, "empty practice code"));
        }
        let member = Member {
            pcn: row.text(pcn).to_ascii_uppercase(),
            pcn_name: name.map_or(String::new(), |i| row.text(i).to_string()),
            area: area.map_or(String::new(), |i| row.text(i).to_ascii_uppercase()),
            icb: icb.map_or(String::new(), |i| row.text(i).to_ascii_uppercase()),
        };
        if let Some(before) = out.practices.get(&code) {
            if before.pcn != member.pcn {
                return Err(row.error(
                    pcn,
                    format!("practice {code} is mapped to PCN {} above and to {} here", before.pcn, member.pcn),
                ));
            }
        }
        out.practices.insert(code, member);
        Ok(())
    })?;
    Ok(out)
}
