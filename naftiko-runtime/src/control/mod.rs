//! The control expose (`type: control`): the management plane the reference engine's
//! `ControlServerAdapter` serves, for a generated binary.
//!
//! | Path | When | Answer |
//! |---|---|---|
//! | `GET /health/live` | `management.health` (default) | `{"status": "UP"}` |
//! | `GET /health/ready` | `management.health` | `{"status": "UP"\|"DEGRADED", "adapters": [...]}`, 200 once every served listener is bound (secrets are loaded before any is), else 503 |
//! | `GET /status` | `management.info` | capability, runtime, uptime, observability state, adapters |
//! | `GET /metrics` | observability and `metrics.local` enabled (default) | Prometheus (OpenMetrics) text: requests, durations and errors per adapter and operation, upstream calls |
//! | `GET /traces`, `GET /traces/{traceId}` | observability and `traces.local` enabled (default) | the last `buffer-size` traces, in the engine's JSON shape |
//! | `/config`, `/logs…`, `POST /config/reload`, `POST /config/validate`, `/scripting` | as declared | 501 `not_supported`: what a compiled binary cannot do, and why |
//!
//! Recording happens where the serve loop already logs each request (`serve::edge`), each MCP tool
//! call and each upstream call; without a control expose served there is nothing to record into and
//! each hook is one atomic load.
//!
//! With the `otlp` feature, a binary whose spec names `observability.exporters.otlp` also sends the
//! traces recorded to an OTLP/HTTP collector ([`otlp`]), even when `/traces` is not served.

mod metrics;
#[cfg(feature = "otlp")]
pub mod otlp;
mod traces;

