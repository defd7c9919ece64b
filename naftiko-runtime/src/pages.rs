//! Every item of a paged list operation: what a generated client's `…_all` method runs.
//!
//! A list operation pages when its inputs include a page number (`page`) and a page size (see the
//! project README for the rule). [`collect`] asks for one page after another and gathers their items:
//!
//! - the items of a page are the reply itself when it is a JSON array, else the one array-valued
//!   field of the reply object (`{"snapshots": [...], "total_count": 12}`);
//! - it stops at the total, read from the `X-Total-Count` header or a `total_count` body field, at a
//!   short page (fewer items than the page size asked for, or, when none was, than the first page
//!   held), or at an empty one;
//! - it is bounded: more than [`MAX_PAGES`] pages, or a page that repeats the one before (an API that
//!   does not read the page number), is an [`Error::Pagination`] rather than an endless walk;
//! - it is cancellable: dropping the future stops it between two requests; a failed page stops it with
//!   that page's error.

use std::future::Future;

use serde_json::Value;

use crate::{Error, Response};

/// The most pages one walk requests.
pub const MAX_PAGES: u64 = 10_000;

/// The items of every page from page `first` on. `fetch(n)` requests page `n`; `size` is the page
/// size the caller asked for, if any.
pub async fn collect<F, Fut>(first: i64, size: Option<i64>, mut fetch: F) -> Result<Vec<Value>, Error>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Response, Error>>,
{
    let mut items = Vec::new();
    let mut expected = size.filter(|&s| s > 0).and_then(|s| usize::try_from(s).ok());
    let mut previous: Option<Vec<Value>> = None;
    let mut page = first;
    for fetched in 1..=MAX_PAGES {
        let reply = fetch(page).await?;
        let body: Value = reply.json()?;
        let total = total(&reply, &body)?;
        let page_items = page_items(body, page)?;
        if page_items.is_empty() {
            return Ok(items);
        }
        if previous.as_ref() == Some(&page_items) {
            return Err(Error::Pagination(format!(
                "page {page} holds the same items as page {}: the API does not seem to read the page number",
                page - 1
            )));
        }
        let count = page_items.len();
        items.extend(page_items.iter().cloned());
        previous = Some(page_items);
        let expected = *expected.get_or_insert(count);
        if total.is_some_and(|t| items.len() as u64 >= t) || count < expected {
            return Ok(items);
        }
        if fetched == MAX_PAGES {
            break;
        }
        page = page.checked_add(1).ok_or_else(|| Error::Pagination("the page number overflows".to_owned()))?;
    }
    Err(Error::Pagination(format!("more than {MAX_PAGES} pages; ask for larger pages or filter the list")))
}

/// A page number or page size that an operation declares as a string: `None` when not given, an
/// error naming `field` when it is not a whole number.
pub fn number(field: &str, text: Option<&str>) -> Result<Option<i64>, Error> {
    text.map(|t| t.trim().parse().map_err(|_| Error::invalid(field, "must be a whole number to page through the list"))).transpose()
}

/// The total number of items, when the reply says it: `X-Total-Count`, else a `total_count` field.
fn total(reply: &Response, body: &Value) -> Result<Option<u64>, Error> {
    match reply.header("x-total-count") {
        Some(header) => header
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::Pagination(format!("`X-Total-Count: {}` is not a count", crate::json::shorten(header)))),
        None => Ok(body.get("total_count").and_then(Value::as_u64)),
    }
}

