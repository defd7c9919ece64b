//! OTLP export of the recorded traces (`observability.exporters.otlp`, runtime feature `otlp`): every
//! trace the ring buffer keeps (`/traces`, after sampling) is also queued here and sent, batched, as
//! OTLP/HTTP protobuf (`POST {endpoint}/v1/traces`, `Content-Type: application/x-protobuf`) by a
//! thread of its own, so the request path never waits on the collector.
//!
//! The request path only clones the trace into a bounded queue: when the queue is full (a slow or
//! absent collector) the trace is dropped and counted, and the next batch sent logs how many were.
//! A batch that fails is logged and dropped, not retried. Spans carry the ids `/traces` shows, the
//! engine's attributes (`naftiko.adapter.type`, `naftiko.operation.id`, `naftiko.capability`,
//! `http.request.method`) and the resource attribute `service.name`.
//!
//! Times: the ring buffer keeps each span's duration in milliseconds, not when it started; the root
//! span starts when the request arrived, and a span inside it is placed at that start too.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use prost::Message as _;
use tokio::sync::mpsc;

use super::traces::{self, SpanSummary, TraceSummary};
use crate::serve::BoxError;
use proto::{
    AnyValue, ExportTraceServiceRequest, InstrumentationScope, KeyValue, Resource, ResourceSpans, ScopeSpans, Span, SpanKind, Status, StatusCode,
};

/// Traces waiting to be sent; beyond this they are dropped (and counted).
const QUEUE: usize = 2048;
/// A batch is sent once it holds this many spans…
const BATCH_SPANS: usize = 512;
/// …or once its first trace has waited this long.
const BATCH_AGE: Duration = Duration::from_secs(1);

/// The installed exporter: what the request path sees.
struct Exporter {
    queue: mpsc::Sender<TraceSummary>,
    dropped: AtomicU64,
}

static EXPORTER: OnceLock<Exporter> = OnceLock::new();

/// Starts exporting the traces recorded from now on to the OTLP/HTTP collector at `endpoint` (its
/// base URL: `/v1/traces` is appended), as `service_name`. Call it before the control router is
/// built. An endpoint that is not an `http` or `https` URL is an error; a second call changes nothing.
pub fn install(endpoint: &str, service_name: &str) -> Result<(), BoxError> {
    let base = reqwest::Url::parse(endpoint.trim()).map_err(|e| format!("the OTLP endpoint `{endpoint}` is not a URL: {e}"))?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(format!("the OTLP endpoint `{endpoint}` is not an http or https URL").into());
    }
    let url = format!("{}/v1/traces", base.as_str().trim_end_matches('/'));
    let client =
        crate::HttpClient::builder(&crate::ClientOptions::default()).build().map_err(|e| format!("no HTTP client for the OTLP exporter: {e}"))?;
    let (queue, receiver) = mpsc::channel(QUEUE);
    if EXPORTER.set(Exporter { queue, dropped: AtomicU64::new(0) }).is_err() {
        return Ok(());
    }
    let service = service_name.to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::Builder::new().name("otlp-export".into()).spawn(move || runtime.block_on(run(receiver, client, url, service)))?;
    tracing::info!(url = %base, "exporting traces over OTLP/HTTP");
    Ok(())
}

/// Whether an exporter is installed (traces are then recorded even when `/traces` is not served).
pub(crate) fn installed() -> bool {
    EXPORTER.get().is_some()
}

