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
use tower::{Layer, Service};

use super::body::{BodyBounds, bound_body};

/// Longest request target (path and query) served; longer ones get a JSON 414.
const MAX_TARGET_BYTES: usize = 8 * 1024;

/// The layer of [`EdgeService`] for one surface.
#[derive(Clone)]
pub(crate) struct Edge {
    surface: &'static str,
    namespace: &'static str,
    bounds: Arc<BodyBounds>,
}

impl Edge {
    pub(crate) fn layer(surface: &'static str, namespace: &'static str, bounds: Arc<BodyBounds>) -> Edge {
        Edge { surface, namespace, bounds }
    }
}

impl<S> Layer<S> for Edge {
    type Service = EdgeService<S>;

    fn layer(&self, inner: S) -> EdgeService<S> {
        EdgeService { edge: self.clone(), inner }
    }
}

/// A route (or the fallback) behind what every request meets first ([`EdgeService::call`]).
#[derive(Clone)]
pub(crate) struct EdgeService<S> {
    edge: Edge,
    inner: S,
}

impl<S> Service<Request> for EdgeService<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    /// What every request meets first: the access log line (method, path — never the query, which may
    /// carry credentials — status, time), a request target longer than [`MAX_TARGET_BYTES`] refused
    /// (JSON 414), the body's bounds, and `nosniff` on every response (which is also how hyper's own
    /// error answers are told apart: see `rejections`).
    ///
    /// The service made ready is called here, so the future owns what it returned rather than a clone
    /// of the service (tower's rule for a service called later), which cost a clone of every layer
    /// below for each request.
    fn call(&mut self, mut request: Request) -> Self::Future {
        let Edge { surface, namespace, ref bounds } = self.edge;
        let logged = tracing::enabled!(tracing::Level::INFO).then(|| (request.method().clone(), request.uri().path().to_owned(), Instant::now()));
        #[cfg(feature = "control")]
        let observed = crate::control::request_info(surface, &request);
        let called = match request.uri().path_and_query().map_or(0, |t| t.as_str().len()) {
            length if length > MAX_TARGET_BYTES => Err(crate::rest::AdapterError::new(
                http::StatusCode::URI_TOO_LONG,
                "uri_too_long",
                format!("the request target exceeds {MAX_TARGET_BYTES} bytes"),
            )
            .into_response()),
            _ => {
                let held = bound_body(bounds, &mut request);
                Ok((self.inner.call(request), held))
            }
        };
        Box::pin(async move {
            let inner = async move {
                match called {
                    Ok((response, held)) => {
                        let response = response.await.unwrap_or_else(|never| match never {});
                        drop(held);
                        response
                    }
                    Err(refused) => refused,
                }
            };
            // Measured and traced for the control expose, when the binary serves one.
            #[cfg(feature = "control")]
            let mut response = match observed {
                Some(info) => crate::control::observe(surface, info, inner).await,
                None => inner.await,
            };
            #[cfg(not(feature = "control"))]
            let mut response = inner.await;
            response.headers_mut().insert(http::header::X_CONTENT_TYPE_OPTIONS, http::HeaderValue::from_static("nosniff"));
            if let Some((method, path, start)) = logged {
                tracing::info!(surface, namespace, %method, path, status = response.status().as_u16(), micros = start.elapsed().as_micros() as u64, "request");
            }
            Ok(response)
        })
    }
}
