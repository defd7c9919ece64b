//! Arguments checked against a tool's input schema before anything is sent upstream.

use serde_json::{Map, Value};

use crate::json::shorten;

/// Checks `arguments` against a tool's input schema before any upstream request.
///
/// Covers what our generated schemas use — `type` (a name or a list of names), `properties`,
/// `required`, `additionalProperties`, `items`, `enum` — recursively. Keywords it does not know, and
/// malformed parts of a spec-written schema, are ignored rather than rejected: a schema we cannot read
/// never blocks a call. `null` for an optional property counts as absent (model clients send it for
/// "not given"). Problems are reported each naming its argument, the first [`LISTED_PROBLEMS`] in
/// full and the rest counted, so that the answer to a huge message stays small.
pub fn validate_arguments(schema: &Value, arguments: &Map<String, Value>) -> Result<(), String> {
    let mut problems = Problems::default();
    check_object(schema, arguments, "", &mut problems);
    problems.into_result()
}

/// How many problems an answer spells out.
pub const LISTED_PROBLEMS: usize = 10;

/// The problems found: the first few written out, the others only counted (and never formatted).
#[derive(Default)]
struct Problems {
    listed: Vec<String>,
    more: usize,
}

impl Problems {
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
        problems.push(|| format!("argument `{path}` must be {}, got {}", expected.join(" or "), describe(value)));
        return;
    }
    if let Some(Value::Array(allowed)) = schema_object.get("enum")
        && !allowed.is_empty()
        && !allowed.contains(value)
    {
        problems.push(|| {
            let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
            format!("argument `{path}` must be one of {}", allowed.join(", "))
        });
        return;
    }
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
            problems.push(|| format!("missing required argument `{}`", join(name)));
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
                    let mut known: Vec<&str> = properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                    known.sort_unstable();
                    let hint = if known.is_empty() { " (this takes no arguments)".to_owned() } else { format!(" (expected: {})", known.join(", ")) };
                    format!("unknown argument `{}`{hint}", join(name))
                }),
                Some(extra @ Value::Object(_)) => check_value(extra, value, &join(name), problems),
                _ => {}
            },
        }
    }
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
