//! Text helpers shared by every layer: CSV fields and numbers, numbers in
//! messages, and plain-text tables.
//!
//! A leaf: it imports nothing of the crate, so the scenario loader, the
//! network, the report, calibration and sensitivity can all use it without
//! depending on each other.

use std::fmt::Write as _;

/// Quotes a CSV field when it needs it (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A number for CSV: shortest round-trip form; empty when undefined.
pub fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

/// An optional number for CSV: [`num`], empty when absent.
pub fn opt_num(v: Option<f64>) -> String {
    v.map_or_else(String::new, num)
}

/// A number as shown in a message: plain and short where it is ordinary
/// (`0.9`, not `0.8999999999999999`; `-1`), in exponent form where it is
/// huge or tiny (`1e300`, not three hundred digits), and `NaN`, `inf`,
/// `-inf` as such.
pub fn show_number(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return format!("{v}");
    }
    let magnitude = v.abs();
    if !(1e-4..1e15).contains(&magnitude) {
        return format!("{v:e}");
    }
    // Ten significant digits hide binary rounding of sums of shares.
    let decimals = (9 - magnitude.log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    text.to_string()
}

/// Rows as a plain-text table: the first row is the header (underlined),
/// the first column is left-aligned and the others right-aligned.
pub fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
        if i == 0 {
            let _ = writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_are_short() {
        assert_eq!(show_number(0.8999999999999999), "0.9");
        assert_eq!(show_number(1.5), "1.5");
        assert_eq!(show_number(-1.0), "-1");
        assert_eq!(show_number(1e300), "1e300");
        assert_eq!(show_number(1e9), "1000000000");
        assert_eq!(show_number(3650.0), "3650");
        assert_eq!(show_number(f64::NAN), "NaN");
        assert_eq!(show_number(f64::NEG_INFINITY), "-inf");
        assert_eq!(show_number(-0.0), "-0");
        assert_eq!(show_number(1e-9), "1e-9");
        assert_eq!(show_number(0.123456789012), "0.123456789");
    }

    #[test]
    fn csv_fields_and_numbers() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(num(f64::NAN), "");
        assert_eq!(num(0.1), "0.1");
        assert_eq!(opt_num(None), "");
    }

    #[test]
    fn aligned_pads_and_underlines() {
        let rows = vec![vec!["a".to_string(), "bb".into()], vec!["ccc".into(), "d".into()]];
        assert_eq!(aligned(&rows), "a    bb\n---  --\nccc   d\n");
    }
}
