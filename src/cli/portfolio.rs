//! `signpost run PORTFOLIO`: every PCN of an ICB × arm × replication in
//! one pool, into a result directory that appears only when complete.

use super::commands::warmup_error;
use super::progress::Progress;
use super::scenario::{nothing_written, on_pool, refuse_if_too_big, replications_and_threads, write_and_commit};
use super::{CliError, RunArgs};
use crate::output::PendingDir;
use crate::portfolio::{self, run_portfolio};
use crate::report::charts::style;
use crate::report::portfolio::{portfolio_figures, portfolio_files, PortfolioFacts};
use crate::report::terminal::warmup_warning;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Runs a portfolio.
pub(super) fn run_portfolio_file(args: &RunArgs, path: &Path, started: Instant, cancel: &AtomicBool) -> Result<(), CliError> {
    let label = path.display();
    for (given, flag) in [
        (args.journeys.is_some(), "--journeys"),
        (args.precision.is_some(), "--precision"),
        (args.max_reps.is_some(), "--max-reps"),
    ] {
        if given {
            return Err(CliError::BadInput(format!(
                "{flag}: not for a portfolio ({label}); use it on one PCN's scenario file"
            )));
        }
    }
    let portfolio = portfolio::load_file(path, args.common.seed)?;
    let (replications, threads) = replications_and_threads(args.common.reps, portfolio.spec.replications, args.common.threads)?;
    let target = args.out.clone().unwrap_or_else(|| Path::new("output").join(&portfolio.spec.name));
    let estimate = portfolio::estimate(&portfolio, replications, threads);
    let seconds = estimate.seconds;
    refuse_if_too_big(estimate.bytes, args.allow_large)?;
    let pending = PendingDir::create(&target, args.force)?;
    let long = seconds > 10.0;
    let arms = portfolio.arm_names().len();
    if !args.quiet && long {
        eprintln!(
            "{}: {} PCNs × {arms} arms × {replications} replications, about {:.1} M events; estimated {seconds:.0} s on {threads} threads",
            portfolio.spec.name,
            portfolio.pcns.len(),
            estimate.events / 1e6,
        );
    }
    // Each PCN's warm-up checked as a single run's is; a warning prints even
    // with --quiet, being about the results' validity.
    let warmups = on_pool(threads, || portfolio::diagnose(&portfolio, cancel))?.map_err(warmup_error)?;
    for (pcn, d) in portfolio.pcns.iter().zip(&warmups) {
        if let Some(warning) = warmup_warning(d) {
            eprintln!("{}: {warning}", pcn.name());
        }
    }
    let progress = Progress::new(args.quiet, long);
    let result = on_pool(threads, || {
        run_portfolio(&portfolio, replications, &|done, total| progress.report(done, total), cancel)
    })?;
    progress.clear();
    let result = result.map_err(|c| {
        CliError::stopped(format!(
            "stopped after {} of {} runs ({} PCNs × {arms} arms × {replications} replications); {}",
            c.done,
            c.total,
            portfolio.pcns.len(),
            nothing_written(&target)
        ))
    })?;
    let wall_seconds = started.elapsed().as_secs_f64();
    let facts = PortfolioFacts {
        threads,
        wall_seconds,
        replications,
    };
    let files =
        portfolio_files(&portfolio, &result, &facts, &warmups, !args.no_charts).map_err(|e| CliError::failed("writing results", e))?;
    let written = write_and_commit(pending, &files, &target, cancel)?;
    if !args.quiet {
        let (_, icb) = portfolio_figures(&portfolio, &result);
        say!(
            "{}: {} PCNs, {} patients; net GP appointments freed across the ICB (95% CI), share of GP appointments:",
            portfolio.spec.name,
            portfolio.pcns.len(),
            style::thousands(portfolio.list_size() as f64)
        );
        for a in &icb.arms {
            let ci = |f: fn(f64) -> String, e: crate::report::portfolio::Estimate| {
                e.ci.map_or_else(|| "not defined".to_string(), |(l, h)| format!("{}–{}", f(l), f(h)))
            };
            say!(
                "  {:<28} {:>9} ({}), {} ({})",
                a.arm,
                style::thousands(a.freed.mean),
                ci(style::thousands, a.freed),
                style::percent(a.share_freed.mean),
                ci(style::percent, a.share_freed)
            );
        }
        say!(
            "{} events in {wall_seconds:.2} s ({:.1} M events/s on {threads} threads). Results: {}",
            result.icb.events,
            result.icb.events as f64 / wall_seconds / 1e6,
            written.display()
        );
    }
    Ok(())
}
