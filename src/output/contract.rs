//! The shape of the output contract's files (DESIGN.md section 3) that
//! more than one kind of run writes: the schema version and the rows of
//! `summary.csv` and `replications.csv`. The pathway's tables
//! (`report::tables`) and the queueing network's
//! (`network::results`) both write through these, so the two cannot drift.

use crate::stats::Summary;
use crate::text::{csv_field, num, opt_num};
use std::fmt::Write as _;

/// Schema version of the output files.
pub const SCHEMA_VERSION: u32 = 1;

/// Header of `summary.csv`.
pub const SUMMARY_HEADER: &str = "arm,metric,mean,sd,ci_low,ci_high,n\n";

/// Header of `replications.csv`.
pub const REPLICATIONS_HEADER: &str = "arm,replication,metric,value\n";

/// One `summary.csv` row: mean, sd and 95% t interval over replications.
pub fn summary_row(out: &mut String, arm: &str, metric: &str, s: &Summary) {
    let ci = s.confidence_interval(0.95);
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{}",
        csv_field(arm),
        csv_field(metric),
        opt_num(s.mean()),
        opt_num(s.sd()),
        opt_num(ci.map(|c| c.low)),
        opt_num(ci.map(|c| c.high)),
        s.count()
    );
}

/// One `replications.csv` row.
pub fn replication_row(out: &mut String, arm: &str, replication: usize, metric: &str, value: f64) {
    let _ = writeln!(out, "{},{},{},{}", csv_field(arm), replication, csv_field(metric), num(value));
}
