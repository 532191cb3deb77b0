//! Citations verified against the sources' texts (`texts/`, `--texts DIR`): a locator that
//! names no paragraph and a quotation not in the paragraph cited are errors at the citation;
//! quotations compare after white space, quotation marks and full-width punctuation are
//! normalised; a quotation in another language is checked against a translation's text or
//! reported as unverifiable; a source without a text is counted, not failed.

mod common;

use std::process::Command;

use common::Fixture;

/// An English report: a headline, then three paragraphs separated by blank lines.
const REPORT: &str = "Tesla chips went to X\n\nMusk told Nvidia to ship X first.\n\nThe swap delayed Tesla's order,\nworth more than $500 million.\n\nMusk said the expansion “has faced various delays”.\n";

/// Its Chinese translation, one paragraph a line, no blank lines.
const REPORT_ZH: &str =
    "特斯拉芯片先給X\n馬斯克要英偉達先給X供貨。\n特斯拉今年將在“AI訓練和推理”項目上投入高達100億美元。\n";

fn dossier(claim: &str) -> Fixture {
    Fixture::new()
        .file("texts/report.txt", REPORT)
        .file("texts/zh/report.txt", REPORT_ZH)
        .file(
            "content/sources/report.md",
            "---\ntitle: Report\nlanguage: en\nurl: https://news.example/r\ntext: report.txt\nparagraphs: { skip: 1 }\n---\n",
        )
        .file(
            "content/sources/report-zh.md",
            "---\ntitle: 報告\nlanguage: zh-Hant\ntranslation_of: report\nurl: https://news.example/zh\ntext: zh/report.txt\nparagraphs: { skip: 1 }\n---\n",
        )
        .file(
            "content/sources/unread.md",
            "---\ntitle: Unread\nlanguage: en\nurl: https://news.example/u\n---\n",
        )
        .file("content/events/c.md", claim)
}

fn check(f: &Fixture, args: &[&str]) -> common::Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check").arg("--root").arg(f.root()).args(args);
    common::run(cmd, f.root().join("public"))
}

#[test]
fn a_locator_past_the_last_paragraph_is_an_error_at_the_locator() {
    let f = dossier("---\ntitle: C\ncites:\n  - { source: report, at: \"¶9\" }\n---\nBody.\n");
    check(&f, &["--strict"]).fails(1).reports(
        "content/events/c.md:4:27",
        "error: `¶9` does not exist: the text of `report` has 3 paragraphs",
    );
    // In the body, at the locator as written.
    let f = dossier("---\ntitle: C\n---\nMusk asked for X first [@report, ¶4–5].\n");
    let run = check(&f, &["--strict"]);
    run.fails(1).reports(
        "content/events/c.md:4:34",
        "error: `¶4–5` does not exist: the text of `report` has 3 paragraphs",
    );
    assert!(run.stderr.contains("counted after the first 1"), "{}", run.stderr);
}

#[test]
fn a_misquote_is_an_error_at_the_citation_naming_where_the_words_are() {
    let f = dossier("---\ntitle: C\n---\nThe expansion “has faced various delays” [@report, ¶2].\n");
    let run = check(&f, &["--strict"]);
    run.fails(1).reports(
        "content/events/c.md:4:43",
        "error: “has faced various delays” is not in ¶2 of `report`",
    );
    assert!(
        run.stderr
            .contains("¶2 opens “The swap delayed Tesla's order, worth more than $500…”")
            && run
                .stderr
                .contains("the words are in ¶3, which opens “Musk said the expansion"),
        "{}",
        run.stderr
    );
    // Words that are nowhere in the text.
    let f = dossier(
        "---\ntitle: C\ncites:\n  - { source: report, at: \"¶1\", quote: \"Musk told Nvidia to ship Tesla first\" }\n---\n",
    );
    let run = check(&f, &["--strict"]);
    run.fails(1).reports(
        "content/events/c.md:4:40",
        "error: “Musk told Nvidia to ship Tesla first” is not in ¶1 of `report`",
    );
    assert!(run.stderr.contains("no paragraph holds these words"), "{}", run.stderr);
}

