//! Building fixture dossiers and asserting on the written site.

mod common;

use common::{Fixture, snapshot};

fn small() -> Fixture {
    Fixture::new()
        .file("content/sources/report.md", "---\ntitle: The <b>report</b> & more\npublisher: Daily \"News\"\npublished: 2024-06-04\nlanguage: en\nurl: https://example.com/report\n---\nIt says things.\n")
        .file("content/people/ann-lee.md", "---\nname: Ann Lee\nroles:\n  - { org: acme, role: CEO, type: officer, from: \"2020\", cites: [report] }\n---\nAnn runs Acme.\n")
        .file("content/organizations/acme.md", "---\nname: Acme\nmood: calm\n---\n")
        .file("content/organizations/beta.md", "---\nname: Beta\n---\n")
        .file("content/events/move.md", "---\ntitle: Parts move from Acme to Beta\ndate: 2024-06~\nfrom: acme\nto: beta\nactors: [ann-lee]\nquantity: { value: 12000, unit: parts }\ncites:\n  - { source: report, at: \"¶5\", quote: \"moved\" }\n---\n## Details\n\nMore.\n")
        .file("content/claims/denial.md", "---\ntitle: Ann denies it\nclaimant: ann-lee\ndate: 2024-07\nstatus: disputed\nabout: [move]\ncites: [report]\n---\n")
        .file("content/notes/method.md", "---\ntitle: Method\n---\n# How\n\n```rust\nfn main() {}\n```\n")
}

#[test]
fn pages_exist_at_their_urls() {
    let f = small();
    let run = f.build(&[]);
    run.ok();
    for page in [
        "index.html",
        "404.html",
        "sources/index.html",
        "sources/report/index.html",
        "people/ann-lee/index.html",
        "organizations/acme/index.html",
        "events/move/index.html",
        "claims/denial/index.html",
        "notes/method/index.html",
        "entities/index.html",
        "people/index.html",
        "organizations/index.html",
        "events/index.html",
        "claims/index.html",
        "sitemap.xml",
        "atom.xml",
        "dossier.json",
        "style.css",
        "syntax.css",
        "favicon.svg",
    ] {
        assert!(run.out.join(page).is_file(), "{page} is missing");
    }
    assert!(run.stdout.starts_with("Built 7 notes into"), "{}", run.stdout);
}

#[test]
fn pages_link_to_each_other() {
    let f = small();
    let run = f.build(&[]);
    run.ok();
    let event = run.page("events/move/index.html");
    assert!(event.contains("<h1>Parts move from Acme to Beta</h1>"));
    assert!(event.contains("<a href=\"/organizations/acme/\">Acme</a>"));
    assert!(event.contains("<a href=\"/organizations/beta/\">Beta</a>"));
    assert!(event.contains("<a href=\"/people/ann-lee/\">Ann Lee</a>"));
    assert!(event.contains("<time datetime=\"2024-06\">about June 2024</time>"));
    assert!(event.contains("12,000 parts"));
    assert!(
        event.contains("<li id=\"cite-1\"><a href=\"/sources/report/\">"),
        "{event}"
    );
    assert!(
        event.contains("<span class=\"locator\"><a class=\"at-source\" href=\"https://example.com/report#:~:text=moved\" rel=\"noopener\">¶5</a></span>: <q>moved</q> (<span class=\"provenance\">Daily &quot;News&quot;, <time datetime=\"2024-06-04\">4 June 2024</time>, English; read directly; <a href=\"https://example.com/report\" rel=\"noopener\">example.com</a></span>)"),
        "{event}"
    );
    // The source lists what cites it; the organization lists who holds roles in it.
    let source = run.page("sources/report/index.html");
    assert!(source.contains("<a href=\"/events/move/\">Parts move from Acme to Beta</a>"));
    assert!(source.contains("<a href=\"/claims/denial/\">Ann denies it</a>"));
    assert!(source.contains("<a href=\"https://example.com/report\" rel=\"noopener\">"));
    let org = run.page("organizations/acme/index.html");
    assert!(org.contains("<a href=\"/people/ann-lee/\">Ann Lee</a>: CEO, from <time datetime=\"2020\">2020</time>"));
    let person = run.page("people/ann-lee/index.html");
    assert!(
        person.contains("<a href=\"/events/move/\">"),
        "entity pages list their events"
    );
    let list = run.page("sources/index.html");
    assert!(list.contains("<a href=\"/sources/report/\">"));
}

