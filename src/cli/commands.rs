//! The commands other than `run`: `check`, `verify`, `report`, `calibrate`
//! and `sensitivity`.

use super::progress::catch_signals;
use super::scenario::{load_any, on_pool, pathway_only, read_scenario, replications_and_threads, AnyScenario};
use super::{CalibrateArgs, CliError, SensitivityArgs};
use crate::experiment::estimate::estimate;
use crate::experiment::warmup::{self, WarmupDiagnostic};
use crate::experiment::{run_experiment, RunOptions};
use crate::network::NetworkScenario;
use crate::output::{write_files, PendingDir};
use crate::report::ReportError;
use crate::scenario::load;
use crate::sensitivity::{self as sens, SensitivityError};
use crate::stats::warmup::Verdict;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// `signpost verify`: the validation networks against theory.
pub(super) fn verify() -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let passed = crate::network::verify::run_verify(&mut out).map_err(|e| CliError::Failed(e.to_string()))?;
    if passed {
        Ok(())
    } else {
        Err(CliError::Failed("validation failed: see the table above".into()))
    }
}

/// `signpost report DIR`: charts and report.html again, from the files.
pub(super) fn report(dir: &Path) -> Result<(), CliError> {
    if !dir.join("summary.csv").is_file() {
        return Err(CliError::BadInput(format!(
            "{}: not a signpost result directory (no summary.csv)",
            dir.display()
        )));
    }
    let page = crate::report::html::write_report(dir).map_err(|e| {
        let message = format!("{}: {e}", dir.display());
        match e {
            ReportError::Read(_) => CliError::BadInput(message),
            ReportError::Chart(_) | ReportError::Write(_) => CliError::Failed(message),
        }
    })?;
    say!("{}", page.display());
    Ok(())
}

/// Prints what a queueing-network scenario would run.
fn check_network(label: &str, scenario: &NetworkScenario) {
    say!("{label}: OK");
    say!("scenario  {} — {} (queueing network)", scenario.name, scenario.description);
    say!(
        "run       {} replications, seed {}, {} min warm-up + {} min",
        scenario.replications,
        scenario.seed,
        scenario.warmup,
        scenario.horizon
    );
    let nodes: Vec<&str> = scenario.nodes.iter().map(|n| n.name.as_str()).collect();
    say!("nodes     {}: {}", nodes.len(), nodes.join(", "));
    let e = crate::network::estimate::estimate(scenario, scenario.replications, 1);
    say!(
        "estimate  {:.1} M events, about {:.0} s on one core, {:.0} MiB",
        e.events / 1e6,
        e.seconds,
        e.bytes / f64::from(1u32 << 20)
    );
}

/// `signpost check FILE`: validate and print what would run.
pub(super) fn check(path: &Path) -> Result<(), CliError> {
    let (label, text) = read_scenario(Some(path))?;
    if crate::portfolio::is_portfolio(&text) {
        return check_portfolio(path, &label);
    }
    let loaded = match load_any(&text, &label)? {
        AnyScenario::Network(scenario) => {
            check_network(&label, &scenario);
            return Ok(());
        }
        AnyScenario::Pathway(loaded) => loaded,
    };
    let b = &loaded.base;
    say!("{}: OK", loaded.file);
    say!("scenario  {} — {}", b.name, b.description);
    say!(
        "run       {} replications, seed {}, {} days warm-up + {} days, {} patients",
        b.replications,
        b.seed,
        b.time.warmup_days,
        b.time.horizon_days,
        b.population.list_size
    );
    say!("arms      {} (each compared with the counterfactual)", loaded.arms.len());
    for (arm, blocker) in loaded.arms.iter().zip(crate::experiment::arm_starts(&loaded)) {
        let set: Vec<String> = arm.overrides.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let own = blocker.map_or(String::new(), |section| {
            format!(" [own warm-up: changes {section}, so it cannot start from the counterfactual's warm state]")
        });
        say!(
            "  {:<24} {}{own}",
            arm.name,
            if set.is_empty() {
                "(base as written)".into()
            } else {
                set.join(", ")
            }
        );
    }
    let e = estimate(&loaded, b.replications, 1);
    say!("estimate  {:.1} M events, about {:.0} s on one core", e.events / 1e6, e.seconds);
    let cancel = catch_signals();
    let d = warmup::diagnose(&loaded, b.seed, warmup::REPLICATIONS, cancel).map_err(warmup_error)?;
    say_raw!("{}", warmup_report(&d));
    Ok(())
}

