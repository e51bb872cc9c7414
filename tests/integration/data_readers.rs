//! The readers of NHS published files (issue #14), on the fixtures under
//! `tests/fixtures/nhs/` (written by its `generate.py`): each trap of the
//! real files has a test that fails if its handling goes, and every
//! unreadable input is a one-line error naming file, line and column.

use crate::support::root;
use signpost::data::appointments::{read_appointments, Appointments, Scope};
use signpost::data::coverage::read_coverage;
use signpost::data::date::Month;
use signpost::data::figures::{LocalFigures, Population, Selection};
use signpost::data::labels::{Band, Mode, Staff, Status};
use signpost::data::mapping::read_mapping;
use signpost::data::patients::read_patients;
use signpost::data::{detect, DataError, Kind};
use std::collections::BTreeSet;
use std::io::Read;

fn fixture(rel: &str) -> (std::fs::File, String) {
    let path = root().join("tests/fixtures/nhs").join(rel);
    (std::fs::File::open(&path).unwrap_or_else(|e| panic!("{rel}: {e}")), rel.to_string())
}

fn kind(rel: &str) -> Kind {
    let (f, name) = fixture(rel);
    detect(f, &name).unwrap_or_else(|e| panic!("{e}"))
}

fn areas(codes: &[&str]) -> Scope {
    Scope::Areas(codes.iter().map(|c| c.to_string()).collect())
}

fn appointments(rel: &str, scope: &Scope) -> Appointments {
    let (f, name) = fixture(rel);
    read_appointments(f, &name, kind(rel), scope).unwrap_or_else(|e| panic!("{e}"))
}

fn gp(a: &Appointments, band: Band) -> u64 {
    a.count(Some(Staff::Gp), None, Some(band), None)
}

#[test]
fn every_fixture_is_recognised_from_its_header() {
    for (rel, want) in [
        ("traps/ccg-monthly-mar2019.csv", Kind::GpadAreaMonthly),
        ("traps/sub-icb-daily-repackaged.csv", Kind::GpadAreaDaily),
        ("traps/sub-icb-daily-published.csv", Kind::GpadAreaDaily),
        ("traps/coverage-partial.csv", Kind::Coverage),
        ("traps/patients-ccg-era.csv", Kind::Patients),
        ("traps/patients-single-year.csv", Kind::Patients),
        ("traps/pcn-map-ccg-era.csv", Kind::PcnMapping),
        ("icb/gp-reg-pat-prac-all.csv", Kind::Patients),
        ("icb/gp-reg-pat-prac-quin-age.csv", Kind::Patients),
        ("icb/gp-reg-pat-prac-map.csv", Kind::PcnMapping),
        ("icb/gpad-practice-level-crosstab.csv", Kind::GpadPractice),
        ("icb/gpad-sub-icb-daily-feb2026.csv", Kind::GpadAreaDaily),
        ("icb/gpad-coverage.csv", Kind::Coverage),
    ] {
        assert_eq!(kind(rel), want, "{rel}");
    }
}

#[test]
fn ccg_monthly_file_reads_through_bom_crlf_quoted_commas_and_month_dates() {
    // The file starts with a byte-order mark (so its first column would be
    // "\u{feff}CCG_CODE"), ends lines with CRLF (so counts would end in
    // '\r'), and quotes a CCG name holding a comma (so an unquoting reader
    // would see 14 fields).
    let bytes = std::fs::read(root().join("tests/fixtures/nhs/traps/ccg-monthly-mar2019.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xef\xbb\xbf") && bytes.windows(2).any(|w| w == b"\r\n"),
        "the fixture keeps its traps"
    );
    let a = appointments("traps/ccg-monthly-mar2019.csv", &areas(&["11X"]));
    assert_eq!(a.rows, (9, 9));
    assert_eq!(
        a.count(None, None, None, None),
        3931 + 6593 + 11496 + 7001 + 32367 + 1 + 24273 + 613 + 30000
    );
    let months: Vec<Month> = a.months().into_iter().collect();
    assert_eq!(
        months,
        vec![Month { year: 2019, month: 3 }, Month { year: 2019, month: 4 }],
        "MAR2019 and APR2019"
    );
}

