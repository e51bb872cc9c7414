//! The event queue's order against one binary heap, and its buffers.

use super::*;
use proptest::prelude::*;
use std::cmp::Reverse;

#[test]
fn pops_in_time_order_with_fifo_ties() {
    let mut q = EventQueue::new();
    q.push(5.0, 'a');
    q.push(1.0, 'b');
    q.push(5.0, 'c');
    q.push(0.5, 'd');
    q.push(5.0, 'e');
    let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    assert_eq!(order, vec!['d', 'b', 'a', 'c', 'e']);
    assert_eq!(q.events_processed(), 5);
}

#[test]
fn time_key_preserves_total_order() {
    let xs = [-1e300, -2.0, -0.0, 0.0, 1e-300, 0.5, 1440.0, 1440.0 + 1e-9, 1e300];
    for a in xs {
        assert_eq!(key_time(time_key(a)).to_bits(), a.to_bits());
        for b in xs {
            assert_eq!(time_key(a).cmp(&time_key(b)), a.total_cmp(&b), "{a} vs {b}");
        }
    }
}

#[test]
fn far_future_and_past_events_come_out_in_order() {
    let mut q = EventQueue::new();
    let times = [3.0e9, 10.0, WINDOW * (RING_WINDOWS as f64 + 5.0), -50.0, WINDOW * 2.5, 3.0e9];
    for (i, &t) in times.iter().enumerate() {
        q.push(t, i);
    }
    assert_eq!(q.len(), times.len());
    assert_eq!(q.peek_time(), Some(-50.0));
    let order: Vec<usize> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    assert_eq!(order, vec![3, 1, 4, 2, 0, 5]);
    assert!(q.is_empty() && q.peek_time().is_none());
}

#[test]
fn run_ahead_looks_along_the_sorted_run() {
    let mut q = EventQueue::new();
    for (i, t) in [WINDOW * 1.5, WINDOW * 1.25, WINDOW * 1.75, WINDOW * 1.25].into_iter().enumerate() {
        q.push(t, i);
    }
    assert_eq!(q.run_ahead(0), None, "no run before the window opens");
    assert_eq!(q.pop(), Some((WINDOW * 1.25, 1)));
    // Left in the run, next first: 3 (the tie pushed later), 0, 2.
    assert_eq!(
        [q.run_ahead(0), q.run_ahead(1), q.run_ahead(2), q.run_ahead(3)],
        [Some(&3), Some(&0), Some(&2), None]
    );
    assert_eq!(q.pop(), Some((WINDOW * 1.25, 3)));
}

#[test]
fn spare_buckets_keep_their_hour_of_the_week() {
    // One busy hour a week (1,000 events booked a week ahead) among
    // quiet ones, and every hour one event 40 days ahead (a re-referral,
    // say), so the ring holds 960 windows. A vector serves windows of
    // one hour of the week only, so the busy hour's few vectors (one
    // per busy window the ring can hold, 6) are all that grow big.
    // From one shared pool, the busy hour would take a different quiet
    // vector each week and grow it: 40 of them by the end.
    let mut q = EventQueue::new();
    let week = WINDOWS_PER_WEEK as i64;
    for hour in 0..45 * week {
        while q.peek_time().is_some_and(|t| t < (hour + 1) as f64 * WINDOW) {
            q.pop();
        }
        let busy = if hour % week == 10 { 1000 } else { 0 };
        for _ in 0..busy {
            q.push((hour + week) as f64 * WINDOW + 1.0, ());
        }
        q.push((hour + 960) as f64 * WINDOW + 1.0, ());
    }
    let big = q
        .spare
        .iter()
        .flatten()
        .chain(q.ring.iter())
        .filter(|v| v.capacity() >= 1000)
        .count();
    assert!(big <= 8, "{big} bucket vectors grown to a busy hour's size");
}

#[test]
fn a_clone_keeps_bucket_sizes_and_pops_the_same() {
    let mut q = EventQueue::new();
    for i in 0..600 {
        q.push(WINDOW * (2.0 + f64::from(i % 3) * 24.0) + f64::from(i) * 0.05, i);
    }
    for _ in 0..250 {
        q.pop(); // empties the first bucket: its vector goes spare
    }
    let c = q.clone();
    let sizes = |q: &EventQueue<i32>| -> Vec<usize> { q.spare.iter().flatten().chain(q.ring.iter()).map(Vec::capacity).collect() };
    assert!(sizes(&q).iter().any(|&n| n >= 200), "a grown vector to keep");
    assert_eq!(sizes(&c), sizes(&q));
    let drain = |mut q: EventQueue<i32>| std::iter::from_fn(move || q.pop()).collect::<Vec<_>>();
    assert_eq!(drain(c), drain(q));
}

