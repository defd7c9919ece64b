//! Skill catalogs over real loopback HTTP, as an agent sees them: our fixture (tests/fixtures/skills.yaml,
//! a folder with SKILL.md and instruction files, and a skill whose SKILL.md is generated from the spec),
//! the engine's `skill-capability.yaml` (its folder made under /tmp, where the fixture points), and
//! tutorial step 8 as its generated binary. The catalog, one skill, its contents, a file, the archive
//! (unpacked), 404s, and traversal attempts (`..`, `%2e%2e`, absolute paths, hidden files, a link out)
//! refused with a 400.

use std::io::Read as _;
use std::net::SocketAddr;

use serde_json::{Value, json};

mod own {
    include!(concat!(env!("OUT_DIR"), "/skills.rs"));
}

async fn get(url: &str) -> (u16, String, Vec<u8>) {
    let reply = reqwest::get(url).await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = reply.status().as_u16();
    let media = reply.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, media, reply.bytes().await.expect("body").to_vec())
}

async fn json_of(url: &str) -> (u16, Value) {
    let (status, media, body) = get(url).await;
    assert!(media.starts_with("application/json"), "{url}: {media}");
    (status, serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{url}: not JSON ({e})")))
}

/// A request sent as written (HTTP clients normalize `..` and `%2e%2e` away): the status line's code.
async fn raw_status(addr: SocketAddr, target: &str) -> u16 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply).await;
    reply.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP archive");
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("UTF-8 entry");
        entries.push((entry.name().expect("a UTF-8 entry name").into_owned(), text));
    }
    entries.sort();
    entries
}

/// The YAML front matter of a SKILL.md, as `key: value` lines.
fn front_matter(skill_md: &str) -> Vec<String> {
    let body = skill_md.strip_prefix("---\n").expect("SKILL.md starts with front matter");
    body[..body.find("\n---\n").expect("front matter ends")].lines().map(str::to_owned).collect()
}

async fn own_catalog() -> SocketAddr {
    own::skill::CATALOGS[0].require_locations().expect("the fixture's folders are there");
    naftiko_tests::serve(own::skill::router("orders-skills").expect("a catalog")).await
}

#[tokio::test]
async fn the_catalog_lists_every_skill_with_its_tool_names() {
    let base = format!("http://{}", own_catalog().await);
    let (status, catalog) = json_of(&format!("{base}/skills")).await;
    assert_eq!(status, 200);
    assert_eq!(
        catalog,
        json!({"count": 2, "skills": [
            {"name": "order-management", "description": "Tools for managing orders", "license": "Apache-2.0", "tools": ["list-orders", "list-orders-mcp", "order-guide"]},
            {"name": "onboarding-guide", "description": "A purely descriptive skill with no tools", "tools": []},
        ]})
    );
}

#[tokio::test]
async fn one_skill_says_where_to_call_each_tool() {
    let base = format!("http://{}", own_catalog().await);
    let (status, skill) = json_of(&format!("{base}/skills/order-management")).await;
    assert_eq!(status, 200);
    assert_eq!(
        skill,
        json!({
            "name": "order-management",
            "description": "Tools for managing orders",
            "license": "Apache-2.0",
            "compatibility": "Any agent that reads SKILL.md",
            "argument-hint": "Use for order operations",
            "allowed-tools": "list-orders",
            "user-invocable": true,
            "disable-model-invocation": false,
            "metadata": {"author": "Orders team", "category": "commerce"},
            "tools": [
                {"name": "list-orders", "description": "List all orders in the system", "type": "derived",
                 "invocationRef": {"targetNamespace": "orders-rest", "action": "list-orders", "mode": "rest"}},
                {"name": "list-orders-mcp", "description": "The same, as an MCP tool", "type": "derived",
                 "invocationRef": {"targetNamespace": "orders-mcp", "action": "list-orders", "mode": "mcp"}},
                {"name": "order-guide", "description": "Guide for working with orders", "type": "instruction", "instruction": "order-guide.md"},
            ],
        })
    );
    let (status, missing) = json_of(&format!("{base}/skills/no-such-skill")).await;
    assert_eq!((status, missing["message"].as_str()), (404, Some("Skill not found: no-such-skill")));
    for path in ["contents", "download", "contents/SKILL.md"] {
        assert_eq!(get(&format!("{base}/skills/no-such-skill/{path}")).await.0, 404, "{path}");
    }
}

