//! Values checked against the JSON Schema the spec declares for them, before anything is sent
//! upstream: a tool's arguments against its input schema, and a REST input against the constraints
//! its declaration states (an [`InputSchema`]). One validator, so that a value means the same on
//! every surface.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::input::describe;
use crate::json::shorten;

/// Checks `arguments` against a tool's input schema before any upstream request.
///
/// Covers what a spec's schemas may state — `type` (a name or a list of names), `properties`,
/// `required`, `additionalProperties`, `items`, `enum`, `const`, `pattern`, `minLength`, `maxLength`,
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minItems`, `maxItems` — recursively;
/// the generator refuses a spec whose schemas use any other validation keyword, so none is silently
/// unenforced. Malformed parts of a schema (a `required` that is not a list) are ignored rather than
/// rejected. `null` for an optional property counts as absent (model clients send it for
/// "not given"). Problems are reported each naming its argument, the first [`LISTED_PROBLEMS`] in
/// full and the rest counted, so that the answer to a huge message stays small.
pub fn validate_arguments(schema: &Value, arguments: &Map<String, Value>) -> Result<(), String> {
    let mut problems = Problems::new("argument");
    check_object(schema, arguments, "", &mut problems);
    problems.into_result()
}

/// The JSON Schema of one REST input (its declared type and constraints), parsed the first time a
/// request needs it. Generated handlers keep one in a `static` per constrained input.
#[derive(Debug)]
pub struct InputSchema {
    text: &'static str,
    parsed: OnceLock<Value>,
}

impl InputSchema {
    /// `text` is the schema as JSON, written by the generator.
    pub const fn new(text: &'static str) -> Self {
        InputSchema { text, parsed: OnceLock::new() }
    }

    /// The schema as a value; a text that is not JSON (never written by the generator) constrains nothing.
    pub fn schema(&self) -> &Value {
        self.parsed.get_or_init(|| serde_json::from_str(self.text).unwrap_or(Value::Bool(true)))
    }

    /// Checks an input's value, read and converted to its Rust type, against the schema; `input`
    /// names it in the problem. An absent value is not checked (`required` is checked apart).
    pub fn check<T: serde::Serialize>(&self, input: &str, value: Option<T>) -> Result<Option<T>, String> {
        let Some(value) = value else { return Ok(None) };
        let json = serde_json::to_value(&value).map_err(|e| format!("input `{}`: {e}", shorten(input)))?;
        let mut problems = Problems::new("input");
        check_value(self.schema(), &json, &shorten(input), &mut problems);
        problems.into_result().map(|()| Some(value))
    }
}

/// How many problems an answer spells out.
pub const LISTED_PROBLEMS: usize = 10;

/// The problems found: the first few written out, the others only counted (and never formatted).
struct Problems {
    /// What a value is called in messages: `argument`, `input`.
    noun: &'static str,
    listed: Vec<String>,
    more: usize,
}

impl Problems {
    fn new(noun: &'static str) -> Self {
        Problems { noun, listed: Vec::new(), more: 0 }
    }

    fn push(&mut self, problem: impl FnOnce() -> String) {
        if self.listed.len() < LISTED_PROBLEMS { self.listed.push(problem()) } else { self.more += 1 }
    }

    fn into_result(self) -> Result<(), String> {
        match self.more {
            _ if self.listed.is_empty() => Ok(()),
            0 => Err(self.listed.join("; ")),
            more => Err(format!("{}; and {more} more problem{}", self.listed.join("; "), if more == 1 { "" } else { "s" })),
        }
    }
}

fn check_value(schema: &Value, value: &Value, path: &str, problems: &mut Problems) {
    let Value::Object(schema_object) = schema else {
        return;
    };
    let types: Vec<&str> = match schema_object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let known: Vec<&str> = types.into_iter().filter(|t| KNOWN_TYPES.contains(t)).collect();
    if !known.is_empty() && !known.iter().any(|t| has_type(value, t)) {
        let expected: Vec<&str> = known.iter().map(|t| article(t)).collect();
        let noun = problems.noun;
        problems.push(|| format!("{noun} `{path}` must be {}, got {}", expected.join(" or "), describe(value)));
        return;
    }
    if let Some(Value::Array(allowed)) = schema_object.get("enum")
        && !allowed.is_empty()
        && !allowed.iter().any(|a| same_json(a, value))
    {
        let noun = problems.noun;
        problems.push(|| {
            let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
            format!("{noun} `{path}` must be one of {}", allowed.join(", "))
        });
        return;
    }
    if let Some(expected) = schema_object.get("const")
        && !same_json(expected, value)
    {
        let noun = problems.noun;
        problems.push(|| format!("{noun} `{path}` must be {expected}"));
        return;
    }
    check_bounds(schema_object, value, path, problems);
    match value {
        Value::Object(object) => check_object(schema, object, path, problems),
        Value::Array(items) => {
            if let Some(item_schema) = schema_object.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check_value(item_schema, item, &format!("{path}[{i}]"), problems);
                }
            }
        }
        _ => {}
    }
}

const KNOWN_TYPES: [&str; 7] = ["string", "integer", "number", "boolean", "array", "object", "null"];

fn check_object(schema: &Value, object: &Map<String, Value>, path: &str, problems: &mut Problems) {
    let Value::Object(schema) = schema else {
        return;
    };
    let join = |name: &str| {
        let name = shorten(name);
        if path.is_empty() { name.into_owned() } else { format!("{path}.{name}") }
    };
    let required: Vec<&str> =
        schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    for name in &required {
        if matches!(object.get(*name), None | Some(Value::Null)) {
            let noun = problems.noun;
            problems.push(|| format!("missing required {noun} `{}`", join(name)));
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (name, value) in object {
        match properties.and_then(|p| p.get(name)) {
            Some(_) if value.is_null() && !required.contains(&name.as_str()) => {}
            Some(_) if value.is_null() => {} // reported as missing above
            Some(property) => check_value(property, value, &join(name), problems),
            None => match schema.get("additionalProperties") {
                Some(Value::Bool(false)) => problems.push(|| {
                    let noun = "argument";
                    let mut known: Vec<&str> = properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                    known.sort_unstable();
                    let hint = if known.is_empty() { " (this takes no arguments)".to_owned() } else { format!(" (expected: {})", known.join(", ")) };
                    format!("unknown {noun} `{}`{hint}", join(name))
                }),
                Some(extra @ Value::Object(_)) => check_value(extra, value, &join(name), problems),
                _ => {}
            },
        }
    }
}

/// The validation keywords [`validate_arguments`] and [`InputSchema`] enforce beyond `type`,
/// `properties`, `required`, `additionalProperties` and `items`: the generator refuses any other.
pub const CONSTRAINT_KEYWORDS: [&str; 11] =
    ["enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"];

/// Length, range and pattern constraints on one value (those that apply to its JSON type).
fn check_bounds(schema: &Map<String, Value>, value: &Value, path: &str, problems: &mut Problems) {
    let noun = problems.noun;
    match value {
        Value::String(text) => {
            let length = || text.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && length() < min
            {
                problems.push(|| format!("{noun} `{path}` must be at least {min} character{} long", plural(min)));
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && length() > max
            {
                problems.push(|| format!("{noun} `{path}` must be at most {max} character{} long", plural(max)));
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                match pattern_matches(pattern, text) {
                    Some(true) => {}
                    Some(false) => problems.push(|| format!("{noun} `{path}` must match the pattern `{pattern}`")),
                    None => problems.push(|| format!("{noun} `{path}` cannot be checked against the pattern `{pattern}`")),
                }
            }
        }
        Value::Number(number) => {
            let bound = |keyword: &str, holds: fn(std::cmp::Ordering) -> bool, words: &str, problems: &mut Problems| {
                if let Some(Value::Number(limit)) = schema.get(keyword)
                    && !compare(number, limit).is_some_and(holds)
                {
                    problems.push(|| format!("{noun} `{path}` must be {words} {limit}"));
                }
            };
            bound("minimum", std::cmp::Ordering::is_ge, "at least", problems);
            bound("maximum", std::cmp::Ordering::is_le, "at most", problems);
            bound("exclusiveMinimum", std::cmp::Ordering::is_gt, "greater than", problems);
            bound("exclusiveMaximum", std::cmp::Ordering::is_lt, "less than", problems);
        }
        Value::Array(items) => {
            let count = items.len() as u64;
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && count < min
            {
                problems.push(|| format!("{noun} `{path}` must have at least {min} item{}", plural(min)));
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && count > max
            {
                problems.push(|| format!("{noun} `{path}` must have at most {max} item{}", plural(max)));
            }
        }
        _ => {}
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Two numbers compared exactly when both are integers, else as doubles.
fn compare(a: &serde_json::Number, b: &serde_json::Number) -> Option<std::cmp::Ordering> {
    let integer = |n: &serde_json::Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    match (integer(a), integer(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// JSON equality as JSON Schema defines it for `enum` and `const`: numbers by value (`1` is `1.0`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare(x, y) == Some(std::cmp::Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w))),
        _ => a == b,
    }
}

/// Whether `text` contains a match of `pattern` (JSON Schema patterns are not anchored); `None` when
/// the pattern cannot be compiled, or patterns cannot be checked in this build.
#[cfg(feature = "pattern")]
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, PoisonError};
    // Patterns come from the generated code, never from requests: the cache is bounded by the spec.
    static COMPILED: Mutex<Option<HashMap<String, Option<Arc<regex::Regex>>>>> = Mutex::new(None);
    let regex = {
        let mut compiled = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
        let compiled = compiled.get_or_insert_with(HashMap::new);
        match compiled.get(pattern) {
            Some(regex) => regex.clone(),
            None => {
                let regex = regex::Regex::new(pattern).ok().map(Arc::new);
                compiled.insert(pattern.to_owned(), regex.clone());
                regex
            }
        }
    };
    regex.map(|r| r.is_match(text))
}

/// Without the `pattern` feature (which the generator enables for every spec that states a pattern)
/// no pattern can be checked: the value is refused rather than let through unchecked.
#[cfg(not(feature = "pattern"))]
fn pattern_matches(_pattern: &str, _text: &str) -> Option<bool> {
    None
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_i64().is_some() || value.as_u64().is_some() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn article(ty: &str) -> &'static str {
    match ty {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "array" => "an array",
        "object" => "an object",
        _ => "null",
    }
}

#[cfg(all(test, feature = "mcp"))]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::mcp::test_support::*;

    #[test]
    fn valid_arguments_pass() {
        let ok = json!({"zone": "fr-par-1", "per_page": 5, "tags": ["a", "b"], "body": {"x": 1}});
        assert_eq!(validate_arguments(&schema(), &args(ok)), Ok(()));
        // `null` for an optional argument means "not given"; 5.0 is an integer in JSON Schema.
        assert_eq!(validate_arguments(&schema(), &args(json!({"zone": "z", "per_page": 5.0, "tags": null}))), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_by_argument_name() {
        let bad = json!({"per_page": "five", "tags": ["a", 2], "colour": "red"});
        let message = validate_arguments(&schema(), &args(bad)).unwrap_err();
        assert_eq!(
            message,
            "missing required argument `zone`; argument `per_page` must be an integer, got a string; \
             argument `tags[1]` must be a string, got an integer; unknown argument `colour` (expected: body, per_page, tags, zone)"
        );
        let null_required = validate_arguments(&schema(), &args(json!({"zone": null}))).unwrap_err();
        assert_eq!(null_required, "missing required argument `zone`");
    }

    #[test]
    fn nested_objects_and_enums_are_checked() {
        let schema = json!({"type": "object", "properties": {"body": {"type": "object", "properties": {
            "size": {"type": ["integer", "null"]}, "kind": {"enum": ["a", "b"]}}, "required": ["kind"], "additionalProperties": false}}});
        assert_eq!(validate_arguments(&schema, &args(json!({"body": {"kind": "a", "size": null}}))), Ok(()));
        let message = validate_arguments(&schema, &args(json!({"body": {"kind": "c", "size": 1.5, "extra": 1}}))).unwrap_err();
        assert_eq!(
            message,
            "argument `body.kind` must be one of \"a\", \"b\"; argument `body.size` must be an integer or null, got a number; \
             unknown argument `body.extra` (expected: kind, size)"
        );
    }

    #[test]
    fn bounds_lengths_patterns_and_constants_are_checked() {
        let schema = json!({"type": "object", "properties": {
            "n": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10},
            "big": {"type": "integer", "maximum": 9_007_199_254_740_993_u64},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1.5},
            "name": {"type": "string", "minLength": 2, "maxLength": 3},
            "tags": {"type": "array", "minItems": 1, "maxItems": 2},
            "kind": {"enum": [1, "one"]},
            "fixed": {"const": {"a": [1]}}}});
        let ok = json!({"n": 9, "big": 9_007_199_254_740_993_u64, "ratio": 1.5, "name": "été", "tags": ["a"], "kind": 1.0, "fixed": {"a": [1.0]}});
        assert_eq!(validate_arguments(&schema, &args(ok)), Ok(()), "1.0 is the enum's 1; é is one character");
        let bad = json!({"n": 10, "big": 9_007_199_254_740_994_u64, "ratio": 0, "name": "x", "tags": [], "kind": 2, "fixed": {"a": [2]}});
        assert_eq!(
            validate_arguments(&schema, &args(bad)).unwrap_err(),
            "argument `n` must be less than 10; argument `big` must be at most 9007199254740993; argument `ratio` must be greater than 0; \
             argument `name` must be at least 2 characters long; argument `tags` must have at least 1 item; \
             argument `kind` must be one of 1, \"one\"; argument `fixed` must be {\"a\":[1]}"
        );
        let short = validate_arguments(&schema, &args(json!({"name": "abcd"}))).unwrap_err();
        assert_eq!(short, "argument `name` must be at most 3 characters long");
    }

    #[test]
    fn patterns_search_unanchored_and_are_refused_without_the_feature() {
        let schema = json!({"type": "object", "properties": {"zone": {"type": "string", "pattern": "par-[1-3]"}}});
        let outcome = validate_arguments(&schema, &args(json!({"zone": "fr-par-2"})));
        if cfg!(feature = "pattern") {
            assert_eq!(outcome, Ok(()));
            let bad = validate_arguments(&schema, &args(json!({"zone": "fr-par-4"}))).unwrap_err();
            assert_eq!(bad, "argument `zone` must match the pattern `par-[1-3]`");
        } else {
            assert_eq!(outcome.unwrap_err(), "argument `zone` cannot be checked against the pattern `par-[1-3]`");
        }
    }

    #[test]
    fn a_rest_input_is_checked_in_its_own_type() {
        let schema = InputSchema::new(r#"{"type":"integer","minimum":1}"#);
        assert_eq!(schema.check("per_page", Some(5_i64)), Ok(Some(5)));
        assert_eq!(schema.check::<i64>("per_page", None), Ok(None), "absence is `required`'s business");
        assert_eq!(schema.check("per_page", Some(0_i64)), Err("input `per_page` must be at least 1".to_owned()));
    }

    #[test]
    fn many_problems_are_counted_not_listed() {
        let mut arguments = args(json!({"zone": "z"}));
        for i in 0..100_000 {
            arguments.insert(format!("unknown-{i}-{}", "x".repeat(100)), Value::Null);
        }
        let message = validate_arguments(&schema(), &arguments).unwrap_err();
        assert!(message.ends_with("; and 99990 more problems"), "{}", &message[message.len() - 60..]);
        assert_eq!(message.matches("unknown argument").count(), LISTED_PROBLEMS);
        assert!(message.len() < 4096, "{} bytes", message.len());
    }

    #[test]
    fn spec_written_schemas_are_read_leniently() {
        // Unknown keywords, unknown type names, a malformed `required`, no `additionalProperties`.
        let schema = json!({"type": "object", "required": "zone", "properties": {
            "zone": {"type": "uuid", "format": "uuid"}, "n": {"type": 5}, "any": true}});
        assert_eq!(validate_arguments(&schema, &args(json!({"zone": 1, "n": "x", "any": [], "other": {}}))), Ok(()));
        assert_eq!(validate_arguments(&json!("not a schema"), &args(json!({"a": 1}))), Ok(()));
        let no_arguments = json!({"type": "object", "additionalProperties": false});
        assert_eq!(validate_arguments(&no_arguments, &args(json!({"a": 1}))).unwrap_err(), "unknown argument `a` (this takes no arguments)");
    }
}
