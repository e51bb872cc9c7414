//! The event queue alone: a steady state of pending events like a
//! pathway day's (most for later days, some within the hour, ties), one
//! push per pop. `cargo bench --bench event_queue`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::Rng;
use signpost::engine::{stream_rng, EventQueue, Stream};
use std::hint::black_box;

/// Pending events in the steady state (a default replication keeps a few
/// thousand).
const PENDING: usize = 4_000;
/// Push/pop pairs timed per batch.
const OPS: u64 = 100_000;

/// Delay of the next event \[minutes\]: within the hour, later today, or
/// days ahead (a booking), on whole minutes so that ties occur.
fn delay(rng: &mut impl Rng) -> f64 {
    let u: f64 = rng.random();
    let minutes = if u < 0.4 {
        rng.random_range(0..60)
    } else if u < 0.6 {
        rng.random_range(60..600)
    } else {
        rng.random_range(1_440..40_320)
    };
    f64::from(minutes)
}

fn queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue");
    group.sample_size(10).throughput(Throughput::Elements(OPS));
    group.bench_function("hold_push_pop", |b| {
        b.iter_batched(
            || {
                let mut rng = stream_rng(1, 0, Stream::Numbered(0));
                let mut q = EventQueue::new();
                for i in 0..PENDING as u32 {
                    q.push(delay(&mut rng), i);
                }
                (q, rng)
            },
            |(mut q, mut rng)| {
                for _ in 0..OPS {
                    let (t, e) = q.pop().expect("never empty");
                    q.push(t + delay(&mut rng), black_box(e));
                }
                q
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, queue);
criterion_main!(benches);
