//! Request bodies under two bounds besides their own size limit: all bodies held in memory at once
//! stay within a byte budget (a body that would exceed it is answered 503 at once, so many large
//! uploads cannot exhaust memory or wait on each other), and a body must arrive within a deadline
//! (408), so a client trickling bytes cannot hold a connection and its buffer forever.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::rest::{BodyBudgetExceeded, BodyLimit, BodyTimedOut};

/// The bounds every request body is read under.
#[derive(Clone, Debug)]
pub(crate) struct BodyBounds {
    /// The largest body read (`--body-limit`), as the [`BodyLimit`] extension of a request with one.
    pub limit: usize,
    /// Bytes of all request bodies in memory at once; `None`: unbounded.
    pub budget: Option<Arc<Semaphore>>,
    /// Time from the request head to the body's last byte; `None`: unbounded.
    pub timeout: Option<Duration>,
}

/// The budget a request's body took while it was read: given back when this is dropped, once the
/// response is produced (the handler holds the bytes until then).
pub(crate) type HeldBudget = Arc<Mutex<Option<OwnedSemaphorePermit>>>;

/// Bounds the body of `request`, if it has one: its size limit (the [`BodyLimit`] extension), the
/// memory budget and the deadline. Returns what holds the budget, when one is kept.
pub(crate) fn bound_body(bounds: &BodyBounds, request: &mut Request) -> Option<HeldBudget> {
    // The body says itself whether there is one (hyper's, from `Content-Length` and `Transfer-Encoding`).
    if http_body::Body::is_end_stream(request.body()) {
        return None;
    }
    // Only a body has a use for its limit (an extension is an allocation).
    request.extensions_mut().insert(BodyLimit(bounds.limit));
    if bounds.budget.is_none() && bounds.timeout.is_none() {
        return None;
    }
    let held = Arc::new(Mutex::new(None));
    let body = std::mem::take(request.body_mut());
    *request.body_mut() = Body::new(BoundedBody {
        inner: body,
        budget: bounds.budget.clone(),
        held: Arc::clone(&held),
        deadline: bounds.timeout.map(|t| tokio::time::Instant::now() + t),
        timer: None,
    });
    Some(held)
}

struct BoundedBody {
    inner: Body,
    budget: Option<Arc<Semaphore>>,
    /// The budget this body's bytes take, shared with [`bound_body`] so that it outlives the body.
    held: Arc<Mutex<Option<OwnedSemaphorePermit>>>,
    /// When the last byte must have arrived.
    deadline: Option<tokio::time::Instant>,
    /// The timer for `deadline`, armed the first time the body has to wait for bytes: a body that
    /// arrived with its head (most of them) never costs a timer.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for BoundedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if let Some(timer) = &mut self.timer
            && timer.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        let frame = match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => frame,
            Poll::Pending => {
                if let (None, Some(deadline)) = (&self.timer, self.deadline) {
                    let mut timer = Box::pin(tokio::time::sleep_until(deadline));
                    if timer.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
                    }
                    self.timer = Some(timer);
                }
                return Poll::Pending;
            }
        };
        if let (Some(Ok(frame)), Some(budget)) = (&frame, &self.budget)
            && let Some(data) = frame.data_ref()
            && !data.is_empty()
        {
            let taken = u32::try_from(data.len()).ok().and_then(|n| Arc::clone(budget).try_acquire_many_owned(n).ok());
            let Some(taken) = taken else { return Poll::Ready(Some(Err(axum::Error::new(BodyBudgetExceeded)))) };
            let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match held.as_mut() {
                Some(permit) => permit.merge(taken),
                None => *held = Some(taken),
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
