//! signpost: a parallel discrete-event simulator of primary-care capacity.
#![warn(missing_docs)]

pub mod engine;
pub mod error;
pub mod network;
pub mod scenario;
pub mod stats;
