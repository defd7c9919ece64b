//! Recent request traces: one root span per request served (`rest.request`, `mcp.request`…) with the
//! spans recorded inside it (`mcp.tool`, `http.client.GET`…), kept in a bounded ring buffer and
//! listed in the reference engine's JSON shape (`/traces`, `/traces/{traceId}`). A W3C `traceparent`
//! sent by the caller is continued, and passed on to the upstream APIs (W3C or B3, as the spec says).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::num::NonZeroU64;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::MatchedPath;
use serde_json::{Value, json};
use thread_local::ThreadLocal;

/// How the trace context is passed to upstream APIs (`observability.traces.propagation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// `traceparent: 00-{trace}-{span}-01`.
    W3c,
    /// `X-B3-TraceId`, `X-B3-SpanId` and `X-B3-Sampled` (B3's multiple headers, as the engine sends them).
    B3,
}

/// One span of a trace, as `/traces/{traceId}` lists it.
#[derive(Clone, Debug)]
pub(crate) struct SpanSummary {
    pub(crate) span_id: u64,
    /// Span ids are never zero (W3C Trace Context: an all-zero id is invalid).
    pub(crate) parent_span_id: Option<NonZeroU64>,
    pub(crate) name: Cow<'static, str>,
    pub(crate) kind: SpanKind,
    pub(crate) duration_ms: u64,
    pub(crate) error: bool,
}

/// What a span measured, as OpenTelemetry names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpanKind {
    /// A request served, with no caller's trace to continue.
    Server,
    /// A request served within the caller's trace, or a step inside one (a tool call).
    Internal,
    /// A call to an upstream API.
    Client,
}

impl SpanKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SpanKind::Server => "SERVER",
            SpanKind::Internal => "INTERNAL",
            SpanKind::Client => "CLIENT",
        }
    }
}

/// A finished trace: its root span and every span recorded inside it.
///
/// The ring keeps the request's own record of its spans ([`Current`], allocated when the request came
/// in) rather than a copy: recording a trace moves a pointer, and the record is freed when the ring
/// drops the trace, by the thread that allocated it (each thread keeps its own traces).
#[derive(Clone, Debug)]
pub(crate) struct TraceSummary {
    /// The root span's name (`rest.request`): the engine's `operation`.
    pub(crate) name: &'static str,
    /// What was asked: `"/path METHOD"` or the tool called (written out when listed).
    pub(crate) operation_id: OperationId,
    pub(crate) duration_ms: u64,
    pub(crate) error: bool,
    pub(crate) timestamp: SystemTime,
    /// The root span: the request served.
    pub(crate) root: SpanSummary,
    /// The spans recorded inside the root one.
    pub(crate) recorded: Box<Current>,
}

/// The spans recorded inside a request, held inline up to four (its tool and its upstream calls): the
/// request's one allocation for its trace is its [`Current`].
pub(crate) type Spans = smallvec::SmallVec<[SpanSummary; 4]>;

/// What a trace's request asked for, shared rather than copied: axum's matched route (one `Arc` per
/// route) and the method, or the generated table's tool name.
#[derive(Clone, Debug)]
pub(crate) enum OperationId {
    Route(MatchedPath, http::Method),
    Name(&'static str),
}

impl std::fmt::Display for OperationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OperationId::Route(path, method) => write!(f, "{} {method}", path.as_str()),
            OperationId::Name(name) => f.write_str(name),
        }
    }
}

fn status(error: bool) -> &'static str {
    if error { "ERROR" } else { "OK" }
}

impl TraceSummary {
    pub(crate) fn trace_id(&self) -> u128 {
        self.recorded.trace_id.get()
    }

    /// Every span of the trace, the root one first.
    pub(crate) fn spans(&self) -> Vec<SpanSummary> {
        std::iter::once(self.root.clone()).chain(self.recorded.spans.borrow().iter().cloned()).collect()
    }

    /// How many spans [`TraceSummary::spans`] lists.
    pub(crate) fn span_count(&self) -> usize {
        1 + self.recorded.spans.borrow().len()
    }

    fn listed(&self) -> Value {
        json!({
            "traceId": format!("{:032x}", self.trace_id()),
            "operation": self.name,
            "operationId": self.operation_id.to_string(),
            "durationMs": self.duration_ms,
            "status": status(self.error),
            "spanCount": self.span_count(),
            "timestamp": rfc3339(self.timestamp),
        })
    }