/// The reference: one binary heap ordered by `(time, sequence)`.
fn reference_order(ops: &[(bool, f64)]) -> Vec<(u64, usize)> {
    let mut heap = BinaryHeap::new();
    let mut out = Vec::new();
    for (i, &(push, t)) in ops.iter().enumerate() {
        if push {
            heap.push(Reverse((time_key(t), i)));
        } else if let Some(Reverse((k, id))) = heap.pop() {
            out.push((k, id));
        }
    }
    while let Some(Reverse((k, id))) = heap.pop() {
        out.push((k, id));
    }
    out
}

#[test]
fn near_lists_short_and_long_insert_in_order() {
    // Both ways into the near list: passing up to NEAR_SHIFT_STEPS
    // earlier events one by one, and a binary search beyond them, with
    // ties, all within the current window, a pop after every third push.
    let mut q = EventQueue::new();
    let mut timed = Vec::new();
    let mut got = Vec::new();
    let mut x: u32 = 12_345;
    for i in 0..400 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let t = f64::from((x >> 16) % 50) * 0.5;
        q.push(t, timed.len());
        timed.push((true, t));
        if i % 3 == 2 {
            let (t, id) = q.pop().unwrap();
            got.push((time_key(t), id));
            timed.push((false, 0.0));
        }
    }
    assert!(q.near.len() > 2 * NEAR_SHIFT_STEPS, "the long path ran: {}", q.near.len());
    while let Some((t, id)) = q.pop() {
        got.push((time_key(t), id));
    }
    assert_eq!(got, reference_order(&timed));
}

proptest! {
    /// Random pushes and pops, with many ties, pushes into the past,
    /// today, the ring and beyond it: the same pops as one heap.
    #[test]
    fn pops_exactly_as_one_heap(
        ops in prop::collection::vec((prop::bool::weighted(0.6), 0u32..40, 0u32..4, 0u32..6), 1..600)
    ) {
        let mut q = EventQueue::new();
        let mut now = 0.0;
        let mut timed = Vec::new();
        let mut got = Vec::new();
        for (i, &(push, a, b, scale)) in ops.iter().enumerate() {
            // Offsets from "now": whole windows, fractions of one, exact ties.
            let span = [0.0, 1.0, WINDOW / 4.0, WINDOW, WINDOW * 37.0, WINDOW * 900.0][scale as usize];
            let t = now + f64::from(a) * span + f64::from(b) * 0.25 - 0.5;
            timed.push((push, t));
            if push {
                q.push(t, i);
            } else if let Some((t, id)) = q.pop() {
                now = t;
                got.push((time_key(t), id));
            }
        }
        while let Some((t, id)) = q.pop() {
            got.push((time_key(t), id));
        }
        prop_assert_eq!(got, reference_order(&timed));
    }

    /// As above, with lanes: runs of sorted times pushed together
    /// (sometimes while an earlier lane is pending) pop exactly as if
    /// pushed one by one.
    #[test]
    fn lanes_pop_as_pushes_one_by_one(
        ops in prop::collection::vec((0u32..3, 0u32..40, 0u32..4, 0u32..6, 0usize..12), 1..300)
    ) {
        let mut q = EventQueue::new();
        let mut now = 0.0;
        let mut timed = Vec::new();
        let mut got = Vec::new();
        for &(kind, a, b, scale, n) in &ops {
            let span = [0.0, 1.0, WINDOW / 4.0, WINDOW, WINDOW * 37.0, WINDOW * 900.0][scale as usize];
            let t = now + f64::from(a) * span + f64::from(b) * 0.25 - 0.5;
            match kind {
                0 => if let Some((t, id)) = q.pop() {
                    now = t;
                    got.push((time_key(t), id));
                    timed.push((false, 0.0));
                },
                1 => {
                    q.push(t, timed.len());
                    timed.push((true, t));
                }
                _ => {
                    // Ascending, with ties; each gets the id it would have pushed singly.
                    let times: Vec<f64> = (0..n).map(|i| t + (i / 2) as f64 * span / 3.0).collect();
                    let first = timed.len();
                    timed.extend(times.iter().map(|&t| (true, t)));
                    // A lane's events are all the same: tag them by time, check ids after.
                    q.push_lane(times.iter().copied(), usize::MAX - first);
                }
            }
        }
        while let Some((t, id)) = q.pop() {
            got.push((time_key(t), id));
        }
        // Lane events come back as `usize::MAX - first`: give each its own id,
        // in pop order (ties within a lane pop in order).
        let mut next_of_lane = std::collections::HashMap::new();
        let got: Vec<(u64, usize)> = got
            .into_iter()
            .map(|(k, id)| {
                if id > usize::MAX / 2 {
                    let first = usize::MAX - id;
                    let n = next_of_lane.entry(first).or_insert(first);
                    *n += 1;
                    (k, *n - 1)
                } else {
                    (k, id)
                }
            })
            .collect();
        // `timed` records a pop only where one happened.
        prop_assert_eq!(got, reference_order(&timed));
    }
}
