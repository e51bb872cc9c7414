//! Scenarios: what the user wrote ([`raw`]), and the checked, typed
//! description that runs.

pub mod dist;
pub mod raw;
