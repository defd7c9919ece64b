//! Instance API: `/instance/v1/zones/{zone}/snapshots…` (§1.1) and `…/images…` (§1.2).
//!
//! Envelopes: `{"snapshot": …}`, `{"image": …}`, lists `{"snapshots": […]}` with the total
//! in `X-Total-Count` (§0.2, §2). Creates answer 201 (§0.3); only the image create carries
//! a `Location` header (§1.1, §1.2).

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::clock::Timestamp;
use super::errors::{ApiError, ApiResult, ArgError};
use super::input::Body;
use super::objects::{self, ImportFailure};
use super::paging::{self, Page};
use super::store::{
    EMULATOR_ORGANIZATION, EMULATOR_PROJECT, Image, InstanceSnapshot, Lifecycle, Store, VolumeKind,
    generated_name, new_id, region_of,
};
use super::{App, Call, json_response, no_content, segment_id};

const SNAPSHOT: &str = "instance_snapshot";
const IMAGE: &str = "instance_image";

/// `volume_type` accepted by CreateSnapshot (OA 7779-7870).
const CREATE_VOLUME_TYPES: &[&str] = &["unknown_volume_type", "l_ssd", "b_ssd", "unified"];
/// `arch` of an image (OA 632-696).
const ARCHES: &[&str] = &["unknown_arch", "x86_64", "arm", "arm64"];

pub(crate) fn route(method: &str, rest: &[&str], call: &Call<'_>) -> ApiResult<Response> {
    match (method, rest) {
        ("GET", ["snapshots"]) => list_snapshots(call),
        ("POST", ["snapshots"]) => create_snapshot(call),
        ("GET", ["snapshots", id]) => get_snapshot(call, &segment_id(id)),
        ("PUT", ["snapshots", id]) => set_snapshot(call, &segment_id(id)),
        ("PATCH", ["snapshots", id]) => update_snapshot(call, &segment_id(id)),
        ("DELETE", ["snapshots", id]) => delete_snapshot(call, &segment_id(id)),
        ("POST", ["snapshots", id, "export"]) => export_snapshot(call, &segment_id(id)),
        ("GET", ["images"]) => list_images(call),
        ("POST", ["images"]) => create_image(call),
        // SetImage names its path parameter `id`, the others `image_id` (§1.2): one route.
        ("GET", ["images", id]) => get_image(call, &segment_id(id)),
        ("PUT", ["images", id]) => set_image(call, &segment_id(id)),
        ("PATCH", ["images", id]) => update_image(call, &segment_id(id)),
        ("DELETE", ["images", id]) => delete_image(call, &segment_id(id)),
        _ => Err(ApiError::NoRoute),
    }
}

// ---------------------------------------------------------------- rendering

/// Key order as recorded (GOC `test-api-update-snapshot` id 2). Both `error_details`
/// (what the server sends) and `error_reason` (what OA and the SDKs read) are `null` (§0.1).
fn snapshot_json(store: &Store, s: &InstanceSnapshot) -> Value {
    // §0.4: once the base volume is gone, `base_volume` is null.
    let base_volume = s
        .base_volume_id
        .as_deref()
        .and_then(|id| store.volume(VolumeKind::Instance, &s.zone, id))
        .map(|v| json!({ "id": v.id, "name": v.name }));
    json!({
        "id": s.id,
        "name": s.name,
        "volume_type": s.volume_type,
        "creation_date": s.created.instance(),
        "modification_date": s.modified.instance(),
        "organization": s.organization,
        "project": s.project,
        "size": s.size,
        "state": s.life.state(),
        "base_volume": base_volume,
        "tags": s.tags,
        "zone": s.zone,
        "error_details": null,
        "error_reason": null,
    })
}

/// Key order as recorded (CLI `test-image-list-simple` id 8).
fn image_json(i: &Image) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "organization": i.organization,
        "project": i.project,
        "root_volume": i.root_volume,
        "extra_volumes": i.extra_volumes,
        "public": i.public,
        "arch": i.arch,
        "creation_date": i.created.instance(),
        "modification_date": i.modified.instance(),
        "default_bootscript": null,
        "from_server": "",
        "state": i.life.state(),
        "tags": i.tags,
        "zone": i.zone,
    })
}

