//! An upstream on loopback that records every request and answers as a test's responder says:
//! the fake behind tests that look at exactly what a generated server sent.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

use crate::emulator::{RecordedRequest, record};

/// One reply of the recorder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Further headers, in order.
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    /// `status` with a JSON body.
    pub fn json(status: u16, body: impl Into<String>) -> Answer {
        Answer::bytes(status, "application/json", body.into().into_bytes())
    }

    /// `status` with a body of any media type.
    pub fn text(status: u16, content_type: &'static str, body: impl Into<String>) -> Answer {
        Answer::bytes(status, content_type, body.into().into_bytes())
    }

    /// `status` with a binary body.
    pub fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Answer {
        Answer { status, content_type, body, headers: Vec::new() }
    }

    /// This answer with one more header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }
}

type Responder = dyn Fn(&RecordedRequest) -> Answer + Send + Sync;

struct Shared {
    responder: Box<Responder>,
    log: Mutex<Vec<RecordedRequest>>,
}

/// A running recorder; stops when dropped.
pub struct Recorder {
    shared: Arc<Shared>,
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl Recorder {
    /// Serves `responder` on `127.0.0.1:0` in a task of the current Tokio runtime.
    ///
    /// # Panics
    /// If no loopback port can be bound (a test-environment failure).
    pub async fn start(responder: impl Fn(&RecordedRequest) -> Answer + Send + Sync + 'static) -> Recorder {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("recorder: bind a loopback port");
        let addr = listener.local_addr().expect("recorder: local address of a bound listener");
        let shared = Arc::new(Shared { responder: Box::new(responder), log: Mutex::new(Vec::new()) });
        let router = Router::new().fallback(handle).with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Recorder { shared, addr, _stop: stop }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The only request received so far.
    ///
    /// # Panics
    /// When there was not exactly one.
    pub fn only_request(&self) -> RecordedRequest {
        let mut requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one upstream request, got {requests:#?}");
        requests.remove(0)
    }

    pub fn clear(&self) {
        self.shared.log.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, 8 << 20).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let recorded = record(&parts, &bytes);
    let answer = (shared.responder)(&recorded);
    shared.log.lock().unwrap_or_else(PoisonError::into_inner).push(recorded);
    let mut response = Response::builder().status(answer.status).header("content-type", answer.content_type);
    for (name, value) in answer.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(answer.body)).unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
