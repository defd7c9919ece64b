//! MCP adapter `block-snapshots-mcp` (Streamable HTTP at `/mcp`; stdio too).
//!
//! MCP adapter for Block Storage API — Snapshots. One tool per consumed operation, routed inline through this capability's consumes block.
//!
//! | Tool | Calls |
//! |---|---|
//! | `list-snapshots` | `GET /block/v1/zones/{zone}/snapshots` on `block-snapshots` |
//! | `create-snapshot` | `POST /block/v1/zones/{zone}/snapshots` on `block-snapshots` |
//! | `import-snapshot-from-object-storage` | `POST /block/v1/zones/{zone}/snapshots/import-from-object-storage` on `block-snapshots` |
//! | `get-snapshot` | `GET /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots` |
//! | `update-snapshot` | `PATCH /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots` |
//! | `delete-snapshot` | `DELETE /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots` |
//! | `export-snapshot-to-object-storage` | `POST /block/v1/zones/{zone}/snapshots/{snapshot_id}/export-to-object-storage` on `block-snapshots` |

use ::std::sync::Arc;
use ::naftiko_runtime::mcp;
use ::naftiko_runtime::rest::axum;
use super::handlers::Handlers;

/// What the server tells clients about itself (`initialize`, `server/discover`).
pub const SERVER: mcp::ServerSpec = mcp::ServerSpec {
    name: "block-snapshots-mcp",
    title: Some("Block Storage API — Snapshots"),
    version: ::core::env!("CARGO_PKG_VERSION"),
    instructions: Some(
        "MCP adapter for Block Storage API — Snapshots. One tool per consumed operation, routed inline through this capability's consumes block.",
    ),
};

