//! `dossier serve` in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
//! installs) opens a page; the test changes the note on disk and sees the page show the change
//! by itself. The test drives the browser over the DevTools protocol.
//!
//! Without Chromium the test says it was skipped, unless DOSSIER_REQUIRE_TOOLS is set (as in
//! CI), where it fails.

mod common;

#[path = "support/browser.rs"]
mod browser;

use std::time::{Duration, Instant};

use browser::{Page, chromium};
use common::Fixture;
use serde_json::Value;

#[test]
fn the_browser_shows_a_saved_change_by_itself() {
    let Some(browser) = chromium() else {
        common::skip_missing_tool("chromium", "apt-get install chromium");
        return;
    };
    let f = Fixture::empty()
        .file("content/_index.md", "---\ntitle: Preview\n---\nHome.\n")
        .file(
            "content/events/a.md",
            "---\ntitle: Before the save\ndate: \"2024-06\"\n---\nFirst version.\n",
        );
    let (_server, url) = browser::serve(f.root());
    let (_chrome, _profile, mut page) = browser::open(browser, &format!("{url}events/a/"));

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
