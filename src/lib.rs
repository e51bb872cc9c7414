//! signpost: a parallel discrete-event simulator of primary-care capacity.
#![warn(missing_docs)]

pub mod calibrate;
pub mod cli;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod model;
pub mod network;
pub mod output;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod uncertainty;
