//! Reads a `type: control` expose: its `management` toggles and its `observability` (alpha2 schema
//! `ExposesControl`, `ControlManagementSpec`, `ObservabilitySpec`); unknown keys are warnings as
//! everywhere.

use super::{Map, authentication, head, wrong_type};
use crate::check::diagnostic::Diagnostic;
use crate::source::{Span, Spanned};
use crate::spec::model::{ControlExpose, ControlManagement, Observability};
use crate::spec::yaml::Node;

pub(super) fn expose(m: &mut Map<'_, '_>, span: Span, kind: Spanned<String>) -> ControlExpose {
    ControlExpose {
        span,
        kind,
        port: m.int("port"),
        address: m.string("address"),
        authentication: m.node("authentication").and_then(|n| authentication(n, m.diags)),
        management: m.node("management").and_then(|n| management(n, m.diags)),
        observability: m.node("observability").and_then(|n| observability(n, m.diags)),
    }
}

fn management(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<ControlManagement> {
    let mut m = Map::new(node, "`management`", diags)?;
    let logs = match m.node("logs") {
        Some(n) if n.as_map().is_some() => logs(n, m.diags),
        Some(_) => m.bool("logs"),
        None => None,
    };
    let scripting = m.node("scripting").map(|n| scripting(n, m.diags)).and_then(|()| key_span(&m, "scripting"));
    let management = ControlManagement {
        span: head(node),
        health: m.bool("health"),
        info: m.bool("info"),
        reload: m.bool("reload"),
        validate: m.bool("validate"),
        logs,
        scripting,
    };
    m.finish();
    Some(management)
}

/// The object form of `logs`: on when level control (default on) or streaming is.
fn logs(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Spanned<bool>> {
    let mut m = Map::new(node, "`logs`", diags)?;
    let level = m.bool("level-control").is_none_or(|b| b.value);
    let stream = m.bool("stream").is_some_and(|b| b.value);
    m.int("max-subscribers");
    m.finish();
    Some(Spanned::new(level || stream, head(node)))
}

fn scripting(node: &Node, diags: &mut Vec<Diagnostic>) {
    if let Some(mut m) = Map::new(node, "`scripting`", diags) {
        m.ignore(&["enabled", "defaultLocation", "defaultLanguage", "timeout", "statementLimit", "allowedLanguages"]);
        m.finish();
    }
}

fn observability(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Observability> {
    let mut m = Map::new(node, "`observability`", diags)?;
    let mut o = Observability { span: head(node), enabled: m.bool("enabled"), ..Observability::default() };
    if let Some(metrics) = m.node("metrics")
        && let Some(mut mm) = Map::new(metrics, "`metrics`", m.diags)
    {
        o.metrics_local = mm.node("local").and_then(|n| local_enabled(n, mm.diags, None));
        mm.finish();
    }
    if let Some(traces) = m.node("traces")
        && let Some(mut tm) = Map::new(traces, "`traces`", m.diags)
    {
        o.sampling = tm.node("sampling").and_then(|n| match n.to_json().as_f64() {
            Some(f) => Some(Spanned::new(f, n.span)),
            None => {
                tm.diags.push(wrong_type(n, "a number"));
                None
            }
        });
        o.propagation = tm.string("propagation");
        if let Some(local) = tm.node("local") {
            o.traces_local = local_enabled(local, tm.diags, Some(&mut o.buffer_size));
        }
        tm.finish();
    }
    if let Some(exporters) = m.node("exporters")
        && let Some(mut em) = Map::new(exporters, "`exporters`", m.diags)
    {
        o.otlp = key_span(&em, "otlp");
        if let Some(otlp) = em.node("otlp")
            && let Some(mut om) = Map::new(otlp, "`otlp`", em.diags)
        {
            o.otlp_endpoint = om.string("endpoint");
            om.finish();
        }
        em.finish();
    }
    m.finish();
    Some(o)
}

/// A `local` endpoint toggle (`enabled`, and for traces `buffer-size`).
fn local_enabled(node: &Node, diags: &mut Vec<Diagnostic>, buffer_size: Option<&mut Option<Spanned<i64>>>) -> Option<Spanned<bool>> {
    let mut m = Map::new(node, "`local`", diags)?;
    let enabled = m.bool("enabled");
    if let Some(size) = buffer_size {
        *size = m.int("buffer-size");
    }
    m.finish();
    Some(enabled.unwrap_or_else(|| Spanned::new(true, head(node))))
}

/// Where `key` itself is written in the mapping `m` (a diagnostic about the block points at its key).
fn key_span(m: &Map<'_, '_>, key: &str) -> Option<Span> {
    m.entries.iter().find(|(k, _)| k.as_scalar() == Some(key)).map(|(k, _)| k.span)
}