#[tokio::test]
async fn a_folder_is_listed_served_and_archived_without_hidden_files() {
    let base = format!("http://{}", own_catalog().await);
    let (status, contents) = json_of(&format!("{base}/skills/order-management/contents")).await;
    assert_eq!(status, 200);
    let paths: Vec<&str> = contents["files"].as_array().expect("files").iter().filter_map(|f| f["path"].as_str()).collect();
    assert_eq!(paths, ["SKILL.md", "examples/usage.md", "order-guide.md"]);
    assert_eq!(contents["files"][2], json!({"path": "order-guide.md", "size": 47, "type": "text/markdown"}));
    let (status, media, body) = get(&format!("{base}/skills/order-management/contents/examples/usage.md")).await;
    assert_eq!((status, media.as_str(), body.as_slice()), (200, "text/markdown", b"GET /orders\n".as_slice()));
    let (status, missing) = json_of(&format!("{base}/skills/order-management/contents/nope.md")).await;
    assert_eq!((status, missing["message"].as_str()), (404, Some("File not found: nope.md")));
    let (status, media, zipped) = get(&format!("{base}/skills/order-management/download")).await;
    assert_eq!((status, media.as_str()), (200, "application/zip"));
    let entries = unzip(&zipped);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["SKILL.md", "examples/usage.md", "order-guide.md"]);
    assert_eq!(front_matter(&entries[0].1), ["name: order-management", "description: Tools for managing orders", "allowed-tools: list-orders"]);
}

#[tokio::test]
async fn a_skill_without_a_location_gets_a_skill_md_from_the_spec() {
    let base = format!("http://{}", own_catalog().await);
    let (_, contents) = json_of(&format!("{base}/skills/onboarding-guide/contents")).await;
    assert_eq!(contents["files"].as_array().map(|f| f.len()), Some(1));
    assert_eq!(contents["files"][0]["path"], "SKILL.md");
    let (status, media, skill_md) = get(&format!("{base}/skills/onboarding-guide/contents/SKILL.md")).await;
    assert_eq!((status, media.as_str()), (200, "text/markdown"));
    let skill_md = String::from_utf8(skill_md).expect("UTF-8");
    assert_eq!(
        front_matter(&skill_md),
        ["name: \"onboarding-guide\"", "description: \"A purely descriptive skill with no tools\"", "argument-hint: \"Ask: how do I start?\""]
    );
    let (_, _, zipped) = get(&format!("{base}/skills/onboarding-guide/download")).await;
    assert_eq!(unzip(&zipped), [("SKILL.md".to_owned(), skill_md)]);
    assert_eq!(get(&format!("{base}/skills/onboarding-guide/contents/other.md")).await.0, 404);
}

#[tokio::test]
async fn paths_out_of_the_folder_are_refused() {
    let addr = own_catalog().await;
    for target in [
        "/skills/order-management/contents/../../skills.yaml",
        "/skills/order-management/contents/%2e%2e/%2e%2e/skills.yaml",
        "/skills/order-management/contents/examples/%2E%2E/%2E%2E/skills.yaml",
        "/skills/order-management/contents/%2Fetc%2Fpasswd",
        "/skills/order-management/contents//etc/passwd",
        "/skills/order-management/contents/.env",
        "/skills/order-management/contents/examples%5C..%5C..%5Cskills.yaml",
    ] {
        assert_eq!(raw_status(addr, target).await, 400, "{target}");
    }
    // `..` collapsed before routing would name another route: the router never sees it as a file.
    assert_ne!(raw_status(addr, "/skills/order-management/contents/SKILL.md").await, 400);
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_out_of_the_folder_is_refused_and_not_archived() {
    use naftiko_runtime::skill::{Catalog, Folder, SkillSpec};
    let scratch = std::env::temp_dir().join(format!("naftiko-skills-link-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let folder = scratch.join("linked");
    std::fs::create_dir_all(&folder).expect("scratch folder");
    std::fs::write(folder.join("SKILL.md"), "---\nname: linked\n---\n").expect("SKILL.md");
    std::fs::write(scratch.join("secret.txt"), "outside").expect("secret");
    std::os::unix::fs::symlink(scratch.join("secret.txt"), folder.join("escape.md")).expect("link");
    let path: &'static str = Box::leak(folder.to_string_lossy().into_owned().into_boxed_str());
    let skills: &'static [SkillSpec] = Box::leak(Box::new([SkillSpec {
        name: "linked",
        description: None,
        license: None,
        compatibility: None,
        allowed_tools: None,
        argument_hint: None,
        user_invocable: None,
        disable_model_invocation: None,
        metadata: &[],
        folder: Folder::Location(path),
        tools: &[],
    }]));
    let catalog: &'static Catalog = Box::leak(Box::new(Catalog { namespace: "links", skills }));
    let base = format!("http://{}", naftiko_tests::serve(naftiko_runtime::skill::router(catalog, Default::default())).await);
    assert_eq!(get(&format!("{base}/skills/linked/contents/escape.md")).await.0, 400);
    let (_, contents) = json_of(&format!("{base}/skills/linked/contents")).await;
    assert_eq!(contents["files"], json!([{"path": "SKILL.md", "size": 21, "type": "text/markdown"}]));
    let names: Vec<String> = unzip(&get(&format!("{base}/skills/linked/download")).await.2).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["SKILL.md"]);
    std::fs::remove_dir_all(scratch).expect("clean up");
}