    fn detailed(&self) -> Value {
        let spans: Vec<Value> = self
            .spans()
            .iter()
            .map(|s| {
                let mut span = json!({
                    "spanId": format!("{:016x}", s.span_id),
                    "name": s.name,
                    "kind": s.kind.as_str(),
                    "durationMs": s.duration_ms,
                    "status": status(s.error),
                });
                if let (Some(parent), Some(object)) = (s.parent_span_id, span.as_object_mut()) {
                    object.insert("parentSpanId".into(), Value::from(format!("{parent:016x}")));
                }
                span
            })
            .collect();
        // What `/traces` lists of it, its spans instead of their count.
        let mut detailed = self.listed();
        if let Some(object) = detailed.as_object_mut() {
            object.remove("spanCount");
            object.insert("spans".into(), Value::Array(spans));
        }
        detailed
    }
}

/// One thread's last traces, in the order they ended from `oldest` on, round to it again.
struct Shard {
    traces: Vec<(Instant, TraceSummary)>,
    oldest: usize,
}

/// The last `capacity` traces, most recent first when read.
///
/// Each thread keeps its own last `capacity` (behind a lock only a reader contends for), and a read
/// merges them by the time each trace ended: recording a request shares nothing between threads.
pub(crate) struct TraceRing {
    capacity: usize,
    shards: ThreadLocal<Mutex<Shard>>,
    /// The share of requests recorded (`sampling`), as a threshold on the trace id's low 64 bits.
    threshold: u64,
}

impl TraceRing {
    pub(crate) fn new(capacity: usize, sampling: f64) -> Self {
        let capacity = capacity.max(1);
        // `as` saturates: 1.0 keeps every trace, 0.0 none.
        let threshold = if sampling >= 1.0 { u64::MAX } else { (sampling.max(0.0) * u64::MAX as f64) as u64 };
        TraceRing { capacity, shards: ThreadLocal::new(), threshold }
    }

    fn sampled(&self, trace_id: u128) -> bool {
        self.threshold == u64::MAX || (trace_id as u64) < self.threshold
    }

    pub(crate) fn add(&self, trace: TraceSummary, ended: Instant) {
        #[cfg(feature = "otlp")]
        super::otlp::export(&trace);
        let shard = self.shards.get_or(|| Mutex::new(Shard { traces: Vec::with_capacity(self.capacity), oldest: 0 }));
        let mut shard = shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if shard.traces.len() < self.capacity {
            shard.traces.push((ended, trace));
        } else {
            // Overwritten in place: the evicted trace is dropped where it lies, not moved out first.
            let oldest = shard.oldest;
            shard.traces[oldest] = (ended, trace);
            shard.oldest = (oldest + 1) % self.capacity;
        }
    }

    /// Every thread's traces, most recent first, the last `capacity` of them.
    fn recent(&self) -> Vec<(Instant, TraceSummary)> {
        let mut all: Vec<(Instant, TraceSummary)> = Vec::new();
        for shard in self.shards.iter() {
            let shard = shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            // In the order they ended: from `oldest` to the end, then those written over the first ones.
            let (rewritten, first) = shard.traces.split_at(shard.oldest);
            all.extend(first.iter().chain(rewritten).rev().cloned());
        }
        // Stable: a thread's traces ended at the same instant stay newest first.
        all.sort_by_key(|a| std::cmp::Reverse(a.0));
        all.truncate(self.capacity);
        all
    }

    /// `/traces`: the traces whose root span name or operation contains `operation` and whose status
    /// is `status` (case-insensitive), most recent first.
    pub(crate) fn list(&self, operation: Option<&str>, status_filter: Option<&str>) -> Value {
        let traces = self.recent();
        let listed: Vec<Value> = traces
            .iter()
            .map(|(_, t)| t)
            .filter(|t| operation.is_none_or(|o| t.name.contains(o) || t.operation_id.to_string().contains(o)))
            .filter(|t| status_filter.is_none_or(|s| status(t.error).eq_ignore_ascii_case(s)))
            .map(TraceSummary::listed)
            .collect();
        json!({ "traces": listed, "bufferSize": self.capacity, "bufferUsed": traces.len() })
    }

