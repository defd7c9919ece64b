//! Diagnostics: a stable code, a severity, a location, a message and a hint — rendered like rustc's.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::source::{SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $doc:literal;)*) => {
        /// Every diagnostic the compiler can emit. Codes are stable: tools and tests may match on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code, e.g. `E0101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line saying what the code means.
            pub fn explain(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    YamlSyntax = "E0001", Error, "the file is not valid YAML";
    YamlDuplicateKey = "E0002", Error, "a mapping has the same key twice";
    YamlTooLarge = "E0003", Error, "alias expansion or nesting exceeds the loader's bounds";
    WrongType = "E0004", Error, "a value has the wrong YAML type (mapping, sequence, string, number, boolean)";
    MissingKey = "E0005", Error, "a required key is missing";
    InvalidValue = "E0006", Error, "a value is not one of those allowed here";
    UnknownKey = "W0007", Warning, "a key the alpha2 schema does not define (ignored)";
    Version = "E0008", Error, "the document is not `naftiko: 1.0.0-alpha2`";
    NothingToCompile = "E0009", Error, "the document declares nothing that can be compiled";
    CallSyntax = "E0101", Error, "a `call` is not of the form `namespace.operation`";
    UnknownNamespace = "E0102", Error, "a `call` names a namespace that no consumes declares";
    UnknownOperation = "E0103", Error, "a `call` names an operation its namespace does not declare";
    DuplicateNamespace = "E0201", Error, "two adapters or binds share a namespace";
    DuplicateOperation = "W0202", Warning, "a consumed namespace declares the same operation name twice; `call` takes the first, as the reference engine does";
    DuplicateTool = "E0203", Error, "an MCP expose declares the same tool name twice";
    DuplicateRoute = "E0204", Error, "a REST expose declares the same method on the same path twice";
    DuplicateParameter = "E0205", Error, "an operation declares the same parameter twice";
    DuplicateResource = "E0206", Error, "an MCP expose declares the same resource name or URI twice";
    DuplicatePrompt = "E0207", Error, "an MCP expose declares the same prompt, or a prompt the same argument, twice";
    DuplicateSkill = "E0208", Error, "a skill expose declares the same skill, or a skill the same tool, twice";
    WithUnknownParameter = "E0301", Error, "a `with` key is not a parameter of the called operation";
    WithUnknownInput = "E0302", Error, "a `with` value refers to an input the exposed operation does not declare";
    MissingSource = "E0303", Error, "a required consumed parameter gets no value";
    PathVariableUnbound = "E0304", Error, "a path variable has no parameter and no source";
    PathParameterUnused = "W0305", Warning, "a path parameter does not appear in its path";
    UnusedInput = "W0306", Warning, "a declared input is never sent upstream";
    PromptPlaceholder = "W0308", Warning, "a prompt's `{{placeholder}}` names no argument of the prompt; it is sent as written";
    ImpliedParameter = "W0307", Warning, "a `with` key names a parameter its operation does not declare; it is sent as a query parameter";
    UndeclaredSecret = "W0401", Warning, "a `{{VAR}}` secret is not declared in any bind";
    AuthIncomplete = "E0402", Error, "an authentication block lacks a field its type needs";
    IdentCollision = "W0501", Warning, "two names map to the same Rust identifier; one was renamed";
    ToolNameTooLong = "W0502", Warning, "a tool name is longer than MCP clients accept (64 characters)";
    Unsupported = "E0601", Error, "a feature this compiler does not compile yet";
    Import = "E0602", Error, "an imported consumes cannot be resolved";
    CustomTool = "W0603", Warning, "an MCP tool has no `call`: it is a `Handlers` method for the user to implement (default: 501)";
    UnknownStep = "E0701", Error, "a step reference names no step that runs before it";
    DuplicateStep = "E0702", Error, "two steps of one orchestration share a name";
    UnknownRef = "E0703", Error, "a `ref` names no aggregate function";
    DuplicateFunction = "E0704", Error, "an aggregate declares the same function name twice";
    MappingTarget = "E0705", Error, "a mapping's `targetName` is not one of the declared outputs";
    SchemaFile = "E0801", Error, "an `outputSchema` file is missing, unreadable or does not compile";
    MissingLocation = "W0803", Warning, "a `location` a server reads at run time does not exist here; the server refuses to start without it";
    HopByHopHeader = "W0802", Warning, "a trusted header describes one connection (hop-by-hop) and is never forwarded";
    SkillToolSource = "E0901", Error, "a skill tool has neither or both of `from` and `instruction`";
    SkillToolRef = "E0902", Error, "a skill tool's `from` names no `rest` or `mcp` expose, or no operation or tool of it";
    StepShape = "E0706", Error, "a step lacks what its type needs (`call`; `index`, `match`, `lookupValue`)";
    DuplicateControl = "E1001", Error, "a capability declares more than one `control` expose";
    ControlPort = "E1002", Error, "the `control` expose shares its port with another expose";
    ControlNotSupported = "W1003", Warning, "a management endpoint a compiled binary cannot serve: it answers 501 `not_supported`";
}