#[test]
fn double_spaced_band_labels_are_the_bands_they_name() {
    let a = appointments("traps/ccg-monthly-mar2019.csv", &areas(&["11X"]));
    assert_eq!(gp(&a, Band::EightToFourteen), 7001, "`8  to 14 Days`");
    assert_eq!(gp(&a, Band::FifteenToTwentyOne), 6593, "`15  to 21 Days`");
    assert_eq!(gp(&a, Band::TwoToSeven), 11496, "`2 to 7 Days`");
    let d = appointments("traps/sub-icb-daily-repackaged.csv", &areas(&["00L"]));
    assert_eq!(gp(&d, Band::TwentyTwoToTwentyEight), 30, "`22  to 28 Days`");
}

#[test]
fn unknown_data_issue_and_unknown_data_quality_are_one_band() {
    let old = appointments("traps/ccg-monthly-mar2019.csv", &areas(&["11X"]));
    assert_eq!(old.count(None, None, Some(Band::Unknown), None), 1, "Unknown / Data Issue");
    let new = appointments("traps/sub-icb-daily-published.csv", &areas(&["00L"]));
    assert_eq!(new.count(None, None, Some(Band::Unknown), None), 7, "Unknown / Data Quality");
}

#[test]
fn other_practice_staff_is_read_in_either_capitalisation() {
    let old = appointments("traps/ccg-monthly-mar2019.csv", &areas(&["11X"]));
    assert_eq!(old.count(Some(Staff::Other), None, None, None), 24273, "Other Practice staff");
    let iso = appointments("traps/sub-icb-daily-iso.csv", &areas(&["00L"]));
    assert_eq!(iso.count(Some(Staff::Other), None, None, None), 800, "Other Practice Staff");
}

#[test]
fn not_provided_values_and_video_online_are_read() {
    let d = appointments("traps/sub-icb-daily-published.csv", &areas(&["00L"]));
    assert_eq!(d.count(Some(Staff::Unknown), None, None, None), 7, "HCP Type Not Provided");
    assert_eq!(d.count(None, Some(Status::Unknown), None, None), 7, "Appt Status Not Provided");
    assert_eq!(d.count(None, None, None, Some(Mode::VideoOnline)), 807, "Video Conference/Online");
}

#[test]
fn a_repackaged_daily_file_with_lower_case_headers_in_another_order_and_short_dates_reads_as_the_published_one() {
    let scope = areas(&["00L"]);
    let published = appointments("traps/sub-icb-daily-published.csv", &scope);
    let repackaged = appointments("traps/sub-icb-daily-repackaged.csv", &scope);
    let iso = appointments("traps/sub-icb-daily-iso.csv", &scope);
    for other in [&repackaged, &iso] {
        assert_eq!(other.by_day, published.by_day, "01DEC2021, 01-Dec-21 and 2021-12-01 are one day");
        assert_eq!(other.count(None, None, None, None), published.count(None, None, None, None));
    }
    // The other area's row (999,999 appointments) is outside the scope.
    assert_eq!(repackaged.rows, (6, 5));
}

fn population_00l() -> Population {
    let (f, name) = fixture("traps/patients-ccg-era.csv");
    let lists = read_patients(f, &name).unwrap();
    Population::resolve(&Selection::Area("00L".into()), &lists, None).unwrap()
}

#[test]
fn coverage_below_100_percent_scales_area_volumes_up() {
    let population = population_00l();
    assert_eq!((population.list_size, population.area_list_size), (10_000, 10_000));
    let a = appointments("traps/sub-icb-daily-published.csv", &population.scope(true));
    let (f, name) = fixture("traps/coverage-partial.csv");
    let coverage = read_coverage(f, &name).unwrap();
    let plain = LocalFigures::compute(&population, &a, None).unwrap();
    let scaled = LocalFigures::compute(&population, &a, Some(&coverage)).unwrap();
    // Included practices hold 9,000 of the 10,000 patients.
    let ratio = scaled.gp_per_patient_year / plain.gp_per_patient_year;
    assert!((ratio - 10_000.0 / 9_000.0).abs() < 1e-12, "scaled by {ratio}");
    assert_eq!(scaled.gp_same_day_share, plain.gp_same_day_share, "shares are not scaled");
    assert!(
        scaled.coverage_note.as_deref().is_some_and(|n| n.contains("90.0%")),
        "{:?}",
        scaled.coverage_note
    );
    assert!(plain.coverage_note.as_deref().is_some_and(|n| n.contains("not scaled")));
}

