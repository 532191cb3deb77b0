//! `dossier serve`, end to end: the real binary on a free port, spoken to over raw HTTP.

mod common;
#[path = "support/generate.rs"]
mod generate;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Fixture;

/// A running `dossier serve`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    output: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn start(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dossier serve");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let port = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|hostport| hostport.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let output = std::sync::Arc::new(std::sync::Mutex::new(line));
        let sink = output.clone();
        std::thread::spawn(move || {
            for l in out.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{l}\n"));
            }
        });
        let err = BufReader::new(child.stderr.take().unwrap());
        let sink = output.clone();
        std::thread::spawn(move || {
            for l in err.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{l}\n"));
            }
        });
        Server { child, port, output }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[("Host", &self.host())])
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        request(("127.0.0.1", self.port), method, path, headers)
    }

    /// Opens the event stream as a page would.
    fn events(&self, origin: Option<&str>) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut req = format!("GET /__dossier/events HTTP/1.1\r\nHost: {}\r\n", self.host());
        if let Some(o) = origin {
            req.push_str(&format!("Origin: {o}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        let mut events = Events {
            reader: BufReader::new(s),
            seen: String::new(),
        };
        assert!(
            events.wait_for("retry:", Duration::from_secs(5)),
            "no stream: {}",
            events.seen
        );
        events
    }

    fn log(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Whether the server prints `text` within a few seconds: its output is read on threads
    /// of the test, which may lag behind the requests. (What it looks for is printed only by
    /// the tests that need Unix.)
    #[cfg(unix)]
    fn prints(&self, text: &str) -> bool {
        let until = Instant::now() + Duration::from_secs(10);
        while !self.log().contains(text) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.log().contains(text)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events {
    reader: BufReader<TcpStream>,
    seen: String,
}

impl Events {
    /// Reads the stream until a line starting with `prefix` comes, or the time is up.
    fn wait_for(&mut self, prefix: &str, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return false,
                Ok(_) => {
                    self.seen.push_str(&line);
                    if line.starts_with(prefix) {
                        return true;
                    }
                }
                Err(_) => continue,
            }
        }
        false
    }
}

/// One request on a connection of its own, to any address.
fn request(addr: impl std::net::ToSocketAddrs, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    Reply::parse(&raw)
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn dossier() -> Fixture {
    Fixture::empty()
        .file(
            "content/_index.md",
            "---\ntitle: Preview\nbase_url: https://example.org/p/\n---\nHome.\n",
        )
        .file(
            "content/events/a.md",
            "---\ntitle: Event A\ndate: \"2024-06\"\n---\nOld text about [[b]].\n",
        )
        .file("content/people/b.md", "---\nname: Person B\n---\nB.\n")
        .file("content/people/c.md", "---\nname: Person C\n---\nC.\n")
}

fn write(root: &Path, path: &str, text: &str) {
    std::fs::write(root.join(path), text).unwrap();
}

/// Polls until `check` holds for the page, or panics after a few seconds.
#[track_caller]
fn eventually(server: &Server, path: &str, check: impl Fn(&Reply) -> bool) -> Reply {
    let start = Instant::now();
    loop {
        let r = server.get(path);
        if check(&r) {
            return r;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{path} never became as expected: {r:?}\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_edit_is_served_at_once_and_every_open_page_is_told() {
    let f = dossier();
    let server = Server::start(f.root(), &[]);
    let page = server.get("/events/a/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.body.contains("Old text about"));
    assert!(page.body.contains("<script id=\"dossier-live-reload\">"));
    // Served under the local address, not the published one.
    assert!(
        page.body.contains("<a href=\"/people/b/\">Person B</a>"),
        "{}",
        page.body
    );

    let mut events = server.events(None);
    write(
        f.root(),
        "content/events/a.md",
        "---\ntitle: Event A\ndate: \"2024-06\"\n---\nNew text about [[b]].\n",
    );
    assert!(
        events.wait_for("event: reload", Duration::from_secs(10)),
        "{}\n{}",
        events.seen,
        server.log()
    );
    let page = server.get("/events/a/");
    assert!(page.body.contains("New text about"), "{}", page.body);

    // Saved as many editors do: a temporary file renamed over the note.
    write(
        f.root(),
        "content/events/.a.md.swp",
        "---\ntitle: Event A\ndate: \"2024-06\"\n---\nAtomic text about [[b]].\n",
    );
    std::fs::rename(
        f.root().join("content/events/.a.md.swp"),
        f.root().join("content/events/a.md"),
    )
    .unwrap();
    assert!(events.wait_for("event: reload", Duration::from_secs(10)));
    eventually(&server, "/events/a/", |r| r.body.contains("Atomic text about"));

    // A note deleted: its page is gone.
    std::fs::remove_file(f.root().join("content/people/c.md")).unwrap();
    assert!(events.wait_for("event: reload", Duration::from_secs(10)));
    let gone = server.get("/people/c/");
    assert_eq!(gone.status, 404);
    assert!(
        gone.body.contains("Page not found"),
        "the site's own 404 page: {}",
        gone.body
    );

    // A note others link to deleted: the build fails, the last good site stays, and every page
    // says where the broken link is.
    std::fs::remove_file(f.root().join("content/people/b.md")).unwrap();
    assert!(events.wait_for("event: reload", Duration::from_secs(10)));
    let page = eventually(&server, "/events/a/", |r| {
        r.body.contains("<div id=\"dossier-errors\" role=\"alert\"")
    });
    assert!(page.body.contains("content/events/a.md:5:21"), "{}", page.body);
    assert!(page.body.contains("unknown id `b`"), "{}", page.body);
    assert_eq!(server.get("/people/b/").status, 200, "the last good site stays up");

    // Fixing the note clears the overlay.
    write(
        f.root(),
        "content/events/a.md",
        "---\ntitle: Event A\ndate: \"2024-06\"\n---\nNo link now.\n",
    );
    assert!(events.wait_for("event: reload", Duration::from_secs(10)));
    let page = eventually(&server, "/events/a/", |r| r.body.contains("No link now."));
    assert!(!page.body.contains("dossier-errors"));
    assert_eq!(server.get("/people/b/").status, 404);

    // A stylesheet alone: the pages swap it without reloading.
    std::fs::create_dir_all(f.root().join("static")).unwrap();
    write(f.root(), "static/extra.css", "p { color: teal }\n");
    assert!(
        events.wait_for("event: css", Duration::from_secs(10)),
        "{}",
        events.seen
    );
    assert_eq!(
        server.get("/extra.css").header("content-type"),
        Some("text/css; charset=utf-8")
    );
}

#[test]
fn it_answers_only_inside_the_site_and_only_to_this_machine() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let f = dossier().file("static/ok.txt", "fine\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), f.root().join("static/secret.txt")).unwrap();
    let server = Server::start(f.root(), &[]);
    let host = server.host();
    let not_found = server.get("/no/such/file.txt");
    assert_eq!(not_found.status, 404);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/static/..%2f..%2fsecret.txt",
        "/a\\..\\..\\secret.txt",
        "/a%5c..%5csecret.txt",
        "/ok.txt%00.html",
        "/secret.txt",
    ] {
        let r = server.request("GET", path, &[("Host", &host)]);
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(!r.body.contains("secret"), "{path}");
    }
    let ok = server.get("/ok.txt");
    assert_eq!((ok.status, ok.body.as_str()), (200, "fine\n"));
    // Only where the link above was made.
    #[cfg(unix)]
    assert!(
        server.prints("outside the dossier: the file it leads to is not read, published or served"),
        "{}",
        server.log()
    );

    // DNS rebinding: another name for this address is refused.
    for bad in ["evil.example:80", &format!("evil.example:{}", server.port), ""] {
        let r = server.request("GET", "/", &[("Host", bad)]);
        assert_eq!(r.status, 403, "Host {bad:?}");
    }
    assert_eq!(
        server
            .request("GET", "/", &[("Host", &format!("localhost:{}", server.port))])
            .status,
        200
    );
    // The event stream refuses pages of other sites.
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        s,
        "GET /__dossier/events HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert_eq!(Reply::parse(&raw).status, 403);
    let own = server.events(Some(&format!("http://{host}")));
    assert!(own.seen.contains("retry:"));
    // Only reading.
    assert_eq!(server.request("POST", "/", &[("Host", &host)]).status, 405);
    let head = server.request("HEAD", "/", &[("Host", &host)]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    // Plain answers: types, folders, redirects, the site's 404; no cross-origin header.
    let cases = [
        ("/", 200, "text/html; charset=utf-8"),
        ("/style.css", 200, "text/css; charset=utf-8"),
        ("/favicon.svg", 200, "image/svg+xml"),
        ("/dossier.json", 200, "application/json"),
        ("/sitemap.xml", 200, "application/xml"),
        ("/events/a/", 200, "text/html; charset=utf-8"),
        ("/nothing/here/", 404, "text/html; charset=utf-8"),
    ];
    for (path, status, ty) in cases {
        let r = server.get(path);
        assert_eq!((r.status, r.header("content-type")), (status, Some(ty)), "{path}");
        assert_eq!(r.header("access-control-allow-origin"), None, "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    let moved = server.get("/events/a");
    assert_eq!((moved.status, moved.header("location")), (301, Some("/events/a/")));
}

#[test]
fn a_taken_port_is_named_with_a_free_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let f = dossier();
    let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", &port, "--root"])
        .arg(f.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("port {port} is taken")), "{err}");
    assert!(err.contains("is free: run `dossier serve --port "), "{err}");
    assert!(err.contains("`--port 0` to take any free port"), "{err}");
}

#[test]
#[cfg(unix)]
fn ctrl_c_stops_it_cleanly_and_nothing_is_written() {
    let f = dossier();
    let before = common::snapshot(f.root());
    let mut server = Server::start(f.root(), &[]);
    assert_eq!(server.get("/").status, 200);
    let mut events = server.events(None);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{}", server.log());
    assert!(server.prints("Stopped."), "{}", server.log());
    // The open stream was ended, not left hanging.
    assert!(!events.wait_for("event:", Duration::from_millis(500)));
    assert_eq!(common::snapshot(f.root()), before, "serve wrote into the dossier");
}

#[test]
fn another_address_than_the_loopback_is_served_only_with_a_warning() {
    let f = dossier();
    let server = Server::start(f.root(), &["--bind", "0.0.0.0"]);
    assert_eq!(server.get("/").status, 200);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        server
            .log()
            .contains("warning: serving on 0.0.0.0: anyone who can reach this machine"),
        "{}",
        server.log()
    );
}

#[test]
fn built_sites_never_carry_the_live_reload_script() {
    let f = dossier();
    let run = f.build(&[]);
    run.ok();
    for page in ["index.html", "events/a/index.html", "404.html"] {
        assert!(!run.page(page).contains("dossier-live-reload"), "{page}");
    }
}

/// A field of the serve process's `/proc/PID/status`, as a number (kB for sizes).
#[cfg(target_os = "linux")]
fn proc_status(server: &Server, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {status}"))
}

/// How many files and sockets the serve process has open.
#[cfg(target_os = "linux")]
fn open_files(server: &Server) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", server.child.id()))
        .unwrap()
        .count()
}

#[test]
#[cfg(target_os = "linux")]
fn a_huge_request_header_is_refused_without_growing_the_memory() {
    let f = dossier();
    let server = Server::start(f.root(), &[]);
    assert_eq!(server.get("/").status, 200);
    let before = proc_status(&server, "VmHWM");
    // Two header lines of 64 MB each; the server may close the connection while they are sent.
    let line = vec![b'a'; 64 << 20];
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let sent = write!(s, "GET / HTTP/1.1\r\nHost: {}\r\nX-A: ", server.host())
        .and_then(|_| s.write_all(&line))
        .and_then(|_| s.write_all(b"\r\nX-B: "))
        .and_then(|_| s.write_all(&line))
        .and_then(|_| s.write_all(b"\r\nConnection: close\r\n\r\n"));
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let reply = Reply::parse(&raw);
    assert_eq!(server.get("/").status, 200, "it still answers");
    let after = proc_status(&server, "VmHWM");
    assert!(
        after < before + 16 * 1024,
        "peak resident memory grew from {before} kB to {after} kB"
    );
    assert!(
        sent.is_err() || reply.status == 431,
        "the request was taken whole: {sent:?}, status {}",
        reply.status
    );
    // Many small header lines are refused too.
    let host = server.host();
    let many: Vec<(String, &str)> = (0..200).map(|k| (format!("X-{k}"), "a")).collect();
    let mut headers: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    headers.push(("Host", &host));
    assert_eq!(server.request("GET", "/", &headers).status, 431);
}

#[test]
#[cfg(target_os = "linux")]
fn clients_that_stop_reading_neither_stall_the_others_nor_stay() {
    // Larger than what the sockets of a connection can hold, so that its answer cannot be sent.
    let big = vec![b'x'; 32 << 20];
    let f = dossier().bytes("static/big.bin", &big);
    let server = Server::start(f.root(), &[]);
    assert_eq!(server.get("/").status, 200);
    let files = open_files(&server);
    let stalled: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(s, "GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n", server.host()).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // A liveness check: `request` gives up after 10 s.
    let home = server.get("/");
    assert_eq!(home.status, 200, "the home page was not answered: {home:?}");
    // The server ends the connections that do not read, and with them their buffers.
    let start = Instant::now();
    while open_files(&server) > files {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} files open, {files} before the stalled clients",
            open_files(&server)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(stalled);
}

#[test]
#[cfg(target_os = "linux")]
fn open_pages_cost_no_thread_each_and_all_are_told() {
    let f = dossier();
    let server = Server::start(f.root(), &[]);
    assert_eq!(server.get("/").status, 200);
    let threads = proc_status(&server, "Threads");
    let mut pages: Vec<Events> = (0..300).map(|_| server.events(None)).collect();
    let now = proc_status(&server, "Threads");
    assert!(
        now <= threads + 4,
        "{now} threads with 300 open pages, {threads} before"
    );
    write(
        f.root(),
        "content/events/a.md",
        "---\ntitle: Event A\ndate: \"2024-06\"\n---\nNew text about [[b]].\n",
    );
    for (k, page) in pages.iter_mut().enumerate() {
        assert!(
            page.wait_for("event: reload", Duration::from_secs(10)),
            "page {k} was not told: {}",
            page.seen
        );
    }
}

#[test]
#[cfg(target_os = "linux")]
fn idle_connections_take_a_bounded_number_of_files_and_not_for_long() {
    let f = dossier();
    let server = Server::start(f.root(), &[]);
    assert_eq!(server.get("/").status, 200);
    let files = open_files(&server);
    // More than the server takes at once (512), fewer than it takes plus those the system
    // queues for it, so that every connect succeeds at once.
    let idle: Vec<TcpStream> = (0..560)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let now = open_files(&server);
    assert!(
        now <= files + 512,
        "{now} files open with {} idle connections, {files} before",
        idle.len()
    );
    // Connections that send no request are closed by the server, those it had queued too.
    let start = Instant::now();
    while open_files(&server) > files {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} files open, {files} before the idle connections",
            open_files(&server)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A liveness check: `request` gives up after 10 s.
    assert_eq!(server.get("/").status, 200);
    drop(idle);
}

#[test]
#[cfg(target_os = "linux")]
fn a_page_held_by_clients_that_stop_reading_is_not_copied_for_each() {
    // An 8 MB page, which gets the live-reload script like every page.
    let mut page = b"<html><body>".to_vec();
    page.resize(8 << 20, b'x');
    page.extend_from_slice(b"</body></html>");
    let f = dossier().bytes("static/big.html", &page);
    let server = Server::start(f.root(), &[]);
    assert_eq!(server.get("/").status, 200);
    let before = proc_status(&server, "VmHWM");
    let stalled: Vec<TcpStream> = (0..24)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(s, "GET /big.html HTTP/1.1\r\nHost: {}\r\n\r\n", server.host()).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(server.get("/").status, 200);
    let after = proc_status(&server, "VmHWM");
    assert!(
        after < before + 48 * 1024,
        "peak resident memory grew from {before} kB to {after} kB with {} stalled clients",
        stalled.len()
    );
}

/// `--bind ::` and `--bind 0.0.0.0` serve every address of the machine: the URL printed is
/// one a browser can open, and a request under any of the machine's addresses is answered; a
/// name that is not this machine's is still refused.
#[test]
fn a_preview_bound_to_every_address_answers_under_each() {
    let f = dossier();
    let any6 = Server::start(f.root(), &["--bind", "::"]);
    assert!(any6.log().contains("http://[::1]:"), "{}", any6.log());
    let host = format!("[::1]:{}", any6.port);
    assert_eq!(request(("::1", any6.port), "GET", "/", &[("Host", &host)]).status, 200);
    drop(any6);
    let any4 = Server::start(f.root(), &["--bind", "0.0.0.0"]);
    assert!(any4.log().contains("http://127.0.0.1:"), "{}", any4.log());
    for host in [format!("127.0.0.1:{}", any4.port), format!("192.0.2.2:{}", any4.port)] {
        assert_eq!(any4.request("GET", "/", &[("Host", &host)]).status, 200, "{host}");
    }
    let evil = format!("evil.example:{}", any4.port);
    assert_eq!(any4.request("GET", "/", &[("Host", &evil)]).status, 403);
}

/// A request that arrives while the first build is still running gets a page that reloads
/// itself, not a 404.
#[test]
fn a_request_before_the_first_build_is_done_is_asked_to_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dossier");
    generate::generate(&root, 1000, 9).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    let host = format!("127.0.0.1:{port}");
    let first = request(("127.0.0.1", port), "GET", "/people/", &[("Host", &host)]);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(first.status, 503, "{first:?}");
    assert!(first.body.contains("http-equiv=\"refresh\""), "{}", first.body);
}

/// Open pages whose event streams are never read take only part of the connections: a page
/// is still answered, and the streams past the cap are told to go away.
#[test]
fn event_streams_that_are_never_read_leave_room_for_pages() {
    let f = dossier();
    let server = Server::start(f.root(), &[]);
    let host = server.host();
    let request = format!("GET /__dossier/events HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let streams: Vec<TcpStream> = (0..520)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            s.write_all(request.as_bytes()).unwrap();
            s
        })
        .collect();
    let mut last = streams.last().unwrap().try_clone().unwrap();
    last.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = [0u8; 12];
    last.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 503", "the 520th stream");
    assert_eq!(server.get("/").status, 200);
}
