//! The preview's HTTP side: serves the site from memory, injects the live-reload script into
//! HTML, streams reload events (Server-Sent Events) and refuses what a local preview must not
//! answer.
//!
//! Safety rules, each tested in `tests/serve.rs`:
//! - only paths inside the built site: `..` (raw or percent-encoded), backslashes and NUL get
//!   the same generic 404; the site is served from memory, so no path reaches the disk;
//! - the `Host` header must name the bound address or localhost (DNS rebinding), and the event
//!   stream refuses another `Origin`;
//! - no `Access-Control-Allow-Origin`, `Cache-Control: no-store`, only GET and HEAD.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::output::OutputTree;

/// The path of the event stream; outside any site, since sites are served from `/`.
pub const EVENTS: &str = "/__dossier/events";

/// What the server shows: the last good site, and the problems of the last build if it failed.
#[derive(Default)]
pub struct Served {
    pub tree: OutputTree,
    /// The diagnostics of a failed rebuild, as plain text; shown over every page until a
    /// build succeeds.
    pub errors: Option<String>,
}

/// What a rebuild tells the open pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Load the page again.
    Reload,
    /// Only stylesheets changed: swap them in place.
    Css,
}

/// The connected event streams.
#[derive(Default)]
pub struct Clients {
    senders: Mutex<Vec<Sender<Event>>>,
}

impl Clients {
    /// Sends an event to every open page; returns how many received it.
    pub fn broadcast(&self, event: Event) -> usize {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        senders.retain(|s| s.send(event).is_ok());
        senders.len()
    }

    fn add(&self) -> Receiver<Event> {
        let (tx, rx) = channel();
        self.senders.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        rx
    }

    /// Ends every stream (at shutdown).
    pub fn close(&self) {
        self.senders.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The running server and its worker threads.
pub struct Http {
    server: Arc<Server>,
    workers: Vec<JoinHandle<()>>,
    streams: Arc<Mutex<Vec<JoinHandle<()>>>>,
    stopping: Arc<AtomicBool>,
    pub clients: Arc<Clients>,
    pub port: u16,
}

/// Why the server could not start.
pub enum StartError {
    /// The port is taken; the next free one, if any was found.
    PortTaken(Option<u16>),
    Other(String),
}

fn port_is_free(bind: &str, port: u16) -> bool {
    std::net::TcpListener::bind((bind, port)).is_ok()
}

/// Starts serving `site` on `bind:port` (`port` 0: any free port).
pub fn start(bind: &str, port: u16, site: Arc<RwLock<Served>>) -> Result<Http, StartError> {
    let addr = format!(
        "{}:{port}",
        if bind.contains(':') {
            format!("[{bind}]")
        } else {
            bind.to_string()
        }
    );
    let server = match Server::http(&addr) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            let taken = e
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse);
            if taken {
                let next = (port.saturating_add(1)..port.saturating_add(50)).find(|&p| port_is_free(bind, p));
                return Err(StartError::PortTaken(next));
            }
            return Err(StartError::Other(e.to_string()));
        }
    };
    let port = server.server_addr().to_ip().map_or(port, |a| a.port());
    let clients = Arc::new(Clients::default());
    let stopping = Arc::new(AtomicBool::new(false));
    let streams: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
    let allowed = Arc::new(allowed_hosts(bind, port));
    let workers = (0..4)
        .map(|_| {
            let server = server.clone();
            let site = site.clone();
            let clients = clients.clone();
            let stopping = stopping.clone();
            let streams = streams.clone();
            let allowed = allowed.clone();
            std::thread::spawn(move || {
                while !stopping.load(Ordering::Relaxed) {
                    let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(200)) else {
                        continue;
                    };
                    if let Some(stream) = handle(request, &site, &clients, &allowed, &stopping) {
                        streams.lock().unwrap_or_else(|e| e.into_inner()).push(stream);
                    }
                }
            })
        })
        .collect();
    Ok(Http {
        server,
        workers,
        streams,
        stopping,
        clients,
        port,
    })
}

impl Http {
    /// Stops accepting requests, ends the event streams and waits for every thread.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.clients.close();
        self.server.unblock();
        for w in self.workers {
            let _ = w.join();
        }
        let streams = std::mem::take(&mut *self.streams.lock().unwrap_or_else(|e| e.into_inner()));
        for s in streams {
            let _ = s.join();
        }
    }
}

/// The `Host` values a request may carry: the bound address and the names of the loopback.
fn allowed_hosts(bind: &str, port: u16) -> Vec<String> {
    let mut hosts = vec![
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ];
    let bound = if bind.contains(':') {
        format!("[{bind}]:{port}")
    } else {
        format!("{bind}:{port}")
    };
    if !hosts.contains(&bound) && bind != "0.0.0.0" && bind != "::" {
        hosts.push(bound);
    }
    hosts
}

