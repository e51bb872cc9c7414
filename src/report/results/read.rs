//! The file readers behind [`super::Results`]: a whole file that may be
//! absent, and a CSV whose contract columns are found by name, each
//! record's cells read as the contract says.

use super::{fail, Result};
use crate::report::finite;
use std::fs;
use std::path::Path;

/// A file's text, or `None` when it does not exist.
pub(super) fn read_optional(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(fail(format!("{}: cannot read: {e}", path.display()))),
    }
}

/// One CSV record with its columns mapped to the contract's order.
pub(super) struct Row<'a> {
    record: &'a ::csv::StringRecord,
    columns: &'a [usize],
}

impl Row<'_> {
    /// A cell as written: names are not trimmed, so an arm called ` a `
    /// reads back as itself (the writer quotes only what needs quoting).
    pub(super) fn raw(&self, i: usize) -> &str {
        self.record.get(self.columns[i]).unwrap_or("")
    }

    /// A number's cell, without surrounding white space.
    pub(super) fn text(&self, i: usize) -> &str {
        self.raw(i).trim()
    }

    /// The (arm, metric) key in columns `arm` and `metric`.
    pub(super) fn key(&self, arm: usize, metric: usize) -> (String, String) {
        (self.raw(arm).to_owned(), self.raw(metric).to_owned())
    }

    /// A number; empty, `NaN` and infinities mean "not defined".
    pub(super) fn num(&self, i: usize) -> Result<Option<f64>> {
        let t = self.text(i);
        if t.is_empty() {
            return Ok(None);
        }
        let x: f64 = t.parse().map_err(|_| fail(format!("expected a number, found {t:?}")))?;
        Ok(finite(Some(x)))
    }

    /// A non-negative whole number; empty means 0.
    pub(super) fn count(&self, i: usize) -> Result<u64> {
        let t = self.text(i);
        if t.is_empty() {
            return Ok(0);
        }
        t.parse::<u64>()
            .or_else(|_| match t.parse::<f64>() {
                Ok(x) if x >= 0.0 && x.fract() == 0.0 && x < 1e18 => Ok(x as u64),
                _ => Err(()),
            })
            .map_err(|_| fail(format!("expected a whole number >= 0, found {t:?}")))
    }
}

/// Reads a CSV with a header, finding the contract's columns by name (extra
/// columns are ignored), and hands each record to `each`.
pub(super) fn read_csv(path: &Path, wanted: &[&str], mut each: impl FnMut(&Row) -> Result<()>) -> Result<()> {
    let file = path.display().to_string();
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| fail(format!("{file}: cannot open: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| fail(format!("{file}: cannot read the header: {e}")))?
        .clone();
    let mut columns = Vec::with_capacity(wanted.len());
    for w in wanted {
        let i = header.iter().position(|h| h.trim() == *w).ok_or_else(|| {
            fail(format!(
                "{file}: line 1: missing column {w:?} (expected {}; found {})",
                wanted.join(","),
                header.iter().collect::<Vec<_>>().join(",")
            ))
        })?;
        columns.push(i);
    }
    let mut record = ::csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| fail(format!("{file}: malformed CSV: {e}")))?;
        if !more {
            break;
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = Row {
            record: &record,
            columns: &columns,
        };
        each(&row).map_err(|e| e.context(format!("{file}: line {line}")))?;
    }
    Ok(())
}
