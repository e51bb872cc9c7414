//! Colours, fonts and number formats shared by every chart.
//!
//! Arms keep one colour everywhere: the counterfactual is grey and the
//! policy arms take the Okabe–Ito colour-blind-safe palette in display
//! order. Categories that are not arms (where episodes end) use Paul Tol's
//! "muted" palette, also colour-blind safe, so they are not mistaken for
//! arms.

use plotters::style::RGBColor;

/// Counterfactual grey.
pub const COUNTERFACTUAL_GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Okabe–Ito, yellow moved last (weak contrast on white), grey reserved
/// for the counterfactual.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// Paul Tol "muted" (colour-blind safe), for non-arm categories.
pub const TOL_MUTED: [RGBColor; 9] = [
    RGBColor(0x33, 0x22, 0x88), // indigo
    RGBColor(0x88, 0xCC, 0xEE), // cyan
    RGBColor(0x44, 0xAA, 0x99), // teal
    RGBColor(0x11, 0x77, 0x33), // green
    RGBColor(0x99, 0x99, 0x33), // olive
    RGBColor(0xDD, 0xCC, 0x77), // sand
    RGBColor(0xCC, 0x66, 0x77), // rose
    RGBColor(0x88, 0x22, 0x55), // wine
    RGBColor(0xAA, 0x44, 0x99), // purple
];

/// Ink for text, axes and whiskers.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text (captions, notes).
pub const MUTED_INK: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Bars for GP appointments lost to bounce-back.
pub const LOST: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// Font family every chart uses; registered from the embedded TTF so PNGs
/// render on machines without system fonts (no fontconfig involved).
pub const FAMILY: &str = "sans-serif";

/// Font sizes \[px\] for a 1200-px-wide chart, chosen to stay readable when
/// the chart is shown at half size.
pub mod size {
    /// Chart title.
    pub const TITLE: f64 = 36.0;
    /// Panel title.
    pub const PANEL: f64 = 28.0;
    /// Axis descriptions.
    pub const AXIS: f64 = 25.0;
    /// Tick labels.
    pub const TICK: f64 = 23.0;
    /// Legend entries.
    pub const LEGEND: f64 = 23.0;
    /// Value labels next to bars.
    pub const VALUE: f64 = 22.0;
    /// Caption lines.
    pub const CAPTION: f64 = 21.0;
}

/// Registers the embedded DejaVu Sans (regular and bold) once per process.
///
/// On wasm32 plotters has no font registry (it would measure text through
/// the browser's canvas); the what-if page draws its own SVG, so the
/// library there registers nothing and carries no font bytes.
#[cfg(not(target_arch = "wasm32"))]
pub fn register_fonts() {
    use plotters::style::{register_font, FontStyle};
    use std::sync::Once;
    static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
    static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in and known to be valid TrueType, so a
        // failure here is a build defect; charts then fail with a font error
        // rather than panicking.
        let _ = register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS);
        let _ = register_font(FAMILY, FontStyle::Bold, DEJAVU_SANS_BOLD);
    });
}

/// Registers the embedded DejaVu Sans: nothing to do on wasm32 (see the
/// other target's doc).
#[cfg(target_arch = "wasm32")]
pub fn register_fonts() {}

/// Colour of the arm at `index` in display order (0 = counterfactual).
pub fn arm_colour(index: usize, name: &str) -> RGBColor {
    if name == crate::report::results::COUNTERFACTUAL {
        return COUNTERFACTUAL_GREY;
    }
    OKABE_ITO[index.saturating_sub(1) % OKABE_ITO.len()]
}

/// `c` mixed with white: `amount` 0 = `c`, 1 = white.
pub fn pale(c: RGBColor, amount: f64) -> RGBColor {
    let m = |x: u8| (x as f64 + (255.0 - x as f64) * amount).round().clamp(0.0, 255.0) as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// Text colour that reads on a background of colour `c`.
pub fn ink_on(c: RGBColor) -> RGBColor {
    let lum = 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
    if lum < 140.0 {
        RGBColor(255, 255, 255)
    } else {
        INK
    }
}

/// A whole number with thousands separators: `12,345`.
pub fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return "not defined".into();
    }
    let r = x.round();
    let neg = r < 0.0;
    let digits = format!("{:.0}", r.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg && out != "0" {
        out.insert(0, '-');
    }
    out
}

/// A number with sensible precision for its size: `12,345`, `123.4`,
/// `1.23`, `0.012`.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "not defined".into();
    }
    let a = x.abs();
    if a >= 1000.0 {
        thousands(x)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a == 0.0 {
        "0".into()
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A tick label: like [`number`] but without trailing zeros (`10`, not
/// `10.0`; `2.5`, not `2.50`).
pub fn tick(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x.abs() >= 1000.0 {
        return thousands(x);
    }
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}

/// Days: whole numbers without decimals (`28`), else one decimal.
pub fn days(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e9 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// A share as a percentage: `0.0421` → `4.2%`.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return "not defined".into();
    }
    let p = share * 100.0;
    if p.abs() >= 10.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// Pounds sterling: `£1,234` or `£12.50`.
pub fn pounds(x: f64) -> String {
    if !x.is_finite() {
        return "not defined".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    if x.abs() >= 100.0 {
        format!("{sign}£{}", thousands(x.abs()))
    } else if x.fract() == 0.0 {
        format!("{sign}£{:.0}", x.abs())
    } else {
        format!("{sign}£{:.2}", x.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(-1234.0), "-1,234");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-0.2), "0");
        assert_eq!(number(0.0123), "0.012");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(percent(0.0421), "4.2%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(pounds(32.195), "£32.20");
        assert_eq!(pounds(232000.0), "£232,000");
        assert_eq!(number(f64::NAN), "not defined");
        assert_eq!(number(0.0), "0");
        assert_eq!(tick(10.0), "10");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(12000.0), "12,000");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(pounds(30.0), "£30");
        assert_eq!(days(28.0), "28");
    }

    #[test]
    fn arm_colours_are_stable_and_counterfactual_grey() {
        assert_eq!(arm_colour(0, "counterfactual"), COUNTERFACTUAL_GREY);
        assert_eq!(arm_colour(1, "a"), OKABE_ITO[0]);
        assert_eq!(arm_colour(9, "z"), OKABE_ITO[0]);
    }
}
