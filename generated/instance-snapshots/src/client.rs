//! Typed client of the APIs that Instance API — Snapshots consumes.
//!
//! Each API's `Client` is here. `Client::from_env()` reads the API's secrets from the environment (or
//! the files the spec's binds name) and its base URL from `BASE_URL_ENV` or the spec;
//! `Client::new(base_url, auth)` takes both.
//!
//! Every operation is an async method taking its `…Params` struct. It returns the upstream `Response`
//! (status, headers, body bytes); a status of 400 or more is `Error::Status` with the whole reply.

/// Every secret of the capability (its `binds`). `Debug` shows none of the values.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// `{{SCALEWAY_API_KEY}}`, from environment variable `SCALEWAY_API_KEY`.
    pub scaleway_api_key: ::naftiko_runtime::Secret,
}

impl Secrets {
    /// Reads every secret from its environment variable or file.
    pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        ::core::result::Result::Ok(Self {
            scaleway_api_key: ::naftiko_runtime::secret_from_env("SCALEWAY_API_KEY")?,
        })
    }
}

/// The secrets the `instance-snapshots` API needs (credentials, fixed values, base URL parts). `Debug` shows none of them.
#[derive(Debug, Clone)]
pub struct Auth {
    /// `{{SCALEWAY_API_KEY}}`, from environment variable `SCALEWAY_API_KEY`.
    pub scaleway_api_key: ::naftiko_runtime::Secret,
}

impl Auth {
    /// Reads this API's secrets from their environment variables or files.
    pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        ::core::result::Result::Ok(Self {
            scaleway_api_key: ::naftiko_runtime::secret_from_env("SCALEWAY_API_KEY")?,
        })
    }

    /// This API's secrets, taken from all of the capability's.
    pub fn from_secrets(secrets: &Secrets) -> Self {
        Self {
            scaleway_api_key: secrets.scaleway_api_key.clone(),
        }
    }
}

/// Environment variable that `Client::from_env` reads the base URL from; it overrides the spec's `baseUri`.
pub const BASE_URL_ENV: &str = "NAFTIKO_INSTANCE_SNAPSHOTS_BASE_URL";

/// The spec's `baseUri`.
pub const DEFAULT_BASE_URL: &str = "https://api.scaleway.com";

/// Client of the `instance-snapshots` API (`https://api.scaleway.com`).
///
/// Instance API — Snapshots business capability. Self-contained, no shared references.
#[derive(Debug, Clone)]
pub struct Client {
    base_url: ::std::string::String,
    http: ::naftiko_runtime::HttpClient,
    credentials: ::naftiko_runtime::ClientAuth,
}

impl Client {
    /// A client of the API at `base_url` (scheme, host and optional path prefix).
    pub fn new(
        base_url: impl ::core::convert::Into<::std::string::String>,
        auth: Auth,
    ) -> Self {
        let credentials = ::naftiko_runtime::ClientAuth::api_key(
            ::naftiko_runtime::Placement::Header,
            "X-Auth-Token",
            auth.scaleway_api_key.clone(),
        );
        Self {
            base_url: base_url.into(),
            http: ::naftiko_runtime::HttpClient::new(),
            credentials,
        }
    }

    /// A client configured from the environment: secrets from their variables or files, the base
    /// URL from [`BASE_URL_ENV`] when set, else the spec's `baseUri`.
    pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::ConfigError> {
        let auth = Auth::from_env()?;
        let base_url = ::naftiko_runtime::base_url_from_env(
            BASE_URL_ENV,
            ::core::option::Option::Some(DEFAULT_BASE_URL),
        )?;
        ::core::result::Result::Ok(Self::new(base_url, auth))
    }

    /// Sends through `http`: a `reqwest::Client` of your own (proxy, certificates) or an
    /// `HttpClient` with other timeouts. Clients built from one share its connection pool.
    pub fn with_http_client(
        mut self,
        http: impl ::core::convert::Into<::naftiko_runtime::HttpClient>,
    ) -> Self {
        self.http = http.into();
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// List snapshots
    ///
    /// `GET /instance/v1/zones/{zone}/snapshots`
    #[doc(alias = "list_snapshots")]
    pub async fn listsnapshots(
        &self,
        params: ListsnapshotsParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::GET)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots")
            .query("organization", &params.organization)
            .query("project", &params.project)
            .query("per_page", &params.per_page)
            .query("page", &params.page)
            .query("name", &params.name)
            .query("tags", &params.tags)
            .query("base_volume_id", &params.base_volume_id);
        self.send(request).await
    }

