//! The HTTP/1 listeners: hyper's connection loop with a header-read timeout (which also closes idle
//! keep-alive connections), a cap on open connections kept below the process's file limit, and a
//! graceful shutdown.
//!
//! The timeout is a watchdog per connection rather than hyper's `header_read_timeout`, which arms a
//! timer for every request (about 4 µs of CPU each, an eighth of what the REST adapter spends on a
//! request): the connection notes when it last finished a response, and a timer that fires a few times
//! per timeout closes it when no request is in progress and none has finished for that long.
//!
//! While the cap is reached, new connections wait in the kernel's accept queue instead of taking file
//! descriptors the server needs to answer (its upstream connections, `/healthz`); connections held
//! idle by a client are closed by the timeout, so the server recovers on its own.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::serve::BoxError;
use crate::serve::rejections::JsonRejections;
use crate::serve::drain::Drain;

/// File descriptors kept for everything but client connections (listeners, logs, the runtime).
const RESERVED_FILES: u64 = 64;

/// Connections allowed by default when the file limit allows more.
const MAX_CONNECTIONS: usize = 16_384;

/// How long a shutdown waits for requests in progress before closing their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Largest request head (request line and headers) hyper buffers; beyond it, 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Raises the soft limit on open files to the hard limit (as Go's runtime does at start) and returns
/// the limit now in force; `None` where it cannot be read.
pub(crate) fn raise_file_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let soft = limit.current?;
    if limit.maximum.is_none_or(|hard| hard > soft) {
        let raised = rustix::process::Rlimit { current: limit.maximum.or(Some(1 << 20)), maximum: limit.maximum };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return getrlimit(Resource::Nofile).current;
        }
    }
    Some(soft)
}

/// The default connection cap for a file limit: each client connection may hold an upstream
/// connection too, so half of what is left after the reserve.
pub(crate) fn default_max_connections(file_limit: Option<u64>) -> usize {
    let usable = file_limit.map_or(MAX_CONNECTIONS as u64 * 2, |limit| limit.saturating_sub(RESERVED_FILES) / 2);
    usize::try_from(usable).unwrap_or(MAX_CONNECTIONS).clamp(16, MAX_CONNECTIONS)
}

/// How every connection is served.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionLimits {
    /// Time allowed for a request head, counted from when the connection is ready for it.
    pub header_timeout: Option<Duration>,
    /// Open connections, shared by every listener of the process.
    pub connections: Arc<Semaphore>,
}

/// Binds `addr` once for each of `threads` serving threads (failing with a message naming the surface):
/// listeners that share one port, each to be served by one thread's runtime.
///
/// On Linux they are `SO_REUSEPORT` sockets, among which the kernel spreads new connections, so a
/// connection is accepted and served by one thread and never wakes another. The address is first
/// bound plainly, so that a port another process holds (even with `SO_REUSEPORT`) is still an error
/// rather than a port silently shared with it. Elsewhere the threads accept from one socket.
pub(crate) fn bind(surface: &str, addr: &str, threads: usize) -> Result<Vec<std::net::TcpListener>, BoxError> {
    let failed = |e: std::io::Error| -> BoxError { format!("cannot listen on {addr} ({surface}): {e}").into() };
    let candidates = std::net::ToSocketAddrs::to_socket_addrs(addr).map_err(failed)?;
    let mut error = std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, "the name resolves to no address");
    for candidate in candidates {
        match listeners_at(candidate, threads.max(1)) {
            Ok(listeners) => return Ok(listeners),
            Err(e) => error = e,
        }
    }
    Err(failed(error))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn listeners_at(addr: SocketAddr, count: usize) -> std::io::Result<Vec<std::net::TcpListener>> {
    if count == 1 {
        return Ok(vec![listen(addr, false)?]);
    }
    // A plain bind first: an address in use is refused now, and port 0 picks the port the group shares.
    let addr = {
        let probe = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
        probe.set_reuse_address(true)?;
        probe.bind(&addr.into())?;
        probe.local_addr()?.as_socket().unwrap_or(addr)
    };
    (0..count).map(|_| listen(addr, true)).collect()
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn listeners_at(addr: SocketAddr, count: usize) -> std::io::Result<Vec<std::net::TcpListener>> {
    let first = listen(addr, false)?;
    let mut listeners = Vec::with_capacity(count);
    for _ in 1..count {
        listeners.push(first.try_clone()?);
    }
    listeners.push(first);
    Ok(listeners)
}

/// A non-blocking listening socket on `addr`, with the backlog tokio's own `bind` uses.
fn listen(addr: SocketAddr, shared_port: bool) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // As tokio's `TcpListener::bind`: a restarted server is not refused its port by TIME_WAIT connections.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if shared_port {
        socket.set_reuse_port(true)?;
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = shared_port;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Serves `app` on `listener` until `shutdown` turns true, then lets requests in progress finish.
pub(crate) async fn serve(
    listener: std::net::TcpListener,
    app: super::Application,
    limits: ConnectionLimits,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> Result<(), BoxError> {
    let mut http = hyper::server::conn::http1::Builder::new();
    // No timer: hyper's own header timeout (on by default with one) is replaced by `watchdog`.
    http.header_read_timeout(None).max_buf_size(MAX_HEAD_BYTES);
    let drain = Arc::new(Drain::default());
    // Registered with the runtime of the thread that serves it.
    let listener = TcpListener::from_std(listener)?;
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&limits.connections).acquire_owned() => permit?,
            () = stopped(&mut shutdown) => break,
        };
        let (stream, _peer): (_, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors (other files are open) or a connection reset before
                    // it was accepted: wait a moment rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stopped(&mut shutdown) => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let activity = Arc::new(Activity::new());
        let tracked = Arc::clone(&activity);
        let service = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
            use tower::Service as _;
            let mut app = app.clone();
            tracked.start();
            let tracked = Arc::clone(&tracked);
            let response = app.call(request.map(Body::new));
            async move {
                // Busy until hyper has written (or dropped) the whole response body.
                response.await.map(|response| response.map(|body| Body::new(Finishes { inner: body, activity: tracked })))
            }
        });
        let connection = drain.watch(http.serve_connection(TokioIo::new(JsonRejections::new(stream)), service));
        let served = tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
        // A task of its own rather than a `select!` beside the connection, which would poll the timer
        // at every wake-up of the connection (2 µs of CPU per request).
        if let Some(timeout) = limits.header_timeout {
            tokio::spawn(watchdog(activity, timeout, served.abort_handle()));
        }
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, drain.shutdown()).await.is_err() {
        tracing::warn!("requests still in progress after {}s were cut off", SHUTDOWN_GRACE.as_secs());
    }
    Ok(())
}

