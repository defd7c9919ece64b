//! MCP resources: data read from upstream through a generated function of the URI's variables
//! (`resources/read` of a URI matching a template), and the files under a directory (`resources/list`
//! lists them; reading one never leaves the directory).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use rmcp::model::{ErrorData, ReadResourceResult, Resource, ResourceContents, ResourceTemplate};
use serde_json::{Map, Value, json};

use crate::mcp::files;
use crate::mcp::result::failure_parts;
use crate::mcp::{Arguments, ToolError};
use crate::{Error, Response};

/// One resource as the spec declares it.
#[derive(Clone, Copy, Debug)]
pub struct ResourceSpec {
    pub name: &'static str,
    /// From the resource's `label`.
    pub title: Option<&'static str>,
    /// The URI; with `{var}` placeholders a template; for files the prefix of their URIs.
    pub uri: &'static str,
    pub description: Option<&'static str>,
    /// As declared; else inferred from a file's name, or from the upstream reply.
    pub mime_type: Option<&'static str>,
    pub source: ResourceSource,
}

#[derive(Clone, Copy, Debug)]
pub enum ResourceSource {
    /// Read by the generated function of this name (see [`ReadDispatch`]).
    Read,
    /// The files under a directory: its path as the spec wrote it (a relative one is resolved
    /// against [`files::root`]).
    Files { path: &'static str },
}

impl ResourceSpec {
    fn is_template(&self) -> bool {
        matches!(self.source, ResourceSource::Read) && self.uri.contains('{')
    }
}

/// What a resource read yields: the text and, when the upstream said, its media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceText {
    pub text: String,
    pub mime_type: Option<String>,
}

/// What a generated resource function returns. A protocol error: invalid arguments (the URI's
/// variables) or an upstream failure, with the upstream's status and body as the error's data.
pub type ReadOutcome = Result<ResourceText, ErrorData>;

/// A running resource read.
pub type ReadFuture = Pin<Box<dyn Future<Output = ReadOutcome> + Send>>;

/// Generated code's dispatcher for reads: the future reading resource `name` with the URI's
/// variables as arguments; `None` for a name it does not know.
pub type ReadDispatch<H> = fn(Arc<H>, &str, Arguments) -> Option<ReadFuture>;

/// Boxes a generated resource function's future for [`ReadDispatch`].
pub fn boxed_read(future: impl Future<Output = ReadOutcome> + Send + 'static) -> ReadFuture {
    Box::pin(future)
}

impl From<ToolError> for ErrorData {
    /// Arguments that do not fit (a URI variable a parameter cannot take) are invalid params.
    fn from(error: ToolError) -> Self {
        ErrorData::invalid_params(error.message().to_owned(), None)
    }
}

/// The upstream reply as the resource's text: the body as sent (an empty body is empty text). A
/// status >= 400 or a failed call is an internal error naming `resource`, with status and body.
pub fn read(resource: &str, reply: Result<Response, Error>) -> ReadOutcome {
    match reply {
        Ok(response) if response.status.as_u16() >= 400 => Err(failure(resource, Error::Status(Box::new(response)))),
        Ok(response) => {
            let mime_type = response.header("content-type").map(str::to_owned);
            Ok(ResourceText { text: response.text().into_owned(), mime_type })
        }
        Err(error) => Err(failure(resource, error)),
    }
}

/// Like [`read`], with a JSON body reshaped by a compiled output mapping (the text is the JSON).
pub fn read_mapped(resource: &str, reply: Result<Response, Error>, mapping: impl FnOnce(&Value) -> Value) -> ReadOutcome {
    let response = match reply {
        Ok(response) if response.status.as_u16() >= 400 => return Err(failure(resource, Error::Status(Box::new(response)))),
        Ok(response) => response,
        Err(error) => return Err(failure(resource, error)),
    };
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(value) => Ok(ResourceText { text: mapping(&value).to_string(), mime_type: Some("application/json".to_owned()) }),
        Err(_) => Err(ErrorData::internal_error(
            format!("the upstream API answered {} with a body that is not JSON; resource `{resource}` cannot be mapped", response.status),
            None,
        )),
    }
}

fn failure(resource: &str, error: Error) -> ErrorData {
    let (message, details) = failure_parts(resource, error);
    ErrorData::internal_error(message, details)
}

/// The dispatcher with its handlers captured.
pub(crate) type ErasedRead = Box<dyn Fn(&str, Arguments) -> Option<ReadFuture> + Send + Sync>;

/// A server's resources: the table, where each file resource's directory is, and the reader.
pub(crate) struct Resources {
    specs: &'static [ResourceSpec],
    /// Per resource: its directory, resolved at start-up (`None` for reads).
    directories: Vec<Option<PathBuf>>,
    read: Option<ErasedRead>,
}