/// `signpost check PORTFOLIO`: every PCN loaded, the shared arms, the
/// estimate, and each PCN's warm-up verdict in a line.
fn check_portfolio(path: &Path, label: &str) -> Result<(), CliError> {
    let p = crate::portfolio::load_file(path, None)?;
    let spec = &p.spec;
    say!("{label}: OK");
    say!("portfolio {} — {}", spec.name, spec.description);
    say!(
        "run       {} PCNs, {} patients, {} replications, seed {} (each PCN's derived from it)",
        p.pcns.len(),
        p.list_size(),
        spec.replications,
        spec.seed
    );
    say!("arms      {}", p.arm_names().join(", "));
    let e = crate::portfolio::estimate(&p, spec.replications, 1);
    say!(
        "estimate  {:.1} M events, about {:.0} s on one core, {:.0} MiB",
        e.events / 1e6,
        e.seconds,
        e.bytes / f64::from(1u32 << 20)
    );
    let cancel = catch_signals();
    for pcn in &p.pcns {
        let d = warmup::diagnose(&pcn.loaded, pcn.seed, warmup::REPLICATIONS, cancel).map_err(warmup_error)?;
        let verdict = match crate::report::terminal::warmup_warning(&d) {
            None => "warm-up passes".to_string(),
            Some(w) => w,
        };
        say!(
            "  {:<20} {:>9} patients  seed {:<20} {}: {verdict}",
            pcn.name(),
            pcn.list_size(),
            pcn.seed,
            pcn.loaded.file
        );
    }
    Ok(())
}

/// A diagnostic that did not run, as a CLI error.
pub(super) fn warmup_error(e: warmup::DiagnosticError) -> CliError {
    match e {
        warmup::DiagnosticError::Scenario(e) => CliError::from(e),
        warmup::DiagnosticError::Cancelled => CliError::stopped("warm-up diagnostic stopped; nothing written".to_string()),
    }
}

/// The warm-up diagnostic as printed by `signpost check`: one line per
/// weekly queue, then the suggested warm-up.
pub(super) fn warmup_report(d: &WarmupDiagnostic) -> String {
    let mut out = format!(
        "warm-up   MSER-5 on the counterfactual's weekly queues ({} replications averaged, {} weeks from day 0); window starts week {}\n",
        d.replications, d.run_weeks, d.warmup_weeks
    );
    for s in &d.series {
        let cut = s.cut.map_or(String::new(), |c| format!(" (settles at week {})", c.truncate_weeks));
        let verdict = match s.verdict {
            Verdict::Steady => format!("steady{cut}"),
            Verdict::Transient { weeks_into_window } => format!("TRANSIENT: settles {weeks_into_window} weeks into the window{cut}"),
            Verdict::Immaterial { weeks_into_window, bias } => {
                format!("steady enough: settles {weeks_into_window} weeks into the window but moves its mean by only {bias:+.2}{cut}")
            }
            Verdict::NeverSettles => format!("NEVER SETTLES within {} weeks", d.run_weeks),
            Verdict::TooShort => "too short to judge".to_string(),
        };
        out.push_str(&format!("  {:<28} {verdict}\n", s.name));
    }
    let suggested = d.suggested_warmup_days();
    out.push_str(&if d.passes() {
        format!("  passes: the window starts after every transient (shortest passing warm-up {suggested:.0} days)")
    } else {
        format!("  FAILS: suggested warm-up at least {suggested:.0} days (time.warmup_days)")
    });
    out
}

