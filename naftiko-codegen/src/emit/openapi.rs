//! The OpenAPI 3.1 document of a capability's exposed REST surface, decided at generation time.

use serde_json::{Map, Value, json};

use crate::ir::{Action, Capability, Endpoint, InputLocation, Output, ParamType, Placement, RestSurface, RouteSegment, ServerAuth};

/// The document for the first REST expose, or `None` when the capability exposes no REST adapter.
pub fn document(cap: &Capability) -> Option<Value> {
    let rest = cap.rest.first()?;
    let mut paths = Map::new();
    for route in &rest.routes {
        let template = openapi_path(&route.segments);
        let mut item = Map::new();
        for &e in &route.endpoints {
            let endpoint = &rest.endpoints[e];
            item.insert(endpoint.method.as_str().to_ascii_lowercase(), operation(cap, rest, endpoint));
        }
        paths.insert(template, Value::Object(item));
    }
    let mut info = Map::new();
    info.insert("title".into(), Value::from(cap.title.as_str()));
    info.insert("version".into(), Value::from("0.1.0"));
    if let Some(d) = rest.description.as_ref().or(cap.description.as_ref()) {
        info.insert("description".into(), Value::from(d.as_str()));
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), Value::from("3.1.0"));
    doc.insert("info".into(), Value::Object(info));
    let address = rest.address.as_deref().unwrap_or("127.0.0.1");
    let port = rest.port.map_or(String::new(), |p| format!(":{p}"));
    doc.insert("servers".into(), json!([{ "url": format!("http://{address}{port}") }]));
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
            }
        }),
    );
    if let Some(auth) = &rest.auth {
        components.insert("securitySchemes".into(), json!({ "adapter": security_scheme(auth) }));
        doc.insert("security".into(), json!([{ "adapter": [] }]));
    }
    doc.insert("components".into(), Value::Object(components));
    Some(Value::Object(doc))
}

fn openapi_path(segments: &[RouteSegment]) -> String {
    crate::ir::route_path(segments, str::to_owned)
}

fn schema(ty: ParamType) -> Value {
    match ty {
        ParamType::Array => json!({ "type": "array", "items": { "type": "string" } }),
        other => json!({ "type": other.json_schema_type() }),
    }
}

fn operation(cap: &Capability, rest: &RestSurface, e: &Endpoint) -> Value {
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
                let mut s = schema(input.ty);
                if let (Some(d), Value::Object(o)) = (&input.description, &mut s) {
                    o.insert("description".into(), Value::from(d.as_str()));
                }
                body_fields.insert(input.name.clone(), s);
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
        p.insert("schema".into(), schema(input.ty));
        if input.ty == ParamType::Array && location == "query" {
            p.insert("style".into(), Value::from("form"));
            p.insert("explode".into(), Value::Bool(true));
        }
        parameters.push(Value::Object(p));
    }
    let mut op = Map::new();
    op.insert("operationId".into(), Value::from(e.name.as_str()));
    if let Some(s) = &e.summary {
        op.insert("summary".into(), Value::from(s.as_str()));
    }
    let output = e.action.output();
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
        Some(input) => Some((schema(input.ty), input.required, input.description.clone())),
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
    if let Some((s, required, description)) = body_schema {
        let mut body = Map::new();
        if let Some(d) = description {
            body.insert("description".into(), Value::from(d));
        }
        body.insert("required".into(), Value::Bool(required));
        body.insert("content".into(), json!({ "application/json": { "schema": s } }));
        op.insert("requestBody".into(), Value::Object(body));
    }
    let reply = match output {
        Some(Output::Passthrough) => "The upstream reply: its status, JSON body and paging headers, passed through.",
        Some(Output::Mapped(_)) => "The upstream reply, reshaped by the spec's output mapping.",
        None => "The flow's reply; a step's upstream error passes through with its status and body.",
    };
    let mut responses = json!({
        "default": { "description": reply, "content": { "application/json": { "schema": {} } } },
        "400": error_response("Invalid input (missing or mistyped parameter, invalid JSON)."),
        "502": error_response("The upstream API could not be reached."),
        "504": error_response("The upstream API did not answer in time.")
    });
    if let (Some(schema), Value::Object(responses)) = (&e.output_schema, &mut responses) {
        responses.insert("200".into(), json!({ "description": "The reply, shaped as the spec's outputs declare.", "content": { "application/json": { "schema": schema } } }));
    }
    op.insert("responses".into(), responses);
    Value::Object(op)
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AdapterError" } } } })
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
