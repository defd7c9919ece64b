//! Spec values as Rust literals of their parameter's type.

use proc_macro2::Literal;
use serde_json::Value;

use crate::emit::code::{Code, code};
use crate::ir::{BodyTemplate, ParamType};

/// A fixed literal with its parameter's type, so that `value: 5` on an integer stays a number in JSON.
pub(super) fn typed_literal(ty: ParamType, text: &str) -> Option<Code> {
    match ty {
        ParamType::String => Some(code! { #text }),
        ParamType::Integer => text.trim().parse::<i64>().ok().map(|n| {
            let lit = int_literal(n);
            code! { &#lit }
        }),
        ParamType::Number => text.trim().parse::<f64>().ok().filter(|n| n.is_finite()).map(|n| {
            let lit = float_literal(n);
            code! { &#lit }
        }),
        ParamType::Boolean => match text.trim() {
            "true" => Some(code! { &true }),
            "false" => Some(code! { &false }),
            _ => None,
        },
        ParamType::Object | ParamType::Any => serde_json::from_str::<Value>(text).ok().map(|v| {
            let value = constant(&v);
            code! { &#value }
        }),
        ParamType::Array => None,
    }
}

pub(super) fn is_constant(template: &BodyTemplate) -> bool {
    match template {
        BodyTemplate::Json(_) => true,
        BodyTemplate::Param(_) | BodyTemplate::Text(_) | BodyTemplate::RawJson(_) => false,
        BodyTemplate::Array(items) => items.iter().all(is_constant),
        BodyTemplate::Object(members) => members.iter().all(|(_, m)| is_constant(m)),
    }
}

/// The JSON value of a template without placeholders.
pub(super) fn to_value(template: &BodyTemplate) -> Value {
    match template {
        BodyTemplate::Json(v) => v.clone(),
        BodyTemplate::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        BodyTemplate::Object(members) => Value::Object(members.iter().map(|(k, m)| (k.clone(), to_value(m))).collect()),
        BodyTemplate::Param(_) | BodyTemplate::Text(_) | BodyTemplate::RawJson(_) => Value::Null,
    }
}

/// A constant JSON value: scalars directly, arrays and objects as their JSON text.
pub(super) fn constant(value: &Value) -> Code {
    match value {
        Value::Null => code! { ::naftiko_runtime::serde_json::Value::Null },
        Value::Bool(b) => code! { ::naftiko_runtime::serde_json::Value::Bool(#b) },
        Value::String(s) => code! { ::naftiko_runtime::serde_json::Value::from(#s) },
        Value::Number(n) => {
            let lit = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => int_literal(i),
                (None, Some(u)) => {
                    let lit = Literal::u64_suffixed(u);
                    code! { #lit }
                }
                (None, None) => float_literal(n.as_f64().unwrap_or_default()),
            };
            code! { ::naftiko_runtime::serde_json::Value::from(#lit) }
        }
        Value::Array(_) | Value::Object(_) => {
            let json = crate::emit::raw_string(&value.to_string());
            code! { ::naftiko_runtime::render::constant(#json) }
        }
    }
}

/// An `i64` literal; negative ones as `-n` (a literal token cannot carry the sign everywhere).
pub(super) fn int_literal(n: i64) -> Code {
    if n == i64::MIN {
        return code! { i64::MIN };
    }
    let lit = Literal::i64_suffixed(n.abs());
    if n < 0 {
        code! { -#lit }
    } else {
        code! { #lit }
    }
}

/// A finite `f64` literal; negative ones as `-x`.
pub(super) fn float_literal(x: f64) -> Code {
    let lit = Literal::f64_suffixed(x.abs());
    if x.is_sign_negative() {
        code! { -#lit }
    } else {
        code! { #lit }
    }
}
