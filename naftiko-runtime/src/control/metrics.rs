//! The control expose's Prometheus metrics, named as the reference engine names them (its OpenTelemetry
//! instruments with `.` as `_`): requests, their duration and request errors per adapter and operation
//! (a REST route template and method, or an MCP tool: never a raw path), and upstream calls.
//!
//! Recording is on every request's path, so it shares nothing between threads: each thread counts into
//! its own shard (a map behind a lock only a scrape ever contends for), and `/metrics` adds the shards
//! up. A histogram or a label family shared by all threads made every request bounce their cache lines
//! and, under load, park threads on their locks.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use hashbrown::{Equivalent, HashMap};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeLabelValue, LabelValueEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use rustc_hash::FxBuildHasher;
use thread_local::ThreadLocal;

/// Upper bounds (seconds) of the duration histograms: from a millisecond (an adapter's own time) to
/// ten seconds (a slow upstream).
const BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// What an operation is known by: a REST route (template and method, written `"/path METHOD"` as the
/// engine writes its operation ids) or a name (an MCP tool).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Operation<'a> {
    Route(&'a str, &'a http::Method),
    Name(&'static str),
}

/// A method as a label: the standard ones by name, any other as `_OTHER` (as OpenTelemetry's HTTP
/// conventions say), so that a client inventing methods cannot grow the label sets without bound.
pub(crate) fn method_label(method: &http::Method) -> &'static str {
    match *method {
        http::Method::GET => "GET",
        http::Method::POST => "POST",
        http::Method::PUT => "PUT",
        http::Method::PATCH => "PATCH",
        http::Method::DELETE => "DELETE",
        http::Method::HEAD => "HEAD",
        http::Method::OPTIONS => "OPTIONS",
        http::Method::TRACE => "TRACE",
        http::Method::CONNECT => "CONNECT",
        _ => "_OTHER",
    }
}

/// An [`Operation`] as a label set keeps it: the route template is copied once per thread and label set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum OperationLabel {
    Route(Box<str>, &'static str),
    Name(&'static str),
}

impl Hash for OperationLabel {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `Operation` hashes, so that a map of labels can be searched with an `Operation`.
        match self {
            OperationLabel::Route(path, method) => (0u8, &**path, *method).hash(state),
            OperationLabel::Name(name) => (1u8, *name).hash(state),
        }
    }
}

impl Hash for Operation<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Operation::Route(path, method) => (0u8, *path, method_label(method)).hash(state),
            Operation::Name(name) => (1u8, *name).hash(state),
        }
    }
}

impl Equivalent<OperationLabel> for Operation<'_> {
    fn equivalent(&self, key: &OperationLabel) -> bool {
        match (self, key) {
            (Operation::Route(path, method), OperationLabel::Route(p, m)) => *path == &**p && method_label(method) == *m,
            (Operation::Name(name), OperationLabel::Name(n)) => name == n,
            _ => false,
        }
    }
}

impl From<Operation<'_>> for OperationLabel {
    fn from(operation: Operation<'_>) -> Self {
        match operation {
            Operation::Route(path, method) => OperationLabel::Route(path.into(), method_label(method)),
            Operation::Name(name) => OperationLabel::Name(name),
        }
    }
}

impl EncodeLabelValue for OperationLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> std::fmt::Result {
        match self {
            OperationLabel::Route(path, method) => write!(encoder, "{path} {method}"),
            OperationLabel::Name(name) => encoder.write_str(name),
        }
    }
}

/// A request's outcome: the HTTP status of a REST answer, `OK`/`ERROR` of a tool call (as the engine).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
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

#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord, EncodeLabelSet)]
struct RequestLabels {
    naftiko_adapter_type: &'static str,
    naftiko_operation_id: OperationLabel,
    status: Outcome,
}

/// [`RequestLabels`] as a request has them at hand, without copying the route.
#[derive(Hash)]
struct RequestKey<'a> {
    adapter: &'static str,
    operation: Operation<'a>,
    status: Outcome,
}

impl Equivalent<RequestLabels> for RequestKey<'_> {
    fn equivalent(&self, key: &RequestLabels) -> bool {
        self.adapter == key.naftiko_adapter_type && self.status == key.status && self.operation.equivalent(&key.naftiko_operation_id)
    }
}

impl From<&RequestKey<'_>> for RequestLabels {
    fn from(key: &RequestKey<'_>) -> Self {
        RequestLabels { naftiko_adapter_type: key.adapter, naftiko_operation_id: key.operation.into(), status: key.status }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord, EncodeLabelSet)]
struct ErrorLabels {
    naftiko_adapter_type: &'static str,
    naftiko_operation_id: OperationLabel,
    error_type: &'static str,
}

#[derive(Hash)]
struct ErrorKey<'a> {
    adapter: &'static str,
    operation: Operation<'a>,
    error_type: &'static str,
}

