//! From the aggregates to one population's local figures: who is in it
//! ([`Population`], from `--pcn`, `--practices` or `--area`), and what its
//! appointment data say per registered patient ([`LocalFigures`]).
//!
//! Practice-level data (the crosstab) are summed over the chosen
//! practices. Area-level data (sub-ICB daily, CCG monthly) cannot be split
//! by practice: rates per registered patient are taken from the area
//! (appointments ÷ the area's list in the patients file) and applied to the
//! chosen practices' list, and [`LocalFigures::area_note`] says so.
//! Coverage below 100% scales area volumes by open ÷ included patients,
//! month by month, when a coverage file is given; shares (same day, DNA,
//! mode) are ratios within included practices and are not scaled.

use super::appointments::{Appointments, Scope};
use super::coverage::Coverage;
use super::date::Month;
use super::labels::{Band, Mode, Staff, Status};
use super::mapping::PcnMapping;
use super::patients::ListSizes;
use super::DataError;
use std::collections::BTreeSet;

/// Days in a year, for rates per patient-year \[days\].
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Who the scenario is for, as asked on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every practice the mapping puts in this PCN.
    Pcn(String),
    /// These practices.
    Practices(Vec<String>),
    /// Every practice of this sub-ICB location (or CCG) in the patients
    /// file, or of this ICB (or STP) in the mapping file.
    Area(String),
}

/// The chosen population.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// For people: `PCN U00001 (North Vale PCN)`.
    pub label: String,
    /// A code for the scenario's name (PCN, area or first practice).
    pub code: String,
    /// Practice codes, sorted.
    pub practices: BTreeSet<String>,
    /// Registered patients of those practices \[patients\].
    pub list_size: u64,
    /// Patients by age group ([`super::patients::AGE_GROUPS`]), if the
    /// file had age rows for every chosen practice.
    pub ages: Option<[u64; 3]>,
    /// Their sub-ICB locations (or CCGs).
    pub areas: BTreeSet<String>,
    /// Registered patients of every practice in those areas \[patients\].
    pub area_list_size: u64,
    /// `file, extract date` of the list.
    pub source: String,
}

impl Population {
    /// Finds the practices of `selection` and sums their lists.
    pub fn resolve(selection: &Selection, lists: &ListSizes, mapping: Option<&PcnMapping>) -> Result<Population, DataError> {
        let (label, code, practices): (String, String, BTreeSet<String>) = match selection {
            Selection::Pcn(pcn) => {
                let mapping = mapping
                    .ok_or_else(|| DataError::file(&lists.file, "--pcn needs the practice to PCN mapping file among the data files"))?;
                let practices: BTreeSet<String> = mapping.practices_of(pcn).into_iter().collect();
                let name = practices
                    .first()
                    .and_then(|p| mapping.practices.get(p))
                    .map_or("", |m| m.pcn_name.as_str());
                if practices.is_empty() {
                    return Err(DataError::file(&mapping.file, format!("no practice is mapped to PCN {pcn}")));
                }
                (
                    format!("PCN {} ({name})", pcn.to_ascii_uppercase()),
                    pcn.to_ascii_uppercase(),
                    practices,
                )
            }
            Selection::Practices(list) => {
                let practices: BTreeSet<String> = list
                    .iter()
                    .map(|p| p.trim().to_ascii_uppercase())
                    .filter(|p| !p.is_empty())
                    .collect();
                if practices.is_empty() {
                    return Err(DataError::file(&lists.file, "--practices lists no practice code"));
                }
                let first = practices.first().cloned().unwrap_or_default();
                (
                    format!("practices {}", practices.iter().cloned().collect::<Vec<_>>().join(", ")),
                    first,
                    practices,
                )
            }
            Selection::Area(area) => {
                let area = area.to_ascii_uppercase();
                let practices: BTreeSet<String> = lists
                    .practices
                    .iter()
                    .filter(|(_, p)| p.area == area)
                    .map(|(c, _)| c.clone())
                    .collect();
                let of_icb = || -> BTreeSet<String> {
                    let members = mapping.map(|m| m.practices.iter()).into_iter().flatten();
                    members.filter(|(_, m)| m.icb == area).map(|(c, _)| c.clone()).collect()
                };
                if !practices.is_empty() {
                    (format!("area {area}"), area, practices)
                } else if let Some(practices) = Some(of_icb()).filter(|p| !p.is_empty()) {
                    (format!("ICB {area}"), area, practices)
                } else {
                    return Err(DataError::file(
                        &lists.file,
                        format!("no practice of area {area} (column SUB_ICB_LOCATION_CODE or CCG_CODE, or ICB_CODE in the mapping file)"),
                    ));
                }
            }
        };
        let mut list_size = 0;
        let mut ages = Some([0u64; 3]);
        let mut areas = BTreeSet::new();
        for p in &practices {
            let entry = lists.practices.get(p).ok_or_else(|| {
                DataError::file(
                    &lists.file,
                    format!("practice {p} ({label}) is not in the registered-patients file"),
                )
            })?;
            list_size += entry.total();
            ages = match (ages, entry.ages()) {
                (Some(sum), Some(a)) => Some([sum[0] + a[0], sum[1] + a[1], sum[2] + a[2]]),
                _ => None,
            };
            let area = mapping
                .and_then(|m| m.practices.get(p))
                .map(|m| m.area.clone())
                .filter(|a| !a.is_empty());
            areas.insert(area.unwrap_or_else(|| entry.area.clone()));
        }
        if list_size == 0 {
            return Err(DataError::file(&lists.file, format!("{label} has no registered patients")));
        }
        let area_list_size = lists
            .practices
            .values()
            .filter(|p| areas.contains(&p.area))
            .map(|p| p.total())
            .sum();
        let source = if lists.extract.is_empty() {
            lists.file.clone()
        } else {
            format!("{}, extract {}", lists.file, lists.extract)
        };
        Ok(Population {
            label,
            code,
            practices,
            list_size,
            ages,
            areas,
            area_list_size,
            source,
        })
    }

