//! One consumed API: its `Auth`, its `Client` (constructor, base URL, credentials, helpers) and its
//! `…Params` structs. Which secrets and parameters the code reads was decided by the IR
//! (`ir::usage`), so that nothing unused is declared (the generated crate compiles without warnings).

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::ir::{BaseUri, Capability, ClientAuth, Consumed, ConsumedOp, Param, ParamLocation, Placement, Template};

use super::text::*;
use super::{doc_lines, load_secret, secret_doc};

/// One consumed API being emitted.
pub(super) struct Api<'a> {
    pub(super) cap: &'a Capability,
    pub(super) consumed: &'a Consumed,
    pub(super) nested: bool,
}

impl<'a> Api<'a> {
    pub(super) fn new(cap: &'a Capability, consumed: &'a Consumed, nested: bool) -> Self {
        Api { cap, consumed, nested }
    }

    pub(super) fn emit(&self) -> Code {
        let methods: Vec<Code> =
            self.consumed.operations.iter().flat_map(|op| [self.method(op), self.paged_method(op), self.output_method(op)]).collect();
        let params_structs: Vec<Code> =
            self.consumed.operations.iter().flat_map(|op| [self.params_struct(op), self.output_struct(op)]).collect();
        let fixed: Vec<Code> = self.consumed.fixed.iter().map(|f| self.fixed_adapter_param(f)).collect();
        let credentials = self.credentials();
        let (base_url_consts, base_url_default) = self.base_url();
        let keeps_secrets = self.consumed.requests_read_secrets;
        // `new` reads `auth` to keep it, or for credentials built from secrets (literal ones read nothing).
        let credentials_read_secrets = self.consumed.auth.as_ref().is_some_and(|auth| {
            let templates: Vec<&Template> = match auth {
                ClientAuth::ApiKey { value, .. } => vec![value],
                ClientAuth::Bearer { token } => vec![token],
                ClientAuth::Basic { username, password } | ClientAuth::Digest { username, password } => vec![username, password],
            };
            templates.iter().any(|t| t.parts.iter().any(|p| matches!(p, crate::ir::TemplatePart::Secret(_))))
        });
        let auth_used_in_new = keeps_secrets || credentials_read_secrets;

        let auth = self.auth_struct();
        let client_doc = self.client_doc();
        let credentials_expr = match &credentials {
            Credentials::None => code!(::naftiko_runtime::ClientAuth::None),
            Credentials::Expr(e) => e.clone(),
        };
        let secrets_field = keeps_secrets.then(|| code! { secrets: Auth, });
        let secrets_init = keeps_secrets.then(|| code! { secrets: auth, });
        let discard_auth = (!auth_used_in_new).then(|| code! { let _ = auth; });
        let helpers = (!self.consumed.operations.is_empty()).then(|| {
            let send_body = if fixed.is_empty() {
                code! { self.http.send(request, &self.credentials).await }
            } else {
                code! {
                    let request = request #(#fixed)*;
                    self.http.send(request, &self.credentials).await
                }
            };
            code! {
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

        let forward = self.consumed.forwarded.then(|| {
            code! {
                /// Sends what a `forward` route received (path below the route, query, trusted headers,
                /// streamed body) to this API, with its own parameters and credentials, which win over a
                /// caller's header of the same name. The reply comes back whatever its status, streamed.
                pub async fn forward(
                    &self,
                    method: ::naftiko_runtime::http::Method,
                    path: &str,
                    query: ::core::option::Option<&str>,
                    headers: ::naftiko_runtime::http::HeaderMap,
                    body: ::naftiko_runtime::reqwest::Body,
                ) -> ::core::result::Result<::naftiko_runtime::http::Response<::naftiko_runtime::reqwest::Body>, ::naftiko_runtime::Error> {
                    let request = ::naftiko_runtime::RequestBuilder::new(method, &self.base_url) #(#fixed)*;
                    self.http.forward(request.forwarded(path, query, headers), &self.credentials, body).await
                }
            }
        });
        code! {
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

                #forward

                #helpers
            }

            #(#params_structs)*
        }
    }

    pub(super) fn client_doc(&self) -> Code {
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

    pub(super) fn secrets_path(&self) -> Code {
        if self.nested { code!(super::Secrets) } else { code!(Secrets) }
    }

    pub(super) fn auth_struct(&self) -> Code {
        let used = &self.consumed.secrets_read;
        let secrets: Vec<&crate::ir::Secret> = self.cap.secrets.iter().filter(|s| used.contains(&s.var)).collect();
        let fields = secrets.iter().map(|s| {
            let field = ident(&s.field);
            let doc = doc_lines(&secret_doc(s));
            code! { #doc pub #field: ::naftiko_runtime::Secret, }
        });
        let loads = secrets.iter().map(|s| {
            let field = ident(&s.field);
            let load = load_secret(s);
            code! { #field: #load, }
        });
        let copies = secrets.iter().map(|s| {
            let field = ident(&s.field);
            code! { #field: secrets.#field.clone(), }
        });
        let secrets_path = self.secrets_path();
        let (default, secrets_arg) = if secrets.is_empty() { (code!(Default,), code!(_secrets)) } else { (code!(), code!(secrets)) };
        let doc = doc_lines(&format!(
            "The secrets the `{}` API needs (credentials, fixed values, base URL parts). `Debug` shows none of them.",
            self.consumed.namespace
        ));
        code! {
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
    pub(super) fn base_url(&self) -> (Code, Code) {
        let var = format!("NAFTIKO_{}_BASE_URL", self.consumed.module.trim_start_matches("r#").to_ascii_uppercase());
        let env_doc = doc_lines(&format!(
            "Environment variable that `Client::from_env` reads the base URL from; it overrides the spec's `baseUri`{}.",
            if matches!(self.consumed.base_uri, BaseUri::Runtime) { " (empty here, so it must be set)" } else { "" }
        ));
        let env_const = code! { #env_doc pub const BASE_URL_ENV: &str = #var; };
        match &self.consumed.base_uri {
            BaseUri::Fixed { url } => (
                code! {
                    #env_const
                    /// The spec's `baseUri`.
                    pub const DEFAULT_BASE_URL: &str = #url;
                },
                code! { let base_url = ::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::Some(DEFAULT_BASE_URL))?; },
            ),
            BaseUri::Templated { template } => {
                let default = self.text(template, Scope::Construct, Escape::None, 0).into_string_expr();
                (
                    env_const,
                    code! {
                        let default_base_url = #default;
                        let base_url = ::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::Some(&default_base_url))?;
                    },
                )
            }
            BaseUri::Runtime => {
                (env_const, code! { let base_url = ::naftiko_runtime::base_url_from_env(BASE_URL_ENV, ::core::option::Option::None)?; })
            }
        }
    }

    pub(super) fn credentials(&self) -> Credentials {
        let Some(auth) = &self.consumed.auth else { return Credentials::None };
        let secret = |t: &Template| self.secret_value(t);
        Credentials::Expr(match auth {
            ClientAuth::ApiKey { placement, name, value } => {
                let placement = match placement {
                    Placement::Header => code!(Header),
                    Placement::Query => code!(Query),
                    Placement::Cookie => code!(Cookie),
                };
                let value = secret(value);
                code! { ::naftiko_runtime::ClientAuth::api_key(::naftiko_runtime::Placement::#placement, #name, #value) }
            }
            ClientAuth::Bearer { token } => {
                let token = secret(token);
                code! { ::naftiko_runtime::ClientAuth::bearer(#token) }
            }
            ClientAuth::Basic { username, password } => {
                let (u, p) = (secret(username), secret(password));
                code! { ::naftiko_runtime::ClientAuth::basic(#u, #p) }
            }
            ClientAuth::Digest { username, password } => {
                let (u, p) = (secret(username), secret(password));
                code! { ::naftiko_runtime::ClientAuth::digest(#u, #p) }
            }
        })
    }

    /// A `Secret` from a credential template, built from the `auth` argument.
    pub(super) fn secret_value(&self, template: &Template) -> Code {
        match self.text(template, Scope::Construct, Escape::None, 0) {
            Text::Literal(s) => code! { ::naftiko_runtime::Secret::new(#s) },
            Text::Secret(secret) => code! { #secret.clone() },
            other => {
                let s = other.into_string_expr();
                code! { ::naftiko_runtime::Secret::new(#s) }
            }
        }
    }

    /// `.header(…)?` etc. for an adapter-level parameter with a fixed value.
    pub(super) fn fixed_adapter_param(&self, fixed: &crate::ir::FixedParam) -> Code {
        // Adapter-level templates hold literals and secrets only; no operation's parameters.
        let value = self.text(&fixed.value, Scope::Adapter, Escape::None, 0).arg();
        let name = &fixed.name;
        match fixed.location {
            Placement::Header => code! { .header(#name, #value)? },
            Placement::Query => code! { .query(#name, #value) },
            Placement::Cookie => code! { .cookie(#name, #value)? },
        }
    }

    /// The struct of an operation's declared outputs (see `emit::outputs`).
    pub(super) fn output_struct(&self, op: &ConsumedOp) -> Code {
        let Some(output) = &op.output else { return Code::new() };
        let doc = doc_lines(&format!(
            "What `Client::{}` (`{} {}`) declares its reply holds (`outputParameters`); returned by `Client::{}`.",
            op.method_name.trim_start_matches("r#"),
            op.method.as_str(),
            op.path_template,
            output.method_name.trim_start_matches("r#")
        ));
        crate::emit::outputs::output_struct(&output.type_name, doc, output.fields.iter().map(|f| &f.reply))
    }

    pub(super) fn params_struct(&self, op: &ConsumedOp) -> Code {
        let params: Vec<&Param> = op.params.iter().filter(|p| p.fixed.is_none()).collect();
        let doc = doc_lines(&format!(
            "Parameters of `Client::{}` (`{} {}`).",
            op.method_name.trim_start_matches("r#"),
            op.method.as_str(),
            op.path_template
        ));
        crate::emit::inputs::input_struct(&op.params_type, doc, &params, |p| doc_lines(&param_doc(p)))
    }
}

pub(super) enum Credentials {
    None,
    Expr(Code),
}

pub(super) fn param_doc(p: &Param) -> String {
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
