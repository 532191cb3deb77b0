//! Headless Chromium driven over the DevTools protocol, and `dossier serve` to show it pages:
//! what the browser tests share.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP request to the DevTools endpoint.
pub fn devtools(port: u16, method: &str, path: &str) -> Value {
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

pub struct Page {
    ws: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Page {
    /// Sends a DevTools command and waits for its answer.
    pub fn send(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({ "id": id, "method": method, "params": params });
        self.ws.send(tungstenite::Message::text(msg.to_string())).unwrap();
        loop {
            let reply = self.ws.read().unwrap();
            let Ok(text) = reply.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            if v["id"] == id {
                return v;
            }
        }
    }

    /// Evaluates an expression and returns its value.
    pub fn evaluate(&mut self, expression: &str) -> Value {
        let v = self.send(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        v["result"]["result"]["value"].clone()
    }

    /// Evaluates a promise and returns the value it settles on.
    pub fn evaluate_async(&mut self, expression: &str) -> Value {
        let v = self.send(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        v["result"]["result"]["value"].clone()
    }
}

/// `dossier serve` on a free port for the dossier at `root`: the server, and its URL.
pub fn serve(root: &Path) -> (Killed, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
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

    (Killed(server), url)
}

/// Headless Chromium with a page open at `url`: the browser (killed when dropped), its
/// profile folder, and the page.
pub fn open(browser: &str, url: &str) -> (Killed, tempfile::TempDir, Page) {
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
    let port = devtools_port.expect("chromium's DevTools address");

    let target = devtools(port, "PUT", &format!("/json/new?{url}"));
    let ws_url = target["webSocketDebuggerUrl"].as_str().expect("a page").to_string();
    let (ws, _) = tungstenite::connect(ws_url).unwrap();
    (Killed(chrome), profile, Page { ws, next: 0 })
}
