//! `dossier check`: a hand-written site with one case of each kind of break and as many good
//! links, checked with `--dir`; external links against a server on 127.0.0.1; and the example
//! dossier, which must pass.

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::Fixture;

fn check(dir: &std::path::Path, args: &[&str]) -> common::Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check").arg("--dir").arg(dir).args(args);
    common::run(cmd, dir.to_path_buf())
}

const GOOD_AND_BAD: &str = r##"<!DOCTYPE html>
<html><head>
<link rel="stylesheet" href="css/site.css">
<link rel="stylesheet" href="css/missing.css">
<link rel="preconnect" href="https://fonts.example">
<script src="js/app.js"></script>
<script src="js/missing.js"></script>
</head><body>
<h1 id="intro">Intro</h1><a name="legacy"></a>
<a href="about/">relative page</a>
<a href="/site/about/">root-relative page</a>
<a href="https://example.org/site/about/#team">absolute URL under the base</a>
<a href="#intro">same-page anchor</a>
<a href="#legacy">a name anchor</a>
<a href="about/#team">anchor on another page</a>
<a href="docs">folder with an index, no slash</a>
<a href="./about/index.html?x=1">query string</a>
<a href="mailto:desk@example.org">mail</a>
<a href="tel:+1-555-0100">phone</a>
<a href="https://other.example/page">another site</a>
<img src="img/a.png" alt="">
<img srcset="img/a.png 1x, img/b.png 2x" alt="">
<video poster="img/a.png"></video>
<form action="/site/search/"></form>
<div style="background: url('img/b.png')"></div>

<a href="missing/">missing page</a>
<a href="about/#nope">missing fragment</a>
<a href="#gone">missing same-page fragment</a>
<img src="img/missing.png" alt="">
<img srcset="img/a.png 1x, img/c.png 2x" alt="">
<a href="empty/">folder without index</a>
<a href="/other/page/">outside the base path</a>
<a href="../../up.html">climbs out</a>
<a href="mailto:not-an-address">bad mail</a>
<a href="/site/missing/">missing page, root-relative</a>
<a href="/site/about/#nope">missing fragment, root-relative</a>
<a href="/site/empty/">folder without index, root-relative</a>
<a href="/site/img/missing.png">missing file, root-relative</a>
</body></html>
"##;

fn site() -> Fixture {
    Fixture::empty()
        .file("site/index.html", GOOD_AND_BAD)
        .file(
            "site/about/index.html",
            "<h1 id=\"team\">Team</h1><a href=\"../\">home</a>",
        )
        .file("site/docs/index.html", "<p>docs</p>")
        .file("site/search/index.html", "<p>search</p>")
        .file("site/empty/file.txt", "x")
        .bytes("site/img/a.png", b"png")
        .bytes("site/img/b.png", b"png")
        .file("site/js/app.js", "")
        .file(
            "site/css/site.css",
            "body { background: url(../img/a.png) }\n.x { background: url(\"../img/missing-bg.png\") }\n",
        )
}

