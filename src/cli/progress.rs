//! What a long run tells the person waiting for it: progress on stderr, and
//! Ctrl-C turned into a clean stop.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// Set by Ctrl-C (SIGINT) during a run.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// From now on Ctrl-C sets the returned flag instead of killing the
/// process, so a run can stop between events and remove its partial
/// output. Clears an earlier interruption (a process may run several times,
/// as tests do). If another handler owns SIGINT, Ctrl-C keeps its default.
pub fn catch_interrupts() -> &'static AtomicBool {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    });
    INTERRUPTED.store(false, Ordering::SeqCst);
    &INTERRUPTED
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
