//! One integration-test binary (faster to build than one per file).

mod calibration;
mod cli;
mod corpus;
mod edges;
mod estimate;
mod fuzz;
mod interrupt;
mod layers;
mod limits;
mod mechanisms;
mod network_errors;
mod network_props;
mod outputs;
mod readme_keys;
mod regressions;
mod report;
mod scenario_library;
mod scenario_merge;
mod sensitivity;
mod support;
mod validation;
mod warmup;
