//! The REST surface: an axum router whose handlers turn requests into operation parameters through
//! the resolved `with` bindings, call `Handlers`, and pass the upstream reply through.

use crate::emit::code::{Code, code};
use crate::emit::handlers::called;
use crate::emit::values::rust_type;
use crate::emit::{ident, mapping, values};
use crate::ir::{
    Action, Binding, Capability, Endpoint, Input, InputLocation, Output, Param, ParamType, Placement, RestSurface,
    RouteSegment, ServerAuth, Source,
};

/// Where the OpenAPI document comes from: the checked-in crate's `openapi.json`, or inline text.
#[derive(Clone, Copy)]
pub enum OpenApi<'a> {
    File(&'a str),
    Inline(&'a str),
}

/// The `rest` module: the first REST expose (or a line saying there is none).
pub fn emit(cap: &Capability, openapi: OpenApi<'_>) -> Code {
    match cap.rest.first() {
        Some(rest) => emit_surface(cap, rest, openapi),
        None => code! { #![doc = " This capability exposes no REST adapter."] },
    }
}

/// The module of one REST expose.
pub fn emit_surface(cap: &Capability, rest: &RestSurface, openapi: OpenApi<'_>) -> Code {
    let doc = crate::emit::inner_docs(&module_doc(rest));
    let routes = rest.routes.iter().map(|route| {
        let path = axum_path(&route.segments);
        let mut methods = route.endpoints.iter().map(|&e| {
            let endpoint = &rest.endpoints[e];
            let f = ident(&endpoint.fn_name);
            let method = ident(&endpoint.method.as_str().to_ascii_lowercase());
            (method, f)
        });
        let first = methods.next().map(|(m, f)| code! { axum::routing::#m(#f::<H>) });
        let rest_methods = methods.map(|(m, f)| code! { .#m(#f::<H>) });
        code! { .route(#path, #first #(#rest_methods)*) }
    });
    let forward_routes = rest.forwards.iter().map(|f| {
        let (route, name) = (&f.route, ident(&f.fn_name));
        code! { .route(#route, axum::routing::any(#name::<H>)) }
    });
    let handlers = rest.endpoints.iter().map(|e| endpoint_handler(cap, e)).chain(rest.forwards.iter().map(|f| forward_handler(cap, f)));
    let openapi_const = match openapi {
        OpenApi::File(path) => code! { pub const OPENAPI_JSON: &str = include_str!(#path); },
        OpenApi::Inline(text) => code! { pub const OPENAPI_JSON: &str = #text; },
    };
    let address = match &rest.address {
        Some(a) => code! { Some(#a) },
        None => code! { None },
    };
    let address_doc = crate::emit::doc(&match &rest.address {
        Some(a) => format!(" Accepts the `Host` names of the spec's address `{a}` (any, for a non-loopback address), against DNS rebinding; no browser origin."),
        None => " Accepts loopback `Host` names only (the spec gives no address, so the server binds 127.0.0.1); no browser origin.".to_owned(),
    });
    let (options_param, auth_arg, secrets_arg, auth_doc) = match &rest.auth {
        Some(auth) => {
            let build = server_auth(auth, &cap.secrets);
            (
                code! { secrets: &super::client::Secrets },
                code! { Some(#build) },
                code! { secrets },
                " Callers must present the credentials the spec's `authentication` declares (read from `secrets`).",
            )
        }
        None => (code! {}, code! { None }, code! {}, " The spec declares no authentication for this adapter."),
    };
    let auth_doc = crate::emit::doc(auth_doc);
    let require_pattern = require_pattern(cap);
    let port_doc = crate::emit::doc(&rest.port.map(|p| format!(" The spec's default port is {p}.")).unwrap_or_default());
    code! {
        #doc

        use ::std::sync::Arc;
        use ::naftiko_runtime::rest::{self as rt, axum};
        use axum::extract::State;
        use super::handlers::Handlers;

        #require_pattern

        /// The OpenAPI 3.1 document of this surface, also served at `GET /openapi.json`.
        #openapi_const

        /// Options of [`router`].
        ///
        #auth_doc
        #address_doc
        pub fn options(#options_param) -> rt::RestOptions {
            rt::RestOptions { auth: #auth_arg, ..rt::RestOptions::for_address(#address) }
        }

        /// The REST router with [`options`]: every exposed operation, plus `GET /openapi.json`.
        ///
        #port_doc
        pub fn router<H: Handlers>(handlers: Arc<H>, #options_param) -> axum::Router {
            router_with(handlers, options(#secrets_arg))
        }

        /// The REST router with options of your own (the binary passes the `Host` names and browser
        /// origins it is given).
        pub fn router_with<H: Handlers>(handlers: Arc<H>, options: rt::RestOptions) -> axum::Router {
            let router = axum::Router::new()
                #(#routes)*
                #(#forward_routes)*
                .route("/openapi.json", axum::routing::get(|| async { rt::json_document(OPENAPI_JSON) }))
                .with_state(handlers);
            rt::finish(router, options)
        }

        #(#handlers)*
    }
}

fn module_doc(rest: &RestSurface) -> Vec<String> {
    let mut doc = vec![format!(" REST adapter `{}`.", rest.namespace)];
    if let Some(d) = &rest.description {
        doc.push(String::new());
        doc.extend(d.lines().map(|l| format!(" {l}")));
    }
    doc.push(String::new());
    doc.push(" | Method | Path | Operation |".to_owned());
    doc.push(" |---|---|---|".to_owned());
    for e in &rest.endpoints {
        doc.push(format!(" | {} | `{}` | `{}` |", e.method.as_str(), e.path, e.name));
    }
    for f in &rest.forwards {
        doc.push(format!(" | any | `{}` | forwarded |", f.path));
    }
    doc
}

/// A `forward` route's handler: the request passed to the consumed API's client as it came (path below
/// the route re-encoded, trusted headers only), its reply streamed back.
fn forward_handler(cap: &Capability, f: &crate::ir::ForwardRoute) -> Code {
    let Some(consumed) = cap.consumes.get(f.consumes) else { return code! {} };
    let name = ident(&f.fn_name);
    let field = ident(&consumed.module);
    let depth = proc_macro2::Literal::usize_unsuffixed(f.depth);
    let trusted = f.trusted.iter().map(|h| code! { axum::http::HeaderName::from_static(#h) });
    let count = proc_macro2::Literal::usize_unsuffixed(f.trusted.len());
    let label = format!("forward {}", f.path);
    let summary = crate::emit::summary_doc(&f.summary.as_deref().map(|s| format!(" {s}")).unwrap_or_default());
    let trusted_doc = if f.trusted.is_empty() {
        "no caller header".to_owned()
    } else {
        f.trusted.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
    };
    let route_doc = crate::emit::doc(&format!(
        " Any method on `{}` → `{}`, with {trusted_doc} from the caller.",
        f.path, consumed.namespace
    ));
    code! {
        #summary
        #route_doc
        async fn #name<H: Handlers>(State(handlers): State<Arc<H>>, request: axum::extract::Request) -> axum::response::Response {
            const TRUSTED: [axum::http::HeaderName; #count] = [#(#trusted),*];
            let forwarded = match rt::forward::Forwarded::from_request(request, #depth, &TRUSTED) {
                Ok(forwarded) => forwarded,
                Err(refused) => return axum::response::IntoResponse::into_response(refused),
            };
            let rt::forward::Forwarded { method, path, query, headers, body } = forwarded;
            rt::forward::reply(#label, handlers.clients().#field.forward(method, &path, query.as_deref(), headers, body).await)
        }
    }
}

/// The axum path of a route; variables take identifier names (the extractor reads them by position).
fn axum_path(segments: &[RouteSegment]) -> String {
    // Distinct names even when two variables map to one identifier (`{a-b}/{a_b}`): the router
    // refuses a path that names a parameter twice.
    let mut scope = crate::ir::ident::Scope::default();
    let names: Vec<(String, String)> = segments
        .iter()
        .filter_map(|s| match s {
            RouteSegment::Var(v) => Some((v.clone(), scope.name(crate::ir::ident::snake(v).trim_start_matches("r#").to_owned(), v).ident)),
            RouteSegment::Literal(_) => None,
        })
        .collect();
    crate::ir::route_path(segments, |v| names.iter().find(|(var, _)| var == v).map_or_else(String::new, |(_, name)| name.clone()))
}

pub(crate) fn server_auth(auth: &ServerAuth, secrets: &[crate::ir::Secret]) -> Code {
    match auth {
        ServerAuth::Bearer { token } => {
            let token = values::secret_template(token, secrets);
            code! { rt::ServerAuth::Bearer { token: #token } }
        }
        ServerAuth::ApiKey { placement: Placement::Query, name, value } => {
            let value = values::secret_template(value, secrets);
            code! { rt::ServerAuth::ApiKeyQuery { name: #name.to_owned(), value: #value } }
        }
        ServerAuth::ApiKey { name, value, .. } => {
            let value = values::secret_template(value, secrets);
            let name = name.to_ascii_lowercase();
            code! { rt::ServerAuth::ApiKeyHeader { name: axum::http::HeaderName::from_static(#name), value: #value } }
        }
        ServerAuth::Basic { username, password } => {
            let username = values::secret_template(username, secrets);
            let password = values::secret_template(password, secrets);
            code! { rt::ServerAuth::Basic { username: #username, password: #password } }
        }
    }
}

fn endpoint_handler(cap: &Capability, e: &Endpoint) -> Code {
    let Some(called) = called(cap, &e.action) else { return code! {} };
    let bindings = e.action.bindings();
    let name = ident(&e.fn_name);
    let params_type = &called.params_type;
    let fields = bindings.iter().filter_map(|b| {
        let param = called.params.get(b.param)?;
        let field = ident(&param.field);
        let value = binding_value(b, param, &e.inputs);
        Some(code! { #field: #value, })
    });
    let checks: Vec<Code> = e.inputs.iter().filter_map(input_check).collect();
    // A handler whose bindings are all literals (and whose inputs have nothing to check) never reads the request.
    let reads_request = !checks.is_empty() || bindings.iter().any(|b| matches!(b.source, Source::Input(_) | Source::Template(_)));
    let request = if reads_request { code!(request) } else { code!(_request) };
    let call = called.call(&code!(super::flows));
    let operation = &e.name;
    let reply = match e.action.output() {
        // A flow shapes its own reply.
        None | Some(Output::Passthrough) => code! { rt::reply(#operation, #call) },
        Some(Output::Mapped(m)) => {
            let shape = mapping::expression(m, &code!(value));
            code! { rt::reply_mapped(#operation, #call, |value| #shape) }
        }
    };
    let summary = e.summary.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
    let route = match &e.action {
        Action::Call { consumes, operation, .. } => {
            let consumed = cap.consumes.get(*consumes);
            let op = consumed.and_then(|c| c.operations.get(*operation));
            format!(" `{} {}` → `{}.{}`.", e.method.as_str(), e.path, consumed.map_or("", |c| c.namespace.as_str()), op.map_or("", |o| o.name.as_str()))
        }
        Action::Custom { .. } | Action::Flow { .. } => format!(" `{} {}` →{}", e.method.as_str(), e.path, called.doc),
    };
    let summary_doc = crate::emit::summary_doc(&summary);
    let route = crate::emit::doc(&route);
    code! {
        #summary_doc
        #route
        async fn #name<H: Handlers>(
            State(handlers): State<Arc<H>>,
            #request: rt::RestRequest,
        ) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
            #(#checks)*
            let params = #params_type {
                #(#fields)*
            };
            Ok(#reply)
        }
    }
}

/// Checks an input against what its declaration states beyond its Rust type (pattern, enum, bounds, a
/// JSON object): a `static` schema and a statement answering 400 when the value is outside it. The
/// input is read in its own type here, whatever type the parameters it binds to read it in.
fn input_check(input: &Input) -> Option<Code> {
    let schema = input.checked_schema()?.to_string();
    let name = &input.name;
    let read = read_input(input, input.ty);
    if input.constraints.is_empty() {
        // Only the type: a JSON object, told from its text's first byte.
        return Some(code! { rt::object(#name, #read)?; });
    }
    let schema = crate::emit::raw_string(&schema);
    let static_name = ident(&format!("{}_SCHEMA", input.field.trim_start_matches("r#").to_ascii_uppercase()));
    Some(code! {
        static #static_name: rt::InputSchema = rt::InputSchema::new(#schema);
        rt::conform(&#static_name, #name, #read)?;
    })
}

/// Reads one input as `Option<T>` of the parameter's type (errors become 400 through `?`).
fn read_input(input: &Input, ty: ParamType) -> Code {
    let name = &input.name;
    let t = rust_type(ty);
    match input.location {
        InputLocation::Path(i) => {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            code! { Some(request.path::<#t>(#name, #i)?) }
        }
        InputLocation::Query if ty == ParamType::Array => code! { request.query_all(#name) },
        InputLocation::Query => code! { request.query::<#t>(#name)? },
        InputLocation::Header => code! { request.header::<#t>(#name)? },
        InputLocation::Cookie => code! { request.cookie::<#t>(#name)? },
        InputLocation::Body if ty.is_json() => code! { request.body()? },
        InputLocation::Body | InputLocation::BodyField | InputLocation::Argument if input.path.is_some() => {
            let steps = crate::emit::mapping::steps(input.path.as_deref().unwrap_or_default());
            if ty.is_json() {
                code! { request.body_json_path(#name, #steps)? }
            } else {
                code! { request.body_path::<#t>(#name, #steps)? }
            }
        }
        InputLocation::Body | InputLocation::BodyField | InputLocation::Argument if ty.is_json() => code! { request.body_json_field(#name)? },
        InputLocation::Body | InputLocation::BodyField | InputLocation::Argument => code! { request.body_field::<#t>(#name)? },
    }
}

fn binding_value(b: &Binding, param: &Param, inputs: &[Input]) -> Code {
    let optional = match &b.source {
        Source::Input(i) => match inputs.get(*i) {
            Some(input) => read_input(input, param.ty),
            None => code! { None },
        },
        Source::Literal(v) => values::literal(v, param.ty),
        Source::Template(t) => {
            let text = values::input_template(t, |i| inputs.get(i).map(|input| read_input(input, ParamType::String)));
            values::convert_text(text, param.ty, &param.name)
        }
        // Steps exist inside flows only.
        Source::Step(_) | Source::Absent => code! { None },
    };
    let input = match &b.source {
        Source::Input(i) => inputs.get(*i),
        _ => None,
    };
    // A path variable is always there: no `Option` to unwrap.
    if let (Some(Input { location: InputLocation::Path(i), name, .. }), true) = (input, param.required) {
        let t = rust_type(param.ty);
        let i = proc_macro2::Literal::usize_unsuffixed(*i);
        return code! { request.path::<#t>(#name, #i)? };
    }
    let label = input.map_or(param.name.as_str(), |input| input.name.as_str());
    wrap_required(optional, param.required, label, &code!(rt))
}

/// `Option<T>` expression → the field's type: a required field answers a 400 naming the input when
/// absent. `rt` is the path of the runtime module whose `required` applies.
pub fn wrap_required(optional: Code, required: bool, label: &str, rt: &Code) -> Code {
    if required {
        code! { #rt::required(#label, #optional)? }
    } else {
        optional
    }
}

/// `__require_pattern!();` when the capability's inputs state a `pattern`: a build without the
/// runtime's `pattern` feature stops there, naming it, instead of refusing every value at run time.
pub fn require_pattern(cap: &Capability) -> Code {
    if crate::emit::crate_files::uses_patterns(cap) {
        code! { ::naftiko_runtime::__require_pattern!(); }
    } else {
        code! {}
    }
}
