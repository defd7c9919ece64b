//! A stateful, in-memory emulator of the Scaleway Instance snapshot/image API and the
//! Block Storage snapshot API (v1alpha1 and v1), served over real HTTP on loopback.
//!
//! The behaviour follows `shared/reference/scaleway-api.md` (sections cited as §N in
//! comments). Routing is done by hand on the *raw* request-target path, split on `/`
//! before any percent-decoding: an id such as `a%2Fb` stays one segment, is looked up
//! as `a/b`, is not found, and can never reach another route.
//!
//! ```no_run
//! # async fn demo() {
//! use naftiko_tests::emulator::Emulator;
//! let emu = Emulator::start().await;
//! let volume = emu.seed_volume("fr-par-1");
//! // POST {base_url}/instance/v1/zones/fr-par-1/snapshots {"volume_id": volume} …
//! # let _ = (emu.base_url(), volume);
//! # }
//! ```

mod block;
mod clock;
mod errors;
mod input;
mod instance;
mod objects;
mod paging;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use errors::{ApiError, ApiResult};
use input::Query;
use store::{Lifecycle, Store, Volume};

pub use store::{EMULATOR_ORGANIZATION, EMULATOR_PROJECT, StoredObject, VolumeKind};

/// The one secret key the emulator accepts in `X-Auth-Token`.
///
/// A UUID because Scaleway secret keys are UUIDs and the Go SDK refuses to send a key
/// that is not one (§3, `scw/client_option.go:280`).
pub const EMULATOR_TOKEN: &str = "5c9fcbc5-7d3f-4a8e-9b1e-e0b5a1c2d3f4";

/// Largest request body read; larger bodies get 413.
const MAX_BODY: usize = 1 << 20;

/// One request as it arrived on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request-target path exactly as sent, still percent-encoded.
    pub path: String,
    /// The raw query string, without `?`; `None` when the target had no `?`.
    pub query: Option<String>,
    /// Every header in order received, names lowercased, values lossily decoded.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// `path?query`, as on the request line.
    pub fn target(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Shared server state.
pub(crate) struct App {
    token: String,
    settle_after_reads: u32,
    base_url: String,
    store: Mutex<Store>,
    log: Mutex<Vec<RecordedRequest>>,
}

impl App {
    /// The store; a panic elsewhere never makes it unusable.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn log(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A transient state that settles after the configured number of reads.
    pub(crate) fn transient(&self, state: &str, then: &str) -> Lifecycle {
        Lifecycle::transient(state, then, self.settle_after_reads)
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// What a route handler gets besides the method and the path segments after the zone.
pub(crate) struct Call<'a> {
    pub app: &'a App,
    /// The zone, already validated.
    pub zone: &'a str,
    pub query: &'a Query,
    pub body: &'a [u8],
}

/// Options for [`Emulator::builder`].
#[derive(Clone, Debug)]
pub struct EmulatorBuilder {
    token: String,
    settle_after_reads: u32,
    port: u16,
}

impl EmulatorBuilder {
    /// The loopback port to listen on (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The secret key to accept instead of [`EMULATOR_TOKEN`].
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// How many reads (GET, or a list returning it) a resource in a transient state
    /// (`creating`, `importing`, `exporting`) survives before it shows its final state.
    /// Default 1: one read still transient, the next one settled (§6 E). 0 settles on the
    /// first read.
    pub fn settle_after_reads(mut self, reads: u32) -> Self {
        self.settle_after_reads = reads;
        self
    }

    /// Binds `127.0.0.1:<port>` and serves in a spawned task of the current Tokio runtime.
    ///
    /// # Panics
    /// If no loopback port can be bound (a test-environment failure).
    pub async fn start(self) -> Emulator {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("emulator: bind a loopback port");
        let addr = listener
            .local_addr()
            .expect("emulator: local address of a bound listener");
        let app = Arc::new(App {
            token: self.token,
            settle_after_reads: self.settle_after_reads,
            base_url: format!("http://{addr}"),
            store: Mutex::new(Store::default()),
            log: Mutex::new(Vec::new()),
        });
        // Every request goes to one fallback so that routing sees the raw path.
        let router = Router::new().fallback(handle).with_state(Arc::clone(&app));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            // An accept error ends the emulator; tests then see connection failures.
            let _ = serve.await;
        });
        Emulator {
            app,
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }
}

/// A running emulator. Stops when dropped or on [`Emulator::shutdown`].
pub struct Emulator {
    app: Arc<App>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Options: token, settling of transient states.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            token: EMULATOR_TOKEN.to_owned(),
            settle_after_reads: 1,
            port: 0,
        }
    }

    /// An emulator with the defaults of [`Emulator::builder`].
    pub async fn start() -> Emulator {
        Self::builder().start().await
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.app.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted `X-Auth-Token` value.
    pub fn token(&self) -> &str {
        &self.app.token
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.log().clone()
    }

    pub fn clear_requests(&self) {
        self.app.log().clear();
    }

    /// An Instance `l_ssd` volume of 20 GB in `zone`; returns its id. Snapshot it with
    /// `POST /instance/v1/zones/{zone}/snapshots {"volume_id": …}`.
    pub fn seed_volume(&self, zone: &str) -> String {
        self.seed_volume_with(zone, VolumeKind::Instance, "vol-emulated", 20_000_000_000)
    }

    /// A Block `sbs_5k` volume of 15 GB in `zone`; returns its id. Snapshot it with
    /// `POST /block/v1/zones/{zone}/snapshots {"volume_id": …}`.
    pub fn seed_block_volume(&self, zone: &str) -> String {
        self.seed_volume_with(zone, VolumeKind::Block, "vol-emulated", 15_000_000_000)
    }

    /// A volume with a chosen name and size (bytes).
    ///
    /// # Panics
    /// If `zone` is not a zone of that API (§4): a typo in a test.
    pub fn seed_volume_with(&self, zone: &str, kind: VolumeKind, name: &str, size: u64) -> String {
        let zones = match kind {
            VolumeKind::Instance => store::INSTANCE_ZONES,
            VolumeKind::Block => store::BLOCK_ZONES,
        };
        assert!(
            zones.contains(&zone),
            "emulator: {zone} is not a {kind:?} zone"
        );
        let id = store::new_id();
        self.app.store().volumes.push(Volume {
            id: id.clone(),
            zone: zone.to_owned(),
            kind,
            name: name.to_owned(),
            volume_type: match kind {
                VolumeKind::Instance => "l_ssd",
                VolumeKind::Block => "sbs_5k",
            }
            .to_owned(),
            size,
        });
        id
    }

    /// Deletes a volume, as if through its own API: snapshots of it then show
    /// `base_volume: null` / `parent_volume: null` (§0.4). Returns whether it existed.
    pub fn remove_volume(&self, id: &str) -> bool {
        let mut store = self.app.store();
        let before = store.volumes.len();
        store.volumes.retain(|v| v.id != id);
        store.volumes.len() != before
    }

    /// An available Instance snapshot (of a fresh seeded volume) in `zone`; returns its id.
    pub fn seed_snapshot(&self, zone: &str) -> String {
        let volume = self.seed_volume(zone);
        instance::seed_snapshot(&self.app, zone, &volume)
    }

    /// An available Instance image whose root volume is a fresh seeded snapshot.
    pub fn seed_image(&self, zone: &str) -> String {
        let snapshot = self.seed_snapshot(zone);
        instance::seed_image(&self.app, zone, &snapshot)
    }

    /// An available Block snapshot (of a fresh seeded Block volume) in `zone`.
    pub fn seed_block_snapshot(&self, zone: &str) -> String {
        let volume = self.seed_block_volume(zone);
        block::seed_snapshot(&self.app, zone, &volume)
    }

    /// Puts a valid QCOW2 object of `size` bytes in `bucket/key`, in the region of `zone`.
    pub fn seed_object(&self, zone: &str, bucket: &str, key: &str, size: u64) {
        self.app
            .store()
            .put_object(zone, bucket, key, StoredObject { size });
    }

    /// The object at `bucket/key` in the region of `zone`, e.g. after an export.
    pub fn object(&self, zone: &str, bucket: &str, key: &str) -> Option<StoredObject> {
        self.app.store().object(zone, bucket, key).cloned()
    }

    /// Stops accepting, closes idle connections and waits (at most 5 s) for the rest.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

/// The single handler: record, then authenticate, check the zone and route.
async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (bytes, too_large) = match to_bytes(body, MAX_BODY).await {
        Ok(bytes) => (bytes.to_vec(), false),
        Err(_) => (Vec::new(), true),
    };
    app.log().push(record(&parts, &bytes));
    if too_large {
        return ApiError::TooLarge.into_response();
    }
    respond(&app, &parts, &bytes).unwrap_or_else(IntoResponse::into_response)
}

