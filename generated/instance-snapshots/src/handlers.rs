//! The capability's operations, shared by every exposed surface (REST and MCP).
//!
//! Implement [`Handlers`] for your own type to change one operation; the others keep
//! forwarding upstream. [`Proxy`] forwards everything.

/// One client per consumed API.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Client of `instance-snapshots`.
    pub instance_snapshots: super::client::Client,
}

impl Clients {
    /// Every client from its environment (secrets from the binds, base URLs from the spec).
    pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        Ok(Self {
            instance_snapshots: super::client::Client::from_env()?,
        })
    }

    /// Like [`Clients::from_env`], with base URLs overridden by `upstreams` (`--upstream`).
    pub fn with_upstreams(
        upstreams: &::naftiko_runtime::Upstreams,
    ) -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        Ok(Self {
            instance_snapshots: match upstreams.get("instance-snapshots") {
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

    /// List snapshots
    ///
    /// Default: forwards to
    /// `GET /instance/v1/zones/{zone}/snapshots` on `instance-snapshots`.
    fn listsnapshots(
        &self,
        params: super::client::ListsnapshotsParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_snapshots.listsnapshots(params)
    }

    /// Create a snapshot from a specified volume or from a QCOW2 file
    ///
    /// Default: forwards to
    /// `POST /instance/v1/zones/{zone}/snapshots` on `instance-snapshots`.
    fn createsnapshot(
        &self,
        params: super::client::CreatesnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_snapshots.createsnapshot(params)
    }

    /// Get a snapshot
    ///
    /// Default: forwards to
    /// `GET /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    fn getsnapshot(
        &self,
        params: super::client::GetsnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_snapshots.getsnapshot(params)
    }

    /// Set snapshot
    ///
    /// Default: forwards to
    /// `PUT /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    fn setsnapshot(
        &self,
        params: super::client::SetsnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_snapshots.setsnapshot(params)
    }

    /// Update a snapshot
    ///
    /// Default: forwards to
    /// `PATCH /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    fn updatesnapshot(
        &self,
        params: super::client::UpdatesnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_snapshots.updatesnapshot(params)
    }

    /// Delete a snapshot
    ///
    /// Default: forwards to
    /// `DELETE /instance/v1/zones/{zone}/snapshots/{snapshot_id}` on `instance-snapshots`.
    fn deletesnapshot(
        &self,
        params: super::client::DeletesnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_snapshots.deletesnapshot(params)
    }

    /// Export a snapshot
    ///
    /// Default: forwards to
    /// `POST /instance/v1/zones/{zone}/snapshots/{snapshot_id}/export` on `instance-snapshots`.
    fn exportsnapshot(
        &self,
        params: super::client::ExportsnapshotParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_snapshots.exportsnapshot(params)
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
