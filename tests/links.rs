//! Cross-links, citations and backlinks, end to end: the hrefs in the built pages, the numbered
//! sources, the backlinks with their sentences, and the exact report for each broken reference.

mod common;

use common::Fixture;

/// A small dossier that uses every link form.
fn linked() -> Fixture {
    Fixture::new()
        .file(
            "content/sources/report.md",
            "---\ntitle: The report\npublisher: Daily\npublished: 2024-06-04\n---\n",
        )
        .file("content/sources/memo.md", "---\ntitle: Memo\npublisher: Corp\n---\n")
        .file(
            "content/people/jane-doe.md",
            "---\nname: Jane Doe\naliases: [Doe, 簡]\nroles:\n  - { org: acme, role: CEO, type: officer, cites: [{ source: report, at: \"¶2\" }] }\n---\n\
             ## Career\n\nDoe ran [[acme]] for years [@report, ¶3].\n",
        )
        .file("content/organizations/acme.md", "---\nname: Acme\n---\n## 利益衝突\n\nA heading in Chinese.\n")
        .file(
            "content/events/shipment.md",
            "---\ntitle: The shipment\ndate: 2023-12\nactors: [jane-doe]\ncites: [memo]\n---\n\
             On a cold day [[Doe]] signed the order [@memo, p. 2; @report]. Nobody objected.\n\n\
             See [her career](../people/jane-doe.md#career), [[jane-doe#Career|the career section]], \
             [[acme#利益衝突]] and [[簡]].\n\n\
             | who | link |\n|---|---|\n| CEO | [[jane-doe\\|Jane]] |\n\n\
             ![A chart of the shipment](../../static/img/chart.png)\n\n\
             `[[not-a-link]]` and \\[@not-a-citation].\n",
        )
        .bytes("static/img/chart.png", b"\x89PNG\r\n\x1a\n")
}

#[test]
fn links_resolve_to_page_urls() {
    let f = linked();
    let run = f.build(&[]);
    let page = run.ok().page("events/shipment/index.html");
    for want in [
        "On a cold day <a href=\"/people/jane-doe/\">Jane Doe</a> signed the order",
        "<a href=\"/people/jane-doe/#career\">her career</a>",
        "<a href=\"/people/jane-doe/#career\">the career section</a>",
        "<a href=\"/organizations/acme/#利益衝突\">Acme › 利益衝突</a>",
        "and <a href=\"/people/jane-doe/\">Jane Doe</a>.",
        "<td><a href=\"/people/jane-doe/\">Jane</a></td>",
        "<img src=\"/img/chart.png\" alt=\"A chart of the shipment\"",
        "<code>[[not-a-link]]</code> and [@not-a-citation].",
    ] {
        assert!(page.contains(want), "missing {want} in:\n{page}");
    }
    // Front-matter ids render as links too.
    assert!(
        page.contains("<dt>Actors</dt><dd><a href=\"/people/jane-doe/\">Jane Doe</a></dd>"),
        "{page}"
    );
}

#[test]
fn the_same_links_follow_the_base_path() {
    let f = linked();
    let run = f.build(&["--base-url", "https://example.org/case/"]);
    let page = run.ok().page("events/shipment/index.html");
    assert!(
        page.contains("<a href=\"/case/people/jane-doe/#career\">her career</a>"),
        "{page}"
    );
    assert!(page.contains("<img src=\"/case/img/chart.png\""), "{page}");
}

#[test]
fn citations_are_numbered_with_a_sources_list() {
    let f = linked();
    let run = f.build(&[]);
    let page = run.ok().page("events/shipment/index.html");
    // The front-matter's `cites: [memo]` is 1; the body's [@memo, p. 2] and [@report] follow.
    assert!(
        page.contains(
            "signed the order <sup class=\"cite\">[<a href=\"#cite-2\" id=\"cite-ref-2-1\" role=\"doc-noteref\" aria-label=\"Source 2\">2</a>, <a href=\"#cite-3\" id=\"cite-ref-3-1\" role=\"doc-noteref\" aria-label=\"Source 3\">3</a>]</sup>."
        ),
        "{page}"
    );
    for want in [
        "<h2 id=\"sources\">Sources</h2>",
        "<li id=\"cite-1\"><a href=\"/sources/memo/\">Memo</a> (<span class=\"provenance\">Corp; read directly</span>)</li>",
        "<li id=\"cite-2\"><a href=\"/sources/memo/\">Memo</a>, <span class=\"locator\">p. 2</span> (<span class=\"provenance\">Corp; read directly</span>) <a class=\"backref\" href=\"#cite-ref-2-1\"",
        "<li id=\"cite-3\"><a href=\"/sources/report/\">The report</a> (<span class=\"provenance\">Daily, <time datetime=\"2024-06-04\">4 June 2024</time>; read directly</span>) <a class=\"backref\" href=\"#cite-ref-3-1\"",
    ] {
        assert!(page.contains(want), "missing {want} in:\n{page}");
    }
    // A role's citation is numbered on the person's page and shown in the roles table.
    let jane = run.page("people/jane-doe/index.html");
    assert!(
        jane.contains("<a href=\"#cite-1\" aria-label=\"Source 1\">[1]</a>"),
        "{jane}"
    );
    assert!(jane.contains("<li id=\"cite-1\"><a href=\"/sources/report/\">The report</a>, <span class=\"locator\">¶2</span> (<span class=\"provenance\">Daily, <time datetime=\"2024-06-04\">4 June 2024</time>; read directly</span>)</li>"), "{jane}");
    assert!(
        jane.contains("<li id=\"cite-2\"><a href=\"/sources/report/\">The report</a>"),
        "{jane}"
    );
}

