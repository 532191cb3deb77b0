//! The preview's HTTP side: serves the site from memory, injects the live-reload script into
//! HTML, streams reload events (Server-Sent Events) and refuses what a local preview must not
//! answer.
//!
//! Safety rules, each tested in `tests/serve.rs`:
//! - only paths inside the built site: `..` (raw or percent-encoded), backslashes and NUL get
//!   the same generic 404; the site is served from memory, so no path reaches the disk;
//! - the `Host` header must name the bound address or localhost (DNS rebinding), and the event
//!   stream refuses another `Origin`;
//! - no `Access-Control-Allow-Origin`, `Cache-Control: no-store`, only GET and HEAD;
//! - a client cannot stall it or make it grow: a request's head is bounded in size and in the
//!   time it may take, a connection whose client stops reading is closed, connections are
//!   capped, and an open page's event stream is a task, not a thread.
//!
//! It runs on hyper, on a single-threaded tokio runtime of its own thread; the rebuilds stay on
//! the main thread and reach the open pages through [`Clients`].

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use percent_encoding::percent_decode_str;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::time::{Instant, Interval, Sleep};

use crate::site::OutputTree;

/// The path of the event stream; outside any site, since sites are served from `/`.
pub(crate) const EVENTS: &str = "/__dossier/events";

/// The most a request's line and headers may take: a larger one gets a 431 and the connection
/// is closed, before more of it is read.
const MAX_HEAD: usize = 64 * 1024;
/// The most header lines a request may have.
const MAX_HEADERS: usize = 64;
/// A client must send a request's head within this time of connecting (or of the previous
/// answer): an idle connection is closed after it.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection whose client reads nothing of the answer for this long is closed, and what was
/// left to send with it.
const STALL_TIMEOUT: Duration = Duration::from_secs(10);
/// The most connections served at once; more wait to be accepted. Each costs a socket and a
/// small buffer, so a flood of idle sockets cannot take all of the process's open files.
const MAX_CONNECTIONS: usize = 512;
/// The most event streams (open pages) at once: they never end by themselves, so they may
/// take only part of the connections, and pages can always be asked for.
const MAX_STREAMS: usize = MAX_CONNECTIONS * 3 / 4;
/// An open page gets a comment this often, so that a closed one is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events an open page may be behind by; past that it misses some, which a reload makes up.
const BACKLOG: usize = 16;

/// What the server shows: the last good site, and the problems of the last build if it failed.
#[derive(Default)]
pub(crate) struct Served {
    pub tree: OutputTree,
    /// The diagnostics of a failed rebuild, as plain text; shown over every page until a
    /// build succeeds.
    pub errors: Option<String>,
    /// Whether the first build is done: until then every page is one that reloads itself.
    pub ready: bool,
    /// The files of the last search index made (`pagefind/…`), which may be of an earlier
    /// build than the site's (see `index`).
    pub index: HashMap<String, Arc<[u8]>>,
}

/// What a rebuild tells the open pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// Load the page again.
    Reload,
    /// Only stylesheets changed: swap them in place.
    Css,
}

/// The connected event streams.
#[derive(Default)]
pub(crate) struct Clients {
    senders: Mutex<Vec<mpsc::Sender<Event>>>,
}

impl Clients {
    /// Sends an event to every open page; returns how many are open.
    pub(crate) fn broadcast(&self, event: Event) -> usize {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        senders.retain(|s| !matches!(s.try_send(event), Err(mpsc::error::TrySendError::Closed(_))));
        senders.len()
    }

    /// A new stream, unless `MAX_STREAMS` are open.
    fn add(&self) -> Option<mpsc::Receiver<Event>> {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        senders.retain(|s| !s.is_closed());
        if senders.len() >= MAX_STREAMS {
            return None;
        }
        let (tx, rx) = mpsc::channel(BACKLOG);
        senders.push(tx);
        Some(rx)
    }

