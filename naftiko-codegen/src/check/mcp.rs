//! MCP resources and prompts: one source each (a call, steps or files), unique names and URIs, the
//! roles and placeholders of prompt messages, and the `location`s a server reads at run time.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::source::{Span, Spanned};
use crate::spec::model::*;

use super::diagnostic::{Code, Diagnostic};

/// Checks every resource and prompt of an MCP expose.
pub fn resources_and_prompts(mcp: &McpExpose, diags: &mut Vec<Diagnostic>) {
    let mut names: BTreeMap<&str, Span> = BTreeMap::new();
    let mut uris: BTreeMap<&str, Span> = BTreeMap::new();
    for r in &mcp.resources {
        let Some(name) = required(&r.name, r.span, "an MCP resource has no `name`", diags) else { continue };
        duplicate(&mut names, name, Code::DuplicateResource, "resource", diags);
        let mut template_ok = true;
        if let Some(uri) = required(&r.uri, r.span, &format!("resource `{}` has no `uri`", name.value), diags) {
            duplicate(&mut uris, uri, Code::DuplicateResource, "resource URI", diags);
            template_ok = uri_template(uri, diags);
        }
        resource_source(r, name, template_ok, diags);
    }
    let mut prompts: BTreeMap<&str, Span> = BTreeMap::new();
    for p in &mcp.prompts {
        let Some(name) = required(&p.name, p.span, "an MCP prompt has no `name`", diags) else { continue };
        duplicate(&mut prompts, name, Code::DuplicatePrompt, "prompt", diags);
        prompt(p, name, diags);
    }
}

fn required<'a>(value: &'a Option<Spanned<String>>, owner: Span, message: &str, diags: &mut Vec<Diagnostic>) -> Option<&'a Spanned<String>> {
    if value.is_none() {
        diags.push(Diagnostic::new(Code::MissingKey, owner, message).label("missing here"));
    }
    value.as_ref()
}

fn duplicate<'a>(seen: &mut BTreeMap<&'a str, Span>, name: &'a Spanned<String>, code: Code, what: &str, diags: &mut Vec<Diagnostic>) {
    match seen.get(name.value.as_str()) {
        Some(first) => diags.push(
            Diagnostic::new(code, name.span, format!("{what} `{}` is declared twice", name.value))
                .label("second declaration")
                .related(*first, "first declared here")
                .hint(format!("MCP clients address each {what} by this; rename one")),
        ),
        None => {
            seen.insert(&name.value, name.span);
        }
    }
}

/// `{var}` placeholders are whole, non-empty, not nested, and each named once (`false`, reported, when not).
fn uri_template(uri: &Spanned<String>, diags: &mut Vec<Diagnostic>) -> bool {
    let mut problem = None;
    let mut vars: Vec<&str> = Vec::new();
    let mut rest = uri.value.as_str();
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            problem = Some("a `}` closes no `{`".to_owned());
            break;
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            problem = Some("a `{` is never closed".to_owned());
            break;
        };
        let var = &after[..close];
        if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            problem = Some(format!("`{{{var}}}` is not a variable: names are letters, digits and `_`"));
            break;
        }
        if vars.contains(&var) {
            problem = Some(format!("`{{{var}}}` appears twice"));
            break;
        }
        vars.push(var);
        rest = &after[close + 1..];
    }
    let Some(problem) = problem else { return true };
    diags.push(
        Diagnostic::new(Code::InvalidValue, uri.span, format!("resource URI `{}` is not a URI template: {problem}", uri.value))
            .label("invalid template")
            .hint("write each variable once as `{name}`, e.g. `data://users/{userId}/profile`"),
    );
    false
}

/// Exactly one of `call`/`steps` (dynamic) and `location` (static files); a static resource takes
/// nothing a call would.
fn resource_source(r: &McpResource, name: &Spanned<String>, template_ok: bool, diags: &mut Vec<Diagnostic>) {
    let inv = &r.invocation;
    let dynamic = inv.call.is_some() || !inv.steps.is_empty();
    match (&r.location, dynamic) {
        (Some(location), true) => diags.push(
            Diagnostic::new(Code::InvalidValue, location.span, format!("resource `{}` has both `location` and a `call` or `steps`", name.value))
                .label("static files")
                .hint("a resource is either read from a consumed operation (`call`/`steps`) or served from files (`location`): keep one"),
        ),
        (Some(location), false) => {
            let extra = [
                (!inv.with.is_empty()).then_some("with"),
                (!inv.output_parameters.is_empty()).then_some("outputParameters"),
                (!inv.mappings.is_empty()).then_some("mappings"),
                inv.reference.is_some().then_some("ref"),
            ];
            for key in extra.into_iter().flatten() {
                diags.push(
                    Diagnostic::new(Code::InvalidValue, r.span, format!("static resource `{}` has `{key}`", name.value))
                        .label("served from files")
                        .hint(format!("`{key}` shapes a call; a `location` resource serves its files as they are")),
                );
            }
            if template_ok && r.uri.as_ref().is_some_and(|u| u.value.contains('{')) {
                diags.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        r.uri.as_ref().map_or(r.span, |u| u.span),
                        "a static resource's `uri` is a prefix, not a template",
                    )
                    .label("has a `{variable}`")
                    .hint("its files are listed as `<uri>/<relative path>`; drop the variable"),
                );
            }
            location_exists(location, "directory", diags);
        }
        (None, true) => {}
        (None, false) => diags.push(
            Diagnostic::new(Code::MissingKey, r.span, format!("resource `{}` has no `call`, `steps` or `location`", name.value))
                .label("nothing to read")
                .hint("add `call: namespace.operation` (or `steps`) to read it from a consumed API, or `location: file:///./dir` to serve files"),
        ),
    }
}

