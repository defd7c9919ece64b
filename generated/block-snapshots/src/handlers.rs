//! The capability's operations, shared by every exposed surface (REST and MCP).
//!
//! Implement [`Handlers`] for your own type to change one operation; the others keep
//! forwarding upstream. [`Proxy`] forwards everything.

/// One client per consumed API.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Client of `block-snapshots`.
    pub block_snapshots: super::client::Client,
}

impl Clients {
    /// Every client from its environment (secrets from the binds, base URLs from the spec).
    pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        Ok(Self {
            block_snapshots: super::client::Client::from_env()?,
        })
    }

    /// Like [`Clients::from_env`], with base URLs overridden by `upstreams` (`--upstream`).
    pub fn with_upstreams(
        upstreams: &::naftiko_runtime::Upstreams,
    ) -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        Ok(Self {
            block_snapshots: match upstreams.get("block-snapshots") {
                Some(url) => {
                    super::client::Client::new(url, super::client::Auth::from_env()?)
                }
                None => super::client::Client::from_env()?,
            },
        })
    }
}

/// What the exposed operations do. Each method's default calls the consumed API.
pub trait Handlers: Send + Sync + 'static {
    /// The clients the default methods call.
    fn clients(&self) -> &Clients;

    /// List all available snapshots in a specified zone. By default, the snapshots listed are ordered by creation date in ascending order. This can be modified via the order_by field.
    ///
    /// Default: forwards to
    /// `GET /block/v1/zones/{zone}/snapshots` on `block-snapshots`.
    fn list_snapshots(
        &self,
        params: super::client::ListSnapshotsParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().block_snapshots.list_snapshots(params)
    }

    /// Create a snapshot of a volume. The volume must be in the in_use or the available status.
    ///
    /// Default: forwards to
    /// `POST /block/v1/zones/{zone}/snapshots` on `block-snapshots`.
    fn create_snapshot(
        &self,
        params: super::client::CreateSnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().block_snapshots.create_snapshot(params)
    }

    /// Import a snapshot from a Scaleway Object Storage bucket. The bucket must contain a QCOW2 image and be in the same region as the zone.
    ///
    /// Default: forwards to
    /// `POST /block/v1/zones/{zone}/snapshots/import-from-object-storage` on `block-snapshots`.
    fn import_snapshot_from_object_storage(
        &self,
        params: super::client::ImportSnapshotFromObjectStorageParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().block_snapshots.import_snapshot_from_object_storage(params)
    }

    /// Retrieve technical information about a specific snapshot. Details such as size, volume type, and status are returned in the response.
    ///
    /// Default: forwards to
    /// `GET /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots`.
    fn get_snapshot(
        &self,
        params: super::client::GetSnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().block_snapshots.get_snapshot(params)
    }

    /// Update the name or tags of the snapshot.
    ///
    /// Default: forwards to
    /// `PATCH /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots`.
    fn update_snapshot(
        &self,
        params: super::client::UpdateSnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().block_snapshots.update_snapshot(params)
    }

    /// Delete a snapshot. The snapshot must not be in use.
    ///
    /// Default: forwards to
    /// `DELETE /block/v1/zones/{zone}/snapshots/{snapshot_id}` on `block-snapshots`.
    fn delete_snapshot(
        &self,
        params: super::client::DeleteSnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().block_snapshots.delete_snapshot(params)
    }

    /// Export a snapshot to a Scaleway Object Storage bucket, in QCOW2 format. The snapshot must not be in transient state.
    ///
    /// Default: forwards to
    /// `POST /block/v1/zones/{zone}/snapshots/{snapshot_id}/export-to-object-storage` on `block-snapshots`.
    fn export_snapshot_to_object_storage(
        &self,
        params: super::client::ExportSnapshotToObjectStorageParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().block_snapshots.export_snapshot_to_object_storage(params)
    }
}

/// Forwards every operation upstream unchanged.
#[derive(Debug, Clone)]
pub struct Proxy {
    pub clients: Clients,
}

impl Proxy {
    pub fn new(clients: Clients) -> Self {
        Self { clients }
    }
}

impl Handlers for Proxy {
    fn clients(&self) -> &Clients {
        &self.clients
    }
}
