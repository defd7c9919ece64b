//! Work spread over the machine's cores, with results in input order: what is generated never depends
//! on which thread ran what, or when.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

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
/// and finish alone. The calling thread works too; a panic in `f` is resumed on the calling thread.
pub fn map_largest_first<T: Sync, R: Send>(items: &[T], size: impl Fn(&T) -> usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(&items[i])));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((i, f(&items[i])));
        }
        done
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(scope, work).ok())
            .collect();
        let mut finished = vec![work()];
        for helper in helpers {
            finished.push(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        for (i, r) in finished.into_iter().flatten() {
            slots[i] = Some(r);
        }
    });
    slots.into_iter().map(|r| r.expect("every item is mapped once")).collect()
}
