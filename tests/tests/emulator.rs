//! The Scaleway emulator alone, over real loopback TCP with reqwest.

use naftiko_tests::emulator::{EMULATOR_ORGANIZATION, EMULATOR_PROJECT, StoredObject};
use naftiko_tests::{EMULATOR_TOKEN, Emulator};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ZONE: &str = "fr-par-1";

/// The emulator and a client that sends its token.
struct Api {
    emu: Emulator,
    http: reqwest::Client,
}

/// What came back: status, headers, raw body.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn client() -> reqwest::Client {
    // reqwest is built without a rustls provider; plain http needs none, but the
    // builder insists on one. Another test may have installed it already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl Api {
    async fn start() -> Self {
        Api {
            emu: Emulator::start().await,
            http: client(),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&[u8]>,
    ) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.emu.base_url()));
        if let Some(token) = token {
            request = request.header("X-Auth-Token", token);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_vec());
        }
        let response = request.send().await.expect("request reaches the emulator");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("body").to_vec(),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let bytes = body.map(|b| serde_json::to_vec(&b).expect("serializable"));
        self.send(method, path, Some(self.emu.token()), bytes.as_deref())
            .await
    }

    async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }
}

fn instance(path: &str) -> String {
    format!("/instance/v1/zones/{ZONE}{path}")
}

fn block(path: &str) -> String {
    format!("/block/v1alpha1/zones/{ZONE}{path}")
}

fn is_rfc3339_instance(s: &Value) -> bool {
    s.as_str()
        .is_some_and(|s| s.len() == 32 && s.ends_with("+00:00") && s.as_bytes()[10] == b'T')
}

fn is_rfc3339_block(s: &Value) -> bool {
    s.as_str()
        .is_some_and(|s| s.len() == 27 && s.ends_with('Z') && s.as_bytes()[10] == b'T')
}

// ------------------------------------------------------------------ auth, zones, routes

#[tokio::test]
async fn missing_malformed_and_unknown_tokens_are_denied() {
    let api = Api::start().await;
    let path = instance("/snapshots");

    let missing = api.send(Method::GET, &path, None, None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.header("content-type"), Some("application/json"));
    assert_eq!(
        missing.json(),
        json!({"message": "authentication is denied", "method": "api_key",
               "reason": "invalid_argument", "type": "denied_authentication"})
    );

    let malformed = api.send(Method::GET, &path, Some("not-a-key"), None).await;
    assert_eq!(malformed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(malformed.json()["reason"], "invalid_argument");

    let unknown = api
        .send(
            Method::GET,
            &path,
            Some("00000000-0000-4000-8000-000000000000"),
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.json(),
        json!({"message": "authentication is denied", "method": "api_key",
               "reason": "not_found", "type": "denied_authentication"})
    );

    let ok = api
        .send(Method::GET, &path, Some(EMULATOR_TOKEN), None)
        .await;
    assert_eq!(ok.status, StatusCode::OK);

    // The token is configurable, and the header name is case-insensitive.
    let custom = Emulator::builder().token("my-key").start().await;
    assert_eq!(custom.token(), "my-key");
    let r = api
        .http
        .get(format!("{}{path}", custom.base_url()))
        .header("x-auth-token", "my-key")
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::OK);
    custom.shutdown().await;
}

#[tokio::test]
async fn unknown_zone_is_400_with_the_34_byte_body() {
    let api = Api::start().await;
    let r = api
        .get("/instance/v1/zones/all/images?page=1&public=false")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body, br#"{"message":"Unknown zone in path"}"#);
    assert_eq!(r.header("content-length"), Some("34"));
    assert_eq!(r.header("content-type"), Some("application/json"));

    // it-mil-1 is an Instance zone but not a Block zone (§4).
    assert_eq!(
        api.get("/instance/v1/zones/it-mil-1/snapshots")
            .await
            .status,
        StatusCode::OK
    );
    let r = api.get("/block/v1alpha1/zones/it-mil-1/snapshots").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json(), json!({"message": "Unknown zone in path"}));
}