/// Task as recorded for a create (§1.4); import and export tasks differ only in
/// `description`, `href_from` and `href_result`.
fn task_json(zone: &str, description: &str, href_from: &str, href_result: &str) -> Value {
    json!({
        "id": new_id(),
        "description": description,
        "status": "pending",
        "href_from": href_from,
        "href_result": href_result,
        "started_at": Timestamp::now().instance(),
        "terminated_at": null,
        "progress": 0,
        "zone": zone,
    })
}

// ---------------------------------------------------------------- shared input rules

/// `project` and the deprecated `organization` are a one-of (§1.1). With only a project
/// the organization is the emulator's; with only an organization its default project
/// (same id, as recorded) is used.
fn owner(body: &Body) -> ApiResult<(String, String)> {
    let organization = body.string("organization")?.filter(|s| !s.is_empty());
    let project = body.string("project")?.filter(|s| !s.is_empty());
    match (organization, project) {
        (Some(_), Some(_)) => Err(ApiError::invalid(ArgError::constraint(
            "project",
            "project and organization are mutually exclusive",
        ))),
        (Some(o), None) => Ok((o.clone(), o)),
        (None, Some(p)) => Ok((EMULATOR_ORGANIZATION.to_owned(), p)),
        (None, None) => Ok((
            EMULATOR_ORGANIZATION.to_owned(),
            EMULATOR_PROJECT.to_owned(),
        )),
    }
}

fn one_of(name: &str, value: Option<String>, allowed: &[&str]) -> ApiResult<Option<String>> {
    match value {
        Some(v) if !allowed.contains(&v.as_str()) => Err(ApiError::invalid(ArgError::format(
            name,
            format!("must be one of: {}", allowed.join(", ")),
        ))),
        other => Ok(other),
    }
}

fn not_found(resource: &'static str, id: &str) -> ApiError {
    ApiError::NotFound {
        resource,
        id: id.to_owned(),
    }
}

fn snapshot_index(store: &Store, zone: &str, id: &str) -> ApiResult<usize> {
    store
        .instance_snapshots
        .iter()
        .position(|s| s.zone == zone && s.id == id)
        .ok_or_else(|| not_found(SNAPSHOT, id))
}

fn image_index(store: &Store, zone: &str, id: &str) -> ApiResult<usize> {
    store
        .images
        .iter()
        .position(|i| i.zone == zone && i.id == id)
        .ok_or_else(|| not_found(IMAGE, id))
}

// ---------------------------------------------------------------- snapshots

/// §1.1 list: filters `organization`, `project`, `name`, `tags` (one tag),
/// `base_volume_id`; no `order_by`, so creation order.
///
/// The reference does not say how `name` matches; we match a substring, as Scaleway's
/// list filters on names generally do.
fn list_snapshots(call: &Call<'_>) -> ApiResult<Response> {
    let q = call.query;
    let page = Page::from_query(q, "per_page")?;
    let mut store = call.app.store();
    let matching: Vec<usize> = store
        .instance_snapshots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.zone == call.zone)
        .filter(|(_, s)| q.get("organization").is_none_or(|o| s.organization == o))
        .filter(|(_, s)| q.get("project").is_none_or(|p| s.project == p))
        .filter(|(_, s)| q.get("name").is_none_or(|n| s.name.contains(n)))
        .filter(|(_, s)| q.get("tags").is_none_or(|t| s.tags.iter().any(|x| x == t)))
        .filter(|(_, s)| {
            q.get("base_volume_id")
                .is_none_or(|v| s.base_volume_id.as_deref() == Some(v))
        })
        .map(|(i, _)| i)
        .collect();
    let total = matching.len();
    let shown = page.slice(matching);
    for &i in &shown {
        store.instance_snapshots[i].life.observe();
    }
    let items: Vec<Value> = shown
        .iter()
        .map(|&i| snapshot_json(&store, &store.instance_snapshots[i]))
        .collect();
    let headers = paging::instance_headers("snapshots", q, page, total);
    Ok((
        StatusCode::OK,
        headers,
        axum::Json(json!({ "snapshots": items })),
    )
        .into_response())
}

