//! REST adapter `instance-images-rest`.
//!
//! REST adapter for Instance API — Images. One Spectral-compliant resource per consumed operation, prefixed with /v1.
//!
//! | Method | Path | Operation |
//! |---|---|---|
//! | GET | `/v1/instance/v1/zones/{zone}/images` | `listimages` |
//! | POST | `/v1/instance/v1/zones/{zone}/images` | `createimage` |
//! | PUT | `/v1/instance/v1/zones/{zone}/images/{id}` | `setimage` |
//! | GET | `/v1/instance/v1/zones/{zone}/images/{image-id}` | `getimage` |
//! | PATCH | `/v1/instance/v1/zones/{zone}/images/{image-id}` | `updateimage` |
//! | DELETE | `/v1/instance/v1/zones/{zone}/images/{image-id}` | `deleteimage` |

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
            "/v1/instance/v1/zones/{zone}/images",
            axum::routing::get(listimages::<H>).post(createimage::<H>),
        )
        .route(
            "/v1/instance/v1/zones/{zone}/images/{id}",
            axum::routing::put(setimage::<H>)
                .get(getimage::<H>)
                .patch(updateimage::<H>)
                .delete(deleteimage::<H>),
        )
        .route(
            "/openapi.json",
            axum::routing::get(|| async { rt::json_document(OPENAPI_JSON) }),
        )
        .with_state(handlers);
    rt::finish(router, options)
}

/// List Instance images
///
/// `GET /v1/instance/v1/zones/{zone}/images` → `instance-images.listimages`.
async fn listimages<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::ListimagesParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        organization: request.query::<::std::string::String>("organization")?,
        per_page: request.query::<i64>("per_page")?,
        page: request.query::<::std::string::String>("page")?,
        name: request.query::<::std::string::String>("name")?,
        public: request.query::<::std::string::String>("public")?,
        arch: request.query::<::std::string::String>("arch")?,
        project: request.query::<::std::string::String>("project")?,
        tags: request.query::<::std::string::String>("tags")?,
    };

    Ok(rt::reply("listimages", handlers.listimages(params).await))
}

/// Create an Instance image
///
/// `POST /v1/instance/v1/zones/{zone}/images` → `instance-images.createimage`.
async fn createimage<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    rt::object("body", request.body()?)?;
    let params = super::client::CreateimageParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        body: rt::required("body", request.body()?)?,
    };

    Ok(rt::reply("createimage", handlers.createimage(params).await))
}

/// Update image
///
/// `PUT /v1/instance/v1/zones/{zone}/images/{id}` → `instance-images.setimage`.
async fn setimage<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    rt::object("body", request.body()?)?;
    let params = super::client::SetimageParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        id: request.path::<::std::string::String>("id", 1)?,
        body: rt::required("body", request.body()?)?,
    };

    Ok(rt::reply("setimage", handlers.setimage(params).await))
}

/// Get an Instance image
///
/// `GET /v1/instance/v1/zones/{zone}/images/{image-id}` → `instance-images.getimage`.
async fn getimage<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::GetimageParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        image_id: request.path::<::std::string::String>("image-id", 1)?,
    };

    Ok(rt::reply("getimage", handlers.getimage(params).await))
}

/// Update image
///
/// `PATCH /v1/instance/v1/zones/{zone}/images/{image-id}` → `instance-images.updateimage`.
async fn updateimage<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    rt::object("body", request.body()?)?;
    let params = super::client::UpdateimageParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        image_id: request.path::<::std::string::String>("image-id", 1)?,
        body: rt::required("body", request.body()?)?,
    };

    Ok(rt::reply("updateimage", handlers.updateimage(params).await))
}

/// Delete an Instance image
///
/// `DELETE /v1/instance/v1/zones/{zone}/images/{image-id}` → `instance-images.deleteimage`.
async fn deleteimage<H: Handlers>(
    State(handlers): State<Arc<H>>,
    request: rt::RestRequest,
) -> ::core::result::Result<axum::response::Response, rt::AdapterError> {
    let params = super::client::DeleteimageParams {
        zone: request.path::<::std::string::String>("zone", 0)?,
        image_id: request.path::<::std::string::String>("image-id", 1)?,
    };

    Ok(rt::reply("deleteimage", handlers.deleteimage(params).await))
}