/// A finished, sampled trace: queued for export when an exporter is installed (one atomic load when
/// none is); never waits.
pub(crate) fn export(trace: &TraceSummary) {
    if let Some(exporter) = EXPORTER.get()
        && exporter.queue.try_send(trace.clone()).is_err()
    {
        exporter.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// The export loop: batches by size and age, sends each batch, stops when the queue closes.
async fn run(mut receiver: mpsc::Receiver<TraceSummary>, client: reqwest::Client, url: String, service: String) {
    let mut batch: Vec<TraceSummary> = Vec::new();
    let mut since = Instant::now();
    loop {
        let wait = if batch.is_empty() { Duration::from_secs(3600) } else { BATCH_AGE.saturating_sub(since.elapsed()) };
        let closed = match tokio::time::timeout(wait, receiver.recv()).await {
            Ok(Some(trace)) => {
                if batch.is_empty() {
                    since = Instant::now();
                }
                batch.push(trace);
                if batch.iter().map(TraceSummary::span_count).sum::<usize>() < BATCH_SPANS {
                    continue;
                }
                false
            }
            Ok(None) => true,
            Err(_) => false,
        };
        if !batch.is_empty() {
            send(&client, &url, &service, std::mem::take(&mut batch)).await;
        }
        if closed {
            return;
        }
    }
}

async fn send(client: &reqwest::Client, url: &str, service: &str, batch: Vec<TraceSummary>) {
    if let Some(dropped) = EXPORTER.get().map(|e| e.dropped.swap(0, Ordering::Relaxed)).filter(|d| *d > 0) {
        tracing::warn!(dropped, "OTLP export queue full: traces dropped");
    }
    let body = request(service, &batch).encode_to_vec();
    let sent = client.post(url).header(http::header::CONTENT_TYPE, "application/x-protobuf").body(body).send().await;
    match sent {
        Ok(reply) if reply.status().is_success() => {}
        Ok(reply) => tracing::warn!(status = reply.status().as_u16(), traces = batch.len(), "the OTLP collector refused a batch of traces"),
        Err(e) => tracing::warn!(error = %e, traces = batch.len(), "could not send a batch of traces to the OTLP collector"),
    }
}

fn string(key: &str, value: impl Into<String>) -> KeyValue {
    KeyValue { key: key.to_owned(), value: Some(AnyValue { value: Some(proto::Value::StringValue(value.into())) }) }
}

/// The export request of `traces`: one resource (`service.name`), one scope, every span.
pub(crate) fn request(service: &str, traces: &[TraceSummary]) -> ExportTraceServiceRequest {
    // `operation_id` written out as `/traces` lists it (`"{path} {METHOD}"`, or the tool called).
    let spans = traces.iter().flat_map(|t| spans(service, t.trace_id(), t.name, &t.operation_id.to_string(), t.timestamp, &t.spans())).collect();
    export_request(service, spans)
}

fn export_request(service: &str, spans: Vec<Span>) -> ExportTraceServiceRequest {
    let scope = InstrumentationScope { name: "naftiko-runtime".into(), version: env!("CARGO_PKG_VERSION").into(), ..Default::default() };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource { attributes: vec![string("service.name", service)], ..Default::default() }),
            scope_spans: vec![ScopeSpans { scope: Some(scope), spans, ..Default::default() }],
            ..Default::default()
        }],
    }
}

/// The spans of one trace (`root`: its root span's name; `operation`: what was asked); the first
/// recorded is its root.
fn spans(service: &str, trace_id: u128, root: &str, operation: &str, timestamp: SystemTime, recorded: &[SpanSummary]) -> Vec<Span> {
    let start = timestamp.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let adapter = root.strip_suffix(".request").unwrap_or(root);
    recorded
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut attributes = Vec::new();
            if i == 0 {
                attributes.push(string("naftiko.adapter.type", adapter));
                attributes.push(string("naftiko.operation.id", operation));
                attributes.push(string("naftiko.capability", service));
                // REST and skill operations are `"{path} {METHOD}"`; MCP's are the tool called.
                if adapter != "mcp"
                    && let Some((_, method)) = operation.rsplit_once(' ')
                {
                    attributes.push(string("http.request.method", method));
                }
            } else if let Some(method) = s.name.strip_prefix("http.client.") {
                attributes.push(string("http.request.method", method));
            }
            let kind = match s.kind {
                traces::SpanKind::Server => SpanKind::Server,
                traces::SpanKind::Client => SpanKind::Client,
                traces::SpanKind::Internal => SpanKind::Internal,
            };
            let status = if s.error { Status { code: StatusCode::Error as i32, ..Default::default() } } else { Status::default() };
            Span {
                trace_id: trace_id.to_be_bytes().to_vec(),
                span_id: s.span_id.to_be_bytes().to_vec(),
                parent_span_id: s.parent_span_id.map(|p| p.get().to_be_bytes().to_vec()).unwrap_or_default(),
                name: s.name.to_string(),
                kind: kind as i32,
                start_time_unix_nano: start,
                end_time_unix_nano: start.saturating_add(s.duration_ms.saturating_mul(1_000_000)),
                attributes,
                status: Some(status),
                ..Default::default()
            }
        })
        .collect()
}

