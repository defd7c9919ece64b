//! Block Storage API: `/block/v1alpha1/zones/{zone}/snapshots…` and the GA
//! `/block/v1/zones/{zone}/snapshots…` (§1.3).
//!
//! No envelopes: single objects are a bare Snapshot, lists carry `total_count` in the
//! body (§0.2), and a create answers **200** (§0.3). Statuses move `creating` →
//! `available` and `exporting` → `available` (§1.4, §6 E). Both versions share one
//! store: v1 is "the same routes under `/block/v1/…`, without import-from-s3", adding
//! `include_deleted` on the list, `public` on create, and `public`/`srn` on the
//! Snapshot (§1.3).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::clock::Timestamp;
use super::errors::{ApiError, ApiResult, ArgError};
use super::input::Body;
use super::objects::{self, ImportFailure};
use super::paging::Page;
use super::store::{
    BlockSnapshot, EMULATOR_ORGANIZATION, EMULATOR_PROJECT, Lifecycle, Store, StoredObject,
    VolumeKind, generated_name, new_id,
};
use super::{App, Call, json_response, no_content, segment_id};

const SNAPSHOT: &str = "snapshot";

/// `order_by` values; `created_at_asc` is the default (§1.3).
const ORDERS: &[&str] = &["created_at_asc", "created_at_desc", "name_asc", "name_desc"];

/// Which Block API a request went to (§1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    /// `/block/v1alpha1/…`.
    V1Alpha1,
    /// `/block/v1/…` (GA).
    V1,
}

impl Version {
    /// The version named by the path segment after `/block/`.
    pub(crate) fn from_segment(segment: &str) -> Option<Self> {
        match segment {
            "v1alpha1" => Some(Version::V1Alpha1),
            "v1" => Some(Version::V1),
            _ => None,
        }
    }
}

pub(crate) fn route(
    method: &str,
    rest: &[&str],
    call: &Call<'_>,
    version: Version,
) -> ApiResult<Response> {
    match (method, rest) {
        ("GET", ["snapshots"]) => list(call, version),
        ("POST", ["snapshots"]) => create(call, version),
        ("POST", ["snapshots", "import-from-object-storage"]) => import(call, version),
        // `import-from-s3` is the deprecated name of the same operation; v1 dropped it (§1.3).
        ("POST", ["snapshots", "import-from-s3"]) if version == Version::V1Alpha1 => {
            import(call, version)
        }
        ("GET", ["snapshots", id]) => get(call, &segment_id(id), version),
        ("PATCH", ["snapshots", id]) => update(call, &segment_id(id), version),
        ("DELETE", ["snapshots", id]) => delete(call, &segment_id(id)),
        ("POST", ["snapshots", id, "export-to-object-storage"]) => {
            export(call, &segment_id(id), version)
        }
        _ => Err(ApiError::NoRoute),
    }
}

/// Key order as recorded (§1.4): `parent_volume` is null once the volume is gone or
/// when the snapshot was imported; timestamps end in `Z`. v1 adds `public` (§1.3); its
/// `srn` is left out because no source gives its format.
fn snapshot_json(store: &Store, s: &BlockSnapshot, version: Version) -> Value {
    let parent_volume = s
        .parent_volume_id
        .as_deref()
        .and_then(|id| store.volume(VolumeKind::Block, &s.zone, id))
        .map(
            |v| json!({ "id": v.id, "name": v.name, "type": v.volume_type, "status": "available" }),
        );
    let mut rendered = json!({
        "id": s.id,
        "name": s.name,
        "parent_volume": parent_volume,
        "size": s.size,
        "project_id": s.project_id,
        "created_at": s.created.block(),
        "updated_at": s.updated.block(),
        "references": [],
        "status": s.life.state(),
        "tags": s.tags,
        "class": "sbs",
        "zone": s.zone,
    });
    if version == Version::V1
        && let Some(fields) = rendered.as_object_mut()
    {
        fields.insert("public".to_owned(), Value::Bool(s.public));
    }
    rendered
}

fn index(store: &Store, zone: &str, id: &str) -> ApiResult<usize> {
    store
        .block_snapshots
        .iter()
        .position(|s| s.zone == zone && s.id == id)
        .ok_or_else(|| ApiError::NotFound {
            resource: SNAPSHOT,
            id: id.to_owned(),
        })
}