#[tokio::test]
async fn a_catalog_with_authentication_refuses_callers_without_it() {
    use naftiko_runtime::rest::{RestOptions, ServerAuth};
    let auth = ServerAuth::Bearer { token: naftiko_runtime::Secret::new("sk-skills".to_owned()) };
    let router = naftiko_runtime::skill::router(&own::skill::CATALOGS[0], RestOptions { auth: Some(auth), ..own::skill::options("orders-skills") });
    let addr = naftiko_tests::serve(router).await;
    assert_eq!(get(&format!("http://{addr}/skills")).await.0, 401);
    let reply = reqwest::Client::new().get(format!("http://{addr}/skills")).bearer_auth("sk-skills").send().await.expect("GET");
    assert_eq!(reply.status().as_u16(), 200);
}

#[cfg(engine_specs)]
mod engine {
    include!(concat!(env!("OUT_DIR"), "/engine_fixtures.rs"));
}

/// The engine's `skill-capability.yaml`: its folder is `/tmp/naftiko-test-skills/order-management`, made here.
#[cfg(engine_specs)]
#[tokio::test]
async fn the_engine_fixture_serves_its_catalog() {
    let catalog = &engine::skill_capability::skill::CATALOGS[0];
    let folder = std::path::Path::new("/tmp/naftiko-test-skills/order-management");
    std::fs::create_dir_all(folder).expect("the fixture's folder");
    std::fs::write(folder.join("order-guide.md"), "# Orders\n").expect("instruction file");
    std::fs::write(folder.join("SKILL.md"), "---\nname: order-management\ndescription: Tools for managing orders\n---\n").expect("SKILL.md");
    catalog.require_locations().expect("folders are there");
    let base = format!("http://{}", naftiko_tests::serve(engine::skill_capability::skill::router("orders-skills").expect("catalog")).await);
    let (_, list) = json_of(&format!("{base}/skills")).await;
    assert_eq!(
        list,
        json!({"count": 2, "skills": [
            {"name": "order-management", "description": "Tools for managing orders", "tools": ["list-orders", "order-guide"]},
            {"name": "onboarding-guide", "description": "A purely descriptive skill with no tools", "tools": []},
        ]})
    );
    let (_, detail) = json_of(&format!("{base}/skills/order-management")).await;
    assert_eq!(detail["argument-hint"], "Use for order operations");
    assert_eq!(detail["tools"][0]["invocationRef"], json!({"targetNamespace": "orders-rest", "action": "list-orders", "mode": "rest"}));
    assert_eq!(
        detail["tools"][1],
        json!({"name": "order-guide", "description": "Guide for working with orders", "type": "instruction", "instruction": "order-guide.md"})
    );
    let (status, _, body) = get(&format!("{base}/skills/order-management/contents/order-guide.md")).await;
    assert_eq!((status, body.as_slice()), (200, b"# Orders\n".as_slice()));
}

/// Tutorial step 8 as its binary: the skill catalog on a listener of its own, next to the MCP tools.
#[cfg(engine_specs)]
#[tokio::test]
async fn tutorial_step_8_serves_its_skill_groups() {
    naftiko_runtime::install_crypto_provider();
    let registry = naftiko_tests::Shipyard::start().await;
    let tutorial = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/engine/src/main/resources/tutorial");
    let upstreams = [format!("registry={}", registry.base_url()), format!("legacy={}", registry.base_url())];
    let args = ["--no-rest", "--listen", "shipyard-skills=127.0.0.1:0", "--upstream", &upstreams[0], "--upstream", &upstreams[1]];
    let server = naftiko_tests::ServerProcess::start_in(
        &tutorial,
        env!("CARGO_BIN_EXE_e2e-shipyard"),
        &args,
        &[("SHIPYARD_STEP", "step-8-shipyard-skill-groups")],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let addr = server.addr_of("shipyard-skills").expect("the skill catalog listens");
    let base = format!("http://{addr}");
    let (_, list) = json_of(&format!("{base}/skills")).await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["skills"][0]["tools"], json!(["list-ships", "get-ship", "list-legacy-vessels", "get-ship-with-crew"]));
    assert_eq!(
        list["skills"][1],
        json!({"name": "voyage-ops", "description": "Voyage planning — create and manage voyages", "tools": ["create-voyage"]})
    );
    let (_, fleet) = json_of(&format!("{base}/skills/fleet-ops")).await;
    assert_eq!(fleet["tools"][0]["invocationRef"], json!({"targetNamespace": "shipyard-tools", "action": "list-ships", "mode": "mcp"}));
    let (status, media, zipped) = get(&format!("{base}/skills/voyage-ops/download")).await;
    assert_eq!((status, media.as_str()), (200, "application/zip"));
    let entries = unzip(&zipped);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "SKILL.md");
    assert_eq!(front_matter(&entries[0].1), ["name: \"voyage-ops\"", "description: \"Voyage planning — create and manage voyages\""]);
    assert!(
        entries[0]
            .1
            .contains("- `create-voyage`: Plan a new voyage with ship, crew, route, and dates (the MCP tool `create-voyage` of `shipyard-tools`)")
    );
    assert!(server.logs().iter().any(|l| l.contains("\"surface\":\"skill\"")), "the access log names the skill surface");
}
