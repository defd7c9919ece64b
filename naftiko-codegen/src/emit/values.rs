//! Values in generated code: spec literals converted to a parameter's type, secret templates, and
//! text templates over inputs.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::emit::ident;
use crate::ir::{ParamType, Secret, Template, TemplatePart};

/// The Rust type of a parameter's value (without `Option`).
pub fn rust_type(ty: ParamType) -> TokenStream {
    match ty {
        ParamType::String => quote!(::std::string::String),
        ParamType::Integer => quote!(i64),
        ParamType::Number => quote!(f64),
        ParamType::Boolean => quote!(bool),
        ParamType::Array => quote!(::std::vec::Vec<::std::string::String>),
        ParamType::Object | ParamType::Any => quote!(::naftiko_runtime::Json),
    }
}

/// A literal from the spec as `Option<T>` of the parameter's type, converted at generation time.
pub fn literal(value: &Value, ty: ParamType) -> TokenStream {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match ty {
        ParamType::String => quote! { Some(::std::string::String::from(#text)) },
        ParamType::Integer => match value.as_i64().or_else(|| text.trim().parse().ok()) {
            Some(i) => quote! { Some(#i) },
            None => quote! { None },
        },
        ParamType::Number => match value.as_f64().or_else(|| text.trim().parse().ok()).filter(|f: &f64| f.is_finite()) {
            Some(f) => quote! { Some(#f) },
            None => quote! { None },
        },
        ParamType::Boolean => match value.as_bool().or(match text.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }) {
            Some(b) => quote! { Some(#b) },
            None => quote! { None },
        },
        ParamType::Array => {
            let items: Vec<String> = match value {
                Value::Array(items) => items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect(),
                _ => vec![text],
            };
            quote! { Some(::std::vec![#(::std::string::String::from(#items)),*]) }
        }
        ParamType::Object | ParamType::Any => {
            let json = value.to_string();
            quote! { ::naftiko_runtime::Json::parse(#json).ok() }
        }
    }
}

/// A `Secret` built from a template over the secrets in `secrets` (a `&Secrets` in scope).
pub fn secret_template(template: &Template, secrets: &[Secret]) -> TokenStream {
    if let [TemplatePart::Secret(var)] = template.parts.as_slice()
        && let Some(s) = secrets.iter().find(|s| &s.var == var)
    {
        let field = ident(&s.field);
        return quote! { secrets.#field.clone() };
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
                        args.push(quote! { secrets.#field.expose() });
                    }
                    None => args.push(quote! { "" }),
                }
            }
            // Secret templates hold literals and secrets only.
            TemplatePart::Param(_) | TemplatePart::Step(_) => {}
        }
    }
    quote! { ::naftiko_runtime::Secret::new(::std::format!(#format #(, #args)*)) }
}

/// `Option<String>`: a template whose parts are literals and inputs (`read(i)` gives input `i` as
/// `Option<String>`); absent inputs render as "", as the reference engine's Mustache does.
pub fn input_template(template: &Template, read: impl Fn(usize) -> Option<TokenStream>) -> TokenStream {
    let mut format = String::new();
    let mut args = Vec::new();
    for part in &template.parts {
        match part {
            TemplatePart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            TemplatePart::Param(i) => {
                format.push_str("{}");
                match read(*i) {
                    Some(value) => args.push(quote! { (#value).unwrap_or_default() }),
                    None => args.push(quote! { "" }),
                }
            }
            // Surfaces' templates name inputs only (secrets stay in the clients, steps in flows).
            TemplatePart::Secret(_) | TemplatePart::Step(_) => {}
        }
    }
    quote! { Some(::std::format!(#format #(, #args)*)) }
}

/// `Option<String>` → `Option<T>`, parsing text into the parameter's type (400 on failure).
pub fn convert_text(text: TokenStream, ty: ParamType, name: &str) -> TokenStream {
    if ty == ParamType::String {
        return text;
    }
    let t = rust_type(ty);
    quote! { (#text).map(|text| ::naftiko_runtime::rest::parse::<#t>(#name, &text)).transpose()? }
}

/// `Some(value)` or `None`, as tokens (of a static table's field).
pub fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}
