//! The two seed specs: no diagnostics, and the IR decisions DESIGN §3 asks for.

use std::path::Path;

use naftiko_codegen::ir::{Action, BaseUri, Capability, InputLocation, Method, Source};

fn seed(name: &str) -> Capability {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(name)).expect("seed spec");
    let loaded = naftiko_codegen::load_str(&format!("specs/{name}"), &text);
    assert!(loaded.diagnostics.is_empty(), "{}", loaded.render(false));
    loaded.capability.expect("IR")
}

#[test]
fn seed_irs_are_pinned() {
    insta::assert_json_snapshot!("instance-snapshots.ir", seed("instance-snapshots.yaml"));
    insta::assert_json_snapshot!("instance-images.ir", seed("instance-images.yaml"));
}

#[test]
fn get_snapshot_binds_zone_and_the_hyphenated_path_variable() {
    let cap = seed("instance-snapshots.yaml");
    let rest = &cap.rest[0];
    let get = rest.endpoints.iter().find(|e| e.name == "getsnapshot").expect("getsnapshot endpoint");
    assert_eq!(get.method, Method::Get);
    let zone = &get.inputs[0];
    assert_eq!((zone.name.as_str(), zone.location, zone.required), ("zone", InputLocation::Path(0), true));
    assert_eq!(zone.description.as_deref(), Some("The zone you want to target"));
    let id = &get.inputs[1];
    assert_eq!((id.name.as_str(), id.location), ("snapshot-id", InputLocation::Path(1)));
    let Action::Call { consumes, operation, bindings, .. } = &get.action else { panic!("get-snapshot calls a consumed operation") };
    let op = &cap.consumes[*consumes].operations[*operation];
    assert_eq!(op.name, "getsnapshot");
    let snapshot_id = op.params.iter().position(|p| p.name == "snapshot_id").expect("snapshot_id param");
    let binding = bindings.iter().find(|b| b.param == snapshot_id).expect("binding");
    assert_eq!(binding.source, Source::Input(1), "snapshot_id must come from {{snapshot-id}}");

    // The MCP tool of the same operation derives a required, described `zone` argument.
    let tool = cap.mcp[0].tools.iter().find(|t| t.name == "get-snapshot").expect("get-snapshot tool");
    assert_eq!(tool.input_schema["required"], serde_json::json!(["zone", "snapshot_id"]));
    assert_eq!(tool.input_schema["properties"]["zone"]["description"], "The zone you want to target");
    assert_eq!(tool.input_schema["additionalProperties"], false);
}

#[test]
fn images_routes_of_the_same_shape_are_merged() {
    let cap = seed("instance-images.yaml");
    let rest = &cap.rest[0];
    assert_eq!(rest.routes.len(), 2, "{:#?}", rest.routes.iter().map(|r| &r.template).collect::<Vec<_>>());
    let item = &rest.routes[1];
    assert_eq!(item.template, "/v1/instance/v1/zones/{zone}/images/{id}");
    let methods: Vec<Method> = item.endpoints.iter().map(|&e| rest.endpoints[e].method).collect();
    assert_eq!(methods, [Method::Put, Method::Get, Method::Patch, Method::Delete]);
    // GET keeps its own variable name, bound by position.
    let get = rest.endpoints.iter().find(|e| e.name == "getimage").expect("getimage");
    assert_eq!((get.inputs[1].name.as_str(), get.inputs[1].location), ("image-id", InputLocation::Path(1)));
}

#[test]
fn seeds_use_a_fixed_base_uri_and_the_declared_secret() {
    for name in ["instance-snapshots.yaml", "instance-images.yaml"] {
        let cap = seed(name);
        assert!(matches!(&cap.consumes[0].base_uri, BaseUri::Fixed { url } if url == "https://api.scaleway.com"));
        assert_eq!(cap.secrets.len(), 1);
        assert_eq!(cap.secrets[0].var, "SCALEWAY_API_KEY");
    }
}
