//! The discrete-event engine: a time-ordered event queue, the simulation
//! calendar and seeded random-number streams.
//!
//! The engine knows nothing about primary care; the pathway model in
//! [`crate::model`] and the pure queueing networks both
//! run on it.

pub mod calendar;
pub mod categorical;
pub mod queue;
pub mod resource;
pub mod rng;
pub mod slot_sort;

pub use categorical::Categorical;
pub use queue::EventQueue;
pub use resource::{Admission, QueueLimit, Refusal, Resource, Ticket};
pub use rng::{stream_rng, SimRng, Stream};

/// A copy of `v` with at least its capacity, where a derived clone would
/// allocate only its length: an arm forked from a warm state then fills
/// its arenas and buckets without growing them again (issue #12).
pub fn clone_with_capacity<T: Copy>(v: &Vec<T>) -> Vec<T> {
    let mut copy = Vec::with_capacity(v.capacity());
    copy.extend_from_slice(v);
    copy
}

/// Asks the CPU to start loading the cache line holding `value`, so that a
/// read a few events later does not wait on memory. Only a hint: it never
/// changes a result, and is a no-op off x86-64 (the what-if page's wasm).
///
/// A pathway run misses the cache mostly where an event names a record
/// last touched long ago: the episode of an appointment booked weeks ahead,
/// the patient of an arrival (issue #12).
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing architecturally and cannot fault;
    // the pointer comes from a live reference anyway. SSE is part of the
    // x86-64 baseline.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
