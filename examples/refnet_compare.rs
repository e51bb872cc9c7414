//! ref-net in signpost, with the peers' command line and JSON, for the side-
//! by-side comparison in `tests/peers/`:
//!
//! ```text
//! cargo run --release --example refnet_compare -- --T 1000000 --warmup 10000 --seed 12345 [--reps R] [--threads N] [--out FILE]
//! ```
//!
//! `--T` is the end of the run including the warm-up [minutes], as in the
//! peers' scripts. Events are external arrivals plus service completions,
//! counted over the whole run, as the peers count them.

use anyhow::{bail, Context};
use signpost::network::{self, theory};
use std::time::Instant;

const REFNET: &str = include_str!("../scenarios/validation/refnet.toml");

fn main() -> anyhow::Result<()> {
    let t_start = Instant::now();
    let (mut t_end, mut warmup, mut seed, mut reps, mut threads) = (1_000_000.0, 10_000.0, 12345u64, 1u64, 0usize);
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--T" => t_end = value()?.parse()?,
            "--warmup" => warmup = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "--reps" => reps = value()?.parse()?,
            "--threads" => threads = value()?.parse()?,
            "--out" => out = Some(value()?),
            other => bail!("unknown argument {other}"),
        }
    }
    if !(t_end > warmup && warmup >= 0.0 && reps >= 1) {
        bail!("need T > warmup >= 0 and reps >= 1");
    }
    let scn = network::load_str(REFNET, "scenarios/validation/refnet.toml")?.with_run_length(warmup, t_end - warmup);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let res = pool.install(|| network::run(&scn, reps, seed));
    let theory = theory::analyse(&scn);
    let nodes: Vec<serde_json::Value> = scn
        .nodes
        .iter()
        .zip(&theory)
        .map(|(node, t)| {
            let m = |name: &str| res.metric(&format!("{name}.{}", node.name)).expect("metric");
            let wait = m("wait_mean");
            serde_json::json!({
                "name": node.name,
                "mean_wait": wait.mean(),
                "wait_ci95_halfwidth": wait.ci(0.95).map(|c| c.half_width()),
                "util": m("utilisation").mean(),
                "completions": m("completions").mean(),
                "analytic_Wq": t.map(|t| t.wait),
                "analytic_rho": t.map(|t| t.utilisation),
            })
        })
        .collect();
    let report = serde_json::json!({
        "lib": "signpost",
        "version": env!("CARGO_PKG_VERSION"),
        "T": t_end,
        "warmup": warmup,
        "seed": seed,
        "reps": reps,
        "threads": res.threads,
        "t_sim": res.wall_seconds,
        "events": res.events,
        "events_per_second_sim": res.events_per_second(),
        "t_script_total": t_start.elapsed().as_secs_f64(),
        "nodes": nodes,
    });
    let text = serde_json::to_string_pretty(&report)?;
    if let Some(path) = out {
        std::fs::write(&path, &text).with_context(|| format!("writing {path}"))?;
    }
    println!("{text}");
    Ok(())
}
