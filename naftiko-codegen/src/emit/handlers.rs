//! The `Handlers` trait: one method per consumed operation an exposed adapter calls, and one per MCP
//! tool the spec declares without a `call` (with its argument struct). Default methods forward to the
//! client (or answer 501); a user overrides one method and both REST and MCP follow.

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::ir::{Action, Callee, Capability, Consumed, ConsumedOp, CustomOp, Flow, FlowBody, Param, StepKind};

/// The operations any surface or flow calls, in consumes order, each once.
pub fn called_operations(cap: &Capability) -> Vec<(usize, usize)> {
    let by_surfaces = cap
        .rest
        .iter()
        .flat_map(|r| r.endpoints.iter().map(|e| &e.action))
        .chain(cap.mcp.iter().flat_map(|m| m.calls().map(|t| &t.action)))
        .filter_map(|a| match a {
            Action::Call { consumes, operation, .. } => Some((*consumes, *operation)),
            Action::Custom { .. } | Action::Flow { .. } => None,
        });
    let by_flows = cap.flows.iter().flat_map(|f| match &f.body {
        FlowBody::Call { callee, .. } => vec![*callee],
        FlowBody::Steps { steps, .. } => steps
            .iter()
            .filter_map(|s| match s.kind {
                StepKind::Call { callee, .. } => Some(callee),
                StepKind::Lookup { .. } => None,
            })
            .collect(),
        FlowBody::Mock { .. } => Vec::new(),
    });
    let by_flows = by_flows.filter_map(|c| match c {
        Callee::Operation { consumes, operation } => Some((consumes, operation)),
        Callee::Custom { .. } => None,
    });
    let mut called: Vec<(usize, usize)> = by_surfaces.chain(by_flows).collect();
    called.sort_unstable();
    called.dedup();
    called
}

/// Path from the `handlers` module to a consumed API's client items.
pub fn client_path(cap: &Capability, consumed: &Consumed) -> Code {
    if cap.consumes.len() == 1 {
        code!(super::client)
    } else {
        let module = ident(&consumed.module);
        code!(super::client::#module)
    }
}

/// Doc line naming what an operation calls, e.g. "`GET /snapshots` on `instance-snapshots`".
pub fn calls_doc(consumed: &Consumed, op: &ConsumedOp) -> String {
    format!(" `{} {}` on `{}`.", op.method.as_str(), op.path_template, consumed.namespace)
}

/// What an exposed operation runs — a `Handlers` method or a flow — and the parameters it takes.
pub struct Called<'a> {
    /// The `Handlers` method, or the function of `flows`.
    pub method: Code,
    /// Path of its parameter struct from a top module of the crate (`super::client::XParams`).
    pub params_type: Code,
    pub params: &'a [Param],
    /// What it does, for docs: "`GET /x` on `ns`." or "`Handlers::x`, …".
    pub doc: String,
    /// A function of the `flows` module (called with the handlers), not a `Handlers` method.
    pub flow: bool,
}