    /// Every item of `listsnapshots`, page after page: from the page `page` names (else the first), `per_page` items a page (else the API's default).
    ///
    /// The items are the reply's list (the reply itself when it is an array, else its one array field). The walk stops at the total (`X-Total-Count` or `total_count`), at a short page or at an empty one; more than `naftiko_runtime::pages::MAX_PAGES` pages, or a page repeating the one before, is `Error::Pagination`. A failed page stops it with that page's error; dropping the future stops it between two requests.
    pub async fn listsnapshots_all(
        &self,
        params: ListsnapshotsParams,
    ) -> ::core::result::Result<
        ::std::vec::Vec<::naftiko_runtime::serde_json::Value>,
        ::naftiko_runtime::Error,
    > {
        let first = params.page;
        let size = params.per_page;
        ::naftiko_runtime::pages::collect(
                first.unwrap_or(1),
                size,
                |page| {
                    let mut params = params.clone();
                    params.page = ::core::option::Option::Some(page);
                    self.listsnapshots(params)
                },
            )
            .await
    }

    /// Create a snapshot from a specified volume or from a QCOW2 file
    ///
    /// `POST /instance/v1/zones/{zone}/snapshots`
    #[doc(alias = "create_snapshot_specified_volume_qcow2")]
    pub async fn createsnapshot(
        &self,
        params: CreatesnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::POST)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots")
            .json_body(&params.body);
        self.send(request).await
    }

    /// Get a snapshot
    ///
    /// `GET /instance/v1/zones/{zone}/snapshots/{snapshot_id}`
    #[doc(alias = "get_snapshot")]
    pub async fn getsnapshot(
        &self,
        params: GetsnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::GET)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?;
        self.send(request).await
    }

    /// Set snapshot
    ///
    /// `PUT /instance/v1/zones/{zone}/snapshots/{snapshot_id}`
    #[doc(alias = "set_snapshot")]
    pub async fn setsnapshot(
        &self,
        params: SetsnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::PUT)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?
            .json_body(&params.body);
        self.send(request).await
    }

    /// Update a snapshot
    ///
    /// `PATCH /instance/v1/zones/{zone}/snapshots/{snapshot_id}`
    #[doc(alias = "update_snapshot")]
    pub async fn updatesnapshot(
        &self,
        params: UpdatesnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::PATCH)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?
            .json_body(&params.body);
        self.send(request).await
    }

    /// Delete a snapshot
    ///
    /// `DELETE /instance/v1/zones/{zone}/snapshots/{snapshot_id}`
    #[doc(alias = "delete_snapshot")]
    pub async fn deletesnapshot(
        &self,
        params: DeletesnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::DELETE)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?;
        self.send(request).await
    }

    /// Export a snapshot
    ///
    /// `POST /instance/v1/zones/{zone}/snapshots/{snapshot_id}/export`
    #[doc(alias = "export_snapshot")]
    pub async fn exportsnapshot(
        &self,
        params: ExportsnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::POST)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?
            .path("/export")
            .json_body(&params.body);
        self.send(request).await
    }

    fn request(
        &self,
        method: ::naftiko_runtime::http::Method,
    ) -> ::naftiko_runtime::RequestBuilder {
        ::naftiko_runtime::RequestBuilder::new(method, &self.base_url)
    }

    /// Sends with this API's credentials (and the parameters the spec fixes for every request).
    async fn send(
        &self,
        request: ::naftiko_runtime::RequestBuilder,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        self.http.send(request, &self.credentials).await
    }
}

/// Parameters of `Client::listsnapshots` (`GET /instance/v1/zones/{zone}/snapshots`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct ListsnapshotsParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// List snapshots only for this Organization ID. (in: query, name `organization`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub organization: ::core::option::Option<::std::string::String>,
    /// List snapshots only for this Project ID. (in: query, name `project`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub project: ::core::option::Option<::std::string::String>,
    /// Number of snapshots returned per page (positive integer lower or equal to 100). (in: query, name `per_page`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub per_page: ::core::option::Option<i64>,
    /// Page to be returned. (in: query, name `page`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub page: ::core::option::Option<i64>,
    /// List snapshots of the requested name. (in: query, name `name`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub name: ::core::option::Option<::std::string::String>,
    /// List snapshots that have the requested tag. (in: query, name `tags`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub tags: ::core::option::Option<::std::string::String>,
    /// List snapshots originating only from this volume. (in: query, name `base_volume_id`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub base_volume_id: ::core::option::Option<::std::string::String>,
}

