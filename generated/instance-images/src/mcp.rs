//! MCP adapter `instance-images-mcp` (Streamable HTTP at `/mcp`; stdio too).
//!
//! MCP adapter for Instance API — Images. One tool per consumed operation, routed inline through this capability's consumes block.
//!
//! | Tool | Calls |
//! |---|---|
//! | `list-instance-images` | `GET /instance/v1/zones/{zone}/images` on `instance-images` |
//! | `create-instance-image` | `POST /instance/v1/zones/{zone}/images` on `instance-images` |
//! | `update-image` | `PUT /instance/v1/zones/{zone}/images/{id}` on `instance-images` |
//! | `get-instance-image` | `GET /instance/v1/zones/{zone}/images/{image_id}` on `instance-images` |
//! | `update-image-2` | `PATCH /instance/v1/zones/{zone}/images/{image_id}` on `instance-images` |
//! | `delete-instance-image` | `DELETE /instance/v1/zones/{zone}/images/{image_id}` on `instance-images` |

use ::std::sync::Arc;
use ::naftiko_runtime::mcp;
use ::naftiko_runtime::rest::axum;
use super::handlers::Handlers;

/// What the server tells clients about itself (`initialize`, `server/discover`).
pub const SERVER: mcp::ServerSpec = mcp::ServerSpec {
    name: "instance-images-mcp",
    title: Some("Instance API — Images"),
    version: ::core::env!("CARGO_PKG_VERSION"),
    instructions: Some(
        "MCP adapter for Instance API — Images. One tool per consumed operation, routed inline through this capability's consumes block.",
    ),
};

