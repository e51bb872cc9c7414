//! The future-event list, ordered by `(time, sequence)`.
//!
//! Events at the same instant leave in the order they were scheduled
//! (first-in, first-out), which makes every run reproducible and lets a
//! model reason about same-time ordering explicitly.
//!
//! # Why not one binary heap
//!
//! A pathway replication keeps thousands of events pending (GP and role
//! appointments booked weeks ahead, link-worker sessions, programme ends),
//! and with one heap every pop paid a sift through all of them, mostly
//! cache misses: about 40% of a run (issue #12). Most of those events are
//! for a later hour or day, and nothing needs their order until then. So
//! time is cut into windows ([`WINDOW`], one simulated hour) and:
//!
//! - an event for the current window (or earlier) goes into a short list
//!   kept sorted, latest first, that holds only what is due within the
//!   hour (about 11 events on the default, a few hundred for a list of a
//!   million): an insertion-sort step to insert (a binary search and a
//!   `memmove` past 8 events), and a pop from its end,
//!   which took 3.7% fewer instructions and fewer mispredicted branches
//!   than a binary heap (which sifts on every pop);
//! - an event for one of the next [`RING_WINDOWS`] windows is appended,
//!   unsorted, to that window's bucket;
//! - an event further ahead waits in an overflow heap (rare: the
//!   calendar's own day and week marks of a long run);
//! - when the current window is used up, the next non-empty bucket is
//!   sorted once and becomes a sorted run that pops from its end.
//!
//! A run of events scheduled together already in time order (a day's
//! arrivals) can skip all of that: [`EventQueue::push_lane`] keeps them
//! as they are, in a *lane*, each with the sequence number it would have
//! had if pushed one by one.
//!
//! A pop takes the smallest of the near list's last, the run's head and the
//! lane's head. Every
//! event keeps the sequence number it was given when pushed, and buckets
//! are only opened in window order, so the pop order is exactly that of
//! one heap ordered by `(time, sequence)` — the property test below checks
//! it against `BinaryHeap` on random pushes and pops with ties.

mod bucket_sort;

use super::clone_with_capacity;

use std::collections::{BinaryHeap, VecDeque};

/// Width of a time window \[minutes\]: one simulated hour. Narrower
/// windows make the near list and the sorts shorter; one hour measured
/// best on the default (day-wide windows left ~400 events near; 15
/// minutes was no faster).
pub const WINDOW: f64 = 60.0;

/// Windows ahead of the current one that have a bucket; later events wait
/// in the overflow heap. 4,096 hours (170 days) covers a booking horizon
/// many times over.
pub const RING_WINDOWS: usize = 4096;

/// Earlier events an insertion into the near list passes one by one
/// ([`EventQueue::push_near`]) before it finds the rest of its way by a binary
/// search and moves them with one `memmove`.
const NEAR_SHIFT_STEPS: usize = 8;

/// Windows in a week: the pools of spare bucket vectors.
const WINDOWS_PER_WEEK: usize = (7.0 * 24.0 * 60.0 / WINDOW) as usize;

/// The spare pool of `window`: its hour of the week.
#[inline]
fn spare_pool(window: i64) -> usize {
    window.rem_euclid(WINDOWS_PER_WEEK as i64) as usize
}

/// Order-preserving map of a finite `f64` to a `u64`: `a.total_cmp(&b)`
/// equals `key(a).cmp(&key(b))`, so two integer compares replace a float
/// compare and its tie-break.
#[inline]
fn time_key(time: f64) -> u64 {
    let bits = time.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Inverse of [`time_key`].
#[inline]
fn key_time(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
}

/// One scheduled event.
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    /// [`time_key`] of the simulation time.
    time: u64,
    /// Scheduling order, breaks ties first-in, first-out.
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// The total order of pops: earlier time first, then earlier push.
    #[inline]
    fn key(&self) -> (u64, u64) {
        (self.time, self.seq)
    }
}

/// `Entry` ordered for `BinaryHeap` (a max-heap): the earliest on top.
#[derive(Debug, Clone, Copy)]
struct Near<E>(Entry<E>);

