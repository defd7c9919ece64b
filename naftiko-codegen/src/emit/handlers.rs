//! The `Handlers` trait: one method per consumed operation an exposed adapter calls. Its default
//! methods forward to the client; a user overrides one method and both REST and MCP follow.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::ir::{Action, Capability, Consumed, ConsumedOp};

/// The operations any surface calls, in consumes order, each once.
pub fn called_operations(cap: &Capability) -> Vec<(usize, usize)> {
    let mut called: Vec<(usize, usize)> = cap
        .rest
        .iter()
        .flat_map(|r| r.endpoints.iter().map(|e| &e.action))
        .chain(cap.mcp.iter().flat_map(|m| m.tools.iter().map(|t| &t.action)))
        .map(|a| match a {
            Action::Call { consumes, operation, .. } => (*consumes, *operation),
        })
        .collect();
    called.sort_unstable();
    called.dedup();
    called
}

/// Path from the `handlers` module to a consumed API's client items.
pub fn client_path(cap: &Capability, consumed: &Consumed) -> TokenStream {
    if cap.consumes.len() == 1 {
        quote!(super::client)
    } else {
        let module = ident(&consumed.module);
        quote!(super::client::#module)
    }
}

/// Doc line naming what an operation calls, e.g. "`GET /snapshots` on `instance-snapshots`".
pub fn calls_doc(consumed: &Consumed, op: &ConsumedOp) -> String {
    format!(" `{} {}` on `{}`.", op.method.as_str(), op.path_template, consumed.namespace)
}

pub fn emit(cap: &Capability) -> TokenStream {
    let fields = cap.consumes.iter().map(|c| {
        let field = ident(&c.module);
        let path = client_path(cap, c);
        let doc = format!(" Client of `{}`.", c.namespace);
        quote! { #[doc = #doc] pub #field: #path::Client, }
    });
    let inits = cap.consumes.iter().map(|c| {
        let field = ident(&c.module);
        let path = client_path(cap, c);
        quote! { #field: #path::Client::from_env()?, }
    });
    let overrides = cap.consumes.iter().map(|c| {
        let field = ident(&c.module);
        let path = client_path(cap, c);
        let namespace = &c.namespace;
        quote! {
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
        let calls = calls_doc(consumed, op);
        Some(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = " Default: forwards to"]
            #[doc = #calls]
            fn #name(
                &self,
                params: #path::#params,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error>> + Send {
                self.clients().#field.#name(params)
            }
        })
    });
    quote! {
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
            pub fn with_upstreams(upstreams: &::naftiko_runtime::Upstreams) -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
                Ok(Self { #(#overrides)* })
            }
        }

        /// What the exposed operations do. Each method's default calls the consumed API.
        pub trait Handlers: Send + Sync + 'static {
            /// The clients the default methods call.
            fn clients(&self) -> &Clients;

            #(#methods)*
        }

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
