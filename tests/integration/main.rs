//! One integration-test binary (faster to build than one per file).

mod network_errors;
mod network_props;
mod validation;