#[test]
fn backlinks_show_the_sentence_around_the_link() {
    let f = linked();
    let run = f.build(&[]);
    let jane = run.ok().page("people/jane-doe/index.html");
    // The event names her in its front-matter: she takes part in it, and it is listed once,
    // under "Events and claims", not again under "Linked from".
    assert!(jane.contains("<h2 id=\"involved\">Events and claims</h2>"), "{jane}");
    assert!(jane.contains("· as actor</span>"), "{jane}");
    assert_eq!(jane.matches("href=\"/events/shipment/\"").count(), 1, "{jane}");
    assert!(!jane.contains("<h2 id=\"backlinks\">"), "{jane}");
    let acme = run.page("organizations/acme/index.html");
    assert!(acme.contains("<h2 id=\"backlinks\">Linked from</h2>"), "{acme}");
    assert!(acme.contains("<h3>People</h3>"), "{acme}");
    assert!(
        acme.contains("<p class=\"context\">Doe ran <mark>Acme</mark> for years.</p>"),
        "{acme}"
    );
}

#[test]
fn source_pages_list_what_cites_them_with_locators() {
    let f = linked();
    let run = f.build(&[]);
    let report = run.ok().page("sources/report/index.html");
    assert!(report.contains("<h2 id=\"cited-by\">Cited by</h2>"), "{report}");
    for want in [
        "<h3>People</h3>",
        // Jane's page cites the report twice: its sentence first, then how many more.
        "<p class=\"context\"><span class=\"locator\">¶3</span> · Doe ran Acme for years.</p>\n<p class=\"more\">and names it once more</p>",
        "<h3>Events</h3>",
        "<p class=\"context\">On a cold day Jane Doe signed the order.</p>",
    ] {
        assert!(report.contains(want), "missing {want} in:\n{report}");
    }
    let memo = run.page("sources/memo/index.html");
    // The event cites the memo in its body and its front-matter: the sentence is shown, the
    // field counted.
    assert!(
        memo.contains("<p class=\"context\"><span class=\"locator\">p. 2</span> · On a cold day Jane Doe signed the order.</p>\n<p class=\"more\">and names it once more</p>"),
        "{memo}"
    );
}

#[test]
fn every_broken_reference_is_reported_at_once() {
    let f = linked().file(
        "content/events/bad.md",
        "---\ntitle: Bad\nactors: [jane-do]\ncites: [memoo]\n---\n\
         See [[jane-doe#carer]] and [[nobody]].\n\
         Cite [@jane-doe] and [@reprot, p. 1].\n\
         Link [x](../people/jane.md) and ![i](../../static/img/chart.jpg).\n\
         Alias [[Do]] and [[acme#nope]].\n",
    );
    let run = f.build(&[]);
    run.fails(1)
        .reports("content/events/bad.md:3:10", "unknown id `jane-do`")
        .reports("content/events/bad.md:4:9", "unknown id `memoo`")
        .reports(
            "content/events/bad.md:6:16",
            "no heading `#carer` in content/people/jane-doe.md",
        )
        .reports("content/events/bad.md:6:30", "unknown id `nobody`")
        .reports(
            "content/events/bad.md:7:8",
            "`jane-doe` is a person, not a source; only sources can be cited",
        )
        .reports("content/events/bad.md:7:24", "unknown id `reprot`")
        .reports(
            "content/events/bad.md:8:10",
            "`../people/jane.md` leads to content/people/jane.md, which does not exist",
        )
        .reports(
            "content/events/bad.md:8:38",
            "`../../static/img/chart.jpg` leads to static/img/chart.jpg, which does not exist",
        )
        .reports("content/events/bad.md:9:9", "unknown id `Do`")
        .reports(
            "content/events/bad.md:9:25",
            "no heading `#nope` in content/organizations/acme.md",
        );
    assert_eq!(run.error_count(), 10, "{}", run.stderr);
    // Each with its fix.
    for help in [
        "did you mean `jane-doe`?",
        "did you mean `memo`?",
        "did you mean `#career`?",
        "create the note, or correct the id or alias",
        "link to it with [[jane-doe]] instead, or cite the source that reports it",
        "did you mean `report`?",
        "did you mean content/people/jane-doe.md?",
        "did you mean `Doe`?",
        "its headings are: #利益衝突",
    ] {
        assert!(run.stderr.contains(help), "missing help `{help}` in:\n{}", run.stderr);
    }
    // The snippet shows the line and underlines the reference.
    assert!(
        run.stderr.contains("See [[jane-doe#carer]] and [[nobody]]."),
        "{}",
        run.stderr
    );
}