/// §1.1 create: from a volume (`volume_id`), or an import from Object Storage
/// (`bucket`, `key`, optional `size`, a multiple of 512).
fn create_snapshot(call: &Call<'_>) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let name = body
        .string("name")?
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| generated_name("snp"));
    let tags = body.tags("tags")?.unwrap_or_default();
    let (organization, project) = owner(&body)?;
    let volume_type = one_of(
        "volume_type",
        body.string("volume_type")?,
        CREATE_VOLUME_TYPES,
    )?
    .filter(|t| t != "unknown_volume_type");
    let volume_id = body.string("volume_id")?.filter(|v| !v.is_empty());
    let size = body.uint("size")?;
    if size.is_some_and(|s| s % 512 != 0) {
        return Err(ApiError::invalid(ArgError::constraint(
            "size",
            "must be a multiple of 512",
        )));
    }
    let importing = body.has("bucket") || body.has("key");
    let now = Timestamp::now();
    let id = new_id();
    let mut store = call.app.store();

    let (snapshot, task) = match volume_id {
        Some(_) if importing => {
            return Err(ApiError::invalid(ArgError::constraint(
                "volume_id",
                "volume_id cannot be combined with bucket and key",
            )));
        }
        Some(volume_id) => {
            let volume = store
                .volume(VolumeKind::Instance, call.zone, &volume_id)
                .ok_or_else(|| not_found("instance_volume", &volume_id))?;
            let snapshot = InstanceSnapshot {
                id: id.clone(),
                zone: call.zone.to_owned(),
                name,
                volume_type: volume_type.unwrap_or_else(|| volume.volume_type.clone()),
                size: volume.size,
                organization,
                project,
                tags,
                base_volume_id: Some(volume.id.clone()),
                created: now,
                modified: now,
                // Recording A (§6): the 201 of a volume snapshot already says `available`.
                life: Lifecycle::settled("available"),
            };
            let task = task_json(
                call.zone,
                "volume_snapshot",
                "/snapshots",
                &format!("snapshots/{id}"),
            );
            (snapshot, task)
        }
        None if importing => {
            let (bucket, key) = body.bucket_and_key()?;
            let object = match objects::source_for_import(&store, call.zone, &bucket, &key) {
                Ok(object) => object,
                // The guide's three refusals: 400 `invalid_request_error` with its messages.
                Err(ImportFailure::Unsupported(message)) => {
                    return Err(ApiError::InvalidRequest {
                        message: message.to_owned(),
                    });
                }
                // The guide only says "the API might raise other errors if it cannot find
                // the provided object"; we use the same legacy shape and status.
                Err(ImportFailure::Missing) => {
                    return Err(ApiError::InvalidRequest {
                        message: format!("The object {key} was not found in bucket {bucket}"),
                    });
                }
            };
            let snapshot = InstanceSnapshot {
                id: id.clone(),
                zone: call.zone.to_owned(),
                name,
                // The guide imports as `l_ssd` or `b_ssd`; unset we pick `l_ssd`.
                volume_type: volume_type.unwrap_or_else(|| "l_ssd".to_owned()),
                // "If missing, the size … is defaulted to the QCOW2's volume size" (guide).
                size: size.unwrap_or(object.size),
                organization,
                project,
                tags,
                base_volume_id: None,
                created: now,
                modified: now,
                life: call.app.transient("importing", "available"),
            };
            let task = task_json(
                call.zone,
                "import_snapshot",
                "/snapshots/",
                &format!("snapshots/{id}"),
            );
            (snapshot, task)
        }
        None => return Err(ApiError::invalid(ArgError::required("volume_id"))),
    };
    let rendered = snapshot_json(&store, &snapshot);
    store.instance_snapshots.push(snapshot);
    Ok(json_response(
        StatusCode::CREATED,
        json!({ "snapshot": rendered, "task": task }),
    ))
}

fn get_snapshot(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let mut store = call.app.store();
    let i = snapshot_index(&store, call.zone, id)?;
    store.instance_snapshots[i].life.observe();
    let rendered = snapshot_json(&store, &store.instance_snapshots[i]);
    Ok(json_response(
        StatusCode::OK,
        json!({ "snapshot": rendered }),
    ))
}

