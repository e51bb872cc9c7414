//! What a long run tells the person (or scheduler) waiting for it: progress
//! on stderr, and Ctrl-C (SIGINT) or SIGTERM turned into a clean stop.
//!
//! Only the command line installs signal handlers: the library takes a
//! cancel flag and never touches signals.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A signal that stops a run cleanly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C.
    Interrupt,
    /// SIGTERM: a scheduler's cancel or time-out, `kill`.
    Terminate,
}

impl Signal {
    /// Exit code: 128 + the signal's number, as shells report it.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }

    /// How the stop is described.
    pub fn word(self) -> &'static str {
        match self {
            Signal::Interrupt => "interrupted",
            Signal::Terminate => "terminated (SIGTERM)",
        }
    }
}

/// The cancel flag the signals set, and the exit code of the last one
/// caught (0 before any).
struct Flags {
    cancel: Arc<AtomicBool>,
    caught: Arc<AtomicUsize>,
}

fn flags() -> &'static Flags {
    static FLAGS: OnceLock<Flags> = OnceLock::new();
    FLAGS.get_or_init(|| {
        let flags = Flags {
            cancel: Arc::new(AtomicBool::new(false)),
            caught: Arc::new(AtomicUsize::new(0)),
        };
        for (number, signal) in [
            (signal_hook::consts::SIGINT, Signal::Interrupt),
            (signal_hook::consts::SIGTERM, Signal::Terminate),
        ] {
            // The exit code first, so that whoever sees the flag set also
            // sees which signal set it. If registering fails the signal
            // keeps its default: the process ends at once, which is no
            // worse than before.
            let code = usize::from(signal.exit_code());
            let _ = signal_hook::flag::register_usize(number, Arc::clone(&flags.caught), code)
                .and_then(|_| signal_hook::flag::register(number, Arc::clone(&flags.cancel)));
        }
        flags
    })
}

/// From now on SIGINT and SIGTERM set the returned flag instead of killing
/// the process, so a run can stop between events and remove its partial
/// output. Clears an earlier stop (a process may run several commands, as
/// tests do).
pub fn catch_signals() -> &'static AtomicBool {
    let f = flags();
    f.caught.store(0, Ordering::SeqCst);
    f.cancel.store(false, Ordering::SeqCst);
    &f.cancel
}

/// The signal that set the cancel flag, if one did.
pub fn caught_signal() -> Option<Signal> {
    match flags().caught.load(Ordering::SeqCst) {
        130 => Some(Signal::Interrupt),
        143 => Some(Signal::Terminate),
        _ => None,
    }
}

/// Seconds between progress lines when stderr is a log, not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// Progress of the runs (arm × replication jobs) of one experiment.
pub struct Progress {
    started: Instant,
    /// A redrawn bar: stderr is a terminal.
    bar: bool,
    /// Whole lines: stderr is a log and the run is long enough to want them.
    log: bool,
    /// When the last log line was written.
    last_line: Mutex<Option<Instant>>,
}

impl Progress {
    /// Silent if `quiet`; on a terminal a bar; in a log, for a `long` run,
    /// a line when the first run finishes (a measured estimate of the time
    /// left) and then at most every ten seconds.
    pub fn new(quiet: bool, long: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        Progress {
            started: Instant::now(),
            bar: !quiet && terminal,
            log: !quiet && !terminal && long,
            last_line: Mutex::new(None),
        }
    }

    /// `done` of `total` runs have finished.
    pub fn report(&self, done: usize, total: usize) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let left = elapsed / done.max(1) as f64 * total.saturating_sub(done) as f64;
        if self.bar {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!(
                "\r[{}{}] {done}/{total} replications, {left:.0}s left ",
                "=".repeat(filled),
                " ".repeat(width - filled)
            );
            let _ = std::io::stderr().flush();
        } else if self.log {
            let Ok(mut last) = self.last_line.lock() else { return };
            if last.map_or(true, |t| t.elapsed() >= LOG_EVERY) || done == total {
                *last = Some(Instant::now());
                eprintln!("progress: {done}/{total} runs done in {elapsed:.1} s, about {left:.0} s left");
            }
        }
    }

    /// Removes the bar before other output.
    pub fn clear(&self) {
        if self.bar {
            eprint!("\r{}\r", " ".repeat(70));
        }
    }
}
