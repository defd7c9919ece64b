//! Pagination, scaleway-api.md §2.
//!
//! Instance: `page`/`per_page` (default 50, at most 100), the total in `X-Total-Count`,
//! and a `Link` header relative to the zone root. Block: `page`/`page_size`, the total
//! in the body as `total_count`. A page past the end is 200 with an empty list, because
//! the Python SDK stops on the first empty page.

use axum::http::{HeaderMap, HeaderValue};

use super::errors::{ApiError, ApiResult, ArgError};
use super::input::Query;

pub(crate) const DEFAULT_PAGE_SIZE: u64 = 50;
pub(crate) const MAX_PAGE_SIZE: u64 = 100;

/// A validated page request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Page {
    /// 1-based.
    pub number: u64,
    pub size: u64,
}

impl Page {
    /// Reads `page` and the size parameter (`per_page` for Instance, `page_size` for Block).
    ///
    /// The reference leaves sizes above 100, a size of 0 and `page` ≤ 0 unverified (§2);
    /// following the §7 checklist we answer all three with 400 `invalid_arguments`
    /// (`constraint`), so a client bug shows up instead of being silently clamped.
    pub(crate) fn from_query(query: &Query, size_param: &str) -> ApiResult<Self> {
        let number = query.int("page")?.unwrap_or(1);
        let number = u64::try_from(number)
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                ApiError::invalid(ArgError::constraint("page", "must be a positive integer"))
            })?;
        let size = query.uint(size_param)?.unwrap_or(DEFAULT_PAGE_SIZE);
        if size == 0 || size > MAX_PAGE_SIZE {
            return Err(ApiError::invalid(ArgError::constraint(
                size_param,
                "must be a positive integer lower or equal to 100",
            )));
        }
        Ok(Page { number, size })
    }

    /// The items of this page; empty past the end.
    pub(crate) fn slice<T>(&self, items: Vec<T>) -> Vec<T> {
        let start = (self.number - 1).saturating_mul(self.size);
        items
            .into_iter()
            .skip(usize::try_from(start).unwrap_or(usize::MAX))
            .take(usize::try_from(self.size).unwrap_or(usize::MAX))
            .collect()
    }
}

/// `X-Total-Count` and `Link` for an Instance list (§2).
///
/// Recorded shapes: `</images?page=1&per_page=50&public=false>; rel="last"` and, with no
/// other parameter, `</snapshots?page=1&per_page=50&>; rel="last"` (trailing `&`);
/// `per_page` is always present; the client's other parameters are echoed as sent; an
/// empty result links `page=0` as last. Several entries are ordered first, previous,
/// next, last (the word is `previous`). The reference says entries are "joined with
/// `,`" without showing the whitespace; we use `", "` as in RFC 8288's examples.
pub(crate) fn instance_headers(
    collection: &str,
    query: &Query,
    page: Page,
    total: usize,
) -> HeaderMap {
    let total = u64::try_from(total).unwrap_or(u64::MAX);
    let last = total.div_ceil(page.size);
    let echoed = query.raw_except(&["page", "per_page"]).join("&");
    let link = |n: u64, rel: &str| {
        format!(
            "</{collection}?page={n}&per_page={}&{echoed}>; rel=\"{rel}\"",
            page.size
        )
    };
    let mut links = Vec::new();
    if page.number > 1 {
        links.push(link(1, "first"));
        links.push(link(page.number - 1, "previous"));
    }
    if page.number < last {
        links.push(link(page.number + 1, "next"));
    }
    links.push(link(last, "last"));

    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(total));
    // Echoed query text came off the wire as a valid header-safe request target.
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        headers.insert("link", value);
    }
    headers
}
