//! Navigation decisions on the default scenario's trained, capacity-aware
//! arm: route by need, check the directory, accept or decline, send on.
//! `cargo bench --bench navigation`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use signpost::model::probe::Probe;
use signpost::scenario::load::load_default;
use std::hint::black_box;

/// Decisions per batch (about a week of the default PCN's contacts).
const DECISIONS: u32 = 3_000;

fn navigation(c: &mut Criterion) {
    let loaded = load_default().expect("built-in default scenario is valid");
    let mut group = c.benchmark_group("navigation");
    group.sample_size(10).throughput(Throughput::Elements(u64::from(DECISIONS)));
    for arm in [&loaded.arms[0], loaded.arms.last().expect("arms")] {
        group.bench_function(arm.name.as_str(), |b| {
            b.iter_batched(
                || Probe::new(&arm.scenario, 1),
                |mut p| black_box(p.navigate(DECISIONS)),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, navigation);
criterion_main!(benches);