    /// Ends every stream (at shutdown).
    pub(crate) fn close(&self) {
        self.senders.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The running server: one thread with its own runtime, where every connection, event
/// streams included, is a task.
pub(crate) struct Http {
    thread: std::thread::JoinHandle<()>,
    stop: oneshot::Sender<()>,
    pub clients: Arc<Clients>,
    pub port: u16,
}

/// Why the server could not start.
pub(crate) enum StartError {
    /// The port is taken; the next free one, if any was found.
    PortTaken(Option<u16>),
    Other(String),
}

fn port_is_free(bind: &str, port: u16) -> bool {
    std::net::TcpListener::bind((bind, port)).is_ok()
}

/// What every connection's task needs.
struct Shared {
    site: Arc<RwLock<Served>>,
    clients: Arc<Clients>,
    port: u16,
}

/// Starts serving `site` on `bind:port` (`port` 0: any free port).
pub(crate) fn start(bind: &str, port: u16, site: Arc<RwLock<Served>>) -> Result<Http, StartError> {
    let addr = if bind.contains(':') {
        format!("[{bind}]:{port}")
    } else {
        format!("{bind}:{port}")
    };
    let listener = match std::net::TcpListener::bind(&addr) {
        Ok(l) => l,
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
            let next = (port.saturating_add(1)..port.saturating_add(50)).find(|&p| port_is_free(bind, p));
            return Err(StartError::PortTaken(next));
        }
        Err(e) => return Err(StartError::Other(e.to_string())),
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| StartError::Other(e.to_string()))?;
    let listener = listener
        .set_nonblocking(true)
        .and_then(|()| {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener)
        })
        .map_err(|e| StartError::Other(e.to_string()))?;
    let clients = Arc::new(Clients::default());
    let shared = Arc::new(Shared {
        site,
        clients: clients.clone(),
        port,
    });
    let (stop, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("dossier-http".into())
        .spawn(move || {
            runtime.block_on(async {
                tokio::spawn(accept(listener, shared));
                let _ = stopped.await;
            });
            // Dropping the runtime ends every task, and so closes every connection.
            drop(runtime);
        })
        .map_err(|e| StartError::Other(e.to_string()))?;
    Ok(Http {
        thread,
        stop,
        clients,
        port,
    })
}

impl Http {
    /// Stops accepting requests, ends the event streams and every connection, and waits for
    /// the server's thread.
    pub(crate) fn stop(self) {
        self.clients.close();
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// Accepts connections, at most `MAX_CONNECTIONS` at a time, each served by its own task.
async fn accept(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .max_header_size(MAX_HEAD)
        .max_headers(MAX_HEADERS);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let socket = match listener.accept().await {
            Ok((socket, _)) => socket,
            // Out of open files, or a connection reset before it was taken: wait a little.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let shared = shared.clone();
        let connection = http.serve_connection(
            TokioIo::new(Stalling::new(socket)),
            hyper::service::service_fn(move |request| {
                let answer = answer(&request, &shared);
                async move { Ok::<_, Infallible>(answer) }
            }),
        );
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// A socket whose writes fail once the client has taken nothing for `STALL_TIMEOUT`, so that
/// a client that stops reading loses its connection instead of holding it.
struct Stalling {
    socket: TcpStream,
    deadline: Pin<Box<Sleep>>,
    waiting: bool,
}

impl Stalling {
    fn new(socket: TcpStream) -> Stalling {
        Stalling {
            socket,
            deadline: Box::pin(tokio::time::sleep(STALL_TIMEOUT)),
            waiting: false,
        }
    }

    /// A write's outcome; a write that cannot proceed starts the clock, one that proceeds
    /// stops it.
    fn watch<T>(&mut self, cx: &mut Context<'_>, written: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if written.is_ready() {
            self.waiting = false;
            return written;
        }
        if !self.waiting {
            self.waiting = true;
            self.deadline.as_mut().reset(Instant::now() + STALL_TIMEOUT);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::ErrorKind::TimedOut.into())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Stalling {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stalling {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.socket).poll_write(cx, buf);
        self.watch(cx, written)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.socket).poll_write_vectored(cx, bufs);
        self.watch(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let flushed = Pin::new(&mut self.socket).poll_flush(cx);
        self.watch(cx, flushed)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }
}

/// Whether a `Host` value (or the host of an `Origin`) names this preview: `localhost` or an
/// IP address, with the preview's port. A page of another site reaches a local server through
/// DNS rebinding only under a name of its own, never under an address, so every address is
/// answered: the loopback's, the bound one, and this machine's on the network when
/// `--bind 0.0.0.0` (or `::`) serves it there.
fn names_this_preview(host: &str, port: u16) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    let name = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    p.parse() == Ok(port) && (name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok())
}

fn header(request: &Request<Incoming>, name: header::HeaderName) -> Option<&str> {
    request.headers().get(name).map(|v| v.to_str().unwrap_or(""))
}

/// The body of an answer: chunks of bytes, or an event stream.
enum Body {
    Bytes(VecDeque<Bytes>),
    Events(EventStream),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Bytes(chunks) => Poll::Ready(chunks.pop_front().map(|b| Ok(Frame::data(b)))),
            Body::Events(stream) => stream.poll_next(cx).map(|b| b.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Bytes(chunks) if chunks.is_empty())
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Bytes(chunks) => SizeHint::with_exact(chunks.iter().map(|b| b.len() as u64).sum()),
            Body::Events(_) => SizeHint::default(),
        }
    }
}

/// An open page's event stream: the retry delay, then each event as it comes, and a comment
/// every `KEEP_ALIVE` so that a closed page is noticed. It ends when the server stops.
struct EventStream {
    started: bool,
    events: mpsc::Receiver<Event>,
    keep_alive: Interval,
}

impl EventStream {
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        if !self.started {
            self.started = true;
            return Poll::Ready(Some(Bytes::from_static(b"retry: 500\n\n")));
        }
        match self.events.poll_recv(cx) {
            Poll::Ready(Some(Event::Reload)) => {
                return Poll::Ready(Some(Bytes::from_static(b"event: reload\ndata: {}\n\n")));
            }
            Poll::Ready(Some(Event::Css)) => return Poll::Ready(Some(Bytes::from_static(b"event: css\ndata: {}\n\n"))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        self.keep_alive
            .poll_tick(cx)
            .map(|_| Some(Bytes::from_static(b": keep-alive\n\n")))
    }
}

fn respond(status: u16, content_type: &str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn plain(status: u16, text: &'static str) -> Response<Body> {
    respond(
        status,
        "text/plain; charset=utf-8",
        Body::Bytes(VecDeque::from([Bytes::from_static(text.as_bytes())])),
    )
}

const NOT_FOUND: &str = "Not found.\n";

/// The answer to a request that comes before the first build is done: a page that asks again
/// in a second, and shows the site once it is there.
fn building() -> Response<Body> {
    const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
        <meta http-equiv=\"refresh\" content=\"1\"><title>Building…</title></head>\
        <body><p>Building the site…</p></body></html>\n";
    let mut response = respond(
        503,
        "text/html; charset=utf-8",
        Body::Bytes(VecDeque::from([Bytes::from_static(PAGE.as_bytes())])),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Answers one request.
fn answer(request: &Request<Incoming>, shared: &Shared) -> Response<Body> {
    // DNS rebinding: a page on another site that resolves its name to 127.0.0.1 sends its own
    // name as Host.
    let host = header(request, header::HOST).unwrap_or("");
    if !names_this_preview(host, shared.port) {
        return plain(403, "Forbidden: this preview answers only to localhost.\n");
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = plain(405, "Only GET and HEAD.\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = request.uri().path();
    if path == EVENTS {
        let origin = header(request, header::ORIGIN);
        let ours = |o: &str| {
            o.strip_prefix("http://")
                .is_some_and(|h| names_this_preview(h, shared.port))
        };
        if origin.is_some_and(|o| !ours(o)) {
            return plain(403, "Forbidden: events are for this preview's own pages.\n");
        }
        let Some(events) = shared.clients.add() else {
            let mut response = plain(503, "Too many open pages.\n");
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        };
        let stream = EventStream {
            started: false,
            events,
            keep_alive: tokio::time::interval_at(Instant::now() + KEEP_ALIVE, KEEP_ALIVE),
        };
        return respond(200, "text/event-stream", Body::Events(stream));
    }
    let Some(key) = site_path(path) else {
        return plain(404, NOT_FOUND);
    };
    let served = shared.site.read().unwrap_or_else(|e| e.into_inner());
    if !served.ready {
        return building();
    }
    let found = served.tree.get_shared(&key).or_else(|| served.index.get(&key));
    let (status, file, body) = if let Some(bytes) = found {
        (200, key.as_str(), bytes)
    } else if !key.ends_with("index.html") && served.tree.contains(&format!("{key}/index.html")) {
        let mut response = plain(301, "Moved.\n");
        let to = format!("{}/", path.trim_end_matches('/'));
        if let Ok(to) = HeaderValue::from_str(&to) {
            response.headers_mut().insert(header::LOCATION, to);
        }
        return response;
    } else if let Some(page) = served.tree.get_shared("404.html") {
        (404, "404.html", page)
    } else {
        return plain(404, NOT_FOUND);
    };
    let content_type = content_type(file);
    let body = Bytes::from_owner(body.clone());
    let body = if content_type.starts_with("text/html") {
        VecDeque::from(inject(body, served.errors.as_deref()))
    } else {
        VecDeque::from([body])
    };
    drop(served);
    let mut response = respond(status, content_type, Body::Bytes(body));
    response
        .headers_mut()
        .insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The file a request path names in the site, or `None` for a path that tries to leave it.
pub(crate) fn site_path(path: &str) -> Option<String> {
    if !path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/').skip(1) {
        match seg {
            ".." | "." => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    Some(key)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("mp3") => "audio/mpeg",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The script every served page gets: it listens for rebuilds, reloads the page, or swaps the
/// stylesheets when only they changed. Pages built with `dossier build` never have it.
const SCRIPT: &str = r#"<script id="dossier-live-reload">
(function () {
  var source = new EventSource("/__dossier/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("v", Date.now());
      var next = link.cloneNode();
      next.href = url.href;
      next.onload = function () { link.remove(); };
      link.after(next);
    });
  });
})();
</script>
"#;

/// The page with the live-reload script, and the overlay of a failed build, before `</body>`:
/// the page's own bytes around them are shared, not copied, however many clients are sent it.
fn inject(page: Bytes, errors: Option<&str>) -> [Bytes; 3] {
    let mut extra = String::new();
    if let Some(errors) = errors {
        extra.push_str(
            "<div id=\"dossier-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem;background:#2b0d0d;color:#fff;font:14px/1.5 ui-monospace,monospace;border-top:4px solid #e5484d\"><p style=\"margin:0 0 .5rem;font-weight:bold\">The last change did not build; this is the last good version.</p><pre style=\"margin:0;white-space:pre-wrap\">",
        );
        crate::html::escape(&mut extra, errors);
        extra.push_str("</pre></div>\n");
    }
    extra.push_str(SCRIPT);
    let end = memchr::memmem::rfind(&page, b"</body>").unwrap_or(page.len());
    [page.slice(..end), Bytes::from(extra), page.slice(end..)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("/"), Some("index.html".into()));
        assert_eq!(site_path("/events/x/"), Some("events/x/index.html".into()));
        assert_eq!(site_path("/style.css"), Some("style.css".into()));
        assert_eq!(site_path("/zh-hant/%E6%AD%B7/"), Some("zh-hant/歷/index.html".into()));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/./a",
            "x",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = Bytes::from_static(b"<html><body><p>x</p></body></html>");
        let out = String::from_utf8(inject(page, Some("a <b>")).concat()).unwrap();
        assert!(out.contains("<p>x</p><div id=\"dossier-errors\""));
        assert!(out.contains("a &lt;b&gt;"));
        assert!(out.ends_with("</script>\n</body></html>"));
    }
}
