//! The skill catalogs: skills as the engine's `/skills` endpoints describe them, each with the folder
//! it is served from (read at run time) or the SKILL.md written for it at generation time.

use serde::Serialize;

use super::ServerAuth;

/// An exposed skill catalog (`type: skill`).
#[derive(Clone, Debug, Serialize)]
pub struct SkillSurface {
    pub namespace: String,
    pub port: Option<u16>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub auth: Option<ServerAuth>,
    pub skills: Vec<SkillDef>,
}

/// One skill, with the Agent Skills front matter the spec gives it.
#[derive(Clone, Debug, Serialize)]
pub struct SkillDef {
    pub name: String,
    pub description: Option<String>,
    pub license: Option<String>,
    pub compatibility: Option<String>,
    /// `key: value` pairs, in spec order.
    pub metadata: Vec<(String, String)>,
    pub allowed_tools: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    pub folder: SkillFolder,
    pub tools: Vec<SkillToolDef>,
}

/// What `/skills/{name}/contents` and `/download` serve.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkillFolder {
    /// The files under a directory, read at run time: the `file:///` location's path as written
    /// (`./skills/x` is resolved against the server's working directory or `serve --root`).
    Location { path: String },
    /// No `location`: one SKILL.md, written at generation time from the spec.
    Generated { skill_md: String },
}

/// A tool of a skill.
#[derive(Clone, Debug, Serialize)]
pub struct SkillToolDef {
    pub name: String,
    pub description: Option<String>,
    pub source: SkillToolSource,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkillToolSource {
    /// Derived from a sibling expose: which one (`rest` or `mcp`), and the operation or tool name.
    Derived { namespace: String, action: String, mode: String },
    /// A file under the skill's folder, as written.
    Instruction { file: String },
}
