//! REST glue for generated axum routers: request extraction whose every failure is a JSON 4xx,
//! upstream replies passed through, exposed-adapter authentication, `Host`/`Origin` checks, and JSON
//! fallbacks.

use std::sync::Arc;

pub use axum;

use axum::extract::Request;
use axum::middleware::Next;

mod auth;
mod error;
pub mod forward;
mod reply;
mod request;

pub use crate::access::Access;
pub use crate::schema::InputSchema;
pub use auth::ServerAuth;
pub use error::AdapterError;
pub use reply::{json_document, reply, reply_mapped};
pub use request::{
    BodyBudgetExceeded, BodyLimit, BodyTimedOut, DEFAULT_BODY_LIMIT, RestRequest, conform, is_json_media_type, object, parse, read_body,
    required,
};

/// Options of a generated router.
#[derive(Clone, Debug, Default)]
pub struct RestOptions {
    /// The credentials the expose demands.
    pub auth: Option<ServerAuth>,
    /// The `Host` names and browser origins it accepts; loopback names only by default.
    pub access: Access,
}

impl RestOptions {
    /// No authentication; the access of a server listening on `address` (`None`: loopback, the
    /// default). See [`Access::for_address`].
    pub fn for_address(address: Option<&str>) -> Self {
        RestOptions { auth: None, access: address.map_or_else(Access::loopback, |a| Access::for_address(a, &[], &[])) }
    }
}

/// Adds what every generated router needs: JSON 404/405 fallbacks, authentication, and the
/// `Host`/`Origin` checks (outermost, so that a refused request reaches nothing, and CORS preflights,
/// which carry no credentials, are answered before authentication).
pub fn finish(router: axum::Router, options: RestOptions) -> axum::Router {
    let router = router.fallback(|| async { AdapterError::not_found() }).method_not_allowed_fallback(|| async { AdapterError::method_not_allowed() });
    let router = match options.auth {
        Some(auth) => {
            let auth = Arc::new(auth);
            router.layer(axum::middleware::from_fn(move |request: Request, next: Next| {
                let auth = Arc::clone(&auth);
                async move { if auth.accepts(request.headers(), request.uri().query()) { next.run(request).await } else { auth.refusal() } }
            }))
        }
        None => router,
    };
    crate::access::guard(router, options.access)
}
