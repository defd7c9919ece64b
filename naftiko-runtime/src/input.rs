//! [`Input`]: how an input's value is read into its Rust type — one set of rules for every surface.
//!
//! A REST adapter reads inputs as text (path segments, query values, headers, cookies) or JSON (body
//! fields); an MCP adapter reads JSON arguments; a flow reads JSON step outputs and text templates.
//! They all go through this trait, and a JSON string is read exactly as the same text would be, so the
//! same input means the same thing everywhere:
//!
//! | type | accepted | refused |
//! |---|---|---|
//! | `string` | any text; a JSON string, number or boolean (written out) | a JSON array, object or null |
//! | `integer` | `42`, `-7`, `3.0`, `1e3` (a whole number; beyond ±2^53 only written as digits) | `3.5`, `abc`, `true` |
//! | `number` | a finite number a double holds exactly: `0.1`, `2`, `-1.5e3` | `1e999`, `3.141592653589793238`, `NaN` |
//! | `boolean` | `true`, `false` (JSON or text, surrounding spaces ignored) | `1`, `0`, `yes`, `True` |
//! | `array` | a JSON array of strings, numbers or booleans; a lone JSON value is a list of one | nested arrays or objects |
//! | `object` / untyped | any JSON; text that is not JSON is a JSON string | — |
//!
//! An `array` in a query takes one item per key (`tags=a&tags=b`; `tags=a,b` is the one item `a,b`,
//! as a JSON string `"a,b"` is); in a path segment or a header, where one text carries the whole list,
//! items are comma-separated (OpenAPI's `simple` style).

use serde_json::Value;

use crate::Json;
use crate::json;

/// A value an input can be read into.
pub trait Input: Sized {
    /// What the value must look like, for error messages.
    const EXPECTED: &'static str;

    /// From text: a path segment, query value, header, cookie, or the result of a template.
    fn from_text(text: &str) -> Option<Self>;

    /// From JSON: an MCP argument, a field of a JSON body, a step's output. A JSON string is read as
    /// [`Input::from_text`] reads the same text.
    fn from_json(value: &Value) -> Option<Self>;
}

impl Input for String {
    const EXPECTED: &'static str = "a string";
    fn from_text(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// The largest integer a double holds exactly: a number written with a fraction or an exponent is
/// a whole number only within it.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

impl Input for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_text(text: &str) -> Option<Self> {
        let text = text.trim();
        text.parse().ok().or_else(|| {
            // `3.0` and `1e3` are whole numbers too, as they are in JSON.
            let number: serde_json::Number = serde_json::from_str(text).ok()?;
            whole(&number)
        })
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => whole(n),
            Value::String(s) => Self::from_text(s),
            _ => None,
        }
    }
}

fn whole(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| number.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT_INTEGERS).map(|f| f as i64))
}

impl Input for f64 {
    const EXPECTED: &'static str = "a number (that a double holds exactly)";
    fn from_text(text: &str) -> Option<Self> {
        let text = text.trim();
        // JSON's number syntax (no `inf`, `NaN`, `+1` or `.5`), and no digit a double would drop.
        let number: serde_json::Number = serde_json::from_str(text).ok()?;
        number.as_f64().filter(|f| f.is_finite() && json::is_exact(text))
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => Self::from_text(&n.to_string()),
            Value::String(s) => Self::from_text(s),
            _ => None,
        }
    }
}

impl Input for bool {
    const EXPECTED: &'static str = "`true` or `false`";
    fn from_text(text: &str) -> Option<Self> {
        match text.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => Self::from_text(s),
            _ => None,
        }
    }
}

impl Input for Vec<String> {
    const EXPECTED: &'static str = "a list of strings";
    /// One text that carries a whole list (a path segment, a header): comma-separated items.
    fn from_text(text: &str) -> Option<Self> {
        Some(text.split(',').map(|s| s.trim().to_owned()).collect())
    }
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Array(items) => items.iter().map(String::from_json).collect(),
            // A lone value where a list is expected is a list of one, as one query value is.
            scalar => String::from_json(scalar).map(|s| vec![s]),
        }
    }
}

impl Input for Value {
    const EXPECTED: &'static str = "JSON";
    fn from_text(text: &str) -> Option<Self> {
        Some(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
    }
    fn from_json(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

impl Input for Json {
    const EXPECTED: &'static str = "JSON";
    /// JSON text as it is (when it is JSON with unique keys); any other text is a JSON string.
    fn from_text(text: &str) -> Option<Self> {
        match Json::parse(text) {
            Ok(json) if json::check_unique_keys(json.as_str()).is_ok() => Some(json),
            _ => Some(Json::from(Value::String(text.to_owned()))),
        }
    }
    /// The value as JSON text (an argument's numbers were checked to be exact when the message was read).
    fn from_json(value: &Value) -> Option<Self> {
        Some(Json::from(value))
    }
}

/// A required field of a generated input struct (`#[serde(with = "::naftiko_runtime::input::required")]`):
/// read with the coercions every surface uses, so `serde_json::from_value::<ListsnapshotsParams>(…)`
/// reads a value as the adapters do; written as it is.
pub mod required {
    use serde::de::{Deserialize, Deserializer, Error as _};
    use serde::{Serialize, Serializer};
    use serde_json::Value;

    use super::Input;

    pub fn deserialize<'de, D: Deserializer<'de>, T: Input>(deserializer: D) -> Result<T, D::Error> {
        let value = Value::deserialize(deserializer)?;
        T::from_json(&value).ok_or_else(|| D::Error::custom(format_args!("must be {}, got {}", T::EXPECTED, super::describe(&value))))
    }

    pub fn serialize<S: Serializer, T: Serialize>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

/// An optional field of a generated input struct (`#[serde(default, with = "::naftiko_runtime::input::optional")]`):
/// as [`required`], and `null` is absent, as a missing field is.
pub mod optional {
    use serde::de::{Deserialize, Deserializer, Error as _};
    use serde::{Serialize, Serializer};
    use serde_json::Value;

    use super::Input;

    pub fn deserialize<'de, D: Deserializer<'de>, T: Input>(deserializer: D) -> Result<Option<T>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(None),
            value => T::from_json(&value)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format_args!("must be {}, got {}", T::EXPECTED, super::describe(&value)))),
        }
    }

