//! What a reader sees is accessible: axe-core, in headless Chromium, finds no violation of
//! WCAG 2.2 A and AA or of its best practices on any kind of page of the example, in both
//! languages, in light and in dark. `.ci/run` installs axe-core with npm into `target/npm`
//! (or set AXE_CORE_JS to its `axe.min.js`); without it or Chromium the test says it was
//! skipped, unless DOSSIER_REQUIRE_TOOLS is set (as in CI), where it fails.

#[path = "support/browser.rs"]
mod browser;
mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One page of each kind, as the example has them.
const PAGES: &[&str] = &[
    "",
    "sources/",
    "sources/seed-cnbc-zh/",
    "people/",
    "people/elon-musk/",
    "organizations/tesla/",
    "events/",
    "events/h100-reallocation/",
    "claims/",
    "claims/musk-no-room-at-tesla/",
    "analysis/summary/",
    "timeline/",
    "conflicts/",
    "integrity/",
    "corrections/",
    "translations/",
    "search/",
    // The search page with results, once the preview's index has them.
    "search/?q=Huang",
];

/// The same kinds in Chinese, with a translation shown beside its original.
const ZH_PAGES: &[&str] = &[
    "zh-hant/",
    "zh-hant/people/elon-musk/",
    "zh-hant/organizations/tesla/",
    "zh-hant/events/h100-reallocation/",
    "zh-hant/events/h100-reallocation/side-by-side/",
    "zh-hant/claims/musk-no-room-at-tesla/",
    "zh-hant/timeline/",
    "zh-hant/conflicts/",
    "zh-hant/integrity/",
    "zh-hant/corrections/",
    "zh-hant/search/",
    "zh-hant/search/?q=%E9%A6%AC%E6%96%AF%E5%85%8B",
];

fn axe_source() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/npm/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(path).ok()
}

#[test]
fn every_kind_of_page_passes_axe_in_both_languages_light_and_dark() {
    let (Some(chromium), Some(axe)) = (browser::chromium(), axe_source()) else {
        common::skip_missing_tool(
            "chromium or axe-core",
            "apt-get install chromium; npm install --prefix target/npm axe-core",
        );
        return;
    };
    let (_server, url) = browser::serve(common::example_root());
    let (_chrome, _profile, mut page) = browser::open(chromium, "about:blank");
    let mut violations = Vec::new();
    let mut review = 0;
    for scheme in ["light", "dark"] {
        page.send(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
        for path in PAGES.iter().chain(ZH_PAGES) {
            let address = format!("{url}{path}");
            page.send("Page.navigate", json!({ "url": address }));
            let start = Instant::now();
            let loaded = format!(
                "document.readyState === 'complete' && location.href === {}",
                json!(address)
            );
            while page.evaluate(&loaded) != Value::Bool(true) {
                assert!(start.elapsed() < Duration::from_secs(20), "{address} did not load");
                std::thread::sleep(Duration::from_millis(30));
            }
            if path.contains("?q=") {
                // The preview indexes at the lowest priority, after its build: a debug build on a
                // loaded machine takes a minute or more (61 s with two busy cores). A page opened
                // before the index exists shows the plain lists: wait for it, then open it again.
                let indexed = "fetch('/pagefind/pagefind-entry.json', { cache: 'no-store' }).then(r => r.ok)";
                let waiting = Instant::now();
                while page.evaluate_async(indexed) != Value::Bool(true) {
                    assert!(
                        waiting.elapsed() < Duration::from_secs(300),
                        "the preview made no index"
                    );
                    std::thread::sleep(Duration::from_millis(200));
                }
                page.send("Page.reload", json!({}));
                let shown = "document.querySelectorAll('#search-results li').length > 0";
                let start = Instant::now();
                while page.evaluate(shown) != Value::Bool(true) {
                    assert!(start.elapsed() < Duration::from_secs(30), "{address} showed no result");
                    std::thread::sleep(Duration::from_millis(30));
                }
            }
            page.evaluate(&axe);
            let found = page.evaluate_async(
                "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
                   .then(r => JSON.stringify({
                     violations: r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0].target.join(' ')}`),
                     review: r.incomplete.map(v => `${v.id}: ${v.nodes.length}`)
                   }))",
            );
            let found: Value = serde_json::from_str(found.as_str().unwrap_or("{}")).unwrap_or(Value::Null);
            for v in found["violations"].as_array().into_iter().flatten() {
                violations.push(format!("/{path} ({scheme}): {}", v.as_str().unwrap_or_default()));
            }
            let items: Vec<&str> = found["review"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if !items.is_empty() {
                review += items.len();
                println!("needs review, /{path} ({scheme}): {}", items.join(", "));
            }
        }
    }
    println!(
        "axe-core: {} pages in two schemes, {} violations, {review} items needing review",
        PAGES.len() + ZH_PAGES.len(),
        violations.len()
    );
    assert!(violations.is_empty(), "axe-core violations:\n{}", violations.join("\n"));
}