/// Every tool, in spec order, with the JSON Schema of its arguments and its hints.
pub const TOOLS: &[mcp::ToolSpec] = &[
    mcp::ToolSpec {
        name: "list-snapshots",
        title: Some("List Block Storage snapshots"),
        description: Some(
            "List all snapshots in a zone, filtered by project, organization, volume, name or tags, and paged.",
        ),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"order_by":{"type":"string","description":"Criteria to use when ordering the list: created_at_asc (default), created_at_desc, name_asc or name_desc."},"project_id":{"type":"string","description":"Filter by Project ID."},"organization_id":{"type":"string","description":"Filter by Organization ID."},"page":{"type":"integer","description":"Page number."},"page_size":{"type":"integer","description":"Page size, defines how many entries are returned in one page, must be lower or equal to 100."},"volume_id":{"type":"string","description":"Filter snapshots by the ID of the original volume."},"name":{"type":"string","description":"Filter snapshots by their names."},"tags":{"type":"array","items":{"type":"string"},"description":"Filter by tags. Only snapshots with one or more matching tags will be returned."},"include_deleted":{"type":"boolean","description":"Display deleted snapshots not erased yet."}},"required":["zone"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(true),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: Some(false),
        },
    },
    mcp::ToolSpec {
        name: "create-snapshot",
        title: Some("Snapshot a Block volume"),
        description: Some(
            "Create a snapshot of a volume. The volume must be in the in_use or the available status.",
        ),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"volume_id":{"type":"string","description":"UUID of the volume to snapshot."},"name":{"type":"string","description":"Name of the snapshot."},"project_id":{"type":"string","description":"UUID of the project to which the volume and the snapshot belong."},"tags":{"type":"array","items":{"type":"string"},"description":"List of tags assigned to the snapshot."},"public":{"type":"boolean","description":"Public snapshots can be used by anyone to create a volume from. Snapshots are private by default."}},"required":["zone","volume_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(false),
            open_world: Some(false),
        },
    },
    mcp::ToolSpec {
        name: "import-snapshot-from-object-storage",
        title: Some("Import a snapshot from Object Storage"),
        description: Some(
            "Import a snapshot from a QCOW2 object in a Scaleway Object Storage bucket of the zone's region.",
        ),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"bucket":{"type":"string","description":"Scaleway Object Storage bucket where the object is stored."},"key":{"type":"string","description":"The object key inside the given bucket."},"name":{"type":"string","description":"Name of the snapshot."},"project_id":{"type":"string","description":"UUID of the Project to which the volume and the snapshot belong."},"tags":{"type":"array","items":{"type":"string"},"description":"List of tags assigned to the snapshot."},"size":{"type":"integer","description":"Size of the snapshot (in bytes)."}},"required":["zone","bucket","key"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(false),
            open_world: Some(false),
        },
    },
    mcp::ToolSpec {
        name: "get-snapshot",
        title: Some("Get a Block Storage snapshot"),
        description: Some(
            "Retrieve a snapshot, with its size, status and parent volume.",
        ),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"UUID of the snapshot."}},"required":["zone","snapshot_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(true),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: Some(false),
        },
    },
    mcp::ToolSpec {
        name: "update-snapshot",
        title: Some("Rename or retag a snapshot"),
        description: Some("Update the name, tags or visibility of a snapshot."),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"UUID of the snapshot."},"name":{"type":"string","description":"When defined, is the name of the snapshot."},"tags":{"type":"array","items":{"type":"string"},"description":"List of tags assigned to the snapshot."},"public":{"type":"boolean","description":"Public snapshots can be used by anyone to create a volume from. Snapshots are private by default."}},"required":["zone","snapshot_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(false),
            idempotent: Some(true),
            open_world: Some(false),
        },
    },
    mcp::ToolSpec {
        name: "delete-snapshot",
        title: Some("Delete a Block Storage snapshot"),
        description: Some("Delete a snapshot. The snapshot must not be in use."),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"UUID of the snapshot."}},"required":["zone","snapshot_id"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(true),
            idempotent: Some(true),
            open_world: Some(false),
        },
    },
    mcp::ToolSpec {
        name: "export-snapshot-to-object-storage",
        title: Some("Export a snapshot to Object Storage"),
        description: Some(
            "Export a snapshot as a QCOW2 object into a Scaleway Object Storage bucket; an existing object at that key is replaced. The snapshot must not be in a transient state.",
        ),
        input_schema: r#"{"type":"object","properties":{"zone":{"type":"string","description":"The zone you want to target"},"snapshot_id":{"type":"string","description":"UUID of the snapshot."},"bucket":{"type":"string","description":"Scaleway Object Storage bucket where the object is stored."},"key":{"type":"string","description":"The object key inside the given bucket."}},"required":["zone","snapshot_id","bucket","key"],"additionalProperties":false}"#,
        output_schema: None,
        hints: mcp::ToolHints {
            read_only: Some(false),
            destructive: Some(true),
            idempotent: Some(false),
            open_world: Some(false),
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
        "create-snapshot" => Some(mcp::boxed(calls::create_snapshot(handlers, args))),
        "import-snapshot-from-object-storage" => {
            Some(mcp::boxed(calls::import_snapshot_from_object_storage(handlers, args)))
        }
        "get-snapshot" => Some(mcp::boxed(calls::get_snapshot(handlers, args))),
        "update-snapshot" => Some(mcp::boxed(calls::update_snapshot(handlers, args))),
        "delete-snapshot" => Some(mcp::boxed(calls::delete_snapshot(handlers, args))),
        "export-snapshot-to-object-storage" => {
            Some(mcp::boxed(calls::export_snapshot_to_object_storage(handlers, args)))
        }
        _ => None,
    }
}

/// One function per tool: arguments → the called operation's parameters → `Handlers`.
mod calls {
    use ::std::sync::Arc;
    use ::naftiko_runtime::mcp;
    use super::Handlers;