impl Resources {
    pub(crate) fn none() -> Self {
        Resources { specs: &[], directories: Vec::new(), read: None }
    }

    pub(crate) fn new(specs: &'static [ResourceSpec], read: ErasedRead) -> Self {
        let directories = specs
            .iter()
            .map(|spec| match spec.source {
                ResourceSource::Files { path } => Some(files::resolve(path)),
                ResourceSource::Read => None,
            })
            .collect();
        Resources { specs, directories, read: Some(read) }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// Each file resource's directory that is missing (what a server must not start without).
    pub(crate) fn missing(&self) -> Vec<String> {
        self.specs
            .iter()
            .zip(&self.directories)
            .filter_map(|(spec, dir)| {
                dir.as_ref().filter(|d| !d.is_dir()).map(|d| format!("resource `{}`: no directory at {}", spec.name, d.display()))
            })
            .collect()
    }

    /// `resources/list`: each resource that is not a template, and each file under a directory.
    pub(crate) async fn list(&self) -> Vec<Resource> {
        let mut listed = Vec::new();
        for (spec, dir) in self.specs.iter().zip(&self.directories) {
            match dir {
                None if !spec.is_template() => listed.push(describe(Resource::new(spec.uri, spec.name), spec, spec.mime_type)),
                None => {}
                Some(dir) => {
                    let dir = dir.clone();
                    let found = tokio::task::spawn_blocking(move || files::list(&dir)).await.unwrap_or_default();
                    for relative in found {
                        let mime = spec.mime_type.map_or_else(|| files::mime_type(&relative), str::to_owned);
                        let uri = format!("{}/{relative}", spec.uri.trim_end_matches('/'));
                        listed.push(describe(Resource::new(uri, spec.name), spec, Some(&mime)));
                    }
                }
            }
        }
        listed
    }

    /// `resources/templates/list`: the reads whose URI has variables.
    pub(crate) fn templates(&self) -> Vec<ResourceTemplate> {
        self.specs
            .iter()
            .filter(|spec| spec.is_template())
            .map(|spec| {
                let mut template = ResourceTemplate::new(spec.uri, spec.name);
                template.title = spec.title.map(str::to_owned);
                template.description = spec.description.map(str::to_owned);
                template.mime_type = spec.mime_type.map(str::to_owned);
                template
            })
            .collect()
    }

    /// `resources/read`: the first resource (in spec order) whose URI, template or file prefix
    /// matches `uri`.
    pub(crate) async fn read(&self, uri: &str) -> Result<ReadResourceResult, ErrorData> {
        for (spec, dir) in self.specs.iter().zip(&self.directories) {
            match dir {
                Some(dir) => {
                    let prefix = spec.uri.trim_end_matches('/');
                    let Some(relative) = uri.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) else {
                        if uri == spec.uri {
                            return Err(ErrorData::invalid_params(
                                format!("`{uri}` is the directory of resource `{}`; read one of its files", spec.name),
                                None,
                            ));
                        }
                        continue;
                    };
                    let (dir, relative) = (dir.clone(), relative.to_owned());
                    let file = tokio::task::spawn_blocking(move || files::read(&dir, &relative))
                        .await
                        .map_err(|_| ErrorData::internal_error("reading the file was interrupted", None))?;
                    let (path, bytes) = file.map_err(|refusal| refusal.into_error(uri))?;
                    let mime = spec.mime_type.map_or_else(|| files::mime_type(&path.to_string_lossy()), str::to_owned);
                    return Ok(ReadResourceResult::new(vec![contents(uri, mime, bytes)]));
                }
                None => {
                    let Some(variables) = match_template(spec.uri, uri) else { continue };
                    let arguments = match variables {
                        Ok(arguments) => arguments,
                        Err(message) => return Err(ErrorData::invalid_params(message, Some(json!({"uri": uri})))),
                    };
                    let future = self.read.as_ref().and_then(|read| read(spec.name, Arguments::new(arguments)));
                    let Some(future) = future else {
                        return Err(ErrorData::internal_error(format!("resource `{}` is listed but has no implementation", spec.name), None));
                    };
                    let text = future.await?;
                    let mime = spec.mime_type.map(str::to_owned).or(text.mime_type).unwrap_or_else(|| "application/json".to_owned());
                    return Ok(ReadResourceResult::new(vec![ResourceContents::TextResourceContents {
                        uri: uri.to_owned(),
                        mime_type: Some(mime),
                        text: text.text,
                        meta: None,
                    }]));
                }
            }
        }
        Err(ErrorData::resource_not_found(format!("no resource has the URI `{uri}`"), Some(json!({"uri": uri}))))
    }
}

fn describe(mut resource: Resource, spec: &ResourceSpec, mime: Option<&str>) -> Resource {
    resource.title = spec.title.map(str::to_owned);
    resource.description = spec.description.map(str::to_owned);
    resource.mime_type = mime.map(str::to_owned);
    resource
}

