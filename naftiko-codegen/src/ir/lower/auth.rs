//! Authentication blocks: the credentials a consumed API takes and those an exposed adapter demands.

use crate::check::diagnostic::{Code, Diagnostic};
use crate::ir::model::*;
use crate::spec::model as spec;

use super::Lowering;

impl Lowering<'_> {
    pub(super) fn auth_field(&mut self, auth: &spec::Authentication, field: &str, kind: &str) -> Option<Template> {
        match auth.field(field) {
            Some(v) => Some(self.secret_template(v)),
            None => {
                self.error(
                    Diagnostic::new(Code::AuthIncomplete, auth.span, format!("`{kind}` authentication has no `{field}`"))
                        .label(format!("`{field}` missing here"))
                        .hint(format!("add `{field}: '{{{{env.YOUR_SECRET}}}}'` and declare the variable in `binds`")),
                );
                None
            }
        }
    }

    pub(super) fn placement(&mut self, auth: &spec::Authentication, default: Option<Placement>) -> Option<Placement> {
        match auth.field("placement").map(|p| (p, p.value.as_str())) {
            Some((_, "header")) => Some(Placement::Header),
            Some((_, "query")) => Some(Placement::Query),
            Some((_, "cookie")) => Some(Placement::Cookie),
            Some((p, other)) => {
                self.error(
                    Diagnostic::new(Code::InvalidValue, p.span, format!("unknown apikey placement `{other}`"))
                        .label("expected `header`, `query` or `cookie`"),
                );
                None
            }
            None if default.is_some() => default,
            None => {
                self.error(
                    Diagnostic::new(Code::AuthIncomplete, auth.span, "`apikey` authentication has no `placement`")
                        .label("`placement` missing here")
                        .hint("add `placement: header` (or `query`, `cookie`)"),
                );
                None
            }
        }
    }

    pub(super) fn client_auth(&mut self, auth: &spec::Authentication) -> Option<ClientAuth> {
        let kind = auth.kind.as_ref()?;
        match kind.value.as_str() {
            "apikey" => {
                let name = auth.field("key").map(|k| k.value.clone());
                let value = self.auth_field(auth, "value", "apikey");
                let placement = self.placement(auth, None);
                if name.is_none() {
                    self.auth_field(auth, "key", "apikey");
                }
                Some(ClientAuth::ApiKey { placement: placement?, name: name?, value: value? })
            }
            "bearer" => Some(ClientAuth::Bearer { token: self.auth_field(auth, "token", "bearer")? }),
            "basic" | "digest" => {
                let username = self.auth_field(auth, "username", &kind.value);
                let password = self.auth_field(auth, "password", &kind.value);
                let (username, password) = (username?, password?);
                Some(if kind.value == "basic" { ClientAuth::Basic { username, password } } else { ClientAuth::Digest { username, password } })
            }
            "hmac" => {
                // alpha2 defines no `hmac` type, and the block names no algorithm, no header and no
                // string to sign: the fields alone cannot say how a request is signed.
                let fields: Vec<String> = auth.fields.iter().map(|(k, _)| format!("`{}`", k.value)).collect();
                let scheme = if auth.field("apiId").is_some() && auth.field("apiKey").is_some() {
                    "`apiId`/`apiKey` are the credentials of Veracode's VERACODE-HMAC-SHA-256 request signing, which is not compiled"
                } else {
                    "the block does not say which signature scheme to compute (algorithm, signed fields, header)"
                };
                self.error(
                    Diagnostic::new(Code::Unsupported, kind.span, "`hmac` request signing is not supported by this compiler yet")
                        .label(format!("not compiled ({})", if fields.is_empty() { "no fields".to_owned() } else { fields.join(", ") }))
                        .hint(format!("{scheme}; alpha2 consumes authenticate with `apikey`, `bearer`, `basic` or `digest` (sign in your own `Handlers` implementation instead)")),
                );
                None
            }
            other => {
                self.error(
                    Diagnostic::new(
                        Code::Unsupported,
                        kind.span,
                        format!("`{other}` authentication of a consumed API is not supported by this compiler yet"),
                    )
                    .label("not compiled")
                    .hint("use `apikey`, `bearer`, `basic` or `digest`"),
                );
                None
            }
        }
    }

    pub(super) fn server_auth(&mut self, auth: &spec::Authentication) -> Option<ServerAuth> {
        let kind = auth.kind.as_ref()?;
        match kind.value.as_str() {
            "bearer" => Some(ServerAuth::Bearer { token: self.auth_field(auth, "token", "bearer")? }),
            "apikey" => {
                let name = auth.field("key").map(|k| k.value.clone());
                let value = self.auth_field(auth, "value", "apikey");
                let placement = self.placement(auth, Some(Placement::Header));
                if name.is_none() {
                    self.auth_field(auth, "key", "apikey");
                }
                Some(ServerAuth::ApiKey { placement: placement?, name: name?, value: value? })
            }
            "basic" => {
                let username = self.auth_field(auth, "username", "basic");
                let password = self.auth_field(auth, "password", "basic");
                Some(ServerAuth::Basic { username: username?, password: password? })
            }
            other => {
                self.error(
                    Diagnostic::new(
                        Code::Unsupported,
                        kind.span,
                        format!("`{other}` authentication of an exposed adapter is not supported by this compiler yet"),
                    )
                    .label("not enforced")
                    .hint("use `bearer`, `apikey` or `basic`"),
                );
                None
            }
        }
    }
}