impl Equivalent<ErrorLabels> for ErrorKey<'_> {
    fn equivalent(&self, key: &ErrorLabels) -> bool {
        self.adapter == key.naftiko_adapter_type && self.error_type == key.error_type && self.operation.equivalent(&key.naftiko_operation_id)
    }
}

impl From<&ErrorKey<'_>> for ErrorLabels {
    fn from(key: &ErrorKey<'_>) -> Self {
        ErrorLabels { naftiko_adapter_type: key.adapter, naftiko_operation_id: key.operation.into(), error_type: key.error_type }
    }
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, PartialOrd, Ord, EncodeLabelSet)]
struct ClientLabels {
    http_request_method: &'static str,
    /// The status, or `transport` when no reply came.
    http_response_status_code: Outcome,
}

/// A counter and a histogram of durations: how many, their sum, and how many fell in each bucket
/// (the last one past the last bound).
#[derive(Clone, Debug, Default)]
struct Tally {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len() + 1],
}

impl Tally {
    fn observe(&mut self, seconds: f64) {
        self.count += 1;
        self.sum += seconds;
        self.buckets[BUCKETS.partition_point(|bound| *bound < seconds)] += 1;
    }

    fn add(&mut self, other: &Tally) {
        self.count += other.count;
        self.sum += other.sum;
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            *mine += theirs;
        }
    }
}

/// What one thread recorded.
#[derive(Default)]
struct Shard {
    requests: HashMap<RequestLabels, Tally, FxBuildHasher>,
    errors: HashMap<ErrorLabels, u64, FxBuildHasher>,
    client_calls: HashMap<ClientLabels, Tally, FxBuildHasher>,
}

/// Every thread's shard; read (and added up) by a scrape.
#[derive(Default)]
struct Shards(ThreadLocal<Mutex<Shard>>);

impl std::fmt::Debug for Shards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shards")
    }
}

/// The registry `/metrics` encodes, and the shards requests are counted into.
pub(crate) struct Metrics {
    registry: Registry,
    shards: Arc<Shards>,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let shards = Arc::new(Shards::default());
        let mut registry = Registry::default();
        registry.register_collector(Box::new(Arc::clone(&shards)));
        Metrics { registry, shards }
    }

    /// Runs `record` on this thread's shard (a lock no other thread takes but a scrape).
    fn record(&self, record: impl FnOnce(&mut Shard)) {
        let shard = self.shards.0.get_or_default();
        // A poisoned shard (a panic while recording) still counts: its maps are whole after each insert.
        let mut shard = shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        record(&mut shard);
    }

    /// One request of `adapter` (`rest`, `mcp`, `skill`) to `operation`, its outcome and duration;
    /// `error` names the kind of failure, if it failed.
    pub(crate) fn request(&self, adapter: &'static str, operation: Operation<'_>, outcome: Outcome, seconds: f64, error: Option<&'static str>) {
        self.record(|shard| {
            tally(&mut shard.requests, &RequestKey { adapter, operation, status: outcome }).observe(seconds);
            if let Some(error_type) = error {
                *tally(&mut shard.errors, &ErrorKey { adapter, operation, error_type }) += 1;
            }
        });
    }

    /// One call to an upstream API: its method, status (`None`: no reply) and duration.
    pub(crate) fn client_call(&self, method: &http::Method, status: Option<u16>, seconds: f64) {
        let labels =
            ClientLabels { http_request_method: method_label(method), http_response_status_code: status.map_or(Outcome::Transport, Outcome::Status) };
        self.record(|shard| shard.client_calls.entry(labels).or_default().observe(seconds));
    }

    /// The OpenMetrics text exposition (which Prometheus scrapes), ending with `# EOF`.
    pub(crate) fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The value of `key` in `map`, inserted (the labels copied) the first time.
fn tally<'m, K, Q, V>(map: &'m mut HashMap<K, V, FxBuildHasher>, key: &Q) -> &'m mut V
where
    K: Hash + Eq + for<'q> From<&'q Q>,
    Q: Hash + Equivalent<K>,
    V: Default,
{
    // Searched by the borrowed labels: the usual case (labels seen before) copies nothing.
    map.raw_entry_mut().from_key(key).or_insert_with(|| (K::from(key), V::default())).1
}

