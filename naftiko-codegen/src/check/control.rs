//! The control expose: at most one, on a port of its own, and what of its management a compiled
//! binary cannot do (warnings: those endpoints answer 501) and the OTLP exporter's endpoint.

use crate::source::{Span, Spanned};
use crate::spec::model::*;

use super::diagnostic::{Code, Diagnostic};

/// Checks the control exposes of `cap`.
pub fn control(cap: &Capability, diags: &mut Vec<Diagnostic>) {
    let controls: Vec<&ControlExpose> = cap.exposes.iter().filter_map(|e| if let Expose::Control(c) = e { Some(&**c) } else { None }).collect();
    let Some(first) = controls.first() else { return };
    for second in &controls[1..] {
        diags.push(
            Diagnostic::new(Code::DuplicateControl, second.kind.span, "a second `control` expose")
                .label("not allowed")
                .related(first.kind.span, "the first one")
                .hint("a capability has at most one control port: merge their `management` and `observability`"),
        );
    }
    for c in &controls {
        expose(cap, c, diags);
    }
}

fn expose(cap: &Capability, c: &ControlExpose, diags: &mut Vec<Diagnostic>) {
    match &c.port {
        None => diags.push(
            Diagnostic::new(Code::MissingKey, c.kind.span, "the `control` expose has no `port`")
                .label("`port` missing")
                .hint("give the control port its own number, e.g. `port: 9199`"),
        ),
        Some(port) if !(1..=65535).contains(&port.value) => {
            diags.push(Diagnostic::new(Code::InvalidValue, port.span, format!("port {} is not a TCP port", port.value)).label("expected 1 to 65535"))
        }
        Some(port) => {
            let others = cap.exposes.iter().filter_map(|e| match e {
                Expose::Rest(r) => r.port.as_ref().map(|p| (p, "rest")),
                Expose::Mcp(m) => m.port.as_ref().map(|p| (p, "mcp")),
                Expose::Skill(s) => s.port.as_ref().map(|p| (p, "skill")),
                _ => None,
            });
            for (other, kind) in others.filter(|(p, _)| p.value == port.value) {
                diags.push(
                    Diagnostic::new(Code::ControlPort, port.span, format!("the control port {} is also the port of a `{kind}` expose", port.value))
                        .label("shared port")
                        .related(other.span, "the other expose's port")
                        .hint("the control port must be distinct from every business adapter's port: give it another number"),
                );
            }
        }
    }
    if let Some(m) = &c.management {
        let not_supported = |flag: &Option<Spanned<bool>>| flag.as_ref().filter(|f| f.value).map(|f| f.span);
        let warnings = [
            (
                not_supported(&m.reload),
                "`reload`",
                "POST /config/reload: a compiled binary cannot reload its spec (regenerate the crate and rebuild it)",
            ),
            (
                not_supported(&m.validate),
                "`validate`",
                "POST /config/validate: a compiled binary cannot validate a spec (run `naftiko-codegen check`)",
            ),
            (
                not_supported(&m.logs),
                "`logs`",
                "/logs: log levels are set when the binary starts (RUST_LOG); it has no live level control or log stream",
            ),
            (
                m.scripting,
                "`scripting`",
                "/scripting: a compiled binary runs no scripts (`type: script` steps do not compile), so there is nothing to govern",
            ),
        ];
        for (span, what, why) in warnings {
            if let Some(span) = span {
                diags.push(
                    Diagnostic::new(Code::ControlNotSupported, span, format!("management {what} cannot mean anything for a compiled binary"))
                        .label("answered 501 `not_supported`")
                        .hint(why.to_owned()),
                );
            }
        }
    }
    if let Some(o) = &c.observability {
        observability(o, diags);
    }
}

fn observability(o: &Observability, diags: &mut Vec<Diagnostic>) {
    let invalid =
        |span: Span, message: String, expected: &str| Diagnostic::new(Code::InvalidValue, span, message).label(format!("expected {expected}"));
    if let Some(s) = o.sampling.as_ref().filter(|s| !(0.0..=1.0).contains(&s.value)) {
        diags.push(invalid(s.span, format!("sampling {} is not a share of requests", s.value), "a number from 0 to 1"));
    }
    if let Some(p) = o.propagation.as_ref().filter(|p| p.value != "w3c" && p.value != "b3") {
        diags.push(invalid(p.span, format!("propagation `{}` is not one this compiler knows", p.value), "`w3c` or `b3`"));
    }
    if let Some(b) = o.buffer_size.as_ref().filter(|b| !(10..=10_000).contains(&b.value)) {
        diags.push(invalid(b.span, format!("buffer-size {} is out of range", b.value), "10 to 10000 traces"));
    }
    if let Some(span) = o.otlp {
        match &o.otlp_endpoint {
            None => diags.push(
                Diagnostic::new(Code::MissingKey, span, "`exporters.otlp` has no `endpoint`")
                    .label("`endpoint` missing")
                    .hint("give the collector's OTLP/HTTP base URL, e.g. `endpoint: \"http://collector:4318\"` or `\"{{otel_endpoint}}\"`"),
            ),
            // A literal must be an http(s) URL; one with `{{bind}}` references is checked when the binary starts.
            Some(e) if !e.value.contains("{{") && !is_http_url(&e.value) => diags.push(
                invalid(e.span, format!("the OTLP endpoint `{}` is not an http or https URL", e.value), "the collector's OTLP/HTTP base URL")
                    .hint("traces are sent as OTLP/HTTP protobuf to `{endpoint}/v1/traces`, e.g. `http://collector:4318`"),
            ),
            Some(_) => {}
        }
    }
}

/// `http://host…` or `https://host…` (any case), with a host.
fn is_http_url(url: &str) -> bool {
    let url = url.trim();
    let after = |scheme: &str| url.get(..scheme.len()).filter(|s| s.eq_ignore_ascii_case(scheme)).and_then(|_| url.get(scheme.len()..));
    let rest = after("http://").or_else(|| after("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with(['/', ':', '?', '#']) && !r.contains(char::is_whitespace))
}