#[test]
fn front_matter_text_is_escaped() {
    let f = small();
    let run = f.build(&[]);
    run.ok();
    let source = run.page("sources/report/index.html");
    assert!(
        source.contains("<h1>The &lt;b&gt;report&lt;&#x2f;b&gt; &amp; more</h1>")
            || source.contains("<h1>The &lt;b&gt;report&lt;/b&gt; &amp; more</h1>"),
        "{source}"
    );
    assert!(!source.contains("<b>report</b>"));
    assert!(source.contains("Daily &quot;News&quot;"));
}

#[test]
fn markdown_features_and_highlighting() {
    let f = small();
    let run = f.build(&[]);
    run.ok();
    let page = run.page("notes/method/index.html");
    assert!(page.contains("<h1 id=\"how\">How <a class=\"anchor\" href=\"#how\""));
    assert!(page.contains("hl-source hl-rust"));
    assert!(
        std::fs::read_to_string(run.out.join("syntax.css"))
            .unwrap()
            .contains(".hl-")
    );
    // Only a page with code loads the highlighting's stylesheet.
    assert!(
        page.contains("<link rel=\"stylesheet\" href=\"/syntax.css\">"),
        "{page}"
    );
    assert!(!run.page("events/move/index.html").contains("syntax.css"));
}

#[test]
fn json_export_has_every_note_and_role() {
    let f = small();
    let run = f.build(&[]);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.page("dossier.json")).unwrap();
    assert_eq!(json["format"], "dossier/1");
    assert_eq!(json["notes"].as_array().unwrap().len(), 7);
    assert_eq!(json["events"], serde_json::json!(["move"]));
    assert_eq!(json["roles"][0]["holder"], "ann-lee");
    assert_eq!(json["roles"][0]["from"]["start"], "2020-01-01");
    let acme = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "acme")
        .unwrap();
    assert_eq!(acme["extra"]["mood"], "calm", "unknown fields are kept as extra");
}

