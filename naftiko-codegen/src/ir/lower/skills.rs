//! Skill exposes: each skill's metadata kept as written, its tools resolved to the sibling expose they
//! are derived from, and its folder either the `location` read at run time or a SKILL.md written here.

use std::fmt::Write as _;

use crate::check::mcp::location_path;
use crate::ir::model::*;
use crate::spec::model as spec;

use super::{Lowering, text};

impl Lowering<'_> {
    /// A skill catalog, with what `check` found wrong already reported (and left out here).
    pub(super) fn lower_skill(&mut self, s: &spec::SkillExpose) -> SkillSurface {
        let namespace = s.namespace.as_ref().map_or_else(|| "skill".to_owned(), |n| n.value.clone());
        let port = self.port(s.port.as_ref());
        let auth = s.authentication.as_ref().and_then(|a| self.server_auth(a));
        let mut skills: Vec<SkillDef> = Vec::new();
        for skill in &s.skills {
            let Some(name) = &skill.name else { continue };
            if skills.iter().any(|k| k.name == name.value) {
                continue; // reported by check
            }
            let tools = skill.tools.iter().filter_map(|t| self.skill_tool(t)).collect();
            let mut def = SkillDef {
                name: name.value.clone(),
                description: text(&skill.description),
                license: text(&skill.license),
                compatibility: text(&skill.compatibility),
                metadata: skill.metadata.iter().map(|(k, v)| (k.value.clone(), v.value.clone())).collect(),
                allowed_tools: text(&skill.allowed_tools),
                argument_hint: text(&skill.argument_hint),
                user_invocable: skill.user_invocable.as_ref().map(|b| b.value),
                disable_model_invocation: skill.disable_model_invocation.as_ref().map(|b| b.value),
                folder: SkillFolder::Generated { skill_md: String::new() },
                tools,
            };
            def.folder = match skill.location.as_ref().and_then(|l| location_path(&l.value)) {
                Some(path) => SkillFolder::Location { path: path.to_string_lossy().into_owned() },
                None => SkillFolder::Generated { skill_md: skill_md(&def) },
            };
            skills.push(def);
        }
        SkillSurface { namespace, port, address: text(&s.address), description: text(&s.description), auth, skills }
    }

    fn skill_tool(&self, t: &spec::SkillTool) -> Option<SkillToolDef> {
        let name = t.name.as_ref()?;
        let source = match (&t.from, &t.instruction) {
            (Some(from), None) => {
                let namespace = from.source_namespace.as_ref()?.value.clone();
                let mode = self.cap.exposes.iter().find_map(|e| match e {
                    spec::Expose::Rest(r) if r.namespace.as_ref().is_some_and(|n| n.value == namespace) => Some("rest"),
                    spec::Expose::Mcp(m) if m.namespace.as_ref().is_some_and(|n| n.value == namespace) => Some("mcp"),
                    _ => None,
                })?;
                SkillToolSource::Derived { namespace, action: from.action.as_ref()?.value.clone(), mode: mode.to_owned() }
            }
            (None, Some(file)) => SkillToolSource::Instruction { file: file.value.clone() },
            _ => return None, // reported by check
        };
        Some(SkillToolDef { name: name.value.clone(), description: text(&t.description), source })
    }
}

/// The SKILL.md of a skill with no `location`: Agent Skills front matter (the keys as the spec and the
/// engine's detail endpoint name them, values as YAML double-quoted strings), then what its tools are.
fn skill_md(skill: &SkillDef) -> String {
    let quoted = |s: &str| serde_json::Value::from(s).to_string();
    let mut md = String::from("---\n");
    let _ = writeln!(md, "name: {}", quoted(&skill.name));
    let _ = writeln!(md, "description: {}", quoted(skill.description.as_deref().unwrap_or_default()));
    for (key, value) in [
        ("license", &skill.license),
        ("compatibility", &skill.compatibility),
        ("allowed-tools", &skill.allowed_tools),
        ("argument-hint", &skill.argument_hint),
    ] {
        if let Some(value) = value {
            let _ = writeln!(md, "{key}: {}", quoted(value));
        }
    }
    for (key, value) in [("user-invocable", skill.user_invocable), ("disable-model-invocation", skill.disable_model_invocation)] {
        if let Some(value) = value {
            let _ = writeln!(md, "{key}: {value}");
        }
    }
    if !skill.metadata.is_empty() {
        md.push_str("metadata:\n");
        for (key, value) in &skill.metadata {
            let _ = writeln!(md, "  {}: {}", quoted(key), quoted(value));
        }
    }
    md.push_str("---\n\n");
    let _ = writeln!(md, "# {}", skill.name);
    if let Some(description) = &skill.description {
        let _ = write!(md, "\n{description}\n");
    }
    if !skill.tools.is_empty() {
        md.push_str("\n## Tools\n\n");
        for tool in &skill.tools {
            let how = match &tool.source {
                SkillToolSource::Derived { namespace, action, mode } => {
                    let what = if mode == "rest" { "operation" } else { "tool" };
                    format!("the {} {what} `{action}` of `{namespace}`", mode.to_uppercase())
                }
                SkillToolSource::Instruction { file } => format!("instructions in `{file}`"),
            };
            match &tool.description {
                Some(d) => {
                    let _ = writeln!(md, "- `{}`: {d} ({how})", tool.name);
                }
                None => {
                    let _ = writeln!(md, "- `{}`: {how}", tool.name);
                }
            }
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skill_md_has_front_matter_then_the_tools() {
        let skill = SkillDef {
            name: "fleet-ops".into(),
            description: Some("Fleet \"ops\": ships".into()),
            license: None,
            compatibility: None,
            metadata: vec![("author".into(), "Ops".into())],
            allowed_tools: Some("list-ships".into()),
            argument_hint: None,
            user_invocable: Some(false),
            disable_model_invocation: None,
            folder: SkillFolder::Generated { skill_md: String::new() },
            tools: vec![SkillToolDef {
                name: "list-ships".into(),
                description: Some("List ships".into()),
                source: SkillToolSource::Derived { namespace: "tools".into(), action: "list-ships".into(), mode: "mcp".into() },
            }],
        };
        assert_eq!(
            skill_md(&skill),
            "---\nname: \"fleet-ops\"\ndescription: \"Fleet \\\"ops\\\": ships\"\nallowed-tools: \"list-ships\"\nuser-invocable: false\nmetadata:\n  \"author\": \"Ops\"\n---\n\n# fleet-ops\n\nFleet \"ops\": ships\n\n## Tools\n\n- `list-ships`: List ships (the MCP tool `list-ships` of `tools`)\n"
        );
    }
}
