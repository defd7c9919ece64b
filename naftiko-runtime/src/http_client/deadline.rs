//! The request timeout of a thread's [`Direct`](super::direct::Direct) client: one table of the
//! requests in flight and one task that ends those past their deadline, rather than a tokio timer
//! per request.
//!
//! A tokio timer is registered in the runtime's timer wheel when the request is first polled and
//! taken out again when it ends: two trips through the time driver's lock for every request, which
//! the watch of the upstream's reply never needs (it nearly always comes in a millisecond). That was
//! 2% of the REST adapter's CPU per request (instructions counted by callgrind). Here a request
//! takes a slot of a table when it starts and gives it back when it ends; one task per table sleeps
//! until the earliest deadline in it. All requests of a client share one timeout, so deadlines come
//! in the order of the requests: the task wakes about once per timeout while requests come and go,
//! and waits for the next request when the table is empty.
//!
//! The task runs on the runtime of the request that spawned it. A request on another runtime (a
//! thread may run several in turn, and the first may outlive its use) spawns a task there, which
//! takes over: the previous one ends when it next wakes.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The requests in flight on one client, and what ends them at their deadline.
#[derive(Debug)]
pub(crate) struct Deadlines {
    timeout: Duration,
    table: Mutex<Table>,
    /// Wakes the watch when it waits for a first request, or for an earlier deadline than the one it
    /// sleeps until (shared with it, so that it holds nothing of the table while it waits).
    wake: Arc<Notify>,
}

#[derive(Debug, Default)]
struct Table {
    slots: Vec<Slot>,
    /// Slots given back, taken again first.
    free: Vec<usize>,
    /// The watch, once spawned, with the runtime it runs on; spawned again for a request on another
    /// runtime, or once it has ended (its runtime shut down).
    watch: Option<Watch>,
    /// The deadline the watch sleeps until; `None`: it waits for a request.
    next: Option<Instant>,
}

#[derive(Debug)]
struct Watch {
    runtime: tokio::runtime::Id,
    task: tokio::task::JoinHandle<()>,
    /// Counts the watches spawned: one whose number is no longer the table's ends.
    number: u64,
}

#[derive(Debug)]
enum Slot {
    Free,
    Waiting { deadline: Instant, waker: Waker },
    /// Past its deadline: the request ends with a timeout when it is polled next.
    Expired,
}

/// The request took longer than its client's timeout.
#[derive(Debug)]
pub(crate) struct Elapsed;

impl Deadlines {
    pub(crate) fn new(timeout: Duration) -> Arc<Deadlines> {
        Arc::new(Deadlines { timeout, table: Mutex::new(Table::default()), wake: Arc::new(Notify::new()) })
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// `future`, ended with [`Elapsed`] if it is not done within the timeout of its first poll.
    pub(crate) fn within<F: Future>(self: &Arc<Self>, future: F) -> Within<'_, F> {
        Within { future, deadlines: self, slot: None }
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // The table is consistent between statements: a panic elsewhere leaves nothing half-done.
        self.table.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A slot for a request starting now, woken through `waker` at its deadline.
    fn start(self: &Arc<Self>, waker: &Waker) -> usize {
        let deadline = Instant::now() + self.timeout;
        let mut table = self.lock();
        let slot = Slot::Waiting { deadline, waker: waker.clone() };
        let at = match table.free.pop() {
            Some(at) => {
                table.slots[at] = slot;
                at
            }
            None => {
                table.slots.push(slot);
                table.slots.len() - 1
            }
        };
        let runtime = tokio::runtime::Handle::current().id();
        if table.watch.as_ref().is_none_or(|w| w.runtime != runtime || w.task.is_finished()) {
            table.next = Some(deadline);
            let number = table.watch.as_ref().map_or(0, |w| w.number + 1);
            let task = tokio::spawn(watch(Arc::downgrade(self), Arc::clone(&self.wake), number));
            table.watch = Some(Watch { runtime, task, number });
            // A watch it takes over from ends when it wakes.
            self.wake.notify_waiters();
        } else if table.next.is_none_or(|next| deadline < next) {
            table.next = Some(deadline);
            self.wake.notify_one();
        }
        at
    }

    /// Whether the request of `at` is past its deadline; if not, it is woken through `waker` then.
    fn expired(&self, at: usize, waker: &Waker) -> bool {
        match &mut self.lock().slots[at] {
            Slot::Waiting { waker: kept, .. } => {
                kept.clone_from(waker);
                false
            }
            _ => true,
        }
    }

    fn end(&self, at: usize) {
        let mut table = self.lock();
        table.slots[at] = Slot::Free;
        table.free.push(at);
    }

    /// Ends the requests past their deadline; returns the earliest deadline still ahead (`None`: no
    /// request in flight), which watch `number` sleeps until, or `Err` when another watch took over.
    fn expire(&self, number: u64) -> Result<Option<Instant>, ()> {
        let now = Instant::now();
        let mut woken = Vec::new();
        let mut table = self.lock();
        if table.watch.as_ref().is_some_and(|w| w.number != number) {
            return Err(());
        }
        let mut next = None::<Instant>;
        for slot in &mut table.slots {
            match slot {
                Slot::Waiting { deadline, .. } if *deadline <= now => {
                    if let Slot::Waiting { waker, .. } = std::mem::replace(slot, Slot::Expired) {
                        woken.push(waker);
                    }
                }
                Slot::Waiting { deadline, .. } => next = Some(next.map_or(*deadline, |n| n.min(*deadline))),
                Slot::Free | Slot::Expired => {}
            }
        }
        table.next = next;
        drop(table);
        woken.into_iter().for_each(Waker::wake);
        Ok(next)
    }
}

impl Drop for Deadlines {
    /// The watch ends with its table.
    fn drop(&mut self) {
        self.wake.notify_one();
    }
}

/// Sleeps until the earliest deadline of `deadlines` (or until woken for an earlier one, or for a
/// first request) and ends the requests past it, for as long as the table exists and it is the
/// table's watch `number`.
async fn watch(deadlines: Weak<Deadlines>, wake: Arc<Notify>, number: u64) {
    loop {
        let next = match deadlines.upgrade().map(|deadlines| deadlines.expire(number)) {
            Some(Ok(next)) => next,
            Some(Err(())) | None => return,
        };
        match next {
            Some(next) => {
                tokio::select! {
                    () = tokio::time::sleep_until(next) => {}
                    () = wake.notified() => {}
                }
            }
            None => wake.notified().await,
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's future with its deadline (see [`Deadlines::within`]).
    pub(crate) struct Within<'a, F> {
        #[pin]
        future: F,
        deadlines: &'a Arc<Deadlines>,
        slot: Option<usize>,
    }

    impl<F> PinnedDrop for Within<'_, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(at) = this.slot.take() {
                this.deadlines.end(at);
            }
        }
    }
}

