//! One ref-net replication of fixed length (100,000 minutes after a 10,000
//! minute warm-up; ~350,000 events), single-threaded: the event-loop cost.
//! `cargo bench --bench network`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use signpost::network::{load_str, sim::simulate};

fn refnet(c: &mut Criterion) {
    let scn = load_str(
        include_str!("../scenarios/validation/refnet.toml"),
        "scenarios/validation/refnet.toml",
    )
    .expect("refnet loads")
    .with_run_length(10_000.0, 100_000.0);
    let events = simulate(&scn, 1, 0).events;
    let mut group = c.benchmark_group("network");
    group.throughput(Throughput::Elements(events));
    group.sample_size(20);
    group.bench_function("refnet_replication_110k_min", |b| {
        let mut rep = 0;
        b.iter(|| {
            rep += 1;
            simulate(&scn, 1, rep % 8).events
        })
    });
    group.finish();
}

criterion_group!(benches, refnet);
criterion_main!(benches);
