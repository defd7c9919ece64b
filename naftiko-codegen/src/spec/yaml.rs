//! A located YAML tree built from saphyr-parser's events: every node keeps its span, mapping keys keep
//! theirs, duplicate keys are reported, and alias expansion and nesting are bounded.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::check::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, Span};

/// Upper bound on nodes produced by alias expansion ("billion laughs").
const MAX_NODES: usize = 1_000_000;
/// Upper bound on nesting depth, so consumers of the tree may recurse safely.
const MAX_DEPTH: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar with its text exactly as resolved by the parser; `plain` scalars may be numbers,
    /// booleans or null, quoted and block scalars are always strings.
    Scalar { text: String, plain: bool },
    Seq(Vec<Node>),
    /// Entries in document order; keys are scalars (complex keys are reported and dropped).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// Human name of the node's YAML type, for "expected X, found Y".
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "null",
            NodeKind::Scalar { text, plain: true } if parse_bool(text).is_some() => "a boolean",
            NodeKind::Scalar { text, plain: true } if text.parse::<f64>().is_ok() => "a number",
            NodeKind::Scalar { .. } => "a string",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(_) => "a mapping",
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } => parse_bool(text),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } => text.parse().ok(),
            _ => None,
        }
    }

    /// The node as JSON, with YAML 1.2 core-schema typing of plain scalars.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Scalar { text, plain } => {
                if !plain {
                    return Value::String(text.clone());
                }
                if self.is_null() {
                    return Value::Null;
                }
                if let Some(b) = parse_bool(text) {
                    return Value::Bool(b);
                }
                if let Ok(i) = text.parse::<i64>() {
                    return Value::from(i);
                }
                if let Ok(f) = text.parse::<f64>()
                    && let Some(n) = serde_json::Number::from_f64(f)
                {
                    return Value::Number(n);
                }
                Value::String(text.clone())
            }
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_scalar().unwrap_or_default().to_owned(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Parses the first document of `file`. Returns `None` (with an error pushed) when the YAML is unusable.
pub fn parse(file_id: FileId, file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Node> {
    let mut builder = Builder { file_id, anchors: HashMap::new(), stack: Vec::new(), produced: 0, diagnostics };
    for event in Parser::new_from_str(&file.text) {
        let (event, span) = match event {
            Ok(ok) => ok,
            Err(err) => {
                let at = file.offset_of(err.marker().line(), err.marker().col());
                builder.diagnostics.push(
                    Diagnostic::new(Code::YamlSyntax, Span::new(file_id, at, at), format!("YAML syntax error: {}", err.info()))
                        .label("here")
                        .hint("check indentation and quoting; a value containing `: ` or starting with `{`, `[`, `*`, `&` or `@` must be quoted"),
                );
                return None;
            }
        };
        let span = Span::new(
            file_id,
            file.offset_of(span.start.line(), span.start.col()),
            file.offset_of(span.end.line(), span.end.col()),
        );
        match builder.event(event, span) {
            Step::Continue => {}
            Step::Done(node) => return Some(node),
            Step::Abort => return None,
        }
    }
    // An empty stream: no document at all.
    None
}

enum Step {
    Continue,
    Done(Node),
    Abort,
}

enum Open {
    Seq { span: Span, anchor: usize, items: Vec<Node> },
    Map { span: Span, anchor: usize, entries: Vec<(Node, Node)>, pending_key: Option<Node> },
}

struct Builder<'a> {
    file_id: FileId,
    anchors: HashMap<usize, Node>,
    stack: Vec<Open>,
    produced: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Step {
        match event {
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => Step::Continue,
            // Only the first document counts; a stream that ends inside nothing yields nothing.
            Event::StreamEnd | Event::DocumentEnd => Step::Continue,
            Event::Scalar(text, style, anchor, _tag) => {
                let node = Node {
                    span,
                    kind: NodeKind::Scalar { text: text.into_owned(), plain: style == ScalarStyle::Plain },
                };
                self.finish(node, anchor)
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id).cloned() else {
                    self.diagnostics.push(Diagnostic::new(Code::YamlSyntax, span, "YAML alias refers to an unknown anchor"));
                    return Step::Abort;
                };
                self.produced += count_nodes(&node);
                if self.produced > MAX_NODES {
                    self.diagnostics.push(
                        Diagnostic::new(Code::YamlTooLarge, span, format!("YAML aliases expand to more than {MAX_NODES} nodes"))
                            .hint("a capability spec does not need nested aliases; write the values out"),
                    );
                    return Step::Abort;
                }
                // The copy keeps the anchor's location: diagnostics inside it point at the original.
                self.finish(node, 0)
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.diagnostics.push(
                    Diagnostic::new(Code::YamlTooLarge, span, format!("YAML nesting is deeper than {MAX_DEPTH} levels")),
                );
                Step::Abort
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Open::Seq { span, anchor, items: Vec::new() });
                Step::Continue
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map { span, anchor, entries: Vec::new(), pending_key: None });
                Step::Continue
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Seq { span: start, anchor, items }) => {
                    let end = items.last().map_or(start.end, |n| n.span.end).max(start.end);
                    self.finish(Node { span: Span::new(self.file_id, start.start, end), kind: NodeKind::Seq(items) }, anchor)
                }
                Some(Open::Map { span: start, anchor, entries, .. }) => {
                    let end = entries.last().map_or(start.end, |(_, v)| v.span.end).max(start.end);
                    self.finish(Node { span: Span::new(self.file_id, start.start, end), kind: NodeKind::Map(entries) }, anchor)
                }
                None => Step::Continue,
            },
        }
    }

    fn finish(&mut self, node: Node, anchor: usize) -> Step {
        self.produced += 1;
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => Step::Done(node),
            Some(Open::Seq { items, .. }) => {
                items.push(node);
                Step::Continue
            }
            Some(Open::Map { entries, pending_key, .. }) => {
                match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => {
                        if key.as_scalar().is_none() {
                            self.diagnostics.push(
                                Diagnostic::new(Code::WrongType, key.span, "mapping keys must be plain strings")
                                    .label("complex key"),
                            );
                        } else if let Some((first, _)) = entries.iter().find(|(k, _)| k.as_scalar() == key.as_scalar()) {
                            self.diagnostics.push(
                                Diagnostic::new(
                                    Code::YamlDuplicateKey,
                                    key.span,
                                    format!("duplicate key `{}`", key.as_scalar().unwrap_or_default()),
                                )
                                .label("second occurrence")
                                .related(first.span, "first occurrence")
                                .hint("YAML keeps only one of them; remove or rename the other"),
                            );
                        } else {
                            entries.push((key, node));
                        }
                    }
                }
                Step::Continue
            }
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    let mut count = 0;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(entries) => todo.extend(entries.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    count
}
