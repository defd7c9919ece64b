//! The layer every request of every expose meets first (see [`EdgeService::call`]): one tower layer
//! rather than axum's `from_fn`, which boxes the next service and its future again for every request.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::response::{IntoResponse as _, Response};
use futures::future::Either;
use tower::Service;

use super::body::{BodyBounds, HeldBudget, bound_body};
use crate::access::Prepared;

/// Longest request target (path and query) served; longer ones get a JSON 414.
const MAX_TARGET_BYTES: usize = 8 * 1024;

/// The binary's own liveness route, which the listener's `Host` and `Origin` checks let through.
pub(super) const HEALTH: &str = "/healthz";

/// What the edge of one surface's listener checks and logs.
#[derive(Clone)]
struct Edge {
    surface: &'static str,
    namespace: &'static str,
    bounds: Arc<BodyBounds>,
    /// The listener's `Host` and `Origin` checks (`None`: none, `--no-checks`); [`HEALTH`] is never
    /// checked.
    access: Option<Arc<Prepared>>,
}

/// A surface's router behind what every request meets first ([`EdgeService::call`]).
#[derive(Clone)]
pub(crate) struct EdgeService<S> {
    edge: Edge,
    inner: S,
}

impl<S> EdgeService<S> {
    pub(crate) fn new(surface: &'static str, namespace: &'static str, bounds: Arc<BodyBounds>, access: Option<Arc<Prepared>>, inner: S) -> Self {
        EdgeService { edge: Edge { surface, namespace, bounds, access }, inner }
    }
}

impl<S> Service<Request> for EdgeService<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = EdgeFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    /// What every request meets first: the access log line (method, path — never the query, which may
    /// carry credentials — status, time), a request target longer than [`MAX_TARGET_BYTES`] refused
    /// (JSON 414), the listener's `Host` and `Origin` checks (JSON 403, see [`crate::access`]; not for
    /// [`HEALTH`]), the body's bounds, and `nosniff` on every response (which is also how hyper's own
    /// error answers are told apart: see `rejections`).
    ///
    /// The service made ready is called here, so the future owns what it returned rather than a clone
    /// of the service (tower's rule for a service called later). The future is [`EdgeFuture`], not a
    /// boxed one: axum boxes each route's future already, and an `async` block kept the route's future
    /// twice over (as captured and as awaited), which made every request copy it.
    fn call(&mut self, mut request: Request) -> Self::Future {
        let Edge { surface, namespace, ref bounds, ref access } = self.edge;
        let logged = tracing::enabled!(tracing::Level::INFO).then(|| (request.method().clone(), request.uri().path().to_owned(), Instant::now()));
        // Measured and traced for the control expose, when the binary serves one (a refusal too).
        #[cfg(feature = "control")]
        let watch = crate::control::watch(surface, &request);
        let (future, held) = match request.uri().path_and_query().map_or(0, |t| t.as_str().len()) {
            length if length > MAX_TARGET_BYTES => {
                let refused = crate::rest::AdapterError::new(
                    http::StatusCode::URI_TOO_LONG,
                    "uri_too_long",
                    format!("the request target exceeds {MAX_TARGET_BYTES} bytes"),
                );
                (Either::Right(std::future::ready(Ok(refused.into_response()))), None)
            }
            _ => match access.as_deref().filter(|_| request.uri().path() != HEALTH).and_then(|access| access.refusal(&request)) {
                Some(refused) => (Either::Right(std::future::ready(Ok(refused))), None),
                None => {
                    let held = bound_body(bounds, &mut request);
                    (Either::Left(self.inner.call(request)), held)
                }
            },
        };
        #[cfg(feature = "control")]
        let future = crate::control::Observed::new(surface, watch, future);
        EdgeFuture { future, held, logged, surface, namespace }
    }
}

/// The route's answer, or the edge's refusal.
type Answer<F> = Either<F, std::future::Ready<Result<Response, Infallible>>>;

/// The route's future as the edge runs it: observed for the control expose when the binary has one.
#[cfg(feature = "control")]
type Routed<F> = crate::control::Observed<F>;
#[cfg(not(feature = "control"))]
type Routed<F> = F;

pin_project_lite::pin_project! {
    /// The answer of [`EdgeService::call`], with `nosniff` and the access log line; `held` is the
    /// request body's share of the memory budget, given back with the answer.
    pub(crate) struct EdgeFuture<F> {
        #[pin]
        future: Routed<Answer<F>>,
        held: Option<HeldBudget>,
        logged: Option<(http::Method, String, Instant)>,
        surface: &'static str,
        namespace: &'static str,
    }
}

impl<F> Future for EdgeFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(mut response) = std::task::ready!(this.future.poll(cx));
        drop(this.held.take());
        response.headers_mut().insert(http::header::X_CONTENT_TYPE_OPTIONS, http::HeaderValue::from_static("nosniff"));
        if let Some((method, path, start)) = this.logged.take() {
            let (surface, namespace) = (*this.surface, *this.namespace);
            tracing::info!(surface, namespace, %method, path, status = response.status().as_u16(), micros = start.elapsed().as_micros() as u64, "request");
        }
        Poll::Ready(Ok(response))
    }
}
