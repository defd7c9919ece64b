//! REST adapter `instance-snapshots-rest`.
//!
//! REST adapter for Instance API — Snapshots. One Spectral-compliant resource per consumed operation, prefixed with /v1.
//!
//! | Method | Path | Operation |
//! |---|---|---|
//! | GET | `/v1/instance/v1/zones/{zone}/snapshots` | `listsnapshots` |
//! | POST | `/v1/instance/v1/zones/{zone}/snapshots` | `createsnapshot` |
//! | GET | `/v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` | `getsnapshot` |
//! | PUT | `/v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` | `setsnapshot` |
//! | PATCH | `/v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` | `updatesnapshot` |
//! | DELETE | `/v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` | `deletesnapshot` |
//! | POST | `/v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}/export` | `exportsnapshot` |

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
            "/v1/instance/v1/zones/{zone}/snapshots",
            axum::routing::get(listsnapshots::<H>).post(createsnapshot::<H>),
        )
        .route(
            "/v1/instance/v1/zones/{zone}/snapshots/{snapshot_id}",
            axum::routing::get(getsnapshot::<H>)
                .put(setsnapshot::<H>)
                .patch(updatesnapshot::<H>)
                .delete(deletesnapshot::<H>),
        )
        .route(
            "/v1/instance/v1/zones/{zone}/snapshots/{snapshot_id}/export",
            axum::routing::post(exportsnapshot::<H>),
        )
        .route(
            "/openapi.json",
            axum::routing::get(|| async { rt::json_document(OPENAPI_JSON) }),
        )
        .with_state(handlers);
    rt::finish(router, options)
}

/// List snapshots
///
/// `GET /v1/instance/v1/zones/{zone}/snapshots` → `instance-snapshots.listsnapshots`.
async fn listsnapshots<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::ListsnapshotsParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        organization: request.query::<::std::string::String>("organization")?,
        project: request.query::<::std::string::String>("project")?,
        per_page: request.query::<i64>("per_page")?,
        page: request.query::<i64>("page")?,
        name: request.query::<::std::string::String>("name")?,
        tags: request.query::<::std::string::String>("tags")?,
        base_volume_id: request.query::<::std::string::String>("base_volume_id")?,
    };

    Ok(rt::reply("listsnapshots", handlers.listsnapshots(params).await))
}

/// Create a snapshot from a specified volume or from a QCOW2 file
///
/// `POST /v1/instance/v1/zones/{zone}/snapshots` → `instance-snapshots.createsnapshot`.
async fn createsnapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    rt::object("body", request.body()?)?;
    let params = super::client::CreatesnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        body: rt::required("body", request.body()?)?,
    };

    Ok(rt::reply("createsnapshot", handlers.createsnapshot(params).await))
}

/// Get a snapshot
///
/// `GET /v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` → `instance-snapshots.getsnapshot`.
async fn getsnapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::GetsnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
    };

    Ok(rt::reply("getsnapshot", handlers.getsnapshot(params).await))
}

/// Set snapshot
///
/// `PUT /v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` → `instance-snapshots.setsnapshot`.
async fn setsnapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    rt::object("body", request.body()?)?;
    let params = super::client::SetsnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
        body: rt::required("body", request.body()?)?,
    };

    Ok(rt::reply("setsnapshot", handlers.setsnapshot(params).await))
}

/// Update a snapshot
///
/// `PATCH /v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` → `instance-snapshots.updatesnapshot`.
async fn updatesnapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    rt::object("body", request.body()?)?;
    let params = super::client::UpdatesnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
        body: rt::required("body", request.body()?)?,
    };

    Ok(rt::reply("updatesnapshot", handlers.updatesnapshot(params).await))
}

/// Delete a snapshot
///
/// `DELETE /v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}` → `instance-snapshots.deletesnapshot`.
async fn deletesnapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::DeletesnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
    };

    Ok(rt::reply("deletesnapshot", handlers.deletesnapshot(params).await))
}

/// Export a snapshot
///
/// `POST /v1/instance/v1/zones/{zone}/snapshots/{snapshot-id}/export` → `instance-snapshots.exportsnapshot`.
async fn exportsnapshot<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    rt::object("body", request.body()?)?;
    let params = super::client::ExportsnapshotParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        snapshot_id: request.path::<::std::string::String>("snapshot-id", 1)?,
        body: rt::required("body", request.body()?)?,
    };

    Ok(rt::reply("exportsnapshot", handlers.exportsnapshot(params).await))
}
