//! The OpenAPI 3.1 document of a capability's exposed REST surface, decided at generation time.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::ir::{Action, Capability, Endpoint, FlowBody, InputLocation, Output, ParamType, Placement, RestSurface, RouteSegment, ServerAuth};

/// The document for the first REST expose, or `None` when the capability exposes no REST adapter.
pub fn document(cap: &Capability) -> Option<Value> {
    cap.rest.first().map(|rest| surface_document(cap, rest))
}

/// The document of one REST expose.
pub fn surface_document(cap: &Capability, rest: &RestSurface) -> Value {
    let mut paths = Map::new();
    let mut shared = BTreeMap::new();
    for route in &rest.routes {
        let template = openapi_path(&route.segments);
        let mut item = Map::new();
        for &e in &route.endpoints {
            let endpoint = &rest.endpoints[e];
            item.insert(endpoint.method.as_str().to_ascii_lowercase(), operation(cap, rest, endpoint, &mut shared));
        }
        paths.insert(template, Value::Object(item));
    }
    let mut info = Map::new();
    info.insert("title".into(), Value::from(cap.title.as_str()));
    info.insert("version".into(), Value::from("0.1.0"));
    if let Some(contact) = &cap.contact {
        info.insert("contact".into(), serde_json::to_value(contact).unwrap_or_default());
    }
    if let Some(d) = rest.description.as_ref().or(cap.description.as_ref()) {
        info.insert("description".into(), Value::from(d.as_str()));
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), Value::from("3.1.0"));
    doc.insert("info".into(), Value::Object(info));
    let address = rest.address.as_deref().unwrap_or("127.0.0.1");
    let port = rest.port.map_or(String::new(), |p| format!(":{p}"));
    doc.insert("servers".into(), json!([{ "url": format!("http://{address}{port}") }]));
    if !rest.tags.is_empty() {
        doc.insert("tags".into(), serde_json::to_value(&rest.tags).unwrap_or_default());
    }
    doc.insert("paths".into(), Value::Object(paths));
    let mut components = Map::new();
    components.insert(
        "schemas".into(),
        json!({
            "AdapterError": {
                "description": "An error the adapter itself produced (bad input, authentication, upstream unreachable).",
                "type": "object",
                "properties": {
                    "type": { "type": "string", "description": "Machine-readable kind, e.g. `invalid_argument`." },
                    "message": { "type": "string" }
                },
                "required": ["type", "message"]
            },
            "UpstreamReply": {
                "description": "A body the upstream API sent, passed through as it came; the spec does not describe it."
            }
        }),
    );
    components.insert("responses".into(), Value::Object(shared.into_iter().collect()));
    if let Some(auth) = &rest.auth {
        components.insert("securitySchemes".into(), json!({ "adapter": security_scheme(auth) }));
        doc.insert("security".into(), json!([{ "adapter": [] }]));
    }
    doc.insert("components".into(), Value::Object(components));
    Value::Object(doc)
}

fn openapi_path(segments: &[RouteSegment]) -> String {
    crate::ir::route_path(segments, str::to_owned)
}

