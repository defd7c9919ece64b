//! MCP prompts: message templates rendered with their arguments (`prompts/get`).
//!
//! `{{name}}` placeholders (names of ASCII letters, digits and `_`) are replaced by the argument of
//! that name, in one pass: an argument's value is never read for placeholders itself (a value cannot
//! inject another argument). A placeholder naming no argument given is left as written, as the
//! reference engine does (the generator warns about placeholders naming no declared argument).
//! Arguments are checked first: each must be declared and a string, and each required one given.

use std::collections::HashMap;
use std::path::PathBuf;

use rmcp::model::{ErrorData, GetPromptResult, JsonObject, Prompt, PromptArgument, PromptMessage, Role};
use serde_json::{Value, json};

use crate::input::describe;
use crate::mcp::files;

/// One prompt as the spec declares it.
#[derive(Clone, Copy, Debug)]
pub struct PromptSpec {
    pub name: &'static str,
    /// From the prompt's `label`.
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub arguments: &'static [PromptArgumentSpec],
    pub source: PromptSource,
}

#[derive(Clone, Copy, Debug)]
pub struct PromptArgumentSpec {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub required: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum PromptSource {
    /// Inline messages.
    Template(&'static [PromptMessageSpec]),
    /// A file read at each `prompts/get` (path as the spec wrote it; relative ones against
    /// [`files::root`]); its text is one user message.
    File { path: &'static str },
}

#[derive(Clone, Copy, Debug)]
pub struct PromptMessageSpec {
    /// `true` for `assistant`, `false` for `user`.
    pub assistant: bool,
    pub content: &'static str,
}

/// A server's prompts, with each prompt file resolved at start-up.
pub(crate) struct Prompts {
    specs: &'static [PromptSpec],
    files: Vec<Option<PathBuf>>,
}

impl Prompts {
    pub(crate) fn new(specs: &'static [PromptSpec]) -> Self {
        let files = specs
            .iter()
            .map(|spec| match spec.source {
                PromptSource::File { path } => Some(files::resolve(path)),
                PromptSource::Template(_) => None,
            })
            .collect();
        Prompts { specs, files }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Each prompt file that is missing.
    pub(crate) fn missing(&self) -> Vec<String> {
        self.specs
            .iter()
            .zip(&self.files)
            .filter_map(|(spec, file)| file.as_ref().filter(|f| !f.is_file()).map(|f| format!("prompt `{}`: no file at {}", spec.name, f.display())))
            .collect()
    }

    /// `prompts/list`.
    pub(crate) fn list(&self) -> Vec<Prompt> {
        self.specs
            .iter()
            .map(|spec| {
                let arguments = (!spec.arguments.is_empty()).then(|| {
                    spec.arguments
                        .iter()
                        .map(|a| {
                            let mut argument = PromptArgument::new(a.name).with_required(a.required);
                            argument.title = a.title.map(str::to_owned);
                            argument.description = a.description.map(str::to_owned);
                            argument
                        })
                        .collect()
                });
                let mut prompt = Prompt::new(spec.name, spec.description, arguments);
                prompt.title = spec.title.map(str::to_owned);
                prompt
            })
            .collect()
    }

    /// `prompts/get`: an unknown prompt or arguments that do not fit are invalid params; a prompt
    /// file that cannot be read is an internal error.
    pub(crate) async fn get(&self, name: &str, arguments: Option<JsonObject>) -> Result<GetPromptResult, ErrorData> {
        let Some(index) = self.specs.iter().position(|s| s.name == name) else {
            return Err(ErrorData::invalid_params(format!("unknown prompt `{name}`"), Some(json!({"name": name}))));
        };
        let spec = &self.specs[index];
        let values = arguments_of(spec, arguments.unwrap_or_default())?;
        let messages = match (spec.source, self.files.get(index).and_then(Option::as_ref)) {
            (PromptSource::Template(messages), _) => messages
                .iter()
                .map(|m| PromptMessage::new_text(if m.assistant { Role::Assistant } else { Role::User }, substitute(m.content, &values)))
                .collect(),
            (PromptSource::File { .. }, Some(path)) => {
                let file = path.clone();
                let text = tokio::task::spawn_blocking(move || std::fs::read_to_string(file))
                    .await
                    .map_err(std::io::Error::other)
                    .and_then(|read| read)
                    .map_err(|e| {
                        tracing::error!(prompt = name, path = %path.display(), error = %e, "prompt file unreadable");
                        ErrorData::internal_error(format!("the file of prompt `{name}` cannot be read"), None)
                    })?;
                vec![PromptMessage::new_text(Role::User, substitute(&text, &values))]
            }
            (PromptSource::File { .. }, None) => Vec::new(),
        };
        let mut result = GetPromptResult::new(messages);
        result.description = spec.description.map(str::to_owned);
        Ok(result)
    }
}

/// The arguments of a `prompts/get`, checked against the prompt's declaration.
fn arguments_of(spec: &PromptSpec, arguments: JsonObject) -> Result<HashMap<String, String>, ErrorData> {
    let mut problems = Vec::new();
    let mut values = HashMap::new();
    for (key, value) in arguments {
        if !spec.arguments.iter().any(|a| a.name == key) {
            problems.push(format!("unknown argument `{key}`"));
            continue;
        }
        match value {
            Value::String(text) => {
                values.insert(key, text);
            }
            // Absent, as a client that sends null for an argument it leaves out means.
            Value::Null => {}
            other => problems.push(format!("argument `{key}` must be a string, got {}", describe(&other))),
        }
    }
    for a in spec.arguments.iter().filter(|a| a.required && !values.contains_key(a.name)) {
        problems.push(format!("missing required argument `{}`", a.name));
    }
    if problems.is_empty() {
        return Ok(values);
    }
    let declared: Vec<&str> = spec.arguments.iter().map(|a| a.name).collect();
    Err(ErrorData::invalid_params(
        format!("invalid arguments for prompt `{}`: {}", spec.name, problems.join("; ")),
        Some(json!({"prompt": spec.name, "arguments": declared})),
    ))
}

/// Replaces each `{{name}}` whose name is among `values`, in one pass.
pub fn substitute(template: &str, values: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let name =
            after.find("}}").map(|close| &after[..close]).filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        match name.and_then(|n| values.get(n).map(|v| (n, v))) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &after[name.len() + 2..];
            }
            // Not a placeholder here: keep one brace and look again from the next (`{{{x}}}` holds `{{x}}`).
            None => {
                out.push('{');
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: PromptSpec = PromptSpec {
        name: "summary",
        title: Some("Summary"),
        description: Some("Summarize data"),
        arguments: &[
            PromptArgumentSpec { name: "data", title: None, description: Some("The data"), required: true },
            PromptArgumentSpec { name: "format", title: None, description: None, required: false },
        ],
        source: PromptSource::Template(&[
            PromptMessageSpec { assistant: false, content: "Summarize in {{format}} format:\n\n{{data}}" },
            PromptMessageSpec { assistant: true, content: "I'll summarize {{ data }}." },
        ]),
    };

    fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn substitution_is_one_pass() {
        let v = values(&[("data", "{{format}}"), ("format", "table")]);
        assert_eq!(substitute("{{format}}: {{data}} {{unknown}} {{", &v), "table: {{format}} {{unknown}} {{");
        assert_eq!(substitute("{{{data}}}", &values(&[("data", "x")])), "{x}");
    }

    #[tokio::test]
    async fn arguments_are_checked_then_rendered() {
        let prompts = Prompts::new(std::slice::from_ref(&SPEC).to_vec().leak());
        let object = |v: Value| v.as_object().cloned();
        let rendered = prompts.get("summary", object(json!({"data": "1,2,3"}))).await.unwrap();
        let wire = serde_json::to_value(&rendered).unwrap();
        assert_eq!(wire["messages"][0], json!({"role": "user", "content": {"type": "text", "text": "Summarize in {{format}} format:\n\n1,2,3"}}));
        assert_eq!(wire["messages"][1]["role"], "assistant");
        assert_eq!(wire["description"], "Summarize data");

        let missing = prompts.get("summary", None).await.unwrap_err();
        assert_eq!(missing.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        assert_eq!(missing.message, "invalid arguments for prompt `summary`: missing required argument `data`");
        let wrong = prompts.get("summary", object(json!({"data": 3, "style": "x"}))).await.unwrap_err();
        assert_eq!(
            wrong.message,
            "invalid arguments for prompt `summary`: argument `data` must be a string, got an integer; unknown argument `style`; missing required argument `data`"
        );
        let unknown = prompts.get("nope", None).await.unwrap_err();
        assert_eq!(unknown.message, "unknown prompt `nope`");

        let listed = serde_json::to_value(prompts.list()).unwrap();
        assert_eq!(
            listed[0]["arguments"],
            json!([{"name": "data", "description": "The data", "required": true}, {"name": "format", "required": false}])
        );
    }
}