impl ListsnapshotsParams {
    /// With the required input `zone`; the others unset.
    #[must_use]
    pub fn new(zone: impl ::core::convert::Into<::std::string::String>) -> Self {
        Self {
            zone: zone.into(),
            organization: ::core::option::Option::None,
            project: ::core::option::Option::None,
            per_page: ::core::option::Option::None,
            page: ::core::option::Option::None,
            name: ::core::option::Option::None,
            tags: ::core::option::Option::None,
            base_volume_id: ::core::option::Option::None,
        }
    }

    /// Sets `organization`: List snapshots only for this Organization ID.
    #[must_use]
    pub fn with_organization(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.organization = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `project`: List snapshots only for this Project ID.
    #[must_use]
    pub fn with_project(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.project = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `per_page`: Number of snapshots returned per page (positive integer lower or equal to 100).
    #[must_use]
    pub fn with_per_page(mut self, value: impl ::core::convert::Into<i64>) -> Self {
        self.per_page = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `page`: Page to be returned.
    #[must_use]
    pub fn with_page(mut self, value: impl ::core::convert::Into<i64>) -> Self {
        self.page = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `name`: List snapshots of the requested name.
    #[must_use]
    pub fn with_name(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.name = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `tags`: List snapshots that have the requested tag.
    #[must_use]
    pub fn with_tags(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.tags = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `base_volume_id`: List snapshots originating only from this volume.
    #[must_use]
    pub fn with_base_volume_id(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.base_volume_id = ::core::option::Option::Some(value.into());
        self
    }
}

/// Parameters of `Client::createsnapshot` (`POST /instance/v1/zones/{zone}/snapshots`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct CreatesnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// Request body (JSON). (in: body, the whole JSON body)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub body: ::naftiko_runtime::Json,
}

impl CreatesnapshotParams {
    /// With the required inputs `zone`, `body`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        body: impl ::core::convert::Into<::naftiko_runtime::Json>,
    ) -> Self {
        Self {
            zone: zone.into(),
            body: body.into(),
        }
    }
}

/// Parameters of `Client::getsnapshot` (`GET /instance/v1/zones/{zone}/snapshots/{snapshot_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct GetsnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the snapshot you want to get. (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
}

impl GetsnapshotParams {
    /// With the required inputs `zone`, `snapshot_id`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        snapshot_id: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            snapshot_id: snapshot_id.into(),
        }
    }
}

/// Parameters of `Client::setsnapshot` (`PUT /instance/v1/zones/{zone}/snapshots/{snapshot_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct SetsnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
    /// Request body (JSON). (in: body, the whole JSON body)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub body: ::naftiko_runtime::Json,
}

impl SetsnapshotParams {
    /// With the required inputs `zone`, `snapshot_id`, `body`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        snapshot_id: impl ::core::convert::Into<::std::string::String>,
        body: impl ::core::convert::Into<::naftiko_runtime::Json>,
    ) -> Self {
        Self {
            zone: zone.into(),
            snapshot_id: snapshot_id.into(),
            body: body.into(),
        }
    }
}

/// Parameters of `Client::updatesnapshot` (`PATCH /instance/v1/zones/{zone}/snapshots/{snapshot_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct UpdatesnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the snapshot. (UUID format) (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
    /// Request body (JSON). (in: body, the whole JSON body)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub body: ::naftiko_runtime::Json,
}

impl UpdatesnapshotParams {
    /// With the required inputs `zone`, `snapshot_id`, `body`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        snapshot_id: impl ::core::convert::Into<::std::string::String>,
        body: impl ::core::convert::Into<::naftiko_runtime::Json>,
    ) -> Self {
        Self {
            zone: zone.into(),
            snapshot_id: snapshot_id.into(),
            body: body.into(),
        }
    }
}

/// Parameters of `Client::deletesnapshot` (`DELETE /instance/v1/zones/{zone}/snapshots/{snapshot_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct DeletesnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the snapshot you want to delete. (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
}

impl DeletesnapshotParams {
    /// With the required inputs `zone`, `snapshot_id`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        snapshot_id: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            snapshot_id: snapshot_id.into(),
        }
    }
}

/// Parameters of `Client::exportsnapshot` (`POST /instance/v1/zones/{zone}/snapshots/{snapshot_id}/export`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct ExportsnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// Snapshot ID. (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
    /// Request body (JSON). (in: body, the whole JSON body)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub body: ::naftiko_runtime::Json,
}

impl ExportsnapshotParams {
    /// With the required inputs `zone`, `snapshot_id`, `body`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        snapshot_id: impl ::core::convert::Into<::std::string::String>,
        body: impl ::core::convert::Into<::naftiko_runtime::Json>,
    ) -> Self {
        Self {
            zone: zone.into(),
            snapshot_id: snapshot_id.into(),
            body: body.into(),
        }
    }
}