#[test]
fn base_url_with_a_path_keeps_every_link_inside_it() {
    let f = small();
    let run = f.build(&["--base-url", "https://example.org/h100/"]);
    run.ok();
    let mut checked = 0;
    for (path, bytes) in snapshot(&run.out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for (i, _) in html.match_indices(attr) {
                let value = &html[i + attr.len()..];
                let value = &value[..value.find('"').unwrap()];
                if value.starts_with('/') {
                    assert!(value.starts_with("/h100/"), "{path}: {value} escapes the base path");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} links checked");
    assert!(
        run.page("sitemap.xml")
            .contains("<loc>https://example.org/h100/events/move/</loc>")
    );
    assert!(
        run.page("index.html").contains("href=\"https://example.org/h100/\"")
            || run
                .page("index.html")
                .contains("rel=\"canonical\" href=\"https://example.org/h100/\"")
    );
}

#[test]
fn two_builds_give_identical_bytes() {
    let f = small();
    let a = f.build(&["--output", f.root().join("a").to_str().unwrap()]);
    a.ok();
    let b = f.build(&["--output", f.root().join("b").to_str().unwrap()]);
    b.ok();
    let (sa, sb) = (snapshot(&f.root().join("a")), snapshot(&f.root().join("b")));
    assert!(sa.len() > 20);
    assert!(sa == sb, "two builds differ");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let f = Fixture::new().file("content/notes/wip.md", "---\ntitle: WIP\ndraft: true\n---\n");
    f.build(&[]).ok();
    assert!(!f.root().join("public/notes/wip/index.html").exists());
    f.build(&["--drafts"]).ok();
    assert!(f.root().join("public/notes/wip/index.html").exists());
}

#[test]
fn a_dossier_may_override_one_template_and_one_static_file() {
    let f = small()
        .file("templates/page.html", "{% extends \"base.html\" %}{% block content %}<p class=\"custom\">{{ page.title }}</p>{% endblock content %}")
        .file("static/style.css", "body { color: red }");
    let run = f.build(&[]);
    run.ok();
    assert!(
        run.page("notes/method/index.html")
            .contains("<p class=\"custom\">Method</p>")
    );
    assert_eq!(run.page("style.css"), "body { color: red }");
    assert!(
        run.page("events/move/index.html").contains("<h1>Parts move"),
        "other templates keep the defaults"
    );
}

#[test]
fn the_example_dossier_builds_without_warnings() {
    let (_out, run) = common::build_example();
    run.ok();
    assert_eq!(run.stderr, "", "the example dossier has warnings");
    assert!(
        run.page("events/h100-reallocation/index.html")
            .contains("12,000 H100 GPU")
    );
    assert!(
        run.page("people/elon-musk/index.html")
            .contains("<a href=\"/h100/organizations/xai/\">xAI</a>")
    );
}

#[test]
fn titles_in_another_language_are_marked_with_it() {
    let f = Fixture::new()
        .file("content/sources/zh.md", "---\ntitle: 馬斯克\nlanguage: zh-Hant\n---\n")
        .file("content/events/e.md", "---\ntitle: E\ncites: [zh]\n---\n");
    let run = f.build(&[]);
    run.ok();
    assert!(
        run.page("events/e/index.html")
            .contains("<a href=\"/sources/zh/\" lang=\"zh-Hant\">馬斯克</a>")
    );
    assert!(
        run.page("sources/zh/index.html")
            .contains("<h1 lang=\"zh-Hant\">馬斯克</h1>")
    );
    assert!(run.page("sources/index.html").contains("lang=\"zh-Hant\">馬斯克</a>"));
}

#[test]
fn the_summary_counts_in_words_that_agree_with_the_number() {
    let run = Fixture::new()
        .file("content/notes/a.md", "---\ntitle: A\n---\n")
        .build(&[]);
    run.ok();
    assert!(run.stdout.starts_with("Built 1 note into "), "{}", run.stdout);
}

/// A note's corrections and its last update are shown on its page, listed on /corrections/
/// (the most recently corrected first) and carried by the Atom feed.
#[test]
fn corrections_are_published_on_the_page_on_a_list_and_in_the_feed() {
    let f = small()
        .file(
            "content/claims/denial.md",
            "---\ntitle: Ann denies it\nclaimant: ann-lee\ndate: 2024-07\nstatus: disputed\nabout: [move]\ncites: [report]\nupdated: 2024-09-02\ncorrections:\n  - { date: 2024-08-01, text: \"An earlier version said <all> parts moved.\" }\n  - { date: 2024-09-01, text: Ann's title was wrong. }\n---\n",
        )
        .file(
            "content/sources/report.md",
            "---\ntitle: The <b>report</b> & more\npublisher: Daily \"News\"\npublished: 2024-06-04\nlanguage: en\ncorrections: [{ date: 2024-06-10, text: The date was wrong. }]\n---\nIt says things.\n",
        );
    let run = f.build(&[]);
    run.ok();
    let page = run.page("claims/denial/index.html");
    assert!(page.contains("<h2 id=\"corrections\">Corrections</h2>"), "{page}");
    assert!(page.contains("Last updated <time datetime=\"2024-09-02\">2 September 2024</time>."));
    assert!(page.contains("Corrected on <time datetime=\"2024-08-01\">1 August 2024</time>: An earlier version said &lt;all&gt; parts moved."));
    assert!(!run.page("events/move/index.html").contains("id=\"corrections\""));
    let list = run.page("corrections/index.html");
    let (denial, report) = (
        list.find("/claims/denial/").unwrap(),
        list.find("/sources/report/").unwrap(),
    );
    assert!(denial < report, "the latest correction first:\n{list}");
    assert!(list.contains("The date was wrong."));
    let atom = run.page("atom.xml");
    assert!(atom.contains("<updated>2024-09-02T00:00:00Z</updated>"), "{atom}");
    assert!(
        atom.contains("Corrected on 1 September 2024: Ann&#39;s title was wrong."),
        "{atom}"
    );
}

/// Every language's /corrections/ lists every corrected note, and a translation that does not
/// translate its original's corrections shows them, marked as in the original's language.
#[test]
fn corrections_reach_readers_of_every_language() {
    let f = Fixture::new()
        .file(
            "content/_index.md",
            "---\ntitle: T\nbase_url: /\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文 }\n---\nHome.\n",
        )
        .file(
            "content/organizations/acme.md",
            "---\nname: Acme\ncorrections: [{ date: 2024-06-10, text: The name was wrong. }]\n---\n",
        )
        .file(
            "content/organizations/beta.md",
            "---\nname: Beta\ncorrections: [{ date: 2024-06-11, text: The date was wrong. }]\n---\n",
        )
        .file("content/organizations/acme.zh-Hant.md", "---\nname: 艾克米\n---\n")
        .file(
            "content/organizations/beta.zh-Hant.md",
            "---\nname: 貝塔\ncorrections: [{ date: 2024-06-11, text: 日期有誤。 }]\n---\n",
        );
    let run = f.build(&[]);
    run.ok();
    let acme = run.page("zh-hant/organizations/acme/index.html");
    assert!(
        acme.contains("更正：<span lang=\"en\">The name was wrong.</span>"),
        "{acme}"
    );
    let beta = run.page("zh-hant/organizations/beta/index.html");
    assert!(beta.contains("更正：日期有誤。</li>"), "{beta}");
    let list = run.page("zh-hant/corrections/index.html");
    assert!(list.contains("：日期有誤。</li>"), "{list}");
    assert!(
        list.contains("：<span lang=\"en\">The name was wrong.</span></li>"),
        "{list}"
    );
    let json = run.page("dossier.json");
    assert!(json.contains("\"text\": \"The name was wrong.\""), "{json}");
}

/// Every page says what a link preview shows (Open Graph), and every note how to cite it.
#[test]
fn pages_carry_link_previews_and_a_citation() {
    let f = small();
    let run = f.build(&[]);
    run.ok();
    let event = run.page("events/move/index.html");
    for want in [
        "<meta property=\"og:title\" content=\"Parts move from Acme to Beta\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:locale\" content=\"en_US\">",
        "<meta name=\"twitter:card\" content=\"summary\">",
        "<p class=\"cite-this\" data-pagefind-ignore><span class=\"label\">Cite this page: </span>“Parts move from Acme to Beta”, in ",
    ] {
        assert!(event.contains(want), "missing {want} in {event}");
    }
    let list = run.page("events/index.html");
    assert!(
        list.contains("<meta property=\"og:type\" content=\"website\">"),
        "{list}"
    );
    assert!(!list.contains("cite-this"));
}

/// A name in Chinese on an English page, or in English on a Chinese one, says its language.
#[test]
fn aliases_say_their_language() {
    let f = Fixture::new()
        .file(
            "content/_index.md",
            "---\ntitle: T\nbase_url: /\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文 }\n---\nHome.\n",
        )
        .file("content/people/musk.md", "---\nname: Elon Musk\naliases: [Musk, 馬斯克, \"<b>\"]\n---\n")
        .file("content/people/musk.zh-Hant.md", "---\nname: 伊隆・馬斯克\n---\n");
    let run = f.build(&[]);
    run.ok();
    let en = run.page("people/musk/index.html");
    assert!(
        en.contains("Also known as Musk, <span lang=\"zh-Hant\">馬斯克</span>, &lt;b&gt;</p>"),
        "{en}"
    );
    let zh = run.page("zh-hant/people/musk/index.html");
    assert!(
        zh.contains("又稱<span lang=\"en\">Musk</span>、馬斯克、<span lang=\"en\">&lt;b&gt;</span></p>"),
        "{zh}"
    );
}
