//! Rendering of the spec's templates (`"Bearer {{TOKEN}}"`, `body:` data with `{{x}}`) from values.

use serde_json::{Map, Value};

use crate::ParamValue;

/// A value inside a text template; an absent value renders as nothing.
pub fn text<V: ParamValue + ?Sized>(value: &V) -> String {
    value.to_text().unwrap_or_default()
}

/// A value inside a raw JSON body template, escaped as the inside of a JSON string: a value can then
/// never close the string it is written in and add members of its own.
pub fn json_text<V: ParamValue + ?Sized>(value: &V) -> String {
    let text = text(value);
    let quoted = Value::String(text).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// A value where a raw JSON body template has a bare placeholder (`"ids": {{ids}}`): the value as
/// JSON, `null` when absent.
pub fn json_bare<V: ParamValue + ?Sized>(value: &V) -> String {
    value.to_body_json().map_or_else(|| "null".to_owned(), |json| json.as_str().to_owned())
}

/// The parts of a text template, joined.
pub fn concat(parts: &[&str]) -> String {
    parts.concat()
}

/// A value where a template has exactly `{{x}}`: inserted with its JSON type; absent is `null`.
pub fn json<V: ParamValue + ?Sized>(value: &V) -> Value {
    value.to_json().unwrap_or(Value::Null)
}

/// Like [`json`], for object members: `None` (absent) leaves the member out.
pub fn json_opt<V: ParamValue + ?Sized>(value: &V) -> Option<Value> {
    value.to_json()
}

/// An object of the given members in order, without the absent ones.
pub fn object<'a>(members: impl IntoIterator<Item = (&'a str, Option<Value>)>) -> Value {
    let map: Map<String, Value> = members.into_iter().filter_map(|(k, v)| Some((k.to_owned(), v?))).collect();
    Value::Object(map)
}

/// A constant JSON text of the spec, written by the generator (so valid; `null` if it were not).
pub fn constant(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(text(&None::<String>), "");
        assert_eq!(text(&Some(5i64)), "5");
        assert_eq!(json_text("a\"b\\c\n"), r#"a\"b\\c\n"#);
        assert_eq!(json(&None::<bool>), Value::Null);
        assert_eq!(json_bare(&None::<String>), "null");
        assert_eq!(json_bare(&vec!["a".to_owned()]), r#"["a"]"#);
        assert_eq!(json_bare("x\"y"), r#""x\"y""#);
        assert_eq!(
            object([("a", json_opt(&1i64)), ("b", json_opt(&None::<String>)), ("c", Some(constant(r#"[1,{"d":null}]"#)))]),
            serde_json::json!({"a": 1, "c": [1, {"d": null}]})
        );
    }
}
