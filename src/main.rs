//! The `signpost` command. All the work is in the library; this only maps
//! the outcome to an exit code (0 ok, 1 failure, 2 bad input, 130 interrupted).

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(signpost::cli::main_with_args(std::env::args_os()))
}
