//! How replies travel: the format a consumed operation answers in (`outputRawFormat`, its
//! `outputSchema`) and the `forward` routes of REST exposes.

use crate::check::diagnostic::{Code, Diagnostic};
use crate::spec::model::*;

/// Formats the engine converts to JSON before mapping, and what `outputSchema` means for each.
pub const CONVERTED_FORMATS: [&str; 9] = ["xml", "csv", "tsv", "psv", "yaml", "html", "markdown", "protobuf", "avro"];

/// `outputRawFormat` names a format this compiler converts (or `json`, or `text`/`binary` passed
/// through); Protobuf and Avro name their schema.
pub fn formats(cap: &Capability, diags: &mut Vec<Diagnostic>) {
    for http in cap.consumes.iter().filter_map(Consumes::as_http) {
        for op in http.resources.iter().flat_map(|r| &r.operations) {
            let Some(format) = &op.output_raw_format else { continue };
            let lower = format.value.to_ascii_lowercase();
            if !matches!(lower.as_str(), "json" | "text" | "binary") && !CONVERTED_FORMATS.contains(&lower.as_str()) {
                diags.push(
                    Diagnostic::new(Code::InvalidValue, format.span, format!("`outputRawFormat: {}` is not a format", format.value))
                        .label("unknown format")
                        .hint(format!("one of `json`, {}; or `text`/`binary` to pass the body through", quoted(&CONVERTED_FORMATS))),
                );
            } else if matches!(lower.as_str(), "protobuf" | "avro") && op.output_schema.is_none() {
                diags.push(
                    Diagnostic::new(Code::MissingKey, format.span, format!("`outputRawFormat: {}` needs `outputSchema`", format.value))
                        .label("no schema to decode the reply with")
                        .hint(if lower == "protobuf" {
                            "add `outputSchema: <file>.proto` (relative to this file); replies are its first message"
                        } else {
                            "add `outputSchema: <file>.avsc` (relative to this file)"
                        }),
                );
            }
        }
    }
}

/// A `forward` names a consumed HTTP API this compiler can stream to, and headers that can be forwarded.
pub fn forwards(cap: &Capability, diags: &mut Vec<Diagnostic>) {
    let https: Vec<&HttpConsumes> = cap
        .consumes
        .iter()
        .filter_map(Consumes::as_http)
        .collect();
    let rest = cap.exposes.iter().filter_map(|e| match e {
        Expose::Rest(r) => Some(r),
        _ => None,
    });
    for forward in rest.flat_map(|r| &r.resources).filter_map(|r| r.forward.as_ref()) {
        if let Some(target) = &forward.target_namespace {
            match https.iter().find(|h| h.namespace.as_ref().is_some_and(|n| n.value == target.value)) {
                None => {
                    let names: Vec<String> = https.iter().filter_map(|h| h.namespace.as_ref().map(|n| format!("`{}`", n.value))).collect();
                    diags.push(
                        Diagnostic::new(Code::UnknownNamespace, target.span, format!("no consumes has namespace `{}`", target.value))
                            .label("forwarded to nothing")
                            .hint(if names.is_empty() {
                                "declare the API under `consumes`".to_owned()
                            } else {
                                format!("consumed namespaces: {}", names.join(", "))
                            }),
                    );
                }
                Some(h) => {
                    if let Some(kind) = h.authentication.as_ref().and_then(|a| a.kind.as_ref()).filter(|k| k.value == "digest") {
                        diags.push(
                            Diagnostic::new(
                                Code::Unsupported,
                                target.span,
                                "`forward` to an API with `digest` authentication is not supported by this compiler yet",
                            )
                            .label("not compiled")
                            .related(kind.span, "digest answers a challenge by sending the request again, which a streamed body cannot be")
                            .hint("use `basic` or `bearer` for this API, or declare the operations to proxy with `call`"),
                        );
                    }
                }
            }
        }
        for name in &forward.trusted_headers {
            if http_token(&name.value).is_none() {
                diags.push(
                    Diagnostic::new(Code::InvalidValue, name.span, format!("`{}` is not an HTTP header name", name.value))
                        .label("not a header name")
                        .hint("header names are letters, digits and `!#$%&'*+-.^_`|~`"),
                );
            } else if HOP_BY_HOP.contains(&name.value.to_ascii_lowercase().as_str()) {
                diags.push(
                    Diagnostic::new(Code::HopByHopHeader, name.span, format!("`{}` describes one connection and is never forwarded", name.value))
                        .label("ignored")
                        .hint("remove it from `trustedHeaders`"),
                );
            }
        }
    }
}

/// Headers of one connection (RFC 9110 §7.6.1), plus those the proxy computes itself.
pub const HOP_BY_HOP: [&str; 11] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
    "host",
    "content-length",
];

/// `name` when it is an RFC 9110 token.
fn http_token(name: &str) -> Option<&str> {
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))).then_some(name)
}

fn quoted(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}
