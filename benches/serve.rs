//! How long `dossier serve` takes from saving a note to telling the open pages to reload, on a
//! generated dossier of 10,000 notes. Run with `cargo bench --bench serve`;
//! `DOSSIER_BENCH_NOTES` sets the size.
//!
//! The real binary serves the dossier; the bench listens on its event stream like a page
//! does, saves an edit to one note's body (and, every other time, to a title), and times the
//! arrival of the reload event. The figures are medians over the body edits and over the title
//! edits. The time includes the watcher's debounce.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/support/generate.rs"]
mod generate;

fn main() {
    let notes: usize = std::env::var("DOSSIER_BENCH_NOTES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    generate::generate(&root, notes, 1).expect("generate a dossier");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dossier serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("the server's first line");
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    eprintln!("{}", line.trim());
    // Keep reading the server's output, so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});

    let mut events = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        events,
        "GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    events.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut events = BufReader::new(events);
    let mut l = String::new();
    while events.read_line(&mut l).is_ok_and(|n| n > 0) && !l.starts_with("retry:") {
        l.clear();
    }

    let note = std::fs::read_dir(root.join("content/events"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .min()
        .expect("an event");
    let original = std::fs::read_to_string(&note).unwrap();
    let edited = |title: usize, body: usize| {
        format!(
            "{}\nEdit number {body}.\n",
            original.replacen("title: ", &format!("title: ({title}) "), 1)
        )
    };
    // The state the edits start from.
    std::fs::write(&note, edited(0, 0)).unwrap();
    while events.read_line(&mut l).is_ok_and(|n| n > 0) && !l.starts_with("event: reload") {
        l.clear();
    }
    let mut times = Vec::new();
    for k in 0..16usize {
        std::thread::sleep(Duration::from_millis(300));
        // Each edit changes one thing from the state before it: the body (even edits) or the
        // title (odd ones).
        let text = edited(k.div_ceil(2), k / 2 + 1);
        let saved = Instant::now();
        std::fs::write(&note, text).unwrap();
        loop {
            l.clear();
            if events.read_line(&mut l).map_or(true, |n| n == 0) {
                panic!("the event stream ended");
            }
            if l.starts_with("event: reload") {
                break;
            }
        }
        times.push(saved.elapsed());
    }
    let _ = child.kill();
    let _ = child.wait();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // Even edits change the body, odd ones the title (which every list showing it shows too).
    for (what, parity) in [("body edits", 0), ("title edits", 1)] {
        let mut sorted: Vec<Duration> = times
            .iter()
            .enumerate()
            .filter(|(k, _)| k % 2 == parity)
            .map(|(_, t)| *t)
            .collect();
        sorted.sort();
        println!(
            "serve: save to reload event on {notes} notes, {what}: median {:.0} ms, best {:.0} ms, worst {:.0} ms over {}",
            ms(sorted[sorted.len() / 2]),
            ms(sorted[0]),
            ms(sorted[sorted.len() - 1]),
            sorted.len()
        );
    }
}
