//! A whole ICB in one run (issue #14): a portfolio of PCN scenarios with
//! shared arms, run in one pool with common random numbers per PCN, and
//! the ICB rolled up from per-replication sums.

use crate::support::{root, signpost, small_text, snapshot, temp_dir};
use signpost::metric::Metric;
use signpost::portfolio::{self, pcn_seed, run_portfolio, Portfolio, PortfolioResult};
use signpost::scenario::load::load_str;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Three small PCNs (two of 5,000 patients, one of 7,000), each its own name.
pub(crate) fn pcn_texts() -> Vec<(String, String)> {
    [("north", 5000), ("river", 7000), ("castle", 5000)]
        .iter()
        .map(|(name, list)| {
            let text = small_text()
                .replace("name = \"small\"", &format!("name = \"{name}\""))
                .replace("list_size = 5000", &format!("list_size = {list}"));
            (format!("{name}.toml"), text)
        })
        .collect()
}

pub(crate) const PORTFOLIO: &str =
    "[portfolio]\nname = \"vale\"\nseed = 11\nreplications = 3\npcns = [\"north.toml\", \"river.toml\", \"castle.toml\"]\n";

/// Writes the portfolio and its PCN files into a fresh directory.
pub(crate) fn write_portfolio(tag: &str, portfolio: &str, pcns: &[(String, String)]) -> PathBuf {
    let dir = temp_dir(tag);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in pcns {
        std::fs::write(dir.join(file), text).unwrap();
    }
    std::fs::write(dir.join("portfolio.toml"), portfolio).unwrap();
    dir
}

fn assemble(portfolio_text: &str, pcns: &[(String, String)]) -> Result<Portfolio, signpost::error::ScenarioError> {
    let spec = portfolio::parse(portfolio_text, "portfolio.toml")?;
    let labels: Vec<String> = spec.pcn_files.clone();
    let texts: Vec<String> = spec
        .pcn_files
        .iter()
        .map(|f| pcns.iter().find(|(name, _)| name == f).map(|(_, t)| t.clone()).unwrap_or_default())
        .collect();
    Portfolio::assemble(spec, &labels, &texts)
}

fn run(p: &Portfolio) -> PortfolioResult {
    run_portfolio(p, p.spec.replications, &|_, _| {}, &AtomicBool::new(false)).expect("not cancelled")
}

fn metric(result: &signpost::experiment::ExperimentResult, arm: usize, m: Metric) -> Vec<f64> {
    let a = &result.arms[arm];
    let i = a.metric_index(m.name()).expect("metric");
    a.values.iter().map(|row| row[i]).collect()
}

#[test]
fn each_pcn_equals_that_pcn_run_alone_with_its_seed() {
    let pcns = pcn_texts();
    let p = assemble(PORTFOLIO, &pcns).unwrap();
    let result = run(&p);
    for (i, (_, text)) in pcns.iter().enumerate() {
        let alone = load_str(text, "alone.toml").unwrap();
        let seed = pcn_seed(11, alone.name());
        assert_eq!(p.pcns[i].seed, seed);
        let options = signpost::experiment::RunOptions {
            replications: 3,
            seed,
            journeys: 0,
        };
        let own = signpost::experiment::run_experiment(&alone, options, &|_, _| {}, &AtomicBool::new(false)).unwrap();
        for (a, b) in own.arms.iter().zip(&result.pcns[i].arms) {
            assert_eq!(a.metric_names, b.metric_names);
            // Bit for bit, NaN where undefined.
            let bits = |v: &Vec<Vec<f64>>| v.iter().flatten().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.values), bits(&b.values), "{} arm {}", alone.name(), a.name);
        }
    }
    // PCNs get their own random numbers: the two PCNs identical but for
    // their names do not give the same results.
    assert_ne!(
        metric(&result.pcns[0], 1, Metric::GpAppointments),
        metric(&result.pcns[2], 1, Metric::GpAppointments)
    );
}