/// When a connection last finished a response (or was accepted), and whether a request is in progress.
struct Activity {
    /// Milliseconds since [`Activity::epoch`].
    since: AtomicU64,
    busy: AtomicBool,
    epoch: Instant,
}

impl Activity {
    fn new() -> Activity {
        Activity { since: AtomicU64::new(0), busy: AtomicBool::new(false), epoch: Instant::now() }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A request head has arrived.
    fn start(&self) {
        self.busy.store(true, Ordering::Relaxed);
    }

    /// Its response has been written: the connection waits for the next head from now.
    fn finish(&self) {
        self.since.store(self.elapsed_ms(), Ordering::Relaxed);
        self.busy.store(false, Ordering::Relaxed);
    }

    /// Idle (no request in progress) for at least `timeout`.
    fn idle_for(&self, timeout: Duration) -> bool {
        let idle_ms = self.elapsed_ms().saturating_sub(self.since.load(Ordering::Relaxed));
        !self.busy.load(Ordering::Relaxed) && u128::from(idle_ms) >= timeout.as_millis()
    }
}

/// Closes the connection (aborts the task serving it, which drops it and its permit) once it has
/// waited `timeout` for a request head: a client that sends none, sends it too slowly, or holds the
/// connection idle. Checked four times per timeout, so it closes within 1¼ × `timeout`; ends with the
/// connection.
async fn watchdog(activity: Arc<Activity>, timeout: Duration, served: tokio::task::AbortHandle) {
    let period = (timeout / 4).max(Duration::from_millis(10));
    loop {
        tokio::time::sleep(period).await;
        if served.is_finished() {
            return;
        }
        if activity.idle_for(timeout) {
            served.abort();
            return;
        }
    }
}

/// A response body that marks its connection idle once hyper is done with it.
struct Finishes {
    inner: Body,
    activity: Arc<Activity>,
}

impl Drop for Finishes {
    fn drop(&mut self) {
        self.activity.finish();
    }
}

impl http_body::Body for Finishes {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, axum::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Resolves once the shutdown signal has turned true (or its sender is gone).
async fn stopped(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_stays_below_the_file_limit() {
        assert_eq!(default_max_connections(Some(512)), 224);
        assert_eq!(default_max_connections(Some(1024)), 480);
        assert_eq!(default_max_connections(Some(1 << 20)), MAX_CONNECTIONS);
        assert_eq!(default_max_connections(Some(40)), 16);
        assert_eq!(default_max_connections(None), MAX_CONNECTIONS);
    }
}