/// §5: PUT "replaces all the properties", but read-only fields in the body (id, size,
/// state, volume_type, dates, base_volume, organization, project) are ignored, as the
/// 2022 recording shows. The mutable ones are replaced: `tags` absent means no tags
/// (the Go SDK omits empty tags); `name` absent keeps the name (a name is never empty).
fn set_snapshot(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let name = body.string("name")?.filter(|n| !n.is_empty());
    let tags = body.tags("tags")?.unwrap_or_default();
    let mut store = call.app.store();
    let i = snapshot_index(&store, call.zone, id)?;
    let snapshot = &mut store.instance_snapshots[i];
    if let Some(name) = name {
        snapshot.name = name;
    }
    snapshot.tags = tags;
    snapshot.modified = Timestamp::now();
    let rendered = snapshot_json(&store, &store.instance_snapshots[i]);
    Ok(json_response(
        StatusCode::OK,
        json!({ "snapshot": rendered }),
    ))
}

/// §1.1 PATCH: `name` and `tags` only; `null` or absent leaves a field unchanged.
fn update_snapshot(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let name = body.string("name")?;
    let tags = body.tags("tags")?;
    let mut store = call.app.store();
    let i = snapshot_index(&store, call.zone, id)?;
    let snapshot = &mut store.instance_snapshots[i];
    if let Some(name) = name {
        snapshot.name = name;
    }
    if let Some(tags) = tags {
        snapshot.tags = tags;
    }
    snapshot.modified = Timestamp::now();
    let rendered = snapshot_json(&store, &store.instance_snapshots[i]);
    Ok(json_response(
        StatusCode::OK,
        json!({ "snapshot": rendered }),
    ))
}

fn delete_snapshot(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let mut store = call.app.store();
    let i = snapshot_index(&store, call.zone, id)?;
    store.instance_snapshots.remove(i);
    Ok(no_content())
}

/// §1.1 export: 200 `{"task": …}` with the export task of §1.4; the object is written
/// at once and the snapshot shows `exporting` until it settles. Exporting a snapshot
/// that is still in a transient state is a 409 `transient_state` (our choice; the
/// Instance reference is silent, the Block docs forbid it).
fn export_snapshot(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let mut store = call.app.store();
    let i = snapshot_index(&store, call.zone, id)?;
    let (bucket, key) = body.bucket_and_key()?;
    let snapshot = &store.instance_snapshots[i];
    if snapshot.life.is_transient() {
        return Err(ApiError::TransientState {
            resource: SNAPSHOT,
            id: snapshot.id.clone(),
            current_state: snapshot.life.state().to_owned(),
        });
    }
    let size = snapshot.size;
    store.put_object(call.zone, &bucket, &key, super::StoredObject { size });
    store.instance_snapshots[i].life = call.app.transient("exporting", "available");
    let task = task_json(
        call.zone,
        "export_snapshot",
        &format!("/snapshots/{id}/export"),
        &objects::object_url(region_of(call.zone), &bucket, &key),
    );
    Ok(json_response(StatusCode::OK, json!({ "task": task })))
}

// ---------------------------------------------------------------- images

/// A volume an image refers to, by snapshot id: an Instance snapshot gives
/// `{id, name, volume_type, size}`; a Block snapshot of the same zone gives
/// `volume_type: "sbs_snapshot"`, `size: 0`, `name: ""` as recorded (§6 D, §1.4).
fn resolve_volume(store: &Store, zone: &str, snapshot_id: &str) -> ApiResult<Value> {
    if let Some(s) = store
        .instance_snapshots
        .iter()
        .find(|s| s.zone == zone && s.id == snapshot_id)
    {
        return Ok(json!({
            "id": s.id, "name": s.name, "volume_type": s.volume_type, "size": s.size,
        }));
    }
    if store
        .block_snapshots
        .iter()
        .any(|s| s.zone == zone && s.id == snapshot_id)
    {
        return Ok(json!({
            "id": snapshot_id, "name": "", "volume_type": "sbs_snapshot", "size": 0,
        }));
    }
    Err(not_found(SNAPSHOT, snapshot_id))
}

fn resolve_extra_volumes(
    store: &Store,
    zone: &str,
    refs: Vec<(String, String)>,
) -> ApiResult<Map<String, Value>> {
    refs.into_iter()
        .map(|(index, id)| Ok((index, resolve_volume(store, zone, &id)?)))
        .collect()
}