fn header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

fn h(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn plain(status: u16, text: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(text.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(h("Content-Type", "text/plain; charset=utf-8"))
        .with_header(h("Cache-Control", "no-store"))
}

const NOT_FOUND: &str = "Not found.\n";

/// Answers one request. An event stream keeps its connection: its thread is returned.
fn handle(
    request: Request,
    site: &RwLock<Served>,
    clients: &Clients,
    allowed: &[String],
    stopping: &Arc<AtomicBool>,
) -> Option<JoinHandle<()>> {
    // DNS rebinding: a page on another site that resolves its name to 127.0.0.1 sends its own
    // name as Host.
    let host = header(&request, "Host").unwrap_or("").to_ascii_lowercase();
    if !allowed.contains(&host) {
        let _ = request.respond(plain(403, "Forbidden: this preview answers only to localhost.\n"));
        return None;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(plain(405, "Only GET and HEAD.\n").with_header(h("Allow", "GET, HEAD")));
        return None;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS {
        let origin = header(&request, "Origin");
        if origin.is_some_and(|o| !allowed.iter().any(|a| o.eq_ignore_ascii_case(&format!("http://{a}")))) {
            let _ = request.respond(plain(403, "Forbidden: events are for this preview's own pages.\n"));
            return None;
        }
        return Some(stream_events(request, clients, stopping.clone()));
    }
    let Some(key) = site_path(path) else {
        let _ = request.respond(plain(404, NOT_FOUND));
        return None;
    };
    let served = site.read().unwrap_or_else(|e| e.into_inner());
    let head = request.method() == &Method::Head;
    let (status, file, body) = if let Some(bytes) = served.tree.get(&key) {
        (200, key.as_str(), bytes)
    } else if !key.ends_with("index.html") && served.tree.contains(&format!("{key}/index.html")) {
        let to = format!("{}/", path.trim_end_matches('/'));
        drop(served);
        let _ = request.respond(plain(301, "Moved.\n").with_header(h("Location", &to)));
        return None;
    } else if let Some(page) = served.tree.get("404.html") {
        (404, "404.html", page)
    } else {
        drop(served);
        let _ = request.respond(plain(404, NOT_FOUND));
        return None;
    };
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") {
        inject(body, served.errors.as_deref())
    } else {
        body.to_vec()
    };
    drop(served);
    let len = body.len();
    let response = Response::from_data(if head { Vec::new() } else { body })
        .with_status_code(StatusCode(status))
        .with_header(h("Content-Type", content_type))
        .with_header(h("Cache-Control", "no-store"))
        .with_header(h("X-Content-Type-Options", "nosniff"));
    let response = if head {
        response.with_header(h("Content-Length", &len.to_string()))
    } else {
        response
    };
    let _ = request.respond(response);
    None
}

/// The file a request path names in the site, or `None` for a path that tries to leave it.
pub fn site_path(path: &str) -> Option<String> {
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The page with the live-reload script, and the overlay of a failed build, before `</body>`.
fn inject(html: &[u8], errors: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut extra = String::new();
    if let Some(errors) = errors {
        extra.push_str(
            "<div id=\"dossier-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem;background:#2b0d0d;color:#fff;font:14px/1.5 ui-monospace,monospace;border-top:4px solid #e5484d\"><p style=\"margin:0 0 .5rem;font-weight:bold\">The last change did not build; this is the last good version.</p><pre style=\"margin:0;white-space:pre-wrap\">",
        );
        extra.push_str(&escape(errors));
        extra.push_str("</pre></div>\n");
    }
    extra.push_str(SCRIPT);
    let out = match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]),
        None => format!("{text}{extra}"),
    };
    out.into_bytes()
}

/// Keeps an event stream open on its own thread, writing each event as it comes, and a
/// comment every 15 s so that a closed page is noticed.
fn stream_events(request: Request, clients: &Clients, stopping: Arc<AtomicBool>) -> JoinHandle<()> {
    let events = clients.add();
    std::thread::spawn(move || {
        let mut w = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        if w.write_all(head.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
        loop {
            if stopping.load(Ordering::Relaxed) {
                return;
            }
            let msg = match events.recv_timeout(Duration::from_secs(15)) {
                Ok(Event::Reload) => "event: reload\ndata: {}\n\n",
                Ok(Event::Css) => "event: css\ndata: {}\n\n",
                Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n",
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
                return;
            }
        }
    })
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
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", Some("a <b>"))).unwrap();
        assert!(out.contains("<p>x</p><div id=\"dossier-errors\""));
        assert!(out.contains("a &lt;b&gt;"));
        assert!(out.ends_with("</script>\n</body></html>"));
    }
}
