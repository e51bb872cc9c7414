//! Running library work off the Python thread: the GIL is released, the
//! work runs on a rayon pool of its own, and the calling thread wakes every
//! [`POLL`] to run Python's signal handlers and report progress. Ctrl-C
//! (SIGINT → `KeyboardInterrupt`) sets the library's cancel flag; the run
//! stops within a few thousand events and the exception is raised.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How often the calling thread looks for signals and progress.
const POLL: Duration = Duration::from_millis(50);

/// `threads` (else every core, as the CLI), checked against the library's
/// limit.
pub fn threads(threads: Option<usize>) -> PyResult<usize> {
    let all_cores = || signpost::limits::default_threads(std::thread::available_parallelism().map_or(1, |n| n.get()));
    signpost::limits::threads(threads.unwrap_or_else(all_cores)).map_err(|e| crate::limit_error("threads", e))
}

/// What a running job can see: its cancel flag and a progress reporter
/// (arm-replications done, in total), as the library's run functions take.
pub struct Job<'a> {
    /// Set when the caller is interrupted.
    pub cancel: &'a AtomicBool,
    /// `progress(done, total)`.
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
}

/// Runs `work` on a pool of `threads` threads without the GIL. `progress`,
/// if given, is called from the calling thread as `progress(done, total)`
/// whenever the count has moved. A signal handler that raises (Ctrl-C)
/// cancels the work and its exception is returned once the work has
/// stopped.
pub fn run_detached<T, F>(py: Python<'_>, threads: usize, progress: Option<&Bound<'_, PyAny>>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Job<'_>) -> T + Send,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PyValueError::new_err(format!("threads: cannot start {threads} threads: {e}")))?;
    let cancel = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    let report = |d: usize, t: usize| {
        done.fetch_max(d, Ordering::Relaxed);
        total.store(t, Ordering::Relaxed);
    };
    let job = Job {
        cancel: &cancel,
        progress: &report,
    };
    let finished = Finished::default();
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            // Marks the work finished even if it unwinds.
            let _mark = Mark(&finished);
            pool.install(|| work(&job))
        });
        let mut interrupted: Option<PyErr> = None;
        let mut shown = (usize::MAX, usize::MAX);
        loop {
            if py.detach(|| finished.wait(POLL)) {
                break;
            }
            if interrupted.is_some() {
                continue;
            }
            if let Err(e) = py.check_signals() {
                cancel.store(true, Ordering::SeqCst);
                interrupted = Some(e);
                continue;
            }
            let now = (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed));
            if let Some(callback) = progress.filter(|_| now != shown && now.1 > 0) {
                shown = now;
                if let Err(e) = callback.call1(now) {
                    cancel.store(true, Ordering::SeqCst);
                    interrupted = Some(e);
                }
            }
        }
        let out = py
            .detach(|| worker.join())
            .map_err(|_| PyRuntimeError::new_err("signpost: the run failed unexpectedly (a panic in the library; please report it)"))?;
        match interrupted {
            Some(e) => Err(e),
            None => {
                if let Some(callback) = progress {
                    let t = total.load(Ordering::Relaxed);
                    if t > 0 {
                        callback.call1((t, t))?;
                    }
                }
                Ok(out)
            }
        }
    })
}

/// Whether the work has finished, with a condition variable to wait on.
#[derive(Default)]
struct Finished {
    done: Mutex<bool>,
    changed: Condvar,
}

impl Finished {
    /// Waits at most `timeout`; whether the work has finished.
    fn wait(&self, timeout: Duration) -> bool {
        let guard = self.done.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |done| !*done)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard
    }
}

/// Sets [`Finished`] when dropped: on return or unwinding alike.
struct Mark<'a>(&'a Finished);

impl Drop for Mark<'_> {
    fn drop(&mut self) {
        *self.0.done.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        self.0.changed.notify_all();
    }
}
