//! [`Error`]: why a client call failed, with the upstream reply when there was one.

use std::fmt::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;

use crate::Response;

/// The cause of a transport failure: hyper's or reqwest's error, or the client's own (a timeout).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a call to an upstream API failed.
///
/// Messages never contain a secret: transport errors show the URL without its query (where an API key
/// may travel) and without user info, and rejected inputs are named by field, not by value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The upstream answered with a status of 400 or more; its reply is kept whole.
    #[error("upstream replied {}{}", .0.status, excerpt(.0))]
    Status(Box<Response>),
    /// No complete answer within the configured timeout.
    #[error("upstream request timed out: {}", chain(&**.0))]
    Timeout(#[source] BoxError),
    /// The upstream could not be reached (DNS, refused connection, TLS handshake).
    #[error("cannot connect to the upstream: {}", chain(&**.0))]
    Connect(#[source] BoxError),
    /// Any other HTTP failure (connection reset, malformed reply, too many redirects).
    #[error("HTTP error talking to the upstream: {}", chain(&**.0))]
    Transport(#[source] BoxError),
    /// A value rejected before anything was sent.
    #[error("invalid `{field}`: {reason}")]
    InvalidInput { field: String, reason: String },
    /// A reply body that is not the JSON the caller asked for.
    #[error("cannot decode the upstream reply as JSON: {0}")]
    Decode(#[source] serde_json::Error),
    /// The HTTP client itself could not be built (for example: no CA certificates on this system).
    #[error("the HTTP client could not be built: {}", chain(&**.0))]
    Unavailable(#[source] Arc<dyn std::error::Error + Send + Sync>),
    /// A reply in a declared format other than JSON (`outputRawFormat`) that is not valid in that
    /// format. The detail says where the body broke, never what it holds.
    #[error("the upstream's reply is not valid {format}: {detail}")]
    Format { format: &'static str, detail: String },
    /// A walk through the pages of a list operation (a client's `…_all` method) could not go on: a
    /// page without one clear list of items, a total that is not a number, an API that answers the
    /// same page again, or more pages than [`crate::pages::MAX_PAGES`].
    #[error("paging through the list: {0}")]
    Pagination(String),
    /// A step of an orchestration failed; the flow stopped there.
    #[error("step `{step}`: {source}")]
    Step {
        step: String,
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.to_owned(), reason: reason.into() }
    }

    /// Classifies a reqwest error, after removing the URL parts that may carry credentials.
    pub(crate) fn from_reqwest(mut err: reqwest::Error) -> Self {
        if let Some(url) = err.url_mut() {
            url.set_query(None);
            url.set_fragment(None);
            // Only fails for URLs that cannot have credentials, which then have none to hide.
            let _ = url.set_password(None);
            let _ = url.set_username("");
        }
        if err.is_timeout() {
            Error::Timeout(Box::new(err))
        } else if err.is_connect() {
            Error::Connect(Box::new(err))
        } else {
            Error::Transport(Box::new(err))
        }
    }

    /// This error as the failure of orchestration step `step`.
    pub fn in_step(self, step: &str) -> Error {
        Error::Step { step: step.to_owned(), source: Box::new(self) }
    }

    /// The error without the step it happened in, and that step (`None` outside a flow).
    pub fn cause(&self) -> (&Error, Option<&str>) {
        match self {
            Error::Step { step, source } => (source.cause().0, Some(step)),
            other => (other, None),
        }
    }

    /// The upstream's reply, when it answered with an error status (in a flow's step, too).
    pub fn response(&self) -> Option<&Response> {
        match self.cause().0 {
            Error::Status(response) => Some(response),
            _ => None,
        }
    }

    /// The upstream's status, when it answered with an error status.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// The upstream's reply body, when it answered with an error status.
    pub fn body(&self) -> Option<&Bytes> {
        self.response().map(|r| &r.body)
    }

    /// The upstream's reply body as JSON, when it answered with an error status and a JSON body.
    pub fn json(&self) -> Option<serde_json::Value> {
        self.response().and_then(|r| r.json().ok())
    }

    /// Whether the call timed out (a gateway answers 504 rather than 502).
    pub fn is_timeout(&self) -> bool {
        matches!(self.cause().0, Error::Timeout(_))
    }
}

fn excerpt(response: &Response) -> String {
    let text = response.excerpt();
    if text.is_empty() { String::new() } else { format!(": {text}") }
}

/// An error and its causes on one line: reqwest's own message rarely says what went wrong.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.ends_with(&text) {
            let _ = write!(out, ": {text}");
        }
        source = cause.source();
    }
    out
}
