//! Generated dossiers (`tests/support/generate.rs`), as the benchmarks use them: a thousand notes build
//! without a warning and pass `dossier check`, and rebuilding after edits of every kind gives
//! byte for byte what a full build gives.

mod common;
#[path = "support/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;

use dossier::check::extract;
use dossier::serve::{Outcome, Session};
use dossier::site::OutputTree;

const BASE: &str = "http://127.0.0.1:1111/";

fn generate(notes: usize, seed: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dossier");
    let g = generate::generate(&root, notes, seed).unwrap();
    assert_eq!(g.counts.total(), notes);
    (dir, root)
}

#[test]
fn a_thousand_generated_notes_build_cleanly_and_pass_check() {
    let (_dir, root) = generate(1000, 1);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["build", "--root"]).arg(&root);
    let run = common::run(cmd, root.join("public"));
    run.ok();
    assert_eq!(run.stderr, "", "no warning");
    assert!(run.stdout.starts_with("Built 1000 notes into "), "{}", run.stdout);
    // Every kind of page is there, in both languages.
    for page in [
        "index.html",
        "sources/source-0/index.html",
        "people/person-0/index.html",
        "organizations/org-0/index.html",
        "events/event-0/index.html",
        "claims/claim-0/index.html",
        "analysis/page-0/index.html",
        "timeline/index.html",
        "conflicts/index.html",
        "zh-hant/index.html",
    ] {
        assert!(root.join("public").join(page).is_file(), "{page}");
    }
    let translated = std::fs::read_dir(root.join("public/zh-hant/events")).unwrap().count();
    assert!(translated > 0, "some events are translated");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["check", "--dir"]).arg(root.join("public"));
    let run = common::run(cmd, root.join("public"));
    run.ok();
    assert!(run.stdout.contains("none broken"), "{}", run.stdout);
    // The checker's fast reader finds in every page what html5gum finds.
    let site = dossier::output::read_tree(&root.join("public")).unwrap();
    let mut pages = 0;
    for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        let text = std::str::from_utf8(bytes).unwrap();
        let (fast, slow) = (extract::html(text), extract::html5gum_links(text));
        assert_eq!(fast.links, slow.links, "links of {path}");
        assert_eq!(fast.anchors, slow.anchors, "anchors of {path}");
        assert_eq!(fast.base, slow.base, "base of {path}");
        pages += 1;
    }
    assert!(pages > 1000, "{pages} pages compared");
    // The search index is part of the site, and of what was checked: every note's page in it,
    // one index per language.
    let entry = site.get("pagefind/pagefind-entry.json").expect("a search index");
    let entry: serde_json::Value = serde_json::from_slice(entry).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    assert_eq!(languages.keys().collect::<Vec<_>>(), ["en", "zh-hant"]);
    let indexed: u64 = languages.values().map(|l| l["page_count"].as_u64().unwrap()).sum();
    let notes = site
        .iter()
        .filter(|(p, b)| p.ends_with(".html") && std::str::from_utf8(b).unwrap().contains("data-pagefind-body"))
        .count();
    assert_eq!(indexed as usize, notes);
    let fragments = site.iter().filter(|(p, _)| p.ends_with(".pf_fragment")).count();
    assert_eq!(fragments, notes);
}

/// Every generated citation's locator and quotation is in its source's generated text, and
/// one changed quotation is the one failure reported, at its place.
#[test]
fn generated_citations_verify_against_their_texts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dossier");
    let g = generate::generate(&root, 1000, 6).unwrap();
    generate::write_texts(&root.join("texts"), &g).unwrap();
    let check = |root: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.args(["check", "--strict", "--format", "json", "--root"]).arg(root);
        common::run(cmd, root.join("public"))
    };
    let run = check(&root);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["sources"]["verified"], g.counts.sources, "{}", run.stdout);
    assert_eq!(json["sources"]["failed"], 0, "{}", run.stderr);
    // Break one quotation: the check fails on it alone.
    let (event, text) = (0..)
        .map(|k| root.join(format!("content/events/event-{k}.md")))
        .map(|p| (std::fs::read_to_string(&p).unwrap(), p))
        .find(|(text, _)| text.contains(", quote: \""))
        .map(|(text, p)| (p, text))
        .expect("an event quotes a source");
    let at = text.find(", quote: \"").unwrap_or_default() + ", quote: \"".len();
    std::fs::write(&event, format!("{}MISQUOTED {}", &text[..at], &text[at..])).unwrap();
    let run = check(&root);
    run.fails(1);
    assert_eq!(run.error_count(), 1, "{}", run.stderr);
    let name = event.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        run.stderr.contains(&format!("--> content/events/{name}:")),
        "{}",
        run.stderr
    );
}