fn prompt(p: &McpPrompt, name: &Spanned<String>, diags: &mut Vec<Diagnostic>) {
    let mut arguments: BTreeMap<&str, Span> = BTreeMap::new();
    for a in &p.arguments {
        let Some(arg) = required(&a.name, a.span, "a prompt argument has no `name`", diags) else { continue };
        duplicate(&mut arguments, arg, Code::DuplicatePrompt, "prompt argument", diags);
    }
    match (&p.location, p.template.is_empty()) {
        (Some(location), false) => diags.push(
            Diagnostic::new(Code::InvalidValue, location.span, format!("prompt `{}` has both `template` and `location`", name.value))
                .label("a file")
                .hint("keep the inline `template` or the file at `location`, not both"),
        ),
        (Some(location), true) => location_exists(location, "file", diags),
        (None, true) => diags.push(
            Diagnostic::new(Code::MissingKey, p.span, format!("prompt `{}` has no `template` or `location`", name.value))
                .label("no messages")
                .hint("add `template: [{role: user, content: \"…{{argument}}…\"}]` or `location: file:///./prompt.md`"),
        ),
        (None, false) => {}
    }
    for m in &p.template {
        match &m.role {
            None => diags.push(
                Diagnostic::new(Code::MissingKey, m.span, "a prompt message has no `role`")
                    .label("`role` missing here")
                    .hint("`role: user` or `role: assistant`"),
            ),
            Some(role) if role.value != "user" && role.value != "assistant" => diags.push(
                Diagnostic::new(Code::InvalidValue, role.span, format!("unknown role `{}`", role.value)).label("expected `user` or `assistant`"),
            ),
            Some(_) => {}
        }
        let Some(content) = &m.content else {
            diags.push(Diagnostic::new(Code::MissingKey, m.span, "a prompt message has no `content`").label("`content` missing here"));
            continue;
        };
        for placeholder in placeholders(&content.value) {
            if !arguments.contains_key(placeholder) {
                let declared: Vec<String> = arguments.keys().map(|a| format!("`{a}`")).collect();
                diags.push(
                    Diagnostic::new(
                        Code::PromptPlaceholder,
                        content.span,
                        format!("`{{{{{placeholder}}}}}` names no argument of prompt `{}`", name.value),
                    )
                    .label("sent as written")
                    .hint(if declared.is_empty() {
                        format!("declare it: `arguments: [{{name: {placeholder}, description: …}}]`")
                    } else {
                        format!("arguments: {}", declared.join(", "))
                    }),
                );
            }
        }
    }
}

/// The `{{name}}` placeholders of a prompt text, found as the runtime substitutes them
/// (`naftiko_runtime::mcp::prompts::substitute`): names of ASCII letters, digits and `_`, and where a
/// `{{` opens no placeholder the scan goes on from the next character (`{{{x}}}` holds `{{x}}`).
pub fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let name =
                after.find("}}").map(|close| &after[..close]).filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            match name {
                Some(name) => {
                    rest = &after[name.len() + 2..];
                    return Some(name);
                }
                None => rest = &rest[open + 1..],
            }
        }
        None
    })
}

/// A `location` is a `file:///` URI; one that does not exist where the compiler runs is a warning (the
/// server reads it where it runs, and refuses to start without it).
pub(super) fn location_exists(location: &Spanned<String>, kind: &str, diags: &mut Vec<Diagnostic>) {
    let Some(path) = location_path(&location.value) else {
        diags.push(
            Diagnostic::new(Code::InvalidValue, location.span, format!("`location: {}` is not a `file:///` URI", location.value))
                .label("expected `file:///…`")
                .hint("an absolute path is `file:///etc/naftiko/docs`; one relative to the server's working directory is `file:///./docs`"),
        );
        return;
    };
    let found = if kind == "directory" { path.is_dir() } else { path.is_file() };
    if !found {
        diags.push(
            Diagnostic::new(Code::MissingLocation, location.span, format!("no {kind} at `{}`", path.display()))
                .label("read when the server starts")
                .hint("a relative `file:///./…` location is resolved from the server's working directory (or `serve --root DIR`); the compiler looked from its own"),
        );
    }
}

/// The path of a `file:///` location: `file:///./docs` is relative, `file:///etc/docs` absolute.
/// Percent-escapes are decoded; `None` for anything else.
pub fn location_path(location: &str) -> Option<PathBuf> {
    let rest = location.strip_prefix("file:///")?;
    let decoded = percent_decode(rest)?;
    if decoded.starts_with("./") || decoded == "." { Some(PathBuf::from(decoded)) } else { Some(PathBuf::from(format!("/{decoded}"))) }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_names_between_double_braces() {
        let found: Vec<&str> = placeholders("Hi {{name}}, {{ spaced }} {{a-b}} {{x_1}}{{{y}}}{{").collect();
        assert_eq!(found, ["name", "x_1", "y"]);
    }

    #[test]
    fn locations_are_file_uris() {
        assert_eq!(location_path("file:///./docs"), Some(PathBuf::from("./docs")));
        assert_eq!(location_path("file:///etc/naftiko/a%20b"), Some(PathBuf::from("/etc/naftiko/a b")));
        assert_eq!(location_path("./docs"), None);
        assert_eq!(location_path("file:///%zz"), None);
    }
}
