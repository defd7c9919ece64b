//! A local fake of the Shipyard tutorial's upstreams (the reference engine's "The Shipyard"): the
//! Maritime Registry API (`/ships`, `/ships/{imo}`, `/crew`, `POST /voyages`) and the Legacy Dockyard
//! API (`/vessels`, XML). The data is the tutorial's own (Part 1 prints it), plus one ship that is not
//! active so that a status filter is observable. Authentication is not checked: the tutorial's
//! tokens are placeholders. Serve it with [`Shipyard::start`]; one fake answers both APIs' paths.

use serde_json::{Value, json};

use crate::emulator::RecordedRequest;
use crate::recorder::{Answer, Recorder};

/// Ships as the registry stores them (snake_case fields, as the tutorial's mappings read them).
pub fn ships() -> Vec<Value> {
    vec![
        json!({
            "imo_number": "IMO-9321483", "vessel_name": "Northern Star", "vessel_type": "cargo", "flag_code": "NO",
            "operational_status": "active", "year_built": 2015, "gross_tonnage": 42000,
            "dimensions": {"length_overall": 229, "beam": 32}, "assignedCrew": ["CREW-001", "CREW-003"]
        }),
        json!({
            "imo_number": "IMO-9456781", "vessel_name": "Pacific Dawn", "vessel_type": "tanker", "flag_code": "SG",
            "operational_status": "active", "year_built": 2018, "gross_tonnage": 61000,
            "dimensions": {"length_overall": 250, "beam": 44}, "assignedCrew": ["CREW-002"]
        }),
        json!({
            "imo_number": "IMO-9187203", "vessel_name": "Arctic Tern", "vessel_type": "research", "flag_code": "IS",
            "operational_status": "maintenance", "year_built": 1999, "gross_tonnage": 8100,
            "dimensions": {"length_overall": 94, "beam": 18}, "assignedCrew": []
        }),
    ]
}

/// The crew register.
pub fn crew() -> Value {
    json!([
        {"crewId": "CREW-001", "fullName": "Erik Lindström", "role": "captain", "nationality": "SE"},
        {"crewId": "CREW-002", "fullName": "Maya Chen", "role": "chief engineer", "nationality": "SG"},
        {"crewId": "CREW-003", "fullName": "Aiko Tanaka", "role": "cook", "nationality": "JP"}
    ])
}

/// The legacy Dockyard's vessel list, as XML (the shape the engine's own tutorial test serves).
pub const LEGACY_VESSELS_XML: &str = "<vessels>\
<vessel><vesselCode>LEGACY-4012</vesselCode><vesselName>Old Faithful</vesselName><category>cargo</category>\
<flagState>GB</flagState><operationalStatus>active</operationalStatus></vessel>\
<vessel><vesselCode>LEGACY-2087</vesselCode><vesselName>Iron Maiden</vesselName><category>bulk_carrier</category>\
<flagState>PA</flagState><operationalStatus>laid_up</operationalStatus></vessel>\
</vessels>";

/// The fake: a [`Recorder`] answering with [`answer`].
pub struct Shipyard;

impl Shipyard {
    pub async fn start() -> Recorder {
        Recorder::start(answer).await
    }
}

/// The registry's and the dockyard's answer to one request.
pub fn answer(request: &RecordedRequest) -> Answer {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["ships"]) => {
            let status = query_value(request, "status");
            let listed: Vec<Value> = ships().into_iter().filter(|s| status.as_deref().is_none_or(|st| s["operational_status"] == st)).collect();
            Answer::json(200, Value::Array(listed).to_string())
        }
        ("GET", ["ships", imo]) => match ships().into_iter().find(|s| s["imo_number"] == *imo) {
            Some(ship) => Answer::json(200, ship.to_string()),
            None => Answer::json(404, json!({"error": "not_found", "message": format!("no ship with IMO {imo}")}).to_string()),
        },
        ("GET", ["crew"]) => Answer::json(200, crew().to_string()),
        ("POST", ["voyages"]) => match request.body_json() {
            Some(Value::Object(mut voyage)) => {
                voyage.insert("voyageId".into(), json!("VOY-2026-042"));
                voyage.insert("status".into(), json!("planned"));
                Answer::json(201, Value::Object(voyage).to_string())
            }
            _ => Answer::json(400, json!({"error": "bad_request", "message": "a voyage is a JSON object"}).to_string()),
        },
        ("GET", ["vessels"]) => Answer::text(200, "application/xml", LEGACY_VESSELS_XML),
        _ => Answer::json(404, json!({"error": "not_found", "message": format!("no route {} {}", request.method, request.path)}).to_string()),
    }
}

/// A query parameter's value (`+` and `%20` read as spaces; the fake's values are plain words).
fn query_value(request: &RecordedRequest, name: &str) -> Option<String> {
    request.query.as_deref()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.replace('+', " ").replace("%20", " "))
    })
}