    /// `/traces/{traceId}`.
    pub(crate) fn find(&self, trace_id: &str) -> Option<Value> {
        let id = u128::from_str_radix(trace_id, 16).ok().filter(|_| trace_id.len() == 32)?;
        self.recent().iter().find(|(_, t)| t.trace_id() == id).map(|(_, t)| t.detailed())
    }
}

/// The trace of the request being served, in a task-local: spans recorded inside it join it.
#[derive(Clone, Debug)]
pub(crate) struct Current {
    pub(crate) trace_id: TraceId,
    pub(crate) root_span: u64,
    pub(crate) sampled: bool,
    pub(crate) spans: RefCell<Spans>,
    /// The tool called, for the root span's operation.
    pub(crate) tool: Cell<Option<&'static str>>,
}

tokio::task_local! {
    pub(crate) static CURRENT: Box<Current>;
}

/// A 128-bit trace id as two halves: a `u128` field would align [`Current`] to 16 bytes, which every
/// request's allocation of it then pays for (the allocator's aligned path).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TraceId {
    high: u64,
    low: u64,
}

impl TraceId {
    pub(crate) fn get(self) -> u128 {
        (u128::from(self.high) << 64) | u128::from(self.low)
    }
}

impl From<u128> for TraceId {
    fn from(id: u128) -> Self {
        TraceId { high: (id >> 64) as u64, low: id as u64 }
    }
}

impl Current {
    /// A new trace, or the caller's (`traceparent`) continued; the root span's parent is then the
    /// caller's span.
    pub(crate) fn start(ring: &TraceRing, traceparent: Option<&http::HeaderValue>) -> (Current, Option<u64>) {
        let parent = traceparent.and_then(|v| parse_traceparent(v.to_str().ok()?));
        let trace_id = parent.map_or_else(|| (u128::from(random()) << 64) | u128::from(random()), |p| p.trace_id);
        // As the engine's OpenTelemetry samplers decide: at the default rate (1.0) the caller's
        // `sampled` flag is followed (`parentbased_always_on`); below it, the trace id alone decides
        // (`traceidratio`).
        let sampled = match parent {
            Some(p) if ring.threshold == u64::MAX => p.sampled,
            _ => ring.sampled(trace_id),
        };
        let current = Current { trace_id: trace_id.into(), root_span: random(), sampled, spans: RefCell::default(), tool: Cell::default() };
        (current, parent.map(|p| p.span_id))
    }

    /// Records a span that took `took` and ends now, child of the root span.
    pub(crate) fn span(&self, name: Cow<'static, str>, kind: SpanKind, took: Duration, error: bool) {
        self.span_with_id(random(), name, kind, took, error);
    }

    /// [`Current::span`] with its id chosen beforehand (passed on to an upstream API).
    pub(crate) fn span_with_id(&self, span_id: u64, name: Cow<'static, str>, kind: SpanKind, took: Duration, error: bool) {
        if self.sampled {
            let duration_ms = took.as_millis() as u64;
            self.spans.borrow_mut().push(SpanSummary { span_id, parent_span_id: NonZeroU64::new(self.root_span), name, kind, duration_ms, error });
        }
    }
}

/// The W3C Trace Context header, named once (a name looked up by string is parsed on every lookup).
pub(crate) const TRACEPARENT: http::HeaderName = http::HeaderName::from_static("traceparent");

/// `00-{32 hex}-{16 hex}-{2 hex}` (W3C Trace Context §3.2), ids not all zero: the trace id and the
/// caller's span id.
fn parse_traceparent(value: &str) -> Option<Parent> {
    let mut parts = value.trim().split('-');
    let (version, trace, span, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex(version, 2) || version == "ff" || !hex(trace, 32) || !hex(span, 16) || !hex(flags, 2) || (version == "00" && parts.next().is_some()) {
        return None;
    }
    let trace = u128::from_str_radix(trace, 16).ok().filter(|t| *t != 0)?;
    let span = u64::from_str_radix(span, 16).ok().filter(|s| *s != 0)?;
    let sampled = u8::from_str_radix(flags, 16).is_ok_and(|f| f & 1 == 1);
    Some(Parent { trace_id: trace, span_id: span, sampled })
}

/// What a caller's `traceparent` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Parent {
    trace_id: u128,
    span_id: u64,
    /// Its `sampled` flag.
    sampled: bool,
}

