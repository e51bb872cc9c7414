//! Link-worker sessions on the default scenario's whole-system arm:
//! referrals join the caseload, then four weeks of their sessions
//! (absence, disengagement, linking, holding, discharge).
//! `cargo bench --bench link_worker`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use signpost::model::probe::Probe;
use signpost::scenario::load::load_default;
use std::hint::black_box;

fn link_worker(c: &mut Criterion) {
    let loaded = load_default().expect("built-in default scenario is valid");
    let arm = loaded.arms.last().expect("arms");
    let sessions = Probe::new(&arm.scenario, 1).link_worker_sessions(200, 28.0);
    eprintln!("{}: {sessions} sessions per batch", arm.name);
    let mut group = c.benchmark_group("link_worker");
    group.sample_size(10);
    group.bench_function("sessions_28_days", |b| {
        b.iter_batched(
            || Probe::new(&arm.scenario, 1),
            |mut p| black_box(p.link_worker_sessions(200, 28.0)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, link_worker);
criterion_main!(benches);
