//! Latin hypercube sampling: one point per stratum in every 1-D projection
//! (McKay, Beckman & Conover 1979).

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Column `dim` of an n-point Latin hypercube: a seeded random permutation
/// of the n strata, each point jittered uniformly inside its stratum. The
/// generator is seeded from `stream_seed` alone, so a column does not change
/// when more dimensions are requested.
pub(super) fn column(n: usize, stream_seed: u64) -> Vec<f64> {
    let mut bytes = [0u8; 32];
    let mut state = stream_seed;
    for chunk in bytes.chunks_exact_mut(8) {
        chunk.copy_from_slice(&super::splitmix64(&mut state).to_le_bytes());
    }
    let mut rng = Xoshiro256PlusPlus::from_seed(bytes);
    let mut strata: Vec<usize> = (0..n).collect();
    // Fisher–Yates, drawing indices through u64 so the shuffle is the same
    // on every platform.
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        strata.swap(i, j);
    }
    strata
        .into_iter()
        .map(|s| {
            // A 32-bit jitter keeps stratum + jitter exact in f64 for
            // n < 2^20, so each point stays inside its own stratum.
            let jitter = (f64::from(rng.next_u32()) + 0.5) / 4_294_967_296.0;
            ((s as f64 + jitter) / n as f64).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0)
        })
        .collect()
}
