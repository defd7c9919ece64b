//! Decoding of what a request carries: the raw query string and the JSON body.
//! Nothing here panics on client input; every failure becomes an `invalid_arguments` 400.

use serde_json::{Map, Value};

use super::errors::{ApiError, ApiResult, ArgError};

/// The query string, kept both raw (to echo it in `Link`, §2) and decoded (to filter).
#[derive(Debug, Default)]
pub(crate) struct Query {
    /// `(raw pair, decoded name, decoded value)` in the order received.
    pairs: Vec<(String, String, String)>,
}

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (pair.to_owned(), form_decode(name), form_decode(value))
            })
            .collect();
        Query { pairs }
    }

    /// The first value of `name`; an empty value counts as absent, like an unset field.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(_, n, v)| n == name && !v.is_empty())
            .map(|(_, _, v)| v.as_str())
    }

    /// Every value of a repeated parameter (Block `tags=a&tags=b`, §1.3).
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(_, n, v)| n == name && !v.is_empty())
            .map(|(_, _, v)| v.as_str())
            .collect()
    }

    /// The raw pairs except those named in `skip`, for echoing into `Link` (§2).
    pub(crate) fn raw_except(&self, skip: &[&str]) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(_, n, _)| !skip.contains(&n.as_str()))
            .map(|(raw, _, _)| raw.as_str())
            .collect()
    }

    pub(crate) fn uint(&self, name: &str) -> ApiResult<Option<u64>> {
        self.get(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    ApiError::invalid(ArgError::format(name, "must be an unsigned integer"))
                })
            })
            .transpose()
    }

    pub(crate) fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        self.get(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::invalid(ArgError::format(name, "must be an integer")))
            })
            .transpose()
    }

    pub(crate) fn boolean(&self, name: &str) -> ApiResult<Option<bool>> {
        self.get(name)
            .map(|v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ApiError::invalid(ArgError::format(
                    name,
                    "must be true or false",
                ))),
            })
            .transpose()
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub(crate) fn form_decode(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}

/// Percent-decoding of one path segment or query component; malformed escapes stay as is.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            // Two hex digits make at most 255.
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON object body.
pub(crate) struct Body(Map<String, Value>);

impl Body {
    /// An empty body counts as `{}`: the gateway treats end-of-input as an empty message
    /// (grpc-gateway style); the reference is silent. Anything that is not a JSON object
    /// is an `invalid_arguments` error (§3 shape; the argument name is our choice).
    pub(crate) fn parse(bytes: &[u8]) -> ApiResult<Self> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(Map::new()));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(Body(map)),
            Ok(_) => Err(ApiError::invalid(ArgError::format(
                "body",
                "the request body must be a JSON object",
            ))),
            Err(e) => Err(ApiError::invalid(ArgError::format(
                "body",
                format!("invalid JSON: {e}"),
            ))),
        }
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|v| !v.is_null())
    }

    /// A string field; `null` or absent is `None`, any other type is a `format` error.
    pub(crate) fn string(&self, name: &str) -> ApiResult<Option<String>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::invalid(ArgError::format(
                name,
                "must be a string",
            ))),
        }
    }

    /// A string field that must be present and non-empty.
    pub(crate) fn required_string(&self, name: &str) -> ApiResult<String> {
        match self.string(name)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::invalid(ArgError::required(name))),
        }
    }

    /// `bucket` and `key` of an import or export, both required; one error lists both
    /// when both are missing.
    pub(crate) fn bucket_and_key(&self) -> ApiResult<(String, String)> {
        match (self.required_string("bucket"), self.required_string("key")) {
            (Ok(bucket), Ok(key)) => Ok((bucket, key)),
            (bucket, key) => Err(ApiError::merge([bucket.err(), key.err()])),
        }
    }

    pub(crate) fn uint(&self, name: &str) -> ApiResult<Option<u64>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                ApiError::invalid(ArgError::format(name, "must be an unsigned integer"))
            }),
        }
    }

    pub(crate) fn boolean(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(ArgError::format(
                name,
                "must be a boolean",
            ))),
        }
    }

    pub(crate) fn tags(&self, name: &str) -> ApiResult<Option<Vec<String>>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|t| {
                    t.as_str().map(str::to_owned).ok_or_else(|| {
                        ApiError::invalid(ArgError::format(name, "must be a list of strings"))
                    })
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(Some),
            Some(_) => Err(ApiError::invalid(ArgError::format(
                name,
                "must be a list of strings",
            ))),
        }
    }

    /// A map from index to `{"id": …}` (image `extra_volumes`, §1.2): returns the
    /// `(index, id)` pairs in the order sent.
    pub(crate) fn volume_ids(&self, name: &str) -> ApiResult<Option<Vec<(String, String)>>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(index, entry)| {
                    let field = format!("{name}.{index}.id");
                    match entry.get("id") {
                        Some(Value::String(id)) if !id.is_empty() => {
                            Ok((index.clone(), id.clone()))
                        }
                        None | Some(Value::Null) => {
                            Err(ApiError::invalid(ArgError::required(field)))
                        }
                        Some(Value::String(_)) => Err(ApiError::invalid(ArgError::required(field))),
                        Some(_) => Err(ApiError::invalid(ArgError::format(
                            field,
                            "must be a string",
                        ))),
                    }
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(Some),
            Some(_) => Err(ApiError::invalid(ArgError::format(
                name,
                "must be a map of volume templates",
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_without_splitting_on_encoded_separators() {
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(form_decode("a+b%26c"), "a b&c");
        let q = Query::parse(Some("page=1&tags=a&tags=b%20c&public=false"));
        assert_eq!(q.all("tags"), vec!["a", "b c"]);
        assert_eq!(
            q.raw_except(&["page", "per_page"]),
            vec!["tags=a", "tags=b%20c", "public=false"]
        );
    }
}