const X_B3_TRACE_ID: http::HeaderName = http::HeaderName::from_static("x-b3-traceid");
const X_B3_SPAN_ID: http::HeaderName = http::HeaderName::from_static("x-b3-spanid");
const X_B3_SAMPLED: http::HeaderName = http::HeaderName::from_static("x-b3-sampled");

/// Passes the trace on to an upstream API in `headers`, with `span` as the parent: W3C
/// `traceparent: 00-{trace}-{span}-{01|00}`, or B3's multiple headers (`X-B3-TraceId`, `X-B3-SpanId`,
/// `X-B3-Sampled`), as the engine's OpenTelemetry propagators (`tracecontext`, `b3multi`) write them.
/// `sampled`: whether this trace is recorded.
pub(crate) fn propagate(propagation: Propagation, trace_id: u128, span: u64, sampled: bool, headers: &mut http::HeaderMap) {
    // Written into buffers on the stack: this runs for every upstream call.
    match propagation {
        Propagation::W3c => {
            let mut text = *b"00-________________________________-________________-01";
            hex(&mut text[3..35], &trace_id.to_be_bytes());
            hex(&mut text[36..52], &span.to_be_bytes());
            if !sampled {
                text[54] = b'0';
            }
            headers.insert(TRACEPARENT, header_value(&text));
        }
        Propagation::B3 => {
            let (mut trace, mut span_id) = ([0u8; 32], [0u8; 16]);
            hex(&mut trace, &trace_id.to_be_bytes());
            hex(&mut span_id, &span.to_be_bytes());
            headers.insert(X_B3_TRACE_ID, header_value(&trace));
            headers.insert(X_B3_SPAN_ID, header_value(&span_id));
            headers.insert(X_B3_SAMPLED, http::HeaderValue::from_static(if sampled { "1" } else { "0" }));
        }
    }
}

/// Hex digits and dashes: always a valid header value.
fn header_value(text: &[u8]) -> http::HeaderValue {
    http::HeaderValue::from_bytes(text).unwrap_or_else(|_| http::HeaderValue::from_static("0"))
}

/// `bytes` as lowercase hex digits into `out` (twice as long), from a table of each byte's two digits.
fn hex(out: &mut [u8], bytes: &[u8]) {
    const PAIRS: [[u8; 2]; 256] = {
        let digits = b"0123456789abcdef";
        let mut pairs = [[0u8; 2]; 256];
        let mut i = 0;
        while i < 256 {
            pairs[i] = [digits[i >> 4], digits[i & 0xf]];
            i += 1;
        }
        pairs
    };
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&PAIRS[usize::from(*byte)]);
    }
}

/// A new span id.
pub(crate) fn next_span_id() -> u64 {
    random()
}

/// A random non-zero id: xorshift64* per thread, seeded from the standard library's per-process
/// random hasher keys (ids need to be unique, not secret).
fn random() -> u64 {
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            use std::hash::{BuildHasher as _, Hasher as _};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64));
            h.finish() | 1
        });
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D).max(1)
    })
}