/// The items of one page (see the module docs).
fn page_items(body: Value, page: i64) -> Result<Vec<Value>, Error> {
    match body {
        Value::Array(items) => Ok(items),
        Value::Object(fields) => {
            let mut arrays = fields.into_iter().filter_map(|(name, value)| match value {
                Value::Array(items) => Some((name, items)),
                _ => None,
            });
            match (arrays.next(), arrays.next()) {
                (Some((_, items)), None) => Ok(items),
                (None, _) => Err(Error::Pagination(format!("page {page} has no list of items (no array field)"))),
                (Some((a, _)), Some((b, _))) => {
                    Err(Error::Pagination(format!("page {page} has more than one list (`{a}`, `{b}`): which holds the items is not clear")))
                }
            }
        }
        _ => Err(Error::Pagination(format!("page {page} is not a JSON object or array"))),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use http::{HeaderMap, HeaderValue, StatusCode};
    use serde_json::json;

    use super::*;

    fn reply(body: Value, total: Option<&str>) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(t) = total {
            headers.insert("x-total-count", HeaderValue::from_str(t).expect("header"));
        }
        Response { status: StatusCode::OK, headers, body: body.to_string().into() }
    }

    /// Walks `list` (every item) in pages of `per_page` from `first`, answering as `answer` says, and
    /// returns the items and the pages asked for.
    fn walk(
        first: i64,
        size: Option<i64>,
        answer: impl Fn(&[Value]) -> Response,
        list: &[Value],
        per_page: usize,
    ) -> (Result<Vec<Value>, Error>, Vec<i64>) {
        let asked = RefCell::new(Vec::new());
        let result = block_on(collect(first, size, |page| {
            asked.borrow_mut().push(page);
            let start = usize::try_from(page - 1).unwrap_or(0) * per_page;
            let slice = list.get(start..list.len().min(start + per_page)).unwrap_or(&[]);
            std::future::ready(Ok(answer(slice)))
        }));
        (result, asked.into_inner())
    }

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(future)
    }

    fn numbers(n: i64) -> Vec<Value> {
        (0..n).map(Value::from).collect()
    }

    #[test]
    fn stops_at_the_total_from_the_header_or_the_body() {
        let list = numbers(5);
        let (items, asked) = walk(1, Some(2), |s| reply(json!({ "snapshots": s }), Some("5")), &list, 2);
        assert_eq!(items.expect("items"), list);
        assert_eq!(asked, [1, 2, 3]);
        // Exactly two full pages: the total ends the walk without asking for an empty third.
        let list = numbers(4);
        let (items, asked) = walk(1, Some(2), |s| reply(json!({ "snapshots": s, "total_count": 4 }), None), &list, 2);
        assert_eq!(items.expect("items"), list);
        assert_eq!(asked, [1, 2]);
    }

    #[test]
    fn without_a_total_stops_at_a_short_or_empty_page() {
        let list = numbers(5);
        let (items, asked) = walk(1, None, |s| reply(json!(s), None), &list, 2);
        assert_eq!(items.expect("items"), list);
        assert_eq!(asked, [1, 2, 3]);
        let list = numbers(4);
        let (items, asked) = walk(1, Some(2), |s| reply(json!({ "items": s }), None), &list, 2);
        assert_eq!(items.expect("items"), list);
        assert_eq!(asked, [1, 2, 3]);
    }

    #[test]
    fn starts_at_the_page_given() {
        let list = numbers(5);
        let (items, asked) = walk(2, Some(2), |s| reply(json!({ "snapshots": s }), Some("5")), &list, 2);
        assert_eq!(items.expect("items"), numbers(5)[2..]);
        assert_eq!(asked, [2, 3]);
    }

    #[test]
    fn an_api_that_ignores_the_page_number_is_an_error_not_a_loop() {
        let (result, asked) = walk(1, Some(2), |_| reply(json!({ "snapshots": [1, 2] }), None), &[], 2);
        let err = result.expect_err("same page twice");
        assert!(err.to_string().contains("page 2 holds the same items as page 1"), "{err}");
        assert_eq!(asked, [1, 2]);
    }

    #[test]
    fn pages_without_a_clear_list_are_errors() {
        let (result, _) = walk(1, None, |_| reply(json!({ "a": [1], "b": [2] }), None), &[], 2);
        assert!(result.expect_err("two lists").to_string().contains("more than one list (`a`, `b`)"));
        let (result, _) = walk(1, None, |_| reply(json!({ "a": 1 }), None), &[], 2);
        assert!(result.expect_err("no list").to_string().contains("no list of items"));
        let (result, _) = walk(1, None, |_| reply(json!([1]), Some("many")), &[], 2);
        assert!(result.expect_err("bad total").to_string().contains("is not a count"));
    }

    #[test]
    fn a_failed_page_stops_the_walk_with_its_error() {
        let mut calls = 0;
        let result = block_on(collect(1, Some(1), |_| {
            calls += 1;
            std::future::ready(if calls == 1 { Ok(reply(json!([1]), Some("3"))) } else { Err(Error::Pagination("boom".to_owned())) })
        }));
        assert!(result.expect_err("second page failed").to_string().contains("boom"));
        assert_eq!(calls, 2);
    }
}