impl Collector for Shards {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        // Added up across threads, in label order (a scrape reads the same series in the same order).
        let mut requests = std::collections::BTreeMap::<RequestLabels, Tally>::new();
        let mut errors = std::collections::BTreeMap::<ErrorLabels, u64>::new();
        let mut client_calls = std::collections::BTreeMap::<ClientLabels, Tally>::new();
        for shard in self.0.iter() {
            let shard = shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (labels, tally) in &shard.requests {
                requests.entry(labels.clone()).or_default().add(tally);
            }
            for (labels, count) in &shard.errors {
                *errors.entry(labels.clone()).or_default() += count;
            }
            for (labels, tally) in &shard.client_calls {
                client_calls.entry(*labels).or_default().add(tally);
            }
        }
        counters(&mut encoder, "naftiko_request", "Total number of requests handled by the adapters", requests.iter().map(|(l, t)| (l, t.count)))?;
        histograms(&mut encoder, "naftiko_request_duration_seconds", "Duration of request handling in seconds", &requests)?;
        counters(&mut encoder, "naftiko_request_errors", "Total number of request errors", errors.iter().map(|(l, n)| (l, *n)))?;
        counters(&mut encoder, "naftiko_http_client", "Total number of outbound HTTP client calls", client_calls.iter().map(|(l, t)| (l, t.count)))?;
        histograms(&mut encoder, "naftiko_http_client_duration_seconds", "Duration of outbound HTTP client calls in seconds", &client_calls)
    }
}

/// A counter family (the encoder adds `_total` to its samples).
fn counters<'a, L: EncodeLabelSet + 'a>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    samples: impl Iterator<Item = (&'a L, u64)>,
) -> std::fmt::Result {
    let mut family = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
    for (labels, count) in samples {
        family.encode_family(labels)?.encode_counter::<NoLabelSet, _, u64>(&count, None)?;
    }
    Ok(())
}

/// A histogram family over [`BUCKETS`].
fn histograms<L: EncodeLabelSet>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    tallies: &std::collections::BTreeMap<L, Tally>,
) -> std::fmt::Result {
    let mut family = encoder.encode_descriptor(name, help, None, MetricType::Histogram)?;
    for (labels, tally) in tallies {
        let buckets: Vec<(f64, u64)> = BUCKETS.iter().copied().chain([f64::INFINITY]).zip(tally.buckets).collect();
        family.encode_family(labels)?.encode_histogram::<NoLabelSet>(tally.sum, tally.count, &buckets, None)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_add_up_in_one_exposition() {
        let metrics = Arc::new(Metrics::new());
        let method = http::Method::GET;
        std::thread::scope(|s| {
            for _ in 0..3 {
                let metrics = Arc::clone(&metrics);
                let method = method.clone();
                s.spawn(move || {
                    metrics.request("rest", Operation::Route("/items/{id}", &method), Outcome::Status(200), 0.002, None);
                    metrics.request("rest", Operation::Route("/items/{id}", &method), Outcome::Status(502), 20.0, Some("upstream_status"));
                    metrics.client_call(&method, None, 0.0001);
                });
            }
        });
        metrics.request("mcp", Operation::Name("get-item"), Outcome::Ok, 0.0005, None);
        let text = metrics.encode();
        let line = |prefix: &str| text.lines().find(|l| l.starts_with(prefix)).map(str::to_owned);
        let ok = r#"naftiko_adapter_type="rest",naftiko_operation_id="/items/{id} GET",status="200""#;
        assert_eq!(line(&format!("naftiko_request_total{{{ok}}}")).as_deref(), Some(&*format!("naftiko_request_total{{{ok}}} 3")), "{text}");
        assert!(text.contains(&format!("naftiko_request_duration_seconds_bucket{{le=\"0.001\",{ok}}} 0\n")), "{text}");
        assert!(text.contains(&format!("naftiko_request_duration_seconds_bucket{{le=\"0.0025\",{ok}}} 3\n")), "{text}");
        assert!(text.contains(&format!("naftiko_request_duration_seconds_bucket{{le=\"+Inf\",{ok}}} 3\n")), "{text}");
        assert!(
            text.contains(
                r#"naftiko_request_errors_total{naftiko_adapter_type="rest",naftiko_operation_id="/items/{id} GET",error_type="upstream_status"} 3"#
            ),
            "{text}"
        );
        // 20 s is past the last bound: only +Inf holds it.
        assert!(text.contains(r#"naftiko_request_duration_seconds_bucket{le="10.0",naftiko_adapter_type="rest",naftiko_operation_id="/items/{id} GET",status="502"} 0"#), "{text}");
        assert!(text.contains(r#"naftiko_http_client_total{http_request_method="GET",http_response_status_code="transport"} 3"#), "{text}");
        assert!(text.contains(r#"naftiko_request_total{naftiko_adapter_type="mcp",naftiko_operation_id="get-item",status="OK"} 1"#), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn invented_methods_share_one_label() {
        let metrics = Metrics::new();
        for name in ["FOO", "BAR", "BAZ"] {
            let method = http::Method::from_bytes(name.as_bytes()).expect("a token");
            metrics.request("rest", Operation::Route("/x", &method), Outcome::Status(405), 0.0, None);
        }
        let text = metrics.encode();
        assert!(text.contains(r#"naftiko_request_total{naftiko_adapter_type="rest",naftiko_operation_id="/x _OTHER",status="405"} 3"#), "{text}");
    }
}
