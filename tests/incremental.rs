//! `serve` rebuilds incrementally: after each edit, the site it serves must be byte for byte
//! what a full build of the same files gives.

mod common;

use std::path::{Path, PathBuf};

use common::Fixture;
use dossier::serve::{Outcome, Session};
use dossier::site::OutputTree;

const BASE: &str = "http://127.0.0.1:1111/";

fn dossier() -> Fixture {
    Fixture::empty()
        .file(
            "content/_index.md",
            "---\ntitle: The Deal\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文 }\n---\nHome: see [[deal]].\n",
        )
        .file("content/sources/filing.md", "---\ntitle: Filing\npublished: \"2024-01\"\n---\nA filing.\n")
        .file("content/organizations/acme.md", "---\nname: Acme\n---\n## History\n\nAcme makes parts.\n")
        .file("content/organizations/acme.zh-Hant.md", "---\nname: 艾克米\n---\n## 歷史\n\n零件。\n")
        .file("content/organizations/beta.md", "---\nname: Beta\n---\nBeta buys parts.\n")
        .file(
            "content/people/ann.md",
            "---\nname: Ann\nroles:\n  - { org: acme, role: CEO, type: officer, from: \"2020\", cites: [filing] }\n  - { org: beta, role: owner, type: owner, from: \"2019\" }\n---\nAnn runs [[acme]].\n",
        )
        .file("content/people/bob.md", "---\nname: Bob\n---\nBob watches [[acme#history]].\n")
        .file(
            "content/events/deal.md",
            "---\ntitle: Acme sells to Beta\ndate: \"2024-06\"\nfrom: acme\nto: beta\ncites: [filing]\n---\nThe deal [@filing, p. 3]. See [[ann]].\n",
        )
        .file(
            "content/events/deal.zh-Hant.md",
            "---\ntitle: 交易\n---\n交易[@filing, p. 3]。見[[ann]]。\n",
        )
        .file(
            "content/claims/denial.md",
            "---\ntitle: Ann denies it\nclaimant: ann\ndate: \"2024-07\"\nabout: [deal]\n---\nShe denies it.\n",
        )
}

fn full(root: &Path) -> OutputTree {
    match Session::new(root, BASE, false).build() {
        Outcome::Built { tree, .. } => tree,
        Outcome::Failed(d) => panic!("the full build failed: {d:?}"),
    }
}

#[track_caller]
fn same(incremental: &OutputTree, full: &OutputTree, step: &str) {
    if incremental == full {
        return;
    }
    let a: Vec<&String> = incremental.iter().map(|(p, _)| p).collect();
    let b: Vec<&String> = full.iter().map(|(p, _)| p).collect();
    assert_eq!(a, b, "{step}: the files differ");
    let differing: Vec<&String> = incremental
        .iter()
        .filter(|(p, bytes)| full.get(p) != Some(&bytes[..]))
        .map(|(p, _)| p)
        .collect();
    if let Ok(dir) = std::env::var("DOSSIER_TEST_DIFF_DIR") {
        for p in &differing {
            let name = p.replace('/', "_");
            std::fs::write(format!("{dir}/{name}.incremental"), incremental.get(p).unwrap()).unwrap();
            std::fs::write(format!("{dir}/{name}.full"), full.get(p).unwrap()).unwrap();
        }
    }
    panic!("{step}: these files differ from a full build: {differing:?}");
}

fn write(root: &Path, path: &str, text: &str) -> PathBuf {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    PathBuf::from(path)
}

fn edit(root: &Path, path: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    assert!(text.contains(from), "{path} has no `{from}`");
    write(root, path, &text.replacen(from, to, 1))
}

