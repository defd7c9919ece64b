//! A consumed operation that declares the outputs its reply holds gets a typed `…_output` method: the
//! reply read into a generated struct through the declared paths, with its status and headers
//! (tests/fixtures/outputs.yaml, against a recording upstream). One declaring only `result: $.` keeps
//! the untyped `Response`. A flow whose reply is an object of declared properties (here a mock tool)
//! gets `flows::…_output` likewise.

use naftiko_tests::{Answer, Recorder};

mod outputs {
    include!(concat!(env!("OUT_DIR"), "/outputs.rs"));
}

#[tokio::test]
async fn declared_outputs_are_read_into_the_generated_struct() {
    naftiko_runtime::install_crypto_provider();
    let upstream = Recorder::start(|request| match request.path.as_str() {
        "/items/i-1" => {
            Answer::json(200, r#"{"item":{"id":"i-1","stock":{"count":"7"},"tags":["a","b"],"ready":true,"extra":1}}"#).header("x-request-id", "r-1")
        }
        "/items/i-2" => Answer::json(200, r#"{"item":{"id":"i-2","ready":"maybe"}}"#),
        "/items/gone" => Answer::text(204, "application/json", ""),
        _ => Answer::json(404, r#"{"message":"no such item"}"#),
    })
    .await;
    let client = outputs::Client::new(upstream.base_url(), outputs::Auth::default());

    let reply = client.get_item_output(outputs::GetItemParams::new("i-1")).await.expect("typed reply");
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.headers.get("x-request-id").and_then(|v| v.to_str().ok()), Some("r-1"));
    assert_eq!(
        reply.output,
        outputs::GetItemOutput {
            id: Some("i-1".into()),
            // "7" in the reply: read as inputs are, into the declared integer.
            in_stock: Some(7),
            tags: Some(serde_json::json!(["a", "b"])),
            ready: Some(true),
            // Declared, absent from the reply.
            warehouse: None,
        }
    );
    // Written back under the spec's names.
    assert_eq!(serde_json::to_value(&reply.output).expect("JSON")["inStock"], 7);

    // A value that does not fit its declared type is a decode error, not a silent `None`.
    let err = client.get_item_output(outputs::GetItemParams::new("i-2")).await.expect_err("ready is not a boolean");
    assert!(matches!(err, naftiko_runtime::Error::Decode(_)), "{err}");
    assert!(err.to_string().contains("must be `true` or `false`"), "{err}");

    // An empty reply holds none of the outputs.
    let empty = client.get_item_output(outputs::GetItemParams::new("gone")).await.expect("204");
    assert_eq!((empty.status.as_u16(), empty.output), (204, outputs::GetItemOutput::default()));

    // An upstream error is the error of the call, as for the untyped method.
    let err = client.get_item_output(outputs::GetItemParams::new("missing")).await.expect_err("404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));

    // `result: $.` declares the whole reply: the untyped method only.
    let raw = client.raw_item(outputs::RawItemParams::new("i-1")).await.expect("raw");
    assert_eq!(raw.json::<serde_json::Value>().expect("JSON")["item"]["extra"], 1);
}

#[tokio::test]
async fn a_flow_reply_is_read_into_its_generated_struct() {
    naftiko_runtime::install_crypto_provider();
    // A mock reaches no upstream: this one answers nothing.
    let client = outputs::Client::new("http://127.0.0.1:9", outputs::Auth::default());
    let handlers = outputs::Proxy::new(outputs::Clients { stock: client });
    let reply = outputs::flows::sample_item_output(&handlers, outputs::flows::SampleItemInput::new("i-9")).await.expect("typed reply");
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.output, outputs::flows::SampleItemOutput { id: Some("i-9".into()), quantity: Some(12) });
}