/// §1.3 list: `order_by`, `project_id`, `organization_id`, `volume_id`, `name`
/// (substring, our choice), repeated `tags` (any of them matches), `page`/`page_size`
/// (default 50 is the reference's assumption, at most 100). v1's `include_deleted` is
/// validated as a boolean and changes nothing: a DELETE here erases at once, so there
/// is never a "deleted snapshot not erased yet" to show.
fn list(call: &Call<'_>, version: Version) -> ApiResult<Response> {
    let q = call.query;
    let page = Page::from_query(q, "page_size")?;
    if version == Version::V1 {
        q.boolean("include_deleted")?;
    }
    let order = q.get("order_by").unwrap_or("created_at_asc");
    if !ORDERS.contains(&order) {
        return Err(ApiError::invalid(ArgError::format(
            "order_by",
            format!("must be one of: {}", ORDERS.join(", ")),
        )));
    }
    let tags = q.all("tags");
    let mut store = call.app.store();
    let mut matching: Vec<usize> = store
        .block_snapshots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.zone == call.zone)
        .filter(|(_, s)| q.get("project_id").is_none_or(|p| s.project_id == p))
        .filter(|(_, s)| {
            q.get("organization_id")
                .is_none_or(|o| s.organization_id == o)
        })
        .filter(|(_, s)| {
            q.get("volume_id")
                .is_none_or(|v| s.parent_volume_id.as_deref() == Some(v))
        })
        .filter(|(_, s)| q.get("name").is_none_or(|n| s.name.contains(n)))
        .filter(|(_, s)| tags.is_empty() || s.tags.iter().any(|t| tags.contains(&t.as_str())))
        .map(|(i, _)| i)
        .collect();
    // Storage order is creation order; names tie-break on it.
    let snapshots = &store.block_snapshots;
    let by_name = |a: &usize, b: &usize| snapshots[*a].name.cmp(&snapshots[*b].name);
    match order {
        "created_at_desc" => matching.reverse(),
        "name_asc" => matching.sort_by(by_name),
        "name_desc" => matching.sort_by(|a, b| by_name(b, a)),
        _ => {}
    }
    let total = matching.len();
    let shown = page.slice(matching);
    for &i in &shown {
        store.block_snapshots[i].life.observe();
    }
    let items: Vec<Value> = shown
        .iter()
        .map(|&i| snapshot_json(&store, &store.block_snapshots[i], version))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        json!({ "snapshots": items, "total_count": total }),
    ))
}

/// §1.3 create: `{volume_id, name, project_id, tags}` (v1 also `public`); the Go SDK
/// sends `"tags": null`.
fn create(call: &Call<'_>, version: Version) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let volume_id = body.required_string("volume_id")?;
    let name = body
        .string("name")?
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| generated_name("snp"));
    let project_id = body
        .string("project_id")?
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| EMULATOR_PROJECT.to_owned());
    let tags = body.tags("tags")?.unwrap_or_default();
    let public = public_field(&body, version)?.unwrap_or(false);
    let mut store = call.app.store();
    let volume = store
        .volume(VolumeKind::Block, call.zone, &volume_id)
        .ok_or_else(|| ApiError::NotFound {
            resource: "volume",
            id: volume_id.clone(),
        })?;
    let now = Timestamp::now();
    let snapshot = BlockSnapshot {
        id: new_id(),
        zone: call.zone.to_owned(),
        name,
        parent_volume_id: Some(volume.id.clone()),
        size: volume.size,
        project_id,
        organization_id: EMULATOR_ORGANIZATION.to_owned(),
        tags,
        public,
        created: now,
        updated: now,
        life: call.app.transient("creating", "available"),
    };
    let rendered = snapshot_json(&store, &snapshot, version);
    store.block_snapshots.push(snapshot);
    Ok(json_response(StatusCode::OK, rendered))
}

/// `public` is a v1 field (§1.3); v1alpha1 ignores it, as it ignores any unknown key.
fn public_field(body: &Body, version: Version) -> ApiResult<Option<bool>> {
    match version {
        Version::V1 => body.boolean("public"),
        Version::V1Alpha1 => Ok(None),
    }
}