#[test]
fn white_space_quote_marks_and_full_width_punctuation_do_not_count() {
    let f = dossier(concat!(
        "---\ntitle: C\ncites:\n",
        "  - { source: report, at: \"¶2–3\", quote: \"Tesla's order, worth  more than $500 million\" }\n",
        "  - { source: report-zh, at: \"¶2\", quote: \"投入高達 100 億美元。\" }\n",
        "---\n",
        "Musk said the expansion \"has faced\nvarious delays\" [@report, ¶3], and 「AI訓練和推理」[@report-zh, ¶2].\n",
    ));
    let run = check(&f, &["--strict", "--format", "json"]);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["sources"]["verified"], 2, "{}", run.stdout);
    assert_eq!(json["sources"]["unverified"], 1, "{}", run.stdout);
    assert_eq!(json["sources"]["failed"], 0, "{}", run.stdout);
}

#[test]
fn a_cjk_misquote_is_caught() {
    let f = dossier("---\ntitle: C\n---\n他說將投入「高達200億美元」[@report-zh, ¶2]。\n");
    check(&f, &["--strict"]).fails(1).reports(
        "content/events/c.md:4:17",
        "error: “高達200億美元” is not in ¶2 of `report-zh`",
    );
}

#[test]
fn a_quote_in_another_language_is_checked_against_a_translation_or_reported_unverifiable() {
    // English words cited to the Chinese source: found in the English original's text.
    let f = dossier("---\ntitle: C\n---\nMusk told Nvidia “to ship X first” [@report-zh, ¶1].\n");
    check(&f, &["--strict"]).ok();
    let f = dossier("---\ntitle: C\n---\nMusk told Nvidia “to ship Tesla last” [@report-zh, ¶1].\n");
    check(&f, &["--strict"]).fails(1).reports(
        "content/events/c.md:4:40",
        "error: “to ship Tesla last” is not in `report`, the version of `report-zh` in the quotation's language",
    );
    // Chinese words cited to an English source with no Chinese text: a warning, not a failure.
    let f = Fixture::new()
        .file("texts/report.txt", REPORT)
        .file(
            "content/sources/report.md",
            "---\ntitle: Report\nlanguage: en\nurl: https://news.example/r\ntext: report.txt\n---\n",
        )
        .file(
            "content/events/c.md",
            "---\ntitle: C\n---\n他說工程「已經歷多次延誤」[@report, ¶4]。\n",
        );
    let run = check(&f, &["--strict"]);
    run.ok().reports(
        "content/events/c.md:4:15",
        "warning: “已經歷多次延誤” cannot be verified: `report` is in another language",
    );
}

#[test]
fn a_source_without_its_text_is_unverified_and_strict_does_not_fail() {
    // No texts folder at all: nothing is verified, nothing fails.
    let f = dossier("---\ntitle: C\ncites:\n  - { source: report, at: \"¶9\" }\n---\n").remove("texts/report.txt");
    let run = check(&f, &["--strict"]);
    run.ok().reports(
        "content/sources/report.md:5:7",
        "warning: there is no text `report.txt` in `texts`",
    );
    assert!(
        run.stdout
            .contains("Sources: 1 verified against their text, 2 unverified"),
        "{}",
        run.stdout
    );
    // A build that is not strict reports a contradicted citation as a warning.
    let f = dossier("---\ntitle: C\ncites:\n  - { source: report, at: \"¶9\" }\n---\n");
    check(&f, &[])
        .ok()
        .reports("content/events/c.md:4:27", "warning: `¶9` does not exist");
}