/// The OTLP trace messages sent, derived by hand with prost: the fields used of
/// `opentelemetry/proto/{collector/trace,trace,common,resource}/v1/*.proto` (OTLP 1.x), with their
/// field numbers (a decoder skips the fields left out). Not `opentelemetry-proto`: its `trace` feature
/// brings `opentelemetry_sdk`, and with it a second `rand` and a third `getrandom`, for ten messages.
pub mod proto {
    /// `ExportTraceServiceRequest`: the body of `POST /v1/traces`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ExportTraceServiceRequest {
        #[prost(message, repeated, tag = "1")]
        pub resource_spans: Vec<ResourceSpans>,
    }

    /// `ResourceSpans`: the spans of one resource (the service).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ResourceSpans {
        #[prost(message, optional, tag = "1")]
        pub resource: Option<Resource>,
        #[prost(message, repeated, tag = "2")]
        pub scope_spans: Vec<ScopeSpans>,
        #[prost(string, tag = "3")]
        pub schema_url: String,
    }

    /// `Resource` (`resource/v1`): its attributes (`service.name`).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Resource {
        #[prost(message, repeated, tag = "1")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "2")]
        pub dropped_attributes_count: u32,
    }

    /// `ScopeSpans`: the spans of one instrumentation scope.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ScopeSpans {
        #[prost(message, optional, tag = "1")]
        pub scope: Option<InstrumentationScope>,
        #[prost(message, repeated, tag = "2")]
        pub spans: Vec<Span>,
        #[prost(string, tag = "3")]
        pub schema_url: String,
    }

    /// `InstrumentationScope` (`common/v1`).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct InstrumentationScope {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(string, tag = "2")]
        pub version: String,
        #[prost(message, repeated, tag = "3")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "4")]
        pub dropped_attributes_count: u32,
    }

    /// `Span`, without events and links (the ring buffer records none).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Span {
        /// 16 bytes.
        #[prost(bytes = "vec", tag = "1")]
        pub trace_id: Vec<u8>,
        /// 8 bytes.
        #[prost(bytes = "vec", tag = "2")]
        pub span_id: Vec<u8>,
        #[prost(string, tag = "3")]
        pub trace_state: String,
        /// 8 bytes, or empty for a root span.
        #[prost(bytes = "vec", tag = "4")]
        pub parent_span_id: Vec<u8>,
        #[prost(fixed32, tag = "16")]
        pub flags: u32,
        #[prost(string, tag = "5")]
        pub name: String,
        #[prost(enumeration = "SpanKind", tag = "6")]
        pub kind: i32,
        #[prost(fixed64, tag = "7")]
        pub start_time_unix_nano: u64,
        #[prost(fixed64, tag = "8")]
        pub end_time_unix_nano: u64,
        #[prost(message, repeated, tag = "9")]
        pub attributes: Vec<KeyValue>,
        #[prost(uint32, tag = "10")]
        pub dropped_attributes_count: u32,
        #[prost(message, optional, tag = "15")]
        pub status: Option<Status>,
    }

    /// `Span.SpanKind`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum SpanKind {
        Unspecified = 0,
        Internal = 1,
        Server = 2,
        Client = 3,
        Producer = 4,
        Consumer = 5,
    }

    /// `Status` (field 1 is reserved).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Status {
        #[prost(string, tag = "2")]
        pub message: String,
        #[prost(enumeration = "StatusCode", tag = "3")]
        pub code: i32,
    }

    /// `Status.StatusCode`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum StatusCode {
        Unset = 0,
        Ok = 1,
        Error = 2,
    }

    /// `KeyValue` (`common/v1`).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct KeyValue {
        #[prost(string, tag = "1")]
        pub key: String,
        #[prost(message, optional, tag = "2")]
        pub value: Option<AnyValue>,
    }

    /// `AnyValue` (`common/v1`): the scalar cases.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct AnyValue {
        #[prost(oneof = "Value", tags = "1, 2, 3, 4, 7")]
        pub value: Option<Value>,
    }

    /// `AnyValue.value`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        #[prost(string, tag = "1")]
        StringValue(String),
        #[prost(bool, tag = "2")]
        BoolValue(bool),
        #[prost(int64, tag = "3")]
        IntValue(i64),
        #[prost(double, tag = "4")]
        DoubleValue(f64),
        #[prost(bytes, tag = "7")]
        BytesValue(Vec<u8>),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_becomes_otlp_spans_that_decode_back() {
        let recorded = [
            SpanSummary {
                span_id: 1,
                parent_span_id: None,
                name: "rest.request".into(),
                kind: traces::SpanKind::Server,
                duration_ms: 7,
                error: false,
            },
            SpanSummary {
                span_id: 2,
                parent_span_id: std::num::NonZeroU64::new(1),
                name: "http.client.GET".into(),
                kind: traces::SpanKind::Client,
                duration_ms: 5,
                error: true,
            },
        ];
        let timestamp = UNIX_EPOCH + Duration::from_secs(1_780_315_200);
        let spans = spans("Shipyard", 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736, "rest.request", "/ships/{id} GET", timestamp, &recorded);
        let bytes = export_request("Shipyard", spans).encode_to_vec();
        let decoded = ExportTraceServiceRequest::decode(bytes.as_slice()).expect("decodes");
        let resource = &decoded.resource_spans[0];
        let service = &resource.resource.as_ref().expect("resource").attributes[0];
        assert_eq!(service.key, "service.name");
        let spans = &resource.scope_spans[0].spans;
        assert_eq!(spans.len(), 2);
        assert_eq!(hex(&spans[0].trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!((spans[0].kind, spans[1].kind), (SpanKind::Server as i32, SpanKind::Client as i32));
        assert!(spans[0].parent_span_id.is_empty());
        assert_eq!(spans[1].parent_span_id, spans[0].span_id);
        assert_eq!(spans[0].end_time_unix_nano - spans[0].start_time_unix_nano, 7_000_000);
        assert_eq!(spans[1].status.as_ref().map(|s| s.code), Some(StatusCode::Error as i32));
        let method = spans[0].attributes.iter().find(|a| a.key == "http.request.method").and_then(|a| a.value.clone());
        assert_eq!(method.and_then(|v| v.value), Some(proto::Value::StringValue("GET".into())));
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
