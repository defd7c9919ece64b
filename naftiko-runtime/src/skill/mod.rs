//! Skill catalogs (`type: skill`): the reference engine's read-only `/skills` endpoints over a static
//! table of skills that generated code provides.
//!
//! | Route | Answer |
//! |---|---|
//! | `GET /skills` | `{"count", "skills": [{"name", "description", "license"?, "tools": [names]}]}` |
//! | `GET /skills/{name}` | the skill's metadata and tools (`type` `derived` with an `invocationRef`, or `instruction`) |
//! | `GET /skills/{name}/contents` | `{"name", "files": [{"path", "size", "type"}]}` |
//! | `GET /skills/{name}/contents/{file}` | the file, with its media type |
//! | `GET /skills/{name}/download` | the folder as a ZIP archive (`application/zip`) |
//!
//! A skill's folder is its `location`, read at run time under [`crate::files`]' rules (no `..`, no
//! hidden files, no link out; relative locations against [`files::root`]), or, for a skill with no
//! `location`, the one SKILL.md generated from the spec. Errors are [`AdapterError`] JSON: 404 for an
//! unknown skill or file, 400 for a path that is not a plain relative one.

mod archive;

use std::path::PathBuf;

use axum::extract::{Path, rejection::PathRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::files::{self, Refusal};
use crate::rest::{AdapterError, RestOptions};

/// Name of the file an agent runtime reads first in a skill's folder.
pub const SKILL_MD: &str = "SKILL.md";

/// One skill expose: its namespace and skills, in spec order.
#[derive(Debug)]
pub struct Catalog {
    pub namespace: &'static str,
    pub skills: &'static [SkillSpec],
}

/// A skill, with the Agent Skills front matter the spec gives it.
#[derive(Debug)]
pub struct SkillSpec {
    pub name: &'static str,
    pub description: Option<&'static str>,
    pub license: Option<&'static str>,
    pub compatibility: Option<&'static str>,
    pub allowed_tools: Option<&'static str>,
    pub argument_hint: Option<&'static str>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    /// `key: value` pairs, in spec order.
    pub metadata: &'static [(&'static str, &'static str)],
    pub folder: Folder,
    pub tools: &'static [SkillToolSpec],
}

/// What a skill's contents are.
#[derive(Debug)]
pub enum Folder {
    /// The files under a directory: the `file:///` location's path as written, resolved against
    /// [`files::root`] when relative.
    Location(&'static str),
    /// The SKILL.md generated from the spec (the skill has no `location`).
    Generated(&'static str),
}

/// A tool of a skill.
#[derive(Debug)]
pub struct SkillToolSpec {
    pub name: &'static str,
    pub description: Option<&'static str>,
    pub source: ToolSource,
}

/// Where an agent finds a tool.
#[derive(Debug)]
pub enum ToolSource {
    /// Call it on a sibling expose: its namespace, the operation (REST) or tool (MCP) name, and
    /// `rest` or `mcp`.
    Derived { namespace: &'static str, action: &'static str, mode: &'static str },
    /// Read it: a file under the skill's folder.
    Instruction(&'static str),
}

impl Catalog {
    /// The skill named `name`.
    pub fn skill(&self, name: &str) -> Option<&'static SkillSpec> {
        self.skills.iter().find(|s| s.name == name)
    }

    /// Checks, before serving, that every skill's `location` is a directory and its instruction files
    /// are there: an error naming the skill and the path otherwise.
    pub fn require_locations(&self) -> Result<(), String> {
        for skill in self.skills {
            let Folder::Location(path) = skill.folder else { continue };
            let dir = files::resolve(path);
            if !dir.is_dir() {
                return Err(format!(
                    "skill `{}` of `{}`: its location `{path}` is not a directory (looked at {}; relative locations start at the working directory or `--root`)",
                    skill.name,
                    self.namespace,
                    dir.display()
                ));
            }
            for tool in skill.tools {
                if let ToolSource::Instruction(file) = tool.source
                    && let Err(refusal) = files::read(&dir, file)
                {
                    let why = match refusal {
                        Refusal::NotFound => "no such file".to_owned(),
                        Refusal::Invalid(why) | Refusal::Unreadable(why) => why,
                    };
                    return Err(format!(
                        "skill `{}` of `{}`: instruction `{file}` of tool `{}` under {}: {why}",
                        skill.name,
                        self.namespace,
                        tool.name,
                        dir.display()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The catalog's routes, with the fallbacks, authentication and `Host`/`Origin` checks of
/// [`crate::rest::finish`].
pub fn router(catalog: &'static Catalog, options: RestOptions) -> axum::Router {
    let router = axum::Router::new()
        .route("/skills", get(move || async move { axum::Json(list(catalog)) }))
        .route("/skills/{name}", get(move |name: Result<Path<String>, PathRejection>| async move { detail(catalog, name) }))
        .route("/skills/{name}/contents", get(move |name: Result<Path<String>, PathRejection>| contents(catalog, name)))
        .route("/skills/{name}/contents/{*file}", get(move |path: Result<Path<(String, String)>, PathRejection>| file(catalog, path)))
        .route("/skills/{name}/download", get(move |name: Result<Path<String>, PathRejection>| download(catalog, name)));
    crate::rest::finish(router, options)
}

/// `GET /skills`.
pub fn list(catalog: &Catalog) -> Value {
    let skills: Vec<Value> = catalog
        .skills
        .iter()
        .map(|s| {
            let mut entry = Map::new();
            entry.insert("name".into(), s.name.into());
            entry.insert("description".into(), s.description.into());
            if let Some(license) = s.license {
                entry.insert("license".into(), license.into());
            }
            entry.insert("tools".into(), s.tools.iter().map(|t| t.name).collect::<Vec<_>>().into());
            Value::Object(entry)
        })
        .collect();
    json!({ "count": skills.len(), "skills": skills })
}

/// The body of `GET /skills/{name}`.
pub fn describe(skill: &SkillSpec) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), skill.name.into());
    out.insert("description".into(), skill.description.into());
    let optional = [
        ("license", skill.license),
        ("compatibility", skill.compatibility),
        ("argument-hint", skill.argument_hint),
        ("allowed-tools", skill.allowed_tools),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            out.insert(key.into(), value.into());
        }
    }
    for (key, value) in [("user-invocable", skill.user_invocable), ("disable-model-invocation", skill.disable_model_invocation)] {
        if let Some(value) = value {
            out.insert(key.into(), value.into());
        }
    }
    if !skill.metadata.is_empty() {
        out.insert("metadata".into(), Value::Object(skill.metadata.iter().map(|(k, v)| ((*k).to_owned(), Value::from(*v))).collect()));
    }
    let tools: Vec<Value> = skill
        .tools
        .iter()
        .map(|t| match t.source {
            ToolSource::Derived { namespace, action, mode } => json!({
                "name": t.name,
                "description": t.description,
                "type": "derived",
                "invocationRef": { "targetNamespace": namespace, "action": action, "mode": mode },
            }),
            ToolSource::Instruction(file) => json!({ "name": t.name, "description": t.description, "type": "instruction", "instruction": file }),
        })
        .collect();
    out.insert("tools".into(), tools.into());
    Value::Object(out)
}

fn detail(catalog: &'static Catalog, name: Result<Path<String>, PathRejection>) -> Result<axum::Json<Value>, AdapterError> {
    Ok(axum::Json(describe(find(catalog, name)?)))
}

async fn contents(catalog: &'static Catalog, name: Result<Path<String>, PathRejection>) -> Result<axum::Json<Value>, AdapterError> {
    let skill = find(catalog, name)?;
    let files: Vec<Value> = match skill.folder {
        Folder::Generated(text) => vec![json!({ "path": SKILL_MD, "size": text.len(), "type": files::mime_type(SKILL_MD) })],
        Folder::Location(_) => {
            let dir = location(skill)?;
            blocking(move || {
                files::list(&dir)
                    .into_iter()
                    .map(|path| {
                        let size = std::fs::metadata(dir.join(&path)).map_or(0, |m| m.len());
                        json!({ "type": files::mime_type(&path), "path": path, "size": size })
                    })
                    .collect()
            })
            .await?
        }
    };
    Ok(axum::Json(json!({ "name": skill.name, "files": files })))
}

async fn file(catalog: &'static Catalog, path: Result<Path<(String, String)>, PathRejection>) -> Result<Response, AdapterError> {
    let Path((name, relative)) = path.map_err(|e| AdapterError::bad_input(e.body_text()))?;
    let skill = catalog.skill(&name).ok_or_else(|| skill_not_found(&name))?;
    let bytes = match skill.folder {
        Folder::Generated(text) if relative == SKILL_MD => text.as_bytes().to_vec(),
        Folder::Generated(_) => return Err(file_not_found(&relative)),
        Folder::Location(_) => {
            let dir = location(skill)?;
            let wanted = relative.clone();
            match blocking(move || files::read(&dir, &wanted)).await? {
                Ok((_, bytes)) => bytes,
                Err(Refusal::Invalid(why)) => return Err(AdapterError::bad_input(format!("Unsafe path `{relative}`: {why}"))),
                Err(Refusal::NotFound) => return Err(file_not_found(&relative)),
                Err(Refusal::Unreadable(why)) => {
                    return Err(AdapterError::new(StatusCode::INTERNAL_SERVER_ERROR, "unreadable", format!("`{relative}` cannot be read: {why}")));
                }
            }
        }
    };
    let media_type = HeaderValue::from_str(&files::mime_type(&relative)).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok(([(header::CONTENT_TYPE, media_type)], bytes).into_response())
}

async fn download(catalog: &'static Catalog, name: Result<Path<String>, PathRejection>) -> Result<Response, AdapterError> {
    let skill = find(catalog, name)?;
    let zipped = match skill.folder {
        Folder::Generated(text) => archive::zip(&[(SKILL_MD.to_owned(), text.as_bytes().to_vec())]),
        Folder::Location(_) => {
            let dir = location(skill)?;
            blocking(move || archive::zip_dir(&dir)).await?
        }
    }
    .map_err(|why| {
        AdapterError::new(StatusCode::INTERNAL_SERVER_ERROR, "archive_failed", format!("the archive of skill `{}` cannot be made: {why}", skill.name))
    })?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}.zip\"", skill.name)).unwrap_or(HeaderValue::from_static("attachment"));
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/zip")), (header::CONTENT_DISPOSITION, disposition)], zipped).into_response())
}

fn find(catalog: &'static Catalog, name: Result<Path<String>, PathRejection>) -> Result<&'static SkillSpec, AdapterError> {
    let Path(name) = name.map_err(|e| AdapterError::bad_input(e.body_text()))?;
    catalog.skill(&name).ok_or_else(|| skill_not_found(&name))
}

/// The directory of a skill served from its `location` (404 when it is gone since start-up, as the
/// engine answers for a missing one).
fn location(skill: &SkillSpec) -> Result<PathBuf, AdapterError> {
    let Folder::Location(path) = skill.folder else {
        return Err(AdapterError::new(StatusCode::NOT_FOUND, "not_found", format!("No location configured for skill: {}", skill.name)));
    };
    let dir = files::resolve(path);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(AdapterError::new(StatusCode::NOT_FOUND, "not_found", format!("Location directory not found for skill: {}", skill.name)))
    }
}

fn skill_not_found(name: &str) -> AdapterError {
    AdapterError::new(StatusCode::NOT_FOUND, "not_found", format!("Skill not found: {name}"))
}

fn file_not_found(file: &str) -> AdapterError {
    AdapterError::new(StatusCode::NOT_FOUND, "not_found", format!("File not found: {file}"))
}

/// Runs file system work off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AdapterError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AdapterError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "reading the skill's files failed"))
}
