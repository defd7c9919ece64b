//! A capability with one operation changed: snapshots can no longer be deleted through it.
//!
//! Implementing [`Handlers`] for your own type replaces the default (forward upstream) for the
//! methods you write; the REST router and the MCP server both call the same trait, so both follow.

use instance_snapshots::{Clients, DeletesnapshotParams, Handlers};
use naftiko_runtime::http::StatusCode;
use naftiko_runtime::{Error, Response};

/// Forwards everything except deletions, which it refuses without calling upstream.
pub struct NoDeletes {
    pub clients: Clients,
}

impl Handlers for NoDeletes {
    fn clients(&self) -> &Clients {
        &self.clients
    }

    async fn deletesnapshot(&self, params: DeletesnapshotParams) -> Result<Response, Error> {
        let body = naftiko_runtime::serde_json::json!({
            "type": "forbidden",
            "message": format!("snapshot {} may not be deleted through this adapter", params.snapshot_id),
        });
        Ok(Response::from_json(StatusCode::FORBIDDEN, &body))
    }
}