/// Every tool, in spec order, with the JSON Schema of its arguments and its hints.
pub const TOOLS: &[mcp::ToolSpec] = &[
    mcp::ToolSpec {
        name: "list-instance-images",
        title: None,
        description: Some("List Instance images"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"organization":{"type":"string"},"per_page":{"type":"integer"},"page":{"type":"string"},"name":{"type":"string"},"public":{"type":"string"},"arch":{"type":"string"},"project":{"type":"string"},"tags":{"type":"string"}},"required":["zone"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(true),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "create-instance-image",
        title: None,
        description: Some("Create an Instance image"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"body":{"type":"object","description":"Request body (JSON)."}},"required":["zone","body"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(false),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "update-image",
        title: None,
        description: Some("Update image"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"id":{"type":"string"},"body":{"type":"object","description":"Request body (JSON)."}},"required":["zone","id","body"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "get-instance-image",
        title: None,
        description: Some("Get an Instance image"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"image_id":{"type":"string","description":"UUID of the image you want to get."}},"required":["zone","image_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(true),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "update-image-2",
        title: None,
        description: Some("Update image"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"image_id":{"type":"string","description":"UUID of the image. (UUID format)"},"body":{"type":"object","description":"Request body (JSON)."}},"required":["zone","image_id","body"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "delete-instance-image",
        title: None,
        description: Some("Delete an Instance image"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"image_id":{"type":"string","description":"UUID of the image you want to delete."}},"required":["zone","image_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(true),
            idempotent: Some(true),
            open_world: None,
        },
    },
];

/// The MCP server calling `handlers`: arguments are checked against each tool's input schema
/// before anything is sent upstream.
pub fn server<H: Handlers>(handlers: Arc<H>) -> mcp::McpServer {
    mcp::McpServer::new(handlers, &SERVER, TOOLS, dispatch::<H>)
}

/// The tools as `tools/list` advertises them.
pub fn tools() -> ::std::vec::Vec<mcp::rmcp::model::Tool> {
    mcp::tools(TOOLS)
}

/// Options of [`router`]. The spec declares no authentication for this adapter.
///
/// Accepts loopback `Host` names only (the spec gives no address, so the server binds 127.0.0.1); no browser origin.
pub fn options() -> mcp::McpOptions {
    mcp::McpOptions::for_address(None)
}

/// The Streamable HTTP transport at `/mcp` (stateless, JSON responses), with [`options`].
pub fn router<H: Handlers>(handlers: Arc<H>) -> axum::Router {
    mcp::router(server(handlers), options())
}

/// Serves MCP on stdin/stdout until the client disconnects (logs go to stderr).
pub async fn serve_stdio<H: Handlers>(
    handlers: Arc<H>,
) -> ::core::result::Result<(), mcp::BoxError> {
    mcp::serve_stdio(server(handlers)).await
}

/// Maps a tool name to the future running it; `None` for a name that is not a tool.
fn dispatch<H: Handlers>(
    handlers: Arc<H>,
    tool: &str,
    args: mcp::Arguments,
) -> ::core::option::Option<mcp::ToolFuture> {
    match tool {
        "list-instance-images" => {
            Some(mcp::boxed(calls::list_instance_images(handlers, args)))
        }
        "create-instance-image" => {
            Some(mcp::boxed(calls::create_instance_image(handlers, args)))
        }
        "update-image" => Some(mcp::boxed(calls::update_image(handlers, args))),
        "get-instance-image" => {
            Some(mcp::boxed(calls::get_instance_image(handlers, args)))
        }
        "update-image-2" => Some(mcp::boxed(calls::update_image_2(handlers, args))),
        "delete-instance-image" => {
            Some(mcp::boxed(calls::delete_instance_image(handlers, args)))
        }
        _ => None,
    }
}

/// One function per tool: arguments → the called operation's parameters → `Handlers`.
mod calls {
    use ::std::sync::Arc;
    use ::naftiko_runtime::mcp;
    use super::Handlers;

    /// List Instance images
    ///
    /// Tool `list-instance-images` → `GET /instance/v1/zones/{zone}/images` on `instance-images`.
    pub(super) async fn list_instance_images<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::ListimagesParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            organization: args.get::<::std::string::String>("organization")?,
            per_page: args.get::<i64>("per_page")?,
            page: args.get::<::std::string::String>("page")?,
            name: args.get::<::std::string::String>("name")?,
            public: args.get::<::std::string::String>("public")?,
            arch: args.get::<::std::string::String>("arch")?,
            project: args.get::<::std::string::String>("project")?,
            tags: args.get::<::std::string::String>("tags")?,
        };

        Ok(mcp::result("list-instance-images", handlers.listimages(params).await))
    }

    /// Create an Instance image
    ///
    /// Tool `create-instance-image` → `POST /instance/v1/zones/{zone}/images` on `instance-images`.
    pub(super) async fn create_instance_image<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::CreateimageParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            body: mcp::required("body", args.get::<::naftiko_runtime::Json>("body")?)?,
        };

        Ok(mcp::result("create-instance-image", handlers.createimage(params).await))
    }

    /// Update image
    ///
    /// Tool `update-image` → `PUT /instance/v1/zones/{zone}/images/{id}` on `instance-images`.
    pub(super) async fn update_image<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::SetimageParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            id: mcp::required("id", args.get::<::std::string::String>("id")?)?,
            body: mcp::required("body", args.get::<::naftiko_runtime::Json>("body")?)?,
        };

        Ok(mcp::result("update-image", handlers.setimage(params).await))
    }

    /// Get an Instance image
    ///
    /// Tool `get-instance-image` → `GET /instance/v1/zones/{zone}/images/{image_id}` on `instance-images`.
    pub(super) async fn get_instance_image<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::GetimageParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            image_id: mcp::required(
                "image_id",
                args.get::<::std::string::String>("image_id")?,
            )?,
        };

        Ok(mcp::result("get-instance-image", handlers.getimage(params).await))
    }

    /// Update image
    ///
    /// Tool `update-image-2` → `PATCH /instance/v1/zones/{zone}/images/{image_id}` on `instance-images`.
    pub(super) async fn update_image_2<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::UpdateimageParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            image_id: mcp::required(
                "image_id",
                args.get::<::std::string::String>("image_id")?,
            )?,
            body: mcp::required("body", args.get::<::naftiko_runtime::Json>("body")?)?,
        };

        Ok(mcp::result("update-image-2", handlers.updateimage(params).await))
    }

    /// Delete an Instance image
    ///
    /// Tool `delete-instance-image` → `DELETE /instance/v1/zones/{zone}/images/{image_id}` on `instance-images`.
    pub(super) async fn delete_instance_image<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::DeleteimageParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            image_id: mcp::required(
                "image_id",
                args.get::<::std::string::String>("image_id")?,
            )?,
        };

        Ok(mcp::result("delete-instance-image", handlers.deleteimage(params).await))
    }
}
