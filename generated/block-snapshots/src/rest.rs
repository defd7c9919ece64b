//! REST adapter `block-snapshots-rest`.
//!
//! REST adapter for Block Storage API — Snapshots. One resource per consumed operation, prefixed with /v1.
//!
//! | Method | Path | Operation |
//! |---|---|---|
//! | GET | `/v1/block/v1/zones/{zone}/snapshots` | `list-snapshots` |
//! | POST | `/v1/block/v1/zones/{zone}/snapshots` | `create-snapshot` |
//! | POST | `/v1/block/v1/zones/{zone}/snapshots/import-from-object-storage` | `import-snapshot-from-object-storage` |
//! | GET | `/v1/block/v1/zones/{zone}/snapshots/{snapshot-id}` | `get-snapshot` |
//! | PATCH | `/v1/block/v1/zones/{zone}/snapshots/{snapshot-id}` | `update-snapshot` |
//! | DELETE | `/v1/block/v1/zones/{zone}/snapshots/{snapshot-id}` | `delete-snapshot` |
//! | POST | `/v1/block/v1/zones/{zone}/snapshots/{snapshot-id}/export-to-object-storage` | `export-snapshot-to-object-storage` |

use ::std::sync::Arc;
use ::naftiko_runtime::rest::{self as rt, axum};
use axum::extract::State;
use super::handlers::Handlers;

/// The OpenAPI 3.1 document of this surface, also served at `GET /openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Options of [`router`].
///
/// The spec declares no authentication for this adapter.
/// Accepts loopback `Host` names only (the spec gives no address, so the server binds 127.0.0.1); no browser origin.
pub fn options() -> rt::RestOptions {
    rt::RestOptions {
        auth: None,
        ..rt::RestOptions::for_address(None)
    }
}

/// The REST router with [`options`]: every exposed operation, plus `GET /openapi.json`.
///
/// The spec's default port is 8080.
pub fn router<H: Handlers>(handlers: Arc<H>) -> axum::Router {
    router_with(handlers, options())
}

/// The REST router with options of your own (the binary passes the `Host` names and browser
/// origins it is given).
pub fn router_with<H: Handlers>(
    handlers: Arc<H>,
    options: rt::RestOptions,
) -> axum::Router {
    let router = axum::Router::new()
        .route(
            "/v1/block/v1/zones/{zone}/snapshots",
            axum::routing::get(list_snapshots::<H>).post(create_snapshot::<H>),
        )
        .route(
            "/v1/block/v1/zones/{zone}/snapshots/import-from-object-storage",
            axum::routing::post(import_snapshot_from_object_storage::<H>),
        )
        .route(
            "/v1/block/v1/zones/{zone}/snapshots/{snapshot_id}",
            axum::routing::get(get_snapshot::<H>)
                .patch(update_snapshot::<H>)
                .delete(delete_snapshot::<H>),
        )
        .route(
            "/v1/block/v1/zones/{zone}/snapshots/{snapshot_id}/export-to-object-storage",
            axum::routing::post(export_snapshot_to_object_storage::<H>),
        )
        .route(
            "/openapi.json",
            axum::routing::get(|| async { rt::json_document(OPENAPI_JSON) }),
        )
        .with_state(handlers);
    rt::finish(router, options)
}

/// List all snapshots
///
/// `GET /v1/block/v1/zones/{zone}/snapshots` → `block-snapshots.list-snapshots`.
async fn list_snapshots<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::ListSnapshotsParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        order_by: request.query::<::std::string::String>("order_by")?,
        project_id: request.query::<::std::string::String>("project_id")?,
        organization_id: request.query::<::std::string::String>("organization_id")?,
        page: request.query::<i64>("page")?,
        page_size: request.query::<i64>("page_size")?,
        volume_id: request.query::<::std::string::String>("volume_id")?,
        name: request.query::<::std::string::String>("name")?,
        tags: request.query_all("tags"),
        include_deleted: request.query::<bool>("include_deleted")?,
    };

    Ok(rt::reply("list-snapshots", handlers.list_snapshots(params).await))
}

/// Create a snapshot of a volume
///
/// `POST /v1/block/v1/zones/{zone}/snapshots` → `block-snapshots.create-snapshot`.
async fn create_snapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::CreateSnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        volume_id: rt::required(
            "volume_id",
            request.body_field::<::std::string::String>("volume_id")?,
        )?,
        name: request.body_field::<::std::string::String>("name")?,
        project_id: request.body_field::<::std::string::String>("project_id")?,
        tags: request.body_field::<::std::vec::Vec<::std::string::String>>("tags")?,
        public: request.body_field::<bool>("public")?,
    };

    Ok(rt::reply("create-snapshot", handlers.create_snapshot(params).await))
}

/// Import a snapshot from a Scaleway Object Storage bucket
///
/// `POST /v1/block/v1/zones/{zone}/snapshots/import-from-object-storage` → `block-snapshots.import-snapshot-from-object-storage`.
async fn import_snapshot_from_object_storage<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::ImportSnapshotFromObjectStorageParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        bucket: rt::required(
            "bucket",
            request.body_field::<::std::string::String>("bucket")?,
        )?,
        key: rt::required("key", request.body_field::<::std::string::String>("key")?)?,
        name: request.body_field::<::std::string::String>("name")?,
        project_id: request.body_field::<::std::string::String>("project_id")?,
        tags: request.body_field::<::std::vec::Vec<::std::string::String>>("tags")?,
        size: request.body_field::<i64>("size")?,
    };

    Ok(
        rt::reply(
            "import-snapshot-from-object-storage",
            handlers.import_snapshot_from_object_storage(params).await,
        ),
    )
}

/// Get a snapshot
///
/// `GET /v1/block/v1/zones/{zone}/snapshots/{snapshot-id}` → `block-snapshots.get-snapshot`.
async fn get_snapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::GetSnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
    };

    Ok(rt::reply("get-snapshot", handlers.get_snapshot(params).await))
}

/// Update a snapshot
///
/// `PATCH /v1/block/v1/zones/{zone}/snapshots/{snapshot-id}` → `block-snapshots.update-snapshot`.
async fn update_snapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::UpdateSnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
        name: request.body_field::<::std::string::String>("name")?,
        tags: request.body_field::<::std::vec::Vec<::std::string::String>>("tags")?,
        public: request.body_field::<bool>("public")?,
    };

    Ok(rt::reply("update-snapshot", handlers.update_snapshot(params).await))
}

/// Delete a snapshot
///
/// `DELETE /v1/block/v1/zones/{zone}/snapshots/{snapshot-id}` → `block-snapshots.delete-snapshot`.
async fn delete_snapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::DeleteSnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
    };

    Ok(rt::reply("delete-snapshot", handlers.delete_snapshot(params).await))
}

/// Export a snapshot to a Scaleway Object Storage bucket
///
/// `POST /v1/block/v1/zones/{zone}/snapshots/{snapshot-id}/export-to-object-storage` → `block-snapshots.export-snapshot-to-object-storage`.
async fn export_snapshot_to_object_storage<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::ExportSnapshotToObjectStorageParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
        bucket: rt::required(
            "bucket",
            request.body_field::<::std::string::String>("bucket")?,
        )?,
        key: rt::required("key", request.body_field::<::std::string::String>("key")?)?,
    };

    Ok(
        rt::reply(
            "export-snapshot-to-object-storage",
            handlers.export_snapshot_to_object_storage(params).await,
        ),
    )
}
