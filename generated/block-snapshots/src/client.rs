//! Typed client of the APIs that Block Storage API — Snapshots consumes.
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

/// The secrets the `block-snapshots` API needs (credentials, fixed values, base URL parts). `Debug` shows none of them.
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
pub const BASE_URL_ENV: &str = "NAFTIKO_BLOCK_SNAPSHOTS_BASE_URL";

/// The spec's `baseUri`.
pub const DEFAULT_BASE_URL: &str = "https://api.scaleway.com";

/// Client of the `block-snapshots` API (`https://api.scaleway.com`).
///
/// Block Storage API (v1) — Snapshots. Single objects are bare snapshots (no envelope); lists carry total_count in the body.
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

    /// List all available snapshots in a specified zone. By default, the snapshots listed are ordered by creation date in ascending order. This can be modified via the order_by field.
    ///
    /// `GET /block/v1/zones/{zone}/snapshots`
    pub async fn list_snapshots(
        &self,
        params: ListSnapshotsParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::GET)
            .path("/block/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots")
            .query("order_by", &params.order_by)
            .query("project_id", &params.project_id)
            .query("organization_id", &params.organization_id)
            .query("page", &params.page)
            .query("page_size", &params.page_size)
            .query("volume_id", &params.volume_id)
            .query("name", &params.name)
            .query("tags", &params.tags)
            .query("include_deleted", &params.include_deleted);
        self.send(request).await
    }

    /// Every item of `list_snapshots`, page after page: from the page `page` names (else the first), `page_size` items a page (else the API's default).
    ///
    /// The items are the reply's list (the reply itself when it is an array, else its one array field). The walk stops at the total (`X-Total-Count` or `total_count`), at a short page or at an empty one; more than `naftiko_runtime::pages::MAX_PAGES` pages, or a page repeating the one before, is `Error::Pagination`. A failed page stops it with that page's error; dropping the future stops it between two requests.
    pub async fn list_snapshots_all(
        &self,
        params: ListSnapshotsParams,
    ) -> ::core::result::Result<
        ::std::vec::Vec<::naftiko_runtime::serde_json::Value>,
        ::naftiko_runtime::Error,
    > {
        let first = params.page;
        let size = params.page_size;
        ::naftiko_runtime::pages::collect(
                first.unwrap_or(1),
                size,
                |page| {
                    let mut params = params.clone();
                    params.page = ::core::option::Option::Some(page);
                    self.list_snapshots(params)
                },
            )
            .await
    }

    /// Create a snapshot of a volume. The volume must be in the in_use or the available status.
    ///
    /// `POST /block/v1/zones/{zone}/snapshots`
    pub async fn create_snapshot(
        &self,
        params: CreateSnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::POST)
            .path("/block/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots")
            .body_field("volume_id", &params.volume_id)
            .body_field("name", &params.name)
            .body_field("project_id", &params.project_id)
            .body_field("tags", &params.tags)
            .body_field("public", &params.public);
        self.send(request).await
    }

    /// Import a snapshot from a Scaleway Object Storage bucket. The bucket must contain a QCOW2 image and be in the same region as the zone.
    ///
    /// `POST /block/v1/zones/{zone}/snapshots/import-from-object-storage`
    pub async fn import_snapshot_from_object_storage(
        &self,
        params: ImportSnapshotFromObjectStorageParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::POST)
            .path("/block/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/import-from-object-storage")
            .body_field("bucket", &params.bucket)
            .body_field("key", &params.key)
            .body_field("name", &params.name)
            .body_field("project_id", &params.project_id)
            .body_field("tags", &params.tags)
            .body_field("size", &params.size);
        self.send(request).await
    }

    /// Retrieve technical information about a specific snapshot. Details such as size, volume type, and status are returned in the response.
    ///
    /// `GET /block/v1/zones/{zone}/snapshots/{snapshot_id}`
    pub async fn get_snapshot(
        &self,
        params: GetSnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::GET)
            .path("/block/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?;
        self.send(request).await
    }

    /// Update the name or tags of the snapshot.
    ///
    /// `PATCH /block/v1/zones/{zone}/snapshots/{snapshot_id}`
    pub async fn update_snapshot(
        &self,
        params: UpdateSnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::PATCH)
            .path("/block/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?
            .body_field("name", &params.name)
            .body_field("tags", &params.tags)
            .body_field("public", &params.public);
        self.send(request).await
    }

    /// Delete a snapshot. The snapshot must not be in use.
    ///
    /// `DELETE /block/v1/zones/{zone}/snapshots/{snapshot_id}`
    pub async fn delete_snapshot(
        &self,
        params: DeleteSnapshotParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::DELETE)
            .path("/block/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?;
        self.send(request).await
    }

    /// Export a snapshot to a Scaleway Object Storage bucket, in QCOW2 format. The snapshot must not be in transient state.
    ///
    /// `POST /block/v1/zones/{zone}/snapshots/{snapshot_id}/export-to-object-storage`
    pub async fn export_snapshot_to_object_storage(
        &self,
        params: ExportSnapshotToObjectStorageParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::POST)
            .path("/block/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/snapshots/")
            .path_param("snapshot_id", &params.snapshot_id)?
            .path("/export-to-object-storage")
            .body_field("bucket", &params.bucket)
            .body_field("key", &params.key);
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

