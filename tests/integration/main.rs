//! One integration-test binary (faster to build than one per file).

mod calibration;
mod cli;
mod corpus;
mod edges;
mod estimate;
mod fuzz;
mod headlines;
mod interrupt;
mod layers;
mod levers;
mod limits;
mod mechanisms;
mod network_errors;
mod network_props;
mod one_place;
mod outputs;
mod readme_keys;
mod regressions;
mod report;
mod scenario_library;
mod scenario_merge;
mod sensitivity;
mod streaming;
mod support;
mod validation;
mod warmup;
