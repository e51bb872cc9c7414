//! Results on disk and on screen: CSV tables, `run.json`, the terminal
//! comparison table.

pub mod tables;
pub mod terminal;