impl<E> PartialEq for Near<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0.key() == other.0.key()
    }
}
impl<E> Eq for Near<E> {}
impl<E> PartialOrd for Near<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Near<E> {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.key().cmp(&self.0.key())
    }
}

/// A future-event list. `E` should be small and `Copy` so that scheduling
/// never allocates once the buckets have grown to their working size.
/// A clone keeps those sizes (see its `Clone`).
#[derive(Debug)]
pub struct EventQueue<E> {
    /// Events of the current window (or earlier) pushed during it, and
    /// overflow events that fell due, sorted latest first (pops from the end).
    near: Vec<Entry<E>>,
    /// The current window's bucket, sorted latest first (pops from the end).
    run: Vec<Entry<E>>,
    /// `ring[i]`: unsorted events of window `current + 1 + i`.
    ring: VecDeque<Vec<Entry<E>>>,
    /// Events beyond the ring.
    far: BinaryHeap<Near<E>>,
    /// Emptied bucket vectors kept for reuse, so no day allocates; one
    /// pool per hour of the week ([`spare_pool`]), so a vector that held a
    /// Monday morning's appointments serves the next Monday morning, not a
    /// Sunday night's few events.
    spare: Vec<Vec<Vec<Entry<E>>>>,
    /// Scratch for a bucket's packed sort keys ([`bucket_sort`]).
    keys: Vec<u64>,
    /// Index of the current window (`floor(time / WINDOW)`).
    current: i64,
    /// Events in the ring's buckets.
    in_ring: usize,
    /// Times ([`time_key`]) of the lane: events scheduled together in time
    /// order, all the same event; `lane[lane_pos..]` are still pending.
    lane: Vec<u64>,
    lane_pos: usize,
    /// Sequence number of `lane[0]` (`lane[i]` has `lane_seq + i`).
    lane_seq: u64,
    lane_event: Option<E>,
    seq: u64,
    popped: u64,
}

