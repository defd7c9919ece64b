//! Typed client of the APIs that Instance API — Images consumes.
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

/// The secrets the `instance-images` API needs (credentials, fixed values, base URL parts). `Debug` shows none of them.
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
pub const BASE_URL_ENV: &str = "NAFTIKO_INSTANCE_IMAGES_BASE_URL";

/// The spec's `baseUri`.
pub const DEFAULT_BASE_URL: &str = "https://api.scaleway.com";

/// Client of the `instance-images` API (`https://api.scaleway.com`).
///
/// Instance API — Images business capability. Self-contained, no shared references.
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

    /// List Instance images
    ///
    /// `GET /instance/v1/zones/{zone}/images`
    #[doc(alias = "list_instance_images")]
    pub async fn listimages(
        &self,
        params: ListimagesParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::GET)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/images")
            .query("organization", &params.organization)
            .query("per_page", &params.per_page)
            .query("page", &params.page)
            .query("name", &params.name)
            .query("public", &params.public)
            .query("arch", &params.arch)
            .query("project", &params.project)
            .query("tags", &params.tags);
        self.send(request).await
    }

    /// Every item of `listimages`, page after page: from the page `page` names (else the first), `per_page` items a page (else the API's default).
    ///
    /// The items are the reply's list (the reply itself when it is an array, else its one array field). The walk stops at the total (`X-Total-Count` or `total_count`), at a short page or at an empty one; more than `naftiko_runtime::pages::MAX_PAGES` pages, or a page repeating the one before, is `Error::Pagination`. A failed page stops it with that page's error; dropping the future stops it between two requests.
    pub async fn listimages_all(
        &self,
        params: ListimagesParams,
    ) -> ::core::result::Result<
        ::std::vec::Vec<::naftiko_runtime::serde_json::Value>,
        ::naftiko_runtime::Error,
    > {
        let first = ::naftiko_runtime::pages::number("page", params.page.as_deref())?;
        let size = params.per_page;
        ::naftiko_runtime::pages::collect(
                first.unwrap_or(1),
                size,
                |page| {
                    let mut params = params.clone();
                    params.page = ::core::option::Option::Some(
                        ::std::string::ToString::to_string(&page),
                    );
                    self.listimages(params)
                },
            )
            .await
    }

    /// Create an Instance image
    ///
    /// `POST /instance/v1/zones/{zone}/images`
    #[doc(alias = "create_instance_image")]
    pub async fn createimage(
        &self,
        params: CreateimageParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::POST)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/images")
            .json_body(&params.body);
        self.send(request).await
    }

    /// Update image
    ///
    /// `PUT /instance/v1/zones/{zone}/images/{id}`
    #[doc(alias = "update_image")]
    pub async fn setimage(
        &self,
        params: SetimageParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::PUT)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/images/")
            .path_param("id", &params.id)?
            .json_body(&params.body);
        self.send(request).await
    }

    /// Get an Instance image
    ///
    /// `GET /instance/v1/zones/{zone}/images/{image_id}`
    #[doc(alias = "get_instance_image")]
    pub async fn getimage(
        &self,
        params: GetimageParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::GET)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/images/")
            .path_param("image_id", &params.image_id)?;
        self.send(request).await
    }

    /// Update image
    ///
    /// `PATCH /instance/v1/zones/{zone}/images/{image_id}`
    #[doc(alias = "update_image_2")]
    pub async fn updateimage(
        &self,
        params: UpdateimageParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::PATCH)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/images/")
            .path_param("image_id", &params.image_id)?
            .json_body(&params.body);
        self.send(request).await
    }

    /// Delete an Instance image
    ///
    /// `DELETE /instance/v1/zones/{zone}/images/{image_id}`
    #[doc(alias = "delete_instance_image")]
    pub async fn deleteimage(
        &self,
        params: DeleteimageParams,
    ) -> ::core::result::Result<::naftiko_runtime::Response, ::naftiko_runtime::Error> {
        let request = self
            .request(::naftiko_runtime::http::Method::DELETE)
            .path("/instance/v1/zones/")
            .path_param("zone", &params.zone)?
            .path("/images/")
            .path_param("image_id", &params.image_id)?;
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

/// Parameters of `Client::listimages` (`GET /instance/v1/zones/{zone}/images`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct ListimagesParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// (in: query, name `organization`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub organization: ::core::option::Option<::std::string::String>,
    /// (in: query, name `per_page`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub per_page: ::core::option::Option<i64>,
    /// (in: query, name `page`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub page: ::core::option::Option<::std::string::String>,
    /// (in: query, name `name`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub name: ::core::option::Option<::std::string::String>,
    /// (in: query, name `public`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub public: ::core::option::Option<::std::string::String>,
    /// (in: query, name `arch`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub arch: ::core::option::Option<::std::string::String>,
    /// (in: query, name `project`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub project: ::core::option::Option<::std::string::String>,
    /// (in: query, name `tags`)
    #[serde(default, with = "::naftiko_runtime::input::optional")]
    pub tags: ::core::option::Option<::std::string::String>,
}

