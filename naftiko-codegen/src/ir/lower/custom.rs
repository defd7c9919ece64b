//! MCP tools with no `call`: `Handlers` methods the user implements.

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::ir::ident::{self, Scope};
use crate::ir::model::*;
use crate::source::Spanned;
use crate::spec::model as spec;

use super::{Lowering, ScopeKind, report_rename, text};

impl Lowering<'_> {
    /// MCP tools with no `call` (DESIGN §3.12 leaves their behaviour to the user): each becomes a
    /// `Handlers` method with typed arguments, callable by the tool and by REST operations that name
    /// the tool (`call: tool-name`). Lowered before the exposes so that either may refer to them.
    pub(super) fn lower_custom_tools(&mut self) {
        let tools = self.cap.exposes.iter().filter_map(|e| match e {
            spec::Expose::Mcp(m) => Some(&m.tools),
            _ => None,
        });
        for tool in tools.flatten().filter(|t| crate::check::is_custom_tool(t)) {
            let Some(name) = &tool.name else { continue };
            if self.custom_index.contains_key(&name.value) {
                continue; // a duplicate tool, reported by check
            }
            let method_name = self.named(ScopeKind::Ops, ident::snake(&name.value), name, "operation");
            let input_type = self.named(ScopeKind::Types, ident::camel_with_suffix(&name.value, "Input"), name, "type");
            let mut fields = Scope::default();
            let mut params: Vec<Param> = Vec::new();
            let mut add = |l: &mut Self, pname: &Spanned<String>, ty: ParamType, required: bool, description: Option<String>, constraints| {
                if params.iter().any(|p| p.name == pname.value) {
                    return;
                }
                let field = report_rename(fields.name(ident::snake(&pname.value), &pname.value), pname, "field", l.diags);
                let location = ParamLocation::BodyField;
                params.push(Param { name: pname.value.clone(), field, location, ty, required, description, fixed: None, constraints });
            };
            for d in &tool.input_parameters {
                let Some(pname) = &d.name else { continue };
                let ty = self.param_type(d.kind.as_ref()).unwrap_or(ParamType::String);
                add(self, pname, ty, d.required.as_ref().is_none_or(|r| r.value), text(&d.description), super::inputs::declared_constraints(d));
            }
            if let Some(schema) = &tool.input_schema {
                let required: Vec<&str> =
                    schema.value.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                for (pname, prop) in schema.value.get("properties").and_then(Value::as_object).into_iter().flatten() {
                    let description = prop.get("description").and_then(Value::as_str).map(str::to_owned);
                    add(
                        self,
                        &Spanned::new(pname.clone(), schema.span),
                        schema_param_type(prop),
                        required.contains(&pname.as_str()),
                        description,
                        super::inputs::schema_constraints(prop),
                    );
                }
            }
            self.diags.push(
                Diagnostic::new(Code::CustomTool, name.span, format!("tool `{}` has no `call`: it is generated as `Handlers::{}`, for you to implement", name.value, method_name.trim_start_matches("r#")))
                    .label("implemented in Rust, not in the spec")
                    .hint("until a `Handlers` implementation overrides it, the tool (and any REST operation calling it) answers 501; add `call: namespace.operation` to forward it upstream instead"),
            );
            self.custom_index.insert(name.value.clone(), self.custom.len());
            self.custom.push(CustomOp {
                name: name.value.clone(),
                method_name,
                input_type,
                summary: text(&tool.description).or_else(|| text(&tool.label)),
                params,
            });
        }
    }
}

/// The parameter type of a JSON Schema property: its `type`, except that an array of anything but
/// strings (and a property without a type) is any JSON value.
pub(super) fn schema_param_type(prop: &Value) -> ParamType {
    match prop.get("type").and_then(Value::as_str).and_then(ParamType::parse) {
        Some(ParamType::Array) => match prop.pointer("/items/type").and_then(Value::as_str) {
            None | Some("string") => ParamType::Array,
            Some(_) => ParamType::Any,
        },
        Some(ty) => ty,
        None => ParamType::Any,
    }
}