#[test]
fn every_rebuild_equals_a_full_build() {
    let f = dossier();
    let root = f.root().to_path_buf();
    let mut session = Session::new(&root, BASE, false);
    let Outcome::Built { tree, .. } = session.build() else {
        panic!("the first build failed")
    };
    same(&tree, &full(&root), "first build");

    type Step = Box<dyn Fn(&Path) -> Vec<PathBuf>>;
    let steps: Vec<(&str, Step)> = vec![
        (
            "a body edited",
            Box::new(|r| vec![edit(r, "content/organizations/beta.md", "buys", "orders")]),
        ),
        (
            "a title changed",
            Box::new(|r| vec![edit(r, "content/people/ann.md", "name: Ann", "name: Ann Lee")]),
        ),
        (
            "a link added",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/claims/denial.md",
                    "denies it.",
                    "denies it, says [[beta]].",
                )]
            }),
        ),
        (
            "a heading renamed and its link with it",
            Box::new(|r| {
                vec![
                    edit(r, "content/organizations/acme.md", "## History", "## Past"),
                    edit(r, "content/people/bob.md", "#history", "#past"),
                ]
            }),
        ),
        (
            "a role's dates changed",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/people/ann.md",
                    "from: \"2019\"",
                    "from: \"2024-06-15\"",
                )]
            }),
        ),
        (
            "a date changed",
            Box::new(|r| vec![edit(r, "content/claims/denial.md", "2024-07", "2023-02")]),
        ),
        (
            "a translation edited",
            Box::new(|r| vec![edit(r, "content/events/deal.zh-Hant.md", "交易[@", "這筆交易[@")]),
        ),
        (
            "the home page edited",
            Box::new(|r| vec![edit(r, "content/_index.md", "Home: see", "Start: see")]),
        ),
        (
            "a stylesheet changed",
            Box::new(|r| vec![write(r, "static/style.css", "body { color: red }\n")]),
        ),
        (
            "a template changed",
            Box::new(|r| {
                vec![write(
                    r,
                    "templates/page.html",
                    "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{% endblock content %}",
                )]
            }),
        ),
        (
            "a note added",
            Box::new(|r| {
                vec![write(
                    r,
                    "content/organizations/gamma.md",
                    "---\nname: Gamma\n---\nLinks [[beta]].\n",
                )]
            }),
        ),
        (
            "a note deleted",
            Box::new(|r| {
                std::fs::remove_file(r.join("content/organizations/gamma.md")).unwrap();
                vec![PathBuf::from("content/organizations/gamma.md")]
            }),
        ),
        (
            "a source's title changed",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/sources/filing.md",
                    "title: Filing",
                    "title: The filing",
                )]
            }),
        ),
        (
            "a translation records the version of its original",
            Box::new(|r| {
                let original = std::fs::read_to_string(r.join("content/events/deal.md")).unwrap();
                let body = original.splitn(3, "---\n").nth(2).unwrap();
                let hash = dossier::model::hash::body_hash(body);
                vec![edit(
                    r,
                    "content/events/deal.zh-Hant.md",
                    "title: 交易\n",
                    &format!("title: 交易\ntranslated_from: {hash}\n"),
                )]
            }),
        ),
        (
            "the original's body edited, so its translation is stale",
            Box::new(|r| vec![edit(r, "content/events/deal.md", "The deal [@", "The sale [@")]),
        ),
        (
            "the original's body edited back, so its translation is up to date",
            Box::new(|r| vec![edit(r, "content/events/deal.md", "The sale [@", "The deal [@")]),
        ),
        (
            "two bodies edited at once, one of them a translation's",
            Box::new(|r| {
                vec![
                    edit(r, "content/people/bob.md", "Bob watches", "Bob follows"),
                    edit(r, "content/organizations/acme.zh-Hant.md", "零件。", "製造零件。"),
                ]
            }),
        ),
        (
            "words beside a link marked with their language, nothing else changed",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/people/bob.md",
                    "Bob follows [[acme",
                    "<span lang=\"fr\">Bob follows</span> [[acme",
                )]
            }),
        ),
        (
            "a body that no longer links to a note",
            Box::new(|r| vec![edit(r, "content/people/ann.md", "Ann runs [[acme]].", "Ann runs it.")]),
        ),
        (
            "a claim's front-matter changed where a person's timeline shows it",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/claims/denial.md",
                    "about: [deal]",
                    "about: [deal]\ncontradicted_by: [deal]",
                )]
            }),
        ),
        (
            "a correction published",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/people/bob.md",
                    "name: Bob",
                    "name: Bob\ncorrections: [{ date: 2024-08-01, text: Bob was misnamed. }]",
                )]
            }),
        ),
        (
            "a correction and an update on a translated note",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/organizations/acme.md",
                    "name: Acme",
                    "name: Acme\nupdated: 2024-09-01\ncorrections: [{ date: 2024-09-01, text: Acme's history. }]",
                )]
            }),
        ),
        (
            "a source explains its gap",
            Box::new(|r| {
                vec![edit(
                    r,
                    "content/sources/filing.md",
                    "title: The filing",
                    "title: The filing\ngaps: { no_link: Only on paper. }",
                )]
            }),
        ),
        (
            "its translation explains it in its own language",
            Box::new(|r| {
                vec![write(
                    r,
                    "content/sources/filing.zh-Hant.md",
                    "---\ntitle: 文件\ngaps: { no_link: 只有紙本。 }\n---\n一份文件。\n",
                )]
            }),
        ),
        (
            "the translation's reason edited",
            Box::new(|r| vec![edit(r, "content/sources/filing.zh-Hant.md", "只有紙本。", "僅有紙本。")]),
        ),
    ];
    for (step, apply) in steps {
        let paths = apply(&root);
        session.reload(&paths);
        let Outcome::Built { tree, .. } = session.build() else {
            panic!("{step}: the rebuild failed")
        };
        same(&tree, &full(&root), step);
    }
}

