//! Output mappings compiled by the generator: each JSONPath of a spec became a fixed list of steps at
//! generation time; these functions only walk them.

use serde_json::Value;

/// One step of a compiled path.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    Field(&'static str),
    Index(usize),
    /// `[*]`: every element; the rest of the path applies to each and the results are collected.
    Each,
}

/// Follows `steps` from `value`; missing fields yield `null`, as the reference engine does.
pub fn path(value: &Value, steps: &[Step]) -> Value {
    match steps.split_first() {
        None => value.clone(),
        Some((Step::Field(name), rest)) => value.get(name).map_or(Value::Null, |v| path(v, rest)),
        Some((Step::Index(i), rest)) => value.get(i).map_or(Value::Null, |v| path(v, rest)),
        Some((Step::Each, rest)) => match value {
            Value::Array(items) => Value::Array(items.iter().map(|v| path(v, rest)).collect()),
            _ => Value::Null,
        },
    }
}

/// The first of `tries` that is not `null` (later ones are not computed), else `null`: an operation
/// with several outputs answers one, as the reference engine does.
pub fn first_of(tries: &[&dyn Fn() -> Value]) -> Value {
    tries.iter().map(|f| f()).find(|v| !v.is_null()).unwrap_or(Value::Null)
}

/// The array at `steps`, each element mapped by `item`; `null` when it is not an array.
pub fn each(value: &Value, steps: &[Step], item: impl Fn(&Value) -> Value) -> Value {
    match path(value, steps) {
        Value::Array(items) => Value::Array(items.iter().map(item).collect()),
        _ => Value::Null,
    }
}