    /// The rows of a GPAD file that belong to this population.
    pub fn scope(&self, area_level: bool) -> Scope {
        if area_level {
            Scope::Areas(self.areas.clone())
        } else {
            Scope::Practices(self.practices.clone())
        }
    }
}

/// What the appointment data say about the population.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalFigures {
    /// `files, MAR2025 to FEB2026` for source comments.
    pub source: String,
    /// Months with data.
    pub months: usize,
    /// GP appointments per registered patient per year \[1/year\].
    pub gp_per_patient_year: f64,
    /// Other practice staff appointments per registered patient per year.
    pub other_per_patient_year: f64,
    /// GP appointments ÷ GP and other-staff appointments (known staff).
    pub gp_share: f64,
    /// Share of GP appointments (known band) booked the same day.
    pub gp_same_day_share: f64,
    /// GP appointments by [`Band::DAYS`] band (known bands), summing to 1.
    pub gp_lead_shares: [f64; 7],
    /// GP DNA ÷ (attended + DNA) by lead band: same day, 1 day, 2–7 days,
    /// 8 days or more; `None` where no GP appointment has a known status.
    pub gp_dna_by_band: [Option<f64>; 4],
    /// GP DNA ÷ (attended + DNA), all bands.
    pub gp_dna_rate: f64,
    /// Mean appointments (all staff) by weekday, Monday first, summing to
    /// 1 — daily files only.
    pub weekday_shares: Option<[f64; 7]>,
    /// Appointments per Monday-to-Friday day by calendar month, ÷ their
    /// mean over months with data; `None` for months without.
    pub month_multipliers: [Option<f64>; 12],
    /// Appointments by [`Mode`] (all staff), summing to 1.
    pub mode_mix: [f64; 5],
    /// Set when rates come from an area and are applied to the population.
    pub area_note: Option<String>,
    /// What was done about coverage.
    pub coverage_note: Option<String>,
}