/// A failed rebuild may have read some files anew and not others: the next one must not
/// take the last good build's notes for current.
#[test]
fn a_failed_rebuild_after_front_matter_changes_is_followed_by_a_correct_one() {
    let f = dossier();
    let root = f.root().to_path_buf();
    let mut session = Session::new(&root, BASE, false);
    assert!(matches!(session.build(), Outcome::Built { .. }));
    // A title changes while the settings change and a body links nowhere: the build fails
    // after the notes were read.
    let paths = vec![
        edit(&root, "content/people/ann.md", "name: Ann", "name: Ann Lee"),
        edit(&root, "content/_index.md", "title: The Deal", "title: The Sale"),
        edit(&root, "content/people/bob.md", "[[acme#history]]", "[[nobody]]"),
    ];
    session.reload(&paths);
    assert!(
        matches!(session.build(), Outcome::Failed(_)),
        "a link to nowhere must fail"
    );
    // Then the settings and the body are put back, and only they are read again.
    let paths = vec![
        edit(&root, "content/_index.md", "title: The Sale", "title: The Deal"),
        edit(&root, "content/people/bob.md", "[[nobody]]", "[[acme#history]]"),
    ];
    session.reload(&paths);
    let Outcome::Built { tree, .. } = session.build() else {
        panic!("the fixed build failed")
    };
    same(&tree, &full(&root), "fixed");
    let page = String::from_utf8(tree.get("people/ann/index.html").unwrap().to_vec()).unwrap();
    assert!(page.contains("Ann Lee"), "the new title is shown");
}

#[test]
fn a_failed_rebuild_is_followed_by_a_correct_one() {
    let f = dossier();
    let root = f.root().to_path_buf();
    let mut session = Session::new(&root, BASE, false);
    assert!(matches!(session.build(), Outcome::Built { .. }));
    let p = edit(&root, "content/claims/denial.md", "about: [deal]", "about: [dael]");
    session.reload(&[p]);
    let Outcome::Failed(diags) = session.build() else {
        panic!("a broken reference must fail")
    };
    assert!(diags.iter().any(|d| d.message.contains("unknown id `dael`")));
    let p = edit(&root, "content/claims/denial.md", "about: [dael]", "about: [beta]");
    session.reload(&[p]);
    let Outcome::Built { tree, .. } = session.build() else {
        panic!("the fixed build failed")
    };
    same(&tree, &full(&root), "fixed");
}

/// A heading link is checked again when the heading it names changes, though the note that
/// holds the link did not; and a broken one stays reported, rebuild after rebuild, until it is
/// mended, even while the bodies around it are reused.
#[test]
fn a_broken_heading_link_is_reported_until_it_is_mended() {
    let f = dossier();
    let root = f.root().to_path_buf();
    let mut session = Session::new(&root, BASE, false);
    assert!(matches!(session.build(), Outcome::Built { .. }));
    let broken = |diags: &[dossier::diag::Diagnostic]| {
        diags
            .iter()
            .any(|d| d.file == "content/people/bob.md" && d.message.contains("no heading `#history`"))
    };
    // Only the heading changes: Bob's note, which links to it, is as it was.
    let p = edit(&root, "content/organizations/acme.md", "## History", "## Past");
    session.reload(&[p]);
    let Outcome::Failed(diags) = session.build() else {
        panic!("a link to a heading that is gone must fail")
    };
    assert!(broken(&diags), "{diags:?}");
    // Neither note changes: the problem is still there.
    let p = edit(&root, "content/organizations/beta.md", "buys", "orders");
    session.reload(&[p]);
    let Outcome::Failed(diags) = session.build() else {
        panic!("the link is still broken")
    };
    assert!(broken(&diags), "{diags:?}");
    let p = edit(&root, "content/organizations/acme.md", "## Past", "## History");
    session.reload(&[p]);
    let Outcome::Built { tree, .. } = session.build() else {
        panic!("the mended build failed")
    };
    same(&tree, &full(&root), "mended");
}