#[test]
fn the_icb_adds_pcns_replication_by_replication() {
    let p = assemble(PORTFOLIO, &pcn_texts()).unwrap();
    let result = run(&p);
    let arms = result.icb.arms.len();
    assert_eq!(arms, p.arm_names().len());
    for arm in 0..arms {
        for m in [
            Metric::GpAppointments,
            Metric::GpAppointmentsSavedNet,
            Metric::BounceBacks,
            Metric::CostIncremental,
        ] {
            let icb = metric(&result.icb, arm, m);
            for (r, total) in icb.iter().enumerate() {
                let sum: f64 = result.pcns.iter().map(|pcn| metric(pcn, arm, m)[r]).sum();
                assert_eq!(*total, sum, "{} arm {arm} replication {r}", m.name());
            }
        }
    }
    // The share freed is the ratio of the ICB's totals, not a mean of shares.
    let a = 1;
    let net = metric(&result.icb, a, Metric::GpAppointmentsSavedNet);
    let gp = metric(&result.icb, a, Metric::GpAppointments);
    let share = metric(&result.icb, a, Metric::GpShareFreed);
    for r in 0..net.len() {
        assert!((share[r] - net[r] / (gp[r] + net[r])).abs() < 1e-12);
    }
    // Intervals from per-replication sums: the mean is the sum of means and
    // the half-width is never wider than the PCNs' half-widths added
    // (sd of a sum ≤ sum of sds, same t quantile).
    let i = result.icb.arms[a].metric_index(Metric::GpAppointmentsSavedNet.name()).unwrap();
    let icb = result.icb.arms[a].summary(i);
    let ci = |s: &signpost::stats::Summary| s.confidence_interval(0.95).map(|c| (c.high - c.low) / 2.0).unwrap();
    let pcn_summaries: Vec<_> = result.pcns.iter().map(|pcn| pcn.arms[a].summary(i)).collect();
    let mean_sum: f64 = pcn_summaries.iter().map(|s| s.mean().unwrap()).sum();
    assert!((icb.mean().unwrap() - mean_sum).abs() < 1e-9);
    let added: f64 = pcn_summaries.iter().map(ci).sum();
    assert!(ci(&icb) <= added + 1e-9, "{} > {added}", ci(&icb));
}

#[test]
fn the_portfolio_arms_replace_every_pcns_own() {
    let with_arms = format!("{PORTFOLIO}\n[[arms]]\nname = \"more_link_workers\"\nset = {{ \"splw.fte\" = 4.0 }}\n");
    let p = assemble(&with_arms, &pcn_texts()).unwrap();
    assert_eq!(p.arm_names(), ["counterfactual", "more_link_workers"]);
    for pcn in &p.pcns {
        assert_eq!(pcn.loaded.arms[1].scenario.raw.splw.fte, 4.0);
    }
}

#[test]
fn bad_portfolios_are_refused_naming_the_file_and_the_rule() {
    let pcns = pcn_texts();
    let err = |portfolio: &str, pcns: &[(String, String)]| assemble(portfolio, pcns).unwrap_err().to_string();
    let e = err(&PORTFOLIO.replace("pcns = [", "pcns = [\"north.toml\", "), &pcns);
    assert!(e.contains("portfolio.toml") && e.contains("listed twice"), "{e}");
    let e = err(&PORTFOLIO.replace("name = \"vale\"", "name = \"a b\""), &pcns);
    assert!(e.contains("portfolio.name"), "{e}");
    let e = err(&PORTFOLIO.replace("seed = 11", "sede = 11"), &pcns);
    assert!(e.contains("unknown key `sede`") && e.contains("did you mean"), "{e}");
    let e = err(&PORTFOLIO.replace("replications = 3", "replications = 0"), &pcns);
    assert!(e.contains("portfolio.replications"), "{e}");
    // Two PCNs of one name.
    let mut same = pcns.clone();
    same[1].1 = same[0].1.clone();
    let e = err(PORTFOLIO, &same);
    assert!(e.contains("river.toml") && e.contains("also the name of north.toml"), "{e}");
    // Different arms without portfolio [[arms]].
    let mut arms = pcns.clone();
    arms[2].1.push_str("\n[[arms]]\nname = \"extra\"\nset = { \"splw.fte\" = 3.0 }\n");
    let e = err(PORTFOLIO, &arms);
    assert!(e.contains("castle.toml") && e.contains("must share their arms"), "{e}");
    // Different windows.
    let mut window = pcns.clone();
    window[1].1 = window[1].1.replace("horizon_days = 84", "horizon_days = 91");
    let e = err(PORTFOLIO, &window);
    assert!(e.contains("river.toml") && e.contains("one window"), "{e}");
    // An error inside a PCN file points into that file.
    let mut broken = pcns.clone();
    broken[0].1 = broken[0].1.replace("fte = 2.8", "fte = -1.0");
    let e = err(PORTFOLIO, &broken);
    assert!(e.starts_with("north.toml:") && e.contains("gp.fte"), "{e}");
}

fn out_files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = snapshot(dir);
    // Wall-clock facts are the only bytes that may differ between runs.
    files.retain(|path, _| !path.ends_with("run.json") && !path.ends_with("portfolio.json"));
    files
}

