//! JSON kept exact. [`Json`] holds a value as the text it arrived in, so what a caller sends is what the
//! upstream receives, digit for digit. [`check_unique_keys`] and [`check_exact_numbers`] refuse input that
//! would otherwise be read two ways (a key given twice: the first or the last?) or changed on its way
//! (a number that no 64-bit integer or double holds, which a JSON parser silently rounds).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// A JSON value kept as its text: no number is rounded, no member reordered.
///
/// The type of `object` parameters (request bodies and the JSON fields of one). Build one from a
/// `serde_json::Value` (`json!({…}).into()`) or from text ([`Json::parse`]); read it with
/// [`Json::to_value`] or [`Json::get`].
#[derive(Clone)]
pub struct Json(Box<RawValue>);

impl Json {
    /// The JSON text `text`, validated (not re-serialized).
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        RawValue::from_string(text.trim().to_owned()).map(Json)
    }

    /// `null`.
    pub fn null() -> Json {
        Json::from(&Value::Null)
    }

    /// The JSON text, exactly as received (surrounding whitespace aside).
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The raw value, for serializing it unchanged inside other JSON.
    pub fn as_raw(&self) -> &RawValue {
        &self.0
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        self.as_str() == "null"
    }

    /// The value as a `serde_json::Value`. Integers beyond 64 bits become doubles there: read such
    /// values with [`Json::get`] into a type that holds them, or pass the `Json` on as it is.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.as_str()).unwrap_or(Value::Null)
    }

    /// The value decoded into `T`.
    pub fn get<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }
}

impl Default for Json {
    /// `null`.
    fn default() -> Self {
        Json::null()
    }
}

impl From<&Value> for Json {
    fn from(value: &Value) -> Self {
        // Serializing a `Value` cannot fail (its keys are strings, its numbers finite).
        Json(serde_json::value::to_raw_value(value).unwrap_or_else(|_| null_raw()))
    }
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        Json::from(&value)
    }
}

impl From<Box<RawValue>> for Json {
    fn from(raw: Box<RawValue>) -> Self {
        Json(raw)
    }
}

fn null_raw() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).unwrap_or_else(|_| unreachable!("`null` is JSON"))
}

impl PartialEq for Json {
    /// The same text.
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Json)
    }
}

// ---------------------------------------------------------------- duplicate keys

/// Refuses JSON in which an object names a member twice (at any depth). Parsers disagree on which
/// one counts (serde keeps the last, others the first), so a body checked here and read differently
/// upstream is refused rather than guessed at (RFC 8259 §4, RFC 7493 §2.3).
pub fn check_unique_keys(text: &str) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Unique.deserialize(&mut deserializer).and_then(|()| deserializer.end()).map_err(|e| e.to_string())
}

/// Walks a JSON value, failing on the first object that repeats a key.
struct Unique;

impl<'de> DeserializeSeed<'de> for Unique {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Unique)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(key) = map.next_key_seed(Key)? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!("the key `{}` is given twice in one object", shorten(&key))));
            }
            seen.insert(key);
            map.next_value_seed(Unique)?;
        }
        Ok(())
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }
    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

// ---------------------------------------------------------------- exact numbers

/// Refuses JSON (already known to be valid) holding a number that would change when read: an
/// integer beyond 64 bits, or a decimal with more digits than a double keeps. Such a number read
/// into a `serde_json::Value` or a typed field comes out as another number.
pub fn check_exact_numbers(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i + 1),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let number = &text[start..i];
                if !is_exact(number) {
                    return Err(format!("the number {} cannot be read exactly (integers must fit in 64 bits, decimals in a double)", shorten(number)));
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// The index just past the string whose contents start at `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Whether a JSON number literal keeps its value when read as `i64`/`u64` (integers) or `f64`.
pub fn is_exact(number: &str) -> bool {
    if !number.contains(['.', 'e', 'E']) {
        return number.parse::<i64>().is_ok() || number.parse::<u64>().is_ok();
    }
    let Some(double) = number.parse::<f64>().ok().filter(|f| f.is_finite()) else { return false };
    let written = serde_json::Number::from_f64(double).map(|n| n.to_string()).unwrap_or_default();
    decimal(number) == decimal(&written)
}

/// A decimal literal as (negative, significant digits, exponent of the first digit): equal values
/// give equal triples (`1.50e1`, `15`, `15.0` → (false, "15", 2)).
fn decimal(number: &str) -> (bool, String, i64) {
    let (negative, unsigned) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i64>().unwrap_or(0)),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = whole.chars().chain(fraction.chars()).collect();
    let leading = digits.len() - digits.trim_start_matches('0').len();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    if significant.is_empty() {
        return (false, String::new(), 0); // zero, whatever its sign
    }
    (negative, significant.to_owned(), whole.len() as i64 - leading as i64 + exponent)
}

/// At most 64 characters of user input in a message.
pub(crate) fn shorten(text: &str) -> Cow<'_, str> {
    const MAX: usize = 64;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_its_text() {
        let text = r#"{"n": 123456789012345678901234567890, "f": 0.10, "a": [1,2]}"#;
        let json = Json::parse(text).unwrap();
        assert_eq!(json.as_str(), text);
        let wrapped = std::collections::BTreeMap::from([("body", &json)]);
        assert_eq!(serde_json::to_string(&wrapped).unwrap(), format!(r#"{{"body":{text}}}"#));
        assert_eq!(Json::from(serde_json::json!({"a": 1})).as_str(), r#"{"a":1}"#);
        assert!(Json::default().is_null());
        assert!(Json::parse("{nope").is_err());
        let back: Json = serde_json::from_str(r#" [1, 2.50] "#).unwrap();
        assert_eq!(back.as_str(), "[1, 2.50]");
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        assert_eq!(check_unique_keys(r#"{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}"#), Ok(()));
        let top = check_unique_keys(r#"{"a": 1, "a": 2}"#).unwrap_err();
        assert!(top.starts_with("the key `a` is given twice in one object"), "{top}");
        assert!(check_unique_keys(r#"{"x": [{"k": 1, "k": 1}]}"#).is_err());
        // The same key spelled with an escape is the same key.
        assert!(check_unique_keys(r#"{"zone": 1, "z\u006fne": 2}"#).is_err());
        assert!(check_unique_keys("[1, 2").is_err());
    }

    #[test]
    fn numbers_that_would_change_are_refused() {
        for exact in ["0", "-0", "9223372036854775807", "18446744073709551615", "-9223372036854775808", "0.1", "1.50", "1e2", "2.5E-3", "-0.0", "1.7976931348623157e308"] {
            assert!(is_exact(exact), "{exact}");
        }
        for inexact in ["18446744073709551616", "123456789012345678901234567890", "-9223372036854775809", "3.141592653589793238", "1e400", "0.30000000000000000001"] {
            assert!(!is_exact(inexact), "{inexact}");
        }
        assert_eq!(check_exact_numbers(r#"{"id": "123456789012345678901234567890", "n": [1, 2.5]}"#), Ok(()));
        let refused = check_exact_numbers(r#"{"s": "\"", "n": 123456789012345678901234567890}"#).unwrap_err();
        assert!(refused.starts_with("the number 123456789012345678901234567890 cannot be read exactly"), "{refused}");
    }

    #[test]
    fn long_input_is_shortened_in_messages() {
        let key = "k".repeat(1000);
        let message = check_unique_keys(&format!(r#"{{"{key}": 1, "{key}": 2}}"#)).unwrap_err();
        assert!(message.len() < 200, "{message}");
    }
}
