//! The control expose's Prometheus metrics, named as the reference engine names them (its OpenTelemetry
//! instruments with `.` as `_`): requests, their duration and request errors per adapter and operation
//! (a REST route template and method, or an MCP tool: never a raw path), and upstream calls.

use std::fmt::Write as _;

use axum::extract::MatchedPath;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Upper bounds (seconds) of the duration histograms: from a millisecond (an adapter's own time) to
/// ten seconds (a slow upstream).
const BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// What an operation is known by: a REST route (template and method, written `"/path METHOD"` as the
/// engine writes its operation ids) or a name (an MCP tool). Both are shared, never copied per request:
/// the route is axum's matched path (one `Arc` per route), the tool's name the generated table's.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub(crate) enum Operation {
    Route(RoutePath, http::Method),
    Name(&'static str),
}

/// A route template as axum matched it.
#[derive(Clone, Debug)]
pub(crate) struct RoutePath(pub(crate) MatchedPath);

impl PartialEq for RoutePath {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Eq for RoutePath {}

impl std::hash::Hash for RoutePath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.as_str().hash(state);
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Operation::Route(path, method) => write!(f, "{} {method}", path.0.as_str()),
            Operation::Name(name) => f.write_str(name),
        }
    }
}

impl EncodeLabelValue for Operation {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> std::fmt::Result {
        write!(encoder, "{self}")
    }
}

/// A request's outcome: the HTTP status of a REST answer, `OK`/`ERROR` of a tool call (as the engine).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub(crate) enum Outcome {
    Status(u16),
    Ok,
    Error,
    /// No reply (an upstream call that could not connect, timed out, or broke off).
    Transport,
}

impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> std::fmt::Result {
        match self {
            Outcome::Status(code) => EncodeLabelValue::encode(code, encoder),
            Outcome::Ok => encoder.write_str("OK"),
            Outcome::Error => encoder.write_str("ERROR"),
            Outcome::Transport => encoder.write_str("transport"),
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    naftiko_adapter_type: &'static str,
    naftiko_operation_id: Operation,
    status: Outcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    naftiko_adapter_type: &'static str,
    naftiko_operation_id: Operation,
    error_type: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClientLabels {
    http_request_method: MethodLabel,
    /// The status, or `transport` when no reply came.
    http_response_status_code: Outcome,
}

/// The registry and its families; recording takes a read lock on a family and atomics.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RequestLabels, Histogram, fn() -> Histogram>,
    errors: Family<ErrorLabels, Counter>,
    client_calls: Family<ClientLabels, Counter>,
    client_durations: Family<ClientLabels, Histogram, fn() -> Histogram>,
}

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(histogram);
        let errors = Family::<ErrorLabels, Counter>::default();
        let client_calls = Family::<ClientLabels, Counter>::default();
        let client_durations = Family::<ClientLabels, Histogram, fn() -> Histogram>::new_with_constructor(histogram);
        registry.register("naftiko_request", "Total number of requests handled by the adapters", requests.clone());
        registry.register("naftiko_request_duration_seconds", "Duration of request handling in seconds", durations.clone());
        registry.register("naftiko_request_errors", "Total number of request errors", errors.clone());
        registry.register("naftiko_http_client", "Total number of outbound HTTP client calls", client_calls.clone());
        registry.register("naftiko_http_client_duration_seconds", "Duration of outbound HTTP client calls in seconds", client_durations.clone());
        Metrics { registry, requests, durations, errors, client_calls, client_durations }
    }

    /// One request of `adapter` (`rest`, `mcp`, `skill`) to `operation`, its outcome and duration;
    /// `error` names the kind of failure, if it failed.
    pub(crate) fn request(&self, adapter: &'static str, operation: Operation, outcome: Outcome, seconds: f64, error: Option<&'static str>) {
        if let Some(error_type) = error {
            self.errors.get_or_create(&ErrorLabels { naftiko_adapter_type: adapter, naftiko_operation_id: operation.clone(), error_type }).inc();
        }
        let labels = RequestLabels { naftiko_adapter_type: adapter, naftiko_operation_id: operation, status: outcome };
        self.durations.get_or_create(&labels).observe(seconds);
        self.requests.get_or_create(&labels).inc();
    }

    /// One call to an upstream API: its method, status (`None`: no reply) and duration.
    pub(crate) fn client_call(&self, method: &http::Method, status: Option<u16>, seconds: f64) {
        let outcome = status.map_or(Outcome::Transport, Outcome::Status);
        let labels = ClientLabels { http_request_method: MethodLabel(method.clone()), http_response_status_code: outcome };
        self.client_durations.get_or_create(&labels).observe(seconds);
        self.client_calls.get_or_create(&labels).inc();
    }

    /// The OpenMetrics text exposition (which Prometheus scrapes), ending with `# EOF`.
    pub(crate) fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> std::fmt::Result {
        encoder.write_str(self.0.as_str())
    }
}

/// A method as a label value (the orphan rule keeps `http::Method` itself from being one).
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct MethodLabel(http::Method);
