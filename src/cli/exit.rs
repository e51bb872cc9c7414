//! How a command ends: the library's typed errors sorted into the exit
//! codes of the contract (DESIGN.md section 3): 0 ok, 1 failure, 2 bad
//! input, 130 interrupted (SIGINT, Ctrl-C), 143 terminated (SIGTERM, as
//! cluster schedulers send on cancel and time-out).

use super::progress::{caught_signal, Signal};
use crate::error::ScenarioError;
use crate::output::OutputError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A scenario, an argument or an output directory the user must
    /// change. Exit code 2.
    #[error("{0}")]
    BadInput(String),
    /// Anything else: writing results, a failed check. Exit code 1.
    #[error("{0}")]
    Failed(String),
    /// Stopped by a signal; nothing was written.
    #[error("{}: {message}", .signal.word())]
    Stopped {
        /// Which signal.
        signal: Signal,
        /// What became of the run and its output.
        message: String,
    },
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Failed(_) => 1,
            CliError::Stopped { signal, .. } => signal.exit_code(),
        }
    }

    /// Stopped by the signal that was caught (Ctrl-C if none is known).
    pub fn stopped(message: String) -> CliError {
        CliError::Stopped {
            signal: caught_signal().unwrap_or(Signal::Interrupt),
            message,
        }
    }

    /// A failure, with what was being done in front.
    pub fn failed(context: &str, e: impl std::fmt::Display) -> CliError {
        CliError::Failed(format!("{context}: {e}"))
    }
}

impl From<ScenarioError> for CliError {
    fn from(e: ScenarioError) -> CliError {
        CliError::BadInput(e.to_string())
    }
}

impl From<OutputError> for CliError {
    fn from(e: OutputError) -> CliError {
        if e.is_bad_input() {
            CliError::BadInput(e.to_string())
        } else {
            CliError::Failed(e.to_string())
        }
    }
}
