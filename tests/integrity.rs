//! The integrity report: over a dossier with one of each kind of gap (and, beside each, a note
//! that just escapes it), it lists exactly those gaps, on `/integrity/`, in `dossier check`
//! and as the errors of a `--strict` build.

mod common;

use std::process::Command;

use common::Fixture;

const SETTINGS: &str = "---\ntitle: Gaps\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文, required: [event] }\n---\nSee [[acme]].\n";

/// One note with each kind of gap, and notes that are clean of it.
fn gaps() -> Fixture {
    Fixture::empty()
        .file("content/_index.md", SETTINGS)
        // Sources: read online, archived only, known through the report, and found nowhere.
        .file(
            "content/sources/report.md",
            "---\ntitle: Report\nurl: https://example.org/report\n---\nA report.\n",
        )
        .file(
            "content/sources/second.md",
            "---\ntitle: Second\narchive: https://archive.example.org/second\n---\n",
        )
        .file("content/sources/memo.md", "---\ntitle: Memo\nvia: report\n---\n")
        .file("content/sources/email.md", "---\ntitle: Email\nvia: report\n---\n")
        .file("content/sources/notes.md", "---\ntitle: Notes\n---\nHand-written notes.\n")
        // Entities: Acme (named by the home page and events), Ann (holds a role at Acme),
        // and two nobody names.
        .file("content/organizations/acme.md", "---\nname: Acme\n---\n")
        .file("content/organizations/zed.md", "---\nname: Zed\n---\n")
        .file(
            "content/people/ann.md",
            "---\nname: Ann\nroles:\n  - { org: acme, role: CEO, type: officer, from: \"2020\", cites: [report] }\n---\n",
        )
        .file("content/people/loner.md", "---\nname: Loner\n---\n")
        // Claims.
        .file(
            "content/claims/two-sources.md",
            "---\ntitle: Two sources\nclaimant: ann\ncites: [report, second]\n---\n",
        )
        .file(
            "content/claims/in-the-body.md",
            "---\ntitle: Cited in the body\n---\nSo say [@report] and [@second, p. 2].\n",
        )
        .file("content/claims/single.md", "---\ntitle: Single\ncites: [report]\n---\n")
        .file(
            "content/claims/indirect.md",
            "---\ntitle: Indirect\ncites: [memo, email]\n---\n",
        )
        .file("content/claims/uncited.md", "---\ntitle: Uncited\n---\nNobody says where.\n")
        // A source, what is known through it and its translation are one account.
        .file("content/claims/one-direct.md", "---\ntitle: One direct\ncites: [memo, report]\n---\n")
        .file(
            "content/sources/second-zh.md",
            "---\ntitle: 第二\nurl: https://example.org/zh/second\nlanguage: zh-Hant\ntranslation_of: second\n---\n",
        )
        .file(
            "content/claims/translated.md",
            "---\ntitle: Original and translation\ncites: [second, second-zh]\n---\n",
        )
        // A gap the note explains: listed apart, with its reason, and accepted by --strict.
        .file(
            "content/claims/explained.md",
            "---\ntitle: Explained\ncites: [second]\ngaps:\n  one_source: Only Second was there.\n---\n",
        )
        // Events, which the language requires in translation: one current, one stale, one
        // without a recorded version, one missing.
        .file(
            "content/events/current.md",
            "---\ntitle: Current\ndate: \"2024\"\nactors: [acme]\ncites: [report]\n---\nIt happened.\n",
        )
        .file(
            "content/events/stale.md",
            "---\ntitle: Stale\ndate: \"2024\"\ncites: [notes]\n---\nIt changed.\n",
        )
        .file(
            "content/events/stale.zh-Hant.md",
            "---\ntitle: 過時\ntranslated_from: 000000000000\n---\n變了。\n",
        )
        .file(
            "content/events/unrecorded.md",
            "---\ntitle: Unrecorded\ndate: \"2024\"\ncites: [report]\n---\n",
        )
        .file("content/events/unrecorded.zh-Hant.md", "---\ntitle: 未記錄\n---\n")
        .file(
            "content/events/missing.md",
            "---\ntitle: Missing\ndate: \"2024\"\ncites: [report]\n---\n",
        )
}

