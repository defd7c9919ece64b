//! Outputs: JSONPath mappings compiled into fixed step lists.

use serde_json::Value;

use crate::check::diagnostic::{Code, Diagnostic};
use crate::ir::model::*;
use crate::source::Spanned;
use crate::spec::model as spec;

use super::Lowering;

impl Lowering<'_> {
    /// How an exposed operation shapes the upstream reply. With several outputs it answers the first
    /// that is not `null`, bare (not keyed by name), as the reference engine does.
    pub(super) fn output(&mut self, outputs: &[spec::OutputParameter]) -> Output {
        match outputs {
            [] => Output::Passthrough,
            [o] => match self.mapping(o) {
                Some(Mapping::Path { path }) if path.is_empty() => Output::Passthrough,
                Some(m) => Output::Mapped(m),
                None => Output::Passthrough,
            },
            several => {
                let mappings: Option<Vec<Mapping>> = several.iter().map(|o| self.mapping(o)).collect();
                mappings.map_or(Output::Passthrough, |mappings| Output::Mapped(Mapping::FirstOf { mappings }))
            }
        }
    }

    pub(super) fn mapping(&mut self, o: &spec::OutputParameter) -> Option<Mapping> {
        if let Some(v) = &o.value
            && o.mapping.is_none()
        {
            // Consumed outputs write their JSONPath under `value`.
            if let Value::String(s) = &v.value
                && s.starts_with('$')
            {
                return self.json_path(&Spanned::new(s.clone(), v.span)).map(|path| Mapping::Path { path });
            }
            return Some(Mapping::Constant { value: v.value.clone() });
        }
        let kind = o.kind.as_ref().map(|k| k.value.as_str());
        if !o.properties.is_empty() {
            let mut properties = Vec::new();
            for (name, prop) in &o.properties {
                properties.push((name.value.clone(), self.mapping(prop)?));
            }
            return Some(Mapping::Object { properties });
        }
        let path = match &o.mapping {
            Some(m) => self.json_path(m)?,
            None => Vec::new(),
        };
        if kind == Some("array")
            && let Some(items) = &o.items
        {
            let items = self.mapping(items).map(Box::new);
            return Some(Mapping::Array { path, items });
        }
        Some(Mapping::Path { path })
    }

    pub(super) fn json_path(&mut self, p: &Spanned<String>) -> Option<Vec<PathStep>> {
        match parse_json_path(&p.value) {
            Some(path) => Some(path),
            None => {
                self.error(
                    Diagnostic::new(Code::Unsupported, p.span, format!("JSONPath `{}` is not supported by this compiler yet", p.value))
                        .label("not compiled")
                        .hint("use `$`, `$.field.sub`, `$.list[0]`, `$.list[*].field` or `$['odd name']`"),
                );
                None
            }
        }
    }
}

/// `$`, `$.a.b`, `$.a[0]`, `$.a[*].b`, `$['a b']`; `None` for anything else (filters, recursion).
pub fn parse_json_path(path: &str) -> Option<Vec<PathStep>> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if rest.starts_with("..") {
            return None;
        } else if let Some(r) = rest.strip_prefix('.') {
            if r.is_empty() {
                break; // `$.` is the root
            }
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            let name = &r[..end];
            steps.push(if name == "*" { PathStep::Each } else { PathStep::Field(name.to_owned()) });
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = r[..end].trim();
            steps.push(if inner == "*" {
                PathStep::Each
            } else if let Ok(i) = inner.parse() {
                PathStep::Index(i)
            } else if let Some(q) =
                inner.strip_prefix('\'').and_then(|q| q.strip_suffix('\'')).or_else(|| inner.strip_prefix('"').and_then(|q| q.strip_suffix('"')))
            {
                PathStep::Field(q.to_owned())
            } else {
                return None;
            });
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths() {
        assert_eq!(parse_json_path("$."), Some(vec![]));
        assert_eq!(parse_json_path("$"), Some(vec![]));
        assert_eq!(parse_json_path("$.a.b"), Some(vec![PathStep::Field("a".into()), PathStep::Field("b".into())]));
        assert_eq!(parse_json_path("$.items[*].id"), Some(vec![PathStep::Field("items".into()), PathStep::Each, PathStep::Field("id".into())]));
        assert_eq!(parse_json_path("$['a b'][0]"), Some(vec![PathStep::Field("a b".into()), PathStep::Index(0)]));
        assert_eq!(parse_json_path("$..a"), None);
        assert_eq!(parse_json_path("$.a[?(@.x)]"), None);
        assert_eq!(parse_json_path("a"), None);
    }
}
