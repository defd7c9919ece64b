//! Templates as text: fixed parameters expanded, secrets and parameters read where the code runs.

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::ir::{ConsumedOp, Template, TemplatePart};

use super::api::Api;
use crate::ir::usage::MAX_TEMPLATE_DEPTH;

/// Where a template's secrets are read from.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    /// Building the client: the `auth: Auth` argument.
    Construct,
    /// Sending any request: `self.secrets`, no parameters (adapter-level fixed parameters).
    Adapter,
    /// Inside an operation: `self.secrets` and `params`.
    Call(&'a ConsumedOp),
}

/// A template flattened: fixed parameters it mentions are replaced by their own templates.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Piece {
    Text(String),
    Secret(String),
    /// A caller-supplied parameter (index into the operation's params).
    Param(usize),
}

/// How a template's text is written into its context.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Escape {
    None,
    /// Inside a raw JSON body: values are escaped as JSON string content.
    JsonString,
}

impl Api<'_> {
    /// A template as text, with fixed parameters it names expanded.
    pub(super) fn text(&self, template: &Template, scope: Scope<'_>, escape: Escape, depth: usize) -> Text {
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
                Text::Owned(code! { ::naftiko_runtime::render::json_text(#secret.expose()) })
            }
            [Piece::Param(i)] => {
                let param = self.param_access(scope, *i);
                Text::Owned(code! { ::naftiko_runtime::render::json_text(&#param) })
            }
            _ => {
                // `render::concat` rather than `format!`: no format string to escape, and formatters lay
                // out a function call where they leave a macro's tokens as they are.
                let parts = merged.iter().map(|piece| match piece {
                    Piece::Text(s) => code! { #s },
                    Piece::Secret(var) => {
                        let secret = self.secret_access(var, scope);
                        match escape {
                            Escape::None => code! { #secret.expose() },
                            Escape::JsonString => code! { &::naftiko_runtime::render::json_text(#secret.expose()) },
                        }
                    }
                    Piece::Param(i) => {
                        let param = self.param_access(scope, *i);
                        match escape {
                            Escape::None => code! { &::naftiko_runtime::render::text(&#param) },
                            Escape::JsonString => code! { &::naftiko_runtime::render::json_text(&#param) },
                        }
                    }
                });
                let parts: Vec<Code> = parts.collect();
                Text::Owned(code! { ::naftiko_runtime::render::concat(&[#(#parts),*]) })
            }
        }
    }

    pub(super) fn flatten(&self, template: &Template, scope: Scope<'_>, depth: usize, out: &mut Vec<Piece>) {
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
                // A consumed operation's templates name no step (steps exist in flows only).
                TemplatePart::Step(_) => {}
            }
        }
    }

    /// `auth.field` or `self.secrets.field`.
    pub(super) fn secret_access(&self, var: &str, scope: Scope<'_>) -> Code {
        let field = self.cap.secrets.iter().find(|s| s.var == var).map_or_else(|| ident(&crate::ir::ident::snake(var)), |s| ident(&s.field));
        match scope {
            Scope::Construct => code! { auth.#field },
            Scope::Adapter | Scope::Call(_) => code! { self.secrets.#field },
        }
    }

    pub(super) fn param_access(&self, scope: Scope<'_>, i: usize) -> Code {
        let field = match scope {
            Scope::Call(op) => op.params.get(i).map(|p| ident(&p.field)),
            Scope::Construct | Scope::Adapter => None,
        };
        match field {
            Some(field) => code! { params.#field },
            None => code! { "" },
        }
    }
}

/// A template rendered as text, in the cheapest form the context accepts.
pub(super) enum Text {
    Literal(String),
    /// `auth.field` / `self.secrets.field` (a `Secret`).
    Secret(Code),
    /// `params.field` (a `ParamValue`; absent stays absent).
    Param(Code),
    /// A `String` expression (`render::concat(…)`, an escaped value).
    Owned(Code),
}

impl Text {
    /// As an argument `&V` with `V: ParamValue`.
    pub(super) fn arg(self) -> Code {
        match self {
            Text::Literal(s) => code! { #s },
            Text::Secret(secret) => code! { #secret.expose() },
            Text::Param(param) => code! { &#param },
            Text::Owned(owned) => code! { &#owned },
        }
    }

    /// As a `String` (or `&'static str`) expression.
    pub(super) fn into_string_expr(self) -> Code {
        match self {
            Text::Literal(s) => code! { #s },
            Text::Secret(secret) => code! { #secret.expose().to_owned() },
            Text::Param(param) => code! { ::naftiko_runtime::render::text(&#param) },
            Text::Owned(owned) => owned,
        }
    }
}

/// A template as the docs show it (`https://{{REGION}}.example.com`).
pub(super) fn template_doc(template: &Template) -> String {
    template
        .parts
        .iter()
        .map(|p| match p {
            TemplatePart::Literal(s) => s.clone(),
            TemplatePart::Secret(var) => format!("{{{{{var}}}}}"),
            TemplatePart::Param(i) => format!("{{{{#{i}}}}}"),
            TemplatePart::Step(p) => format!("{{{{step {}}}}}", p.step),
        })
        .collect()
}
