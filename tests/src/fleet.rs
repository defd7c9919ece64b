//! The upstream of tests/fixtures/constraints.yaml (the `fleet` API): one server by id, and an empty list.

use crate::{Answer, RecordedRequest};

/// `GET …/servers/{id}` answers a server with that id (and a field the spec's outputs leave out), or
/// for `missing` an HTML error page, as web servers do; anything else an empty list.
pub fn fleet_api(request: &RecordedRequest) -> Answer {
    match request.path.rsplit_once("/servers/") {
        Some((_, "missing")) => Answer::text(404, "text/html", "<h1>Not Found</h1>"),
        Some((_, id)) => {
            Answer::json(200, format!(r#"{{"server":{{"id":"{id}","name":"web","ready":true,"tags":["a"],"secret":"kept upstream"}}}}"#))
        }
        None => Answer::json(200, r#"{"servers":[]}"#),
    }
}