#[test]
fn texts_come_from_the_flag_or_the_settings_and_a_named_folder_must_exist() {
    let claim = "---\ntitle: C\ncites:\n  - { source: report, at: \"¶9\" }\n---\n";
    let f = dossier(claim);
    std::fs::rename(f.root().join("texts"), f.root().join("elsewhere")).unwrap();
    check(&f, &["--strict"]).ok();
    let dir = f.root().join("elsewhere");
    check(&f, &["--strict", "--texts", dir.to_str().unwrap()]).fails(1);
    let f = f.file(
        "content/_index.md",
        "---\ntitle: Test dossier\nbase_url: https://example.org/\ntexts: elsewhere\n---\n",
    );
    check(&f, &["--strict"])
        .fails(1)
        .reports("content/events/c.md:4:27", "`¶9` does not exist");
    let f = f.file(
        "content/_index.md",
        "---\ntitle: Test dossier\nbase_url: https://example.org/\ntexts: nowhere\n---\n",
    );
    // A folder the settings name but this checkout lacks (a public clone without the private
    // texts) leaves the citations unverified: a warning at the setting, even with --strict.
    check(&f, &["--strict"]).ok().reports(
        "content/_index.md:4:8",
        "warning: there is no folder `nowhere` for the sources' texts",
    );
    // A folder asked for on the command line must exist.
    let run = check(&f, &["--texts", "/nonexistent/texts"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("there is no folder `/nonexistent/texts`"),
        "{}",
        run.stderr
    );
}

#[test]
fn files_no_source_names_do_not_stop_a_build() {
    // A hidden folder (a repository's own) is skipped; a file that is not UTF-8 is a warning.
    let f = dossier("---\ntitle: C\ncites:\n  - { source: report, at: \"¶2\" }\n---\n")
        .bytes("texts/.git/objects/ab/cd", b"\xff\xfe binary")
        .bytes("texts/scan.pdf", b"%PDF-1.4 \xff\xd8");
    let run = check(&f, &["--strict"]);
    run.ok().reports("texts/scan.pdf", "warning: ");
    assert!(!run.stderr.contains(".git"), "{}", run.stderr);
}

#[test]
fn texts_are_never_published() {
    let f = dossier("---\ntitle: C\ncites: [report]\n---\n");
    let run = f.build(&["--strict"]);
    run.ok();
    let site = common::snapshot(&run.out);
    let leaked = site
        .iter()
        .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("Musk told Nvidia to ship X first"));
    assert!(!leaked, "a source's text reached the site");
}

#[test]
fn the_integrity_report_opens_with_the_counts() {
    let f = dossier("---\ntitle: C\ncites:\n  - { source: report, at: \"¶9\" }\n---\n");
    let run = f.build(&["--base-url", "/"]);
    let page = run.ok().page("integrity/index.html");
    assert!(
        page.contains("Open gaps: <strong>0</strong> · Explained: <strong>0</strong> · Sources verified against their text: 2 of 3 · Citations a source&#39;s text contradicts: 1"),
        "{page}"
    );
    let f = f.remove("texts/report.txt").remove("texts/zh/report.txt");
    let page = f.build(&["--base-url", "/"]).ok().page("integrity/index.html");
    assert!(
        page.contains("Sources verified against their text: 0 of 3</p>"),
        "{page}"
    );
}

#[test]
fn what_cannot_be_known_wrong_is_not_reported_wrong() {
    // A bracket citing a source without its text as well: the words may be in that one.
    let f = dossier("---\ntitle: C\n---\nMusk said “no room at all” [@report, ¶2; @unread].\n");
    let run = check(&f, &["--strict"]);
    run.ok();
    assert!(!run.stderr.contains("no room"), "{}", run.stderr);
    // Quotation marks in code quote nothing; the words quoted after a lone mark are checked.
    let f = dossier("---\ntitle: C\n---\nThe `\"` mark and `\"x\"` [@report, ¶2].\n");
    check(&f, &["--strict"]).ok();
    let f = dossier("---\ntitle: C\n---\nThe \" mark, then “wrong words” [@report, ¶2].\n");
    check(&f, &["--strict"]).fails(1).reports(
        "content/events/c.md:4:33",
        "error: “wrong words” is not in ¶2 of `report`",
    );
    // Latin words in a Chinese source are looked for in its own text.
    let f = dossier("---\ntitle: C\n---\n馬斯克要英偉達先給「X」供貨[@report-zh, ¶1]。\n");
    check(&f, &["--strict"]).ok();
}