    pub fn serialize<S: Serializer, T: Serialize>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

/// What a JSON value is, for messages: "a string", "an integer", "a number"…
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Every JSON string is read as the same text is: the two surfaces cannot disagree. (A list is the
    /// exception the module docs state: a JSON string is one item, as one query value is.)
    #[test]
    fn a_json_string_reads_as_its_text() {
        for text in ["42", " 42 ", "3.0", "1e3", "3.5", "-0", "true", "false", "True", "1", "0.1", "3.141592653589793238", "a,b", "", "x"] {
            let json = Value::String(text.to_owned());
            assert_eq!(i64::from_text(text), i64::from_json(&json), "{text:?}");
            assert_eq!(f64::from_text(text), f64::from_json(&json), "{text:?}");
            assert_eq!(bool::from_text(text), bool::from_json(&json), "{text:?}");
            assert_eq!(String::from_text(text), String::from_json(&json), "{text:?}");
        }
    }

    /// A JSON number or boolean reads as its written form does.
    #[test]
    fn json_scalars_read_as_written() {
        for value in [json!(42), json!(-7), json!(3.0), json!(1e3), json!(3.5), json!(0.1), json!(true), json!(9_007_199_254_740_993_i64)] {
            let text = value.to_string();
            assert_eq!(i64::from_text(&text), i64::from_json(&value), "{value}");
            assert_eq!(f64::from_text(&text), f64::from_json(&value), "{value}");
            assert_eq!(bool::from_text(&text), bool::from_json(&value), "{value}");
        }
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Params {
        #[serde(with = "super::required")]
        zone: String,
        #[serde(rename = "per-page", default, with = "super::optional")]
        per_page: Option<i64>,
        #[serde(default, with = "super::optional")]
        active: Option<bool>,
    }

    /// Generated structs read their fields with the same coercions, and write them back as they are.
    #[test]
    fn serde_fields_read_as_the_surfaces_do() {
        let params: Params = serde_json::from_value(json!({"zone": "fr-par-1", "per-page": "3.0", "active": null})).expect("reads");
        assert_eq!(params, Params { zone: "fr-par-1".into(), per_page: Some(3), active: None });
        assert_eq!(serde_json::to_value(&params).expect("writes"), json!({"zone": "fr-par-1", "per-page": 3, "active": null}));
        let refused = |value: Value| serde_json::from_value::<Params>(value).expect_err("refused").to_string();
        assert_eq!(refused(json!({"zone": "z", "active": "1"})), "must be `true` or `false`, got a string");
        assert_eq!(refused(json!({"zone": ["z"]})), "must be a string, got an array");
        assert!(refused(json!({})).contains("missing field `zone`"));
        assert!(refused(json!({"zone": "z", "typo": 1})).contains("unknown field `typo`"));
    }

    #[test]
    fn the_documented_table() {
        assert_eq!(i64::from_text("42"), Some(42));
        assert_eq!(i64::from_text("3.0"), Some(3));
        assert_eq!(i64::from_text("1e3"), Some(1000));
        assert_eq!(i64::from_text("9007199254740993"), Some(9_007_199_254_740_993));
        assert_eq!(i64::from_text("9007199254740993.0"), None, "beyond 2^53 only as digits");
        assert_eq!(i64::from_text("9223372036854775808"), None);
        assert_eq!(i64::from_text("3.5"), None);
        assert_eq!(i64::from_json(&json!(true)), None);
        assert_eq!(f64::from_text("0.1"), Some(0.1));
        assert_eq!(f64::from_text("3.141592653589793238"), None);
        assert_eq!(f64::from_text("1e999"), None);
        for refused in ["NaN", "inf", "+1", ".5", "1."] {
            assert_eq!(f64::from_text(refused), None, "{refused}");
        }
        assert_eq!(bool::from_text(" true "), Some(true));
        for refused in ["1", "0", "True", "yes"] {
            assert_eq!(bool::from_text(refused), None, "{refused}");
        }
        assert_eq!(Vec::<String>::from_json(&json!(["a", 1, true])), Some(vec!["a".into(), "1".into(), "true".into()]));
        assert_eq!(Vec::<String>::from_json(&json!("a,b")), Some(vec!["a,b".into()]));
        assert_eq!(Vec::<String>::from_text("a, b"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(Vec::<String>::from_json(&json!([["a"]])), None);
        assert_eq!(String::from_json(&json!({"a": 1})), None);
        assert_eq!(Json::from_text(r#"{"a": 1}"#).map(|j| j.as_str().to_owned()).as_deref(), Some(r#"{"a": 1}"#));
        assert_eq!(Json::from_text("plain text").map(|j| j.as_str().to_owned()).as_deref(), Some(r#""plain text""#));
        assert_eq!(Value::from_text("[1]"), Some(json!([1])));
    }
}