/// `dossier build` writes each page as soon as it is rendered; the folder it leaves holds,
/// byte for byte, the site an in-memory build makes.
#[test]
fn pages_written_as_they_are_rendered_equal_the_site_built_in_memory() {
    let (dir, root) = generate(300, 3);
    let out = dir.path().join("site");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["build", "--base-url", BASE, "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out);
    common::run(cmd, out.clone()).ok();
    // The search index is made from the written pages, by `dossier build` alone.
    let mut written = OutputTree::default();
    for (path, bytes) in dossier::output::read_tree(&out).unwrap().iter() {
        if !path.starts_with("pagefind/") {
            written.insert(path.clone(), bytes.to_vec());
        }
    }
    same(&written, &full(&root), "written by dossier build");
    // And nothing is left beside the output but the list of what was written, for the next
    // build, and the lock (no staging folder, no previous site).
    let mut beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        [".site.dossier-files", ".site.dossier-lock"],
        "left beside the output"
    );
}

fn full(root: &Path) -> OutputTree {
    match Session::new(root, BASE, false).build() {
        Outcome::Built { tree, .. } => tree,
        Outcome::Failed(d) => panic!("the full build failed: {d:?}"),
    }
}

fn edit(root: &Path, path: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    assert!(text.contains(from), "{path} has no `{from}`");
    std::fs::write(root.join(path), text.replacen(from, to, 1)).unwrap();
    PathBuf::from(path)
}

#[track_caller]
fn same(incremental: &OutputTree, full: &OutputTree, step: &str) {
    let differing: Vec<&String> = incremental
        .iter()
        .filter(|(p, bytes)| full.get(p) != Some(&bytes[..]))
        .map(|(p, _)| p)
        .collect();
    let a: Vec<&String> = incremental.iter().map(|(p, _)| p).collect();
    let b: Vec<&String> = full.iter().map(|(p, _)| p).collect();
    assert_eq!(a, b, "{step}: the files differ");
    // DOSSIER_TEST_DIFF_DIR=DIR keeps both versions of each differing file there.
    if let Ok(dir) = std::env::var("DOSSIER_TEST_DIFF_DIR") {
        for p in &differing {
            let name = p.replace('/', "_");
            std::fs::write(format!("{dir}/{name}.incremental"), incremental.get(p).unwrap()).unwrap();
            std::fs::write(format!("{dir}/{name}.full"), full.get(p).unwrap()).unwrap();
        }
    }
    assert!(
        differing.is_empty(),
        "{step}: these files differ from a full build: {differing:?}"
    );
}

#[test]
fn incremental_rebuilds_of_a_generated_dossier_equal_full_builds() {
    let (_dir, root) = generate(300, 2);
    let mut session = Session::new(&root, BASE, false);
    let Outcome::Built { tree, .. } = session.build() else {
        panic!("the first build failed")
    };
    same(&tree, &full(&root), "first build");
    // (step, file, text replaced, replacement), applied one at a time.
    let steps = [
        (
            "a body edited",
            "content/events/event-3.md",
            "## Background",
            "## Background\n\nA new line.",
        ),
        (
            "a title changed",
            "content/people/person-1.md",
            "name: ",
            "name: Renamed ",
        ),
        (
            "a claim's status changed",
            "content/claims/claim-2.md",
            "status: ",
            "status: denied\nx_old_status: ",
        ),
        (
            "a role's dates changed",
            "content/people/person-2.md",
            "from: \"",
            "from: \"1999-01\", x_from: \"",
        ),
        (
            "a source's date changed",
            "content/sources/source-4.md",
            "published: ",
            "published: 2001-01-01\nx_published: ",
        ),
    ];
    for (step, file, from, to) in steps {
        session.reload(&[edit(&root, file, from, to)]);
        let Outcome::Built { tree, .. } = session.build() else {
            panic!("{step}: the rebuild failed")
        };
        same(&tree, &full(&root), step);
    }
}

