//! Sorting a window's bucket into the queue's sorted run, latest first by
//! (time, seq). Most buckets are sorted as packed `u64` keys
//! ([`pack_keys`]); the rest by the full key.

use super::Entry;
use std::cmp::Reverse;

/// Sorts `bucket`'s events latest first by (time, seq) into `run` (empty
/// on entry); `bucket` is left empty, its capacity kept. `keys` is
/// scratch.
pub(super) fn sort_into_run<E: Copy>(bucket: &mut Vec<Entry<E>>, keys: &mut Vec<u64>, run: &mut Vec<Entry<E>>) {
    debug_assert!(run.is_empty());
    if pack_keys(bucket, keys) {
        // Ascending packed keys; the run pops from its end.
        keys.sort_unstable();
        run.extend(keys.iter().rev().map(|&k| bucket[(k & POSITION_MASK) as usize]));
        bucket.clear();
    } else {
        bucket.sort_unstable_by_key(|e| Reverse(u128::from(e.time) << 64 | u128::from(e.seq)));
        std::mem::swap(run, bucket);
    }
}

/// Bits of a packed bucket key that hold the event's place in its bucket.
const POSITION_BITS: u32 = 16;
const POSITION_MASK: u64 = (1 << POSITION_BITS) - 1;

/// Packs each event of `bucket` into one `u64` that sorts as its
/// (time, seq) key does: the time's offset from the bucket's earliest
/// above [`POSITION_BITS`] bits of its place in the bucket. That is exact
/// when places follow `seq` (events appended by `push` do; overflow events
/// moved in later may not), the times span under 2^48 keys, and the
/// bucket holds at most 2^16 events. The span holds for every window from
/// minute 1,024 of a run on: there an hour holds fewer than 2^48 doubles.
/// Plain integers sort with sorting networks and branchless partitions
/// rather than a mispredicted branch per comparison. False (and `keys`
/// unspecified) when any condition fails: sort the entries.
pub(super) fn pack_keys<E>(bucket: &[Entry<E>], keys: &mut Vec<u64>) -> bool {
    let (Some(first), true) = (bucket.first(), bucket.len() <= POSITION_MASK as usize + 1) else {
        return false;
    };
    let (mut lo, mut hi, mut in_seq_order) = (first.time, first.time, true);
    for pair in bucket.windows(2) {
        in_seq_order &= pair[0].seq < pair[1].seq;
    }
    for e in bucket {
        lo = lo.min(e.time);
        hi = hi.max(e.time);
    }
    if !in_seq_order || hi - lo >= 1 << (64 - POSITION_BITS) {
        return false;
    }
    keys.clear();
    keys.extend(bucket.iter().enumerate().map(|(i, e)| (e.time - lo) << POSITION_BITS | i as u64));
    true
}

#[cfg(test)]
mod tests {
    use super::super::time_key;
    use super::*;
    use proptest::prelude::*;

    fn entry(t: f64, seq: u64, event: usize) -> Entry<usize> {
        Entry {
            time: time_key(t),
            seq,
            event,
        }
    }

    #[test]
    fn packed_keys_refuse_what_they_cannot_order() {
        let mut keys = Vec::new();
        assert!(!pack_keys::<usize>(&[], &mut keys), "empty");
        assert!(
            !pack_keys(&[entry(5.0, 1, 0), entry(50.0, 2, 1)], &mut keys),
            "first hour: the span needs more than 48 bits"
        );
        assert!(
            !pack_keys(&[entry(6000.0, 2, 0), entry(6001.0, 1, 1)], &mut keys),
            "places not in seq order"
        );
        assert!(pack_keys(&[entry(6000.0, 1, 0), entry(6001.0, 2, 1)], &mut keys));
    }

    proptest! {
        /// Buckets of any window (the first hours included), times with
        /// ties, places mostly in seq order (sometimes not, as when
        /// overflow events move in): the run comes out exactly as sorting
        /// by the full key, whichever way it was sorted.
        #[test]
        fn run_is_the_full_key_order(
            hour in prop_oneof![0u32..20, 17u32..60_000],
            items in prop::collection::vec((0u32..240, 0u64..3, prop::bool::weighted(0.05)), 1..300)
        ) {
            let mut seq = 1_000_000;
            let mut bucket: Vec<Entry<usize>> = items
                .iter()
                .enumerate()
                .map(|(i, &(quarter, gap, older))| {
                    seq += 1 + gap;
                    let s = if older { seq - 999_000 } else { seq };
                    entry(f64::from(hour) * super::super::WINDOW + f64::from(quarter) * 0.25, s, i)
                })
                .collect();
            let mut expected = bucket.clone();
            expected.sort_unstable_by_key(|e| Reverse(u128::from(e.time) << 64 | u128::from(e.seq)));
            let (mut keys, mut run) = (Vec::new(), Vec::new());
            sort_into_run(&mut bucket, &mut keys, &mut run);
            prop_assert!(bucket.is_empty());
            let got: Vec<usize> = run.iter().map(|e| e.event).collect();
            let want: Vec<usize> = expected.iter().map(|e| e.event).collect();
            prop_assert_eq!(got, want);
        }
    }
}
