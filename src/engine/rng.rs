//! Seeded random-number streams.
//!
//! Every replication owns a family of generators, one per [`Stream`]. Each
//! generator is seeded from the hashed key `(scenario seed, replication,
//! stream)` through SplitMix64, so neighbouring seeds and replications give
//! statistically independent streams, and a draw for one purpose (say, GP
//! did-not-attend) never shifts the draws of another (say, arrivals). That
//! separation is what makes common random numbers work across arms.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere: small, fast, portable and reproducible.
pub type SimRng = Xoshiro256PlusPlus;

/// The purpose a stream of random numbers serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Exogenous demand: arrival counts and times, patient and need draws.
    Arrivals,
    /// Patient traits: contact rates, rurality.
    Patients,
    /// Reception handling, patience and retries.
    Reception,
    /// Navigator routing decisions and patient acceptance.
    Navigation,
    /// GP diary: lead times, did-not-attend, consultation outcomes.
    Gp,
    /// Other practice roles' diaries.
    Roles,
    /// Community pharmacy and self-care.
    Pharmacy,
    /// Link-worker service.
    LinkWorker,
    /// Voluntary-sector services.
    Vcse,
    /// Bounce-back returns and revolving-door re-contacts.
    Returns,
    /// Staff absence and service closures.
    Staffing,
    /// Initial state (pre-existing caseloads and bookings).
    InitialState,
    /// The online route's choice for each new arrival: online or phone,
    /// when the request is written, who triages it.
    OnlineChoice,
    /// Triage times of online requests.
    OnlineTriage,
    /// Pharmacy First's decisions (hashed per episode, not drawn in turn).
    PharmacyFirst,
    /// A numbered stream, e.g. one per node of a queueing network.
    Numbered(u32),
}

impl Stream {
    fn key(self) -> u64 {
        match self {
            Stream::Arrivals => 1,
            Stream::Patients => 2,
            Stream::Reception => 3,
            Stream::Navigation => 4,
            Stream::Gp => 5,
            Stream::Roles => 6,
            Stream::Pharmacy => 7,
            Stream::LinkWorker => 8,
            Stream::Vcse => 9,
            Stream::Returns => 10,
            Stream::Staffing => 11,
            Stream::InitialState => 12,
            Stream::OnlineChoice => 13,
            Stream::OnlineTriage => 14,
            Stream::PharmacyFirst => 20,
            Stream::Numbered(n) => 1_000 + u64::from(n),
        }
    }
}

/// One step of SplitMix64: advances `state` and returns a well-mixed word.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes `(seed, replication, stream)` into a single 64-bit key.
fn mix_key(seed: u64, replication: u64, stream: Stream) -> u64 {
    let mut state = seed;
    let a = splitmix64(&mut state);
    let mut state = a ^ replication.wrapping_mul(0xD605_BBB5_8C8A_BBD3);
    let b = splitmix64(&mut state);
    let mut state = b ^ stream.key().wrapping_mul(0xA24B_AED4_963E_E407);
    splitmix64(&mut state)
}

/// The generator for one purpose in one replication.
pub fn stream_rng(seed: u64, replication: u64, stream: Stream) -> SimRng {
    let mut state = mix_key(seed, replication, stream);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    SimRng::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_key_same_stream() {
        let mut a = stream_rng(7, 3, Stream::Gp);
        let mut b = stream_rng(7, 3, Stream::Gp);
        for _ in 0..100 {
            assert_eq!(a.random::<u64>(), b.random::<u64>());
        }
    }

    #[test]
    fn neighbouring_keys_are_uncorrelated() {
        // Correlation of the first 10,000 uniforms between neighbouring
        // replications and streams must be indistinguishable from zero
        // (|r| < 4 / sqrt(n) is a 4-sigma bound).
        let n = 10_000;
        let pairs = [
            (stream_rng(1, 0, Stream::Gp), stream_rng(1, 1, Stream::Gp)),
            (stream_rng(1, 0, Stream::Gp), stream_rng(2, 0, Stream::Gp)),
            (stream_rng(1, 0, Stream::Gp), stream_rng(1, 0, Stream::Roles)),
        ];
        for (mut a, mut b) in pairs {
            let xs: Vec<f64> = (0..n).map(|_| a.random::<f64>()).collect();
            let ys: Vec<f64> = (0..n).map(|_| b.random::<f64>()).collect();
            let mx = xs.iter().sum::<f64>() / n as f64;
            let my = ys.iter().sum::<f64>() / n as f64;
            let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
            let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
            let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
            let r = cov / (vx * vy).sqrt();
            assert!(r.abs() < 4.0 / (n as f64).sqrt(), "correlation {r}");
        }
    }
}