fn operation(cap: &Capability, rest: &RestSurface, e: &Endpoint, shared: &mut BTreeMap<String, Value>) -> Value {
    let route = &rest.routes[e.route];
    let route_vars: Vec<&str> = route
        .segments
        .iter()
        .filter_map(|s| match s {
            RouteSegment::Var(v) => Some(v.as_str()),
            RouteSegment::Literal(_) => None,
        })
        .collect();
    let mut parameters = Vec::new();
    let mut body_fields = Map::new();
    let mut body_required = Vec::new();
    let mut whole_body = None;
    for input in &e.inputs {
        let (location, name) = match input.location {
            // Merged routes name a variable once; parameters use the route's name.
            InputLocation::Path(i) => ("path", route_vars.get(i).copied().unwrap_or(&input.name)),
            InputLocation::Query => ("query", input.name.as_str()),
            InputLocation::Header => ("header", input.name.as_str()),
            InputLocation::Cookie => ("cookie", input.name.as_str()),
            InputLocation::Body => {
                whole_body = Some(input);
                continue;
            }
            InputLocation::BodyField | InputLocation::Argument => {
                body_fields.insert(input.name.clone(), input.described_schema());
                if input.required {
                    body_required.push(Value::from(input.name.as_str()));
                }
                continue;
            }
        };
        let mut p = Map::new();
        p.insert("name".into(), Value::from(name));
        p.insert("in".into(), Value::from(location));
        p.insert("required".into(), Value::Bool(input.required || location == "path"));
        if let Some(d) = &input.description {
            p.insert("description".into(), Value::from(d.as_str()));
        }
        p.insert("schema".into(), Value::Object(input.value_schema()));
        if input.ty == ParamType::Array && location == "query" {
            p.insert("style".into(), Value::from("form"));
            p.insert("explode".into(), Value::Bool(true));
        }
        parameters.push(Value::Object(p));
    }
    let mut op = Map::new();
    op.insert("operationId".into(), Value::from(e.name.as_str()));
    if let Some(tag) = rest.tags.get(e.tag) {
        op.insert("tags".into(), json!([tag.name]));
    }
    if let Some(s) = &e.summary {
        op.insert("summary".into(), Value::from(s.as_str()));
    }
    match &e.action {
        Action::Call { consumes, operation, .. } => {
            if let Some(called) = cap.consumes.get(*consumes).and_then(|c| Some((c, c.operations.get(*operation)?))) {
                op.insert("description".into(), Value::from(format!("Calls `{}.{}` ({} {}).", called.0.namespace, called.1.name, called.1.method.as_str(), called.1.path_template)));
            }
        }
        Action::Custom { operation, .. } => {
            if let Some(custom) = cap.custom.get(*operation) {
                op.insert("description".into(), Value::from(format!("Runs tool `{}`, which the spec declares without a `call`: 501 until its `Handlers` method is implemented.", custom.name)));
            }
        }
        Action::Flow { flow, .. } => {
            if let Some(flow) = cap.flows.get(*flow) {
                op.insert("description".into(), Value::from(format!("Runs the {}.", flow.origin)));
            }
        }
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    let body_schema = match whole_body {
        Some(input) => Some((Value::Object(input.value_schema()), input.required, input.description.clone())),
        None if !body_fields.is_empty() => {
            let mut s = Map::new();
            s.insert("type".into(), Value::from("object"));
            s.insert("properties".into(), Value::Object(body_fields));
            if !body_required.is_empty() {
                s.insert("required".into(), Value::Array(body_required.clone()));
            }
            Some((Value::Object(s), !body_required.is_empty(), None))
        }
        None => None,
    };
    // The adapter reads no body on GET, DELETE, HEAD and OPTIONS (DESIGN §3.9): none is described.
    let body_schema = body_schema.filter(|_| !e.method.ignores_body());
    let takes_body = body_schema.is_some();
    if let Some((s, required, description)) = body_schema {
        let mut body = Map::new();
        if let Some(d) = description {
            body.insert("description".into(), Value::from(d));
        }
        body.insert("required".into(), Value::Bool(required));
        body.insert("content".into(), json!({ "application/json": { "schema": s } }));
        op.insert("requestBody".into(), Value::Object(body));
    }
    op.insert("responses".into(), responses(cap, rest, e, takes_body, shared));
    Value::Object(op)
}

/// What an operation answers, as truthfully as the spec lets us say: the adapter's own errors have
/// its JSON shape; an upstream reply passed through (any status the upstream chooses, errors included)
/// has whatever body the upstream sent, which the spec does not describe. A status both can produce
/// (a 400 from the adapter's input checks or from the upstream) is either. Error responses are
/// written once, in `components.responses` (`shared`), and referred to.
fn responses(cap: &Capability, rest: &RestSurface, e: &Endpoint, takes_body: bool, shared: &mut BTreeMap<String, Value>) -> Value {
    let upstream = reaches_upstream(cap, &e.action);
    let success = match (&e.output_schema, e.action.output()) {
        (Some(schema), _) => {
            json!({ "description": "The reply, shaped as the spec's outputs declare.", "content": { "application/json": { "schema": schema } } })
        }
        (None, Some(Output::Mapped(_))) => {
            json!({ "description": "The upstream reply, reshaped by the spec's output mapping.", "content": { "application/json": { "schema": {} } } })
        }
        (None, _) if matches!(e.action, Action::Custom { .. }) => {
            json!({ "description": "What the operation's `Handlers` method answers.", "content": { "application/json": { "schema": {} } } })
        }
        (None, _) => {
            json!({ "description": "The upstream reply, passed through: its status, body and paging headers.", "content": upstream_content(json!({ "$ref": UPSTREAM_REPLY })) })
        }
    };
    let mut out = Map::new();
    out.insert("2XX".into(), success);
    let mut error = |status: &str, name: &str, description: &str| {
        let name = if upstream { format!("{name}OrUpstream") } else { name.to_owned() };
        out.insert(status.into(), json!({ "$ref": format!("#/components/responses/{name}") }));
        shared.entry(name).or_insert_with(|| error_response(description, upstream));
    };
    error("400", "BadRequest", "Invalid input: a missing or mistyped parameter, a value outside its declared constraints, invalid JSON.");
    if rest.auth.is_some() {
        error("401", "Unauthorized", "Missing or invalid credentials.");
    }
    error("403", "Forbidden", "A `Host` or browser `Origin` this adapter does not answer to.");
    // Every request's body is read, bounded, before the operation runs (and dropped where it reads
    // none): these answer any operation.
    error("408", "RequestTimeout", "The request body did not arrive in time.");
    error("413", "PayloadTooLarge", "The request body is larger than the adapter accepts.");
    if takes_body {
        error("415", "UnsupportedMediaType", "A request body that is not JSON.");
    }
    if let Action::Custom { .. } = e.action {
        error("501", "NotImplemented", "The operation's `Handlers` method is not implemented yet.");
    }
    if upstream {
        error("502", "BadGateway", "The upstream API could not be reached, or its reply could not be read.");
    }
    error("503", "ServiceUnavailable", "The server holds as many request bodies as it can; try again after `Retry-After`.");
    if upstream {
        error("504", "GatewayTimeout", "The upstream API did not answer in time.");
        let content = upstream_content(json!({ "$ref": UPSTREAM_REPLY }));
        out.insert("default".into(), json!({ "description": "An upstream error, passed through with its status and body.", "content": content }));
    }
    Value::Object(out)
}

/// The schema of a body the upstream API sent, which the spec does not describe.
const UPSTREAM_REPLY: &str = "#/components/schemas/UpstreamReply";

/// The media types of a reply that may be the upstream's, passed through as it came: JSON as `schema`
/// says, or whatever else the upstream sends (an XML API's error page stays XML).
fn upstream_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema }, "*/*": {} })
}