/// Parameters of `Client::list_snapshots` (`GET /block/v1/zones/{zone}/snapshots`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct ListSnapshotsParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// Criteria to use when ordering the list: created_at_asc (default), created_at_desc, name_asc or name_desc. (in: query, name `order_by`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub order_by: ::core::option::Option<::std::string::String>,
    /// Filter by Project ID. (in: query, name `project_id`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub project_id: ::core::option::Option<::std::string::String>,
    /// Filter by Organization ID. (in: query, name `organization_id`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub organization_id: ::core::option::Option<::std::string::String>,
    /// Page number. (in: query, name `page`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub page: ::core::option::Option<i64>,
    /// Page size, defines how many entries are returned in one page, must be lower or equal to 100. (in: query, name `page_size`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub page_size: ::core::option::Option<i64>,
    /// Filter snapshots by the ID of the original volume. (in: query, name `volume_id`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub volume_id: ::core::option::Option<::std::string::String>,
    /// Filter snapshots by their names. (in: query, name `name`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub name: ::core::option::Option<::std::string::String>,
    /// Filter by tags. Only snapshots with one or more matching tags will be returned. (in: query, name `tags`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub tags: ::core::option::Option<::std::vec::Vec<::std::string::String>>,
    /// Display deleted snapshots not erased yet. (in: query, name `include_deleted`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub include_deleted: ::core::option::Option<bool>,
}

impl ListSnapshotsParams {
    /// With the required input `zone`; the others unset.
    #[must_use]
    pub fn new(zone: impl ::core::convert::Into<::std::string::String>) -> Self {
        Self {
            zone: zone.into(),
            order_by: ::core::option::Option::None,
            project_id: ::core::option::Option::None,
            organization_id: ::core::option::Option::None,
            page: ::core::option::Option::None,
            page_size: ::core::option::Option::None,
            volume_id: ::core::option::Option::None,
            name: ::core::option::Option::None,
            tags: ::core::option::Option::None,
            include_deleted: ::core::option::Option::None,
        }
    }