/// One finding about a spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Option<Span>,
    /// Short text under the caret.
    pub label: Option<String>,
    /// What the author can do about it.
    pub hint: Option<String>,
    /// Other places that explain this one (e.g. the first of two duplicates).
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn new(code: Code, span: impl Into<Option<Span>>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span: span.into(),
            label: None,
            hint: None,
            related: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` of the primary span, as the macro and one-line outputs show it.
    pub fn location(&self, sources: &SourceMap) -> Option<String> {
        let span = self.span?;
        let file = sources.get(span.file)?;
        let lc = file.line_col(span.start);
        Some(format!("{}:{}:{}", file.name, lc.line, lc.column))
    }

    /// rustc-style text with the offending line and a caret.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(level.primary_title(self.message.as_str()).id(self.code.as_str()));
        if let Some(span) = self.span
            && let Some(file) = sources.get(span.file)
        {
            let mut snippet = Snippet::source(file.text.as_str())
                .path(file.name.as_str())
                .fold(true)
                .annotation(annotation(AnnotationKind::Primary, span, self.label.as_deref(), &file.text));
            for (related, label) in self.related.iter().filter(|(s, _)| s.file == span.file) {
                snippet = snippet.annotation(annotation(AnnotationKind::Context, *related, Some(label), &file.text));
            }
            group = group.element(snippet);
        }
        let mut report: Vec<Group<'_>> = vec![group];
        for (related, label) in self.related.iter().filter(|(s, _)| Some(s.file) != self.span.map(|s| s.file)) {
            if let Some(file) = sources.get(related.file) {
                report.push(
                    Group::with_title(Level::NOTE.secondary_title(label.as_str())).element(
                        Snippet::source(file.text.as_str())
                            .path(file.name.as_str())
                            .fold(true)
                            .annotation(annotation(AnnotationKind::Primary, *related, None, &file.text)),
                    ),
                );
            }
        }
        if let Some(hint) = &self.hint {
            report.push(Group::with_title(Level::HELP.secondary_title(hint.as_str())));
        }
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&report).to_string()
    }

    /// Compact text for one-message channels (`compile_error!`): `file:line:col: message [CODE]`, the
    /// offending line with a caret under the span, the label and the hint.
    pub fn render_compact(&self, sources: &SourceMap) -> String {
        let mut out = format!("{}: {} [{}]", self.location(sources).unwrap_or_else(|| "<spec>".to_owned()), self.message, self.code.as_str());
        if let Some(span) = self.span
            && let Some(file) = sources.get(span.file)
        {
            let start = file.line_col(span.start);
            let line_text = file.text.lines().nth(start.line - 1).unwrap_or_default();
            let end = file.line_col(span.end);
            let width = if end.line == start.line { end.column.saturating_sub(start.column).max(1) } else { line_text.chars().count().saturating_sub(start.column - 1).max(1) };
            let gutter = start.line.to_string().len();
            out.push_str(&format!("\n{:gutter$} |\n{} | {line_text}\n{:gutter$} | {}{}", "", start.line, "", " ".repeat(start.column - 1), "^".repeat(width)));
            if let Some(label) = &self.label {
                out.push(' ');
                out.push_str(label);
            }
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n= help: {hint}"));
        }
        out
    }

    /// One JSON object, the `--format json` line.
    pub fn to_json(&self, sources: &SourceMap) -> serde_json::Value {
        let located = self.span.and_then(|span| Some((span, sources.get(span.file)?)));
        let (file, start, end) = match located {
            Some((span, file)) => (Some(file.name.as_str()), Some(file.line_col(span.start)), Some(file.line_col(span.end))),
            None => (None, None, None),
        };
        serde_json::json!({
            "file": file,
            "line": start.map(|p| p.line),
            "column": start.map(|p| p.column),
            "end_line": end.map(|p| p.line),
            "end_column": end.map(|p| p.column),
            "severity": self.severity,
            "code": self.code.as_str(),
            "message": self.message,
            "hint": self.hint,
        })
    }
}

fn annotation<'a>(kind: AnnotationKind, span: Span, label: Option<&'a str>, text: &str) -> annotate_snippets::Annotation<'a> {
    // A zero-width span still deserves a caret; keep ranges on char boundaries.
    let start = floor_char_boundary(text, span.start);
    let mut end = floor_char_boundary(text, span.end.max(start));
    if end == start && start < text.len() {
        end = start + text[start..].chars().next().map_or(0, char::len_utf8);
    }
    let annotation = kind.span(start..end);
    match label {
        Some(label) => annotation.label(label),
        None => annotation,
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Diagnostics of one compilation, in the order they were found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Sorted by file and position, errors first at the same place: stable output for users and snapshots.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| (d.span.map(|s| (s.file, s.start)), d.severity, d.code));
        self.items
    }
}
