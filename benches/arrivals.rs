//! Drawing the default PCN's arrivals a day at a time: the count, the
//! times (sorted), the patients by contact rate and the needs.
//! `cargo bench --bench arrivals`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use signpost::engine::{stream_rng, Stream};
use signpost::model::demand::Population;
use signpost::scenario::load::load_default;
use std::hint::black_box;

/// Days per batch: four weeks, weekends (no arrivals) included.
const DAYS: usize = 28;

fn arrivals(c: &mut Criterion) {
    let loaded = load_default().expect("built-in default scenario is valid");
    let s = &loaded.arms[0].scenario;
    let population = Population::new(s, &mut stream_rng(1, 0, Stream::Patients));
    let mut group = c.benchmark_group("arrivals");
    group.sample_size(20).throughput(Throughput::Elements(DAYS as u64));
    group.bench_function("draw_28_days", |b| {
        b.iter_batched(
            || (population.clone(), stream_rng(1, 0, Stream::Arrivals)),
            |(mut pop, mut rng)| {
                let (mut times, mut out, mut drawn) = (Vec::new(), Vec::new(), 0usize);
                for day in 0..DAYS {
                    pop.draw_day(s, black_box(day), &mut rng, &mut times, &mut out);
                    drawn += out.len();
                }
                drawn
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, arrivals);
criterion_main!(benches);