fn share(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// The bands with a known lead time, in order ([`Band::DAYS`]' order).
const KNOWN_BANDS: &[Band] = Band::ALL.split_at(Band::DAYS.len()).0;

impl LocalFigures {
    /// The figures for `population` from its appointments (read with
    /// [`Population::scope`]) and, for area-level data, coverage.
    pub fn compute(population: &Population, a: &Appointments, coverage: Option<&Coverage>) -> Result<LocalFigures, DataError> {
        let files = a.files.join(", ");
        let months = a.months();
        let (Some(first), Some(last)) = (months.first(), months.last()) else {
            return Err(DataError::file(
                &files,
                format!("no appointments for {} in these files{}", population.label, era_hint(population, a)),
            ));
        };
        let period = if first == last {
            first.label()
        } else {
            format!("{} to {}", first.label(), last.label())
        };
        // Days the counts cover: the days of the daily file's span, else the
        // months' days.
        let days = match (a.by_day.keys().next(), a.by_day.keys().next_back()) {
            (Some(d0), Some(d1)) => (d1.days_since_epoch() - d0.days_since_epoch() + 1) as f64,
            _ => months.iter().map(|m| f64::from(m.days())).sum(),
        };
        let years = days / DAYS_PER_YEAR;
        // Volumes, scaled for coverage area-month by area-month.
        let mut volume = [0.0f64; Staff::N];
        let mut by_month = [(0.0f64, 0u32); 12];
        let mut lowest: Option<(f64, String, Month)> = None;
        let mut uncovered = 0;
        for ((area, month), counts) in &a.by_month {
            let scale = match coverage.filter(|_| a.area_level) {
                Some(c) => match c.months.get(&(area.clone(), *month)) {
                    Some(cov) => {
                        let included = 1.0 / cov.scale();
                        if lowest.as_ref().map_or(true, |(s, _, _)| included < *s) {
                            lowest = Some((included, area.clone(), *month));
                        }
                        cov.scale()
                    }
                    None => {
                        uncovered += 1;
                        1.0
                    }
                },
                None => 1.0,
            };
            for (v, c) in volume.iter_mut().zip(counts) {
                *v += *c as f64 * scale;
            }
            let all: u64 = counts.iter().sum();
            let slot = &mut by_month[(month.month - 1) as usize];
            slot.0 += all as f64 * scale;
            slot.1 += month.weekdays();
        }
        let denominator = if a.area_level {
            population.area_list_size
        } else {
            population.list_size
        };
        if denominator == 0 {
            return Err(DataError::file(&files, "no registered patients to divide the appointments by"));
        }
        let per_patient_year = |v: f64| v / denominator as f64 / years;
        let gp = |status: Option<Status>, band: Option<Band>| a.count(Some(Staff::Gp), status, band, None);
        let known_gp: u64 = KNOWN_BANDS.iter().map(|&b| gp(None, Some(b))).sum();
        let mut gp_lead_shares = [0.0; 7];
        for (s, &b) in gp_lead_shares.iter_mut().zip(KNOWN_BANDS) {
            *s = share(gp(None, Some(b)), known_gp);
        }
        let dna_in = |bands: &[Band]| {
            let dna: u64 = bands.iter().map(|&b| gp(Some(Status::Dna), Some(b))).sum();
            let came: u64 = bands.iter().map(|&b| gp(Some(Status::Attended), Some(b))).sum();
            (dna + came > 0).then(|| share(dna, dna + came))
        };
        let gp_dna_by_band = [
            dna_in(&[Band::SameDay]),
            dna_in(&[Band::OneDay]),
            dna_in(&[Band::TwoToSeven]),
            dna_in(&KNOWN_BANDS[3..]),
        ];
        let (dna, came) = (gp(Some(Status::Dna), None), gp(Some(Status::Attended), None));
        let total: u64 = a.count(None, None, None, None);
        let modes = [Mode::FaceToFace, Mode::Telephone, Mode::HomeVisit, Mode::VideoOnline, Mode::Unknown];
        let mut mode_mix = [0.0; 5];
        for (s, &m) in mode_mix.iter_mut().zip(&modes) {
            *s = share(a.count(None, None, None, Some(m)), total);
        }
        let weekday_shares = (!a.by_day.is_empty()).then(|| {
            let mut sum = [(0u64, 0u32); 7];
            for (date, counts) in &a.by_day {
                let w = &mut sum[date.weekday()];
                w.0 += counts.iter().sum::<u64>();
                w.1 += 1;
            }
            let means: Vec<f64> = sum
                .iter()
                .map(|&(n, d)| if d == 0 { 0.0 } else { n as f64 / f64::from(d) })
                .collect();
            let all: f64 = means.iter().sum();
            std::array::from_fn(|i| if all > 0.0 { means[i] / all } else { 0.0 })
        });
        let per_day: Vec<Option<f64>> = by_month.iter().map(|&(n, d)| (d > 0).then(|| n / f64::from(d))).collect();
        let present: Vec<f64> = per_day.iter().flatten().copied().collect();
        let mean = present.iter().sum::<f64>() / present.len().max(1) as f64;
        let month_multipliers = std::array::from_fn(|i| per_day[i].map(|v| v / mean));
        let area_note = a.area_level.then(|| {
            format!(
                "area-level appointments ({}): rates per registered patient are the area's ({} patients) applied to {} ({} patients)",
                population.areas.iter().cloned().collect::<Vec<_>>().join(", "),
                population.area_list_size,
                population.label,
                population.list_size
            )
        });
        let coverage_note = match (a.area_level, coverage, lowest) {
            (false, _, _) => None,
            (true, None, _) => {
                Some("no coverage file given: counts are not scaled up for practices whose data are not included".to_string())
            }
            (true, Some(c), low) => Some(format!(
                "volumes scaled by open / included patients ({}){}{}",
                c.file,
                low.map_or(String::new(), |(s, area, m)| format!(
                    "; lowest coverage {:.1}% ({area}, {})",
                    s * 100.0,
                    m.label()
                )),
                if uncovered > 0 {
                    format!("; {uncovered} area-months missing from it left unscaled")
                } else {
                    String::new()
                }
            )),
        };
        Ok(LocalFigures {
            source: format!("{files}, {period}"),
            months: months.len(),
            gp_per_patient_year: per_patient_year(volume[Staff::Gp as usize]),
            other_per_patient_year: per_patient_year(volume[Staff::Other as usize]),
            gp_share: share(
                a.count(Some(Staff::Gp), None, None, None),
                a.count(Some(Staff::Gp), None, None, None) + a.count(Some(Staff::Other), None, None, None),
            ),
            gp_same_day_share: gp_lead_shares[0],
            gp_lead_shares,
            gp_dna_by_band,
            gp_dna_rate: share(dna, dna + came),
            weekday_shares,
            month_multipliers,
            mode_mix,
            area_note,
            coverage_note,
        })
    }
}

/// For area-level files matching no row: the likely reason.
fn era_hint(population: &Population, a: &Appointments) -> String {
    if !a.area_level {
        return String::new();
    }
    format!(
        " (area files are matched on {}: codes changed from CCG to sub-ICB location in July 2022, so give a patients or mapping file of the same era)",
        population.areas.iter().cloned().collect::<Vec<_>>().join(", ")
    )
}
