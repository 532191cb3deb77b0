//! Search, as a reader uses it: the example built with its Pagefind index, served over HTTP,
//! searched in headless Chromium from a page's search box, in both languages, and narrowed by
//! a filter. Without Chromium the test says it was skipped, unless DOSSIER_REQUIRE_TOOLS is set
//! (as in CI), where it fails.

#[path = "support/browser.rs"]
mod browser;
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A static file server for `root` on a free port, as a host serves a built site (Python's
/// threaded `http.server`, which answers Chromium's parallel requests as a host does): the
/// server, killed when dropped, and its URL. `None` (the test says it was skipped) without
/// python3, unless DOSSIER_REQUIRE_TOOLS is set, where it fails.
fn serve_static(root: &Path) -> Option<(browser::Killed, String)> {
    let spawned = Command::new("python3")
        .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(child) = spawned else {
        common::skip_missing_tool("python3", "apt-get install python3");
        return None;
    };
    let mut server = browser::Killed(child);
    let stdout = server.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("python3 -m http.server said nothing in 20 s");
    // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
    let url = line
        .split(['(', ')'])
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    Some((server, url))
}

/// The example built for the site's root: its folder (kept while the value lives) and the site.
fn build_example_at_root() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["build", "--base-url", "/", "--root"])
        .arg(common::example_root())
        .arg("--output")
        .arg(&site);
    common::run(cmd, site.clone()).ok();
    (out, site)
}

/// Waits until `expression` is true in the page, for at most thirty seconds (a readiness wait,
/// not a timing: a loaded CI machine runs Chromium and Pagefind's WebAssembly slowly). On
/// timeout it says where the page was and what the search page's status said.
fn wait_for(page: &mut browser::Page, expression: &str) {
    let start = Instant::now();
    while page.evaluate(expression) != Value::Bool(true) {
        if start.elapsed() > Duration::from_secs(30) {
            let state = page.evaluate(
                "location.href + ' | status: ' + (document.getElementById('search-status')?.textContent ?? '(none)')",
            );
            panic!("timed out waiting for {expression}; page: {state}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn open_at(page: &mut browser::Page, url: &str) {
    page.send("Page.navigate", json!({ "url": url }));
    wait_for(
        page,
        &format!("document.readyState === 'complete' && location.href === {}", json!(url)),
    );
}

/// Types `words` into the page's search box and sends the form: the search page's results,
/// as the paths they link to, once it shows them.
fn search_from_box(page: &mut browser::Page, words: &str) -> Vec<String> {
    page.evaluate(&format!(
        "(() => {{ const q = document.getElementById('site-search-q'); q.value = {}; q.form.submit(); }})()",
        json!(words)
    ));
    wait_for(
        page,
        "location.pathname.endsWith('/search/') && document.querySelectorAll('#search-results li').length > 0",
    );
    results(page)
}

fn results(page: &mut browser::Page) -> Vec<String> {
    let v = page.evaluate("[...document.querySelectorAll('#search-results li a')].map(a => a.pathname)");
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The example's claims whose status is `status`, by their pages' paths.
fn claims_with_status(status: &str) -> Vec<String> {
    let dir = common::example_root().join("content/claims");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().matches('.').count() == 1)
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap()
                .lines()
                .any(|l| l.trim() == format!("status: {status}"))
        })
        .map(|e| format!("/claims/{}/", e.path().file_stem().unwrap().to_string_lossy()))
        .collect();
    found.sort();
    found
}

#[test]
fn a_reader_finds_people_and_claims_in_both_languages_and_filters_the_claims() {
    let Some(chromium) = browser::chromium() else {
        common::skip_missing_tool("chromium", "apt-get install chromium");
        return;
    };
    let (_out, site) = build_example_at_root();
    let Some((_server, url)) = serve_static(&site) else {
        return;
    };
    let (_chrome, _profile, mut page) = browser::open(chromium, "about:blank");

    // A Chinese name, typed on the Chinese home page, finds that person's Chinese page first.
    open_at(&mut page, &format!("{url}zh-hant/"));
    let found = search_from_box(&mut page, "馬斯克");
    assert_eq!(
        found.first().map(String::as_str),
        Some("/zh-hant/people/elon-musk/"),
        "{found:?}"
    );
    assert!(found.iter().all(|p| p.starts_with("/zh-hant/")), "{found:?}");

    // Words of a claim, typed on an English page, find the claim first.
    open_at(&mut page, &format!("{url}events/"));
    let found = search_from_box(&mut page, "allocate fairly");
    assert_eq!(
        found.first().map(String::as_str),
        Some("/claims/huang-allocate-fairly/"),
        "{found:?}"
    );
    // Each result says its kind and its summary, in the page's language.
    let first = page.evaluate(
        "[...document.querySelector('#search-results li').children].map(p => p.className + ': ' + p.textContent)",
    );
    let parts: Vec<&str> = first.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(parts[0], "kind: Claim", "{parts:?}");
    assert!(
        parts[1].starts_with("result-title: Nvidia allocates its GPUs fairly"),
        "{parts:?}"
    );
    assert!(
        parts[2].starts_with("summary: On Nvidia's February 2024 call"),
        "{parts:?}"
    );
    assert!(
        parts[3].starts_with("excerpt: ") && parts[3].contains("fairly"),
        "{parts:?}"
    );

    // The status filter narrows the results to exactly the claims with that status.
    open_at(&mut page, &format!("{url}search/"));
    wait_for(
        &mut page,
        "document.querySelectorAll('#search-filters select').length > 0",
    );
    page.evaluate(
        "(() => { const label = [...document.querySelectorAll('#search-filters label')].find(l => l.textContent === 'Status');
                  const select = document.getElementById(label.htmlFor);
                  select.value = 'denied';
                  select.dispatchEvent(new Event('change')); })()",
    );
    wait_for(&mut page, "document.querySelectorAll('#search-results li').length > 0");
    let mut found = results(&mut page);
    found.sort();
    let denied = claims_with_status("denied");
    assert!(!denied.is_empty());
    assert_eq!(found, denied);
}