/// `signpost calibrate`: the baseline against published figures.
pub(super) fn calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    let cancel = catch_signals();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    pathway_only(&label, &source, "calibrate")?;
    let loaded = load::load_str(&source, &label)?;
    let (replications, threads) = replications_and_threads(args.common.reps, loaded.base.replications, args.common.threads)?;
    let options = RunOptions {
        replications,
        seed: args.common.seed.unwrap_or(loaded.base.seed),
        journeys: 0,
    };
    let cut = crate::calibrate::calibration_arms(&loaded);
    let result = on_pool(threads, || run_experiment(&cut, options, &|_, _| {}, cancel))?
        .map_err(|c| CliError::stopped(format!("stopped after {} of {} runs; nothing written", c.done, c.total)))?;
    let national = crate::calibrate::evaluate(&loaded, &result);
    let local = crate::calibrate::local::evaluate(&loaded, &result);
    let outcomes: Vec<_> = national.iter().chain(&local).cloned().collect();
    if let Some(path) = &args.csv {
        crate::output::write_atomic(path, crate::calibrate::csv(&outcomes).as_bytes()).map_err(|e| CliError::Failed(e.to_string()))?;
    }
    say!("{}: {}", loaded.file, loaded.name());
    say_raw!("{}", crate::calibrate::table(&national, replications));
    if !local.is_empty() {
        say_raw!("\n{}", crate::calibrate::local::table(&loaded, &local, replications));
    }
    let outside = outcomes
        .iter()
        .filter(|o| matches!(o.verdict, crate::calibrate::Verdict::Below | crate::calibrate::Verdict::Above))
        .count();
    if args.strict && outside > 0 {
        return Err(CliError::Failed(format!(
            "{outside} calibration target(s) outside their published range"
        )));
    }
    Ok(())
}

/// `signpost sensitivity`: one factor at a time, into a result directory.
pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<(), CliError> {
    // Before the output directory is created, and once for all the runs.
    let cancel = catch_signals();
    let (label, source) = read_scenario(args.common.scenario.as_deref())?;
    pathway_only(&label, &source, "sensitivity")?;
    let (ranges_label, ranges_text) = match &args.ranges {
        None => (sens::DEFAULT_RANGES_LABEL.to_string(), sens::DEFAULT_RANGES_TOML.to_string()),
        Some(p) => (p.display().to_string(), load::read_text(p, &p.display().to_string())?),
    };
    // Every variant is loaded and checked before anything runs.
    let plan = sens::plan(&source, &label, &ranges_text, &ranges_label)?;
    let base = &plan.base;
    let (replications, threads) = replications_and_threads(args.common.reps, base.base.replications, args.common.threads)?;
    let options = RunOptions {
        replications,
        seed: args.common.seed.unwrap_or(base.base.seed),
        journeys: 0,
    };
    let runs = plan.runs();
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-sensitivity", base.name())));
    let pending = PendingDir::create(&target, args.force)?;
    if !args.quiet {
        eprintln!(
            "{}: {} factors × 2 values + base = {runs} runs of {} replications; estimated {:.0} s on {threads} threads",
            base.name(),
            plan.variants.len(),
            replications,
            estimate(base, replications, threads).seconds * runs as f64
        );
    }
    let interactive = !args.quiet && std::io::stderr().is_terminal();
    let starting = |k: usize, runs: usize| {
        if interactive {
            eprint!("\r  run {k}/{runs} ");
            let _ = std::io::stderr().flush();
        }
    };
    let analysis = on_pool(threads, || plan.run(options, &starting, cancel))?.map_err(|e| match e {
        SensitivityError::Ranges(e) => CliError::from(e),
        SensitivityError::Cancelled { cancelled: c, .. } => {
            CliError::stopped(format!("stopped after {} of {} runs; nothing written", c.done, c.total))
        }
    })?;
    if interactive {
        eprint!("\r{}\r", " ".repeat(30));
    }
    let files = sens::files(&analysis, &ranges_text, !args.no_charts).map_err(|e| CliError::failed("writing results", e))?;
    write_files(pending.path(), &files)?;
    let written = pending.commit()?;
    if !args.quiet {
        say_raw!("{}", sens::table(&analysis));
        say!("Results: {}", written.display());
    }
    Ok(())
}