use std::borrow::Cow;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{MatchedPath, Path, Query, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use http::StatusCode;
use serde_json::{Value, json};

use crate::rest::{AdapterError, RestOptions};
use crate::serve::Config;
use metrics::{Metrics, Operation, Outcome};
pub use traces::Propagation;
use traces::{CURRENT, Current, OperationId, SpanKind, SpanSummary, TraceId, TraceRing, TraceSummary};

/// What the spec's control expose asks for (generated from its `management` and `observability`).
#[derive(Clone, Debug)]
pub struct ControlSpec {
    /// `info.label` of the capability.
    pub label: Option<&'static str>,
    /// `/health/live` and `/health/ready`.
    pub health: bool,
    /// `/status` (and `/config`, answered 501).
    pub info: bool,
    /// `observability.enabled`: requests are measured and traced.
    pub observability: bool,
    /// `/metrics` (`observability.metrics.local.enabled`).
    pub metrics: bool,
    /// `/traces` (`observability.traces.local`): the ring buffer's size; `None` when disabled.
    pub traces: Option<usize>,
    /// `observability.traces.sampling`: the share of requests traced, 0 to 1.
    pub sampling: f64,
    /// `observability.traces.propagation`: how the trace passes on to upstream APIs.
    pub propagation: Propagation,
    /// `management.logs`: `/logs` level control and streaming (answered 501).
    pub logs: bool,
    /// `management.reload`: `POST /config/reload` (answered 501).
    pub reload: bool,
    /// `management.validate`: `POST /config/validate` (answered 501).
    pub validate: bool,
    /// `management.scripting`: `/scripting` (answered 501).
    pub scripting: bool,
}

/// One listener of the binary, as readiness and `/status` report it.
struct ListenerState {
    kind: &'static str,
    namespace: &'static str,
    port: AtomicU16,
    served: bool,
    started: AtomicBool,
}

/// What the hooks record into and the control router reads.
struct Observer {
    spec: ControlSpec,
    started: Instant,
    /// The wall-clock time at `started`: a trace's timestamp is this plus its offset on the monotonic
    /// clock (one clock read per request instead of two, and timestamps that agree with durations).
    started_at: SystemTime,
    metrics: Option<Metrics>,
    traces: Option<TraceRing>,
    listeners: Vec<ListenerState>,
}

/// The process's observer, set by the first control router built: the hooks find it here.
static OBSERVER: OnceLock<Arc<Observer>> = OnceLock::new();

/// The control expose's router (health, status, metrics, traces), with the authentication and `Host`
/// checks of `options`; it also starts recording the other exposes' requests. `config` lists the
/// listeners whose readiness it reports.
pub fn router(spec: ControlSpec, config: &Config, options: RestOptions) -> axum::Router {
    let listeners = config
        .listening
        .iter()
        .map(|l| ListenerState {
            kind: l.expose.kind.name(),
            namespace: l.expose.namespace,
            port: AtomicU16::new(l.addr.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(l.expose.port)),
            served: l.served,
            started: AtomicBool::new(false),
        })
        .collect();
    let metrics = (spec.observability && spec.metrics).then(Metrics::new);
    // An OTLP exporter takes the traces the ring records: they are recorded even when `/traces` is not served.
    let exporting = cfg!(feature = "otlp") && exporter_installed();
    let traces = spec.traces.or(exporting.then_some(1)).filter(|_| spec.observability).map(|size| TraceRing::new(size, spec.sampling));
    let observer = Arc::new(Observer { spec, started: Instant::now(), started_at: SystemTime::now(), metrics, traces, listeners });
    if OBSERVER.set(Arc::clone(&observer)).is_err() {
        tracing::warn!("a second control router in this process: requests are recorded by the first one only");
    }
    routes(observer, options)
}

#[cfg(feature = "otlp")]
fn exporter_installed() -> bool {
    otlp::installed()
}

#[cfg(not(feature = "otlp"))]
fn exporter_installed() -> bool {
    false
}

fn routes(observer: Arc<Observer>, options: RestOptions) -> axum::Router {
    let spec = &observer.spec;
    let mut router = axum::Router::new();
    if spec.health {
        router = router.route("/health/live", get(|| async { axum::Json(json!({ "status": "UP" })) }));
        let o = Arc::clone(&observer);
        router = router.route("/health/ready", get(move || async move { ready(&o) }));
    }
    if spec.info {
        let o = Arc::clone(&observer);
        router = router.route("/status", get(move || async move { axum::Json(status(&o)) }));
        router = router.route("/config", get(|| async { not_supported("a compiled binary keeps no configuration document: its configuration is its spec, compiled in, and its `serve` flags (see `serve --help`)") }));
    }
    if spec.metrics && observer.metrics.is_some() {
        let o = Arc::clone(&observer);
        router = router.route("/metrics", get(move || async move { metrics_text(&o) }));
    }
    if spec.traces.is_some() && observer.traces.is_some() {
        let o = Arc::clone(&observer);
        router = router.route("/traces", get(move |Query(q): Query<TraceQuery>| async move { traces_list(&o, &q) }));
        let o = Arc::clone(&observer);
        router = router.route("/traces/{trace_id}", get(move |Path(id): Path<String>| async move { trace(&o, &id) }));
    }
    if spec.logs {
        let why = || async {
            not_supported("log levels are set when the binary starts (RUST_LOG, --log-format); it has no live level control or log stream")
        };
        router = router.route("/logs", any(why)).route("/logs/{*logger}", any(why));
    }
    if spec.reload {
        router = router.route(
            "/config/reload",
            post(|| async { not_supported("a compiled binary cannot reload its spec: regenerate the crate and rebuild it") }),
        );
    }
    if spec.validate {
        router = router.route(
            "/config/validate",
            post(|| async { not_supported("a compiled binary cannot validate a spec: run `naftiko-codegen check SPEC`") }),
        );
    }
    if spec.scripting {
        router = router.route(
            "/scripting",
            any(|| async {
                not_supported("a compiled binary runs no scripts (`type: script` steps do not compile), so there is no scripting to govern")
            }),
        );
    }
    crate::rest::finish(router, options)
}

fn not_supported(why: &str) -> Response {
    AdapterError::new(StatusCode::NOT_IMPLEMENTED, "not_supported", why).into_response()
}

/// The listeners as `/health/ready` and `/status` list them (the engine's `adapters`).
fn adapters(observer: &Observer) -> Vec<Value> {
    observer
        .listeners
        .iter()
        .map(|l| {
            let state = match (l.served, l.started.load(Ordering::Acquire)) {
                (false, _) => "disabled",
                (true, true) => "started",
                (true, false) => "stopped",
            };
            let mut adapter = json!({ "type": l.kind });
            if let Some(a) = adapter.as_object_mut() {
                if l.kind != "control" {
                    a.insert("namespace".into(), Value::from(l.namespace));
                }
                a.insert("port".into(), Value::from(l.port.load(Ordering::Relaxed)));
                a.insert("state".into(), Value::from(state));
            }
            adapter
        })
        .collect()
}

fn ready(observer: &Observer) -> Response {
    // Secrets are read before any listener is bound (the binary stops if one is missing), so a bound
    // listener implies loaded secrets. Listeners left out by `--only` do not count; nor does control's.
    let ready = observer.listeners.iter().filter(|l| l.served && l.kind != "control").all(|l| l.started.load(Ordering::Acquire));
    let body = json!({ "status": if ready { "UP" } else { "DEGRADED" }, "adapters": adapters(observer) });
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(body)).into_response()
}

