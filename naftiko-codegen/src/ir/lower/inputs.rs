//! The inputs of one exposed operation, built from path variables, declarations and references.

use serde_json::Value;

use crate::ir::ident::{self, Scope, same_name};
use crate::ir::model::*;

#[derive(Clone, Copy)]
pub(super) enum Surface<'a> {
    Rest { vars: &'a [String], method: Method },
    Mcp,
}

/// Exposed inputs of one operation, built from path variables, declarations and references.
pub(super) struct InputBuilder {
    pub(super) inputs: Vec<Input>,
    pub(super) fields: Scope,
    /// Inputs were declared: references to other names are errors, not derivations.
    pub(super) declared_mode: bool,
    pub(super) used: Vec<usize>,
    /// A derived REST input named `body` is the whole JSON body (custom operations' arguments have no
    /// consumed location to say otherwise).
    pub(super) whole_body_name: bool,
    /// Declared inputs with a fixed `value`: not read from the request; what refers to them gets the value.
    pub(super) constants: Vec<(String, serde_json::Value)>,
}

impl InputBuilder {
    pub(super) fn find(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name).or_else(|| self.inputs.iter().position(|i| same_name(&i.name, name)))
    }

    pub(super) fn push(&mut self, name: &str, location: InputLocation, ty: ParamType, required: bool, description: Option<String>) -> usize {
        let field = self.fields.name(ident::snake(name), name).ident;
        self.inputs.push(Input {
            name: name.to_owned(),
            field,
            location,
            ty,
            required,
            description,
            path: None,
            constraints: serde_json::Map::new(),
        });
        self.inputs.len() - 1
    }

    /// The fixed value of a declared input named `name`.
    pub(super) fn constant(&self, name: &str) -> Option<&serde_json::Value> {
        self.constants.iter().find(|(n, _)| n == name || same_name(n, name)).map(|(_, v)| v)
    }

    /// The input a reference names, derived from the consumed parameter when inputs are not declared.
    pub(super) fn reference(&mut self, name: &str, p: &Param, surface: &Surface<'_>) -> Option<usize> {
        let found = self.find(name).or_else(|| {
            if self.declared_mode {
                return None;
            }
            let location = match surface {
                Surface::Mcp => InputLocation::Argument,
                Surface::Rest { .. } => match p.location {
                    ParamLocation::Path | ParamLocation::Query | ParamLocation::Template => InputLocation::Query,
                    ParamLocation::Header => InputLocation::Header,
                    ParamLocation::Cookie => InputLocation::Cookie,
                    ParamLocation::BodyField if self.whole_body_name && name == "body" => InputLocation::Body,
                    ParamLocation::BodyField => InputLocation::BodyField,
                    ParamLocation::Body => InputLocation::Body,
                },
            };
            let index = self.push(name, location, p.ty, p.required, p.description.clone());
            self.inputs[index].constraints = p.constraints.clone();
            Some(index)
        })?;
        if !self.used.contains(&found) {
            self.used.push(found);
        }
        Some(found)
    }
}

/// `rest.p`, `tools.p`, `<expose-namespace>.p`, `$this.<ns>.p` → `p`; anything else is not a reference.
pub(super) fn input_reference<'s>(s: &'s str, expose_namespaces: &[String]) -> Option<&'s str> {
    let rest = s.strip_prefix("$this.").map_or(s, |r| r.split_once('.').map_or(r, |(_, p)| p));
    if rest.len() != s.len() {
        return Some(rest);
    }
    let (prefix, name) = s.split_once('.')?;
    (prefix == "rest" || prefix == "tools" || prefix == "mcp" || expose_namespaces.iter().any(|n| n == prefix))
        .then_some(name)
        .filter(|n| !n.is_empty())
}

/// Inside `{{…}}`: `rest.p`/`tools.p`/`ns.p` name input `p`; a bare name is itself.
pub(super) fn strip_input_prefix<'s>(r: &'s str, expose_namespaces: &[String]) -> &'s str {
    input_reference(r, expose_namespaces).unwrap_or(r)
}

/// The constraints an input parameter declares (`pattern`, `enum`), as JSON Schema keywords.
pub(super) fn declared_constraints(d: &crate::spec::model::ExposedParameter) -> serde_json::Map<String, Value> {
    let mut constraints = serde_json::Map::new();
    if let Some(pattern) = &d.pattern {
        constraints.insert("pattern".into(), Value::from(pattern.value.as_str()));
    }
    if let Some(allowed) = &d.allowed {
        constraints.insert("enum".into(), allowed.value.clone());
    }
    constraints
}

/// What a schema property states beyond its type (checked by `check::constraints`): its validation
/// keywords, and the structure of an object or array value (`properties`, `required`,
/// `additionalProperties`, `items`), so that a REST input derived from it is held to all of it, as the
/// tool's arguments are.
pub(super) fn schema_constraints(prop: &Value) -> serde_json::Map<String, Value> {
    const STRUCTURE: [&str; 4] = ["properties", "required", "additionalProperties", "items"];
    prop.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| crate::check::constraints::CONSTRAINT_KEYWORDS.contains(&k.as_str()) || STRUCTURE.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let ns = vec!["instance-snapshots-rest".to_owned()];
        assert_eq!(input_reference("rest.zone", &ns), Some("zone"));
        assert_eq!(input_reference("tools.snapshot_id", &ns), Some("snapshot_id"));
        assert_eq!(input_reference("instance-snapshots-rest.zone", &ns), Some("zone"));
        assert_eq!(input_reference("$this.x.zone", &ns), Some("zone"));
        assert_eq!(input_reference("application/json", &ns), None);
        assert_eq!(input_reference("v1.2", &ns), None);
    }
}