    /// Sets `order_by`: Criteria to use when ordering the list: created_at_asc (default), created_at_desc, name_asc or name_desc.
    #[must_use]
    pub fn with_order_by(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.order_by = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `project_id`: Filter by Project ID.
    #[must_use]
    pub fn with_project_id(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.project_id = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `organization_id`: Filter by Organization ID.
    #[must_use]
    pub fn with_organization_id(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.organization_id = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `page`: Page number.
    #[must_use]
    pub fn with_page(mut self, value: impl ::core::convert::Into<i64>) -> Self {
        self.page = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `page_size`: Page size, defines how many entries are returned in one page, must be lower or equal to 100.
    #[must_use]
    pub fn with_page_size(mut self, value: impl ::core::convert::Into<i64>) -> Self {
        self.page_size = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `volume_id`: Filter snapshots by the ID of the original volume.
    #[must_use]
    pub fn with_volume_id(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.volume_id = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `name`: Filter snapshots by their names.
    #[must_use]
    pub fn with_name(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.name = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `tags`: Filter by tags. Only snapshots with one or more matching tags will be returned.
    #[must_use]
    pub fn with_tags(
        mut self,
        value: impl ::core::convert::Into<::std::vec::Vec<::std::string::String>>,
    ) -> Self {
        self.tags = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `include_deleted`: Display deleted snapshots not erased yet.
    #[must_use]
    pub fn with_include_deleted(
        mut self,
        value: impl ::core::convert::Into<bool>,
    ) -> Self {
        self.include_deleted = ::core::option::Option::Some(value.into());
        self
    }
}

/// Parameters of `Client::create_snapshot` (`POST /block/v1/zones/{zone}/snapshots`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct CreateSnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the volume to snapshot. (in: body, field `volume_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub volume_id: ::std::string::String,
    /// Name of the snapshot. (in: body, field `name`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub name: ::core::option::Option<::std::string::String>,
    /// UUID of the project to which the volume and the snapshot belong. (in: body, field `project_id`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub project_id: ::core::option::Option<::std::string::String>,
    /// List of tags assigned to the snapshot. (in: body, field `tags`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub tags: ::core::option::Option<::std::vec::Vec<::std::string::String>>,
    /// Public snapshots can be used by anyone to create a volume from. Snapshots are private by default. (in: body, field `public`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub public: ::core::option::Option<bool>,
}

impl CreateSnapshotParams {
    /// With the required inputs `zone`, `volume_id`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        volume_id: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            volume_id: volume_id.into(),
            name: ::core::option::Option::None,
            project_id: ::core::option::Option::None,
            tags: ::core::option::Option::None,
            public: ::core::option::Option::None,
        }
    }

    /// Sets `name`: Name of the snapshot.
    #[must_use]
    pub fn with_name(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.name = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `project_id`: UUID of the project to which the volume and the snapshot belong.
    #[must_use]
    pub fn with_project_id(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.project_id = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `tags`: List of tags assigned to the snapshot.
    #[must_use]
    pub fn with_tags(
        mut self,
        value: impl ::core::convert::Into<::std::vec::Vec<::std::string::String>>,
    ) -> Self {
        self.tags = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `public`: Public snapshots can be used by anyone to create a volume from. Snapshots are private by default.
    #[must_use]
    pub fn with_public(mut self, value: impl ::core::convert::Into<bool>) -> Self {
        self.public = ::core::option::Option::Some(value.into());
        self
    }
}

/// Parameters of `Client::import_snapshot_from_object_storage` (`POST /block/v1/zones/{zone}/snapshots/import-from-object-storage`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct ImportSnapshotFromObjectStorageParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// Scaleway Object Storage bucket where the object is stored. (in: body, field `bucket`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub bucket: ::std::string::String,
    /// The object key inside the given bucket. (in: body, field `key`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub key: ::std::string::String,
    /// Name of the snapshot. (in: body, field `name`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub name: ::core::option::Option<::std::string::String>,
    /// UUID of the Project to which the volume and the snapshot belong. (in: body, field `project_id`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub project_id: ::core::option::Option<::std::string::String>,
    /// List of tags assigned to the snapshot. (in: body, field `tags`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub tags: ::core::option::Option<::std::vec::Vec<::std::string::String>>,
    /// Size of the snapshot (in bytes). (in: body, field `size`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub size: ::core::option::Option<i64>,
}

impl ImportSnapshotFromObjectStorageParams {
    /// With the required inputs `zone`, `bucket`, `key`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        bucket: impl ::core::convert::Into<::std::string::String>,
        key: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            bucket: bucket.into(),
            key: key.into(),
            name: ::core::option::Option::None,
            project_id: ::core::option::Option::None,
            tags: ::core::option::Option::None,
            size: ::core::option::Option::None,
        }
    }

    /// Sets `name`: Name of the snapshot.
    #[must_use]
    pub fn with_name(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.name = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `project_id`: UUID of the Project to which the volume and the snapshot belong.
    #[must_use]
    pub fn with_project_id(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.project_id = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `tags`: List of tags assigned to the snapshot.
    #[must_use]
    pub fn with_tags(
        mut self,
        value: impl ::core::convert::Into<::std::vec::Vec<::std::string::String>>,
    ) -> Self {
        self.tags = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `size`: Size of the snapshot (in bytes).
    #[must_use]
    pub fn with_size(mut self, value: impl ::core::convert::Into<i64>) -> Self {
        self.size = ::core::option::Option::Some(value.into());
        self
    }
}

/// Parameters of `Client::get_snapshot` (`GET /block/v1/zones/{zone}/snapshots/{snapshot_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct GetSnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the snapshot. (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
}

impl GetSnapshotParams {
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

/// Parameters of `Client::update_snapshot` (`PATCH /block/v1/zones/{zone}/snapshots/{snapshot_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct UpdateSnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the snapshot. (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
    /// When defined, is the name of the snapshot. (in: body, field `name`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub name: ::core::option::Option<::std::string::String>,
    /// List of tags assigned to the snapshot. (in: body, field `tags`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub tags: ::core::option::Option<::std::vec::Vec<::std::string::String>>,
    /// Public snapshots can be used by anyone to create a volume from. Snapshots are private by default. (in: body, field `public`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub public: ::core::option::Option<bool>,
}

impl UpdateSnapshotParams {
    /// With the required inputs `zone`, `snapshot_id`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        snapshot_id: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            snapshot_id: snapshot_id.into(),
            name: ::core::option::Option::None,
            tags: ::core::option::Option::None,
            public: ::core::option::Option::None,
        }
    }

    /// Sets `name`: When defined, is the name of the snapshot.
    #[must_use]
    pub fn with_name(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.name = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `tags`: List of tags assigned to the snapshot.
    #[must_use]
    pub fn with_tags(
        mut self,
        value: impl ::core::convert::Into<::std::vec::Vec<::std::string::String>>,
    ) -> Self {
        self.tags = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `public`: Public snapshots can be used by anyone to create a volume from. Snapshots are private by default.
    #[must_use]
    pub fn with_public(mut self, value: impl ::core::convert::Into<bool>) -> Self {
        self.public = ::core::option::Option::Some(value.into());
        self
    }
}

/// Parameters of `Client::delete_snapshot` (`DELETE /block/v1/zones/{zone}/snapshots/{snapshot_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct DeleteSnapshotParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the snapshot. (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
}

impl DeleteSnapshotParams {
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

/// Parameters of `Client::export_snapshot_to_object_storage` (`POST /block/v1/zones/{zone}/snapshots/{snapshot_id}/export-to-object-storage`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct ExportSnapshotToObjectStorageParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the snapshot. (in: path, name `snapshot_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub snapshot_id: ::std::string::String,
    /// Scaleway Object Storage bucket where the object is stored. (in: body, field `bucket`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub bucket: ::std::string::String,
    /// The object key inside the given bucket. (in: body, field `key`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub key: ::std::string::String,
}

impl ExportSnapshotToObjectStorageParams {
    /// With the required inputs `zone`, `snapshot_id`, `bucket`, `key`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        snapshot_id: impl ::core::convert::Into<::std::string::String>,
        bucket: impl ::core::convert::Into<::std::string::String>,
        key: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            snapshot_id: snapshot_id.into(),
            bucket: bucket.into(),
            key: key.into(),
        }
    }
}