/// `2026-06-01T12:00:00.123456789Z`, as Java's `Instant.toString` writes one (the engine's timestamps).
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = crate::calendar::civil_from_days(days);
    let nanos = since.subsec_nanos();
    let fraction = if nanos == 0 { String::new() } else { format!(".{:09}", nanos).trim_end_matches('0').to_owned() };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{fraction}Z", rest / 3600, rest / 60 % 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + std::time::Duration::new(1_780_315_200, 120_000_000);
        assert_eq!(rfc3339(t), "2026-06-01T12:00:00.12Z");
        assert_eq!(rfc3339(UNIX_EPOCH + std::time::Duration::from_secs(951_782_400)), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn traceparent_is_read_strictly() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        let parent = Parent { trace_id: 0x4bf92f3577b34da6a3ce929d0e0e4736, span_id: 0x00f067aa0ba902b7, sampled: true };
        assert_eq!(parse_traceparent(&format!("00-{id}-00f067aa0ba902b7-01")), Some(parent));
        assert_eq!(parse_traceparent(&format!("00-{id}-00f067aa0ba902b7-00")), Some(Parent { sampled: false, ..parent }));
        assert_eq!(parse_traceparent(&format!("00-{id}-0000000000000000-01")), None);
        assert_eq!(parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), None);
        assert_eq!(parse_traceparent(&format!("00-{}-00f067aa0ba902b7-01", id.to_uppercase())), None);
        assert_eq!(parse_traceparent(&format!("ff-{id}-00f067aa0ba902b7-01")), None);
        assert_eq!(parse_traceparent("garbage"), None);
        let mut headers = http::HeaderMap::new();
        propagate(Propagation::W3c, 0x4bf92f3577b34da6a3ce929d0e0e4736, 0x00f067aa0ba902b7, true, &mut headers);
        assert_eq!(headers.get("traceparent").and_then(|v| v.to_str().ok()), Some(format!("00-{id}-00f067aa0ba902b7-01").as_str()));
        propagate(Propagation::W3c, 1, 2, false, &mut headers);
        assert_eq!(headers.get("traceparent").and_then(|v| v.to_str().ok()), Some("00-00000000000000000000000000000001-0000000000000002-00"));
        let mut headers = http::HeaderMap::new();
        propagate(Propagation::B3, 0x4bf92f3577b34da6a3ce929d0e0e4736, 0xff, true, &mut headers);
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("x-b3-traceid").as_deref(), Some(id));
        assert_eq!(header("x-b3-spanid").as_deref(), Some("00000000000000ff"));
        assert_eq!(header("x-b3-sampled").as_deref(), Some("1"));
        assert_eq!(headers.len(), 3);
    }

    /// A `rest.request` trace with no span inside its root one.
    fn trace(trace_id: u128, operation_id: OperationId, error: bool) -> TraceSummary {
        let root =
            SpanSummary { span_id: 1, parent_span_id: None, name: Cow::Borrowed("rest.request"), kind: SpanKind::Server, duration_ms: 0, error };
        let recorded = Box::new(Current { trace_id: trace_id.into(), root_span: 1, sampled: true, spans: RefCell::default(), tool: Cell::default() });
        TraceSummary { name: "rest.request", operation_id, duration_ms: 0, error, timestamp: UNIX_EPOCH, root, recorded }
    }

    #[test]
    fn the_ring_keeps_the_last_traces_most_recent_first() {
        let ring = TraceRing::new(2, 1.0);
        for i in 1..=3u128 {
            let error = i == 2;
            ring.add(trace(i, OperationId::Name(["/x1 GET", "/x2 GET", "/x3 GET"][i as usize - 1]), error), Instant::now());
        }
        let listed = ring.list(None, None);
        assert_eq!(listed["bufferSize"], 2);
        assert_eq!(listed["bufferUsed"], 2);
        let ids: Vec<&str> = listed["traces"].as_array().into_iter().flatten().filter_map(|t| t["traceId"].as_str()).collect();
        assert_eq!(ids, [format!("{:032x}", 3), format!("{:032x}", 2)]);
        assert_eq!(ring.list(None, Some("error"))["traces"].as_array().map(Vec::len), Some(1));
        assert_eq!(ring.list(Some("/x3"), None)["traces"].as_array().map(Vec::len), Some(1));
        assert!(ring.find(&format!("{:032x}", 1)).is_none());
        assert_eq!(ring.find(&format!("{:032x}", 3)).map(|t| t["operation"].clone()), Some(Value::from("rest.request")));
    }

    #[test]
    fn the_ring_wraps_round_and_round() {
        let ring = TraceRing::new(3, 1.0);
        let at = Instant::now();
        for i in 1..=8u128 {
            // Every trace ends at the same instant: the order is the ring's own.
            ring.add(trace(i, OperationId::Name("/x GET"), false), at);
            let listed = ring.list(None, None);
            let ids: Vec<u128> =
                listed["traces"].as_array().into_iter().flatten().filter_map(|t| u128::from_str_radix(t["traceId"].as_str()?, 16).ok()).collect();
            let expected: Vec<u128> = (i.saturating_sub(2).max(1)..=i).rev().collect();
            assert_eq!(ids, expected, "after {i} traces");
        }
    }

    #[test]
    fn sampling_keeps_a_share_of_the_traces() {
        let none = TraceRing::new(10, 0.0);
        assert!(!none.sampled(u128::from(u64::MAX - 1)));
        let half = TraceRing::new(10, 0.5);
        assert!(half.sampled(1) && !half.sampled(u128::from(u64::MAX - 1)));
    }
}
