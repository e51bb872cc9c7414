//! Results on disk and on screen: the CSV and JSON files of the output
//! contract, the terminal table, charts and the HTML report. The report is
//! built from a run's results in memory ([`files::run_files`]) or from a
//! result directory read back ([`html::write_report`]); both give the same
//! bytes.

pub mod assumptions;
pub mod charts;
pub mod files;
pub mod groups;
pub mod html;
pub mod portfolio;
pub mod results;
pub mod tables;
pub mod terminal;

use crate::output::OutputError;

/// `x` when it is finite: in the output contract a non-finite number means
/// "not defined", like an empty cell.
fn finite(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite())
}

/// A result directory that cannot be read back as `signpost run` wrote it:
/// which file, which line, what was expected. Bad input; nothing was
/// changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(pub String);

impl ReadError {
    /// The same error, with `context` (a file, a line) in front.
    pub fn context(self, context: impl std::fmt::Display) -> ReadError {
        ReadError(format!("{context}: {}", self.0))
    }
}

/// Why charts or the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The results could not be read back (see [`ReadError`]). Nothing was
    /// written.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A chart could not be drawn or encoded. Nothing was written for it;
    /// files already written are complete.
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    /// A chart or `report.html` could not be written. Every file is
    /// written atomically, so each is either complete or absent.
    #[error(transparent)]
    Write(#[from] OutputError),
}
