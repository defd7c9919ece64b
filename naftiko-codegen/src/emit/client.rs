//! The typed client: `Secrets`, and per consumed API an `Auth`, a `Client` with one async method per
//! operation, and one `…Params` struct per operation.
//!
//! Generated methods only list their request's parts in the spec's order; encoding, validation,
//! authentication and errors live in `naftiko_runtime`, so a reviewer reads one line per parameter.

use std::cell::RefCell;
use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::emit::ident;
use crate::emit::values::rust_type;
use crate::ir::{
    BaseUri, BodyTemplate, Capability, ClientAuth, Consumed, ConsumedOp, Param, ParamLocation, ParamType, PathPart, Placement, RequestBody,
    SecretSource, Template, TemplatePart,
};

/// Templates may name parameters whose own values are templates; deeper than this is a cycle.
const MAX_TEMPLATE_DEPTH: usize = 8;

pub fn emit(cap: &Capability) -> TokenStream {
    let docs = module_docs(cap);
    let secrets = secrets_struct(cap);
    let apis: TokenStream = match cap.consumes.as_slice() {
        [single] => Api::new(cap, single, false).emit(),
        several => several
            .iter()
            .map(|consumed| {
                let module = ident(&consumed.module);
                let doc = doc_lines(&format!("Client of the `{}` API.", consumed.namespace));
                let items = Api::new(cap, consumed, true).emit();
                quote! {
                    #doc
                    pub mod #module {
                        #items
                    }
                }
            })
            .collect(),
    };
    quote! {
        #docs
        #secrets
        #apis
    }
}

fn module_docs(cap: &Capability) -> TokenStream {
    let where_ = match cap.consumes.as_slice() {
        [_] => "here".to_owned(),
        several => format!("in a module of its own ({})", several.iter().map(|c| format!("`{}`", c.module)).collect::<Vec<_>>().join(", ")),
    };
    let paragraphs = [
        format!("Typed client of the APIs that {} consumes.", cap.title),
        format!(
            "Each API's `Client` is {where_}. `Client::from_env()` reads the API's secrets from the environment \
             (or the files the spec's binds name) and its base URL from `BASE_URL_ENV` or the spec; \
             `Client::new(base_url, auth)` takes both."
        ),
        "Every operation is an async method taking its `…Params` struct. It returns the upstream `Response` \
         (status, headers, body bytes); a status of 400 or more is `Error::Status` with the whole reply."
            .to_owned(),
    ];
    let lines: Vec<String> = paragraphs
        .iter()
        .map(|p| wrap(p, 100))
        .collect::<Vec<_>>()
        .join("\n\n")
        .lines()
        .map(|l| if l.is_empty() { String::new() } else { format!(" {l}") })
        .collect();
    crate::emit::inner_docs(&lines)
}

/// Our own prose, wrapped at `width` columns (spec text keeps its own line breaks).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        if line_len > 0 && line_len + 1 + word.chars().count() > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.chars().count();
    }
    out
}

/// `#[doc]` attributes, one per line (rustdoc joins them; a line per attribute keeps the output readable).
fn doc_lines(text: &str) -> TokenStream {
    text.lines().map(|l| if l.trim().is_empty() { crate::emit::doc("") } else { crate::emit::doc(&format!(" {}", l.trim_end())) }).collect()
}

fn secret_doc(secret: &crate::ir::Secret) -> String {
    match &secret.source {
        SecretSource::Env { name } => format!("`{{{{{}}}}}`, from environment variable `{name}`.", secret.var),
        SecretSource::File { location, key } => format!("`{{{{{}}}}}`, from key `{key}` of `{location}`.", secret.var),
    }
}