/// §1.3 import: `{bucket, key, name, project_id, tags, size?}` → the Snapshot with
/// `status: "creating"` and `parent_volume: null`.
///
/// Failure shapes are our choice, the reference being silent for Block: the guide's
/// QCOW2 refusals keep the guide's message, but in the Block API's typed
/// `invalid_arguments` shape on `key` (Block never answers the legacy
/// `invalid_request_error`); a missing object is a 404 `not_found` of resource `object`.
fn import(call: &Call<'_>, version: Version) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let (bucket, key) = body.bucket_and_key()?;
    let name = body
        .string("name")?
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| generated_name("snp"));
    let project_id = body
        .string("project_id")?
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| EMULATOR_PROJECT.to_owned());
    let tags = body.tags("tags")?.unwrap_or_default();
    let size = body.uint("size")?;
    let mut store = call.app.store();
    let object =
        objects::source_for_import(&store, call.zone, &bucket, &key).map_err(|e| match e {
            ImportFailure::Unsupported(message) => {
                ApiError::invalid(ArgError::constraint("key", message))
            }
            ImportFailure::Missing => ApiError::NotFound {
                resource: "object",
                id: format!("{bucket}/{key}"),
            },
        })?;
    let now = Timestamp::now();
    let snapshot = BlockSnapshot {
        id: new_id(),
        zone: call.zone.to_owned(),
        name,
        parent_volume_id: None,
        size: size.unwrap_or(object.size),
        project_id,
        organization_id: EMULATOR_ORGANIZATION.to_owned(),
        tags,
        public: false,
        created: now,
        updated: now,
        life: call.app.transient("creating", "available"),
    };
    let rendered = snapshot_json(&store, &snapshot, version);
    store.block_snapshots.push(snapshot);
    Ok(json_response(StatusCode::OK, rendered))
}

fn get(call: &Call<'_>, id: &str, version: Version) -> ApiResult<Response> {
    let mut store = call.app.store();
    let i = index(&store, call.zone, id)?;
    store.block_snapshots[i].life.observe();
    Ok(json_response(
        StatusCode::OK,
        snapshot_json(&store, &store.block_snapshots[i], version),
    ))
}

/// §1.3 update: `{name?, tags?}` (v1 also `public`, as seed 002 lists it); `null` or absent
/// leaves a field unchanged.
fn update(call: &Call<'_>, id: &str, version: Version) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let name = body.string("name")?;
    let tags = body.tags("tags")?;
    let public = public_field(&body, version)?;
    let mut store = call.app.store();
    let i = index(&store, call.zone, id)?;
    let snapshot = &mut store.block_snapshots[i];
    if let Some(name) = name {
        snapshot.name = name;
    }
    if let Some(tags) = tags {
        snapshot.tags = tags;
    }
    if let Some(public) = public {
        snapshot.public = public;
    }
    snapshot.updated = Timestamp::now();
    Ok(json_response(
        StatusCode::OK,
        snapshot_json(&store, &store.block_snapshots[i], version),
    ))
}

fn delete(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let mut store = call.app.store();
    let i = index(&store, call.zone, id)?;
    store.block_snapshots.remove(i);
    Ok(no_content())
}

/// §1.3 export: `{bucket, key}` → the Snapshot with `status: "exporting"`. The Block
/// docs: "The snapshot must not be in transient state" → 409 `transient_state` (§3).
fn export(call: &Call<'_>, id: &str, version: Version) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let mut store = call.app.store();
    let i = index(&store, call.zone, id)?;
    let (bucket, key) = body.bucket_and_key()?;
    let snapshot = &store.block_snapshots[i];
    if snapshot.life.is_transient() {
        return Err(ApiError::TransientState {
            resource: SNAPSHOT,
            id: snapshot.id.clone(),
            current_state: snapshot.life.state().to_owned(),
        });
    }
    let size = snapshot.size;
    store.put_object(call.zone, &bucket, &key, StoredObject { size });
    store.block_snapshots[i].life = call.app.transient("exporting", "available");
    Ok(json_response(
        StatusCode::OK,
        snapshot_json(&store, &store.block_snapshots[i], version),
    ))
}

/// An available snapshot of the Block volume `volume_id` in `zone`.
pub(crate) fn seed_snapshot(app: &App, zone: &str, volume_id: &str) -> String {
    let mut store = app.store();
    let size = store
        .volume(VolumeKind::Block, zone, volume_id)
        .map_or(15_000_000_000, |v| v.size);
    let id = new_id();
    let now = Timestamp::now();
    store.block_snapshots.push(BlockSnapshot {
        id: id.clone(),
        zone: zone.to_owned(),
        name: generated_name("snp"),
        parent_volume_id: Some(volume_id.to_owned()),
        size,
        project_id: EMULATOR_PROJECT.to_owned(),
        organization_id: EMULATOR_ORGANIZATION.to_owned(),
        tags: Vec::new(),
        public: false,
        created: now,
        updated: now,
        life: Lifecycle::settled("available"),
    });
    id
}