#[tokio::test]
async fn unknown_routes_and_bad_bodies() {
    let api = Api::start().await;
    let r = api.get("/instance/v1/zones/fr-par-1/servers").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json(),
        json!({"message": "resource is not found", "type": "not_found"})
    );
    assert_eq!(api.get("/nope").await.status, StatusCode::NOT_FOUND);
    let r = api
        .call(Method::DELETE, &instance("/snapshots"), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = api
        .send(
            Method::POST,
            &instance("/snapshots"),
            Some(EMULATOR_TOKEN),
            Some(b"{not json"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let body = r.json();
    assert_eq!(body["type"], "invalid_arguments");
    assert_eq!(body["message"], "invalid argument(s)");
    assert_eq!(body["details"][0]["argument_name"], "body");
    assert_eq!(body["details"][0]["reason"], "format");

    let r = api
        .call(
            Method::POST,
            &instance("/snapshots"),
            Some(json!({"name": 3})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(body_detail(&r), ("name".into(), "format".into()));

    let r = api
        .call(Method::POST, &instance("/snapshots"), Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json(),
        json!({"type": "invalid_arguments", "message": "invalid argument(s)",
               "details": [{"argument_name": "volume_id", "reason": "required",
                            "help_message": "required key not provided"}]})
    );

    let r = api.get(&instance("/snapshots?per_page=101")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(body_detail(&r), ("per_page".into(), "constraint".into()));
    let r = api.get(&instance("/snapshots?page=abc")).await;
    assert_eq!(body_detail(&r), ("page".into(), "format".into()));
}

fn body_detail(r: &Reply) -> (String, String) {
    let body = r.json();
    assert_eq!(body["type"], "invalid_arguments", "{body}");
    (
        body["details"][0]["argument_name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        body["details"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

// ------------------------------------------------------------------ instance snapshots

#[tokio::test]
async fn instance_snapshot_lifecycle() {
    let api = Api::start().await;
    let volume = api.emu.seed_volume(ZONE);

    // Create: 201, envelope with snapshot and task, no Location (§1.1).
    let r = api
        .call(
            Method::POST,
            &instance("/snapshots"),
            Some(
                json!({"name": "snp-one", "volume_id": volume, "volume_type": "l_ssd",
                        "project": EMULATOR_PROJECT, "tags": ["a"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.header("location"), None);
    let body = r.json();
    let snap = &body["snapshot"];
    let id = snap["id"].as_str().expect("id").to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    let keys: Vec<&str> = snap
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "volume_type",
            "creation_date",
            "modification_date",
            "organization",
            "project",
            "size",
            "state",
            "base_volume",
            "tags",
            "zone",
            "error_details",
            "error_reason"
        ]
    );
    assert_eq!(snap["name"], "snp-one");
    assert_eq!(snap["volume_type"], "l_ssd");
    assert_eq!(snap["organization"], EMULATOR_ORGANIZATION);
    assert_eq!(snap["project"], EMULATOR_PROJECT);
    assert_eq!(snap["size"], 20_000_000_000u64);
    assert_eq!(snap["state"], "available");
    assert_eq!(
        snap["base_volume"],
        json!({"id": volume, "name": "vol-emulated"})
    );
    assert_eq!(snap["tags"], json!(["a"]));
    assert_eq!(snap["zone"], ZONE);
    assert_eq!(snap["error_details"], Value::Null);
    assert_eq!(snap["error_reason"], Value::Null);
    assert!(
        is_rfc3339_instance(&snap["creation_date"]),
        "{}",
        snap["creation_date"]
    );
    let task = &body["task"];
    assert_eq!(task["description"], "volume_snapshot");
    assert_eq!(task["status"], "pending");
    assert_eq!(task["href_from"], "/snapshots");
    assert_eq!(task["href_result"], format!("snapshots/{id}"));
    assert_eq!(task["terminated_at"], Value::Null);
    assert_eq!(task["progress"], 0);
    assert_eq!(task["zone"], ZONE);

    // List: envelope without total_count, the total in X-Total-Count, Link (§2).
    let r = api.get(&instance("/snapshots?page=1")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("x-total-count"), Some("1"));
    assert_eq!(
        r.header("link"),
        Some(r#"</snapshots?page=1&per_page=50&>; rel="last""#)
    );
    let body = r.json();
    assert_eq!(body.as_object().map(|o| o.len()), Some(1));
    assert_eq!(body["snapshots"][0]["id"], id.as_str());

    // Get.
    let r = api.get(&instance(&format!("/snapshots/{id}"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["snapshot"]["name"], "snp-one");

    // PATCH name and tags (§6 A id 6).
    let r = api
        .call(
            Method::PATCH,
            &instance(&format!("/snapshots/{id}")),
            Some(json!({"name": "new_name", "tags": ["foo", "bar"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let snap = r.json()["snapshot"].clone();
    assert_eq!(snap["name"], "new_name");
    assert_eq!(snap["tags"], json!(["foo", "bar"]));
    assert_eq!(snap["size"], 20_000_000_000u64);

    // PUT: read-only fields ignored, name and tags replaced (§5).
    let r = api
        .call(
            Method::PUT,
            &instance(&format!("/snapshots/{id}")),
            Some(
                json!({"id": id, "name": "put_name", "organization": EMULATOR_ORGANIZATION,
                        "volume_type": "b_ssd", "size": 0, "state": "error", "base_volume": null,
                        "project": EMULATOR_PROJECT, "tags": ["x"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let snap = r.json()["snapshot"].clone();
    assert_eq!(snap["name"], "put_name");
    assert_eq!(snap["tags"], json!(["x"]));
    assert_eq!(snap["volume_type"], "l_ssd");
    assert_eq!(snap["size"], 20_000_000_000u64);
    assert_eq!(snap["state"], "available");
    assert_eq!(snap["base_volume"]["id"], volume.as_str());

    // §0.4: the base volume disappears → base_volume null.
    assert!(api.emu.remove_volume(&volume));
    let r = api.get(&instance(&format!("/snapshots/{id}"))).await;
    assert_eq!(r.json()["snapshot"]["base_volume"], Value::Null);

    // Export: 200 {"task"}, object written, snapshot exporting then available.
    let r = api
        .call(
            Method::POST,
            &instance(&format!("/snapshots/{id}/export")),
            Some(json!({"bucket": "my-bucket", "key": "my-exported-snapshot.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body.as_object().map(|o| o.len()), Some(1));
    assert_eq!(body["task"]["description"], "export_snapshot");
    assert_eq!(body["task"]["status"], "pending");
    assert_eq!(body["task"]["href_from"], format!("/snapshots/{id}/export"));
    assert_eq!(
        body["task"]["href_result"],
        "https://s3.fr-par.scw.cloud/my-bucket/my-exported-snapshot.qcow2"
    );
    assert_eq!(
        api.emu
            .object("fr-par-2", "my-bucket", "my-exported-snapshot.qcow2"),
        Some(StoredObject {
            size: 20_000_000_000
        })
    );
    let path = instance(&format!("/snapshots/{id}"));
    assert_eq!(
        api.get(&path).await.json()["snapshot"]["state"],
        "exporting"
    );
    assert_eq!(
        api.get(&path).await.json()["snapshot"]["state"],
        "available"
    );

    // Delete: 204, empty body, Content-Type application/json, no Content-Length (§1.1).
    let r = api.call(Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("content-length"), None);

    // Gone: 404 with the recorded body (§6 D).
    let r = api.get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json(),
        json!({"type": "not_found", "message": "resource is not found",
               "resource": "instance_snapshot", "resource_id": id})
    );
    let r = api.call(Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn instance_list_paging_and_filters() {
    let api = Api::start().await;
    let v1 = api.emu.seed_volume(ZONE);
    let v2 = api.emu.seed_volume(ZONE);
    for (name, volume, tags) in [
        ("alpha", &v1, json!(["t1"])),
        ("beta", &v1, json!(["t2"])),
        ("gamma", &v2, json!(["t1", "t2"])),
    ] {
        let r = api
            .call(
                Method::POST,
                &instance("/snapshots"),
                Some(json!({"name": name, "volume_id": volume, "tags": tags})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    // Another zone's snapshot never shows here.
    api.emu.seed_snapshot("fr-par-2");

    let r = api.get(&instance("/snapshots?per_page=1")).await;
    assert_eq!(r.header("x-total-count"), Some("3"));
    assert_eq!(
        r.header("link"),
        Some(
            r#"</snapshots?page=2&per_page=1&>; rel="next", </snapshots?page=3&per_page=1&>; rel="last""#
        )
    );
    assert_eq!(r.json()["snapshots"][0]["name"], "alpha");

    let r = api
        .get(&instance("/snapshots?page=2&per_page=1&project="))
        .await;
    assert_eq!(
        r.header("link"),
        Some(concat!(
            r#"</snapshots?page=1&per_page=1&project=>; rel="first", "#,
            r#"</snapshots?page=1&per_page=1&project=>; rel="previous", "#,
            r#"</snapshots?page=3&per_page=1&project=>; rel="next", "#,
            r#"</snapshots?page=3&per_page=1&project=>; rel="last""#
        ))
    );
    assert_eq!(r.json()["snapshots"][0]["name"], "beta");

    let r = api.get(&instance("/snapshots?per_page=1&page=3")).await;
    assert_eq!(
        r.header("link"),
        Some(
            r#"</snapshots?page=1&per_page=1&>; rel="first", </snapshots?page=2&per_page=1&>; rel="previous", </snapshots?page=3&per_page=1&>; rel="last""#
        )
    );

    // Past the end: 200 and an empty list (the Python SDK stops there).
    let r = api.get(&instance("/snapshots?per_page=2&page=9")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"snapshots": []}));
    assert_eq!(r.header("x-total-count"), Some("3"));

    let names = |r: &Reply| -> Vec<String> {
        r.json()["snapshots"]
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        names(&api.get(&instance("/snapshots?tags=t1")).await),
        ["alpha", "gamma"]
    );
    assert_eq!(
        names(
            &api.get(&instance(&format!("/snapshots?base_volume_id={v1}")))
                .await
        ),
        ["alpha", "beta"]
    );
    assert_eq!(
        names(&api.get(&instance("/snapshots?name=mm")).await),
        ["gamma"]
    );
    assert_eq!(
        names(
            &api.get(&instance(&format!(
                "/snapshots?organization={EMULATOR_ORGANIZATION}&project={EMULATOR_PROJECT}"
            )))
            .await
        )
        .len(),
        3
    );
    let r = api
        .get(&instance(
            "/snapshots?project=11111111-1111-4111-8111-111111111111",
        ))
        .await;
    assert_eq!(r.json(), json!({"snapshots": []}));
    assert_eq!(r.header("x-total-count"), Some("0"));
    assert_eq!(
        r.header("link"),
        Some(
            r#"</snapshots?page=0&per_page=50&project=11111111-1111-4111-8111-111111111111>; rel="last""#
        )
    );
}

// ------------------------------------------------------------------ images

#[tokio::test]
async fn image_create_location_and_merged_routes() {
    let api = Api::start().await;
    let root = api.emu.seed_snapshot(ZONE);
    let extra = api.emu.seed_block_snapshot(ZONE);

    // Both required keys missing: one error listing both.
    let r = api
        .call(
            Method::POST,
            &instance("/images"),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let details = r.json()["details"].clone();
    assert_eq!(details.as_array().map(Vec::len), Some(2));
    assert_eq!(details[0]["argument_name"], "root_volume");
    assert_eq!(details[1]["argument_name"], "arch");

    // Unknown root snapshot: 404 instance_snapshot.
    let r = api
        .call(
            Method::POST,
            &instance("/images"),
            Some(json!({"root_volume": "29da9ad9-0000-4000-8000-000000000000", "arch": "x86_64"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["resource"], "instance_snapshot");

    let r = api
        .call(
            Method::POST,
            &instance("/images"),
            Some(
                json!({"name": "cli-img", "root_volume": root, "arch": "x86_64",
                          "extra_volumes": {"1": {"id": extra}}, "project": EMULATOR_PROJECT}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let image = r.json()["image"].clone();
    let id = image["id"].as_str().expect("id").to_owned();
    assert_eq!(
        r.header("location"),
        Some(
            format!(
                "{}/instance/v1/zones/{ZONE}/images/{id}",
                api.emu.base_url()
            )
            .as_str()
        )
    );
    let keys: Vec<&str> = image
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "organization",
            "project",
            "root_volume",
            "extra_volumes",
            "public",
            "arch",
            "creation_date",
            "modification_date",
            "default_bootscript",
            "from_server",
            "state",
            "tags",
            "zone"
        ]
    );
    assert_eq!(image["root_volume"]["id"], root.as_str());
    assert_eq!(image["root_volume"]["volume_type"], "l_ssd");
    assert_eq!(image["root_volume"]["size"], 20_000_000_000u64);
    assert_eq!(
        image["extra_volumes"],
        json!({"1": {"id": extra, "name": "", "volume_type": "sbs_snapshot", "size": 0}})
    );
    assert_eq!(image["public"], false);
    assert_eq!(image["default_bootscript"], Value::Null);
    assert_eq!(image["from_server"], "");
    assert_eq!(image["state"], "available");
    assert!(is_rfc3339_instance(&image["modification_date"]));

    // List as the CLI does (§6 B).
    let r = api.get(&instance("/images?page=1&public=false")).await;
    assert_eq!(r.header("x-total-count"), Some("1"));
    assert_eq!(
        r.header("link"),
        Some(r#"</images?page=1&per_page=50&public=false>; rel="last""#)
    );
    assert_eq!(r.json()["images"][0]["id"], id.as_str());
    let r = api.get(&instance("/images?public=true")).await;
    assert_eq!(r.json(), json!({"images": []}));
    let r = api.get(&instance("/images?arch=arm64")).await;
    assert_eq!(r.json(), json!({"images": []}));

    // PUT /images/{id}: extra keys id and zone are fine; mutable fields replaced (§5).
    let path = instance(&format!("/images/{id}"));
    let r = api
        .call(
            Method::PUT,
            &path,
            Some(
                json!({"id": id, "zone": ZONE, "name": "renamed", "arch": "arm64",
                          "public": true, "tags": ["t"], "state": "error", "from_server": "x"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let image = r.json()["image"].clone();
    assert_eq!(image["name"], "renamed");
    assert_eq!(image["arch"], "arm64");
    assert_eq!(image["public"], true);
    assert_eq!(image["tags"], json!(["t"]));
    assert_eq!(image["extra_volumes"], json!({}));
    assert_eq!(image["state"], "available");
    assert_eq!(image["from_server"], "");

    // GET and PATCH on the same path (`image_id`).
    assert_eq!(api.get(&path).await.json()["image"]["name"], "renamed");
    let r = api
        .call(
            Method::PATCH,
            &path,
            Some(json!({"name": "foo", "extra_volumes": {"1": {"id": root}}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let image = r.json()["image"].clone();
    assert_eq!(image["name"], "foo");
    assert_eq!(image["tags"], json!(["t"]));
    assert_eq!(image["extra_volumes"]["1"]["id"], root.as_str());
    let r = api
        .call(
            Method::PATCH,
            &path,
            Some(json!({"extra_volumes": {"1": {}}})),
        )
        .await;
    assert_eq!(
        body_detail(&r),
        ("extra_volumes.1.id".into(), "required".into())
    );
    let r = api
        .call(Method::PATCH, &path, Some(json!({"arch": "sparc"})))
        .await;
    assert_eq!(body_detail(&r), ("arch".into(), "format".into()));

    let r = api.call(Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    let r = api.get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json(),
        json!({"message": "resource is not found", "resource": "instance_image",
               "resource_id": id, "type": "not_found"})
    );
    let seeded = api.emu.seed_image(ZONE);
    assert_eq!(
        api.get(&instance(&format!("/images/{seeded}")))
            .await
            .status,
        StatusCode::OK
    );
}

// ------------------------------------------------------------------ block snapshots

#[tokio::test]
async fn block_snapshot_lifecycle() {
    let api = Api::start().await;
    let volume = api.emu.seed_block_volume(ZONE);

    let r = api
        .call(
            Method::POST,
            &block("/snapshots"),
            Some(json!({"volume_id": volume, "name": "snp-objective-swanson",
                          "project_id": EMULATOR_PROJECT, "tags": null})),
        )
        .await;
    // §0.3: 200 and a bare object.
    assert_eq!(r.status, StatusCode::OK);
    let snap = r.json();
    let id = snap["id"].as_str().expect("id").to_owned();
    let keys: Vec<&str> = snap
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "parent_volume",
            "size",
            "project_id",
            "created_at",
            "updated_at",
            "references",
            "status",
            "tags",
            "class",
            "zone"
        ]
    );
    assert_eq!(
        snap["parent_volume"],
        json!({"id": volume, "name": "vol-emulated", "type": "sbs_5k", "status": "available"})
    );
    assert_eq!(snap["size"], 15_000_000_000u64);
    assert_eq!(snap["status"], "creating");
    assert_eq!(snap["tags"], json!([]));
    assert_eq!(snap["references"], json!([]));
    assert_eq!(snap["class"], "sbs");
    assert!(
        is_rfc3339_block(&snap["created_at"]),
        "{}",
        snap["created_at"]
    );

    // creating for one read, then available (§6 E).
    let path = block(&format!("/snapshots/{id}"));
    assert_eq!(api.get(&path).await.json()["status"], "creating");
    assert_eq!(api.get(&path).await.json()["status"], "available");
    assert_eq!(api.get(&path).await.json()["status"], "available");

    // A Block id is not an Instance snapshot (§6 D).
    let r = api.get(&instance(&format!("/snapshots/{id}"))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["resource"], "instance_snapshot");

    for (name, tags) in [
        ("c-snap", json!(["x"])),
        ("a-snap", json!(["y"])),
        ("b-snap", json!(["x", "z"])),
    ] {
        let r = api
            .call(
                Method::POST,
                &block("/snapshots"),
                Some(json!({"volume_id": volume, "name": name, "tags": tags})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let names = |r: &Reply| -> Vec<String> {
        r.json()["snapshots"]
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let r = api.get(&block("/snapshots")).await;
    assert_eq!(r.header("x-total-count"), None);
    assert_eq!(r.json()["total_count"], 4);
    assert_eq!(
        names(&r),
        ["snp-objective-swanson", "c-snap", "a-snap", "b-snap"]
    );
    let r = api
        .get(&block("/snapshots?order_by=name_asc&page_size=2"))
        .await;
    assert_eq!(r.json()["total_count"], 4);
    assert_eq!(names(&r), ["a-snap", "b-snap"]);
    let r = api
        .get(&block("/snapshots?order_by=name_asc&page_size=2&page=2"))
        .await;
    assert_eq!(names(&r), ["c-snap", "snp-objective-swanson"]);
    let r = api
        .get(&block(
            "/snapshots?order_by=created_at_desc&page=3&page_size=2",
        ))
        .await;
    assert_eq!(r.json(), json!({"snapshots": [], "total_count": 4}));
    let r = api
        .get(&block("/snapshots?tags=y&tags=z&order_by=name_desc"))
        .await;
    assert_eq!(names(&r), ["b-snap", "a-snap"]);
    let r = api
        .get(&block(&format!(
            "/snapshots?volume_id={volume}&name=snap&organization_id={EMULATOR_ORGANIZATION}"
        )))
        .await;
    assert_eq!(r.json()["total_count"], 3);
    let r = api.get(&block("/snapshots?order_by=size_asc")).await;
    assert_eq!(body_detail(&r), ("order_by".into(), "format".into()));
    let r = api.get(&block("/snapshots?page_size=500")).await;
    assert_eq!(body_detail(&r), ("page_size".into(), "constraint".into()));

    let r = api
        .call(
            Method::PATCH,
            &path,
            Some(json!({"name": "renamed", "tags": ["k"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["name"], "renamed");
    assert_eq!(r.json()["tags"], json!(["k"]));

    // Volume deleted → parent_volume null.
    api.emu.remove_volume(&volume);
    assert_eq!(api.get(&path).await.json()["parent_volume"], Value::Null);

    let r = api.call(Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    let r = api.get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json(),
        json!({"message": "resource is not found", "resource": "snapshot",
               "resource_id": id, "type": "not_found"})
    );

    // Unknown volume; an Instance volume is not a Block volume.
    let instance_volume = api.emu.seed_volume(ZONE);
    let r = api
        .call(
            Method::POST,
            &block("/snapshots"),
            Some(json!({"volume_id": instance_volume})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["resource"], "volume");
}

#[tokio::test]
async fn transient_states_settle_as_configured() {
    let emu = Emulator::builder().settle_after_reads(0).start().await;
    let api = Api {
        emu,
        http: client(),
    };
    let volume = api.emu.seed_block_volume(ZONE);
    let r = api
        .call(
            Method::POST,
            &block("/snapshots"),
            Some(json!({"volume_id": volume})),
        )
        .await;
    let id = r.json()["id"].as_str().expect("id").to_owned();
    assert!(
        r.json()["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("snp-"))
    );
    let export = block(&format!("/snapshots/{id}/export-to-object-storage"));

    // Still creating: export refused with 409 transient_state.
    let r = api
        .call(
            Method::POST,
            &export,
            Some(json!({"bucket": "b", "key": "k.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.json(),
        json!({"message": "resource is in a transient state", "resource": "snapshot",
               "resource_id": id, "current_state": "creating", "type": "transient_state"})
    );
    // One read settles it (settle_after_reads = 0), through a list as well as a GET.
    let r = api.get(&block("/snapshots")).await;
    assert_eq!(r.json()["snapshots"][0]["status"], "available");
    let r = api
        .call(
            Method::POST,
            &export,
            Some(json!({"bucket": "b", "key": "k.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "exporting");
    let r = api.get(&block(&format!("/snapshots/{id}"))).await;
    assert_eq!(r.json()["status"], "available");
}

// ------------------------------------------------------------------ import / export

#[tokio::test]
async fn export_then_import_round_trip() {
    let api = Api::start().await;
    let snapshot = api.emu.seed_snapshot(ZONE);
    let r = api
        .call(
            Method::POST,
            &instance(&format!("/snapshots/{snapshot}/export")),
            Some(json!({"bucket": "my-bucket", "key": "my-exported-snapshot.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Import into another zone of the same region, with a trailing slash as in the guide.
    let r = api
        .call(
            Method::POST,
            "/instance/v1/zones/fr-par-2/snapshots/",
            Some(
                json!({"bucket": "my-bucket", "key": "my-exported-snapshot.qcow2",
                          "volume_type": "b_ssd", "project": EMULATOR_PROJECT,
                          "name": "my-imported-snapshot"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let body = r.json();
    let imported = body["snapshot"]["id"].as_str().expect("id").to_owned();
    assert_eq!(body["snapshot"]["name"], "my-imported-snapshot");
    assert_eq!(body["snapshot"]["volume_type"], "b_ssd");
    assert_eq!(body["snapshot"]["size"], 20_000_000_000u64);
    assert_eq!(body["snapshot"]["state"], "importing");
    assert_eq!(body["snapshot"]["base_volume"], Value::Null);
    assert_eq!(body["snapshot"]["zone"], "fr-par-2");
    assert_eq!(body["task"]["description"], "import_snapshot");
    assert_eq!(body["task"]["href_from"], "/snapshots/");
    assert_eq!(body["task"]["href_result"], format!("snapshots/{imported}"));
    let path = format!("/instance/v1/zones/fr-par-2/snapshots/{imported}");
    assert_eq!(
        api.get(&path).await.json()["snapshot"]["state"],
        "importing"
    );
    assert_eq!(
        api.get(&path).await.json()["snapshot"]["state"],
        "available"
    );

    // Explicit size must be a multiple of 512.
    let r = api
        .call(
            Method::POST,
            &instance("/snapshots"),
            Some(json!({"bucket": "my-bucket", "key": "my-exported-snapshot.qcow2", "size": 1000})),
        )
        .await;
    assert_eq!(body_detail(&r), ("size".into(), "constraint".into()));
    let r = api
        .call(
            Method::POST,
            &instance("/snapshots"),
            Some(json!({"bucket": "my-bucket", "key": "my-exported-snapshot.qcow2", "size": 1024})),
        )
        .await;
    assert_eq!(r.json()["snapshot"]["size"], 1024);

    // Another region has no such object.
    let r = api
        .call(
            Method::POST,
            "/instance/v1/zones/nl-ams-1/snapshots",
            Some(json!({"bucket": "my-bucket", "key": "my-exported-snapshot.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["type"], "invalid_request_error");

    // The same object imports into Block too; a Block export can be imported back.
    let r = api
        .call(
            Method::POST,
            &block("/snapshots/import-from-object-storage"),
            Some(
                json!({"bucket": "my-bucket", "key": "my-exported-snapshot.qcow2",
                          "name": "from-instance", "project_id": EMULATOR_PROJECT, "tags": ["i"]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let snap = r.json();
    assert_eq!(snap["status"], "creating");
    assert_eq!(snap["parent_volume"], Value::Null);
    assert_eq!(snap["size"], 20_000_000_000u64);
    assert_eq!(snap["tags"], json!(["i"]));

    let block_snapshot = api.emu.seed_block_snapshot(ZONE);
    let r = api
        .call(
            Method::POST,
            &block(&format!(
                "/snapshots/{block_snapshot}/export-to-object-storage"
            )),
            Some(json!({"bucket": "b2", "key": "block.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "exporting");
    assert_eq!(r.json()["id"], block_snapshot.as_str());
    assert_eq!(
        api.emu.object(ZONE, "b2", "block.qcow2"),
        Some(StoredObject {
            size: 15_000_000_000
        })
    );
    let r = api
        .call(
            Method::POST,
            &block("/snapshots/import-from-s3"),
            Some(json!({"bucket": "b2", "key": "block.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["size"], 15_000_000_000u64);

    // Missing object through Block: 404 not_found of an object.
    let r = api
        .call(
            Method::POST,
            &block("/snapshots/import-from-object-storage"),
            Some(json!({"bucket": "b2", "key": "nope.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json(),
        json!({"message": "resource is not found", "resource": "object",
               "resource_id": "b2/nope.qcow2", "type": "not_found"})
    );
    let r = api
        .call(
            Method::POST,
            &block("/snapshots/import-from-object-storage"),
            Some(json!({"key": "k"})),
        )
        .await;
    assert_eq!(body_detail(&r), ("bucket".into(), "required".into()));

    // A seeded object imports too.
    api.emu
        .seed_object(ZONE, "seeded", "disk.qcow2", 10_737_418_240);
    let r = api
        .call(
            Method::POST,
            &instance("/snapshots"),
            Some(json!({"bucket": "seeded", "key": "disk.qcow2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["snapshot"]["size"], 10_737_418_240u64);
    assert_eq!(r.json()["snapshot"]["volume_type"], "l_ssd");
}

#[tokio::test]
async fn unsupported_qcow2_objects_are_refused() {
    let api = Api::start().await;
    let cases = [
        (
            "disk-encrypted.qcow2",
            "The provided QCOW2 file is encrypted",
        ),
        (
            "disk-zstd.qcow2",
            "The provided QCOW2 has an unsupported compression type",
        ),
        (
            "disk-backing-chain.qcow2",
            "The provided QCOW2 file has a backing chain",
        ),
    ];
    for (key, message) in cases {
        let r = api
            .call(
                Method::POST,
                &instance("/snapshots"),
                Some(json!({"bucket": "my-bucket", "key": key, "name": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{key}");
        assert_eq!(
            r.json(),
            json!({"message": message, "type": "invalid_request_error"})
        );

        let r = api
            .call(
                Method::POST,
                &block("/snapshots/import-from-object-storage"),
                Some(json!({"bucket": "my-bucket", "key": key, "name": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{key}");
        assert_eq!(
            r.json(),
            json!({"type": "invalid_arguments", "message": "invalid argument(s)",
                   "details": [{"argument_name": "key", "reason": "constraint", "help_message": message}]})
        );
    }
    // Nothing was created.
    assert_eq!(
        api.get(&instance("/snapshots"))
            .await
            .header("x-total-count"),
        Some("0")
    );
    assert_eq!(api.get(&block("/snapshots")).await.json()["total_count"], 0);

    // volume_id together with bucket/key is refused.
    let volume = api.emu.seed_volume(ZONE);
    let r = api
        .call(
            Method::POST,
            &instance("/snapshots"),
            Some(json!({"volume_id": volume, "bucket": "b", "key": "k"})),
        )
        .await;
    assert_eq!(body_detail(&r), ("volume_id".into(), "constraint".into()));
}

// ------------------------------------------------------------------ request log

#[tokio::test]
async fn request_log_keeps_the_raw_path() {
    let api = Api::start().await;
    api.emu.seed_image(ZONE);
    api.emu.clear_requests();
    assert!(api.emu.requests().is_empty());

    // `a/b`, `..`, `?` and `#` arrive encoded in one segment and find nothing.
    for (segment, decoded) in [
        ("a%2Fb", "a/b"),
        ("..%2F..%2Fimages", "../../images"),
        ("x%3Fy%3D1", "x?y=1"),
        ("frag%23ment", "frag#ment"),
    ] {
        let r = api.get(&instance(&format!("/snapshots/{segment}"))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{segment}");
        assert_eq!(r.json()["resource"], "instance_snapshot");
        assert_eq!(r.json()["resource_id"], decoded);
    }
    // Nor can an encoded id reach the export route.
    let r = api
        .call(
            Method::POST,
            &instance("/snapshots/id%2Fexport"),
            Some(json!({"bucket": "b", "key": "k"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = api
        .call(
            Method::PATCH,
            &instance("/images/a%2Fb?x=1%202"),
            Some(json!({"name": "n"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let log = api.emu.requests();
    assert_eq!(log.len(), 6);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/instance/v1/zones/fr-par-1/snapshots/a%2Fb");
    assert_eq!(log[0].query, None);
    assert_eq!(log[0].header("x-auth-token"), Some(EMULATOR_TOKEN));
    assert!(
        log[0]
            .headers
            .iter()
            .all(|(n, _)| n.chars().all(|c| !c.is_ascii_uppercase()))
    );
    assert!(log[0].headers.iter().any(|(n, _)| n == "x-auth-token"));
    assert_eq!(
        log[1].path,
        "/instance/v1/zones/fr-par-1/snapshots/..%2F..%2Fimages"
    );
    assert_eq!(
        log[2].path,
        "/instance/v1/zones/fr-par-1/snapshots/x%3Fy%3D1"
    );
    assert_eq!(
        log[3].path,
        "/instance/v1/zones/fr-par-1/snapshots/frag%23ment"
    );
    assert_eq!(log[4].method, "POST");
    assert_eq!(log[4].body_json(), Some(json!({"bucket": "b", "key": "k"})));
    assert_eq!(log[5].method, "PATCH");
    assert_eq!(log[5].path, "/instance/v1/zones/fr-par-1/images/a%2Fb");
    assert_eq!(log[5].query.as_deref(), Some("x=1%202"));
    assert_eq!(
        log[5].target(),
        "/instance/v1/zones/fr-par-1/images/a%2Fb?x=1%202"
    );
    assert_eq!(log[5].header("content-type"), Some("application/json"));
    assert_eq!(log[5].body, br#"{"name":"n"}"#);

    // Denied requests are recorded too.
    api.send(Method::DELETE, &instance("/images/x"), None, None)
        .await;
    let log = api.emu.requests();
    assert_eq!(log.len(), 7);
    assert_eq!(log[6].header("x-auth-token"), None);
    api.emu.clear_requests();
    assert!(api.emu.requests().is_empty());
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emu = Emulator::start().await;
    let http = client();
    let url = format!("{}/instance/v1/zones/{ZONE}/snapshots", emu.base_url());
    assert_eq!(emu.addr().ip().to_string(), "127.0.0.1");
    let r = http
        .get(&url)
        .header("X-Auth-Token", EMULATOR_TOKEN)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::OK);
    emu.shutdown().await;
    assert!(reqwest::Client::new().get(&url).send().await.is_err());
}
