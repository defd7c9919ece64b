//! Constraints on exposed inputs — `pattern` and `enum` on input parameters, the validation keywords of
//! a tool's `inputSchema` — are enforced by the generated adapters: each one must be something they
//! can check, so that none is accepted and then ignored.

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::spec::model::{Capability, Expose, ExposedParameter};

/// Validation keywords the adapters enforce beyond the structure (`type`, `properties`, `required`,
/// `additionalProperties`, `items`); the runtime's validator checks exactly these.
pub const CONSTRAINT_KEYWORDS: [&str; 11] =
    ["enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"];

const STRUCTURE_KEYWORDS: [&str; 5] = ["type", "properties", "required", "additionalProperties", "items"];

/// Keywords that describe and never constrain (`format` is an annotation in JSON Schema 2020-12).
const ANNOTATIONS: [&str; 12] =
    ["description", "title", "default", "examples", "example", "format", "deprecated", "readOnly", "writeOnly", "$comment", "$schema", "$id"];

pub(super) fn constraints(cap: &Capability, diags: &mut Vec<Diagnostic>) {
    let mut params: Vec<&ExposedParameter> = cap.aggregates.iter().flat_map(|a| &a.functions).flat_map(|f| &f.input_parameters).collect();
    for e in &cap.exposes {
        match e {
            Expose::Rest(r) => {
                for res in &r.resources {
                    params.extend(&res.input_parameters);
                    params.extend(res.operations.iter().flat_map(|o| &o.input_parameters));
                }
            }
            Expose::Mcp(m) => {
                for tool in &m.tools {
                    params.extend(&tool.input_parameters);
                    if let Some(schema) = &tool.input_schema {
                        input_schema(schema, diags);
                    }
                }
            }
            _ => {}
        }
    }
    for p in params {
        parameter(p, diags);
    }
}

fn parameter(p: &ExposedParameter, diags: &mut Vec<Diagnostic>) {
    let kind = p.kind.as_ref().map_or("string", |k| k.value.as_str());
    if let Some(pattern) = &p.pattern {
        if kind != "string" {
            diags.push(
                Diagnostic::new(Code::InvalidValue, pattern.span, format!("`pattern` constrains strings, but this input is `type: {kind}`"))
                    .label("never applies")
                    .hint("remove `pattern`, or make the input `type: string`"),
            );
        }
        if let Err(problem) = regex_syntax::Parser::new().parse(&pattern.value) {
            diags.push(bad_pattern(&pattern.value, &problem.to_string(), pattern.span));
        }
    }
    if let Some(allowed) = &p.allowed {
        match &allowed.value {
            Value::Array(values) if !values.is_empty() => {}
            _ => diags.push(
                Diagnostic::new(Code::InvalidValue, allowed.span, "`enum` must list the values allowed")
                    .label("not a non-empty list")
                    .hint("write `enum: [a, b]`"),
            ),
        }
    }
}

/// Every keyword of a tool's `inputSchema` (at any depth) must be one the adapters enforce or an
/// annotation; each `pattern` must parse. The schema is one value in the spec: diagnostics point at
/// it and name the keyword's place.
fn input_schema(schema: &Spanned<Value>, diags: &mut Vec<Diagnostic>) {
    let mut problems = Vec::new();
    walk(&schema.value, "inputSchema", &mut problems);
    for problem in problems {
        let d = match problem {
            Problem::Pattern { place, pattern, why } => bad_pattern(&pattern, &why, schema.span).label(format!("at `{place}`")),
            Problem::Unsupported { place, keyword } => {
                Diagnostic::new(Code::Unsupported, schema.span, format!("{keyword} (at `{place}`) is not supported by this compiler yet"))
                    .label("not enforced by the generated adapters")
                    .hint(format!(
                        "use only {} and the structural keywords ({}), or check the value in a `Handlers` override",
                        CONSTRAINT_KEYWORDS.join(", "),
                        STRUCTURE_KEYWORDS.join(", ")
                    ))
            }
        };
        diags.push(d);
    }
}

/// What [`walk`] finds wrong in a schema.
enum Problem {
    /// A keyword the adapters do not enforce (`oneOf`, `items` as a list…).
    Unsupported { place: String, keyword: String },
    /// A `pattern` that is not a regular expression the adapters can check.
    Pattern { place: String, pattern: String, why: String },
}

fn walk(schema: &Value, place: &str, problems: &mut Vec<Problem>) {
    let Value::Object(schema) = schema else { return };
    for (keyword, value) in schema {
        let unsupported = |keyword: String| Problem::Unsupported { place: place.to_owned(), keyword };
        match (keyword.as_str(), value) {
            ("properties", _) => {
                for (name, property) in value.as_object().into_iter().flatten() {
                    walk(property, &format!("{place}.properties.{name}"), problems);
                }
            }
            // The list form (one schema per position) is not JSON Schema 2020-12's, and not checked.
            ("items", Value::Array(_)) => problems.push(unsupported("`items` as a list".to_owned())),
            ("items" | "additionalProperties", _) => walk(value, &format!("{place}.{keyword}"), problems),
            ("pattern", Value::String(pattern)) => {
                if let Err(problem) = regex_syntax::Parser::new().parse(pattern) {
                    problems.push(Problem::Pattern { place: place.to_owned(), pattern: pattern.clone(), why: problem.to_string() });
                }
            }
            ("pattern", other) => problems.push(Problem::Pattern {
                place: place.to_owned(),
                pattern: other.to_string(),
                why: "error: a pattern is a string".to_owned(),
            }),
            (k, _) if STRUCTURE_KEYWORDS.contains(&k) || CONSTRAINT_KEYWORDS.contains(&k) || ANNOTATIONS.contains(&k) || k.starts_with("x-") => {}
            (other, _) => problems.push(unsupported(format!("`{other}`"))),
        }
    }
}

fn bad_pattern(pattern: &str, problem: &str, at: Span) -> Diagnostic {
    let first_line = problem.lines().find(|l| l.trim_start().starts_with("error:")).unwrap_or(problem.lines().last().unwrap_or_default());
    Diagnostic::new(
        Code::InvalidValue,
        at,
        format!("the pattern `{pattern}` cannot be enforced: {}", first_line.trim().trim_start_matches("error: ")),
    )
    .label("not a regular expression the adapters can check")
    .hint("patterns are Rust `regex` syntax, close to JSON Schema's ECMA-262 without look-around or back-references")
}
