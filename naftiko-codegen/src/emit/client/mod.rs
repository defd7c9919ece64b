//! The typed client: `Secrets`, and per consumed API an `Auth`, a `Client` with one async method per
//! operation, and one `…Params` struct per operation.
//!
//! Generated methods only list their request's parts in the spec's order; encoding, validation,
//! authentication and errors live in `naftiko_runtime`, so a reviewer reads one line per parameter.
//!
//! One module per concern: `api` (the `Client` and `Auth` of one API), `operation` (one method and
//! its request), `text` (templates as text), `literals` (spec values as Rust literals).

mod api;
mod literals;
mod operation;
#[cfg(test)]
mod tests;
mod text;

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::ir::{Capability, SecretSource};

use api::Api;

pub fn emit(cap: &Capability) -> Code {
    let docs = module_docs(cap);
    let secrets = secrets_struct(cap);
    let apis: Code = match cap.consumes.as_slice() {
        [single] => Api::new(cap, single, false).emit(),
        several => several
            .iter()
            .map(|consumed| {
                let module = ident(&consumed.module);
                let doc = doc_lines(&format!("Client of the `{}` API.", consumed.namespace));
                let items = Api::new(cap, consumed, true).emit();
                code! {
                    #doc
                    pub mod #module {
                        #items
                    }
                }
            })
            .collect(),
    };
    // The converters the APIs' formats need: a build without the runtime feature stops here, naming it.
    let requirements = crate::emit::crate_files::converter_features(cap).into_iter().map(|feature| {
        let check = crate::emit::ident(&format!("__require_{feature}"));
        code! { ::naftiko_runtime::#check!(); }
    });
    code! {
        #docs
        #(#requirements)*
        #secrets
        #apis
    }
}

fn module_docs(cap: &Capability) -> Code {
    let where_ = match cap.consumes.as_slice() {
        [_] => "here".to_owned(),
        several => format!("in a module of its own ({})", several.iter().map(|c| format!("`{}`", c.module)).collect::<Vec<_>>().join(", ")),
    };
    if cap.consumes.is_empty() {
        let text = format!("{} consumes no API: its operations answer from the spec alone. Only its `Secrets` are here.", cap.title);
        return crate::emit::inner_docs(&wrap(&text, 100).lines().map(|l| format!(" {l}")).collect::<Vec<_>>());
    }
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
pub(super) fn doc_lines(text: &str) -> Code {
    text.lines().map(|l| if l.trim().is_empty() { crate::emit::doc("") } else { crate::emit::doc(&format!(" {}", l.trim_end())) }).collect()
}

pub(super) fn secret_doc(secret: &crate::ir::Secret) -> String {
    match &secret.source {
        SecretSource::Env { name } => format!("`{{{{{}}}}}`, from environment variable `{name}`.", secret.var),
        SecretSource::File { location, key } => format!("`{{{{{}}}}}`, from key `{key}` of `{location}`.", secret.var),
    }
}

pub(super) fn load_secret(secret: &crate::ir::Secret) -> Code {
    match &secret.source {
        SecretSource::Env { name } => code! { ::naftiko_runtime::secret_from_env(#name)? },
        SecretSource::File { location, key } => code! { ::naftiko_runtime::secret_from_file(#location, #key)? },
    }
}

fn secrets_struct(cap: &Capability) -> Code {
    let fields = cap.secrets.iter().map(|s| {
        let field = ident(&s.field);
        let doc = doc_lines(&secret_doc(s));
        code! { #doc pub #field: ::naftiko_runtime::Secret, }
    });
    let loads = cap.secrets.iter().map(|s| {
        let field = ident(&s.field);
        let load = load_secret(s);
        code! { #field: #load, }
    });
    let default = if cap.secrets.is_empty() { code!(Default,) } else { code!() };
    code! {
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
