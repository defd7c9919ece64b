//! Base-URL overrides given at run time (`--upstream URL` or `--upstream NS=URL`).

/// Upstream base URLs chosen at run time, by consumed namespace.
#[derive(Clone, Debug, Default)]
pub struct Upstreams {
    /// `(namespace, url)`; namespace `*` applies to every consumed API.
    entries: Vec<(String, String)>,
}

impl Upstreams {
    /// Parses `URL` (every namespace) or `NS=URL` values.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut entries = Vec::new();
        for v in values {
            let (ns, url) = match v.split_once('=') {
                Some((ns, url)) if !ns.contains("://") => (ns.to_owned(), url.to_owned()),
                _ => ("*".to_owned(), v.to_owned()),
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("--upstream {v}: expected URL or NAMESPACE=URL with an http(s) URL"));
            }
            entries.push((ns, url.trim_end_matches('/').to_owned()));
        }
        Ok(Upstreams { entries })
    }

    /// The override for `namespace`, if any.
    pub fn get(&self, namespace: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(ns, _)| ns == namespace)
            .or_else(|| self.entries.iter().rev().find(|(ns, _)| ns == "*"))
            .map(|(_, url)| url.as_str())
    }

    /// Namespaces named that are not in `known`, for a clear start-up error.
    pub fn unknown<'a>(&'a self, known: &[&str]) -> Vec<&'a str> {
        self.entries.iter().map(|(ns, _)| ns.as_str()).filter(|ns| *ns != "*" && !known.contains(ns)).collect()
    }
}
