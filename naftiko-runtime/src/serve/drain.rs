//! Graceful shutdown of a listener's connections: each is told to finish the request in progress
//! and close, and the listener waits until they have.
//!
//! hyper-util's `GracefulShutdown` polls a `watch` channel's `changed()` at every wake-up of every
//! connection, which takes the channel's lock each time (2% of the REST adapter's CPU per request).
//! Here a connection registers its task's waker once, when it is first polled, and then reads one
//! flag per wake-up.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use tokio::sync::Notify;

/// The connections of one listener, and whether they are to close.
#[derive(Default)]
pub(super) struct Drain {
    closing: AtomicBool,
    connections: Mutex<Connections>,
    /// Told when the last connection has closed during a shutdown.
    closed: Notify,
}

#[derive(Default)]
struct Connections {
    /// The waker of each connection's task (`None`: a free slot, or not polled yet).
    wakers: Vec<Option<Waker>>,
    free: Vec<usize>,
    open: usize,
}

impl Drain {
    fn lock(&self) -> MutexGuard<'_, Connections> {
        self.connections.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `connection`, closed gracefully (hyper's `graceful_shutdown`) once [`Drain::shutdown`] is called.
    /// It must be polled by one task only, whose waker it keeps from its first poll.
    pub(super) fn watch<I, S>(self: &Arc<Self>, connection: Connection<I, S>) -> Watched<I, S>
    where
        S: hyper::service::HttpService<hyper::body::Incoming>,
        I: hyper::rt::Read + hyper::rt::Write + Unpin,
    {
        let mut connections = self.lock();
        connections.open += 1;
        let slot = match connections.free.pop() {
            Some(slot) => slot,
            None => {
                connections.wakers.push(None);
                connections.wakers.len() - 1
            }
        };
        Watched { connection, drain: Arc::clone(self), slot, registered: false, closing: false }
    }

    /// Tells every connection to close once its request in progress is answered, and waits until all
    /// have closed.
    pub(super) async fn shutdown(&self) {
        let closed = self.closed.notified();
        tokio::pin!(closed);
        // Registered before the last connection can close, so that its notice is not missed.
        closed.as_mut().enable();
        self.closing.store(true, Ordering::SeqCst);
        let open = {
            let connections = self.lock();
            connections.wakers.iter().flatten().for_each(Waker::wake_by_ref);
            connections.open
        };
        if open > 0 {
            closed.await;
        }
    }
}

type Connection<I, S> = hyper::server::conn::http1::Connection<I, S>;

pin_project_lite::pin_project! {
    /// A connection of a [`Drain`].
    pub(super) struct Watched<I, S>
    where
        S: hyper::service::HttpService<hyper::body::Incoming>,
    {
        #[pin]
        connection: Connection<I, S>,
        drain: Arc<Drain>,
        slot: usize,
        registered: bool,
        closing: bool,
    }

    impl<I, S> PinnedDrop for Watched<I, S>
    where
        S: hyper::service::HttpService<hyper::body::Incoming>,
    {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            let mut connections = this.drain.lock();
            connections.wakers[*this.slot] = None;
            connections.free.push(*this.slot);
            connections.open -= 1;
            if connections.open == 0 && this.drain.closing.load(Ordering::SeqCst) {
                this.drain.closed.notify_one();
            }
        }
    }
}

impl<I, S, B> Future for Watched<I, S>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
    B: hyper::body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Output = hyper::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if !*this.closing {
            if !*this.registered {
                this.drain.lock().wakers[*this.slot] = Some(cx.waker().clone());
                *this.registered = true;
            }
            // Read after the waker is in place: a shutdown that sets the flag later wakes this task.
            if this.drain.closing.load(Ordering::SeqCst) {
                *this.closing = true;
                this.connection.as_mut().graceful_shutdown();
            }
        }
        this.connection.poll(cx)
    }
}
