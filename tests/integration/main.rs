//! One integration-test binary (faster to build than many).

mod cli;
mod mechanisms;
mod report;
mod support;
