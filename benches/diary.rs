//! Booking the default scenario's GP diary: urgent, same-day and
//! lead-time requests until the diary is full. `cargo bench --bench diary`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::Rng;
use signpost::engine::{stream_rng, Stream};
use signpost::model::diary::{Diary, Request};
use signpost::scenario::load::load_default;
use std::hint::black_box;

/// Requests per batch (a few weeks of the default PCN's GP bookings).
const REQUESTS: u64 = 20_000;

fn diary(c: &mut Criterion) {
    let loaded = load_default().expect("built-in default scenario is valid");
    let s = &loaded.arms[0].scenario;
    let shape = signpost::model::diary_shapes(s, s.raw.gp.prebooked_share).swap_remove(0).1;
    let mut rng = stream_rng(1, 0, Stream::Numbered(0));
    let requests: Vec<Request> = (0..REQUESTS)
        .map(|i| Request {
            today: (i / 600) as usize,
            today_usable: rng.random::<f64>() < 0.8,
            urgent: rng.random::<f64>() < 0.3,
            desired_lead: rng.random_range(0..14),
        })
        .collect();
    let mut group = c.benchmark_group("diary");
    group.sample_size(10).throughput(Throughput::Elements(REQUESTS));
    group.bench_function("gp_book", |b| {
        b.iter_batched(
            || Diary::new(&s.calendar, &shape),
            |mut d| {
                let mut booked = 0usize;
                for &r in &requests {
                    booked += usize::from(d.book(black_box(r)).is_some());
                }
                (d, booked)
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, diary);
criterion_main!(benches);