#[test]
fn single_year_ages_by_sex_sum_to_the_list_in_broad_groups() {
    let (f, name) = fixture("traps/patients-single-year.csv");
    let lists = read_patients(f, &name).unwrap();
    let p = &lists.practices["A84002"];
    assert_eq!(p.total_row, None);
    assert_eq!(p.ages(), Some([220, 300, 200]), "0 and 14 | 15 and 64 | 65 and 95+, both sexes");
    assert_eq!(p.total(), 720);
}

#[test]
fn five_year_bands_by_sex_sum_to_the_totals_file() {
    let (f, name) = fixture("icb/gp-reg-pat-prac-all.csv");
    let totals = read_patients(f, &name).unwrap();
    let (f, name) = fixture("icb/gp-reg-pat-prac-quin-age.csv");
    let bands = read_patients(f, &name).unwrap();
    assert_eq!(totals.practices.len(), 35);
    for (code, p) in &totals.practices {
        assert_eq!(bands.practices[code].total(), p.total(), "{code}");
        assert_eq!(bands.practices[code].area, p.area);
    }
    assert_eq!(totals.extract, "2026-02-01");
}

#[test]
fn ccg_era_and_sub_icb_era_mappings_both_read() {
    let (f, name) = fixture("traps/pcn-map-ccg-era.csv");
    let old = read_mapping(f, &name).unwrap();
    let m = &old.practices["A84002"];
    assert_eq!(
        (m.pcn.as_str(), m.pcn_name.as_str(), m.area.as_str()),
        ("U00001", "Coquet, Rothbury and Alnwick PCN", "00L")
    );
    let (f, name) = fixture("icb/gp-reg-pat-prac-map.csv");
    let new = read_mapping(f, &name).unwrap();
    let pcns: BTreeSet<&str> = new.practices.values().map(|m| m.pcn.as_str()).collect();
    assert_eq!((new.practices.len(), pcns.len()), (35, 6));
    assert_eq!(new.practices["Z90035"].area, "Z9B");
}

// ----- errors: file, line, column, rule; never a panic -----------------------

fn error_of(text: &str, kind: Kind) -> String {
    let scope = areas(&["00L"]);
    let e: DataError = match kind {
        Kind::Patients => read_patients(text.as_bytes(), "bad.csv").err(),
        Kind::Coverage => read_coverage(text.as_bytes(), "bad.csv").err(),
        _ => read_appointments(text.as_bytes(), "bad.csv", kind, &scope).err(),
    }
    .unwrap_or_else(|| panic!("expected an error for:\n{text}"));
    let message = e.to_string();
    assert!(!message.contains('\n'), "one line: {message}");
    message
}

const DAILY: &str =
    "SUB_ICB_LOCATION_CODE,Appointment_Date,APPT_STATUS,HCP_TYPE,APPT_MODE,TIME_BETWEEN_BOOK_AND_APPT,COUNT_OF_APPOINTMENTS\n";

