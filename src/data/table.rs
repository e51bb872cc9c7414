//! Streaming CSV: one record in memory at a time, columns found by name,
//! every failure a [`DataError`] naming file, line and column.
//!
//! Quoted fields (names with commas), CRLF line ends and a UTF-8
//! byte-order mark are handled here, once, for every reader.

use super::header::Header;
use super::DataError;
use std::io::Read;

/// A CSV file being read: its header and the records still to come.
pub struct Table<R: Read> {
    reader: csv::Reader<R>,
    header: Header,
    file: String,
}

/// One record, with what a reader needs to say where a bad value is.
pub struct Row<'a> {
    record: &'a csv::StringRecord,
    header: &'a Header,
    file: &'a str,
    line: u64,
}

/// A column a reader needs: its normalised name and the names it had in
/// other years (header drift), tried in order.
pub type Column = &'static [&'static str];

impl<R: Read> Table<R> {
    /// Opens `reader` and reads its header (line 1).
    pub fn open(reader: R, file: &str) -> Result<Table<R>, DataError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(reader);
        let header = match reader.headers() {
            Ok(h) => Header::new(h.iter()),
            Err(e) => return Err(csv_error(file, &e)),
        };
        if header.original().iter().all(String::is_empty) {
            return Err(DataError::Line {
                file: file.to_string(),
                line: 1,
                rule: "empty file: expected a CSV header".into(),
            });
        }
        Ok(Table {
            reader,
            header,
            file: file.to_string(),
        })
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Index of a column the reader cannot do without.
    pub fn require(&self, column: Column) -> Result<usize, DataError> {
        self.header.index(column).ok_or_else(|| DataError::Line {
            file: self.file.clone(),
            line: 1,
            rule: format!("missing column `{}` (found {})", column[0], self.header.original().join(",")),
        })
    }

    /// Calls `each` on every record in order; returns how many were read.
    pub fn for_each(mut self, mut each: impl FnMut(&Row) -> Result<(), DataError>) -> Result<u64, DataError> {
        let mut record = csv::StringRecord::new();
        let mut count = 0;
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(count),
                Ok(true) => {}
                Err(e) => return Err(csv_error(&self.file, &e)),
            }
            let line = record.position().map_or(0, |p| p.line());
            // A blank last line is not a record.
            if record.len() == 1 && record[0].trim().is_empty() {
                continue;
            }
            count += 1;
            each(&Row {
                record: &record,
                header: &self.header,
                file: &self.file,
                line,
            })?;
        }
    }
}

impl Row<'_> {
    /// The trimmed text of column `i`.
    pub fn text(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("").trim()
    }

    /// An error about column `i` of this record.
    pub fn error(&self, i: usize, rule: impl Into<String>) -> DataError {
        DataError::Cell {
            file: self.file.to_string(),
            line: self.line,
            column: self.header.describe(i),
            rule: rule.into(),
        }
    }

    /// Column `i` as a count (a whole number ≥ 0; `1,234` and `12.0` are
    /// accepted, as spreadsheets write them).
    pub fn count(&self, i: usize) -> Result<u64, DataError> {
        let text = self.text(i).replace(',', "");
        let text = text.strip_suffix(".0").unwrap_or(&text);
        text.parse::<u64>()
            .map_err(|_| self.error(i, format!("must be a whole number of 0 or more, found `{}`", self.text(i))))
    }

    /// Column `i` parsed by `parse`, or an error saying what was expected.
    pub fn parsed<T>(&self, i: usize, parse: impl Fn(&str) -> Option<T>, expected: &str) -> Result<T, DataError> {
        parse(self.text(i)).ok_or_else(|| self.error(i, format!("expected {expected}, found `{}`", self.text(i))))
    }
}

/// A csv crate error as a [`DataError`] with its line.
fn csv_error(file: &str, e: &csv::Error) -> DataError {
    let line = e.position().map_or(0, |p| p.line());
    let rule = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len} (an unquoted comma in a name?)")
        }
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not UTF-8 text (saved in another encoding?)", err.field() + 1)
        }
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    };
    DataError::Line {
        file: file.to_string(),
        line,
        rule,
    }
}