    /// List all snapshots in a zone, filtered by project, organization, volume, name or tags, and paged.
    ///
    /// Tool `list-snapshots` → `GET /block/v1/zones/{zone}/snapshots` on `block-snapshots`.
    pub(super) async fn list_snapshots<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::ListSnapshotsParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            order_by: args.get::<::std::string::String>("order_by")?,
            project_id: args.get::<::std::string::String>("project_id")?,
            organization_id: args.get::<::std::string::String>("organization_id")?,
            page: args.get::<i64>("page")?,
            page_size: args.get::<i64>("page_size")?,
            volume_id: args.get::<::std::string::String>("volume_id")?,
            name: args.get::<::std::string::String>("name")?,
            tags: args.get::<::std::vec::Vec<::std::string::String>>("tags")?,
            include_deleted: args.get::<bool>("include_deleted")?,
        };

        Ok(mcp::result("list-snapshots", handlers.list_snapshots(params).await))
    }

    /// Create a snapshot of a volume. The volume must be in the in_use or the available status.
    ///
    /// Tool `create-snapshot` → `POST /block/v1/zones/{zone}/snapshots` on `block-snapshots`.
    pub(super) async fn create_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::CreateSnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            volume_id: mcp::required(
                "volume_id",
                args.get::<::std::string::String>("volume_id")?,
            )?,
            name: args.get::<::std::string::String>("name")?,
            project_id: args.get::<::std::string::String>("project_id")?,
            tags: args.get::<::std::vec::Vec<::std::string::String>>("tags")?,
            public: args.get::<bool>("public")?,
        };

        Ok(mcp::result("create-snapshot", handlers.create_snapshot(params).await))
    }

    /// Import a snapshot from a QCOW2 object in a Scaleway Object Storage bucket of the zone's region.
    ///
    /// Tool `import-snapshot-from-object-storage` → `POST /block/v1/zones/{zone}/snapshots/import-from-object-storage` on `block-snapshots`.
    pub(super) async fn import_snapshot_from_object_storage<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::ImportSnapshotFromObjectStorageParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            bucket: mcp::required(
                "bucket",
                args.get::<::std::string::String>("bucket")?,
            )?,
            key: mcp::required("key", args.get::<::std::string::String>("key")?)?,
            name: args.get::<::std::string::String>("name")?,
            project_id: args.get::<::std::string::String>("project_id")?,
            tags: args.get::<::std::vec::Vec<::std::string::String>>("tags")?,
            size: args.get::<i64>("size")?,
        };

        Ok(
            mcp::result(
                "import-snapshot-from-object-storage",
                handlers.import_snapshot_from_object_storage(params).await,
            ),
        )
    }

    /// Retrieve a snapshot, with its size, status and parent volume.
    ///
    /// Tool `get-snapshot` → `GET /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots`.
    pub(super) async fn get_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::GetSnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
        };

        Ok(mcp::result("get-snapshot", handlers.get_snapshot(params).await))
    }

    /// Update the name, tags or visibility of a snapshot.
    ///
    /// Tool `update-snapshot` → `PATCH /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots`.
    pub(super) async fn update_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::UpdateSnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
            name: args.get::<::std::string::String>("name")?,
            tags: args.get::<::std::vec::Vec<::std::string::String>>("tags")?,
            public: args.get::<bool>("public")?,
        };

        Ok(mcp::result("update-snapshot", handlers.update_snapshot(params).await))
    }

    /// Delete a snapshot. The snapshot must not be in use.
    ///
    /// Tool `delete-snapshot` → `DELETE /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots`.
    pub(super) async fn delete_snapshot<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::DeleteSnapshotParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
        };

        Ok(mcp::result("delete-snapshot", handlers.delete_snapshot(params).await))
    }

    /// Export a snapshot as a QCOW2 object into a Scaleway Object Storage bucket; an existing object at that key is replaced. The snapshot must not be in a transient state.
    ///
    /// Tool `export-snapshot-to-object-storage` → `POST /block/v1/zones/{zone}/snapshots/{snapshot_id}/export-to-object-storage` on `block-snapshots`.
    pub(super) async fn export_snapshot_to_object_storage<H: Handlers>(
        handlers: Arc<H>,
        args: mcp::Arguments,
    ) -> mcp::ToolOutcome {
        let params = super::super::client::ExportSnapshotToObjectStorageParams {
            zone: mcp::required("zone", args.get::<::std::string::String>("zone")?)?,
            snapshot_id: mcp::required(
                "snapshot_id",
                args.get::<::std::string::String>("snapshot_id")?,
            )?,
            bucket: mcp::required(
                "bucket",
                args.get::<::std::string::String>("bucket")?,
            )?,
            key: mcp::required("key", args.get::<::std::string::String>("key")?)?,
        };

        Ok(
            mcp::result(
                "export-snapshot-to-object-storage",
                handlers.export_snapshot_to_object_storage(params).await,
            ),
        )
    }
}