#[test]
fn unreadable_values_name_file_line_and_column() {
    let cases = [
        (
            format!("{DAILY}00L,01DEC2021,Attended,GP,Face-to-Face,Same Day,12\n00L,01DEC2021,Attended,GP,Face-to-Face,Fortnight,3\n"),
            "bad.csv: line 3, column 6 (`TIME_BETWEEN_BOOK_AND_APPT`): expected Same Day",
        ),
        (
            format!("{DAILY}00L,31NOV2021,Attended,GP,Face-to-Face,Same Day,12\n"),
            "line 2, column 2 (`Appointment_Date`): expected a date like 01MAR2019",
        ),
        (
            format!("{DAILY}00L,01DEC2021,Attended,GP,Face-to-Face,Same Day,-4\n"),
            "line 2, column 7 (`COUNT_OF_APPOINTMENTS`): must be a whole number",
        ),
        (
            format!("{DAILY}00L,01DEC2021,Booked,GP,Face-to-Face,Same Day,4\n"),
            "column 3 (`APPT_STATUS`): expected Attended, DNA",
        ),
        (
            format!("{DAILY}00L,01DEC2021,Attended,Locum,Face-to-Face,Same Day,4\n"),
            "column 4 (`HCP_TYPE`)",
        ),
        (
            format!("{DAILY}00L,01DEC2021,Attended,GP,Carrier pigeon,Same Day,4\n"),
            "column 5 (`APPT_MODE`)",
        ),
        (
            format!("{DAILY}00L,01DEC2021,Attended,GP,Face-to-Face,Same Day\n"),
            "bad.csv: line 2: 6 fields where the header has 7",
        ),
    ];
    for (text, want) in &cases {
        let message = error_of(text, Kind::GpadAreaDaily);
        assert!(message.contains(want), "want `{want}` in: {message}");
    }
    let missing = error_of(
        "SUB_ICB_LOCATION_CODE,Appointment_Date,COUNT_OF_APPOINTMENTS\n",
        Kind::GpadAreaDaily,
    );
    assert!(missing.starts_with("bad.csv: line 1: missing column `APPT_STATUS`"), "{missing}");
    let coverage = "SUB_ICB_LOCATION_CODE,Appointment_Month,Included Practices,Open Practices,Patients registered at included practices,Patients registered at open practices\n00L,01DEC2021,36,36,400,300\n";
    assert!(error_of(coverage, Kind::Coverage).contains("line 2, column 5"));
    let patients = "CODE,SEX,AGE,NUMBER_OF_PATIENTS\nA1,ALL,ALL,10\nA1,ALL,ALL,12\n";
    assert!(error_of(patients, Kind::Patients).contains("a second ALL/ALL total"));
    let latin1 = b"CODE,SEX,AGE,NUMBER_OF_PATIENTS\nA1,ALL,ALL,10\nA\xe92,ALL,ALL,12\n";
    let e = read_patients(&latin1[..], "bad.csv").unwrap_err().to_string();
    assert!(e.starts_with("bad.csv: line 3: field 1 is not UTF-8"), "{e}");
    let e = detect("NAME,VALUE\nx,1\n".as_bytes(), "odd.csv").unwrap_err().to_string();
    assert!(e.starts_with("odd.csv: line 1: header not recognised"), "{e}");
    assert!(detect("".as_bytes(), "empty.csv").is_err());
}

/// A daily file of `rows` records made as it is read, never held whole.
struct Generated {
    rows: usize,
    next: usize,
    pending: Vec<u8>,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.len() < buf.len() && self.next <= self.rows {
            let line = if self.next == 0 {
                DAILY.to_string()
            } else {
                let day = 1 + self.next % 28;
                format!(
                    "00L,{day:02}FEB2026,Attended,GP,Face-to-Face,\"8  to 14 Days\",{}\r\n",
                    self.next % 7
                )
            };
            self.pending.extend_from_slice(line.as_bytes());
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[test]
fn a_large_file_is_read_as_a_stream_into_a_bounded_aggregate() {
    // 300,000 rows (~20 MB of CSV) come from a generator: the reader keeps
    // one record, 28 days and one month, whatever the length.
    let rows = 300_000;
    let source = Generated {
        rows,
        next: 0,
        pending: Vec::new(),
    };
    let a = read_appointments(source, "big.csv", Kind::GpadAreaDaily, &areas(&["00L"])).unwrap();
    assert_eq!(a.rows, (rows as u64, rows as u64));
    assert_eq!((a.by_day.len(), a.by_month.len()), (28, 1));
    let want: u64 = (1..=rows as u64).map(|i| i % 7).sum();
    assert_eq!(gp(&a, Band::EightToFourteen), want);
}
