//! The episode arena, and the pool that hands a finished arm's arena
//! buffer to the next arm.
//!
//! An arena is the largest block a replication allocates (about 21 MB for
//! the default's 50,000-patient PCN-year, one per warm state and one per
//! arm forked from it). Freed and allocated again for every arm, blocks of
//! that size are what the allocator keeps as a fragmented heap that grows
//! with the number of replications (issue #12); passed from one arm to the
//! next they are allocated about once per thread.

use super::episode::Episode;
use std::sync::{Arc, Mutex};

/// Episode-arena buffers of one run's arms, free for the next arm to
/// take. The pool holds at most as many buffers as there were arms
/// running at once (about one per thread), each emptied: what a replication
/// computes never depends on which buffer it was given, only its speed
/// and the run's memory do.
///
/// Created by the run ([`crate::experiment`], [`crate::portfolio`]) and
/// shared by its replications; nothing global.
#[derive(Debug, Default)]
pub struct ArenaPool(Mutex<Vec<Vec<Episode>>>);

impl ArenaPool {
    /// An empty pool.
    pub fn new() -> ArenaPool {
        ArenaPool::default()
    }

    /// An empty buffer with room for at least `capacity` episodes: a
    /// pooled one if any is free, grown only if it is too small.
    fn take(&self, capacity: usize) -> Vec<Episode> {
        let mut buffer = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop().unwrap_or_default();
        buffer.clear();
        // Exact: a buffer passed on many times must not compound the
        // growth a doubling policy would add each time.
        buffer.reserve_exact(capacity);
        buffer
    }

    /// Gives `buffer` back for a later arena.
    fn give_back(&self, buffer: Vec<Episode>) {
        if buffer.capacity() > 0 {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(buffer);
        }
    }
}

/// The episode arena: every episode created, indexed by id (ids are never
/// reused: journeys.csv names them).
///
/// A clone keeps the capacity. An arm forked from a warm state goes on to
/// create as many episodes again; a plain `Vec` clone would start at the
/// warm state's length and grow by reallocating and copying the lot, and
/// the differently sized blocks fragment the heap (issue #12).
///
/// With a pool, a clone (an arm's arena) takes its buffer from the pool
/// and gives it back when dropped. The arena a warm state is built with
/// is allocated and freed as usual: it fills only to the launch, while a
/// pooled buffer keeps resident every page its fullest user wrote, so a
/// warm state on one would hold a whole arm's pages for a warm-up's
/// episodes.
pub(super) struct Episodes {
    list: Vec<Episode>,
    /// Where this arena's clones take their buffers from.
    pool: Option<Arc<ArenaPool>>,
    /// `list` came from `pool` and goes back to it.
    pooled: bool,
}

impl Episodes {
    /// An empty arena with room for `capacity` episodes, whose clones take
    /// their buffers from `pool` when there is one.
    pub(super) fn with_capacity(capacity: usize, pool: Option<Arc<ArenaPool>>) -> Self {
        Episodes {
            list: Vec::with_capacity(capacity),
            pool,
            pooled: false,
        }
    }
}

impl Clone for Episodes {
    fn clone(&self) -> Self {
        let list = match &self.pool {
            Some(pool) => {
                let mut list = pool.take(self.list.capacity());
                list.extend_from_slice(&self.list);
                list
            }
            None => crate::engine::clone_with_capacity(&self.list),
        };
        Episodes {
            list,
            pool: self.pool.clone(),
            pooled: self.pool.is_some(),
        }
    }
}

impl Drop for Episodes {
    fn drop(&mut self) {
        if let (true, Some(pool)) = (self.pooled, &self.pool) {
            pool.give_back(std::mem::take(&mut self.list));
        }
    }
}

impl std::ops::Deref for Episodes {
    type Target = Vec<Episode>;
    fn deref(&self) -> &Vec<Episode> {
        &self.list
    }
}

impl std::ops::DerefMut for Episodes {
    fn deref_mut(&mut self) -> &mut Vec<Episode> {
        &mut self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(patient: u32) -> Episode {
        Episode::new(patient, 0, 0.0, true, false)
    }

    /// A warm state's arena on `pool`, holding `patients`' episodes.
    fn warm(pool: &Arc<ArenaPool>, capacity: usize, patients: &[u32]) -> Episodes {
        let mut arena = Episodes::with_capacity(capacity, Some(Arc::clone(pool)));
        arena.extend(patients.iter().map(|&p| episode(p)));
        arena
    }

    #[test]
    fn a_dropped_clone_gives_its_buffer_to_the_next_clone() {
        let pool = Arc::new(ArenaPool::new());
        let source = warm(&pool, 1000, &[7]);
        let first = source.clone();
        let buffer = first.as_ptr();
        drop(first);
        let second = source.clone();
        assert_eq!(second.as_ptr(), buffer, "the pooled buffer is reused");
        assert_eq!(
            second.iter().map(|e| e.patient).collect::<Vec<_>>(),
            [7],
            "holding the source's episodes only"
        );
    }

    #[test]
    fn a_warm_states_own_arena_is_not_pooled() {
        let pool = Arc::new(ArenaPool::new());
        drop(warm(&pool, 1000, &[1, 2]));
        let source = warm(&pool, 10, &[3]);
        let copy = source.clone();
        assert_eq!(copy.capacity(), 10, "a fresh buffer of the source's capacity, not the dropped 1000");
    }

    #[test]
    fn a_clone_has_the_same_episodes_and_capacity_in_its_own_buffer() {
        let pool = Arc::new(ArenaPool::new());
        let source = warm(&pool, 64, &[1, 2]);
        let copy = source.clone();
        assert_ne!(copy.as_ptr(), source.as_ptr());
        assert_eq!(copy.iter().map(|e| e.patient).collect::<Vec<_>>(), [1, 2]);
        assert!(copy.capacity() >= 64);
        let plain = Episodes::with_capacity(64, None);
        assert!(plain.clone().capacity() >= 64, "without a pool too");
    }

    #[test]
    fn a_pooled_buffer_too_small_grows_to_exactly_what_is_asked() {
        let pool = Arc::new(ArenaPool::new());
        drop(warm(&pool, 150, &[]).clone());
        // A doubling policy would give 300, and a buffer passed on
        // replication after replication would keep the excess.
        let copy = warm(&pool, 200, &[]).clone();
        assert_eq!(copy.capacity(), 200);
    }
}