/// A file's bytes as text when they are UTF-8, else as base64.
fn contents(uri: &str, mime: String, bytes: Vec<u8>) -> ResourceContents {
    match String::from_utf8(bytes) {
        Ok(text) => ResourceContents::TextResourceContents { uri: uri.to_owned(), mime_type: Some(mime), text, meta: None },
        Err(binary) => {
            use base64::Engine as _;
            let blob = base64::engine::general_purpose::STANDARD.encode(binary.as_bytes());
            ResourceContents::BlobResourceContents { uri: uri.to_owned(), mime_type: Some(mime), blob, meta: None }
        }
    }
}

/// Matches `uri` against a URI template: `None` when it does not match; else the variables (each
/// matching one or more characters other than `/`, percent-decoded), or why one cannot be read.
pub fn match_template(template: &str, uri: &str) -> Option<Result<Map<String, Value>, String>> {
    let mut raw = Vec::new();
    if !match_from(template, uri, &mut raw) {
        return None;
    }
    let mut variables = Map::new();
    for (name, value) in raw.into_iter().rev() {
        match percent_encoding::percent_decode_str(value).decode_utf8() {
            Ok(decoded) => variables.insert(name.to_owned(), Value::String(decoded.into_owned())),
            Err(_) => return Some(Err(format!("`{{{name}}}` of `{uri}` is not UTF-8 once percent-decoded"))),
        };
    }
    Some(Ok(variables))
}

/// Backtracking match of the rest of a template; the variables are pushed innermost first.
fn match_from<'t, 'u>(template: &'t str, uri: &'u str, variables: &mut Vec<(&'t str, &'u str)>) -> bool {
    let Some(open) = template.find('{') else { return template == uri };
    let Some(rest) = uri.strip_prefix(&template[..open]) else { return false };
    let Some((name, after)) = template[open + 1..].split_once('}') else { return false };
    // A value is one or more characters up to the next `/`; try the longest first.
    let limit = rest.find('/').unwrap_or(rest.len());
    for end in (1..=limit).rev().filter(|&end| rest.is_char_boundary(end)) {
        if match_from(after, &rest[end..], variables) {
            variables.push((name, &rest[..end]));
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(template: &str, uri: &str) -> Option<Value> {
        match_template(template, uri).map(|m| Value::Object(m.unwrap_or_default()))
    }

    #[test]
    fn templates_match_whole_segments() {
        assert_eq!(vars("data://users/{userId}/profile", "data://users/42/profile"), Some(json!({"userId": "42"})));
        assert_eq!(vars("data://users/{userId}/profile", "data://users/42/x/profile"), None);
        assert_eq!(vars("data://users/{userId}/profile", "data://users//profile"), None);
        assert_eq!(vars("data://{a}-{b}", "data://x-y-z"), Some(json!({"a": "x-y", "b": "z"})));
        assert_eq!(vars("config://app/current", "config://app/current"), Some(json!({})));
        assert_eq!(vars("config://app/current", "config://app/current/"), None);
        assert_eq!(vars("data://users/{id}", "data://users/a%20b"), Some(json!({"id": "a b"})));
        assert!(matches!(match_template("data://users/{id}", "data://users/%FF"), Some(Err(_))));
    }

    #[test]
    fn upstream_replies_become_text_or_errors() {
        let ok = read("r", Ok(Response::from_json(http::StatusCode::OK, &json!({"a": 1})))).unwrap();
        assert_eq!(ok.text, r#"{"a":1}"#);
        let failed = read("r", Ok(Response::from_json(http::StatusCode::NOT_FOUND, &json!({"message": "nope"})))).unwrap_err();
        assert_eq!(failed.code, rmcp::model::ErrorCode::INTERNAL_ERROR);
        assert_eq!(failed.data, Some(json!({"status": 404, "body": {"message": "nope"}})));
        let mapped = read_mapped("r", Ok(Response::from_json(http::StatusCode::OK, &json!({"a": {"b": 2}}))), |v| v["a"].clone()).unwrap();
        assert_eq!((mapped.text.as_str(), mapped.mime_type.as_deref()), (r#"{"b":2}"#, Some("application/json")));
    }

    #[test]
    fn missing_directories_are_named() {
        static SPECS: &[ResourceSpec] = &[ResourceSpec {
            name: "docs",
            title: None,
            uri: "docs://guides",
            description: None,
            mime_type: None,
            source: ResourceSource::Files { path: "/nonexistent/naftiko-guides" },
        }];
        let resources = Resources::new(SPECS, Box::new(|_, _| None));
        assert_eq!(resources.missing(), ["resource `docs`: no directory at /nonexistent/naftiko-guides"]);
    }
}
