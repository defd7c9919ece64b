//! Reads the located YAML tree into the spec model. Lenient as DESIGN §3.1 says: unknown keys are
//! warnings, a wrongly typed value is an error at its position, and reading always continues so one
//! run reports everything.

use crate::check::diagnostic::{Code, Diagnostic};
use crate::source::Spanned;
use crate::spec::model::*;
use crate::spec::yaml::{Node, NodeKind};

mod control;

pub fn document(root: &Node, diags: &mut Vec<Diagnostic>) -> Document {
    let Some(mut m) = Map::new(root, "the document", diags) else {
        return Document { span: head(root), ..Document::default() };
    };
    let doc = Document {
        span: head(root),
        naftiko: m.string("naftiko"),
        info: m.node("info").and_then(|n| info(n, m.diags)),
        binds: m.list("binds", bind),
        capability: m.node("capability").and_then(|n| capability(n, m.diags)),
        consumes: m.list("consumes", consumes),
    };
    m.finish();
    doc
}

fn info(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Info> {
    let mut m = Map::new(node, "`info`", diags)?;
    let info = Info {
        span: head(node),
        label: m.string("label"),
        description: m.string("description"),
        tags: m.list("tags", |n, d| scalar(n, "a tag", d)),
        stakeholders: m.list("stakeholders", person),
    };
    m.ignore(&["created", "modified"]);
    m.finish();
    Some(info)
}

fn person(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Person> {
    let mut m = Map::new(node, "a stakeholder", diags)?;
    let person = Person { role: m.string("role"), full_name: m.string("fullName"), email: m.string("email") };
    m.finish();
    Some(person)
}

fn bind(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Bind> {
    let mut m = Map::new(node, "a bind", diags)?;
    let keys = match m.node("keys") {
        Some(k) => match k.as_map() {
            Some(entries) => entries
                .iter()
                .filter_map(|(k, v)| Some((located_str(k)?, scalar(v, "a bind key", m.diags)?)))
                .collect(),
            None => {
                m.diags.push(wrong_type(k, "a mapping of VARIABLE: key"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let bind = Bind {
        span: head(node),
        namespace: m.string("namespace"),
        description: m.string("description"),
        location: m.string("location"),
        keys,
    };
    m.finish();
    Some(bind)
}

fn capability(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Capability> {
    let mut m = Map::new(node, "`capability`", diags)?;
    let cap = Capability {
        span: head(node),
        binds: m.list("binds", bind),
        consumes: m.list("consumes", consumes),
        exposes: m.list("exposes", expose),
        aggregates: m.list("aggregates", aggregate),
    };
    m.finish();
    Some(cap)
}

fn consumes(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Consumes> {
    let mut m = Map::new(node, "a consumes entry", diags)?;
    if m.has("location") || m.has("import") {
        let imported = ImportedConsumes {
            span: head(node),
            location: m.required_string("location")?,
            import: m.string("import"),
            alias: m.string("as"),
            description: m.string("description"),
        };
        m.finish();
        return Some(Consumes::Imported(imported));
    }
    let http = HttpConsumes {
        span: head(node),
        kind: m.string("type"),
        namespace: m.string("namespace"),
        base_uri: m.string("baseUri"),
        description: m.string("description"),
        input_parameters: m.list("inputParameters", consumed_parameter),
        authentication: m.node("authentication").and_then(|n| authentication(n, m.diags)),
        resources: m.list("resources", consumed_resource),
    };
    m.finish();
    Some(Consumes::Http(http))
}

fn consumed_resource(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<ConsumedResource> {
    let mut m = Map::new(node, "a consumed resource", diags)?;
    let r = ConsumedResource {
        span: head(node),
        name: m.string("name"),
        path: m.string("path"),
        label: m.string("label"),
        description: m.string("description"),
        input_parameters: m.list("inputParameters", consumed_parameter),
        operations: m.list("operations", consumed_operation),
    };
    m.finish();
    Some(r)
}

fn consumed_operation(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<ConsumedOperation> {
    let mut m = Map::new(node, "a consumed operation", diags)?;
    let op = ConsumedOperation {
        span: head(node),
        name: m.string("name"),
        method: m.string("method"),
        path: m.string("path"),
        label: m.string("label"),
        description: m.string("description"),
        input_parameters: m.list("inputParameters", consumed_parameter),
        output_raw_format: m.string("outputRawFormat"),
        output_schema: m.string("outputSchema"),
        output_parameters: m.list("outputParameters", output_parameter),
        body: m.node("body").and_then(|n| body(n, m.diags)),
        schema: None,
    };
    m.finish();
    Some(op)
}

fn consumed_parameter(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<ConsumedParameter> {
    let mut m = Map::new(node, "a consumed input parameter", diags)?;
    let p = ConsumedParameter {
        span: head(node),
        name: m.string("name"),
        location: m.string("in"),
        value: m.json("value"),
        kind: m.string("type"),
        description: m.string("description"),
        required: m.bool("required"),
    };
    m.ignore(&["template", "const", "default", "enum", "items", "properties", "format", "example"]);
    m.finish();
    Some(p)
}

fn body(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    if let Some(text) = located_str(node) {
        return Some(Body::Raw(text));
    }
    let mut m = Map::new(node, "a request body", diags)?;
    let kind = m.required_string("type");
    let data = m.json("data");
    m.finish();
    Some(Body::Typed { span: head(node), kind: kind?, data })
}

fn authentication(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Authentication> {
    let entries = match node.as_map() {
        Some(entries) => entries,
        None => {
            diags.push(wrong_type(node, "a mapping"));
            return None;
        }
    };
    let mut kind = None;
    let mut fields = Vec::new();
    for (k, v) in entries {
        let Some(key) = located_str(k) else { continue };
        let Some(value) = scalar(v, "a string", diags) else { continue };
        if key.value == "type" {
            kind = Some(value);
        } else {
            fields.push((key, value));
        }
    }
    Some(Authentication { span: head(node), kind, fields })
}

fn output_parameter(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<OutputParameter> {
    let mut m = Map::new(node, "an output parameter", diags)?;
    let properties = match m.node("properties") {
        Some(p) => match p.as_map() {
            Some(entries) => entries
                .iter()
                .filter_map(|(k, v)| Some((located_str(k)?, output_parameter(v, m.diags)?)))
                .collect(),
            None => {
                m.diags.push(wrong_type(p, "a mapping of property names to output parameters"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let out = OutputParameter {
        span: head(node),
        name: m.string("name"),
        kind: m.string("type"),
        mapping: m.string("mapping"),
        value: m.json("value"),
        description: m.string("description"),
        properties,
        items: m.node("items").and_then(|n| items(n, m.diags)).map(Box::new),
    };
    m.ignore(&["in", "maxLength", "const", "values", "pattern"]);
    m.finish();
    Some(out)
}

/// An array's `items`: an output parameter, or (as real specs write it) a list of named fields,
/// read as an object of those fields.
fn items(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<OutputParameter> {
    let Some(fields) = node.as_seq() else { return output_parameter(node, diags) };
    let mut properties = Vec::new();
    for field in fields {
        let Some(param) = output_parameter(field, diags) else { continue };
        match param.name.clone() {
            Some(name) => properties.push((name, param)),
            None => diags.push(
                Diagnostic::new(Code::MissingKey, param.span, "a field of `items` has no `name`")
                    .label("`name` missing here")
                    .hint("a list under `items` names the fields of each element: `- {name: id, type: string}`"),
            ),
        }
    }
    Some(OutputParameter {
        span: head(node),
        name: None,
        kind: Some(Spanned::new("object".to_owned(), head(node))),
        mapping: None,
        value: None,
        description: None,
        properties,
        items: None,
    })
}

fn expose(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Expose> {
    let mut m = Map::new(node, "an expose entry", diags)?;
    let Some(kind) = m.required_string("type") else {
        m.ignore_rest();
        return None;
    };
    let expose = match kind.value.as_str() {
        "rest" => Expose::Rest(RestExpose {
            span: head(node),
            namespace: m.string("namespace"),
            port: m.int("port"),
            address: m.string("address"),
            description: m.string("description"),
            authentication: m.node("authentication").and_then(|n| authentication(n, m.diags)),
            resources: m.list("resources", exposed_resource),
        }),
        "mcp" => Expose::Mcp(McpExpose {
            span: head(node),
            namespace: m.string("namespace"),
            port: m.int("port"),
            address: m.string("address"),
            transport: m.string("transport"),
            description: m.string("description"),
            authentication: m.node("authentication").and_then(|n| authentication(n, m.diags)),
            tools: m.list("tools", tool),
            resources: m.list("resources", mcp_resource),
            prompts: m.list("prompts", mcp_prompt),
        }),
        "skill" => Expose::Skill(SkillExpose {
            span: head(node),
            kind,
            namespace: m.string("namespace"),
            port: m.int("port"),
            address: m.string("address"),
            description: m.string("description"),
            authentication: m.node("authentication").and_then(|n| authentication(n, m.diags)),
            skills: m.list("skills", skill),
        }),
        "control" => Expose::Control(Box::new(control::expose(&mut m, head(node), kind))),
        _ => {
            let namespace = m.string("namespace");
            m.ignore_rest();
            Expose::Other { span: head(node), kind, namespace }
        }
    };
    m.finish();
    Some(expose)
}

fn skill(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Skill> {
    let mut m = Map::new(node, "a skill", diags)?;
    let metadata = match m.node("metadata") {
        Some(meta) => match meta.as_map() {
            Some(entries) => entries.iter().filter_map(|(k, v)| Some((located_str(k)?, scalar(v, "a metadata value", m.diags)?))).collect(),
            None => {
                m.diags.push(wrong_type(meta, "a mapping of keys to strings"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let s = Skill {
        span: head(node),
        name: m.string("name"),
        description: m.string("description"),
        license: m.string("license"),
        compatibility: m.string("compatibility"),
        metadata,
        allowed_tools: m.string("allowed-tools"),
        argument_hint: m.string("argument-hint"),
        user_invocable: m.bool("user-invocable"),
        disable_model_invocation: m.bool("disable-model-invocation"),
        location: m.string("location"),
        tools: m.list("tools", skill_tool),
    };
    m.finish();
    Some(s)
}

fn skill_tool(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<SkillTool> {
    let mut m = Map::new(node, "a skill tool", diags)?;
    let t = SkillTool {
        span: head(node),
        name: m.string("name"),
        description: m.string("description"),
        from: m.node("from").and_then(|n| skill_tool_from(n, m.diags)),
        instruction: m.string("instruction"),
    };
    m.finish();
    Some(t)
}

fn skill_tool_from(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<SkillToolFrom> {
    let mut m = Map::new(node, "a skill tool's `from`", diags)?;
    let f = SkillToolFrom { span: head(node), source_namespace: m.required_string("sourceNamespace"), action: m.required_string("action") };
    m.finish();
    Some(f)
}

fn exposed_resource(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<ExposedResource> {
    let mut m = Map::new(node, "an exposed resource", diags)?;
    let r = ExposedResource {
        span: head(node),
        path: m.string("path"),
        name: m.string("name"),
        label: m.string("label"),
        description: m.string("description"),
        input_parameters: m.list("inputParameters", exposed_parameter),
        operations: m.list("operations", exposed_operation),
        forward: m.node("forward").and_then(|n| forward(n, m.diags)),
    };
    m.finish();
    Some(r)
}

fn forward(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Forward> {
    let mut m = Map::new(node, "a `forward`", diags)?;
    let f = Forward {
        span: head(node),
        target_namespace: m.required_string("targetNamespace"),
        trusted_headers: m.list("trustedHeaders", |n, d| scalar(n, "a header name", d)),
    };
    m.finish();
    Some(f)
}

fn exposed_operation(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<ExposedOperation> {
    let mut m = Map::new(node, "an exposed operation", diags)?;
    let op = ExposedOperation {
        span: head(node),
        method: m.string("method"),
        name: m.string("name"),
        label: m.string("label"),
        description: m.string("description"),
        input_parameters: m.list("inputParameters", exposed_parameter),
        invocation: invocation(&mut m),
    };
    m.finish();
    Some(op)
}

fn invocation(m: &mut Map<'_, '_>) -> Invocation {
    let with = with_map(m);
    Invocation {
        call: m.string("call"),
        with,
        output_parameters: m.list("outputParameters", output_parameter),
        steps: m.list("steps", step),
        mappings: m.list("mappings", step_mapping),
        reference: m.string("ref"),
    }
}

/// A `with` mapping: parameter names to values.
fn with_map(m: &mut Map<'_, '_>) -> Vec<(Spanned<String>, Spanned<serde_json::Value>)> {
    match m.node("with") {
        Some(w) => match w.as_map() {
            Some(entries) => entries.iter().filter_map(|(k, v)| Some((located_str(k)?, Spanned::new(v.to_json(), v.span)))).collect(),
            None => {
                m.diags.push(wrong_type(w, "a mapping of parameter names to values"));
                Vec::new()
            }
        },
        None => Vec::new(),
    }
}

fn exposed_parameter(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<ExposedParameter> {
    let mut m = Map::new(node, "an exposed input parameter", diags)?;
    let p = ExposedParameter {
        span: head(node),
        name: m.string("name"),
        location: m.string("in"),
        kind: m.string("type"),
        description: m.string("description"),
        required: m.bool("required"),
        value: m.json("value"),
        pattern: m.string("pattern"),
        allowed: m.json("enum"),
    };
    m.ignore(&["label", "default", "items", "format", "example"]);
    m.finish();
    Some(p)
}

fn tool(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Tool> {
    let mut m = Map::new(node, "an MCP tool", diags)?;
    let t = Tool {
        span: head(node),
        name: m.string("name"),
        label: m.string("label"),
        description: m.string("description"),
        hints: m.node("hints").and_then(|n| hints(n, m.diags)),
        input_parameters: m.list("inputParameters", exposed_parameter),
        input_schema: m.json("inputSchema"),
        invocation: invocation(&mut m),
    };
    m.finish();
    Some(t)
}

fn hints(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Hints> {
    let mut m = Map::new(node, "tool hints", diags)?;
    let h = Hints {
        span: head(node),
        read_only: m.bool("readOnly"),
        destructive: m.bool("destructive"),
        idempotent: m.bool("idempotent"),
        open_world: m.bool("openWorld"),
    };
    m.finish();
    Some(h)
}

fn step(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Step> {
    let mut m = Map::new(node, "an orchestration step", diags)?;
    let kind = m.string("type");
    if kind.as_ref().is_some_and(|k| k.value == "script") {
        // Not compiled (reported by check): its own keys are not read.
        m.ignore_rest();
    }
    let s = Step {
        span: head(node),
        kind,
        name: m.string("name"),
        call: m.string("call"),
        with: with_map(&mut m),
        index: m.string("index"),
        match_field: m.string("match"),
        lookup_value: m.string("lookupValue"),
        fields: m.list("outputParameters", |n, d| scalar(n, "a field name", d)),
    };
    m.ignore(&["description"]);
    m.finish();
    Some(s)
}

fn step_mapping(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<StepMapping> {
    let mut m = Map::new(node, "a mapping", diags)?;
    let s = StepMapping { span: head(node), target_name: m.string("targetName"), value: m.string("value") };
    m.finish();
    Some(s)
}

fn mcp_resource(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<McpResource> {
    let mut m = Map::new(node, "an MCP resource", diags)?;
    let r = McpResource {
        span: head(node),
        name: m.string("name"),
        label: m.string("label"),
        uri: m.string("uri"),
        description: m.string("description"),
        mime_type: m.string("mimeType"),
        location: m.string("location"),
        invocation: invocation(&mut m),
    };
    m.finish();
    Some(r)
}

fn mcp_prompt(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<McpPrompt> {
    let mut m = Map::new(node, "an MCP prompt", diags)?;
    let p = McpPrompt {
        span: head(node),
        name: m.string("name"),
        label: m.string("label"),
        description: m.string("description"),
        arguments: m.list("arguments", prompt_argument),
        template: m.list("template", prompt_message),
        location: m.string("location"),
    };
    m.finish();
    Some(p)
}

fn prompt_argument(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<PromptArgument> {
    let mut m = Map::new(node, "a prompt argument", diags)?;
    let a = PromptArgument {
        span: head(node),
        name: m.string("name"),
        label: m.string("label"),
        description: m.string("description"),
        required: m.bool("required"),
    };
    m.finish();
    Some(a)
}

fn prompt_message(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<PromptMessage> {
    let mut m = Map::new(node, "a prompt message", diags)?;
    let p = PromptMessage { span: head(node), role: m.string("role"), content: m.string("content") };
    m.finish();
    Some(p)
}

fn aggregate(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Aggregate> {
    let mut m = Map::new(node, "an aggregate", diags)?;
    let a = Aggregate {
        span: head(node),
        namespace: m.string("namespace"),
        label: m.string("label"),
        functions: m.list("functions", aggregate_function),
    };
    m.ignore(&["description"]);
    m.finish();
    Some(a)
}

fn aggregate_function(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<AggregateFunction> {
    let mut m = Map::new(node, "an aggregate function", diags)?;
    let f = AggregateFunction {
        span: head(node),
        name: m.string("name"),
        description: m.string("description"),
        semantics: m.node("semantics").and_then(|n| semantics(n, m.diags)),
        input_parameters: m.list("inputParameters", exposed_parameter),
        invocation: invocation(&mut m),
    };
    m.ignore(&["label"]);
    m.finish();
    Some(f)
}

fn semantics(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Semantics> {
    let mut m = Map::new(node, "`semantics`", diags)?;
    let s = Semantics { span: head(node), safe: m.bool("safe"), idempotent: m.bool("idempotent"), cacheable: m.bool("cacheable") };
    m.finish();
    Some(s)
}

// ---- primitives ----

/// Where a diagnostic about a whole mapping or sequence points: its first line, not all of it.
pub fn head(node: &Node) -> crate::source::Span {
    match &node.kind {
        NodeKind::Map(entries) => match entries.first() {
            Some((key, value)) if value.as_scalar().is_some() => crate::source::Span { end: value.span.end, ..key.span },
            Some((key, _)) => key.span,
            None => node.span,
        },
        NodeKind::Seq(items) => items.first().map_or(node.span, head),
        NodeKind::Scalar { .. } => node.span,
    }
}

fn located_str(node: &Node) -> Option<Spanned<String>> {
    node.as_scalar().map(|s| Spanned::new(s.to_owned(), node.span))
}

/// Any scalar as text (`port: 8080` and `name: 2fa` are both fine as strings); null is absence.
fn scalar(node: &Node, expected: &str, diags: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    if node.is_null() {
        return None;
    }
    match located_str(node) {
        Some(s) => Some(s),
        None => {
            diags.push(wrong_type(node, expected));
            None
        }
    }
}

fn wrong_type(node: &Node, expected: &str) -> Diagnostic {
    Diagnostic::new(Code::WrongType, head(node), format!("expected {expected}, found {}", node.type_name()))
        .label(format!("expected {expected}"))
}

/// A mapping being read: remembers which keys were consumed so the rest can be reported.
struct Map<'n, 'd> {
    node: &'n Node,
    entries: &'n [(Node, Node)],
    used: Vec<bool>,
    context: &'static str,
    diags: &'d mut Vec<Diagnostic>,
}

impl<'n, 'd> Map<'n, 'd> {
    fn new(node: &'n Node, context: &'static str, diags: &'d mut Vec<Diagnostic>) -> Option<Self> {
        match &node.kind {
            NodeKind::Map(entries) => Some(Map { node, entries, used: vec![false; entries.len()], context, diags }),
            _ => {
                diags.push(wrong_type(node, &format!("{context} to be a mapping")).label("expected a mapping"));
                None
            }
        }
    }

    fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.as_scalar() == Some(key))
    }

    /// The value under `key`; null counts as absent.
    fn node(&mut self, key: &str) -> Option<&'n Node> {
        let i = self.entries.iter().position(|(k, _)| k.as_scalar() == Some(key))?;
        self.used[i] = true;
        let value = &self.entries[i].1;
        (!value.is_null()).then_some(value)
    }

    fn string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.node(key)?;
        scalar(node, "a string", self.diags)
    }

    fn required_string(&mut self, key: &str) -> Option<Spanned<String>> {
        let found = self.string(key);
        if found.is_none() && !self.has(key) {
            self.diags.push(
                Diagnostic::new(Code::MissingKey, head(self.node), format!("{} has no `{key}`", self.context))
                    .label(format!("`{key}` missing here")),
            );
        }
        found
    }

    fn bool(&mut self, key: &str) -> Option<Spanned<bool>> {
        let node = self.node(key)?;
        match node.as_bool() {
            Some(b) => Some(Spanned::new(b, node.span)),
            None => {
                // Quoted "true"/"false" is a common slip; accept it rather than guess otherwise.
                match node.as_scalar() {
                    Some("true") => Some(Spanned::new(true, node.span)),
                    Some("false") => Some(Spanned::new(false, node.span)),
                    _ => {
                        self.diags.push(wrong_type(node, "`true` or `false`"));
                        None
                    }
                }
            }
        }
    }

    fn int(&mut self, key: &str) -> Option<Spanned<i64>> {
        let node = self.node(key)?;
        match node.as_i64().or_else(|| node.as_scalar()?.trim().parse().ok()) {
            Some(i) => Some(Spanned::new(i, node.span)),
            None => {
                self.diags.push(wrong_type(node, "an integer"));
                None
            }
        }
    }

    fn json(&mut self, key: &str) -> Option<Spanned<serde_json::Value>> {
        let node = self.node(key)?;
        Some(Spanned::new(node.to_json(), node.span))
    }

    /// A sequence of items read by `item`; a single mapping where a list is expected is reported.
    fn list<T>(&mut self, key: &str, mut item: impl FnMut(&Node, &mut Vec<Diagnostic>) -> Option<T>) -> Vec<T> {
        let Some(node) = self.node(key) else { return Vec::new() };
        match node.as_seq() {
            Some(items) => items.iter().filter_map(|n| item(n, self.diags)).collect(),
            None => {
                self.diags.push(
                    wrong_type(node, "a sequence").hint(format!("write `{key}:` followed by items starting with `- `")),
                );
                Vec::new()
            }
        }
    }

    /// Keys the schema allows that we read elsewhere or do not need.
    fn ignore(&mut self, keys: &[&str]) {
        for key in keys {
            let _ = self.node(key);
        }
    }

    fn ignore_rest(&mut self) {
        self.used.iter_mut().for_each(|u| *u = true);
    }

    /// Reports every key nobody read.
    fn finish(self) {
        let known: Vec<&str> = self
            .entries
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| **used)
            .filter_map(|((k, _), _)| k.as_scalar())
            .collect();
        for ((key, _), used) in self.entries.iter().zip(&self.used) {
            if *used {
                continue;
            }
            let name = key.as_scalar().unwrap_or_default();
            let mut d = Diagnostic::new(Code::UnknownKey, key.span, format!("unknown key `{name}` in {}", self.context))
                .label("ignored");
            if let Some(close) = known.iter().chain(KNOWN_KEYS).find(|k| edit_distance(k, name) <= 2 && **k != name) {
                d = d.hint(format!("did you mean `{close}`?"));
            }
            self.diags.push(d);
        }
    }
}

/// Keys that appear somewhere in alpha2, offered as "did you mean" suggestions.
const KNOWN_KEYS: &[&str] = &[
    "naftiko", "info", "binds", "capability", "consumes", "exposes", "namespace", "baseUri", "resources",
    "operations", "inputParameters", "outputParameters", "authentication", "method", "path", "name",
    "description", "label", "required", "type", "value", "mapping", "call", "with", "tools", "hints",
    "readOnly", "destructive", "idempotent", "openWorld", "port", "address", "transport", "body", "data",
    "location", "keys", "outputRawFormat", "inputSchema", "placement", "token", "key", "username", "password",
    "steps", "mappings", "targetName", "lookupValue", "index", "match", "aggregates", "functions", "semantics", "ref",
    "forward", "targetNamespace", "trustedHeaders", "outputSchema", "skills", "sourceNamespace", "action", "instruction",
    "allowed-tools", "argument-hint",
];

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