#[test]
fn a_shared_alias_is_an_error_naming_both_notes() {
    let f = Fixture::new()
        .file("content/people/a.md", "---\nname: A\naliases: [Sam]\n---\n")
        .file("content/people/b.md", "---\nname: B\naliases: [x, sam]\n---\n")
        .file("content/people/c.md", "---\nname: C\naliases: [a]\n---\n");
    let run = f.build(&[]);
    run.fails(1)
        .reports(
            "content/people/b.md:3:14",
            "the alias `sam` is also an alias of content/people/a.md",
        )
        .reports(
            "content/people/c.md:3:11",
            "the alias `a` is the id of content/people/a.md",
        );
    assert_eq!(run.error_count(), 2, "{}", run.stderr);
}

#[test]
fn links_to_drafts_say_so() {
    let f = Fixture::new()
        .file("content/people/a.md", "---\nname: A\ndraft: true\n---\n")
        .file(
            "content/pages/p.md",
            "---\ntitle: P\n---\n[[a]] and [a](../people/a.md)\n",
        );
    let run = f.build(&[]);
    run.fails(1)
        .reports("content/pages/p.md:4:3", "`a` is a draft and is not published")
        .reports(
            "content/pages/p.md:4:15",
            "`../people/a.md` is a draft and is not published",
        );
    let run = f.build(&["--drafts"]);
    run.ok();
}

#[test]
fn the_home_page_links_and_is_checked_too() {
    let f = linked().file(
        "content/_index.md",
        "---\ntitle: T\nbase_url: https://example.org/\n---\nStart with [[jane-doe]] or [[nobody]].\n",
    );
    let run = f.build(&[]);
    run.fails(1).reports("content/_index.md:5:30", "unknown id `nobody`");
    let f = linked().file(
        "content/_index.md",
        "---\ntitle: T\nbase_url: https://example.org/\n---\nStart with [[jane-doe]].\n",
    );
    let run = f.build(&[]);
    let home = run.ok().page("index.html");
    assert!(
        home.contains("Start with <a href=\"/people/jane-doe/\">Jane Doe</a>."),
        "{home}"
    );
}

#[test]
fn the_example_dossier_uses_every_link_form() {
    let root = common::example_root();
    let mut all = String::new();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let rel = entry.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
        // Every event, claim and person states facts in its body, so it cites a source there.
        if ["events/", "claims/", "people/"].iter().any(|d| rel.contains(d)) {
            let body = text.splitn(3, "---").nth(2).unwrap_or("");
            assert!(body.contains("[@"), "{rel} cites no source in its body");
            assert!(body.contains("[["), "{rel} links to no other note");
        }
        all.push_str(&text);
    }
    for (form, example) in [
        ("[[id]]", "[[xai]]"),
        ("[[id|label]]", "[[x-corp|X]]"),
        ("[[id#heading]]", "[[elon-musk#When xAI was founded]]"),
        ("a Markdown link to a note", "](../claims/musk-no-room-at-tesla.md)"),
        ("[@id, locator]", "[@seed-cnbc-zh, ¶7]"),
    ] {
        assert!(
            all.contains(example),
            "the example uses no {form} (looked for {example})"
        );
    }

    let (_out, run) = common::build_example();
    run.ok();
    let musk = run.page("people/elon-musk/index.html");
    assert!(musk.contains("<h2 id=\"backlinks\">Linked from</h2>"), "{musk}");
    assert!(musk.contains("<h2 id=\"sources\">Sources</h2>"), "{musk}");
    let xai = run.page("organizations/xai/index.html");
    assert!(
        xai.contains("<a href=\"/h100/people/elon-musk/#when-xai-was-founded\">Elon Musk › When xAI was founded</a>"),
        "{xai}"
    );
    let zh = run.page("sources/seed-cnbc-zh/index.html");
    assert!(zh.contains("<h2 id=\"cited-by\">Cited by</h2>"), "{zh}");
}

