//! hyper answers a request it cannot parse (400), whose target is too long (414) or whose head does
//! not fit its buffer (431) by itself, before any handler runs, with an empty body. Clients and
//! official SDKs parse every error body as JSON (DESIGN §3.9), so [`JsonRejections`] rewrites those
//! answers, on their way out of the connection, into the adapter's JSON errors.
//!
//! Only hyper's own answers are touched: they are the only responses without the
//! `x-content-type-options` header that the server adds to every response of its handlers.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection's IO with hyper's parse-error answers made JSON.
pub(crate) struct JsonRejections<T> {
    inner: T,
    /// A rewritten answer not yet fully written, and how much of it has been.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> JsonRejections<T> {
    pub(crate) fn new(inner: T) -> Self {
        JsonRejections { inner, pending: None }
    }
}

impl<T: AsyncWrite + Unpin> JsonRejections<T> {
    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonRejections<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonRejections<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(answer) = rewrite(buf) {
            self.pending = Some((answer, 0));
            // The original is consumed whatever happens to the rewrite: it is written (or fails)
            // through `poll_pending`, before anything else.
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        // hyper writes its answer as one head with nothing after it.
        if let [head] = bufs
            && rewrite(head).is_some()
        {
            return self.poll_write(cx, head);
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The JSON version of `bytes` when they are exactly one of hyper's parse-error answers: a status
/// line with 400, 414 or 431, then only `content-length: 0`, `date` and `connection` headers.
fn rewrite(bytes: &[u8]) -> Option<Vec<u8>> {
    let head = std::str::from_utf8(bytes).ok()?.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let rest = status_line.strip_prefix("HTTP/1.1 ").or_else(|| status_line.strip_prefix("HTTP/1.0 "))?;
    let (kind, message) = match rest.get(..3)? {
        "400" => ("bad_request", "the request is not valid HTTP/1.1"),
        "414" => ("uri_too_long", "the request target is too long"),
        "431" => ("headers_too_large", "the request head is too large (too many or too long header fields)"),
        _ => return None,
    };
    let mut keep = Vec::new();
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" if value.trim() == "0" => empty = true,
            "date" | "connection" => keep.push(line),
            _ => return None,
        }
    }
    if !empty {
        return None;
    }
    let body = serde_json::json!({ "type": kind, "message": message }).to_string();
    let mut answer = format!("{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len());
    for line in keep {
        answer.push_str(line);
        answer.push_str("\r\n");
    }
    answer.push_str("\r\n");
    answer.push_str(&body);
    Some(answer.into_bytes())
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;

    /// What a client reads back for `request` from hyper serving a plain handler through the wrapper.
    async fn exchange(request: Vec<u8>) -> String {
        let (client, server) = tokio::io::duplex(1 << 20);
        let service = hyper::service::service_fn(|_request| async {
            let mut response = http::Response::new(http_body_util::Full::new(bytes::Bytes::new()));
            response.headers_mut().insert("x-content-type-options", http::HeaderValue::from_static("nosniff"));
            *response.status_mut() = http::StatusCode::BAD_REQUEST;
            Ok::<_, Infallible>(response)
        });
        let serving = tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(JsonRejections::new(server));
            let _ = hyper::server::conn::http1::Builder::new().max_buf_size(16 * 1024).serve_connection(io, service).await;
        });
        let (mut read, mut write) = tokio::io::split(client);
        write.write_all(&request).await.unwrap();
        let mut reply = String::new();
        let _ = read.read_to_string(&mut reply).await;
        serving.abort();
        reply
    }

    #[tokio::test]
    async fn hypers_own_answers_become_json() {
        let too_large = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(20_000)).into_bytes();
        let reply = exchange(too_large).await;
        assert!(reply.starts_with("HTTP/1.1 431 "), "{reply}");
        assert!(reply.contains("content-type: application/json\r\n"), "{reply}");
        let body: serde_json::Value = serde_json::from_str(reply.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["type"], "headers_too_large");

        let reply = exchange(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".to_vec()).await;
        assert!(reply.starts_with("HTTP/1.1 400 "), "{reply}");
        assert!(reply.ends_with(r#"{"type":"bad_request","message":"the request is not valid HTTP/1.1"}"#), "{reply}");
    }

    #[tokio::test]
    async fn handler_answers_pass_unchanged() {
        let reply = exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()).await;
        assert!(reply.starts_with("HTTP/1.1 400 "), "{reply}");
        assert!(reply.contains("x-content-type-options: nosniff"), "{reply}");
        assert!(!reply.contains("application/json"), "{reply}");
    }

    #[test]
    fn only_exact_heads_are_rewritten() {
        assert!(rewrite(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n").is_some());
        assert!(rewrite(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nx-content-type-options: nosniff\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 3\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nabc").is_none());
    }
}