/// Gives `current.zh-Hant.md` the hash of its original's body, as `dossier translations
/// --hash` prints it.
fn with_current_translation(f: Fixture) -> Fixture {
    let hash = dossier::model::hash::body_hash("It happened.\n");
    f.file(
        "content/events/current.zh-Hant.md",
        &format!("---\ntitle: 目前\ntranslated_from: {hash}\n---\n發生了。\n"),
    )
}

fn check_json(f: &Fixture) -> serde_json::Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["check", "--format", "json", "--root"]).arg(f.root());
    let run = common::run(cmd, f.root().join("public"));
    run.ok();
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[test]
fn the_report_lists_exactly_the_gaps() {
    let f = with_current_translation(gaps());
    let report = check_json(&f);
    let listed: Vec<(String, String, Option<String>, Vec<String>)> = report["integrity"]
        .as_array()
        .expect("an integrity list")
        .iter()
        .map(|g| {
            (
                g["kind"].as_str().unwrap().to_string(),
                g["note"].as_str().unwrap().to_string(),
                g["lang"].as_str().map(str::to_string),
                g["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    let gap = |kind: &str, note: &str, lang: Option<&str>, sources: &[&str]| {
        (
            kind.to_string(),
            note.to_string(),
            lang.map(str::to_string),
            sources.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        listed,
        vec![
            gap("uncited", "uncited", None, &[]),
            gap("one_source", "explained", None, &["second"]),
            gap("one_source", "indirect", None, &["memo", "email"]),
            gap("one_source", "one-direct", None, &["memo", "report"]),
            gap("one_source", "single", None, &["report"]),
            gap("one_source", "translated", None, &["second", "second-zh"]),
            gap("only_indirect", "indirect", None, &["memo", "email"]),
            gap("no_link", "notes", None, &[]),
            gap("stale_translation", "stale", Some("zh-Hant"), &[]),
            gap("unrecorded_translation", "unrecorded", Some("zh-Hant"), &[]),
            gap("missing_translation", "missing", Some("zh-Hant"), &[]),
            gap("unlinked", "loner", None, &[]),
            gap("unlinked", "zed", None, &[]),
        ]
    );
    // The files the gaps are in: a translation's own for a stale or unrecorded one.
    let files: Vec<&str> = report["integrity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["file"].as_str().unwrap())
        .collect();
    assert_eq!(files[8], "content/events/stale.zh-Hant.md");
    assert_eq!(files[10], "content/events/missing.md");
    // Only the explained gap carries a reason.
    let reasons: Vec<(&str, &str)> = report["integrity"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| Some((g["note"].as_str()?, g["reason"].as_str()?)))
        .collect();
    assert_eq!(reasons, [("explained", "Only Second was there.")]);
}

#[test]
fn the_page_lists_each_gap_under_its_kind() {
    let f = with_current_translation(gaps());
    let run = f.build(&[]);
    run.ok();
    let page = run.page("integrity/index.html");
    let section = |kind: &str| -> String {
        let start = page
            .find(&format!("<section class=\"integrity-{kind}\""))
            .unwrap_or_else(|| panic!("no section for {kind}"));
        let end = page[start..].find("</section>").unwrap() + start;
        page[start..end].to_string()
    };
    assert!(page.contains("Open gaps: <strong>12</strong>"), "{page}");
    assert!(section("uncited").contains("href=\"/claims/uncited/\""));
    let one = section("one_source");
    assert!(one.contains("href=\"/claims/single/\"") && one.contains("href=\"/sources/report/\""));
    assert!(one.contains("/claims/one-direct/") && one.contains("/claims/translated/"));
    assert!(!one.contains("/claims/two-sources/") && !one.contains("/claims/explained/"));
    let explained = section("explained");
    assert!(
        explained.contains("href=\"/claims/explained/\"") && explained.contains("<dd>Only Second was there.</dd>"),
        "{explained}"
    );
    assert!(section("missing_translation").contains("<span lang=\"zh-Hant\">繁體中文</span>"));
    assert!(!section("missing_translation").contains("/events/current/"));
    let unlinked = section("unlinked");
    assert!(unlinked.contains("/people/loner/") && unlinked.contains("/organizations/zed/"));
    assert!(!unlinked.contains("/people/ann/") && !unlinked.contains("/organizations/acme/"));
    // The page exists in every language, and the footer of every page leads to it.
    let zh = run.page("zh-hant/integrity/index.html");
    assert!(zh.contains("完整性報告"), "{zh}");
    assert!(run.page("index.html").contains("href=\"/integrity/\""));
}

#[test]
fn a_strict_build_fails_on_every_gap_and_keeps_the_output() {
    let f = with_current_translation(gaps());
    let first = f.build(&[]);
    first.ok();
    let before = common::snapshot(&f.root().join("public"));
    let run = f.build(&["--strict"]);
    run.fails(1);
    assert_eq!(run.error_count(), 12, "{}", run.stderr);
    assert!(!run.stderr.contains("content/claims/explained.md"), "{}", run.stderr);
    run.reports(
        "content/claims/single.md:1:1",
        "integrity: this claim rests on a single source",
    )
    .reports(
        "content/events/stale.zh-Hant.md:3:18",
        "content/events/stale.md changed since this translation was made",
    )
    .reports(
        "content/events/unrecorded.zh-Hant.md:1:1",
        "this translation does not record which version of content/events/unrecorded.md it was made from",
    )
    .reports(
        "content/events/missing.md:1:1",
        "integrity: `missing` (zh-Hant) is not translated",
    )
    .reports(
        "content/people/loner.md:1:1",
        "integrity: this person is named by no other note",
    );
    assert_eq!(common::snapshot(&f.root().join("public")), before);
}

#[test]
fn a_dossier_without_gaps_passes_strict() {
    let f = Fixture::empty()
        .file("content/_index.md", "---\ntitle: Clean\n---\nSee [[acme]].\n")
        .file(
            "content/sources/report.md",
            "---\ntitle: Report\nurl: https://example.org/report\n---\n",
        )
        .file(
            "content/sources/second.md",
            "---\ntitle: Second\nurl: https://example.org/second\n---\n",
        )
        .file("content/organizations/acme.md", "---\nname: Acme\n---\n")
        .file(
            "content/claims/sound.md",
            "---\ntitle: Sound\nabout: [acme]\ncites: [report, second]\n---\n",
        );
    let run = f.build(&["--strict"]);
    run.ok();
    assert!(
        run.page("integrity/index.html")
            .contains("Open gaps: <strong>0</strong> · Explained: <strong>0</strong>")
    );
    let report = check_json(&f);
    assert_eq!(report["integrity"], serde_json::json!([]));
}

#[test]
fn required_kinds_must_be_kinds() {
    let f = Fixture::empty().file(
        "content/_index.md",
        "---\ntitle: T\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文, required: [events] }\n---\n",
    );
    f.build(&[]).fails(2).reports(
        "content/_index.md:5:37",
        "`events` in the `required` kinds of `zh-Hant` is not a kind of note",
    );
}

#[test]
fn explanations_must_name_a_gap_the_note_has_and_say_why() {
    let f = Fixture::empty()
        .file("content/_index.md", "---\ntitle: T\n---\nSee [[acme]].\n")
        .file(
            "content/sources/a.md",
            "---\ntitle: A\nurl: https://example.org/a\n---\n",
        )
        .file(
            "content/sources/b.md",
            "---\ntitle: B\nurl: https://example.org/b\n---\n",
        )
        .file(
            "content/organizations/acme.md",
            "---\nname: Acme\ngaps:\n  unlinked: The home page names it.\n---\n",
        )
        .file(
            "content/claims/c.md",
            "---\ntitle: C\ncites: [a, b]\ngaps:\n  uncited: \"no\"\n  one_source: \"\"\n---\n",
        );
    f.build(&[])
        .fails(1)
        .reports(
            "content/claims/c.md:5:3",
            "`uncited` in `gaps:` is not a gap a note can explain",
        )
        .reports("content/claims/c.md:6:3", "`gaps: one_source` gives no reason");
    // An explanation of a gap the note does not have warns, and fails a strict build.
    let f = f.file("content/claims/c.md", "---\ntitle: C\ncites: [a, b]\n---\n");
    let run = f.build(&[]);
    run.ok().reports(
        "content/organizations/acme.md:4:3",
        "warning: `gaps: unlinked` explains a gap this organization does not have",
    );
    f.build(&["--strict"]).fails(1).reports(
        "content/organizations/acme.md:4:3",
        "`gaps: unlinked` explains a gap this organization does not have",
    );
}

#[test]
fn a_citation_quotes_a_short_phrase_at_most() {
    let long = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen \
                fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three \
                twenty-four twenty-five twenty-six";
    let f = Fixture::empty()
        .file("content/_index.md", "---\ntitle: T\n---\n")
        .file("content/sources/a.md", "---\ntitle: A\nurl: https://example.org/a\n---\n")
        .file(
            "content/claims/c.md",
            &format!(
                "---\ntitle: C\ncites:\n  - {{ source: a, quote: \"a conflict of interest\" }}\n  - {{ source: a, at: p. 2, quote: \"{long}\" }}\n---\n"
            ),
        );
    f.build(&[]).fails(1).reports(
        "content/claims/c.md:5:35",
        "this quotation runs to 26 words; a citation quotes at most 25",
    );
    assert_eq!(dossier::graph::quote_words("二十五個字以內的中文引文"), 6);
    assert_eq!(dossier::graph::quote_words("“don't” — Musk's words, 2024"), 4);
}

/// A note's page shows the gaps it explains, in its language: a translation's own reasons, or
/// its original's, marked as in the original's language.
#[test]
fn a_note_shows_the_gaps_it_explains_in_its_language() {
    let claim = "---\ntitle: Single\nabout: [acme]\ncites: [report]\ngaps: { one_source: Only one report exists. }\n---\nBody.\n";
    let f = Fixture::new()
        .file(
            "content/_index.md",
            "---\ntitle: T\nbase_url: /\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文 }\n---\nHome.\n",
        )
        .file("content/sources/report.md", "---\ntitle: Report\nurl: https://news.example/r\n---\n")
        .file("content/organizations/acme.md", "---\nname: Acme\n---\n")
        .file("content/claims/single.md", claim)
        .file("content/claims/other.md", &claim.replace("Single", "Other"))
        .file("content/claims/single.zh-Hant.md", "---\ntitle: 單一\ngaps: { one_source: 只有一份報導。 }\n---\n")
        .file("content/claims/other.zh-Hant.md", "---\ntitle: 其他\n---\n")
        .file("content/claims/third.md", &claim.replace("Single", "Third").replace("Only one", "Just one"));
    let run = f.build(&[]);
    run.ok();
    let en = run.page("claims/single/index.html");
    assert!(
        en.contains("<dt>one source</dt>\n<dd>Only one report exists.</dd>"),
        "{en}"
    );
    let zh = run.page("zh-hant/claims/single/index.html");
    assert!(zh.contains("<dt>單一來源</dt>\n<dd>只有一份報導。</dd>"), "{zh}");
    let zh = run.page("zh-hant/claims/other/index.html");
    assert!(
        zh.contains("<dt>單一來源</dt>\n<dd lang=\"en\">Only one report exists.</dd>"),
        "{zh}"
    );
    // The report in Chinese gives each note's reason as the page about it does.
    let report = run.page("zh-hant/integrity/index.html");
    assert!(report.contains("<dd>只有一份報導。</dd>"), "{report}");
    assert!(
        report.contains("<dd lang=\"en\">Only one report exists.</dd>")
            && report.contains("<dd lang=\"en\">Just one report exists.</dd>"),
        "{report}"
    );
}
