//! `dossier serve` in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
//! installs) opens a page; the test changes the note on disk and sees the page show the change
//! by itself. The test drives the browser over the DevTools protocol.
//!
//! Without Chromium the test says it was skipped, unless DOSSIER_REQUIRE_TOOLS is set (as in
//! CI), where it fails.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Fixture;
use serde_json::{Value, json};

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP request to the DevTools endpoint.
fn devtools(port: u16, method: &str, path: &str) -> Value {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The endpoint keeps the connection open: read the head, then as many bytes as it says.
    let mut r = BufReader::new(s);
    let mut length = 0;
    loop {
        let mut l = String::new();
        r.read_line(&mut l).unwrap();
        if l.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.trim().eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&body)))
}

struct Page {
    ws: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Page {
    fn evaluate(&mut self, expression: &str) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({ "id": id, "method": "Runtime.evaluate", "params": { "expression": expression, "returnByValue": true } });
        self.ws.send(tungstenite::Message::text(msg.to_string())).unwrap();
        loop {
            let reply = self.ws.read().unwrap();
            let Ok(text) = reply.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            if v["id"] == id {
                return v["result"]["result"]["value"].clone();
            }
        }
    }
}

#[test]
fn the_browser_shows_a_saved_change_by_itself() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("DOSSIER_REQUIRE_TOOLS").is_none(),
            "chromium is missing: apt-get install chromium"
        );
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let f = Fixture::empty()
        .file("content/_index.md", "---\ntitle: Preview\n---\nHome.\n")
        .file(
            "content/events/a.md",
            "---\ntitle: Before the save\ndate: \"2024-06\"\n---\nFirst version.\n",
        );
    let mut server = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", "0", "--root"])
        .arg(f.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    std::thread::spawn(move || for _ in out.lines() {});
    let _server = Killed(server);

    let profile = tempfile::tempdir().unwrap();
    let mut chrome = Command::new(browser)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(chrome.stderr.take().unwrap());
    let mut devtools_port = None;
    let start = Instant::now();
    while devtools_port.is_none() && start.elapsed() < Duration::from_secs(30) {
        let mut l = String::new();
        if err.read_line(&mut l).unwrap_or(0) == 0 {
            break;
        }
        if let Some(rest) = l.split("ws://127.0.0.1:").nth(1) {
            devtools_port = rest.split('/').next().and_then(|p| p.parse::<u16>().ok());
        }
    }
    std::thread::spawn(move || for _ in err.lines() {});
    let _chrome = Killed(chrome);
    let port = devtools_port.expect("chromium's DevTools address");

    let page_url = format!("{url}events/a/");
    let target = devtools(port, "PUT", &format!("/json/new?{page_url}"));
    let ws_url = target["webSocketDebuggerUrl"].as_str().expect("a page").to_string();
    let (ws, _) = tungstenite::connect(ws_url).unwrap();
    let mut page = Page { ws, next: 0 };

    let wait = |page: &mut Page, expr: &str, what: &str| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if page.evaluate(expr) == Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{what}: {}", page.evaluate("document.documentElement.outerHTML"));
    };
    wait(
        &mut page,
        "document.readyState === 'complete' && document.querySelector('h1') !== null && document.querySelector('h1').textContent === 'Before the save'",
        "the page never loaded",
    );
    // Wait until the page listens for rebuilds, then mark it: a reload clears the mark.
    wait(
        &mut page,
        "typeof EventSource !== 'undefined' && !!document.getElementById('dossier-live-reload')",
        "no live-reload script",
    );
    std::thread::sleep(Duration::from_millis(500));
    page.evaluate("window.__notReloaded = true");

    std::fs::write(
        f.root().join("content/events/a.md"),
        "---\ntitle: After the save\ndate: \"2024-06\"\n---\nSecond version.\n",
    )
    .unwrap();
    wait(
        &mut page,
        "document.querySelector('h1') !== null && document.querySelector('h1').textContent === 'After the save' && document.body.textContent.includes('Second version.')",
        "the page did not show the change",
    );
    assert_eq!(
        page.evaluate("window.__notReloaded === undefined"),
        Value::Bool(true),
        "the page was reloaded by itself"
    );
}