/// Backlinks, citing notes and each page's sources are written without the template engine:
/// what they show of front-matter is escaped as the engine escapes it, marked with its language
/// where it is not the page's, and linked back to its place.
#[test]
fn the_lists_escape_and_mark_what_they_show() {
    let (_dir, root) = generate(300, 5);
    // Words to escape, in a title that a role's mention names and in a citation's quote.
    let person = std::fs::read_to_string(root.join("content/people/person-0.md")).unwrap();
    let org = regex::Regex::new(r"org: (org-\d+)").unwrap().captures(&person).unwrap()[1].to_string();
    edit(
        &root,
        &format!("content/organizations/{org}.md"),
        "name: ",
        "name: \"Smith & Sons <Holdings> 'R'\"\nx_name: ",
    );
    // A quote from a source in another language, cited by a role.
    let sources = std::fs::read_dir(root.join("content/sources")).unwrap();
    let foreign = sources
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read_to_string(p).unwrap().contains("\nlanguage: zh-Hant"))
        .expect("a source in Chinese");
    let foreign = foreign.file_stem().unwrap().to_string_lossy().into_owned();
    edit(
        &root,
        "content/people/person-0.md",
        "cites: [{ source: ",
        &format!(
            "cites: [{{ source: {foreign}, quote: \"a \\\"fair\\\" & <short> phrase\", at: \"¶1\" }}, {{ source: "
        ),
    );
    let native = full(&root);
    let joined: String = native
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    for shown in [
        "Smith &amp; Sons &lt;Holdings&gt; &#39;R&#39;</span>",
        ": <q>a &quot;fair&quot; &amp; &lt;short&gt; phrase</q></p>",
        ": <q lang=\"zh-Hant\">a &quot;fair&quot; &amp; &lt;short&gt; phrase</q> (<span class=\"provenance\">",
        "Traditional Chinese; ",
        "<a class=\"backref\" href=\"#cite-ref-",
        "<p class=\"context\" lang=\"en\">",
        "<span class=\"field\" lang=\"zh-Hant\">",
        "<span class=\"locator\">",
        "</mark>",
    ] {
        assert!(joined.contains(shown), "the pages show {shown}");
    }
}

/// While a dossier overrides any template, pages also hold their lists of backlinks and
/// sources as values, for it to show them its own way.
#[test]
fn an_overridden_template_still_reads_the_lists_of_backlinks_and_sources() {
    let (_dir, root) = generate(100, 5);
    let own = root.join("templates/partials");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("backlinks.html"),
        "{% for g in page.backlinks %}<p class=\"count\">{{ g.items | length }} {{ g.label }}, first {{ g.items[0].note.id }}</p>{% endfor %}{% for c in page.sources %}<p class=\"cites\">{{ c.note.title }}</p>{% endfor %}\n",
    )
    .unwrap();
    let site = full(&root);
    let page = |p: &str| String::from_utf8_lossy(site.get(p).unwrap()).into_owned();
    let counted = site
        .iter()
        .filter(|(p, _)| p.ends_with("index.html"))
        .filter(|(p, _)| page(p).contains("<p class=\"count\">"))
        .count();
    assert!(counted > 50, "{counted} pages list their backlinks");
    let citing = site
        .iter()
        .filter(|(p, _)| p.ends_with("index.html"))
        .filter(|(p, _)| page(p).contains("<p class=\"cites\">"))
        .count();
    assert!(citing > 50, "{citing} pages list their sources");
    // The lists as the tool writes them are still there.
    assert!(page("sources/source-0/index.html").contains("<ul class=\"mentions\">"));
}

/// The generator itself.
mod generator {
    use super::generate::{Counts, generate};

    #[test]
    fn counts_add_up_and_keep_the_proportions() {
        for n in [100, 1000, 10_000, 30_000] {
            let c = Counts::of(n);
            assert_eq!(c.total(), n, "{n}: {c:?}");
        }
        let c = Counts::of(10_000);
        assert_eq!(
            (c.sources, c.people, c.organizations, c.events),
            (2000, 1000, 800, 3500)
        );
        assert_eq!((c.claims, c.pages), (2500, 200));
    }

    #[test]
    fn the_same_seed_gives_the_same_files_and_another_seed_others() {
        let run = |seed| {
            let dir = tempfile::tempdir().unwrap();
            generate(dir.path(), 60, seed).unwrap();
            let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir.path())
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    let rel = e
                        .path()
                        .strip_prefix(dir.path())
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    (rel, std::fs::read_to_string(e.path()).unwrap())
                })
                .collect();
            files.sort();
            files
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn bodies_are_three_to_six_kilobytes_and_it_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let g = generate(dir.path(), 200, 1).unwrap();
        let per_note = g.bytes / (g.counts.total() + g.translations) as u64;
        assert!((2500..7000).contains(&per_note), "{per_note}");
        assert!(generate(dir.path(), 10, 1).unwrap_err().contains("is not empty"));
    }
}
