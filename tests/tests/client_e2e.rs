//! The generated typed clients against the Scaleway emulator over loopback: full lifecycles, paging,
//! filters, errors that keep the upstream status and body, auth failures, hostile path values.

use instance_images as images;
use instance_snapshots as snapshots;
use naftiko_runtime::{Error, Secret};
use naftiko_tests::{EMULATOR_TOKEN, Emulator};
use serde_json::{Value, json};

const ZONE: &str = "fr-par-1";

fn snapshots_client(emulator: &Emulator, token: &str) -> snapshots::Client {
    snapshots::Client::new(emulator.base_url(), snapshots::Auth { scaleway_api_key: Secret::new(token) })
}

fn images_client(emulator: &Emulator) -> images::Client {
    images::Client::new(emulator.base_url(), images::Auth { scaleway_api_key: Secret::new(EMULATOR_TOKEN) })
}

fn json(response: &naftiko_runtime::Response) -> Value {
    response.json().expect("JSON body")
}

#[tokio::test]
async fn snapshot_lifecycle() {
    let emulator = Emulator::start().await;
    let client = snapshots_client(&emulator, EMULATOR_TOKEN);
    let volume = emulator.seed_volume(ZONE);

    let mut ids = Vec::new();
    for (name, tag) in [("alpha", "keep"), ("beta", "keep"), ("gamma", "drop")] {
        let created = client
            .createsnapshot(snapshots::CreatesnapshotParams {
                zone: ZONE.into(),
                body: json!({"name": name, "volume_id": volume, "tags": [tag]}).into(),
            })
            .await
            .expect("create");
        assert_eq!(created.status.as_u16(), 201);
        ids.push(json(&created)["snapshot"]["id"].as_str().expect("id").to_owned());
    }

    let page = client
        .listsnapshots(snapshots::ListsnapshotsParams::new(ZONE).with_per_page(2).with_page(2))
        .await
        .expect("list page 2");
    assert_eq!(page.header("x-total-count"), Some("3"));
    assert!(page.header("link").is_some_and(|l| l.contains("rel=\"first\"")));
    assert_eq!(json(&page)["snapshots"].as_array().map(Vec::len), Some(1));

    let past_end = client
        .listsnapshots(snapshots::ListsnapshotsParams::new(ZONE).with_per_page(2).with_page(5))
        .await
        .expect("past the end");
    assert_eq!(json(&past_end)["snapshots"], json!([]));

    let tagged = client
        .listsnapshots(snapshots::ListsnapshotsParams::new(ZONE).with_tags("keep"))
        .await
        .expect("filter");
    assert_eq!(tagged.header("x-total-count"), Some("2"));

    let got = client.getsnapshot(snapshots::GetsnapshotParams { zone: ZONE.into(), snapshot_id: ids[0].clone() }).await.expect("get");
    assert_eq!(json(&got)["snapshot"]["name"], "alpha");

    let updated = client
        .updatesnapshot(snapshots::UpdatesnapshotParams { zone: ZONE.into(), snapshot_id: ids[0].clone(), body: json!({"name": "alpha-2"}).into() })
        .await
        .expect("patch");
    assert_eq!(json(&updated)["snapshot"]["name"], "alpha-2");

    let set = client
        .setsnapshot(snapshots::SetsnapshotParams { zone: ZONE.into(), snapshot_id: ids[0].clone(), body: json!({"name": "alpha-3", "tags": ["t"]}).into() })
        .await
        .expect("put");
    assert_eq!(json(&set)["snapshot"]["tags"], json!(["t"]));

    let export = client
        .exportsnapshot(snapshots::ExportsnapshotParams { zone: ZONE.into(), snapshot_id: ids[0].clone(), body: json!({"bucket": "b", "key": "alpha.qcow2"}).into() })
        .await
        .expect("export");
    assert!(json(&export)["task"]["id"].is_string());
    assert!(emulator.object(ZONE, "b", "alpha.qcow2").is_some(), "the export wrote the object");

    let deleted = client.deletesnapshot(snapshots::DeletesnapshotParams { zone: ZONE.into(), snapshot_id: ids[2].clone() }).await.expect("delete");
    assert_eq!(deleted.status.as_u16(), 204);
    assert!(deleted.body.is_empty());

    let missing = client.getsnapshot(snapshots::GetsnapshotParams { zone: ZONE.into(), snapshot_id: ids[2].clone() }).await.expect_err("gone");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    let body = missing.json().expect("error body");
    assert_eq!(body["type"], "not_found");
    assert_eq!(body["resource_id"], ids[2].as_str());

    // What went on the wire: the token header, repeated-key-free query, JSON bodies.
    let requests = emulator.requests();
    assert!(requests.iter().all(|r| r.header("x-auth-token") == Some(EMULATOR_TOKEN)));
    let list = requests.iter().find(|r| r.method == "GET" && r.query.as_deref().is_some_and(|q| q.contains("page=2"))).expect("paged list request");
    assert_eq!(list.path, format!("/instance/v1/zones/{ZONE}/snapshots"));
    assert_eq!(list.query.as_deref(), Some("per_page=2&page=2"));
}