fn status(observer: &Observer) -> Value {
    json!({
        "capability": { "label": observer.spec.label, "specVersion": "1.0.0-alpha2" },
        "engine": { "name": "naftiko-runtime", "version": env!("CARGO_PKG_VERSION"), "native": true },
        "uptime": iso_duration(observer.started.elapsed()),
        "otel": { "status": if observer.spec.observability { "active" } else { "inactive" } },
        "adapters": adapters(observer),
    })
}

/// `PT1H2M3.456S`, as Java's `Duration.toString` writes one (the engine's `uptime`).
fn iso_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s, ms) = (secs / 3600, secs / 60 % 60, secs % 60, d.subsec_millis());
    let mut text = String::from("PT");
    if h > 0 {
        text += &format!("{h}H");
    }
    if m > 0 {
        text += &format!("{m}M");
    }
    if s > 0 || ms > 0 || (h == 0 && m == 0) {
        text += &if ms > 0 { format!("{s}.{ms:03}").trim_end_matches('0').to_owned() } else { s.to_string() };
        text.push('S');
    }
    text
}

fn metrics_text(observer: &Observer) -> Response {
    let text = observer.metrics.as_ref().map(Metrics::encode).unwrap_or_default();
    ([(http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response()
}

#[derive(serde::Deserialize)]
struct TraceQuery {
    operation: Option<String>,
    status: Option<String>,
}

fn traces_list(observer: &Observer, query: &TraceQuery) -> Response {
    match &observer.traces {
        Some(ring) => axum::Json(ring.list(query.operation.as_deref(), query.status.as_deref())).into_response(),
        None => AdapterError::not_found().into_response(),
    }
}

fn trace(observer: &Observer, id: &str) -> Response {
    match observer.traces.as_ref().and_then(|ring| ring.find(id)) {
        Some(trace) => axum::Json(trace).into_response(),
        None => AdapterError::new(StatusCode::NOT_FOUND, "not_found", format!("Trace not found: {}", id.chars().take(64).collect::<String>()))
            .into_response(),
    }
}

// ---- hooks of the serve loop, the MCP server and the HTTP client ----

/// A listener of `namespace` is bound (on `port`): it counts as started for readiness.
pub(crate) fn listener_started(namespace: &str, port: u16) {
    if let Some(l) = OBSERVER.get().and_then(|o| o.listeners.iter().find(|l| l.namespace == namespace)) {
        l.port.store(port, Ordering::Relaxed);
        l.started.store(true, Ordering::Release);
    }
}

/// A listener of `namespace` stopped serving (shutdown).
pub(crate) fn listener_stopped(namespace: &str) {
    if let Some(l) = OBSERVER.get().and_then(|o| o.listeners.iter().find(|l| l.namespace == namespace)) {
        l.started.store(false, Ordering::Release);
    }
}

/// The kind of an adapter's own 5xx answer (`upstream_timeout`…), which `/metrics` counts as an error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorKind(pub(crate) &'static str);

/// `router` with each request's route (axum's [`MatchedPath`], known inside the router only) handed
/// to the edge's observation ([`Observed`]), which runs outside it; as it is when nothing is observed.
pub(crate) fn labelled(surface: &'static str, router: axum::Router) -> axum::Router {
    match OBSERVER.get() {
        Some(observer) if observer.spec.observability && surface != "control" => {
            router.layer(tower::layer::layer_fn(|inner| Labelled { inner }))
        }
        _ => router,
    }
}

thread_local! {
    /// The route of the request being routed, from [`Labelled::call`] to [`Observed::poll`]. A route's
    /// service is called during the first poll of the router's future, which the edge's `Observed`
    /// makes on this thread: it clears the slot before that poll and takes the route after it. A
    /// thread-local rather than an extension of the answer, whose map each answer would allocate.
    static ROUTED: std::cell::Cell<Option<MatchedPath>> = const { std::cell::Cell::new(None) };
}

/// A route of a [`labelled`] router.
#[derive(Clone)]
struct Labelled<S> {
    inner: S,
}

impl<S> tower::Service<Request> for Labelled<S>
where
    S: tower::Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> S::Future {
        ROUTED.set(request.extensions().get::<MatchedPath>().cloned());
        self.inner.call(request)
    }
}

/// A request being measured and traced, from the edge's [`watch`] before it is handed on to its answer:
/// what its observation needs from it, and when it began.
pub(crate) struct Watch {
    observer: &'static Observer,
    /// The route it matched (see [`labelled`]), once it was routed.
    matched: Option<MatchedPath>,
    routed: bool,
    method: http::Method,
    start: Instant,
    /// The request's trace, until the answer's future is scoped in it, when traces are recorded.
    trace: Option<Box<Current>>,
    /// The caller's span when its `traceparent` was continued.
    remote_parent: Option<u64>,
}

/// The request's trace, the task-local while its answer is worked out (spans recorded inside join it).
type Traced<F> = tokio::task::futures::TaskLocalFuture<Box<Current>, F>;

/// Begins the observation of `request`; `None` (one atomic load) when nothing records or the request
/// is the control expose's own.
pub(crate) fn watch(surface: &'static str, request: &Request) -> Option<Watch> {
    let observer = OBSERVER.get()?;
    if surface == "control" || !observer.spec.observability {
        return None;
    }
    // The caller's `traceparent` is read only where a trace can continue it.
    let (trace, remote_parent) = match &observer.traces {
        Some(ring) => {
            let (current, remote_parent) = Current::start(ring, request.headers().get(traces::TRACEPARENT));
            (Some(Box::new(current)), remote_parent)
        }
        None => (None, None),
    };
    Some(Watch {
        observer,
        matched: None,
        routed: false,
        method: request.method().clone(),
        start: Instant::now(),
        trace,
        remote_parent,
    })
}

pin_project_lite::pin_project! {
    /// A request's answer, measured (REST and skill requests; MCP's are measured per tool call) and
    /// traced for the control expose. Written out rather than `async`, so that the answer's future is
    /// held once and not copied into a scope.
    pub(crate) struct Observed<F> {
        #[pin]
        state: ObservedState<F>,
        watch: Option<Watch>,
        surface: &'static str,
    }
}

pin_project_lite::pin_project! {
    #[project = ObservedProj]
    enum ObservedState<F> {
        /// Not recorded (no control expose served), or measured without a trace.
        Plain { #[pin] future: F },
        /// In the request's trace.
        Traced { #[pin] future: Traced<F> },
    }
}

impl<F: Future> Observed<F> {
    /// `future`, the answer to the request of `watch`, observed.
    pub(crate) fn new(surface: &'static str, mut watch: Option<Watch>, future: F) -> Self {
        let state = match watch.as_mut().and_then(|w| w.trace.take()) {
            Some(current) => ObservedState::Traced { future: CURRENT.scope(current, future) },
            None => ObservedState::Plain { future },
        };
        Observed { state, watch, surface }
    }
}

impl<F, E> Future for Observed<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        let this = self.project();
        // The first poll routes the request (see `ROUTED`); a refusal at the edge leaves no route.
        let routing = this.watch.as_ref().is_some_and(|w| !w.routed);
        if routing {
            ROUTED.take();
        }
        let polled = match this.state.project() {
            ObservedProj::Plain { future } => future.poll(cx).map(|answer| (answer, None)),
            ObservedProj::Traced { mut future } => {
                // The trace is handed back once the answer is in.
                future.as_mut().poll(cx).map(|answer| (answer, future.take_value()))
            }
        };
        if let (true, Some(watch)) = (routing, this.watch.as_mut()) {
            (watch.matched, watch.routed) = (ROUTED.take(), true);
        }
        let (answer, current) = std::task::ready!(polled);
        std::task::Poll::Ready(match (answer, this.watch.take()) {
            (Ok(response), Some(watch)) => Ok(watch.end(this.surface, current, response)),
            (answer, _) => answer,
        })
    }
}

impl Watch {
    /// The request was answered with `response`: it is counted into `/metrics` and its trace (`current`,
    /// with the spans recorded inside it) into the ring.
    fn end(self, surface: &'static str, current: Option<Box<Current>>, response: Response) -> Response {
        let elapsed = self.start.elapsed();
        let observer = self.observer;
        // REST and skill requests by route template, never the raw path; MCP's per tool call. `None`:
        // no route matched, or the edge refused the request before routing it.
        if let (Some(metrics), Some(matched), false) = (&observer.metrics, &self.matched, surface == "mcp") {
            let status = response.status();
            let error = status.is_server_error().then(|| response.extensions().get::<ErrorKind>().map_or("upstream_status", |k| k.0));
            metrics.request(
                surface,
                Operation::Route(matched.as_str(), &self.method),
                Outcome::Status(status.as_u16()),
                elapsed.as_secs_f64(),
                error,
            );
        }
        let (Some(mut current), Some(ring)) = (current, &observer.traces) else { return response };
        if !current.sampled {
            return response;
        }
        let name = match surface {
            "rest" => "rest.request",
            "mcp" => "mcp.request",
            "skill" => "skill.request",
            _ => "request",
        };
        let error = response.status().is_server_error() || current.spans.get_mut().iter().any(|s| s.error);
        let duration_ms = elapsed.as_millis() as u64;
        let timestamp = observer.started_at + self.start.saturating_duration_since(observer.started);
        let kind = if self.remote_parent.is_some() { SpanKind::Internal } else { SpanKind::Server };
        let parent_span_id = self.remote_parent.and_then(std::num::NonZeroU64::new);
        let root = SpanSummary { span_id: current.root_span, parent_span_id, name: Cow::Borrowed(name), kind, duration_ms, error };
        let operation_id = match (current.tool.get(), self.matched) {
            (Some(tool), _) => OperationId::Name(tool),
            (None, Some(matched)) => OperationId::Route(matched, self.method),
            (None, None) => OperationId::Name("(unmatched)"),
        };
        ring.add(TraceSummary { name, operation_id, duration_ms, error, timestamp, root, recorded: current }, self.start + elapsed);
        response
    }
}

/// An MCP tool call ended: `error` says how it failed (`invalid_arguments`, `handled_error`: the
/// tool's result has `isError`), if it did.
pub(crate) fn tool_call(name: &'static str, start: Instant, error: Option<&'static str>) {
    let Some(observer) = OBSERVER.get() else { return };
    if !observer.spec.observability {
        return;
    }
    // One clock read for the metric and the span.
    let took = start.elapsed();
    if let Some(metrics) = &observer.metrics {
        let outcome = if error.is_some() { Outcome::Error } else { Outcome::Ok };
        metrics.request("mcp", Operation::Name(name), outcome, took.as_secs_f64(), error);
    }
    let _ = CURRENT.try_with(|c| {
        c.span(Cow::Borrowed("mcp.tool"), SpanKind::Internal, took, error.is_some());
        c.tool.set(Some(name));
    });
}

/// An upstream call about to be sent, as [`client_call_start`] saw it.
pub(crate) struct ClientCall {
    start: Instant,
    /// The call's span in the trace of the request being served, and what its header says.
    span: Option<(u64, TraceId, bool, Propagation)>,
}

/// An upstream call is about to be sent. Returns what [`propagate`] and [`client_call_end`] need.
pub(crate) fn client_call_start() -> Option<ClientCall> {
    let observer = OBSERVER.get().filter(|o| o.spec.observability)?;
    let span = CURRENT.try_with(|c| (traces::next_span_id(), c.trace_id, c.sampled, observer.spec.propagation)).ok();
    Some(ClientCall { start: Instant::now(), span })
}

/// Adds the trace's header of `call` to an attempt's `headers`.
pub(crate) fn propagate(call: Option<&ClientCall>, headers: &mut http::HeaderMap) {
    if let Some(&ClientCall { span: Some((span, trace_id, sampled, propagation)), .. }) = call {
        traces::propagate(propagation, trace_id.get(), span, sampled, headers);
    }
}

/// The upstream call of [`client_call_start`] ended with `status` (`None`: no reply).
pub(crate) fn client_call_end(call: Option<ClientCall>, method: &http::Method, status: Option<u16>) {
    let (Some(ClientCall { start, span }), Some(observer)) = (call, OBSERVER.get()) else { return };
    let took = start.elapsed();
    if let Some(metrics) = &observer.metrics {
        metrics.client_call(method, status, took.as_secs_f64());
    }
    if let Some((span, ..)) = span {
        let error = status.is_none_or(|s| s >= 500);
        let _ = CURRENT.try_with(|c| c.span_with_id(span, client_span_name(method), SpanKind::Client, took, error));
    }
}

/// `http.client.GET`…: a name of the binary for the usual methods (this runs for every upstream call).
fn client_span_name(method: &http::Method) -> Cow<'static, str> {
    Cow::Borrowed(match *method {
        http::Method::GET => "http.client.GET",
        http::Method::POST => "http.client.POST",
        http::Method::PUT => "http.client.PUT",
        http::Method::PATCH => "http.client.PATCH",
        http::Method::DELETE => "http.client.DELETE",
        http::Method::HEAD => "http.client.HEAD",
        http::Method::OPTIONS => "http.client.OPTIONS",
        _ => return Cow::Owned(format!("http.client.{method}")),
    })
}

#[cfg(test)]
mod tests {
    use super::iso_duration;
    use std::time::Duration;

    #[test]
    fn uptime_is_an_iso_8601_duration() {
        assert_eq!(iso_duration(Duration::ZERO), "PT0S");
        assert_eq!(iso_duration(Duration::from_millis(3_723_450)), "PT1H2M3.45S");
        assert_eq!(iso_duration(Duration::from_secs(120)), "PT2M");
    }
}
