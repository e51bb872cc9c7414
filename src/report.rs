//! Results on disk and on screen: the CSV and JSON files of the output
//! contract, the terminal table, charts and the HTML report (which read a
//! result directory back, so they can be redrawn from the CSVs alone).

pub mod charts;
pub mod html;
pub mod results;
pub mod tables;
pub mod terminal;
