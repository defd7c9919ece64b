//! MCP adapter `instance-snapshots-mcp` (Streamable HTTP at `/mcp`; stdio too).
//!
//! MCP adapter for Instance API — Snapshots. One tool per consumed operation, routed inline through this capability's consumes block.
//!
//! | Tool | Calls |
//! |---|---|
//! | `list-snapshots` | `GET /instance/v1/zones/{zone}/snapshots` on `instance-snapshots` |
//! | `create-snapshot-specified-volume-qcow2` | `POST /instance/v1/zones/{zone}/snapshots` on `instance-snapshots` |
//! | `get-snapshot` | `GET /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots` |
//! | `set-snapshot` | `PUT /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots` |
//! | `update-snapshot` | `PATCH /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots` |
//! | `delete-snapshot` | `DELETE /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots` |
//! | `export-snapshot` | `POST /instance/v1/zones/{zone}/snapshots/{snapshot_id}/export` on `instance-snapshots` |

use ::std::sync::Arc;
use ::naftiko_runtime::mcp;
use ::naftiko_runtime::rest::axum;
use super::handlers::Handlers;

/// What the server tells clients about itself (`initialize`, `server/discover`).
pub const SERVER: mcp::ServerSpec = mcp::ServerSpec {
    name: "instance-snapshots-mcp",
    title: Some("Instance API — Snapshots"),
    version: ::core::env!("CARGO_PKG_VERSION"),
    instructions: Some(
        "MCP adapter for Instance API — Snapshots. One tool per consumed operation, routed inline through this capability's consumes block.",
    ),
};

/// Every tool, in spec order, with the JSON Schema of its arguments and its hints.
pub const TOOLS: &[mcp::ToolSpec] = &[
    mcp::ToolSpec {
        name: "list-snapshots",
        title: None,
        description: Some("List snapshots"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"organization":{"type":"string","description":"List snapshots only for this Organization ID."},"project":{"type":"string","description":"List snapshots only for this Project ID."},"per_page":{"type":"integer","description":"Number of snapshots returned per page (positive integer lower or equal to 100)."},"page":{"type":"integer","description":"Page to be returned."},"name":{"type":"string","description":"List snapshots of the requested name."},"tags":{"type":"string","description":"List snapshots that have the requested tag."},"base_volume_id":{"type":"string","description":"List snapshots originating only from this volume."}},"required":["zone"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(true),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "create-snapshot-specified-volume-qcow2",
        title: None,
        description: Some(
            "Create a snapshot from a specified volume or from a QCOW2 file",
        ),
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
        name: "get-snapshot",
        title: None,
        description: Some("Get a snapshot"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"UUID of the snapshot you want to get."}},"required":["zone","snapshot_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(true),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "set-snapshot",
        title: None,
        description: Some("Set snapshot"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string"},"body":{"type":"object","description":"Request body (JSON)."}},"required":["zone","snapshot_id","body"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "update-snapshot",
        title: None,
        description: Some("Update a snapshot"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"UUID of the snapshot. (UUID format)"},"body":{"type":"object","description":"Request body (JSON)."}},"required":["zone","snapshot_id","body"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "delete-snapshot",
        title: None,
        description: Some("Delete a snapshot"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"UUID of the snapshot you want to delete."}},"required":["zone","snapshot_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(true),
            idempotent: Some(true),
            open_world: None,
        },
    },
    mcp::ToolSpec {
        name: "export-snapshot",
        title: None,
        description: Some("Export a snapshot"),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"Snapshot ID."},"body":{"type":"object","description":"Request body (JSON)."}},"required":["zone","snapshot_id","body"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(false),
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
        "list-snapshots" => Some(mcp::boxed(calls::list_snapshots(handlers, args))),
        "create-snapshot-specified-volume-qcow2" => {
            Some(
                mcp::boxed(calls::create_snapshot_specified_volume_qcow2(handlers, args)),
            )
        }
        "get-snapshot" => Some(mcp::boxed(calls::get_snapshot(handlers, args))),
        "set-snapshot" => Some(mcp::boxed(calls::set_snapshot(handlers, args))),
        "update-snapshot" => Some(mcp::boxed(calls::update_snapshot(handlers, args))),
        "delete-snapshot" => Some(mcp::boxed(calls::delete_snapshot(handlers, args))),
        "export-snapshot" => Some(mcp::boxed(calls::export_snapshot(handlers, args))),
        _ => None,
    }
}

/// One function per tool: arguments → the called operation's parameters → `Handlers`.
mod calls {
    use ::std::sync::Arc;
    use ::naftiko_runtime::mcp;
    use super::Handlers;

    /// List snapshots
    ///
    /// Tool `list-snapshots` → `GET /instance/v1/zones/{zone}/snapshots` on `instance-snapshots`.
    pub(super) async fn list_snapshots<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::ListsnapshotsParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            organization: args.get::<::std::string::String>("organization")?,
            project: args.get::<::std::string::String>("project")?,
            per_page: args.get::<i64>("per_page")?,
            page: args.get::<i64>("page")?,
            name: args.get::<::std::string::String>("name")?,
            tags: args.get::<::std::string::String>("tags")?,
            base_volume_id: args.get::<::std::string::String>("base_volume_id")?,
        };

        Ok(mcp::result("list-snapshots", handlers.listsnapshots(params).await))
    }

    /// Create a snapshot from a specified volume or from a QCOW2 file
    ///
    /// Tool `create-snapshot-specified-volume-qcow2` → `POST /instance/v1/zones/{zone}/snapshots` on `instance-snapshots`.
    pub(super) async fn create_snapshot_specified_volume_qcow2<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::CreatesnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            body: mcp::required("body", args.get::<::naftiko_runtime::Json>("body")?)?,
        };

        Ok(
            mcp::result(
                "create-snapshot-specified-volume-qcow2",
                handlers.createsnapshot(params).await,
            ),
        )
    }

    /// Get a snapshot
    ///
    /// Tool `get-snapshot` → `GET /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    pub(super) async fn get_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::GetsnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
        };

        Ok(mcp::result("get-snapshot", handlers.getsnapshot(params).await))
    }

    /// Set snapshot
    ///
    /// Tool `set-snapshot` → `PUT /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    pub(super) async fn set_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::SetsnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
            body: mcp::required("body", args.get::<::naftiko_runtime::Json>("body")?)?,
        };

        Ok(mcp::result("set-snapshot", handlers.setsnapshot(params).await))
    }

    /// Update a snapshot
    ///
    /// Tool `update-snapshot` → `PATCH /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    pub(super) async fn update_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::UpdatesnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
            body: mcp::required("body", args.get::<::naftiko_runtime::Json>("body")?)?,
        };

        Ok(mcp::result("update-snapshot", handlers.updatesnapshot(params).await))
    }

    /// Delete a snapshot
    ///
    /// Tool `delete-snapshot` → `DELETE /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    pub(super) async fn delete_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::DeletesnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
        };

        Ok(mcp::result("delete-snapshot", handlers.deletesnapshot(params).await))
    }

    /// Export a snapshot
    ///
    /// Tool `export-snapshot` → `POST /instance/v1/zones/{zone}/snapshots/{snapshot_id}/export` on `instance-snapshots`.
    pub(super) async fn export_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::ExportsnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
            body: mcp::required("body", args.get::<::naftiko_runtime::Json>("body")?)?,
        };

        Ok(mcp::result("export-snapshot", handlers.exportsnapshot(params).await))
    }
}
