//! [`ParamValue`]: how a parameter's Rust value goes on the wire, so generated code says only where.

use serde_json::Value;

use crate::Json;

/// A parameter value as generated code holds it: `String`, `i64`, `f64`, `bool`, `Vec<String>`,
/// `serde_json::Value`, or an `Option` of one (absent when `None`).
pub trait ParamValue {
    /// The value as text (path segment, header, cookie, template); `None` when absent.
    /// Arrays are joined with `,` (OpenAPI's `simple` style); JSON values other than strings are
    /// written as compact JSON.
    fn to_text(&self) -> Option<String>;

    /// The value as JSON (request bodies); `None` when absent.
    fn to_json(&self) -> Option<Value>;

    /// The values of a query parameter: one per element for arrays (`tags=a&tags=b`), none when absent.
    fn to_query_values(&self) -> Vec<String> {
        self.to_text().into_iter().collect()
    }

    /// The value as JSON text for a request body, exactly as held (a [`Json`] keeps every digit).
    fn to_body_json(&self) -> Option<Json> {
        self.to_json().map(Json::from)
    }
}

impl ParamValue for str {
    fn to_text(&self) -> Option<String> {
        Some(self.to_owned())
    }
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_owned()))
    }
}

impl ParamValue for String {
    fn to_text(&self) -> Option<String> {
        Some(self.clone())
    }
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
}

impl ParamValue for i64 {
    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(*self))
    }
}

impl ParamValue for f64 {
    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
    /// NaN and infinities have no JSON form: they become `null`.
    fn to_json(&self) -> Option<Value> {
        Some(serde_json::Number::from_f64(*self).map_or(Value::Null, Value::Number))
    }
}

impl ParamValue for bool {
    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
    fn to_json(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
}

impl ParamValue for [String] {
    fn to_text(&self) -> Option<String> {
        Some(self.join(","))
    }
    fn to_json(&self) -> Option<Value> {
        Some(Value::Array(self.iter().cloned().map(Value::String).collect()))
    }
    fn to_query_values(&self) -> Vec<String> {
        self.to_vec()
    }
}

impl ParamValue for Vec<String> {
    fn to_text(&self) -> Option<String> {
        self.as_slice().to_text()
    }
    fn to_json(&self) -> Option<Value> {
        self.as_slice().to_json()
    }
    fn to_query_values(&self) -> Vec<String> {
        self.clone()
    }
}

impl ParamValue for Value {
    /// `null` is absent; a string is itself; anything else is compact JSON.
    fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
    fn to_json(&self) -> Option<Value> {
        Some(self.clone())
    }
    fn to_query_values(&self) -> Vec<String> {
        match self {
            Value::Array(items) => items.iter().filter_map(ParamValue::to_text).collect(),
            other => other.to_text().into_iter().collect(),
        }
    }
}

impl ParamValue for Json {
    /// `null` is absent; a string is itself; anything else is its JSON text.
    fn to_text(&self) -> Option<String> {
        match self.as_str().as_bytes().first() {
            _ if self.is_null() => None,
            Some(b'"') => self.get::<String>().ok(),
            _ => Some(self.as_str().to_owned()),
        }
    }
    fn to_json(&self) -> Option<Value> {
        Some(self.to_value())
    }
    fn to_query_values(&self) -> Vec<String> {
        match self.as_str().as_bytes().first() {
            Some(b'[') => self.get::<Vec<Json>>().unwrap_or_default().iter().filter_map(ParamValue::to_text).collect(),
            _ => self.to_text().into_iter().collect(),
        }
    }
    fn to_body_json(&self) -> Option<Json> {
        Some(self.clone())
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn to_text(&self) -> Option<String> {
        self.as_ref().and_then(ParamValue::to_text)
    }
    fn to_json(&self) -> Option<Value> {
        self.as_ref().and_then(ParamValue::to_json)
    }
    fn to_query_values(&self) -> Vec<String> {
        self.as_ref().map(ParamValue::to_query_values).unwrap_or_default()
    }
    fn to_body_json(&self) -> Option<Json> {
        self.as_ref().and_then(ParamValue::to_body_json)
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_text(&self) -> Option<String> {
        (**self).to_text()
    }
    fn to_json(&self) -> Option<Value> {
        (**self).to_json()
    }
    fn to_query_values(&self) -> Vec<String> {
        (**self).to_query_values()
    }
    fn to_body_json(&self) -> Option<Json> {
        (**self).to_body_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(1.5f64.to_text().as_deref(), Some("1.5"));
        assert_eq!(f64::NAN.to_json(), Some(Value::Null));
        assert_eq!(vec!["a".to_owned(), "b".to_owned()].to_text().as_deref(), Some("a,b"));
        assert_eq!(vec!["a".to_owned(), "b".to_owned()].to_query_values(), ["a", "b"]);
        assert_eq!(None::<i64>.to_query_values(), Vec::<String>::new());
        assert_eq!(Some(3i64).to_json(), Some(Value::from(3)));
        assert_eq!(serde_json::json!({"a": 1}).to_text().as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(Value::Null.to_text(), None);
        assert_eq!(serde_json::json!(["x", 2]).to_query_values(), ["x", "2"]);
        let exact = Json::parse(r#"{"n": 123456789012345678901234567890}"#).unwrap();
        assert_eq!(exact.to_body_json().unwrap().as_str(), r#"{"n": 123456789012345678901234567890}"#);
        assert_eq!(Json::parse(r#""a b""#).unwrap().to_text().as_deref(), Some("a b"));
        assert_eq!(Json::parse(r#"["a", 1]"#).unwrap().to_query_values(), ["a", "1"]);
        assert_eq!(Json::null().to_text(), None);
    }
}
