//! Search caches shared by the threads of a run.
//!
//! A lazy DFA (or backtracker, or PikeVM) is shared by all threads, but each
//! search needs a mutable cache of its own. A pool hands one out per search
//! and takes it back afterwards, so each thread keeps reusing warm caches and
//! a run holds at most one cache per thread per automaton.

use std::sync::Mutex;

/// A pool of caches of type `C`.
#[derive(Debug)]
pub struct CachePool<C> {
    /// Boxed: a lazy DFA's cache is a few hundred bytes, and it was copied
    /// out of the pool and back for every search (a tenth of a search's
    /// cost on a short text); a box moves as one pointer.
    idle: Mutex<Vec<Box<C>>>,
}

impl<C> Default for CachePool<C> {
    fn default() -> CachePool<C> {
        CachePool {
            idle: Mutex::new(Vec::new()),
        }
    }
}

impl<C> CachePool<C> {
    /// Runs `search` with an idle cache, or a new one from `create`.
    pub fn with<R>(&self, create: impl FnOnce() -> C, search: impl FnOnce(&mut C) -> R) -> R {
        // A poisoned pool (a search panicked) only costs a fresh cache.
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut cache = idle.unwrap_or_else(|| Box::new(create()));
        let out = search(&mut cache);
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(cache);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::CachePool;

    #[test]
    fn caches_are_reused() {
        let pool = CachePool::default();
        let mut made = 0;
        for _ in 0..3 {
            pool.with(
                || {
                    made += 1;
                    Vec::<u8>::new()
                },
                |cache| cache.push(1),
            );
        }
        assert_eq!(made, 1);
        assert_eq!(pool.with(Vec::new, |cache| cache.len()), 3);
    }
}