/// §1.2 list: filters `organization`, `project`, `name`, `public`, `arch`, `tags`.
fn list_images(call: &Call<'_>) -> ApiResult<Response> {
    let q = call.query;
    let page = Page::from_query(q, "per_page")?;
    let public = q.boolean("public")?;
    let mut store = call.app.store();
    let matching: Vec<usize> = store
        .images
        .iter()
        .enumerate()
        .filter(|(_, i)| i.zone == call.zone)
        .filter(|(_, i)| q.get("organization").is_none_or(|o| i.organization == o))
        .filter(|(_, i)| q.get("project").is_none_or(|p| i.project == p))
        .filter(|(_, i)| q.get("name").is_none_or(|n| i.name.contains(n)))
        .filter(|(_, i)| public.is_none_or(|p| i.public == p))
        .filter(|(_, i)| q.get("arch").is_none_or(|a| i.arch == a))
        .filter(|(_, i)| q.get("tags").is_none_or(|t| i.tags.iter().any(|x| x == t)))
        .map(|(n, _)| n)
        .collect();
    let total = matching.len();
    let shown = page.slice(matching);
    let items: Vec<Value> = shown
        .iter()
        .map(|&n| {
            store.images[n].life.observe();
            image_json(&store.images[n])
        })
        .collect();
    let headers = paging::instance_headers("images", q, page, total);
    Ok((
        StatusCode::OK,
        headers,
        axum::Json(json!({ "images": items })),
    )
        .into_response())
}

/// §1.2 create: `root_volume` and `arch` are required; 201 with `Location`.
///
/// The recorded `Location` is the API's own absolute URL
/// (`https://api.scaleway.com/instance/v1/zones/fr-par-1/images/<id>`); the emulator's
/// own absolute URL is the faithful equivalent, and a client following it stays here.
fn create_image(call: &Call<'_>) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let (root, arch) = match (
        body.required_string("root_volume"),
        body.required_string("arch"),
    ) {
        (Ok(root), Ok(arch)) => (root, arch),
        (root, arch) => return Err(ApiError::merge([root.err(), arch.err()])),
    };
    let arch = one_of("arch", Some(arch), ARCHES)?.unwrap_or_default();
    let name = body
        .string("name")?
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| generated_name("img"));
    let (organization, project) = owner(&body)?;
    let tags = body.tags("tags")?.unwrap_or_default();
    let public = body.boolean("public")?.unwrap_or(false);
    let extra_refs = body.volume_ids("extra_volumes")?.unwrap_or_default();
    let mut store = call.app.store();
    let root_volume = resolve_volume(&store, call.zone, &root)?;
    let extra_volumes = resolve_extra_volumes(&store, call.zone, extra_refs)?;
    let now = Timestamp::now();
    let image = Image {
        id: new_id(),
        zone: call.zone.to_owned(),
        name,
        arch,
        organization,
        project,
        root_volume,
        extra_volumes,
        public,
        tags,
        created: now,
        modified: now,
        // Recording B (§6): the 201 already says `available`.
        life: Lifecycle::settled("available"),
    };
    let location = format!(
        "{}/instance/v1/zones/{}/images/{}",
        call.app.base_url(),
        call.zone,
        image.id
    );
    let rendered = image_json(&image);
    store.images.push(image);
    let mut response = json_response(StatusCode::CREATED, json!({ "image": rendered }));
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, value);
    }
    Ok(response)
}

fn get_image(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let mut store = call.app.store();
    let i = image_index(&store, call.zone, id)?;
    store.images[i].life.observe();
    Ok(json_response(
        StatusCode::OK,
        json!({ "image": image_json(&store.images[i]) }),
    ))
}