fn load_secret(secret: &crate::ir::Secret) -> TokenStream {
    match &secret.source {
        SecretSource::Env { name } => quote! { ::naftiko_runtime::secret_from_env(#name)? },
        SecretSource::File { location, key } => quote! { ::naftiko_runtime::secret_from_file(#location, #key)? },
    }
}

fn secrets_struct(cap: &Capability) -> TokenStream {
    let fields = cap.secrets.iter().map(|s| {
        let field = ident(&s.field);
        let doc = doc_lines(&secret_doc(s));
        quote! { #doc pub #field: ::naftiko_runtime::Secret, }
    });
    let loads = cap.secrets.iter().map(|s| {
        let field = ident(&s.field);
        let load = load_secret(s);
        quote! { #field: #load, }
    });
    let default = if cap.secrets.is_empty() { quote!(Default,) } else { quote!() };
    quote! {
        /// Every secret of the capability (its `binds`). `Debug` shows none of the values.
        #[derive(Debug, Clone, #default)]
        pub struct Secrets {
            #(#fields)*
        }

        impl Secrets {
            /// Reads every secret from its environment variable or file.
            pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
                ::core::result::Result::Ok(Self { #(#loads)* })
            }
        }
    }
}

/// Where a template's secrets are read from.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// Building the client: the `auth: Auth` argument.
    Construct,
    /// Sending any request: `self.secrets`, no parameters (adapter-level fixed parameters).
    Adapter,
    /// Inside an operation: `self.secrets` and `params`.
    Call(&'a ConsumedOp),
}

/// A template flattened: fixed parameters it mentions are replaced by their own templates.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Text(String),
    Secret(String),
    /// A caller-supplied parameter (index into the operation's params).
    Param(usize),
}

/// How a template's text is written into its context.
#[derive(Clone, Copy, PartialEq)]
enum Escape {
    None,
    /// Inside a raw JSON body: values are escaped as JSON string content.
    JsonString,
}

/// One consumed API being emitted. Emission records which secrets and parameters the code reads, so
/// that nothing unused is declared (the generated crate compiles without warnings).
struct Api<'a> {
    cap: &'a Capability,
    consumed: &'a Consumed,
    nested: bool,
    /// Secret variables the API's code reads, from `auth` or `self.secrets`.
    secrets_used: RefCell<BTreeSet<String>>,
    /// Whether an operation reads `self.secrets` (then the client keeps its `Auth`).
    call_reads_secrets: RefCell<bool>,
    /// Whether the operation being emitted reads `params`.
    params_read: RefCell<bool>,
}

impl<'a> Api<'a> {
    fn new(cap: &'a Capability, consumed: &'a Consumed, nested: bool) -> Self {
        Api {
            cap,
            consumed,
            nested,
            secrets_used: RefCell::new(BTreeSet::new()),
            call_reads_secrets: RefCell::new(false),
            params_read: RefCell::new(false),
        }
    }

    fn emit(&self) -> TokenStream {
        // Operations and the constructor first: they decide which secrets `Auth` holds.
        let methods: Vec<TokenStream> = self.consumed.operations.iter().map(|op| self.method(op)).collect();
        let params_structs: Vec<TokenStream> = self.consumed.operations.iter().map(|op| self.params_struct(op)).collect();
        let fixed: Vec<TokenStream> = self.consumed.fixed.iter().map(|f| self.fixed_adapter_param(f)).collect();
        let credentials = self.credentials();
        let (base_url_consts, base_url_default) = self.base_url();
        let keeps_secrets = *self.call_reads_secrets.borrow();
        let auth_used_in_new = keeps_secrets || !matches!(credentials, Credentials::None);

        let auth = self.auth_struct();
        let client_doc = self.client_doc();
        let credentials_expr = match &credentials {
            Credentials::None => quote!(::naftiko_runtime::ClientAuth::None),
            Credentials::Expr(e) => e.clone(),
        };
        let secrets_field = keeps_secrets.then(|| quote! { secrets: Auth, });
        let secrets_init = keeps_secrets.then(|| quote! { secrets: auth, });
        let discard_auth = (!auth_used_in_new).then(|| quote! { let _ = auth; });
        let helpers = (!self.consumed.operations.is_empty()).then(|| {
            let send_body = if fixed.is_empty() {
                quote! { self.http.send(request, &self.credentials).await }
            } else {
                quote! {
                    let request = request #(#fixed)*;
                    self.http.send(request, &self.credentials).await
                }
            };
            quote! {
                fn request(&self, method: ::naftiko_runtime::http::Method) -> ::naftiko_runtime::RequestBuilder {
                    ::naftiko_runtime::RequestBuilder::new(method, &self.base_url)
                }

                /// Sends with this API's credentials (and the parameters the spec fixes for every request).
                async fn send(
                    &self,
                    request: ::naftiko_runtime::RequestBuilder,
                ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
                    #send_body
                }
            }
        });

        quote! {
            #auth
            #base_url_consts

            #client_doc
            #[derive(Debug, Clone)]
            pub struct Client {
                base_url: ::std::string::String,
                http: ::naftiko_runtime::HttpClient,
                credentials: ::naftiko_runtime::ClientAuth,
                #secrets_field
            }

            impl Client {
                /// A client of the API at `base_url` (scheme, host and optional path prefix).
                pub fn new(base_url: impl ::core::convert::Into<::std::string::String>, auth: Auth) -> Self {
                    #discard_auth
                    let credentials = #credentials_expr;
                    Self {
                        base_url: base_url.into(),
                        http: ::naftiko_runtime::HttpClient::new(),
                        credentials,
                        #secrets_init
                    }
                }

                /// A client configured from the environment: secrets from their variables or files, the base
                /// URL from [`BASE_URL_ENV`] when set, else the spec's `baseUri`.
                pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
                    let auth = Auth::from_env()?;
                    #base_url_default
                    ::core::result::Result::Ok(Self::new(base_url, auth))
                }

                /// Sends through `http`: a `reqwest::Client` of your own (proxy, certificates) or an
                /// `HttpClient` with other timeouts. Clients built from one share its connection pool.
                pub fn with_http_client(mut self, http: impl ::core::convert::Into<::naftiko_runtime::HttpClient>) -> Self {
                    self.http = http.into();
                    self
                }

                /// The base URL requests go to.
                pub fn base_url(&self) -> &str {
                    &self.base_url
                }

                #(#methods)*

                #helpers
            }

            #(#params_structs)*
        }
    }

    fn client_doc(&self) -> TokenStream {
        let mut text = format!("Client of the `{}` API", self.consumed.namespace);
        match &self.consumed.base_uri {
            BaseUri::Fixed { url } => text.push_str(&format!(" (`{url}`)")),
            BaseUri::Templated { template } => text.push_str(&format!(" (`{}`)", template_doc(template))),
            BaseUri::Runtime => {}
        }
        text.push('.');
        if let Some(d) = &self.consumed.description {
            text.push_str("\n\n");
            text.push_str(d);
        }
        doc_lines(&text)
    }

    fn secrets_path(&self) -> TokenStream {
        if self.nested { quote!(super::Secrets) } else { quote!(Secrets) }
    }

    fn auth_struct(&self) -> TokenStream {
        let used = self.secrets_used.borrow();
        let secrets: Vec<&crate::ir::Secret> = self.cap.secrets.iter().filter(|s| used.contains(&s.var)).collect();
        let fields = secrets.iter().map(|s| {
            let field = ident(&s.field);
            let doc = doc_lines(&secret_doc(s));
            quote! { #doc pub #field: ::naftiko_runtime::Secret, }
        });
        let loads = secrets.iter().map(|s| {
            let field = ident(&s.field);
            let load = load_secret(s);
            quote! { #field: #load, }
        });
        let copies = secrets.iter().map(|s| {
            let field = ident(&s.field);
            quote! { #field: secrets.#field.clone(), }
        });
        let secrets_path = self.secrets_path();
        let (default, secrets_arg) = if secrets.is_empty() { (quote!(Default,), quote!(_secrets)) } else { (quote!(), quote!(secrets)) };
        let doc = doc_lines(&format!(
            "The secrets the `{}` API needs (credentials, fixed values, base URL parts). `Debug` shows none of them.",
            self.consumed.namespace
        ));
        quote! {
            #doc
            #[derive(Debug, Clone, #default)]
            pub struct Auth {
                #(#fields)*
            }

            impl Auth {
                /// Reads this API's secrets from their environment variables or files.
                pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
                    ::core::result::Result::Ok(Self { #(#loads)* })
                }

                /// This API's secrets, taken from all of the capability's.
                pub fn from_secrets(#secrets_arg: &#secrets_path) -> Self {
                    Self { #(#copies)* }
                }
            }
        }
    }

    /// `BASE_URL_ENV` (and `DEFAULT_BASE_URL`), and the statement of `from_env` that binds `base_url`.
    fn base_url(&self) -> (TokenStream, TokenStream) {
        let var = format!("NAFTIKO_{}_BASE_URL", self.consumed.module.trim_start_matches("r#").to_ascii_uppercase());
        let env_doc = doc_lines(&format!(
            "Environment variable that `Client::from_env` reads the base URL from; it overrides the spec's `baseUri`{}.",
            if matches!(self.consumed.base_uri, BaseUri::Runtime) { " (empty here, so it must be set)" } else { "" }
        ));
        let env_const = quote! { #env_doc pub const BASE_URL_ENV: &str = #var; };
        match &self.consumed.base_uri {
            BaseUri::Fixed { url } => (
                quote! {
                    #env_const
                    /// The spec's `baseUri`.
                    pub const DEFAULT_BASE_URL: &str = #url;
                },
                quote! { let base_url = ::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::Some(DEFAULT_BASE_URL))?; },
            ),
            BaseUri::Templated { template } => {
                let default = self.text(template, Scope::Construct, Escape::None, 0).into_string_expr();
                (
                    env_const,
                    quote! {
                        let default_base_url = #default;
                        let base_url = ::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::Some(&default_base_url))?;
                    },
                )
            }
            BaseUri::Runtime => {
                (env_const, quote! { let base_url = ::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::None)?; })
            }
        }
    }

    fn credentials(&self) -> Credentials {
        let Some(auth) = &self.consumed.auth else { return Credentials::None };
        let secret = |t: &Template| self.secret_value(t);
        Credentials::Expr(match auth {
            ClientAuth::ApiKey { placement, name, value } => {
                let placement = match placement {
                    Placement::Header => quote!(Header),
                    Placement::Query => quote!(Query),
                    Placement::Cookie => quote!(Cookie),
                };
                let value = secret(value);
                quote! { ::naftiko_runtime::ClientAuth::api_key(::naftiko_runtime::Placement::#placement, #name, #value) }
            }
            ClientAuth::Bearer { token } => {
                let token = secret(token);
                quote! { ::naftiko_runtime::ClientAuth::bearer(#token) }
            }
            ClientAuth::Basic { username, password } => {
                let (u, p) = (secret(username), secret(password));
                quote! { ::naftiko_runtime::ClientAuth::basic(#u, #p) }
            }
            ClientAuth::Digest { username, password } => {
                let (u, p) = (secret(username), secret(password));
                quote! { ::naftiko_runtime::ClientAuth::digest(#u, #p) }
            }
        })
    }

    /// A `Secret` from a credential template, built from the `auth` argument.
    fn secret_value(&self, template: &Template) -> TokenStream {
        match self.text(template, Scope::Construct, Escape::None, 0) {
            Text::Literal(s) => quote! { ::naftiko_runtime::Secret::new(#s) },
            Text::Secret(secret) => quote! { #secret.clone() },
            other => {
                let s = other.into_string_expr();
                quote! { ::naftiko_runtime::Secret::new(#s) }
            }
        }
    }

    /// `.header(…)?` etc. for an adapter-level parameter with a fixed value.
    fn fixed_adapter_param(&self, fixed: &crate::ir::FixedParam) -> TokenStream {
        // Adapter-level templates hold literals and secrets only; no operation's parameters.
        let value = self.text(&fixed.value, Scope::Adapter, Escape::None, 0).arg();
        let name = &fixed.name;
        match fixed.location {
            Placement::Header => quote! { .header(#name, #value)? },
            Placement::Query => quote! { .query(#name, #value) },
            Placement::Cookie => quote! { .cookie(#name, #value)? },
        }
    }

    // ------------------------------------------------------------------ operations

    fn method(&self, op: &ConsumedOp) -> TokenStream {
        self.params_read.replace(false);
        let name = ident(&op.method_name);
        let params_type = ident(&op.params_type);
        let method = ident(op.method.as_str());
        let mut doc = op.summary.clone().unwrap_or_default();
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("`{} {}`", op.method.as_str(), op.path_template));
        let doc = doc_lines(&doc);

        let mut parts: Vec<TokenStream> = Vec::new();
        for part in &op.path {
            parts.push(match part {
                PathPart::Literal(text) => quote! { .path(#text) },
                PathPart::Param(i) => {
                    let label = op.params.get(*i).map_or_else(String::new, |p| if p.fixed.is_some() { p.name.clone() } else { field_label(p) });
                    let value = self.param_arg(op, *i, 0);
                    quote! { .path_param(#label, #value)? }
                }
            });
        }
        for (i, p) in op.params.iter().enumerate() {
            let name = &p.name;
            match p.location {
                ParamLocation::Query => {
                    let value = self.param_arg(op, i, 0);
                    parts.push(quote! { .query(#name, #value) });
                }
                ParamLocation::Header => {
                    let value = self.param_arg(op, i, 0);
                    parts.push(quote! { .header(#name, #value)? });
                }
                ParamLocation::Cookie => {
                    let value = self.param_arg(op, i, 0);
                    parts.push(quote! { .cookie(#name, #value)? });
                }
                ParamLocation::Path | ParamLocation::Body | ParamLocation::BodyField | ParamLocation::Template => {}
            }
        }
        match &op.body {
            RequestBody::None => {}
            RequestBody::Whole { param } => {
                let value = self.param_arg(op, *param, 0);
                parts.push(quote! { .json_body(#value) });
            }
            RequestBody::Fields { params } => {
                for &i in params {
                    let Some(p) = op.params.get(i) else { continue };
                    let name = &p.name;
                    let value = self.param_arg(op, i, 0);
                    parts.push(quote! { .body_field(#name, #value) });
                }
            }
            RequestBody::Template { content_type, template } => parts.push(self.template_body(op, content_type, template)),
        }

        let discard_params = (!*self.params_read.borrow()).then(|| quote! { let _ = params; });
        quote! {
            #doc
            pub async fn #name(
                &self,
                params: #params_type,
            ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
                #discard_params
                let request = self.request(::naftiko_runtime::http::Method::#method) #(#parts)*;
                self.send(request).await
            }
        }
    }

    fn template_body(&self, op: &ConsumedOp, content_type: &str, template: &BodyTemplate) -> TokenStream {
        let is_json = {
            let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        };
        match template {
            // A raw body with placeholders: sent as text; inside JSON, values are escaped as string content.
            BodyTemplate::Text(t) => {
                let escape = if is_json { Escape::JsonString } else { Escape::None };
                let body = self.text(t, Scope::Call(op), escape, 0).into_string_expr();
                quote! { .body(#content_type, #body) }
            }
            BodyTemplate::Json(Value::String(s)) => quote! { .body(#content_type, #s) },
            other => {
                let value = self.json_value(op, other, 0);
                quote! { .templated_body(#content_type, #value) }
            }
        }
    }

    /// A `serde_json::Value` expression for a body template.
    fn json_value(&self, op: &ConsumedOp, template: &BodyTemplate, depth: usize) -> TokenStream {
        match template {
            BodyTemplate::Json(value) => constant(value),
            _ if is_constant(template) => constant(&to_value(template)),
            BodyTemplate::Param(i) => {
                let value = self.param_arg(op, *i, depth);
                quote! { ::naftiko_runtime::render::json(#value) }
            }
            BodyTemplate::Text(t) => {
                let s = self.text(t, Scope::Call(op), Escape::None, depth).into_string_expr();
                quote! { ::naftiko_runtime::serde_json::Value::String(#s) }
            }
            BodyTemplate::Array(items) => {
                let items = items.iter().map(|item| self.json_value(op, item, depth));
                quote! { ::naftiko_runtime::serde_json::Value::Array(::std::vec::Vec::from([#(#items),*])) }
            }
            BodyTemplate::Object(members) => {
                let members = members.iter().map(|(key, member)| {
                    let value = match member {
                        // An absent parameter leaves its member out rather than sending `null`.
                        BodyTemplate::Param(i) => {
                            let value = self.param_arg(op, *i, depth);
                            quote! { ::naftiko_runtime::render::json_opt(#value) }
                        }
                        other => {
                            let value = self.json_value(op, other, depth);
                            quote! { ::core::option::Option::Some(#value) }
                        }
                    };
                    quote! { (#key, #value) }
                });
                quote! { ::naftiko_runtime::render::object([#(#members),*]) }
            }
        }
    }

    /// The argument (`&V` with `V: ParamValue`) for parameter `i` of `op`: the caller's field, or the
    /// spec's fixed value.
    fn param_arg(&self, op: &ConsumedOp, i: usize, depth: usize) -> TokenStream {
        let Some(p) = op.params.get(i) else { return quote!("") };
        match &p.fixed {
            None => {
                self.params_read.replace(true);
                let field = ident(&p.field);
                quote! { &params.#field }
            }
            Some(template) => {
                if let Some(typed) = template.as_literal().and_then(|text| typed_literal(p.ty, text)) {
                    return typed;
                }
                self.text(template, Scope::Call(op), Escape::None, depth + 1).arg()
            }
        }
    }

    /// A template as text, with fixed parameters it names expanded.
    fn text(&self, template: &Template, scope: Scope<'_>, escape: Escape, depth: usize) -> Text {
        let mut pieces = Vec::new();
        self.flatten(template, scope, depth, &mut pieces);
        // Adjacent literals merge, so a template of literals is one string.
        let mut merged: Vec<Piece> = Vec::new();
        for piece in pieces {
            match (merged.last_mut(), piece) {
                (Some(Piece::Text(prev)), Piece::Text(next)) => prev.push_str(&next),
                (_, piece) => merged.push(piece),
            }
        }
        match merged.as_slice() {
            [] => Text::Literal(String::new()),
            [Piece::Text(s)] => Text::Literal(s.clone()),
            [Piece::Secret(var)] if escape == Escape::None => Text::Secret(self.secret_access(var, scope)),
            [Piece::Param(i)] if escape == Escape::None => Text::Param(self.param_access(scope, *i)),
            [Piece::Secret(var)] => {
                let secret = self.secret_access(var, scope);
                Text::Owned(quote! { ::naftiko_runtime::render::json_text(#secret.expose()) })
            }
            [Piece::Param(i)] => {
                let param = self.param_access(scope, *i);
                Text::Owned(quote! { ::naftiko_runtime::render::json_text(&#param) })
            }
            _ => {
                // `render::concat` rather than `format!`: no format string to escape, and formatters lay
                // out a function call where they leave a macro's tokens as they are.
                let parts = merged.iter().map(|piece| match piece {
                    Piece::Text(s) => quote! { #s },
                    Piece::Secret(var) => {
                        let secret = self.secret_access(var, scope);
                        match escape {
                            Escape::None => quote! { #secret.expose() },
                            Escape::JsonString => quote! { &::naftiko_runtime::render::json_text(#secret.expose()) },
                        }
                    }
                    Piece::Param(i) => {
                        let param = self.param_access(scope, *i);
                        match escape {
                            Escape::None => quote! { &::naftiko_runtime::render::text(&#param) },
                            Escape::JsonString => quote! { &::naftiko_runtime::render::json_text(&#param) },
                        }
                    }
                });
                let parts: Vec<TokenStream> = parts.collect();
                Text::Owned(quote! { ::naftiko_runtime::render::concat(&[#(#parts),*]) })
            }
        }
    }

    fn flatten(&self, template: &Template, scope: Scope<'_>, depth: usize, out: &mut Vec<Piece>) {
        for part in &template.parts {
            match part {
                TemplatePart::Literal(s) => out.push(Piece::Text(s.clone())),
                TemplatePart::Secret(var) => out.push(Piece::Secret(var.clone())),
                TemplatePart::Param(i) => {
                    let Scope::Call(op) = scope else { continue };
                    match op.params.get(*i).map(|p| &p.fixed) {
                        Some(None) => out.push(Piece::Param(*i)),
                        Some(Some(fixed)) if depth < MAX_TEMPLATE_DEPTH => self.flatten(fixed, scope, depth + 1, out),
                        // A cycle of fixed values, or an index the IR never made: nothing to render.
                        _ => {}
                    }
                }
            }
        }
    }

    /// `auth.field` or `self.secrets.field`, recording the secret as used.
    fn secret_access(&self, var: &str, scope: Scope<'_>) -> TokenStream {
        self.secrets_used.borrow_mut().insert(var.to_owned());
        let field = self.cap.secrets.iter().find(|s| s.var == var).map_or_else(|| ident(&crate::ir::ident::snake(var)), |s| ident(&s.field));
        match scope {
            Scope::Construct => quote! { auth.#field },
            Scope::Adapter | Scope::Call(_) => {
                self.call_reads_secrets.replace(true);
                quote! { self.secrets.#field }
            }
        }
    }

    fn param_access(&self, scope: Scope<'_>, i: usize) -> TokenStream {
        let field = match scope {
            Scope::Call(op) => op.params.get(i).map(|p| ident(&p.field)),
            Scope::Construct | Scope::Adapter => None,
        };
        self.params_read.replace(true);
        match field {
            Some(field) => quote! { params.#field },
            None => quote! { "" },
        }
    }

    fn params_struct(&self, op: &ConsumedOp) -> TokenStream {
        let name = ident(&op.params_type);
        let fields = op.params.iter().filter(|p| p.fixed.is_none()).map(|p| {
            let field = ident(&p.field);
            let ty = rust_type(p.ty);
            let ty = if p.required {
                ty
            } else {
                quote! { ::core::option::Option<#ty> }
            };
            let doc = doc_lines(&param_doc(p));
            quote! { #doc pub #field: #ty, }
        });
        let doc = doc_lines(&format!(
            "Parameters of `Client::{}` (`{} {}`).",
            op.method_name.trim_start_matches("r#"),
            op.method.as_str(),
            op.path_template
        ));
        quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #name {
                #(#fields)*
            }
        }
    }
}

/// The name a caller knows a parameter by, in errors: its field.
fn field_label(p: &Param) -> String {
    p.field.trim_start_matches("r#").to_owned()
}

enum Credentials {
    None,
    Expr(TokenStream),
}

/// A template rendered as text, in the cheapest form the context accepts.
enum Text {
    Literal(String),
    /// `auth.field` / `self.secrets.field` (a `Secret`).
    Secret(TokenStream),
    /// `params.field` (a `ParamValue`; absent stays absent).
    Param(TokenStream),
    /// A `String` expression (`render::concat(…)`, an escaped value).
    Owned(TokenStream),
}

impl Text {
    /// As an argument `&V` with `V: ParamValue`.
    fn arg(self) -> TokenStream {
        match self {
            Text::Literal(s) => quote! { #s },
            Text::Secret(secret) => quote! { #secret.expose() },
            Text::Param(param) => quote! { &#param },
            Text::Owned(owned) => quote! { &#owned },
        }
    }

    /// As a `String` (or `&'static str`) expression.
    fn into_string_expr(self) -> TokenStream {
        match self {
            Text::Literal(s) => quote! { #s },
            Text::Secret(secret) => quote! { #secret.expose().to_owned() },
            Text::Param(param) => quote! { ::naftiko_runtime::render::text(&#param) },
            Text::Owned(owned) => owned,
        }
    }
}

fn param_doc(p: &Param) -> String {
    let place = match p.location {
        ParamLocation::Path => format!("in: path, name `{}`", p.name),
        ParamLocation::Query => format!("in: query, name `{}`", p.name),
        ParamLocation::Header => format!("in: header, name `{}`", p.name),
        ParamLocation::Cookie => format!("in: cookie, name `{}`", p.name),
        ParamLocation::BodyField => format!("in: body, field `{}`", p.name),
        ParamLocation::Body => "in: body, the whole JSON body".to_owned(),
        ParamLocation::Template => format!("used in the request template as `{{{{{}}}}}`", p.name),
    };
    match p.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => format!("({place})"),
        Some(d) if !d.contains('\n') => format!("{d} ({place})"),
        Some(d) => format!("{d}\n\n({place})"),
    }
}

/// A fixed literal with its parameter's type, so that `value: 5` on an integer stays a number in JSON.
fn typed_literal(ty: ParamType, text: &str) -> Option<TokenStream> {
    match ty {
        ParamType::String => Some(quote! { #text }),
        ParamType::Integer => text.trim().parse::<i64>().ok().map(|n| {
            let lit = int_literal(n);
            quote! { &#lit }
        }),
        ParamType::Number => text.trim().parse::<f64>().ok().filter(|n| n.is_finite()).map(|n| {
            let lit = float_literal(n);
            quote! { &#lit }
        }),
        ParamType::Boolean => match text.trim() {
            "true" => Some(quote! { &true }),
            "false" => Some(quote! { &false }),
            _ => None,
        },
        ParamType::Object => serde_json::from_str::<Value>(text).ok().map(|v| {
            let value = constant(&v);
            quote! { &#value }
        }),
        ParamType::Array => None,
    }
}

fn is_constant(template: &BodyTemplate) -> bool {
    match template {
        BodyTemplate::Json(_) => true,
        BodyTemplate::Param(_) | BodyTemplate::Text(_) => false,
        BodyTemplate::Array(items) => items.iter().all(is_constant),
        BodyTemplate::Object(members) => members.iter().all(|(_, m)| is_constant(m)),
    }
}

/// The JSON value of a template without placeholders.
fn to_value(template: &BodyTemplate) -> Value {
    match template {
        BodyTemplate::Json(v) => v.clone(),
        BodyTemplate::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        BodyTemplate::Object(members) => Value::Object(members.iter().map(|(k, m)| (k.clone(), to_value(m))).collect()),
        BodyTemplate::Param(_) | BodyTemplate::Text(_) => Value::Null,
    }
}

/// A constant JSON value: scalars directly, arrays and objects as their JSON text.
fn constant(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote! { ::naftiko_runtime::serde_json::Value::Null },
        Value::Bool(b) => quote! { ::naftiko_runtime::serde_json::Value::Bool(#b) },
        Value::String(s) => quote! { ::naftiko_runtime::serde_json::Value::from(#s) },
        Value::Number(n) => {
            let lit = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => int_literal(i),
                (None, Some(u)) => {
                    let lit = Literal::u64_suffixed(u);
                    quote! { #lit }
                }
                (None, None) => float_literal(n.as_f64().unwrap_or_default()),
            };
            quote! { ::naftiko_runtime::serde_json::Value::from(#lit) }
        }
        Value::Array(_) | Value::Object(_) => {
            let json = raw_string(&value.to_string());
            quote! { ::naftiko_runtime::render::constant(#json) }
        }
    }
}

/// An `i64` literal; negative ones as `-n` (a literal token cannot carry the sign everywhere).
fn int_literal(n: i64) -> TokenStream {
    if n == i64::MIN {
        return quote! { i64::MIN };
    }
    let lit = Literal::i64_suffixed(n.abs());
    if n < 0 {
        quote! { -#lit }
    } else {
        quote! { #lit }
    }
}

/// A finite `f64` literal; negative ones as `-x`.
fn float_literal(x: f64) -> TokenStream {
    let lit = Literal::f64_suffixed(x.abs());
    if x.is_sign_negative() {
        quote! { -#lit }
    } else {
        quote! { #lit }
    }
}

/// `r#"…"#` with as many `#` as the text needs: JSON reads better without escaped quotes.
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| quote! { #text })
}

/// A template as the docs show it (`https://{{REGION}}.example.com`).
fn template_doc(template: &Template) -> String {
    template
        .parts
        .iter()
        .map(|p| match p {
            TemplatePart::Literal(s) => s.clone(),
            TemplatePart::Secret(var) => format!("{{{{{var}}}}}"),
            TemplatePart::Param(i) => format!("{{{{#{i}}}}}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::emit::format_file;

    fn seed(name: &str) -> Capability {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(name);
        let loaded = crate::load(&path);
        let rendered = loaded.render(false);
        loaded.capability.unwrap_or_else(|| panic!("{name} does not lower:\n{rendered}"))
    }

    fn source(cap: &Capability) -> String {
        format_file(emit(cap)).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Asserts that `code` contains each of `expected`, whatever the line breaks of the formatter.
    fn assert_contains(code: &str, expected: &[&str]) {
        let squash = |s: &str| s.split_whitespace().collect::<String>().replace(",)", ")").replace(",]", "]");
        let squashed = squash(code);
        for e in expected {
            assert!(squashed.contains(&squash(e)), "missing `{e}` in:\n{code}");
        }
    }

    #[test]
    fn seeds_emit_parseable_code() {
        for name in ["instance-snapshots.yaml", "instance-images.yaml"] {
            let cap = seed(name);
            let file: syn::File = syn::parse2(emit(&cap)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!file.items.is_empty());
        }
    }

    #[test]
    fn snapshots_client_shape() {
        let code = source(&seed("instance-snapshots.yaml"));
        assert_contains(
            &code,
            &[
                "pub struct Secrets {",
                "pub scaleway_api_key: ::naftiko_runtime::Secret,",
                "pub const DEFAULT_BASE_URL: &str = \"https://api.scaleway.com\";",
                "pub const BASE_URL_ENV: &str = \"NAFTIKO_INSTANCE_SNAPSHOTS_BASE_URL\";",
                "pub async fn listsnapshots(",
                ".path_param(\"zone\", &params.zone)?",
                ".query(\"per_page\", &params.per_page)",
                ".json_body(&params.body)",
                "pub per_page: ::core::option::Option<i64>,",
                "pub zone: ::std::string::String,",
                "::naftiko_runtime::Placement::Header,",
                "\"X-Auth-Token\",",
                "auth.scaleway_api_key.clone()",
            ],
        );
        assert!(!code.contains("unwrap"), "generated code unwraps:\n{code}");
        // One API: its items sit directly in the module.
        assert!(!code.contains("pub mod "));
    }

    const FIXTURE: &str = r#"
naftiko: 1.0.0-alpha2
info:
  label: Fixture — several APIs
  description: Two consumed APIs, templates, fixed values, every auth kind.
binds:
- namespace: env
  keys:
    TOKEN: FIXTURE_TOKEN
    REGION: FIXTURE_REGION
    USER: FIXTURE_USER
    PASSWORD: FIXTURE_PASSWORD
- namespace: vault
  location: file://./fixture-secrets.json
  keys:
    API_KEY: api_key
capability:
  consumes:
  - type: http
    namespace: search
    baseUri: https://{{REGION}}.search.example.com/v2
    authentication:
      type: bearer
      token: '{{TOKEN}}'
    inputParameters:
    - name: X-Client
      in: header
      value: naftiko-{{REGION}}
    resources:
    - name: documents
      path: /indexes/{index}/documents/{{doc-id}}
      operations:
      - name: put-document
        method: PUT
        description: Store a document
        inputParameters:
        - name: index
          in: path
          type: string
          description: The index
        - name: doc-id
          in: path
          type: integer
        - name: type
          in: query
          type: string
          required: true
        - name: tags
          in: query
          type: array
        - name: X-Trace
          in: header
          type: string
        - name: session
          in: cookie
          type: string
        - name: title
          in: body
          type: string
          required: true
        - name: rank
          in: body
          type: number
        - name: flags
          in: body
          type: object
        - name: version
          in: query
          value: 3
          type: integer
        - name: X-Key
          in: header
          value: 'key-{{API_KEY}}'
    - name: queries
      path: /query
      operations:
      - name: query
        method: POST
        description: |
          Run a query.
          Several lines of description.
        inputParameters:
        - name: q
          in: body
          type: string
          required: true
        - name: limit
          in: body
          type: integer
        - name: strict
          in: body
          type: boolean
        body:
          type: json
          data:
            query: '{{q}}'
            limit: '{{limit}}'
            options:
              strict: '{{strict}}'
              label: 'q={{q}} in {{REGION}}'
              fixed: [1, -2, 3.5, "x", null, true]
            constant: {"a": [1, 2]}
            list: ['{{q}}', 'literal']
      - name: raw-query
        method: POST
        inputParameters:
        - name: q
          in: body
          type: string
        body: '{"query": "{{q}}", "token": "{{TOKEN}}"}'
      - name: ping
        method: GET
  - type: http
    namespace: legacy
    baseUri: ''
    authentication:
      type: digest
      username: '{{USER}}'
      password: '{{PASSWORD}}'
    resources:
    - name: items
      path: /items/{id}
      operations:
      - name: get-item
        method: GET
        inputParameters:
        - name: id
          in: path
          type: string
  - type: http
    namespace: keyed
    baseUri: http://keyed.example.com/
    authentication:
      type: apikey
      key: apikey
      value: '{{API_KEY}}'
      placement: query
    resources:
    - name: things
      path: /things
      operations:
      - name: list-things
        method: GET
        inputParameters:
        - name: form
          in: query
          type: string
      - name: post-form
        method: POST
        inputParameters:
        - name: a
          in: body
          type: string
        body:
          type: formUrlEncoded
          data:
            a: '{{a}}'
            b: 'fixed'
      - name: post-text
        method: POST
        body:
          type: text
          data: hello
  - type: http
    namespace: open
    baseUri: https://open.example.com
    authentication:
      type: basic
      username: admin
      password: '{{PASSWORD}}'
    resources:
    - name: status
      path: /status
      operations:
      - name: status
        method: GET
  exposes: []
"#;

    fn fixture() -> Capability {
        let loaded = crate::load_str("fixture-multi.yaml", FIXTURE);
        let rendered = loaded.render(false);
        loaded.capability.unwrap_or_else(|| panic!("fixture does not lower:\n{rendered}"))
    }

    #[test]
    fn several_apis_get_a_module_each() {
        let code = source(&fixture());
        assert_contains(
            &code,
            &[
                "pub mod search {",
                "pub mod legacy {",
                "pub fn from_secrets(secrets: &super::Secrets) -> Self {",
                ".header(\"X-Client\", &::naftiko_runtime::render::concat(&[\"naftiko-\", self.secrets.region.expose()]))?",
                "::naftiko_runtime::secret_from_file(\"file://./fixture-secrets.json\", \"api_key\")?",
                "::naftiko_runtime::ClientAuth::digest(",
                "::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::None)?",
                ".query(\"version\", &3i64)",
                "::naftiko_runtime::render::json_opt(&params.limit)",
                "::naftiko_runtime::render::json_text(&params.q)",
            ],
        );
    }

    /// The real proof: the generated code of the seeds and the fixture compiles, without warnings,
    /// against the runtime. Slow (a cargo build), so opt-in: `NAFTIKO_COMPILE_TESTS=1`.
    #[test]
    fn generated_code_compiles_without_warnings() {
        if std::env::var_os("NAFTIKO_COMPILE_TESTS").is_none() {
            eprintln!("skipped: set NAFTIKO_COMPILE_TESTS=1 to build the generated clients");
            return;
        }
        let dir = std::env::temp_dir().join(format!("naftiko-client-compile-{}", std::process::id()));
        let src = dir.join("src");
        std::fs::create_dir_all(&src).unwrap();
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../naftiko-runtime").canonicalize().unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"client-compile-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nnaftiko-runtime = {{ path = {:?} }}\n\n[workspace]\n",
                runtime.display().to_string()
            ),
        )
        .unwrap();
        let caps = [("snapshots", seed("instance-snapshots.yaml")), ("images", seed("instance-images.yaml")), ("fixture", fixture())];
        let mut lib = String::from("#![deny(warnings)]\n");
        for (name, cap) in &caps {
            std::fs::write(src.join(format!("{name}.rs")), source(cap)).unwrap();
            lib.push_str(&format!("pub mod {name};\n"));
        }
        // The futures must be `Send` (servers spawn them) and the types usable as users write them.
        lib.push_str(
            r#"
fn assert_send<T: Send>(_: T) {}
pub fn usage(c: &snapshots::Client, f: &fixture::search::Client) {
    assert_send(c.listsnapshots(snapshots::ListsnapshotsParams { zone: "fr-par-1".into(), per_page: Some(10), ..Default::default() }));
    assert_send(f.query(fixture::search::QueryParams::default()));
    let _ = snapshots::Client::new(snapshots::DEFAULT_BASE_URL, snapshots::Auth { scaleway_api_key: "k".into() });
}
"#,
        );
        std::fs::write(src.join("lib.rs"), lib).unwrap();
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
        let output = std::process::Command::new(env!("CARGO"))
            .args(["clippy", "--quiet", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .env("RUSTFLAGS", "-Dwarnings")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success() && stderr.trim().is_empty(), "generated code in {} does not compile cleanly:\n{stderr}", dir.display());
        if std::env::var_os("NAFTIKO_KEEP_COMPILE_DIR").is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
