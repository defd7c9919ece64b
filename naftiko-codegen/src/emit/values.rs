//! Values in generated code: spec literals converted to a parameter's type, secret templates, and
//! text templates over inputs.

use serde_json::Value;

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::ir::{ParamType, Secret, Template, TemplatePart};

/// The Rust type of a parameter's value (without `Option`).
pub fn rust_type(ty: ParamType) -> Code {
    match ty {
        ParamType::String => code!(::std::string::String),
        ParamType::Integer => code!(i64),
        ParamType::Number => code!(f64),
        ParamType::Boolean => code!(bool),
        ParamType::Array => code!(::std::vec::Vec<::std::string::String>),
        ParamType::Object | ParamType::Any => code!(::naftiko_runtime::Json),
    }
}

/// A literal from the spec as `Option<T>` of the parameter's type, converted at generation time.
pub fn literal(value: &Value, ty: ParamType) -> Code {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match ty {
        ParamType::String => code! { Some(::std::string::String::from(#text)) },
        ParamType::Integer => match value.as_i64().or_else(|| text.trim().parse().ok()) {
            Some(i) => code! { Some(#i) },
            None => code! { None },
        },
        ParamType::Number => match value.as_f64().or_else(|| text.trim().parse().ok()).filter(|f: &f64| f.is_finite()) {
            Some(f) => code! { Some(#f) },
            None => code! { None },
        },
        ParamType::Boolean => match value.as_bool().or(match text.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }) {
            Some(b) => code! { Some(#b) },
            None => code! { None },
        },
        ParamType::Array => {
            let items: Vec<String> = match value {
                Value::Array(items) => items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect(),
                _ => vec![text],
            };
            code! { Some(::std::vec![#(::std::string::String::from(#items)),*]) }
        }
        ParamType::Object | ParamType::Any => {
            let json = value.to_string();
            code! { ::naftiko_runtime::Json::parse(#json).ok() }
        }
    }
}

/// A `Secret` built from a template over the secrets in `secrets` (a `&Secrets` in scope).
pub fn secret_template(template: &Template, secrets: &[Secret]) -> Code {
    if let [TemplatePart::Secret(var)] = template.parts.as_slice()
        && let Some(s) = secrets.iter().find(|s| &s.var == var)
    {
        let field = ident(&s.field);
        return code! { secrets.#field.clone() };
    }
    let mut format = String::new();
    let mut args = Vec::new();
    for part in &template.parts {
        match part {
            TemplatePart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            TemplatePart::Secret(var) => {
                format.push_str("{}");
                match secrets.iter().find(|s| &s.var == var) {
                    Some(s) => {
                        let field = ident(&s.field);
                        args.push(code! { secrets.#field.expose() });
                    }
                    None => args.push(code! { "" }),
                }
            }
            // Secret templates hold literals and secrets only.
            TemplatePart::Param(_) | TemplatePart::Step(_) => {}
        }
    }
    code! { ::naftiko_runtime::Secret::new(::std::format!(#format #(, #args)*)) }
}

/// `Option<String>`: a template whose parts are literals and inputs (`read(i)` gives input `i` as
/// `Option<String>`); absent inputs render as "", as the reference engine's Mustache does.
pub fn input_template(template: &Template, read: impl Fn(usize) -> Option<Code>) -> Code {
    let mut format = String::new();
    let mut args = Vec::new();
    for part in &template.parts {
        match part {
            TemplatePart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            TemplatePart::Param(i) => {
                format.push_str("{}");
                match read(*i) {
                    Some(value) => args.push(code! { (#value).unwrap_or_default() }),
                    None => args.push(code! { "" }),
                }
            }
            // Surfaces' templates name inputs only (secrets stay in the clients, steps in flows).
            TemplatePart::Secret(_) | TemplatePart::Step(_) => {}
        }
    }
    code! { Some(::std::format!(#format #(, #args)*)) }
}

/// `Option<String>` → `Option<T>`, parsing text into the parameter's type (400 on failure).
pub fn convert_text(text: Code, ty: ParamType, name: &str) -> Code {
    if ty == ParamType::String {
        return text;
    }
    let t = rust_type(ty);
    code! { (#text).map(|text| ::naftiko_runtime::rest::parse::<#t>(#name, &text)).transpose()? }
}

/// `Some(value)` or `None`, as code (of a static table's field).
pub fn option<T: crate::emit::code::ToCode>(value: Option<T>) -> Code {
    match value {
        Some(v) => code! { Some(#v) },
        None => code! { None },
    }
}
