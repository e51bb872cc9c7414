//! One replication of the default scenario, per arm: the whole pathway
//! model's event loop, including building the 50,000-patient list.
//!
//! `cargo bench --bench replication`. Events per replication are printed
//! once so time per event can be derived.

use criterion::{criterion_group, criterion_main, Criterion};
use signpost::model::run_replication;
use signpost::scenario::load::load_default;
use std::hint::black_box;

fn replication(c: &mut Criterion) {
    let loaded = load_default().expect("built-in default scenario is valid");
    let mut group = c.benchmark_group("default_scenario_replication");
    group.sample_size(10);
    for arm in [&loaded.arms[0], &loaded.arms[4]] {
        let events = run_replication(&arm.scenario, 1, 0, 0).events;
        eprintln!("{}: {events} events per replication", arm.name);
        group.bench_function(arm.name.as_str(), |b| {
            b.iter(|| black_box(run_replication(&arm.scenario, black_box(1), 0, 0)))
        });
    }
    group.finish();
}

criterion_group!(benches, replication);
criterion_main!(benches);