#[test]
fn signpost_run_on_a_portfolio_writes_pcns_and_the_icb_the_same_on_any_threads() {
    let dir = write_portfolio("portfolio-cli", PORTFOLIO, &pcn_texts());
    let file = dir.join("portfolio.toml").display().to_string();
    let mut snapshots = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.join(format!("out{threads}"));
        let o = signpost(&["run", &file, "--threads", threads, "--out", out.to_str().unwrap(), "--quiet"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        snapshots.push(out_files(&out));
    }
    assert_eq!(snapshots[0], snapshots[1], "results depend on the thread count");
    let files = &snapshots[0];
    for f in [
        "pcns.csv",
        "report.html",
        "icb/summary.csv",
        "icb/comparison.csv",
        "icb/replications.csv",
        "pcns/north/summary.csv",
        "pcns/river/timeseries.csv",
        "charts/portfolio_01_freed_per_1000_by_pcn.svg",
        "charts/portfolio_02_icb_against_aim.png",
    ] {
        assert!(files.contains_key(Path::new(f)), "{f} missing");
    }
    let pcns_csv = String::from_utf8_lossy(&files[Path::new("pcns.csv")]).into_owned();
    // Three PCNs and the ICB, two policy arms each (small.toml's), plus the header.
    assert_eq!(pcns_csv.lines().count(), 1 + 4 * 2, "{pcns_csv}");
    assert!(pcns_csv.lines().last().unwrap().starts_with("icb,vale,17000,,"), "{pcns_csv}");
    let html = String::from_utf8_lossy(&files[Path::new("report.html")]).into_owned();
    assert!(html.contains("PCN by PCN") && html.contains("river") && html.contains("against the NHS 5% aim"));
    // The ICB's summary has the contract's columns.
    let summary = String::from_utf8_lossy(&files[Path::new("icb/summary.csv")]).into_owned();
    assert!(summary.starts_with("arm,metric,mean,sd,ci_low,ci_high,n\n"));
}

#[test]
fn portfolio_input_errors_exit_2_and_write_nothing() {
    let dir = write_portfolio("portfolio-errors", &PORTFOLIO.replace("castle.toml", "missing.toml"), &pcn_texts());
    let file = dir.join("portfolio.toml").display().to_string();
    let out = dir.join("out");
    let o = signpost(&["run", &file, "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("missing.toml") && stderr.lines().count() == 1, "{stderr}");
    assert!(!out.exists());
    std::fs::write(dir.join("portfolio.toml"), PORTFOLIO).unwrap();
    let o = signpost(&["run", &file, "--journeys", "5", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--journeys: not for a portfolio"));
    // The estimate-and-refuse guard covers portfolios: 5 million patients
    // for 20 years is hundreds of millions of episodes (tens of GiB).
    let huge: Vec<(String, String)> = pcn_texts()
        .into_iter()
        .map(|(f, t)| {
            let t = t.replace("list_size = 7000", "list_size = 5000");
            (
                f,
                t.replace("list_size = 5000", "list_size = 5000000")
                    .replace("warmup_days = 14", "warmup_days = 3650")
                    .replace("horizon_days = 84", "horizon_days = 3650"),
            )
        })
        .collect();
    let dir = write_portfolio("portfolio-huge", PORTFOLIO, &huge);
    let file = dir.join("portfolio.toml").display().to_string();
    let o = signpost(&["run", &file, "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GiB of memory") && stderr.contains("--allow-large"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_portfolio_estimate_adds_the_pcns_results_to_the_largest_running_model() {
    let p = assemble(PORTFOLIO, &pcn_texts()).unwrap();
    let whole = portfolio::estimate(&p, 3, 2);
    let each: Vec<_> = p
        .pcns
        .iter()
        .map(|pcn| signpost::experiment::estimate::estimate(&pcn.loaded, 3, 2))
        .collect();
    let largest_running = each.iter().map(|e| e.bytes - e.held_bytes).fold(0.0, f64::max);
    let held: f64 = each.iter().map(|e| e.held_bytes).sum();
    // Every PCN's results and files are held to the end, beyond the reduced results.
    assert!(whole.bytes > largest_running + held);
    assert!((whole.bytes - largest_running - whole.held_bytes).abs() < 1.0);
    assert!(whole.bytes >= each.iter().map(|e| e.bytes).fold(0.0, f64::max));
    assert!((whole.events - each.iter().map(|e| e.events).sum::<f64>()).abs() < 1.0);
}

#[test]
fn init_by_pcn_writes_a_portfolio_of_the_icbs_pcns_that_loads() {
    let icb = root().join("tests/fixtures/nhs/icb");
    let dir = temp_dir("init-by-pcn");
    let files: Vec<String> = [
        "gp-reg-pat-prac-all.csv",
        "gp-reg-pat-prac-map.csv",
        "gpad-practice-level-crosstab.csv",
        "gpad-coverage.csv",
    ]
    .iter()
    .map(|f| icb.join(f).display().to_string())
    .collect();
    let mut args = vec!["init", "--area", "QZZ", "--by-pcn", "--out", dir.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    let o = signpost(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.join("portfolio.toml")).unwrap();
    let spec = portfolio::parse(&text, "portfolio.toml").unwrap();
    assert_eq!(spec.pcn_files.len(), 6);
    let labels = spec.pcn_files.clone();
    let texts: Vec<String> = labels.iter().map(|f| std::fs::read_to_string(dir.join(f)).unwrap()).collect();
    let p = Portfolio::assemble(spec, &labels, &texts).unwrap();
    // Every practice of the fixture ICB, once: its whole registered list.
    let listed: u64 = std::fs::read_to_string(icb.join("gp-reg-pat-prac-all.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit(',').next()?.trim().parse::<u64>().ok())
        .sum();
    assert_eq!(p.list_size(), listed);
    // Again without --force: refused, the directory left as it was.
    let o = signpost(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("already exist"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