pub(crate) fn record(parts: &Parts, body: &[u8]) -> RecordedRequest {
    RecordedRequest {
        method: parts.method.as_str().to_owned(),
        // `Uri::path` is the request-target as received: nothing decodes it.
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    }
}

fn respond(app: &App, parts: &Parts, body: &[u8]) -> ApiResult<Response> {
    // The gateway authenticates before anything else (§3, §7).
    authenticate(app, parts)?;
    let path = parts.uri.path();
    let path = path.strip_prefix('/').unwrap_or(path);
    // The import/export guide POSTs to `…/snapshots/` with a trailing slash and succeeds.
    let path = path.strip_suffix('/').unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let query = Query::parse(parts.uri.query());
    let method = parts.method.as_str();
    match segments.as_slice() {
        ["instance", "v1", "zones", zone, rest @ ..] => {
            let zone = known_zone(zone, store::INSTANCE_ZONES)?;
            let call = Call {
                app,
                zone,
                query: &query,
                body,
            };
            instance::route(method, rest, &call)
        }
        ["block", version, "zones", zone, rest @ ..] => {
            let version = block::Version::from_segment(version).ok_or(ApiError::NoRoute)?;
            let zone = known_zone(zone, store::BLOCK_ZONES)?;
            let call = Call {
                app,
                zone,
                query: &query,
                body,
            };
            block::route(method, rest, &call, version)
        }
        _ => Err(ApiError::NoRoute),
    }
}

/// §3: a missing, empty or malformed key is `invalid_argument`, a well-formed unknown
/// key `not_found`.
fn authenticate(app: &App, parts: &Parts) -> ApiResult<()> {
    let token = parts
        .headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !token.is_empty() && token == app.token {
        return Ok(());
    }
    let reason = if uuid::Uuid::try_parse(token).is_ok() {
        "not_found"
    } else {
        "invalid_argument"
    };
    Err(ApiError::Denied { reason })
}

/// §4: any zone outside the API's list is 400 `{"message":"Unknown zone in path"}`.
fn known_zone<'a>(zone: &'a str, zones: &[&str]) -> ApiResult<&'a str> {
    if zones.contains(&zone) {
        Ok(zone)
    } else {
        Err(ApiError::UnknownZone)
    }
}

/// A JSON response (`Content-Type: application/json`, `Content-Length`).
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// §1.1: a DELETE answers 204 with an empty body yet `Content-Type: application/json`,
/// and no `Content-Length`.
pub(crate) fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// A path segment as the id it names (percent-decoded, after splitting on raw `/`).
pub(crate) fn segment_id(segment: &str) -> String {
    input::percent_decode(segment)
}
