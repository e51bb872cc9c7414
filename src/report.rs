//! Reports: results read back, charts and the HTML report.

pub mod charts;
pub mod html;
pub mod results;
