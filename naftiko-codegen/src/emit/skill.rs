//! The skill catalogs: one static `naftiko_runtime::skill::Catalog` per `skill` expose (skills, their
//! front matter, their tools, their folder's path as written or their generated SKILL.md), the options
//! of each catalog's router (authentication, accepted `Host` names) and `router`.

use crate::emit::code::{Code, code};
use crate::emit::rest::server_auth;
use crate::emit::values::option;
use crate::ir::{Capability, SkillDef, SkillFolder, SkillSurface, SkillToolDef, SkillToolSource};

/// The items of the generated crate's `skill` module.
pub fn emit(cap: &Capability) -> Code {
    let doc = crate::emit::inner_docs(&module_doc(cap));
    let catalogs = cap.skill.iter().map(catalog);
    let count = cap.skill.len();
    let with_auth = cap.skill.iter().any(|s| s.auth.is_some());
    let (secrets_param, secrets_arg) =
        if with_auth { (code! { , secrets: &super::client::Secrets }, code! { , secrets }) } else { (code! {}, code! {}) };
    let option_arms = cap.skill.iter().map(|s| {
        let ns = s.namespace.as_str();
        let address = match &s.address {
            Some(a) => code! { Some(#a) },
            None => code! { None },
        };
        match &s.auth {
            Some(auth) => {
                let build = server_auth(auth, &cap.secrets);
                code! { #ns => rt::RestOptions { auth: Some(#build), ..rt::RestOptions::for_address(#address) }, }
            }
            None => code! { #ns => rt::RestOptions::for_address(#address), },
        }
    });
    code! {
        #doc

        use ::naftiko_runtime::rest as rt;
        use ::naftiko_runtime::rest::axum;
        use ::naftiko_runtime::skill;

        ::naftiko_runtime::__require_skill!();

        /// Every skill catalog of the spec, in spec order.
        pub static CATALOGS: [skill::Catalog; #count] = [#(#catalogs),*];

        /// Options of the router of catalog `namespace`: the credentials its `authentication`
        /// declares (read from `secrets`, when any catalog declares some) and the `Host` names of its
        /// address (loopback names when it gives none); no browser origin.
        pub fn options(namespace: &str #secrets_param) -> rt::RestOptions {
            match namespace {
                #(#option_arms)*
                _ => rt::RestOptions::default(),
            }
        }

        /// The `/skills` endpoints of catalog `namespace` with its [`options`]; `None` for a namespace
        /// that is no skill expose of the spec.
        pub fn router(namespace: &str #secrets_param) -> ::core::option::Option<axum::Router> {
            let catalog = CATALOGS.iter().find(|c| c.namespace == namespace)?;
            Some(skill::router(catalog, options(namespace #secrets_arg)))
        }
    }
}

fn module_doc(cap: &Capability) -> Vec<String> {
    let mut doc = Vec::new();
    for s in &cap.skill {
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.push(format!(" Skill catalog `{}` (`GET /skills`, `/skills/{{name}}`, `…/contents`, `…/contents/{{file}}`, `…/download`).", s.namespace));
        if let Some(d) = &s.description {
            doc.push(String::new());
            doc.extend(d.lines().map(|l| format!(" {}", l.trim_end())));
        }
        doc.push(String::new());
        doc.push(" | Skill | Tools | Folder |".to_owned());
        doc.push(" |---|---|---|".to_owned());
        for skill in &s.skills {
            let tools: Vec<String> = skill.tools.iter().map(|t| format!("`{}`", t.name)).collect();
            let folder = match &skill.folder {
                SkillFolder::Location { path } => format!("`{path}`"),
                SkillFolder::Generated { .. } => "SKILL.md from the spec".to_owned(),
            };
            doc.push(format!(" | `{}` | {} | {folder} |", skill.name, tools.join(", ")));
        }
    }
    doc
}

fn catalog(surface: &SkillSurface) -> Code {
    let namespace = surface.namespace.as_str();
    let skills = surface.skills.iter().map(skill);
    code! { skill::Catalog { namespace: #namespace, skills: &[#(#skills),*] } }
}


fn skill(s: &SkillDef) -> Code {
    let name = s.name.as_str();
    let description = option(s.description.as_deref());
    let license = option(s.license.as_deref());
    let compatibility = option(s.compatibility.as_deref());
    let allowed_tools = option(s.allowed_tools.as_deref());
    let argument_hint = option(s.argument_hint.as_deref());
    let user_invocable = option(s.user_invocable);
    let disable_model_invocation = option(s.disable_model_invocation);
    let metadata = s.metadata.iter().map(|(k, v)| code! { (#k, #v) });
    let folder = match &s.folder {
        SkillFolder::Location { path } => code! { skill::Folder::Location(#path) },
        SkillFolder::Generated { skill_md } => code! { skill::Folder::Generated(#skill_md) },
    };
    let tools = s.tools.iter().map(tool);
    code! {
        skill::SkillSpec {
            name: #name,
            description: #description,
            license: #license,
            compatibility: #compatibility,
            allowed_tools: #allowed_tools,
            argument_hint: #argument_hint,
            user_invocable: #user_invocable,
            disable_model_invocation: #disable_model_invocation,
            metadata: &[#(#metadata),*],
            folder: #folder,
            tools: &[#(#tools),*],
        }
    }
}

fn tool(t: &SkillToolDef) -> Code {
    let name = t.name.as_str();
    let description = option(t.description.as_deref());
    let source = match &t.source {
        SkillToolSource::Derived { namespace, action, mode } => {
            code! { skill::ToolSource::Derived { namespace: #namespace, action: #action, mode: #mode } }
        }
        SkillToolSource::Instruction { file } => code! { skill::ToolSource::Instruction(#file) },
    };
    code! { skill::SkillToolSpec { name: #name, description: #description, source: #source } }
}
