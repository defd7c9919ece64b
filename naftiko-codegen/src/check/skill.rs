//! Skill exposes: at least one skill, unique skill and tool names, each tool either derived `from` a
//! sibling REST operation or MCP tool that exists or read from an `instruction` file under the skill's
//! `location`, and the folders and files a server reads at run time.

use std::collections::BTreeMap;

use crate::source::{Span, Spanned};
use crate::spec::model::*;

use super::diagnostic::{Code, Diagnostic};
use super::mcp::{location_exists, location_path};

/// Checks every skill of a skill expose of `cap`.
pub fn skills(cap: &Capability, expose: &SkillExpose, diags: &mut Vec<Diagnostic>) {
    if expose.skills.is_empty() {
        diags.push(
            Diagnostic::new(Code::MissingKey, expose.kind.span, "a `skill` expose has no `skills`")
                .label("nothing to serve")
                .hint("add `skills: [{name: my-skill, description: …, tools: [{name: …, from: {sourceNamespace: …, action: …}}]}]`"),
        );
    }
    let mut names: BTreeMap<&str, Span> = BTreeMap::new();
    for skill in &expose.skills {
        let Some(name) = &skill.name else {
            diags.push(Diagnostic::new(Code::MissingKey, skill.span, "a skill has no `name`").label("`name` missing here"));
            continue;
        };
        duplicate(&mut names, name, "skill", "agents fetch skills by name (`GET /skills/{name}`)", diags);
        if !name.value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || name.value.is_empty() {
            diags.push(
                Diagnostic::new(Code::InvalidValue, name.span, format!("skill name `{}` is not kebab-case", name.value))
                    .label("expected letters, digits and `-`")
                    .hint("the name is a path segment of `/skills/{name}` and the skill's folder name: use letters, digits and `-`"),
            );
        }
        if let Some(location) = &skill.location {
            location_exists(location, "directory", diags);
        }
        let mut tools: BTreeMap<&str, Span> = BTreeMap::new();
        for tool in &skill.tools {
            let Some(tool_name) = &tool.name else {
                diags.push(Diagnostic::new(Code::MissingKey, tool.span, "a skill tool has no `name`").label("`name` missing here"));
                continue;
            };
            duplicate(&mut tools, tool_name, "skill tool", "a skill lists each tool once", diags);
            match (&tool.from, &tool.instruction) {
                (Some(from), None) => derived(cap, from, tool_name, diags),
                (None, Some(instruction)) => instruction_file(skill, name, instruction, diags),
                (Some(from), Some(_)) => diags.push(
                    Diagnostic::new(Code::SkillToolSource, from.span, format!("skill tool `{}` has both `from` and `instruction`", tool_name.value))
                        .label("derived from a sibling expose")
                        .hint("a tool is either derived from a sibling REST operation or MCP tool (`from`) or an instruction file (`instruction`): keep one"),
                ),
                (None, None) => diags.push(
                    Diagnostic::new(Code::SkillToolSource, tool.span, format!("skill tool `{}` has neither `from` nor `instruction`", tool_name.value))
                        .label("nothing describes it")
                        .hint("add `from: {sourceNamespace: <rest or mcp namespace>, action: <operation or tool>}` or `instruction: file.md` (under the skill's `location`)"),
                ),
            }
        }
    }
}

fn duplicate<'a>(seen: &mut BTreeMap<&'a str, Span>, name: &'a Spanned<String>, what: &str, why: &str, diags: &mut Vec<Diagnostic>) {
    match seen.get(name.value.as_str()) {
        Some(first) => diags.push(
            Diagnostic::new(Code::DuplicateSkill, name.span, format!("{what} `{}` is declared twice", name.value))
                .label("second declaration")
                .related(*first, "first declared here")
                .hint(format!("{why}; rename one")),
        ),
        None => {
            seen.insert(&name.value, name.span);
        }
    }
}