/// §5: PUT `/images/{id}` replaces the mutable properties (`name`, `arch`,
/// `extra_volumes`, `public`, `tags`) and ignores the rest, extra keys such as `id` and
/// `zone` included. Absent mutable fields take their empty value (no tags, no extra
/// volumes, not public), except `name` and `arch`, which are kept.
fn set_image(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let name = body.string("name")?.filter(|n| !n.is_empty());
    let arch = one_of("arch", body.string("arch")?, ARCHES)?;
    let tags = body.tags("tags")?.unwrap_or_default();
    let public = body.boolean("public")?.unwrap_or(false);
    let extra_refs = body.volume_ids("extra_volumes")?.unwrap_or_default();
    let mut store = call.app.store();
    let i = image_index(&store, call.zone, id)?;
    let extra_volumes = resolve_extra_volumes(&store, call.zone, extra_refs)?;
    let image = &mut store.images[i];
    if let Some(name) = name {
        image.name = name;
    }
    if let Some(arch) = arch {
        image.arch = arch;
    }
    image.tags = tags;
    image.public = public;
    image.extra_volumes = extra_volumes;
    image.modified = Timestamp::now();
    Ok(json_response(
        StatusCode::OK,
        json!({ "image": image_json(image) }),
    ))
}

/// §1.2 PATCH: `name`, `arch`, `extra_volumes` (`{index: {id}}`, id required), `tags`,
/// `public`; `null` or absent leaves a field unchanged.
fn update_image(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let body = Body::parse(call.body)?;
    let name = body.string("name")?;
    let arch = one_of("arch", body.string("arch")?, ARCHES)?;
    let tags = body.tags("tags")?;
    let public = body.boolean("public")?;
    let extra_refs = body.volume_ids("extra_volumes")?;
    let mut store = call.app.store();
    let i = image_index(&store, call.zone, id)?;
    let extra_volumes = extra_refs
        .map(|refs| resolve_extra_volumes(&store, call.zone, refs))
        .transpose()?;
    let image = &mut store.images[i];
    if let Some(name) = name {
        image.name = name;
    }
    if let Some(arch) = arch {
        image.arch = arch;
    }
    if let Some(tags) = tags {
        image.tags = tags;
    }
    if let Some(public) = public {
        image.public = public;
    }
    if let Some(extra_volumes) = extra_volumes {
        image.extra_volumes = extra_volumes;
    }
    image.modified = Timestamp::now();
    Ok(json_response(
        StatusCode::OK,
        json!({ "image": image_json(image) }),
    ))
}

fn delete_image(call: &Call<'_>, id: &str) -> ApiResult<Response> {
    let mut store = call.app.store();
    let i = image_index(&store, call.zone, id)?;
    store.images.remove(i);
    Ok(no_content())
}

// ---------------------------------------------------------------- seeding

/// An available snapshot of `volume_id` (which must exist in `zone`).
pub(crate) fn seed_snapshot(app: &App, zone: &str, volume_id: &str) -> String {
    let mut store = app.store();
    let (volume_type, size) = store
        .volume(VolumeKind::Instance, zone, volume_id)
        .map_or(("l_ssd".to_owned(), 20_000_000_000), |v| {
            (v.volume_type.clone(), v.size)
        });
    let id = new_id();
    let now = Timestamp::now();
    store.instance_snapshots.push(InstanceSnapshot {
        id: id.clone(),
        zone: zone.to_owned(),
        name: generated_name("snp"),
        volume_type,
        size,
        organization: EMULATOR_ORGANIZATION.to_owned(),
        project: EMULATOR_PROJECT.to_owned(),
        tags: Vec::new(),
        base_volume_id: Some(volume_id.to_owned()),
        created: now,
        modified: now,
        life: Lifecycle::settled("available"),
    });
    id
}

/// An available `x86_64` image rooted on `snapshot_id` (which must exist in `zone`).
pub(crate) fn seed_image(app: &App, zone: &str, snapshot_id: &str) -> String {
    let mut store = app.store();
    let root_volume = resolve_volume(&store, zone, snapshot_id).unwrap_or_else(
        |_| json!({ "id": snapshot_id, "name": "", "volume_type": "l_ssd", "size": 0 }),
    );
    let id = new_id();
    let now = Timestamp::now();
    store.images.push(Image {
        id: id.clone(),
        zone: zone.to_owned(),
        name: generated_name("img"),
        arch: "x86_64".to_owned(),
        organization: EMULATOR_ORGANIZATION.to_owned(),
        project: EMULATOR_PROJECT.to_owned(),
        root_volume,
        extra_volumes: Map::new(),
        public: false,
        tags: Vec::new(),
        created: now,
        modified: now,
        life: Lifecycle::settled("available"),
    });
    id
}
