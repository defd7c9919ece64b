//! MCP resources and prompts. A resource read from upstream is lowered like a tool whose arguments are
//! its URI's variables (required strings), so it calls, runs steps and shapes replies exactly as a
//! tool does; files and prompt texts are kept as written, to be read or rendered at run time.

use serde_json::{Value, json};

use crate::check::mcp::location_path;
use crate::ir::ident::{self, Scope};
use crate::ir::model::*;
use crate::source::Spanned;
use crate::spec::model as spec;

use super::actions::Exposed;
use super::inputs::Surface;
use super::{Lowering, report_rename, text};

impl Lowering<'_> {
    /// Resources with what `check` found wrong already reported (and left out here).
    pub(super) fn lower_resources(&mut self, m: &spec::McpExpose, fn_names: &mut Scope) -> Vec<ResourceDef> {
        let mut resources = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for r in &m.resources {
            let (Some(name), Some(uri)) = (&r.name, &r.uri) else { continue };
            if seen.contains(&name.value.as_str()) {
                continue; // reported by check
            }
            seen.push(&name.value);
            let source = match &r.location {
                Some(location) => {
                    let Some(path) = location_path(&location.value) else { continue };
                    ResourceSource::Files { path: path.to_string_lossy().into_owned() }
                }
                // Neither a call nor steps: reported by check.
                None if r.invocation.call.is_none() && r.invocation.steps.is_empty() => continue,
                None => {
                    let Some(read) = self.resource_read(r, name, &uri.value, fn_names) else { continue };
                    ResourceSource::Read(Box::new(read))
                }
            };
            resources.push(ResourceDef {
                name: name.value.clone(),
                title: text(&r.label),
                uri: uri.value.clone(),
                description: text(&r.description),
                mime_type: text(&r.mime_type),
                source,
            });
        }
        resources
    }

    /// What reading a dynamic resource runs: a tool-like function of the URI's variables.
    fn resource_read(&mut self, r: &spec::McpResource, name: &Spanned<String>, uri: &str, fn_names: &mut Scope) -> Option<ToolDef> {
        let vars = uri_variables(uri);
        // The variables, as an input schema: the only inputs a `with` or a step may refer to.
        let properties: serde_json::Map<String, Value> =
            vars.iter().map(|v| ((*v).to_owned(), json!({"type": "string", "description": format!("`{{{v}}}` of the resource URI")}))).collect();
        let schema = Spanned::new(json!({"type": "object", "properties": properties, "required": vars, "additionalProperties": false}), r.span);
        let description = text(&r.description);
        let exposed = Exposed {
            invocation: &r.invocation,
            declared: Vec::new(),
            input_schema: Some(&schema),
            owner: r.span,
            custom_self: None,
            origin: format!("resource `{}`", name.value),
            name,
            summary: description.clone(),
        };
        let (inputs, action) = self.action(exposed, Surface::Mcp)?;
        let fn_name =
            report_rename(fn_names.name(format!("resource_{}", ident::snake(&name.value)), &name.value), name, "resource reader", self.diags);
        Some(ToolDef {
            name: name.value.clone(),
            fn_name,
            title: text(&r.label),
            description,
            hints: Hints::default(),
            inputs,
            input_schema: schema.value,
            action,
            output_schema: None,
        })
    }

    pub(super) fn lower_prompts(&mut self, m: &spec::McpExpose) -> Vec<PromptDef> {
        let mut prompts = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for p in &m.prompts {
            let Some(name) = &p.name else { continue };
            if seen.contains(&name.value.as_str()) {
                continue; // reported by check
            }
            seen.push(&name.value);
            let source = match &p.location {
                Some(location) => {
                    let Some(path) = location_path(&location.value) else { continue };
                    PromptSource::File { path: path.to_string_lossy().into_owned() }
                }
                None => PromptSource::Template {
                    messages: p
                        .template
                        .iter()
                        .filter_map(|m| Some(PromptMessage { role: m.role.as_ref()?.value.clone(), content: m.content.as_ref()?.value.clone() }))
                        .collect(),
                },
            };
            let mut arguments: Vec<PromptArgument> = Vec::new();
            for a in &p.arguments {
                let Some(arg) = &a.name else { continue };
                if arguments.iter().any(|known| known.name == arg.value) {
                    continue; // reported by check
                }
                arguments.push(PromptArgument {
                    name: arg.value.clone(),
                    title: text(&a.label),
                    description: text(&a.description),
                    // Required unless said otherwise (the schema's default, and the engine's).
                    required: a.required.as_ref().is_none_or(|r| r.value),
                });
            }
            prompts.push(PromptDef { name: name.value.clone(), title: text(&p.label), description: text(&p.description), arguments, source });
        }
        prompts
    }
}

/// The `{var}` names of a URI template, in order (`check` reported malformed templates).
pub fn uri_variables(uri: &str) -> Vec<&str> {
    uri.split('{').skip(1).filter_map(|after| after.split_once('}').map(|(var, _)| var)).filter(|v| !v.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::uri_variables;

    #[test]
    fn uri_variables_in_order() {
        assert_eq!(uri_variables("data://users/{userId}/posts/{post_id}"), ["userId", "post_id"]);
        assert!(uri_variables("config://app/current").is_empty());
    }
}