impl<F: Future> Future for Within<'_, F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            if let Some(at) = this.slot.take() {
                this.deadlines.end(at);
            }
            return Poll::Ready(Ok(output));
        }
        match *this.slot {
            None => *this.slot = Some(this.deadlines.start(cx.waker())),
            Some(at) if this.deadlines.expired(at, cx.waker()) => {
                this.deadlines.end(at);
                *this.slot = None;
                return Poll::Ready(Err(Elapsed));
            }
            Some(_) => {}
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_free(deadlines: &Deadlines) -> bool {
        deadlines.lock().slots.iter().all(|s| matches!(s, Slot::Free))
    }

    /// A request that does not end in time ends with `Elapsed` at its deadline (never before), one
    /// that does with its output; neither keeps its slot.
    #[tokio::test]
    async fn a_request_past_its_deadline_ends_and_the_others_do_not() {
        let deadlines = Deadlines::new(Duration::from_millis(200));
        let started = Instant::now();
        let hanging = deadlines.within(std::future::pending::<()>());
        let quick = deadlines.within(tokio::time::sleep(Duration::from_millis(20)));
        let (hanging, quick) = tokio::join!(hanging, quick);
        assert!(matches!(hanging, Err(Elapsed)));
        assert!(quick.is_ok());
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(200) && took < Duration::from_secs(5), "{took:?}");
        assert!(all_free(&deadlines));
    }

    /// Requests started later end later, each at or after its own deadline; a request dropped before
    /// its deadline gives its slot back; the table serves again once empty.
    #[tokio::test]
    async fn each_request_ends_at_its_own_deadline() {
        let timeout = Duration::from_millis(300);
        let deadlines = Deadlines::new(timeout);
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..3u32 {
            let deadlines = Arc::clone(&deadlines);
            requests.spawn(async move {
                tokio::time::sleep(Duration::from_millis(100) * i).await;
                let started = Instant::now();
                let result = deadlines.within(std::future::pending::<()>()).await;
                (i, result.is_err(), started, Instant::now())
            });
        }
        assert!(tokio::time::timeout(Duration::from_millis(10), deadlines.within(std::future::pending::<()>())).await.is_err());
        let mut ended = Vec::new();
        while let Some(joined) = requests.join_next().await {
            let (i, timed_out, started, at) = joined.expect("the request did not panic");
            assert!(timed_out && at >= started + timeout, "request {i} ended {:?} after it started", at - started);
            ended.push((at, i));
        }
        ended.sort_unstable();
        assert_eq!(ended.iter().map(|(_, i)| *i).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(all_free(&deadlines));
        assert!(deadlines.within(std::future::pending::<()>()).await.is_err());
    }

    /// The watch ends with the table.
    #[tokio::test]
    async fn the_watch_ends_with_its_table() {
        let deadlines = Deadlines::new(Duration::from_millis(20));
        assert!(deadlines.within(std::future::pending::<()>()).await.is_err());
        let watch = deadlines.lock().watch.take().expect("a watch was spawned");
        drop(deadlines);
        tokio::time::timeout(Duration::from_secs(5), watch.task).await.expect("the watch ended").expect("it did not panic");
    }

    /// A request on a second runtime of the thread ends at its deadline while the first runtime, whose
    /// watch it was, is alive but idle.
    #[test]
    fn a_second_runtime_gets_a_watch_of_its_own() {
        let runtime = || tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let deadlines = Deadlines::new(Duration::from_millis(50));
        let (first, second) = (runtime(), runtime());
        let first_watch = first.block_on(async {
            assert!(deadlines.within(std::future::pending::<()>()).await.is_err());
            deadlines.lock().watch.as_ref().map(|w| w.number)
        });
        second.block_on(async {
            let ended = tokio::time::timeout(Duration::from_secs(5), deadlines.within(std::future::pending::<()>())).await;
            assert!(matches!(ended, Ok(Err(Elapsed))), "the request waited for the first runtime's watch");
        });
        assert_ne!(deadlines.lock().watch.as_ref().map(|w| w.number), first_watch);
        // The first runtime's watch, woken, sees it was taken over from and ends.
        first.block_on(tokio::task::yield_now());
        drop((first, second));
        assert!(all_free(&deadlines));
    }
}