/// Every arm of a replication starts from a clone of the warm state's
/// queue. With a derived clone each bucket and spare vector would have
/// only its length, and the arm would grow them all again as it books
/// ahead, reallocating as it goes. Keeping the sizes, the default's peak
/// RSS at `--threads 1` was 63 MB instead of 78–83 MB (3 runs each), for
/// 0.2% fewer instructions. It takes the hour-of-week pools too: with one
/// shared spare stack, kept sizes alone left it at 84 MB.
impl<E: Copy> Clone for EventQueue<E> {
    fn clone(&self) -> Self {
        Self {
            near: clone_with_capacity(&self.near),
            run: clone_with_capacity(&self.run),
            ring: self.ring.iter().map(clone_with_capacity).collect(),
            far: self.far.clone(),
            spare: self
                .spare
                .iter()
                .map(|pool| pool.iter().map(clone_with_capacity).collect())
                .collect(),
            keys: Vec::with_capacity(self.keys.capacity()),
            current: self.current,
            in_ring: self.in_ring,
            lane: clone_with_capacity(&self.lane),
            lane_pos: self.lane_pos,
            lane_seq: self.lane_seq,
            lane_event: self.lane_event,
            seq: self.seq,
            popped: self.popped,
        }
    }
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// The window containing `time` (saturating far outside any real run).
/// Multiplying by the reciprocal may put an instant within rounding of a
/// boundary in the neighbouring window; that is harmless, because the
/// order of pops needs only that later times never get earlier windows,
/// and a product with a positive constant is monotone. The truncation
/// corrects itself below zero rather than call `floor` (a libm call on
/// baseline x86-64).
#[inline]
fn window_of(time: f64) -> i64 {
    let w = time * (1.0 / WINDOW);
    let t = w as i64;
    t - i64::from((t as f64) > w)
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            near: Vec::with_capacity(1024),
            run: Vec::new(),
            ring: VecDeque::new(),
            far: BinaryHeap::new(),
            spare: (0..WINDOWS_PER_WEEK).map(|_| Vec::new()).collect(),
            keys: Vec::new(),
            current: 0,
            in_ring: 0,
            lane: Vec::new(),
            lane_pos: 0,
            lane_seq: 0,
            lane_event: None,
            seq: 0,
            popped: 0,
        }
    }

    /// Schedules `event` at `time` \[minutes\]. Times must be finite.
    #[inline]
    pub fn push(&mut self, time: f64, event: E) {
        debug_assert!(time.is_finite(), "event time must be finite");
        let entry = Entry {
            time: time_key(time),
            seq: self.seq,
            event,
        };
        self.seq += 1;
        let ahead = window_of(time).saturating_sub(self.current);
        if ahead <= 0 {
            self.push_near(entry);
        } else if ahead as usize <= RING_WINDOWS {
            self.bucket(ahead as usize - 1).push(entry);
            self.in_ring += 1;
        } else {
            self.far.push(Near(entry));
        }
    }

    /// Schedules `event` at each of `times` \[minutes\], which must be
    /// finite and in ascending order: the same as pushing them one by one,
    /// in order (the same pops, ties included), without sorting them again.
    /// While an earlier lane is still pending they are pushed one by one.
    pub fn push_lane(&mut self, times: impl ExactSizeIterator<Item = f64>, event: E)
    where
        E: Copy,
    {
        if self.lane_pos < self.lane.len() {
            for t in times {
                self.push(t, event);
            }
            return;
        }
        self.lane.clear();
        self.lane_pos = 0;
        self.lane_seq = self.seq;
        self.lane.extend(times.map(|t| {
            debug_assert!(t.is_finite(), "event time must be finite");
            time_key(t)
        }));
        debug_assert!(self.lane.windows(2).all(|w| w[0] <= w[1]), "a lane must be in time order");
        self.seq += self.lane.len() as u64;
        self.lane_event = Some(event);
    }

    /// Inserts `entry` into the hour's sorted `near` list, latest first.
    #[inline]
    fn push_near(&mut self, entry: Entry<E>) {
        let key = entry.key();
        let near = &mut self.near;
        near.push(entry);
        // An insertion-sort step: each earlier event (they sit at the end)
        // moves up one place as it is passed, in one loop with no call to
        // `memmove`, for up to NEAR_SHIFT_STEPS of them.
        let mut i = near.len() - 1;
        let stop = i.saturating_sub(NEAR_SHIFT_STEPS);
        while i > stop && near[i - 1].key() < key {
            near[i] = near[i - 1];
            i -= 1;
        }
        if i == stop && i > 0 && near[i - 1].key() < key {
            // Further from the end: a binary search, and the rest moved at once.
            let at = near[..i].partition_point(|e| e.key() > key);
            near.copy_within(at..i, at + 1);
            i = at;
        }
        near[i] = entry;
    }

    /// An empty vector for the bucket of `window`, from its pool.
    #[inline]
    fn take_spare(&mut self, window: i64) -> Vec<Entry<E>> {
        self.spare[spare_pool(window)].pop().unwrap_or_default()
    }

    /// Keeps the emptied bucket vector of `window` for reuse.
    #[inline]
    fn give_spare(&mut self, window: i64, mut bucket: Vec<Entry<E>>) {
        bucket.clear();
        self.spare[spare_pool(window)].push(bucket);
    }

    /// The lane's next event's `(time key, sequence)`.
    #[inline]
    fn lane_head(&self) -> Option<(u64, u64)> {
        self.lane.get(self.lane_pos).map(|&t| (t, self.lane_seq + self.lane_pos as u64))
    }

    /// The bucket `index` windows after the next one, created if needed.
    #[inline]
    fn bucket(&mut self, index: usize) -> &mut Vec<Entry<E>> {
        while self.ring.len() <= index {
            let window = self.current + 1 + self.ring.len() as i64;
            let v = self.take_spare(window);
            self.ring.push_back(v);
        }
        &mut self.ring[index]
    }

    /// Removes and returns the earliest event with its time \[minutes\].
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)>
    where
        E: Copy,
    {
        if self.near.is_empty() && self.run.is_empty() && !self.advance() {
            return self.pop_lane();
        }
        let (from_run, key) = match (self.near.last(), self.run.last()) {
            (Some(n), Some(r)) => (r.key() < n.key(), r.key().min(n.key())),
            (None, Some(r)) => (true, r.key()),
            (Some(n), None) => (false, n.key()),
            (None, None) => unreachable!("advance found an event"),
        };
        if self.lane_head().is_some_and(|lane| lane < key) {
            return self.pop_lane();
        }
        let entry = if from_run { self.run.pop() } else { self.near.pop() }?;
        self.popped += 1;
        Some((key_time(entry.time), entry.event))
    }

    /// Pops the lane's next event, if any.
    #[inline]
    fn pop_lane(&mut self) -> Option<(f64, E)>
    where
        E: Copy,
    {
        let &time = self.lane.get(self.lane_pos)?;
        self.lane_pos += 1;
        self.popped += 1;
        Some((key_time(time), self.lane_event?))
    }

    /// Opens windows until one has events (the next bucket becomes the
    /// sorted run); false if no event is pending. Called only when the
    /// current window is used up.
    #[cold]
    fn advance(&mut self) -> bool {
        while self.near.is_empty() && self.run.is_empty() {
            if self.in_ring == 0 {
                // Nothing in the ring: jump straight to the overflow's first
                // window rather than stepping through empty ones.
                let Some(first) = self.far.peek() else {
                    return false;
                };
                let target = window_of(key_time(first.0.time)) - 1;
                if target > self.current {
                    let first = self.current + 1;
                    for (i, v) in std::mem::take(&mut self.ring).into_iter().enumerate() {
                        self.give_spare(first + i as i64, v);
                    }
                    self.current = target;
                }
            }
            let window = self.current + 1;
            let mut bucket = self.ring.pop_front().unwrap_or_else(|| self.take_spare(window));
            self.current += 1;
            self.refill_from_far();
            if bucket.is_empty() {
                self.give_spare(window, bucket);
                continue;
            }
            self.in_ring -= bucket.len();
            bucket_sort::sort_into_run(&mut bucket, &mut self.keys, &mut self.run);
            self.give_spare(window, bucket);
        }
        true
    }

    /// Moves overflow events that are now within the ring's reach (or in
    /// the current window) to where they belong.
    fn refill_from_far(&mut self) {
        while let Some(top) = self.far.peek() {
            let ahead = window_of(key_time(top.0.time)).saturating_sub(self.current);
            if ahead > RING_WINDOWS as i64 {
                break;
            }
            let Some(Near(entry)) = self.far.pop() else { break };
            if ahead <= 0 {
                self.push_near(entry);
            } else {
                self.bucket(ahead as usize - 1).push(entry);
                self.in_ring += 1;
            }
        }
    }

    /// The event `k` places along the current window's sorted run (0: the
    /// run's next), if the run is that long: a look-ahead for prefetching.
    /// Not necessarily the `k + 1`-th next event overall (the near list and
    /// the lane interleave with the run).
    #[inline]
    pub fn run_ahead(&self, k: usize) -> Option<&E> {
        let i = self.run.len().checked_sub(k + 1)?;
        Some(&self.run[i].event)
    }

    /// Time of the earliest pending event \[minutes\]. Cheap unless the
    /// current window is used up (then it scans the next bucket).
    pub fn peek_time(&self) -> Option<f64> {
        let near = self.near.last().map(Entry::key);
        let run = self.run.last().map(Entry::key);
        let key = match (near, run) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
        .or_else(|| {
            let bucket = self.ring.iter().find(|b| !b.is_empty());
            bucket
                .and_then(|b| b.iter().map(Entry::key).min())
                .or_else(|| self.far.peek().map(|n| n.0.key()))
        });
        let key = match (key, self.lane_head()) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some(key_time(key.0))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.near.len() + self.run.len() + self.in_ring + self.far.len() + (self.lane.len() - self.lane_pos)
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Events popped so far (the engine's event count).
    pub fn events_processed(&self) -> u64 {
        self.popped
    }
}

#[cfg(test)]
mod tests;