impl ListimagesParams {
    /// With the required input `zone`; the others unset.
    #[must_use]
    pub fn new(zone: impl ::core::convert::Into<::std::string::String>) -> Self {
        Self {
            zone: zone.into(),
            organization: ::core::option::Option::None,
            per_page: ::core::option::Option::None,
            page: ::core::option::Option::None,
            name: ::core::option::Option::None,
            public: ::core::option::Option::None,
            arch: ::core::option::Option::None,
            project: ::core::option::Option::None,
            tags: ::core::option::Option::None,
        }
    }

    /// Sets `organization`.
    #[must_use]
    pub fn with_organization(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.organization = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `per_page`.
    #[must_use]
    pub fn with_per_page(mut self, value: impl ::core::convert::Into<i64>) -> Self {
        self.per_page = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `page`.
    #[must_use]
    pub fn with_page(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.page = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `name`.
    #[must_use]
    pub fn with_name(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.name = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `public`.
    #[must_use]
    pub fn with_public(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.public = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `arch`.
    #[must_use]
    pub fn with_arch(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.arch = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `project`.
    #[must_use]
    pub fn with_project(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.project = ::core::option::Option::Some(value.into());
        self
    }

    /// Sets `tags`.
    #[must_use]
    pub fn with_tags(
        mut self,
        value: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        self.tags = ::core::option::Option::Some(value.into());
        self
    }
}

/// Parameters of `Client::createimage` (`POST /instance/v1/zones/{zone}/images`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct CreateimageParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// Request body (JSON). (in: body, the whole JSON body)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub body: ::naftiko_runtime::Json,
}

impl CreateimageParams {
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

/// Parameters of `Client::setimage` (`PUT /instance/v1/zones/{zone}/images/{id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct SetimageParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// (in: path, name `id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub id: ::std::string::String,
    /// Request body (JSON). (in: body, the whole JSON body)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub body: ::naftiko_runtime::Json,
}

impl SetimageParams {
    /// With the required inputs `zone`, `id`, `body`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        id: impl ::core::convert::Into<::std::string::String>,
        body: impl ::core::convert::Into<::naftiko_runtime::Json>,
    ) -> Self {
        Self {
            zone: zone.into(),
            id: id.into(),
            body: body.into(),
        }
    }
}

/// Parameters of `Client::getimage` (`GET /instance/v1/zones/{zone}/images/{image_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct GetimageParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the image you want to get. (in: path, name `image_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub image_id: ::std::string::String,
}

impl GetimageParams {
    /// With the required inputs `zone`, `image_id`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        image_id: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            image_id: image_id.into(),
        }
    }
}

/// Parameters of `Client::updateimage` (`PATCH /instance/v1/zones/{zone}/images/{image_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct UpdateimageParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the image. (UUID format) (in: path, name `image_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub image_id: ::std::string::String,
    /// Request body (JSON). (in: body, the whole JSON body)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub body: ::naftiko_runtime::Json,
}

impl UpdateimageParams {
    /// With the required inputs `zone`, `image_id`, `body`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        image_id: impl ::core::convert::Into<::std::string::String>,
        body: impl ::core::convert::Into<::naftiko_runtime::Json>,
    ) -> Self {
        Self {
            zone: zone.into(),
            image_id: image_id.into(),
            body: body.into(),
        }
    }
}

/// Parameters of `Client::deleteimage` (`DELETE /instance/v1/zones/{zone}/images/{image_id}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    ::naftiko_runtime::serde::Serialize,
    ::naftiko_runtime::serde::Deserialize
)]
#[serde(crate = "::naftiko_runtime::serde", deny_unknown_fields)]
pub struct DeleteimageParams {
    /// The zone you want to target (in: path, name `zone`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub zone: ::std::string::String,
    /// UUID of the image you want to delete. (in: path, name `image_id`)
    #[serde(with = "::naftiko_runtime::input::required")]
    pub image_id: ::std::string::String,
}

impl DeleteimageParams {
    /// With the required inputs `zone`, `image_id`; the others unset.
    #[must_use]
    pub fn new(
        zone: impl ::core::convert::Into<::std::string::String>,
        image_id: impl ::core::convert::Into<::std::string::String>,
    ) -> Self {
        Self {
            zone: zone.into(),
            image_id: image_id.into(),
        }
    }
}
