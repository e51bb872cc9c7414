//! The episode arena, and the pool that hands a finished replication's
//! arena buffers to the next one.
//!
//! An arena is the largest block a replication allocates (about 21 MB for
//! the default's 50,000-patient PCN-year, one per warm state and one per
//! arm forked from it). Freed and allocated again for every replication,
//! blocks of that size are what the allocator keeps as a fragmented heap
//! that grows with the number of replications (issue #12); passed from one
//! replication to the next they are allocated once per run.

use super::episode::Episode;
use std::sync::{Arc, Mutex};

/// Episode-arena buffers of one run, free for the next replication to
/// take. The pool holds at most as many buffers as there were arenas
/// alive at once (about two per thread), each emptied: what a replication
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
/// the differently sized blocks fragment the heap (issue #12). With a
/// pool, the buffer comes from it and goes back to it when the arena is
/// dropped.
pub(super) struct Episodes {
    list: Vec<Episode>,
    pool: Option<Arc<ArenaPool>>,
}

impl Episodes {
    /// An empty arena with room for `capacity` episodes, its buffer from
    /// `pool` when there is one.
    pub(super) fn with_capacity(capacity: usize, pool: Option<Arc<ArenaPool>>) -> Self {
        let list = match &pool {
            Some(pool) => pool.take(capacity),
            None => Vec::with_capacity(capacity),
        };
        Episodes { list, pool }
    }
}

impl Clone for Episodes {
    fn clone(&self) -> Self {
        let mut copy = Episodes::with_capacity(self.list.capacity(), self.pool.clone());
        copy.list.extend_from_slice(&self.list);
        copy
    }
}

impl Drop for Episodes {
    fn drop(&mut self) {
        if let Some(pool) = &self.pool {
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

    #[test]
    fn a_dropped_arena_gives_its_buffer_to_the_next() {
        let pool = Arc::new(ArenaPool::new());
        let mut first = Episodes::with_capacity(1000, Some(Arc::clone(&pool)));
        first.push(episode(7));
        let buffer = first.as_ptr();
        drop(first);
        let second = Episodes::with_capacity(10, Some(Arc::clone(&pool)));
        assert_eq!(second.as_ptr(), buffer, "the pooled buffer is reused");
        assert!(second.is_empty(), "and emptied");
        assert!(second.capacity() >= 1000);
    }

    #[test]
    fn a_clone_has_the_same_episodes_and_capacity_in_its_own_buffer() {
        let pool = Arc::new(ArenaPool::new());
        let mut arena = Episodes::with_capacity(64, Some(Arc::clone(&pool)));
        arena.extend([episode(1), episode(2)]);
        drop(Episodes::with_capacity(8, Some(Arc::clone(&pool))));
        let copy = arena.clone();
        assert_ne!(copy.as_ptr(), arena.as_ptr());
        assert_eq!(copy.iter().map(|e| e.patient).collect::<Vec<_>>(), [1, 2]);
        assert!(copy.capacity() >= 64, "the small pooled buffer grew to the source's capacity");
    }

    #[test]
    fn a_pooled_buffer_too_small_grows_to_exactly_what_is_asked() {
        let pool = Arc::new(ArenaPool::new());
        drop(Episodes::with_capacity(150, Some(Arc::clone(&pool))));
        // A doubling policy would give 300, and a buffer passed on
        // replication after replication would keep the excess.
        let arena = Episodes::with_capacity(200, Some(Arc::clone(&pool)));
        assert_eq!(arena.capacity(), 200);
    }
}