/// `…_all` walks the pages until the `X-Total-Count` header's total: five snapshots in pages of two are
/// three requests, and a start page is honoured.
#[tokio::test]
async fn listing_every_page_stops_at_the_header_total() {
    let emulator = Emulator::start().await;
    let client = snapshots_client(&emulator, EMULATOR_TOKEN);
    for _ in 0..5 {
        emulator.seed_snapshot(ZONE);
    }
    emulator.clear_requests();
    let all = client.listsnapshots_all(snapshots::ListsnapshotsParams::new(ZONE).with_per_page(2)).await.expect("every page");
    let mut ids: Vec<&str> = all.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids.len(), 5, "{all:?}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5, "no snapshot twice");
    let queries: Vec<Option<String>> = emulator.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(queries, [Some("per_page=2&page=1".into()), Some("per_page=2&page=2".into()), Some("per_page=2&page=3".into())]);

    let rest = client.listsnapshots_all(snapshots::ListsnapshotsParams::new(ZONE).with_per_page(2).with_page(2)).await.expect("from page 2");
    assert_eq!(rest.len(), 3);

    // A failed page is the error of that page, as the one-page method reports it.
    let err = client.listsnapshots_all(snapshots::ListsnapshotsParams::new("mars-1")).await.expect_err("bad zone");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

/// Instance images declares `page` as a string: `…_all` still counts pages, and refuses a page that is
/// not a number before sending anything.
#[tokio::test]
async fn listing_every_page_with_a_text_page_number() {
    let emulator = Emulator::start().await;
    let client = images_client(&emulator);
    for _ in 0..3 {
        emulator.seed_image(ZONE);
    }
    emulator.clear_requests();
    let all = client.listimages_all(images::ListimagesParams::new(ZONE).with_per_page(1)).await.expect("every page");
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(emulator.requests().last().and_then(|r| r.query.clone()).as_deref(), Some("per_page=1&page=3"));

    emulator.clear_requests();
    let err = client.listimages_all(images::ListimagesParams::new(ZONE).with_page("two")).await.expect_err("not a number");
    assert!(err.to_string().contains("`page`"), "{err}");
    assert!(emulator.requests().is_empty(), "nothing sent");
}

#[tokio::test]
async fn images_lifecycle_on_the_merged_route() {
    let emulator = Emulator::start().await;
    let client = images_client(&emulator);
    let snapshot = emulator.seed_snapshot(ZONE);
    let created = client
        .createimage(images::CreateimageParams { zone: ZONE.into(), body: json!({"name": "img", "arch": "x86_64", "root_volume": snapshot}).into() })
        .await
        .expect("create");
    assert_eq!(created.status.as_u16(), 201);
    assert!(created.header("location").is_some());
    let id = json(&created)["image"]["id"].as_str().expect("id").to_owned();

    let mut image = json(&client.getimage(images::GetimageParams { zone: ZONE.into(), image_id: id.clone() }).await.expect("get"))["image"].clone();
    image["name"] = json!("img-set");
    let set = client.setimage(images::SetimageParams { zone: ZONE.into(), id: id.clone(), body: image.into() }).await.expect("set");
    assert_eq!(json(&set)["image"]["name"], "img-set");
    let patched = client.updateimage(images::UpdateimageParams { zone: ZONE.into(), image_id: id.clone(), body: json!({"name": "img-2"}).into() }).await.expect("patch");
    assert_eq!(json(&patched)["image"]["name"], "img-2");
    let listed = client.listimages(images::ListimagesParams::new(ZONE).with_name("img-2")).await.expect("list");
    assert_eq!(listed.header("x-total-count"), Some("1"));
    client.deleteimage(images::DeleteimageParams { zone: ZONE.into(), image_id: id.clone() }).await.expect("delete");
    let gone = client.getimage(images::GetimageParams { zone: ZONE.into(), image_id: id }).await.expect_err("deleted");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_wrong_token_is_a_401_error_with_the_upstream_body() {
    let emulator = Emulator::start().await;
    let client = snapshots_client(&emulator, "00000000-0000-4000-8000-000000000000");
    let err = client.listsnapshots(snapshots::ListsnapshotsParams::new(ZONE)).await.expect_err("denied");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.json().expect("body")["type"], "denied_authentication");
    assert!(!format!("{err:?} {err}").contains("00000000-0000-4000-8000-000000000000"), "the token leaked into the error");
}

#[tokio::test]
async fn an_unknown_zone_is_a_400_error() {
    let emulator = Emulator::start().await;
    let client = snapshots_client(&emulator, EMULATOR_TOKEN);
    let err = client.listsnapshots(snapshots::ListsnapshotsParams::new("mars-1")).await.expect_err("bad zone");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn hostile_path_values_stay_in_one_segment() {
    let emulator = Emulator::start().await;
    let client = snapshots_client(&emulator, EMULATOR_TOKEN);
    for (value, encoded) in [("a/b", "a%2Fb"), ("x?admin=1", "x%3Fadmin%3D1"), ("x#frag", "x%23frag"), ("50%", "50%25"), ("a b", "a%20b")] {
        emulator.clear_requests();
        let err = client.getsnapshot(snapshots::GetsnapshotParams { zone: ZONE.into(), snapshot_id: value.into() }).await.expect_err("not found");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{value}");
        let requests = emulator.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].path, format!("/instance/v1/zones/{ZONE}/snapshots/{encoded}"), "{value}");
        assert_eq!(requests[0].query, None, "{value}");
    }
    for dots in [".", "..", "%2E%2E", "%2e."] {
        emulator.clear_requests();
        let err = client.getsnapshot(snapshots::GetsnapshotParams { zone: ZONE.into(), snapshot_id: dots.into() }).await.expect_err("rejected");
        assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "snapshot_id"), "{dots}: {err:?}");
        assert!(emulator.requests().is_empty(), "{dots} was sent");
    }
}

#[test]
fn from_env_names_the_missing_variable() {
    // SAFETY of the test: no other test in this binary reads this variable.
    let err = snapshots::Auth::from_env();
    if std::env::var_os("SCALEWAY_API_KEY").is_none() {
        let err = err.expect_err("missing");
        assert!(err.to_string().contains("SCALEWAY_API_KEY"), "{err}");
    }
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    let auth = snapshots::Auth { scaleway_api_key: Secret::new("super-secret-value") };
    let client = snapshots::Client::new("http://127.0.0.1:1", auth.clone());
    for shown in [format!("{auth:?}"), format!("{client:?}")] {
        assert!(!shown.contains("super-secret-value"), "{shown}");
    }
}
