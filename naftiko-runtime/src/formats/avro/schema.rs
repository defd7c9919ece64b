//! Avro schemas (the JSON of an `.avsc` file) parsed into an arena of types.
//!
//! Parsed here rather than by `apache-avro` (see the module documentation of [`super`]): names are not
//! validated beyond what resolving references needs, a logical type that does not apply is ignored, and
//! no input panics.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

/// A parsed schema: its types in an arena (named types referenced by index, so recursive types are
/// plain cycles), the top-level one at `root`.
#[derive(Clone, Debug)]
pub(super) struct Schema {
    pub(super) nodes: Vec<Node>,
    pub(super) root: usize,
}

#[derive(Clone, Debug)]
pub(super) enum Node {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Record(Vec<(String, usize)>),
    Enum(Vec<String>),
    Array(usize),
    Map(usize),
    Union(Vec<usize>),
    Fixed(usize),
    /// `size` is `None` on `bytes`, the fixed size on `fixed`.
    Decimal {
        precision: u64,
        scale: u32,
        size: Option<usize>,
    },
    Uuid {
        fixed: bool,
    },
    Date,
    TimeMillis,
    TimeMicros,
    Timestamp {
        unit: Unit,
        local: bool,
    },
    Duration,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Unit {
    Millis,
    Micros,
    Nanos,
}

impl Unit {
    pub(super) fn per_second(self) -> i64 {
        match self {
            Unit::Millis => 1_000,
            Unit::Micros => 1_000_000,
            Unit::Nanos => 1_000_000_000,
        }
    }
}

/// The largest decimal `precision` read as a decimal: formatting pads up to `scale` zeros, which must
/// stay small. Beyond it the logical type is ignored, as any invalid one.
const MAX_DECIMAL_PRECISION: u64 = 1_000;

impl Schema {
    pub(super) fn parse(text: &str) -> Result<Schema, String> {
        let json: Json = serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
        let mut parser = Parser { nodes: Vec::new(), names: HashMap::new() };
        let root = parser.schema(&json, "", "")?;
        Ok(Schema { nodes: parser.nodes, root })
    }
}

struct Parser {
    nodes: Vec<Node>,
    /// Full names of the named types declared so far.
    names: HashMap<String, usize>,
}

impl Parser {
    fn push(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// The schema `json` found at JSON pointer `path`, declared in `namespace` ("" for none).
    fn schema(&mut self, json: &Json, namespace: &str, path: &str) -> Result<usize, String> {
        match json {
            Json::String(name) => self.reference(name, namespace, path),
            Json::Array(branches) => {
                let mut union = Vec::with_capacity(branches.len());
                for (index, branch) in branches.iter().enumerate() {
                    let branch_path = format!("{path}/{index}");
                    if branch.is_array() {
                        return Err(format!("{}: a union may not hold a union directly", pointer(&branch_path)));
                    }
                    union.push(self.schema(branch, namespace, &branch_path)?);
                }
                Ok(self.push(Node::Union(union)))
            }
            Json::Object(object) => self.complex(object, namespace, path),
            _ => Err(format!("{}: a schema is a type name, an object or a union (array)", pointer(path))),
        }
    }

    fn reference(&mut self, name: &str, namespace: &str, path: &str) -> Result<usize, String> {
        if let Some(primitive) = primitive(name) {
            return Ok(self.push(primitive));
        }
        // A dotless name is looked up in the enclosing namespace, then (as Java's parser does) in none.
        let full = full_name(name, namespace);
        match self.names.get(&full).or_else(|| self.names.get(name)) {
            Some(&index) => Ok(index),
            None => Err(format!("{}: unknown type `{name}` (a named type must be declared before its use)", pointer(path))),
        }
    }

    fn complex(&mut self, object: &Map<String, Json>, namespace: &str, path: &str) -> Result<usize, String> {
        let kind = match object.get("type") {
            Some(Json::String(kind)) => kind.as_str(),
            Some(other) => return self.schema(other, namespace, &format!("{path}/type")),
            None => return Err(format!("{}: missing `type`", pointer(path))),
        };
        let node = match kind {
            "record" | "error" => return self.record(object, namespace, path),
            "enum" => {
                let (index, _) = self.declare(object, namespace, path)?;
                let Some(Json::Array(symbols)) = object.get("symbols") else {
                    return Err(format!("{}: an enum needs `symbols`, an array of names", pointer(path)));
                };
                let mut names = Vec::with_capacity(symbols.len());
                for (position, symbol) in symbols.iter().enumerate() {
                    let Json::String(symbol) = symbol else {
                        return Err(format!("{}: a symbol is a string", pointer(&format!("{path}/symbols/{position}"))));
                    };
                    names.push(symbol.clone());
                }
                self.nodes[index] = Node::Enum(names);
                return Ok(index);
            }
            "array" => {
                let items = object.get("items").ok_or_else(|| format!("{}: an array needs `items`", pointer(path)))?;
                let items = self.schema(items, namespace, &format!("{path}/items"))?;
                return Ok(self.push(Node::Array(items)));
            }
            "map" => {
                let values = object.get("values").ok_or_else(|| format!("{}: a map needs `values`", pointer(path)))?;
                let values = self.schema(values, namespace, &format!("{path}/values"))?;
                return Ok(self.push(Node::Map(values)));
            }
            "fixed" => {
                let (index, _) = self.declare(object, namespace, path)?;
                let size = object.get("size").and_then(Json::as_u64).and_then(|size| usize::try_from(size).ok());
                let Some(size) = size else {
                    return Err(format!("{}: a fixed needs `size`, a non-negative integer", pointer(path)));
                };
                self.nodes[index] = Node::Fixed(size);
                index
            }
            name => {
                let index = self.reference(name, namespace, path)?;
                // `{"type": "SomeRecord", …}` names an existing type: its attributes are not the type's.
                if primitive(name).is_none() {
                    return Ok(index);
                }
                index
            }
        };
        // `node` was created by this object (a primitive or a fixed): a logical type may refine it. On a
        // fixed, in place, so that references to its name see it too (as in Java, where it is the type's).
        if let Some(refined) = object.get("logicalType").and_then(Json::as_str).and_then(|logical| logical_type(logical, &self.nodes[node], object)) {
            self.nodes[node] = refined;
        }
        Ok(node)
    }

    fn record(&mut self, object: &Map<String, Json>, namespace: &str, path: &str) -> Result<usize, String> {
        // Declared before its fields are read, so that they may refer to it (recursive types).
        let (index, full) = self.declare(object, namespace, path)?;
        let record_namespace = full.rsplit_once('.').map_or("", |(namespace, _)| namespace).to_owned();
        let Some(Json::Array(fields)) = object.get("fields") else {
            return Err(format!("{}: a record needs `fields`, an array", pointer(path)));
        };
        let mut decoded = Vec::with_capacity(fields.len());
        for (position, field) in fields.iter().enumerate() {
            let field_path = format!("{path}/fields/{position}");
            let Some(Json::String(name)) = field.get("name") else {
                return Err(format!("{}: a field needs a `name`", pointer(&field_path)));
            };
            let Some(schema) = field.get("type") else {
                return Err(format!("{}: field `{name}` needs a `type`", pointer(&field_path)));
            };
            let schema = self.schema(schema, &record_namespace, &format!("{field_path}/type"))?;
            decoded.push((name.clone(), schema));
        }
        self.nodes[index] = Node::Record(decoded);
        Ok(index)
    }

    /// Registers the named type `object` declares (with a placeholder node): its index and full name.
    fn declare(&mut self, object: &Map<String, Json>, namespace: &str, path: &str) -> Result<(usize, String), String> {
        let Some(Json::String(name)) = object.get("name") else {
            return Err(format!("{}: a named type needs a `name`", pointer(path)));
        };
        // A dotted name is a full name; otherwise `namespace` (if given) or the enclosing one qualifies it.
        let full = match object.get("namespace") {
            _ if name.contains('.') => name.clone(),
            Some(Json::String(own)) => full_name(name, own),
            _ => full_name(name, namespace),
        };
        if primitive(&full).is_some() || self.names.contains_key(&full) {
            return Err(format!("{}: type `{full}` is declared twice (or is a primitive type's name)", pointer(path)));
        }
        let index = self.push(Node::Null);
        self.names.insert(full.clone(), index);
        Ok((index, full))
    }
}

fn primitive(name: &str) -> Option<Node> {
    Some(match name {
        "null" => Node::Null,
        "boolean" => Node::Boolean,
        "int" => Node::Int,
        "long" => Node::Long,
        "float" => Node::Float,
        "double" => Node::Double,
        "bytes" => Node::Bytes,
        "string" => Node::String,
        _ => return None,
    })
}

fn full_name(name: &str, namespace: &str) -> String {
    if name.contains('.') || namespace.is_empty() { name.to_owned() } else { format!("{namespace}.{name}") }
}

fn pointer(path: &str) -> &str {
    if path.is_empty() { "(top level)" } else { path }
}

/// `base` refined by the logical type `logical`, or `None` when it does not apply (ignored, as the
/// specification asks).
fn logical_type(logical: &str, base: &Node, object: &Map<String, Json>) -> Option<Node> {
    Some(match (logical, base) {
        ("decimal", Node::Bytes | Node::Fixed(_)) => {
            let precision = object.get("precision").and_then(Json::as_u64).filter(|precision| (1..=MAX_DECIMAL_PRECISION).contains(precision))?;
            let scale = match object.get("scale") {
                None => 0,
                Some(scale) => scale.as_u64().filter(|scale| *scale <= precision)?,
            };
            let size = match base {
                Node::Fixed(size) => Some(*size),
                _ => None,
            };
            Node::Decimal { precision, scale: u32::try_from(scale).ok()?, size }
        }
        ("uuid", Node::String) => Node::Uuid { fixed: false },
        ("uuid", Node::Fixed(16)) => Node::Uuid { fixed: true },
        ("date", Node::Int) => Node::Date,
        ("time-millis", Node::Int) => Node::TimeMillis,
        ("time-micros", Node::Long) => Node::TimeMicros,
        ("timestamp-millis", Node::Long) => Node::Timestamp { unit: Unit::Millis, local: false },
        ("timestamp-micros", Node::Long) => Node::Timestamp { unit: Unit::Micros, local: false },
        ("timestamp-nanos", Node::Long) => Node::Timestamp { unit: Unit::Nanos, local: false },
        ("local-timestamp-millis", Node::Long) => Node::Timestamp { unit: Unit::Millis, local: true },
        ("local-timestamp-micros", Node::Long) => Node::Timestamp { unit: Unit::Micros, local: true },
        ("local-timestamp-nanos", Node::Long) => Node::Timestamp { unit: Unit::Nanos, local: true },
        ("duration", Node::Fixed(12)) => Node::Duration,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::formats::avro::Decoder;

    #[test]
    fn schema_references_follow_namespaces() {
        // `Inner` is declared in `a.b` (the record's namespace), `Other` in none: both resolve by short name.
        let schema = r#"{"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
            {"name": "one", "type": {"type": "enum", "name": "Inner", "symbols": ["X"]}},
            {"name": "two", "type": "a.b.Inner"},
            {"name": "three", "type": "Inner"},
            {"name": "four", "type": {"type": "fixed", "name": "Other", "namespace": "", "size": 1}},
            {"name": "five", "type": "Other"}
        ]}"#;
        let answer = Decoder::new(schema).expect("decoder").to_json(b"\x00\x00\x00\x41\x42").expect("decodes");
        assert_eq!(answer, json!({"one": "X", "two": "X", "three": "X", "four": "QQ==", "five": "Qg=="}));
    }

    #[test]
    fn invalid_schemas_say_where() {
        let error = |schema: &str| Decoder::new(schema).expect_err("invalid schema");
        assert!(error("{").starts_with("invalid Avro schema: not JSON"));
        assert_eq!(
            error(r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "Nope"}]}"#),
            "invalid Avro schema: /fields/0/type: unknown type `Nope` (a named type must be declared before its use)"
        );
        assert!(error(r#"["int", ["null"]]"#).contains("/1: a union may not hold a union directly"));
        assert!(error(r#"{"type": "array"}"#).contains("(top level): an array needs `items`"));
        assert!(error(r#"{"type": "fixed", "name": "F", "size": -1}"#).contains("`size`"));
        assert!(error(r#"{"type": "record", "name": "int", "fields": []}"#).contains("declared twice"));
        // apache-avro 0.21 panics on this one.
        assert!(Decoder::new(r#"{"type": "record", "name": "1bad", "fields": [], "aliases": ["9z"]}"#).is_ok());
    }
}
