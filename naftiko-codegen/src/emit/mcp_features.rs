//! The MCP surface's resources and prompts: their static tables and the dispatcher of resource reads
//! (the read functions themselves are emitted with the tools', by `emit::mcp`).

use crate::emit::code::{Code, code};
use crate::emit::ident;
use crate::emit::values::option;
use crate::ir::{McpSurface, PromptDef, PromptSource, ResourceDef, ResourceSource};

/// `RESOURCES`, `PROMPTS` and `read`, for those the expose declares.
pub fn emit(mcp: &McpSurface) -> Code {
    let resources = (!mcp.resources.is_empty()).then(|| {
        let specs = mcp.resources.iter().map(resource_spec);
        let read = read_dispatch(&mcp.resources);
        code! {
            /// Every resource, in spec order: read from upstream (a URI with `{variables}` is a template)
            /// or served from the files under a directory.
            pub const RESOURCES: &[mcp::ResourceSpec] = &[#(#specs),*];

            #read
        }
    });
    let prompts = (!mcp.prompts.is_empty()).then(|| {
        let specs = mcp.prompts.iter().map(prompt_spec);
        code! {
            /// Every prompt, in spec order, with its arguments and messages (`{{argument}}` placeholders).
            pub const PROMPTS: &[mcp::PromptSpec] = &[#(#specs),*];
        }
    });
    code! { #resources #prompts }
}

fn resource_spec(r: &ResourceDef) -> Code {
    let (name, uri) = (&r.name, &r.uri);
    let title = option(r.title.as_deref());
    let description = option(r.description.as_deref());
    let mime_type = option(r.mime_type.as_deref());
    let source = match &r.source {
        ResourceSource::Read(_) => code! { mcp::ResourceSource::Read },
        ResourceSource::Files { path } => code! { mcp::ResourceSource::Files { path: #path } },
    };
    code! {
        mcp::ResourceSpec { name: #name, title: #title, uri: #uri, description: #description, mime_type: #mime_type, source: #source }
    }
}

fn read_dispatch(resources: &[ResourceDef]) -> Code {
    let arms: Vec<Code> = resources
        .iter()
        .filter_map(|r| match &r.source {
            ResourceSource::Read(read) => {
                let (name, f) = (&r.name, ident(&read.fn_name));
                Some(code! { #name => Some(mcp::boxed_read(calls::#f(handlers, args))), })
            }
            ResourceSource::Files { .. } => None,
        })
        .collect();
    let doc = code! {
        /// Maps a resource read from upstream to the future reading it (its URI's variables are the
        /// arguments); `None` for any other name.
    };
    if arms.is_empty() {
        return code! {
            #doc
            fn read<H: Handlers>(_handlers: Arc<H>, _resource: &str, _args: mcp::Arguments) -> ::core::option::Option<mcp::ReadFuture> {
                None
            }
        };
    }
    code! {
        #doc
        fn read<H: Handlers>(handlers: Arc<H>, resource: &str, args: mcp::Arguments) -> ::core::option::Option<mcp::ReadFuture> {
            match resource {
                #(#arms)*
                _ => None,
            }
        }
    }
}

fn prompt_spec(p: &PromptDef) -> Code {
    let name = &p.name;
    let title = option(p.title.as_deref());
    let description = option(p.description.as_deref());
    let arguments = p.arguments.iter().map(|a| {
        let (name, required) = (&a.name, a.required);
        let title = option(a.title.as_deref());
        let description = option(a.description.as_deref());
        code! { mcp::PromptArgumentSpec { name: #name, title: #title, description: #description, required: #required } }
    });
    let source = match &p.source {
        PromptSource::Template { messages } => {
            let messages = messages.iter().map(|m| {
                let (assistant, content) = (m.role == "assistant", &m.content);
                code! { mcp::PromptMessageSpec { assistant: #assistant, content: #content } }
            });
            code! { mcp::PromptSource::Template(&[#(#messages),*]) }
        }
        PromptSource::File { path } => code! { mcp::PromptSource::File { path: #path } },
    };
    code! {
        mcp::PromptSpec { name: #name, title: #title, description: #description, arguments: &[#(#arguments),*], source: #source }
    }
}