#[test]
fn every_kind_of_break_is_found_and_nothing_else() {
    let f = site();
    let run = check(
        &f.root().join("site"),
        &["--base-url", "https://example.org/site/", "--format", "json"],
    );
    run.fails(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: BTreeSet<(String, String)> = json["broken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["page"].as_str().unwrap().to_string(),
                b["url"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("/site/", "css/missing.css"),
        ("/site/", "js/missing.js"),
        ("/site/", "missing/"),
        ("/site/", "about/#nope"),
        ("/site/", "#gone"),
        ("/site/", "img/missing.png"),
        ("/site/", "img/c.png"),
        ("/site/", "empty/"),
        ("/site/", "/other/page/"),
        ("/site/", "../../up.html"),
        ("/site/", "mailto:not-an-address"),
        ("/site/", "/site/missing/"),
        ("/site/", "/site/about/#nope"),
        ("/site/", "/site/empty/"),
        ("/site/", "/site/img/missing.png"),
        ("/site/css/site.css", "../img/missing-bg.png"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(found, want, "{}", run.stdout);
    // The good links are counted as checked.
    assert!(json["links"].as_u64().unwrap() >= 30, "{}", run.stdout);
}

#[test]
fn reports_say_where_and_how_to_fix() {
    let f = site();
    let run = check(&f.root().join("site"), &["--base-url", "https://example.org/site/"]);
    run.fails(1);
    let dir = f.root().join("site");
    let page = format!("{}/index.html", dir.display());
    for (line_col, message, help) in [
        (
            ":27:10",
            "`missing/` leads to `/site/missing/`, where there is no page",
            None,
        ),
        (
            ":28:10",
            "there is no anchor `#nope` on /site/about/",
            Some("its anchors are #team"),
        ),
        (":29:10", "there is no anchor `#gone` on this page", None),
        (
            ":32:10",
            "`empty/` leads to the folder /site/empty/, which has no index.html",
            None,
        ),
        (
            ":33:10",
            "`/other/page/` is outside the site, which is published under /site/",
            None,
        ),
        (":34:10", "`../../up.html` climbs out of the site", None),
        (
            ":36:10",
            "`/site/missing/` leads to `/site/missing/`, where there is no page",
            None,
        ),
        (
            ":37:10",
            "there is no anchor `#nope` on /site/about/",
            Some("its anchors are #team"),
        ),
        (
            ":38:10",
            "`/site/empty/` leads to the folder /site/empty/, which has no index.html",
            None,
        ),
        (
            ":39:10",
            "`/site/img/missing.png` leads to `/site/img/missing.png`, which does not exist",
            None,
        ),
    ] {
        run.reports(&format!("{page}{line_col}"), message);
        if let Some(h) = help {
            assert!(run.stderr.contains(h), "missing {h}:\n{}", run.stderr);
        }
    }
    assert!(run.stdout.contains("16 broken"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("1 links to other sites not checked (use --external)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_clean_site_passes_and_a_missing_folder_is_a_usage_error() {
    let f = site();
    let root = f.root().join("site");
    std::fs::write(
        root.join("index.html"),
        "<a href=\"about/#team\">ok</a><img src=\"img/a.png\">",
    )
    .unwrap();
    std::fs::write(root.join("css/site.css"), "body{}").unwrap();
    let run = check(&root, &["--base-url", "/site/"]);
    run.ok();
    assert!(run.stdout.contains("none broken"), "{}", run.stdout);
    check(&f.root().join("nope"), &[]).fails(2);
}

#[test]
fn a_typo_in_a_page_link_gets_a_suggestion() {
    let f = site();
    let root = f.root().join("site");
    std::fs::write(root.join("index.html"), "<a href=\"abut/\">typo</a>").unwrap();
    std::fs::write(root.join("docs/index.html"), "<a href=\"../abuot/\">typo</a>").unwrap();
    let run = check(&root, &[]);
    run.fails(1);
    // Root-relative, so the suggestion holds on whatever page the link is.
    assert_eq!(
        run.stderr.matches("did you mean `/about/`?").count(),
        2,
        "{}",
        run.stderr
    );

    // Every broken link gets its suggestion, however many there are.
    std::fs::write(root.join("index.html"), "<a href=\"abut/\">typo</a>\n".repeat(1000)).unwrap();
    let run = check(&root, &[]);
    assert_eq!(
        run.stderr.matches("did you mean `/about/`?").count(),
        1001,
        "{}",
        run.stdout
    );
}

#[test]
fn links_from_notes_point_at_the_note() {
    let f = Fixture::new()
        .file(
            "content/pages/a.md",
            "---\ntitle: A\n---\nText.\n\nSee [the list](../../nowhere/) here.\n",
        )
        .file(
            "content/pages/b.md",
            "---\ntitle: B\n---\n<a href=\"../a/#missing\">raw HTML</a>\n",
        );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check").arg("--root").arg(f.root());
    let run = common::run(cmd, f.root().join("public"));
    run.fails(1)
        .reports(
            "content/pages/a.md:6:16",
            "broken link on /pages/a/: `../../nowhere/` leads to `/nowhere/`",
        )
        .reports("content/pages/b.md:4:10", "there is no anchor `#missing` on /pages/a/");
    assert!(!f.root().join("public").exists(), "check writes nothing");
}

/// A server on 127.0.0.1 with one path per answer, counting the requests it gets.
struct TestServer {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
    max_parallel: Arc<AtomicUsize>,
}

fn serve() -> TestServer {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let hits = Arc::new(Mutex::new(Vec::new()));
    let max_parallel = Arc::new(AtomicUsize::new(0));
    let busy_seen = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicUsize::new(0));
    let (h, m) = (hits.clone(), max_parallel.clone());
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let (h, m, busy_seen, running) = (h.clone(), m.clone(), busy_seen.clone(), running.clone());
            std::thread::spawn(move || {
                let path = req.url().to_string();
                h.lock().unwrap().push(path.clone());
                // Concurrency is measured on the paths that answer promptly; a timed-out request
                // keeps the server busy after the client has let go of it.
                let measured = path.starts_with("/same-host/");
                if measured {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    m.fetch_max(now, Ordering::SeqCst);
                }
                let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap();
                let resp = match path.as_str() {
                    "/ok" => tiny_http::Response::from_string("ok"),
                    "/missing" => tiny_http::Response::from_string("no").with_status_code(404),
                    "/busy" if busy_seen.fetch_add(1, Ordering::SeqCst) == 0 => {
                        tiny_http::Response::from_string("wait")
                            .with_status_code(429)
                            .with_header(header("Retry-After", "1"))
                    }
                    "/busy" => tiny_http::Response::from_string("ok"),
                    "/limited" => tiny_http::Response::from_string("come back tomorrow")
                        .with_status_code(429)
                        .with_header(header("Retry-After", "100000")),
                    "/moved" => tiny_http::Response::from_string("")
                        .with_status_code(301)
                        .with_header(header("Location", "/ok")),
                    "/slow" => {
                        std::thread::sleep(std::time::Duration::from_secs(3));
                        tiny_http::Response::from_string("late")
                    }
                    p if p.starts_with("/same-host/") => {
                        std::thread::sleep(std::time::Duration::from_millis(150));
                        tiny_http::Response::from_string("ok")
                    }
                    _ => tiny_http::Response::from_string("?").with_status_code(500),
                };
                if measured {
                    running.fetch_sub(1, Ordering::SeqCst);
                }
                let _ = req.respond(resp);
            });
        }
    });
    TestServer {
        base,
        hits,
        max_parallel,
    }
}

#[test]
fn external_links_are_checked_against_a_local_server_and_cached() {
    let server = serve();
    let b = &server.base;
    let mut page = String::new();
    for p in ["/ok", "/missing", "/busy", "/moved", "/slow"] {
        page.push_str(&format!("<a href=\"{b}{p}\">{p}</a>\n"));
    }
    for i in 0..6 {
        page.push_str(&format!("<a href=\"{b}/same-host/{i}\">{i}</a>\n"));
    }
    page.push_str(&format!(
        "<a href=\"{b}/ok\">twice</a>\n<a href=\"{b}/excluded/x\">skip</a>\n"
    ));
    let f = Fixture::empty().file("site/index.html", &page);
    let root = f.root().join("site");
    let cache = f.root().join("cache.json");
    let cache_arg = cache.to_str().unwrap();
    let args = [
        "--external",
        "--timeout",
        "1",
        "--cache",
        cache_arg,
        "--exclude",
        "/excluded/",
        "--format",
        "json",
    ];
    let run = check(&root, &args);
    run.fails(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let outcome = |path: &str| -> serde_json::Value {
        json["external"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == format!("{b}{path}"))
            .unwrap_or_else(|| panic!("{path} not in {}", run.stdout))
            .clone()
    };
    assert_eq!(outcome("/ok")["result"], "ok");
    assert_eq!(outcome("/missing")["result"], "broken");
    assert_eq!(outcome("/missing")["status"], 404);
    assert_eq!(outcome("/busy")["result"], "ok", "a 429 is retried after Retry-After");
    assert_eq!(outcome("/moved")["result"], "redirected");
    assert_eq!(outcome("/moved")["to"], format!("{b}/ok"));
    assert_eq!(outcome("/slow")["result"], "broken", "a slow answer times out");
    assert_eq!(outcome("/excluded/x")["result"], "excluded");
    let hits = server.hits.lock().unwrap().clone();
    assert_eq!(
        hits.iter().filter(|h| *h == "/ok").count(),
        2,
        "/ok once, and once more after /moved: {hits:?}"
    );
    assert_eq!(hits.iter().filter(|h| *h == "/busy").count(), 2);
    assert!(!hits.iter().any(|h| h.starts_with("/excluded")));
    let parallel = server.max_parallel.load(Ordering::SeqCst);
    assert!(
        parallel <= 2,
        "at most two requests to one host at once, saw {parallel}"
    );
    // The human report names the page and the status.
    let human = check(
        &root,
        &[
            "--external",
            "--timeout",
            "1",
            "--no-cache",
            "--exclude",
            "/excluded/|/slow|/busy",
        ],
    );
    assert!(
        human
            .stderr
            .contains(&format!("broken external link `{b}/missing`: the server answered 404")),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains(&format!("`{b}/moved` redirects (301) to {b}/ok")),
        "{}",
        human.stderr
    );

    // A rerun asks again only for what was broken.
    server.hits.lock().unwrap().clear();
    let rerun = check(&root, &args);
    rerun.fails(1);
    let hits = server.hits.lock().unwrap().clone();
    assert!(!hits.contains(&"/ok".to_string()), "cached: {hits:?}");
    assert!(!hits.contains(&"/moved".to_string()), "cached: {hits:?}");
    assert!(
        hits.contains(&"/missing".to_string()),
        "broken results are checked again: {hits:?}"
    );
    assert!(rerun.stdout.contains("\"result\": \"ok\""));
    let cache_text = std::fs::read_to_string(&cache).unwrap();
    assert!(cache_text.contains("dossier-link-cache/1"));

    // An expired cache is not used.
    server.hits.lock().unwrap().clear();
    let mut expired = args.to_vec();
    expired.extend(["--cache-max-age", "0"]);
    check(&root, &expired);
    assert!(server.hits.lock().unwrap().contains(&"/ok".to_string()));
}

#[test]
fn the_example_dossier_passes() {
    let root = common::example_root();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check").arg("--root").arg(root);
    let run = common::run(cmd, root.join("public"));
    run.ok();
    assert!(run.stdout.contains("none broken"), "{}", run.stdout);
    // No problem, no open gap: the gaps the example has are the ones its notes explain.
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout
            .contains("Integrity: 0 open gaps, 18 explained by their notes"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_exclude_list_in_the_settings_is_used() {
    let index =
        "---\ntitle: T\nbase_url: https://example.org/\ncheck:\n  exclude: ['^http://127\\.0\\.0\\.1:9/']\n---\n";
    let f = Fixture::empty().file("content/_index.md", index).file(
        "content/pages/a.md",
        "---\ntitle: A\n---\n[gone](http://127.0.0.1:9/x) and [more](http://127.0.0.1:9/y)\n",
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check")
        .arg("--root")
        .arg(f.root())
        .args(["--external", "--no-cache"]);
    let run = common::run(cmd, f.root().join("public"));
    run.ok();
    assert!(
        run.stdout.contains("2 external URLs (0 from the cache): 0 broken"),
        "{}",
        run.stdout
    );

    let bad = Fixture::empty().file(
        "content/_index.md",
        "---\ntitle: T\ncheck:\n  exclude: ['(unclosed']\n---\n",
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check").arg("--root").arg(bad.root());
    let run = common::run(cmd, bad.root().join("public"));
    run.fails(2)
        .reports("content/_index.md:4:13", "`(unclosed` is not a regular expression");
}

#[test]
fn a_folder_built_by_dossier_is_checked_under_the_base_url_it_was_built_for() {
    let f = Fixture::new()
        .file(
            "content/_index.md",
            "---\ntitle: T\nbase_url: https://example.org/case/\n---\n[[a]]\n",
        )
        .file("content/pages/a.md", "---\ntitle: A\n---\nBack [home](../../).\n");
    f.build(&[]).ok();
    let out = f.root().join("public");
    let run = check(&out, &[]);
    run.ok();
    assert!(run.stdout.contains("none broken"), "{}", run.stdout);
    // Told otherwise, every root-relative link is outside the site.
    check(&out, &["--base-url", "/"]).fails(1);
}

#[test]
fn links_that_run_a_script_are_warned_about_where_they_are() {
    let page = concat!(
        "<a href=\"javascript:alert(document.domain)\">a</a>\n",
        "<iframe src=\" JaVa&#x09;Script:alert(1)\"></iframe>\n",
        "<form action=\"vbscript:msgbox(1)\"><button formaction=\"javascript:x()\">b</button>",
        "<input type=submit formaction=\"javascript:y()\"></form>\n",
        "<object data=\"data:text/html;base64,PHNjcmlwdD4=\"></object>\n",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"\"><a href=\"#\">top</a>\n",
    );
    let f = Fixture::empty().file("site/index.html", page);
    let root = f.root().join("site");
    let run = check(&root, &[]);
    // Warnings: the check passes, and says where each one is.
    run.ok();
    let file = format!("{}/index.html", root.display());
    for (place, url) in [
        (":1:10", "javascript:alert(document.domain)"),
        (":2:14", " JaVa&#x09;Script:alert(1)"),
        (":3:15", "vbscript:msgbox(1)"),
        (":3:55", "javascript:x()"),
        (":3:112", "javascript:y()"),
        (":4:15", "data:text/html;base64,PHNjcmlwdD4="),
    ] {
        let url = url.replace("&#x09;", "\\t");
        let message = format!("unsafe link on /: `{}` runs a script", url.trim());
        run.reports(&format!("{file}{place}"), &message);
    }
    assert_eq!(run.stderr.matches("warning: unsafe link").count(), 6, "{}", run.stderr);
    assert!(run.stdout.contains("none broken; 6 unsafe links"), "{}", run.stdout);

    let json = check(&root, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let unsafe_links = json["unsafe_links"].as_array().unwrap();
    assert_eq!(unsafe_links.len(), 6, "{json}");
    assert_eq!(unsafe_links[0]["line"], 1);
    assert_eq!(unsafe_links[0]["col"], 10);
    assert_eq!(json["ok"], true);
}

/// Runs `dossier check --dir DIR ARGS…`, failing if it has not ended within `limit`.
fn check_within(dir: &std::path::Path, args: &[&str], limit: std::time::Duration) -> common::Run {
    let out = tempfile::tempdir().unwrap();
    let (stdout, stderr) = (out.path().join("stdout"), out.path().join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("check")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("DOSSIER_LOG")
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dossier check did not end within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    common::Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(stdout).unwrap(),
        stderr: std::fs::read_to_string(stderr).unwrap(),
        out: dir.to_path_buf(),
    }
}

#[test]
fn a_server_asking_to_wait_past_the_timeout_gets_the_url_reported_as_rate_limited() {
    let server = serve();
    let page = format!("<a href=\"{}/limited\">x</a>\n", server.base);
    let f = Fixture::empty().file("site/index.html", &page);
    let root = f.root().join("site");
    // The server asks for 100,000 s; the check gives a URL 1 s.
    let limit = std::time::Duration::from_secs(60);
    let run = check_within(
        &root,
        &["--external", "--timeout", "1", "--no-cache", "--format", "json"],
        limit,
    );
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let outcome = &json["external"][0];
    assert_eq!(outcome["result"], "rate-limited", "{json}");
    assert_eq!(outcome["retry_after"], 100000, "{json}");
    assert_eq!(server.hits.lock().unwrap().len(), 1, "asked once, not again");

    let run = check_within(&root, &["--external", "--timeout", "1", "--no-cache"], limit);
    run.ok();
    assert!(
        run.stderr
            .contains("is not checked: rate limited (429), retry after 100000 s"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("0 broken, 0 redirected, 1 rate limited"),
        "{}",
        run.stdout
    );
}

#[test]
fn credentials_in_external_urls_are_neither_stored_nor_printed() {
    let server = serve();
    let with_credentials = server.base.replace("http://", "http://reader:s3cret@");
    let mut page = String::new();
    for p in ["/ok", "/missing", "/moved"] {
        page.push_str(&format!("<a href=\"{with_credentials}{p}\">{p}</a>\n"));
    }
    let f = Fixture::empty().file("site/index.html", &page);
    let root = f.root().join("site");
    let cache = f.root().join("cache.json");
    for format in ["json", "human"] {
        let run = check(
            &root,
            &[
                "--external",
                "--timeout",
                "5",
                "--cache",
                cache.to_str().unwrap(),
                "--format",
                format,
            ],
        );
        run.fails(1);
        // The messages and the JSON report leave them out; a snippet quotes the page as it is.
        let messages = run.stderr.lines().filter(|l| !l.contains(" | "));
        for text in messages.chain(run.stdout.lines()) {
            assert!(!text.contains("s3cret") && !text.contains("reader:"), "{text}");
        }
        assert!(
            run.stderr.contains(&format!("{}/missing", server.base))
                || run.stdout.contains(&format!("{}/missing", server.base)),
            "the URL is reported without them: {}{}",
            run.stdout,
            run.stderr
        );
    }
    let stored = std::fs::read_to_string(&cache).unwrap();
    assert!(!stored.contains("s3cret") && !stored.contains("reader:"), "{stored}");
    assert!(stored.contains(&format!("\"{}/ok\"", server.base)), "{stored}");
}

#[test]
fn a_search_index_that_leads_nowhere_is_reported() {
    let f = Fixture::new()
        .file("content/people/ann.md", "---\nname: Ann\n---\n## Early life\n\nAnn.\n")
        .file("content/people/bob.md", "---\nname: Bob\n---\nBob.\n");
    f.build(&[]).ok();
    let out = f.root().join("public");
    let run = check(&out, &[]);
    run.ok();
    assert!(run.stdout.contains("none broken"), "{}", run.stdout);
    // Each result is a link: Bob's fragment, pointed at a page that is not there.
    let fragments: Vec<_> = std::fs::read_dir(out.join("pagefind/fragment"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let bob = fragments
        .iter()
        .find(|p| {
            let mut text = String::new();
            let bytes = std::fs::read(p).unwrap();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text).unwrap();
            text.contains("/people/bob/")
        })
        .unwrap();
    let mut text = String::new();
    let bytes = std::fs::read(bob).unwrap();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, text.replace("/people/bob/", "/people/robert/").as_bytes()).unwrap();
    std::fs::write(bob, gz.finish().unwrap()).unwrap();
    // One language's word index gone, and one fragment that is not one.
    let wasm = std::fs::read_dir(out.join("pagefind"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("wasm.en.pagefind"))
        .unwrap();
    std::fs::remove_file(wasm).unwrap();
    let other = fragments.iter().find(|p| *p != bob).unwrap();
    std::fs::write(other, b"garbage").unwrap();
    let run = check(&out, &[]);
    run.fails(1);
    let said = &run.stderr;
    assert!(said.contains("people/robert"), "{said}");
    assert!(said.contains("wasm.en.pagefind"), "{said}");
    assert!(
        said.contains("this file of the search index cannot be read: not gzip"),
        "{said}"
    );
    assert_eq!(said.matches("error:").count(), 3, "{said}");
}