/// `from`: a sibling `rest` expose and one of its operations, or an `mcp` expose and one of its tools.
fn derived(cap: &Capability, from: &SkillToolFrom, tool: &Spanned<String>, diags: &mut Vec<Diagnostic>) {
    let (Some(namespace), Some(action)) = (&from.source_namespace, &from.action) else { return }; // reported by the reader
    let siblings: Vec<(&Spanned<String>, Vec<&str>)> = cap
        .exposes
        .iter()
        .filter_map(|e| match e {
            Expose::Rest(r) => Some((
                r.namespace.as_ref()?,
                r.resources.iter().flat_map(|res| &res.operations).filter_map(|o| action_name(cap, &o.name, &o.invocation)).collect(),
            )),
            Expose::Mcp(m) => Some((m.namespace.as_ref()?, m.tools.iter().filter_map(|t| action_name(cap, &t.name, &t.invocation)).collect())),
            _ => None,
        })
        .collect();
    let Some((_, actions)) = siblings.iter().find(|(ns, _)| ns.value == namespace.value) else {
        let known: Vec<String> = siblings.iter().map(|(ns, _)| format!("`{}`", ns.value)).collect();
        diags.push(
            Diagnostic::new(
                Code::SkillToolRef,
                namespace.span,
                format!("skill tool `{}` is derived from `{}`, which is no `rest` or `mcp` expose", tool.value, namespace.value),
            )
            .label("unknown namespace")
            .hint(if known.is_empty() {
                "declare a `rest` or `mcp` expose whose operations or tools the skill describes".to_owned()
            } else {
                format!("`rest` and `mcp` exposes: {}", known.join(", "))
            }),
        );
        return;
    };
    if !actions.contains(&action.value.as_str()) {
        let known: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
        diags.push(
            Diagnostic::new(Code::SkillToolRef, action.span, format!("`{}` has no operation or tool `{}`", namespace.value, action.value))
                .label("unknown action")
                .hint(if known.is_empty() {
                    format!("`{}` declares no named operations or tools", namespace.value)
                } else {
                    format!("actions of `{}`: {}", namespace.value, known.join(", "))
                }),
        );
    }
}

/// The name an agent calls an operation or tool by: its own, else that of the function its `ref` names.
fn action_name<'c>(cap: &'c Capability, name: &'c Option<Spanned<String>>, invocation: &'c Invocation) -> Option<&'c str> {
    if let Some(name) = name {
        return Some(&name.value);
    }
    let reference = invocation.reference.as_ref()?;
    let (ns, function) = reference.value.split_once('.')?;
    cap.aggregates
        .iter()
        .filter(|a| a.namespace.as_ref().is_some_and(|n| n.value == ns))
        .flat_map(|a| &a.functions)
        .find_map(|f| f.name.as_ref().filter(|n| n.value == function))
        .map(|n| n.value.as_str())
}

/// `instruction`: a plain relative path under the skill's `location`, which must exist.
fn instruction_file(skill: &Skill, name: &Spanned<String>, instruction: &Spanned<String>, diags: &mut Vec<Diagnostic>) {
    let Some(location) = &skill.location else {
        diags.push(
            Diagnostic::new(Code::MissingKey, instruction.span, format!("skill `{}` has no `location`, where its instruction files are", name.value))
                .label("relative to the skill's `location`")
                .hint("add `location: file:///./skills/<name>` to the skill: its folder holds SKILL.md and the instruction files"),
        );
        return;
    };
    let plain = !instruction.value.is_empty()
        && instruction
            .value
            .split('/')
            .all(|s| !s.is_empty() && !s.starts_with('.') && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')));
    if !plain {
        diags.push(
            Diagnostic::new(Code::InvalidValue, instruction.span, format!("`instruction: {}` is not a plain relative path", instruction.value))
                .label("served only from inside the skill's folder")
                .hint("name a file under the skill's `location` with `/`-separated names of letters, digits, `.`, `_` and `-` (no `..`, no hidden files)"),
        );
        return;
    }
    let Some(dir) = location_path(&location.value) else { return }; // reported with the location
    if dir.is_dir() && !dir.join(&instruction.value).is_file() {
        diags.push(
            Diagnostic::new(Code::MissingLocation, instruction.span, format!("no file `{}` under `{}`", instruction.value, dir.display()))
                .label("read when the server starts")
                .hint("a relative `file:///./…` location is resolved from the server's working directory (or `serve --root DIR`); the compiler looked from its own"),
        );
    }
}
