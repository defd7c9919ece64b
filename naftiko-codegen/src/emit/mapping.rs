//! Output mappings as Rust expressions: JSONPaths were compiled into step lists by the IR; here they
//! become calls that walk those fixed steps.

use crate::emit::code::{Code, code};
use crate::ir::{Mapping, PathStep};

/// `&[Step::…]`: a compiled path, as the runtime walks it.
pub fn steps(path: &[PathStep]) -> Code {
    let steps = path.iter().map(|s| match s {
        PathStep::Field(name) => code! { ::naftiko_runtime::mapping::Step::Field(#name) },
        PathStep::Index(i) => code! { ::naftiko_runtime::mapping::Step::Index(#i) },
        PathStep::Each => code! { ::naftiko_runtime::mapping::Step::Each },
    });
    code! { &[#(#steps),*] }
}

/// An expression of type `serde_json::Value` computed from `value: &Value`.
pub fn expression(mapping: &Mapping, value: &Code) -> Code {
    match mapping {
        Mapping::Path { path } => {
            let steps = steps(path);
            code! { ::naftiko_runtime::mapping::path(#value, #steps) }
        }
        Mapping::Object { properties } => {
            let inserts = properties.iter().map(|(name, m)| {
                let e = expression(m, value);
                code! { object.insert(::std::string::String::from(#name), #e); }
            });
            code! {{
                let mut object = ::naftiko_runtime::serde_json::Map::new();
                #(#inserts)*
                ::naftiko_runtime::serde_json::Value::Object(object)
            }}
        }
        Mapping::Array { path, items } => {
            let steps = steps(path);
            match items {
                Some(items) => {
                    let item = expression(items, &code!(item));
                    code! { ::naftiko_runtime::mapping::each(#value, #steps, |item| #item) }
                }
                None => code! { ::naftiko_runtime::mapping::path(#value, #steps) },
            }
        }
        Mapping::FirstOf { mappings } => {
            let tries = mappings.iter().map(|m| {
                let e = expression(m, value);
                code! { || #e }
            });
            code! { ::naftiko_runtime::mapping::first_of(&[#(&#tries),*]) }
        }
        Mapping::Constant { value: constant } => {
            let json = constant.to_string();
            code! { ::naftiko_runtime::serde_json::from_str::<::naftiko_runtime::serde_json::Value>(#json).unwrap_or_default() }
        }
    }
}
