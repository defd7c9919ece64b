//! Work spread over the machine's cores, with results in input order: what is generated never depends
//! on which thread ran what, or when.

use std::num::NonZeroUsize;

/// Stack of each worker: the main thread's usual size, since the parser and the emitters recurse.
const STACK_SIZE: usize = 8 * 1024 * 1024;

/// Worker threads to use: `NAFTIKO_CODEGEN_THREADS` when set to a positive number (1 runs everything
/// on the calling thread), else every core the process may use.
pub fn threads() -> usize {
    std::env::var("NAFTIKO_CODEGEN_THREADS")
        .ok()
        .and_then(|t| t.trim().parse::<usize>().ok())
        .filter(|&t| t > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// `items.iter().map(f).collect()` on [`threads`] threads, handing out the largest items (by `size`) first, so that a big one does not start last
/// and finish alone. The calling thread waits; a panic in `f` is resumed on the calling thread.
//
// A rayon pool of its own (sized by `threads`, 8 MiB stacks) fed through `par_bridge`, which hands items out in the given order;
// `par_iter` splits the sorted list in halves, so the second worker starts with a middling item. Measured against the scoped
// threads it replaces, `cargo xtask bench --only compiler --runs 3` ("… + emit + format, 2 threads", dev corpus, 527 specs), the
// builds back to back, runs with no other job on the cores: par_bridge 2240–2299 ms (2475 once), ours 2274–2380 ms, par_iter
// 2263–2507 ms. No slower, so rayon.
pub fn map_largest_first<T: Sync, R: Send>(items: &[T], size: impl Fn(&T) -> usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::iter::{ParallelBridge, ParallelIterator};
    let threads = threads().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).stack_size(STACK_SIZE).build() else {
        return items.iter().map(f).collect();
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(&items[i])));
    let mut done: Vec<(usize, R)> = pool.install(|| order.into_iter().par_bridge().map(|i| (i, f(&items[i]))).collect());
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_in_input_order() {
        let items: Vec<u64> = (0..200).map(|i| (i * 7919) % 101).collect();
        let mapped = map_largest_first(&items, |&n| n as usize, |&n| (n, std::thread::current().id()));
        assert_eq!(mapped.iter().map(|(n, _)| *n).collect::<Vec<_>>(), items);
        assert!(map_largest_first(&[] as &[u64], |_| 0, |&n| n).is_empty());
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let items = [1, 2, 3, 4];
        let caught = std::panic::catch_unwind(|| map_largest_first(&items, |&n| n, |&n| if n == 3 { panic!("item {n}") } else { n }));
        assert!(caught.is_err());
    }
}
