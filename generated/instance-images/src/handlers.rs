//! The capability's operations, shared by every exposed surface (REST and MCP).
//!
//! Implement [`Handlers`] for your own type to change one operation; the others keep
//! forwarding upstream. [`Proxy`] forwards everything.

/// One client per consumed API.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Client of `instance-images`.
    pub instance_images: super::client::Client,
}

impl Clients {
    /// Every client from its environment (secrets from the binds, base URLs from the spec).
    pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        Ok(Self {
            instance_images: super::client::Client::from_env()?,
        })
    }

    /// Like [`Clients::from_env`], with base URLs overridden by `upstreams` (`--upstream`).
    pub fn with_upstreams(
        upstreams: &::naftiko_runtime::Upstreams,
    ) -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        Ok(Self {
            instance_images: match upstreams.get("instance-images") {
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

    /// List Instance images
    ///
    /// Default: forwards to
    /// `GET /instance/v1/zones/{zone}/images` on `instance-images`.
    fn listimages(
        &self,
        params: super::client::ListimagesParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_images.listimages(params)
    }

    /// Create an Instance image
    ///
    /// Default: forwards to
    /// `POST /instance/v1/zones/{zone}/images` on `instance-images`.
    fn createimage(
        &self,
        params: super::client::CreateimageParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_images.createimage(params)
    }

    /// Update image
    ///
    /// Default: forwards to
    /// `PUT /instance/v1/zones/{zone}/images/{id}` on `instance-images`.
    fn setimage(
        &self,
        params: super::client::SetimageParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_images.setimage(params)
    }

    /// Get an Instance image
    ///
    /// Default: forwards to
    /// `GET /instance/v1/zones/{zone}/images/{image_id}` on `instance-images`.
    fn getimage(
        &self,
        params: super::client::GetimageParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_images.getimage(params)
    }

    /// Update image
    ///
    /// Default: forwards to
    /// `PATCH /instance/v1/zones/{zone}/images/{image_id}` on `instance-images`.
    fn updateimage(
        &self,
        params: super::client::UpdateimageParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_images.updateimage(params)
    }

    /// Delete an Instance image
    ///
    /// Default: forwards to
    /// `DELETE /instance/v1/zones/{zone}/images/{image_id}` on `instance-images`.
    fn deleteimage(
        &self,
        params: super::client::DeleteimageParams,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<
            ::naftiko_runtime::Response,
            ::naftiko_runtime::Error,
        >,
    > + Send {
        self.clients().instance_images.deleteimage(params)
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
