//! Errors a user can cause in a scenario, with enough context to fix them.
//!
//! Each layer has its own typed error beside its code ([`ScenarioError`]
//! here, `limits::LimitError`, `output::OutputError`,
//! `report::ReportError`, `experiment::Cancelled`, …), and each says
//! whether anything was left changed. The command line maps them to exit
//! codes; the library never exits or prints.

use std::fmt;

/// A problem with a scenario file: which file, where, which key, and the
/// rule broken. Displayed as `file:line:column: key: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file (or `<built-in default>`).
    pub file: String,
    /// 1-based line and column, when known.
    pub location: Option<(usize, usize)>,
    /// Dotted key path, e.g. `splw.fte` or `needs\[2\].share`, when known.
    pub key: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl ScenarioError {
    /// An error about the file as a whole.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.into(),
            location: None,
            key: None,
            message: message.into(),
        }
    }

    /// An error about one key.
    pub fn key(file: impl Into<String>, key: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.into(),
            location: None,
            key: Some(key.into()),
            message: message.into(),
        }
    }

    /// Adds a 1-based line and column.
    pub fn at(mut self, location: Option<(usize, usize)>) -> Self {
        if location.is_some() {
            self.location = location;
        }
        self
    }
}

/// Whether `c` would change how the rest of a line looks rather than show
/// itself: control characters (newline, terminal escapes) and invisible
/// format characters (zero-width spaces, right-to-left overrides, BOM).
fn invisible(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Writes `text` with [`invisible`] characters escaped (`\n`, `\u{202e}`):
/// a message quotes what the user wrote, and a name holding a newline, a
/// terminal escape or a right-to-left override must not break the
/// one-line message, the terminal, or what the reader sees.
fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if invisible(c) {
            write!(f, "{}", c.escape_default())?;
        } else {
            write!(f, "{c}")?;
        }
    }
    Ok(())
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, &self.file)?;
        if let Some((line, col)) = self.location {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(key) = &self.key {
            f.write_str(": ")?;
            write_escaped(f, key)?;
        }
        f.write_str(": ")?;
        write_escaped(f, &self.message)
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_stay_on_one_line() {
        let e = super::ScenarioError::key("a\nb.toml", "needs[0].name", "`x\ny\u{1b}[31m\u{202e}é` is bad");
        assert_eq!(e.to_string(), "a\\nb.toml: needs[0].name: `x\\ny\\u{1b}[31m\\u{202e}é` is bad");
    }
}