impl Called<'_> {
    /// The call, awaited: `handlers.x(params).await` or `<flows>::x(&*handlers, params).await`, where
    /// `flows` is the path of the `flows` module from where the call is written.
    pub fn call(&self, flows: &Code) -> Code {
        let method = &self.method;
        if self.flow { code! { #flows::#method(&*handlers, params).await } } else { code! { handlers.#method(params).await } }
    }
}

pub fn called<'a>(cap: &'a Capability, action: &Action) -> Option<Called<'a>> {
    match action {
        Action::Call { consumes, operation, .. } => {
            let consumed = cap.consumes.get(*consumes)?;
            let op = consumed.operations.get(*operation)?;
            let path = client_path(cap, consumed);
            let params = ident(&op.params_type);
            Some(Called { method: ident(&op.method_name), params_type: code!(#path::#params), params: &op.params, doc: calls_doc(consumed, op), flow: false })
        }
        Action::Custom { operation, .. } => {
            let custom = cap.custom.get(*operation)?;
            let input = ident(&custom.input_type);
            Some(Called {
                method: ident(&custom.method_name),
                params_type: code!(super::handlers::#input),
                params: &custom.params,
                doc: custom_doc(custom),
                flow: false,
            })
        }
        Action::Flow { flow, .. } => {
            let flow = cap.flows.get(*flow)?;
            let input = ident(&flow.input_type);
            Some(Called { method: ident(&flow.fn_name), params_type: code!(super::flows::#input), params: &flow.inputs, doc: flow_doc(flow), flow: true })
        }
    }
}

/// Doc line of what runs a flow.
pub fn flow_doc(flow: &Flow) -> String {
    format!(" `flows::{}`, the {}.", flow.fn_name.trim_start_matches("r#"), flow.origin)
}

/// Doc line of a custom operation.
pub fn custom_doc(custom: &CustomOp) -> String {
    format!(" `Handlers::{}`, which the spec leaves to you (501 until implemented).", custom.method_name.trim_start_matches("r#"))
}

/// The argument struct and the `Handlers` method of one custom operation.
fn custom_items(custom: &CustomOp) -> (Code, Code) {
    let input = ident(&custom.input_type);
    let method = ident(&custom.method_name);
    let struct_doc = crate::emit::doc(&format!(" Arguments of tool `{}`.", custom.name));
    let summary = custom.summary.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
    let default_doc = crate::emit::doc(&format!(" Tool `{}` has no `call` in the spec: implement this method. Default: 501 `not_implemented`.", custom.name));
    let message = format!("`{}` is declared by the spec without a `call`; implement `Handlers::{}`", custom.name, custom.method_name.trim_start_matches("r#"));
    let body = serde_json::json!({ "type": "not_implemented", "message": message }).to_string();
    let params: Vec<&Param> = custom.params.iter().collect();
    let item = crate::emit::inputs::input_struct(&custom.input_type, struct_doc, &params, |p| {
        crate::emit::doc(&match p.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => format!(" {d} (argument `{}`)", p.name),
            None => format!(" Argument `{}`.", p.name),
        })
    });
    let summary_doc = crate::emit::summary_doc(&summary);
    let method = code! {
        #summary_doc
        #default_doc
        fn #method(
            &self,
            input: #input,
        ) -> impl ::core::future::Future<Output = ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error>> + Send {
            let _ = input;
            ::core::future::ready(Ok(::naftiko_runtime::Response::from_json(
                ::naftiko_runtime::http::StatusCode::NOT_IMPLEMENTED,
                &::naftiko_runtime::render::constant(#body),
            )))
        }
    };
    (item, method)
}

pub fn emit(cap: &Capability) -> Code {
    let fields = cap.consumes.iter().map(|c| {
        let field = ident(&c.module);
        let path = client_path(cap, c);
        let doc = crate::emit::doc(&format!(" Client of `{}`.", c.namespace));
        code! { #doc pub #field: #path::Client, }
    });
    let inits = cap.consumes.iter().map(|c| {
        let field = ident(&c.module);
        let path = client_path(cap, c);
        code! { #field: #path::Client::from_env()?, }
    });
    let overrides = cap.consumes.iter().map(|c| {
        let field = ident(&c.module);
        let path = client_path(cap, c);
        let namespace = &c.namespace;
        code! {
            #field: match upstreams.get(#namespace) {
                Some(url) => #path::Client::new(url, #path::Auth::from_env()?),
                None => #path::Client::from_env()?,
            },
        }
    });
    let methods = called_operations(cap).into_iter().filter_map(|(ci, oi)| {
        let consumed = cap.consumes.get(ci)?;
        let op = consumed.operations.get(oi)?;
        let name = ident(&op.method_name);
        let path = client_path(cap, consumed);
        let params = ident(&op.params_type);
        let field = ident(&consumed.module);
        let summary = op.summary.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
        let calls = crate::emit::doc(&calls_doc(consumed, op));
        let summary_doc = crate::emit::summary_doc(&summary);
        Some(code! {
            #summary_doc
            #[doc = " Default: forwards to"]
            #calls
            fn #name(
                &self,
                params: #path::#params,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error>> + Send {
                self.clients().#field.#name(params)
            }
        })
    });
    let (custom_structs, custom_methods): (Vec<Code>, Vec<Code>) = cap.custom.iter().map(custom_items).unzip();
    // A capability of mocks only consumes nothing: no upstream to override.
    let upstreams = if cap.consumes.is_empty() { code!(_upstreams) } else { code!(upstreams) };
    let trait_doc = crate::emit::doc(if cap.custom.is_empty() {
        " What the exposed operations do. Each method's default calls the consumed API."
    } else {
        " What the exposed operations do. Each method's default calls the consumed API; those of tools the spec declares without a `call` answer 501 until you implement them."
    });
    code! {
        #![doc = " The capability's operations, shared by every exposed surface (REST and MCP)."]
        #![doc = ""]
        #![doc = " Implement [`Handlers`] for your own type to change one operation; the others keep"]
        #![doc = " forwarding upstream. [`Proxy`] forwards everything."]

        /// One client per consumed API.
        #[derive(Debug, Clone)]
        pub struct Clients {
            #(#fields)*
        }

        impl Clients {
            /// Every client from its environment (secrets from the binds, base URLs from the spec).
            pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
                Ok(Self { #(#inits)* })
            }

            /// Like [`Clients::from_env`], with base URLs overridden by `upstreams` (`--upstream`).
            pub fn with_upstreams(#upstreams: &::naftiko_runtime::Upstreams) -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
                Ok(Self { #(#overrides)* })
            }
        }

        #trait_doc
        pub trait Handlers: Send + Sync + 'static {
            /// The clients the default methods call.
            fn clients(&self) -> &Clients;

            #(#methods)*

            #(#custom_methods)*
        }

        #(#custom_structs)*

        /// Forwards every operation upstream unchanged.
        #[derive(Debug, Clone)]
        pub struct Proxy {
            pub clients: Clients,
        }

        impl Proxy {
            pub fn new(clients: Clients) -> Self {
                Self { clients }
            }
        }

        impl Handlers for Proxy {
            fn clients(&self) -> &Clients {
                &self.clients
            }
        }
    }
}