#[test]
fn search_is_on_unless_a_dossier_turns_it_off() {
    let f = common::Fixture::new().file("content/people/ann.md", "---\nname: Ann\n---\nAnn.\n");
    let run = f.build(&[]);
    run.ok();
    assert!(run.out.join("pagefind/pagefind.js").exists());
    assert!(run.page("people/ann/index.html").contains("class=\"site-search\""));
    let f = f.file(
        "content/_index.md",
        "---\ntitle: Test dossier\nbase_url: /\nsearch: false\n---\n",
    );
    let run = f.build(&[]);
    run.ok();
    assert!(!run.out.join("pagefind").exists());
    assert!(!run.out.join("search").exists());
    assert!(!run.page("people/ann/index.html").contains("site-search"));
}

#[test]
fn the_preview_searches_each_edit_a_moment_after_it_shows_it() {
    let Some(chromium) = browser::chromium() else {
        common::skip_missing_tool("chromium", "apt-get install chromium");
        return;
    };
    let f = common::Fixture::new().file("content/people/ann.md", "---\nname: Ann Quist\n---\nAnn.\n");
    let (_server, url) = browser::serve(f.root());
    let (_chrome, _profile, mut page) = browser::open(chromium, "about:blank");
    let finds = |page: &mut browser::Page, words: &str| {
        // The index follows the build: the search page is loaded again until it has it.
        let start = Instant::now();
        loop {
            open_at(page, &format!("{url}search/?q={words}"));
            let searched = "document.getElementById('search-status').textContent !== ''";
            let _ = (0..40).find(|_| {
                std::thread::sleep(Duration::from_millis(50));
                page.evaluate(searched) == Value::Bool(true)
            });
            let found = results(page);
            if !found.is_empty() || start.elapsed() > Duration::from_secs(20) {
                return found;
            }
        }
    };
    assert_eq!(finds(&mut page, "Quist"), ["/people/ann/"]);
    std::fs::write(
        f.root().join("content/people/ann.md"),
        "---\nname: Ann Zebulon\n---\nAnn.\n",
    )
    .unwrap();
    assert_eq!(finds(&mut page, "Zebulon"), ["/people/ann/"]);
}

#[test]
fn the_lists_narrow_to_a_status_a_type_and_a_way_of_reading() {
    let Some(chromium) = browser::chromium() else {
        common::skip_missing_tool("chromium", "apt-get install chromium");
        return;
    };
    let (_out, site) = build_example_at_root();
    let Some((_server, url)) = serve_static(&site) else {
        return;
    };
    let (_chrome, _profile, mut page) = browser::open(chromium, "about:blank");
    // Chooses `value` in the filter labelled `label`: the links of the items still shown.
    let narrow = |page: &mut browser::Page, label: &str, value: &str| -> Vec<String> {
        wait_for(
            page,
            "document.querySelector('.list-filters') && !document.querySelector('.list-filters').hidden",
        );
        page.evaluate(&format!(
            "(() => {{ const label = [...document.querySelectorAll('.list-filters label')].find(l => l.textContent === {});
                      const select = document.getElementById(label.htmlFor);
                      select.value = {};
                      select.dispatchEvent(new Event('change')); }})()",
            json!(label),
            json!(value)
        ));
        let v = page.evaluate(
            "[...document.querySelectorAll('.list-filters + * li:not([hidden]) > a:first-child, .list-filters + * tr:not([hidden]) td:first-child a')].map(a => a.pathname)",
        );
        // What the filter hides takes no room on the page.
        let unseen =
            "[...document.querySelectorAll('.list-filters + * [hidden]')].every(e => e.getClientRects().length === 0)";
        assert_eq!(page.evaluate(unseen), Value::Bool(true));
        let mut found: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        found.sort();
        found
    };
    open_at(&mut page, &format!("{url}claims/"));
    let all = page.evaluate("document.querySelectorAll('.note-list li').length");
    assert_eq!(narrow(&mut page, "Status", "denied"), claims_with_status("denied"));
    let said = page.evaluate("document.querySelector('.list-filters [role=status]').textContent");
    assert_eq!(said, json!(format!("1 of {all} shown")));

    // Events by their type, as each event's page names it.
    open_at(&mut page, &format!("{url}events/"));
    let transfers = narrow(&mut page, "Event type", "transfer");
    let mut typed: Vec<String> = std::fs::read_dir(common::example_root().join("content/events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().matches('.').count() == 1)
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .any(|l| l.trim() == "type: transfer")
        })
        .map(|p| format!("/events/{}/", p.file_stem().unwrap().to_string_lossy()))
        .collect();
    typed.sort();
    assert!(!typed.is_empty());
    assert_eq!(transfers, typed);
    // Sources by how the dossier read them, in Chinese on the Chinese list.
    open_at(&mut page, &format!("{url}zh-hant/sources/"));
    let direct = narrow(&mut page, "閱讀方式", "直接閱讀");
    let rows = page
        .evaluate("document.querySelectorAll('tbody tr').length")
        .as_u64()
        .unwrap();
    assert!(!direct.is_empty() && (direct.len() as u64) < rows, "{direct:?}");
    for path in &direct {
        let id = path.trim_end_matches('/').rsplit('/').next().unwrap();
        let note = std::fs::read_to_string(common::example_root().join(format!("content/sources/{id}.md"))).unwrap();
        assert!(!note.contains("\nvia:"), "{id} is read through another source");
    }
}