#[test]
fn the_json_export_lists_links_and_numbered_citations() {
    let f = linked();
    let run = f.build(&[]);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.page("dossier.json")).unwrap();
    let shipment = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "shipment")
        .unwrap();
    assert_eq!(shipment["links"], serde_json::json!(["jane-doe", "acme"]));
    assert_eq!(
        shipment["citations"],
        serde_json::json!([
            { "n": 1, "source": "memo", "at": null, "quote": null },
            { "n": 2, "source": "memo", "at": "p. 2", "quote": null },
            { "n": 3, "source": "report", "at": null, "quote": null },
        ])
    );
}

/// Every numbered source says how the dossier knows it, in the reader's language: publisher,
/// date, language, read directly or known through another (linked), its address, archived
/// copy and retrieval date; a title in the reader's language beside the original one; and a
/// quotation in the source's language links to its place in the source.
#[test]
fn every_numbered_source_says_how_the_dossier_knows_it() {
    let f = Fixture::new()
        .file(
            "content/_index.md",
            "---\ntitle: T\nbase_url: /\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文 }\n---\nHome.\n",
        )
        .file(
            "content/sources/report.md",
            concat!(
                "---\ntitle: Chips went to X first\noriginal_title: 芯片先給X\nlanguage: zh-Hant\npublisher: Daily\n",
                "published: 2024-06-05\nurl: https://news.example/a?b=1\narchive: https://archive.example/a\n",
                "retrieved: 2024-07-01\n---\n",
            ),
        )
        .file(
            "content/sources/memo.md",
            "---\ntitle: The memo\nlanguage: en\npublished: 2023-12\nvia: report\n---\n",
        )
        .file(
            "content/events/e.md",
            "---\ntitle: E\ncites:\n  - { source: report, at: \"¶2\", quote: \"先給 X, 再給特斯拉\" }\n  - memo\n---\n",
        )
        .file("content/events/e.zh-Hant.md", "---\ntitle: 事件\n---\n");
    let run = f.build(&[]);
    run.ok();
    let en = run.page("events/e/index.html");
    for want in [
        "<li id=\"cite-1\"><a href=\"/sources/report/\">Chips went to X first</a> <span class=\"original-title\" lang=\"zh-Hant\">芯片先給X</span>, ",
        "<span class=\"locator\"><a class=\"at-source\" href=\"https://news.example/a?b=1#:~:text=%E5%85%88%E7%B5%A6%20X%2C%20%E5%86%8D%E7%B5%A6%E7%89%B9%E6%96%AF%E6%8B%89\" rel=\"noopener\">¶2</a></span>",
        " (<span class=\"provenance\"><span lang=\"zh-Hant\">Daily</span>, <time datetime=\"2024-06-05\">5 June 2024</time>, Traditional Chinese; read directly; <a href=\"https://news.example/a?b=1\" rel=\"noopener\">news.example</a>; <a href=\"https://archive.example/a\" rel=\"noopener\">archived copy</a>; retrieved <time datetime=\"2024-07-01\">1 July 2024</time></span>)",
        "<li id=\"cite-2\"><a href=\"/sources/memo/\">The memo</a> (<span class=\"provenance\"><time datetime=\"2023-12\">December 2023</time>, English; known through <a href=\"/sources/report/\">Chips went to X first</a></span>)</li>",
    ] {
        assert!(en.contains(want), "missing {want} in:\n{en}");
    }
    // A reader of Chinese reads the source's own title, and every word in Chinese.
    let zh = run.page("zh-hant/events/e/index.html");
    for want in [
        // (The source's page is not translated: the link says it leads to a page in English.)
        "<li id=\"cite-1\"><a href=\"/sources/report/\" hreflang=\"en\">芯片先給X</a><span class=\"lang-mark\">（英文頁面）</span>，",
        "（<span class=\"provenance\">Daily，<time datetime=\"2024-06-05\">2024年6月5日</time>，繁體中文；直接閱讀；",
        "（<span class=\"provenance\"><time datetime=\"2023-12\">2023年12月</time>，英文；經由<a href=\"/sources/report/\" hreflang=\"en\">芯片先給X</a>",
    ] {
        assert!(zh.contains(want), "missing {want} in:\n{zh}");
    }
}

#[test]
fn a_heading_link_reads_as_its_heading_beside_the_backlink() {
    let f = Fixture::new()
        .file(
            "content/people/jane-doe.md",
            "---\nname: Jane Doe\n---\n## When she began\n\nText.\n",
        )
        .file(
            "content/people/john-roe.md",
            "---\nname: John Roe\n---\nHer start is disputed: see [[jane-doe#when-she-began]].\n",
        );
    let run = f.build(&[]);
    let page = run.ok().page("people/jane-doe/index.html");
    // The heading's words, not the id written in the link.
    assert!(
        page.contains("Her start is disputed: see <mark>Jane Doe › When she began</mark>."),
        "{page}"
    );
}