/// Whether an action may send a request upstream (and so pass an upstream reply through).
fn reaches_upstream(cap: &Capability, action: &Action) -> bool {
    match action {
        Action::Call { .. } | Action::Custom { .. } => true,
        Action::Flow { flow, .. } => match cap.flows.get(*flow).map(|f| &f.body) {
            Some(FlowBody::Mock { .. }) => false,
            Some(FlowBody::Call { .. } | FlowBody::Steps { .. }) | None => true,
        },
    }
}

/// An error status: the adapter's JSON error, or (when the operation reaches upstream) the
/// upstream's own error body passed through.
fn error_response(description: &str, upstream: bool) -> Value {
    let adapter = json!({ "$ref": "#/components/schemas/AdapterError" });
    let content = if upstream {
        upstream_content(json!({ "anyOf": [adapter, { "$ref": UPSTREAM_REPLY }] }))
    } else {
        json!({ "application/json": { "schema": adapter } })
    };
    json!({ "description": description, "content": content })
}

fn security_scheme(auth: &ServerAuth) -> Value {
    match auth {
        ServerAuth::Bearer { .. } => json!({ "type": "http", "scheme": "bearer" }),
        ServerAuth::Basic { .. } => json!({ "type": "http", "scheme": "basic" }),
        ServerAuth::ApiKey { placement, name, .. } => json!({
            "type": "apiKey",
            "name": name,
            "in": match placement { Placement::Header => "header", Placement::Query => "query", Placement::Cookie => "cookie" },
        }),
    }
}
