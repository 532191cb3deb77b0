//! Translations, end to end: pages under a language's folder, `hreflang` links that answer each
//! other, the language switcher, interface strings and their fallbacks, links from a translation,
//! stale translations, `/translations/`, side-by-side pages and translated sources.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{Fixture, Run, run};
use dossier::model::hash::body_hash;

const INDEX: &str = "---\ntitle: The Deal\nbase_url: https://example.org/d/\ndefault_lang: en\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 繁體中文, title: 交易案 }\n---\nHome in English.\n";

const DEAL_BODY: &str = "Acme sold parts to Beta. See [[ann]], [[acme#history]] and [[acme]].\n\nSecond paragraph.\n";
const ACME_BODY: &str = "## History\n\nAcme makes parts.\n";

fn with_hash(front: &str, original_body: &str, body: &str) -> String {
    format!(
        "---\n{front}translated_from: \"{}\"\n---\n{body}",
        body_hash(original_body)
    )
}

/// Two languages; `events/deal` and `organizations/acme` translated, `people/ann` not.
fn bilingual() -> Fixture {
    Fixture::empty()
        .file("content/_index.md", INDEX)
        .file(
            "content/_index.zh-Hant.md",
            &with_hash("", "Home in English.\n", "中文首頁。\n"),
        )
        .file("content/organizations/acme.md", &format!("---\nname: Acme\n---\n{ACME_BODY}"))
        .file(
            "content/organizations/acme.zh-Hant.md",
            &with_hash("name: 艾克米\n", ACME_BODY, "## 歷史\n\n艾克米生產零件。\n"),
        )
        .file("content/organizations/beta.md", "---\nname: Beta\n---\n")
        .file(
            "content/people/ann.md",
            "---\nname: Ann\nroles:\n  - { org: acme, role: CEO, type: officer, from: \"2020\" }\n  - { org: beta, role: owner, type: owner, from: \"2019\" }\n---\n",
        )
        .file(
            "content/events/deal.md",
            &format!(
                "---\ntitle: Acme sells to Beta\ndate: \"2024-06\"\nfrom: acme\nto: beta\nquantity: {{ value: 12000, unit: parts }}\n---\n{DEAL_BODY}"
            ),
        )
        .file(
            "content/events/deal.zh-Hant.md",
            &with_hash(
                "title: 艾克米賣給貝塔\n",
                DEAL_BODY,
                "艾克米把零件賣給貝塔。見[[ann]]、[[acme#歷史]]與[[acme]]。\n\n第二段。\n",
            ),
        )
}

fn html_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

/// The `<link rel="alternate" hreflang>` of a page: language → URL.
fn alternates(html: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for part in html.split("<link rel=\"alternate\" hreflang=\"").skip(1) {
        let (lang, rest) = part.split_once('"').unwrap();
        let href = rest.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
        out.insert(lang.to_string(), href.to_string());
    }
    out
}

#[test]
fn each_language_has_its_folder_and_every_alternate_links_back() {
    let f = bilingual();
    let run = f.build(&[]);
    run.ok();
    let en = run.page("events/deal/index.html");
    let zh = run.page("zh-hant/events/deal/index.html");
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(zh.starts_with("<!DOCTYPE html>\n<html lang=\"zh-Hant\">"), "{zh}");
    let want: BTreeMap<String, String> = [
        ("en", "https://example.org/d/events/deal/"),
        ("zh-Hant", "https://example.org/d/zh-hant/events/deal/"),
        ("x-default", "https://example.org/d/events/deal/"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(alternates(&en), want);
    assert_eq!(alternates(&zh), want);
    // Lists exist in both languages; an untranslated note only in the default one.
    assert!(run.out.join("zh-hant/timeline/index.html").exists());
    assert!(run.out.join("zh-hant/index.html").exists());
    assert!(!run.out.join("zh-hant/people/ann/index.html").exists());
    assert!(!alternates(&run.page("people/ann/index.html")).contains_key("zh-Hant"));

    // Every alternate of every page exists and names the page back, under the same language.
    let mut pairs = 0;
    for file in html_files(&run.out) {
        let page = run.page(&file);
        let url = format!(
            "https://example.org/d/{}",
            file.strip_suffix("index.html").unwrap_or(&file)
        );
        let mine = alternates(&page);
        let Some(own_lang) = mine
            .iter()
            .find(|(l, u)| **u == url && *l != "x-default")
            .map(|(l, _)| l.clone())
        else {
            assert!(mine.is_empty(), "{file} has alternates but none for itself: {mine:?}");
            continue;
        };
        for (lang, target) in &mine {
            let path = target.strip_prefix("https://example.org/d/").unwrap();
            let other_file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            let other = run.page(&other_file);
            let theirs = alternates(&other);
            if lang != "x-default" {
                assert_eq!(
                    theirs.get(&own_lang),
                    Some(&url),
                    "{other_file} ({lang}) does not link back to {file}"
                );
                assert!(
                    other.contains(&format!("<html lang=\"{lang}\">")),
                    "{other_file} is not in {lang}"
                );
                pairs += 1;
            }
        }
    }
    assert!(pairs > 20, "only {pairs} alternates checked");

    // The sitemap says the same to search engines.
    let sitemap = run.page("sitemap.xml");
    assert!(sitemap.contains("<url><loc>https://example.org/d/zh-hant/events/deal/</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/d/events/deal/\"/><xhtml:link rel=\"alternate\" hreflang=\"zh-Hant\" href=\"https://example.org/d/zh-hant/events/deal/\"/></url>"), "{sitemap}");
    assert!(sitemap.contains("<url><loc>https://example.org/d/people/ann/</loc></url>"));
}

#[test]
fn the_switcher_leads_to_the_same_page_in_the_other_language() {
    let f = bilingual();
    let run = f.build(&[]);
    run.ok();
    let en = run.page("events/deal/index.html");
    assert!(
        en.contains("<a href=\"/d/zh-hant/events/deal/\" hreflang=\"zh-Hant\" lang=\"zh-Hant\">繁體中文</a>"),
        "{en}"
    );
    assert!(en.contains("<span aria-current=\"page\" lang=\"en\">English</span>"));
    let zh = run.page("zh-hant/events/deal/index.html");
    assert!(
        zh.contains("<a href=\"/d/events/deal/\" hreflang=\"en\" lang=\"en\">English</a>"),
        "{zh}"
    );
    // A page with no translation says so instead of linking nowhere.
    let ann = run.page("people/ann/index.html");
    assert!(
        ann.contains(
            "<span class=\"unavailable\"><span lang=\"zh-Hant\">繁體中文</span> <small>(not translated)</small></span>"
        ),
        "{ann}"
    );
    // Lists switch too.
    let timeline = run.page("zh-hant/timeline/index.html");
    assert!(timeline.contains("<a href=\"/d/timeline/\" hreflang=\"en\" lang=\"en\">English</a>"));
}

#[test]
fn a_translation_keeps_its_originals_facts_in_its_own_words_and_formats() {
    let f = bilingual();
    let run = f.build(&[]);
    run.ok();
    let zh = run.page("zh-hant/events/deal/index.html");
    assert!(zh.contains("<h1>艾克米賣給貝塔</h1>"), "{zh}");
    // The date and the quantity come from the original, in Chinese formats.
    assert!(zh.contains("<time datetime=\"2024-06\">2024年6月</time>"), "{zh}");
    assert!(zh.contains("1.2萬 parts"), "{zh}");
    assert!(!zh.contains("June 2024"));
    // Interface strings in Chinese, titles of translated notes in Chinese.
    assert!(zh.contains("<h2 id=\"conflicts\">利益衝突</h2>"), "{zh}");
    assert!(
        zh.contains("<a href=\"/d/zh-hant/organizations/acme/\">艾克米</a>"),
        "{zh}"
    );
    let en = run.page("events/deal/index.html");
    assert!(en.contains("<time datetime=\"2024-06\">June 2024</time>"));
    assert!(en.contains("12,000 parts"));
    // The computed conflict is the same in both: facts are shared.
    assert!(en.contains("Certain conflict of interest"));
    assert!(zh.contains("確定的利益衝突"));
    // The home page and the site title in each language.
    let home = run.page("zh-hant/index.html");
    assert!(
        home.contains("<h1>交易案</h1>") && home.contains("中文首頁。"),
        "{home}"
    );
}

#[test]
fn links_in_a_translation_go_to_translated_pages_or_to_marked_originals() {
    let f = bilingual();
    let run = f.build(&[]);
    run.ok();
    let zh = run.page("zh-hant/events/deal/index.html");
    // Ann has no Chinese page: the link goes to the English one and says so.
    assert!(
        zh.contains("<a href=\"/d/people/ann/\" hreflang=\"en\"><span lang=\"en\">Ann</span></a><span class=\"lang-mark\">（英文頁面）</span>"),
        "{zh}"
    );
    // Acme has one: the link and its heading are the translation's.
    assert!(
        zh.contains("<a href=\"/d/zh-hant/organizations/acme/#歷史\">艾克米 › 歷史</a>"),
        "{zh}"
    );
    assert!(zh.contains("<a href=\"/d/zh-hant/organizations/acme/\">艾克米</a>"));
    // The Chinese page of Acme lists the event that names it in its fields once, in Chinese.
    let acme = run.page("zh-hant/organizations/acme/index.html");
    assert!(acme.contains("<h2 id=\"歷史\">歷史"), "{acme}");
    assert!(
        acme.contains("<li><a href=\"/d/zh-hant/events/deal/\">艾克米賣給貝塔</a> <span class=\"meta\">· 事件"),
        "{acme}"
    );
    assert!(!acme.contains("<h3>事件</h3>"), "not again under the backlinks: {acme}");
    // A heading of an untranslated note: the fragment belongs to the address, not the language.
    let f = f
        .file(
            "content/people/ann.md",
            "---\nname: Ann\n---\n## Career\n\nShe ran Acme.\n",
        )
        .file(
            "content/events/deal.zh-Hant.md",
            &with_hash("title: 艾克米賣給貝塔\n", DEAL_BODY, "見[[ann#career]]。\n"),
        );
    let run = f.build(&[]);
    run.ok();
    let zh = run.page("zh-hant/events/deal/index.html");
    assert!(
        zh.contains("<a href=\"/d/people/ann/#career\" hreflang=\"en\">"),
        "{zh}"
    );
}

#[test]
fn a_heading_link_in_a_translation_is_checked_against_the_translated_page() {
    let f = bilingual().file(
        "content/events/deal.zh-Hant.md",
        &with_hash(
            "title: 艾克米賣給貝塔\n",
            DEAL_BODY,
            "見[[acme#history]]。\n\n第二段。\n",
        ),
    );
    let run = f.build(&[]);
    run.fails(1)
        .reports("content/events/deal.zh-Hant.md:5:9", "no heading `#history`");
}

#[test]
fn interface_strings_fall_back_to_the_default_language() {
    // A language the theme has no strings for builds in the default language's words.
    let f = Fixture::empty()
        .file(
            "content/_index.md",
            "---\ntitle: T\nlanguages:\n  en: { name: English }\n  fr: { name: Français }\n---\n",
        )
        .file("content/sources/a.md", "---\ntitle: A\npublished: \"2024-06\"\n---\n")
        .file("content/sources/a.fr.md", "---\ntitle: Un\n---\nTexte.\n");
    let run = f.build(&[]);
    run.ok();
    assert!(
        run.stderr.contains("the theme has no interface strings for `fr`"),
        "{}",
        run.stderr
    );
    let fr = run.page("fr/sources/a/index.html");
    assert!(
        fr.contains("<html lang=\"fr\">") && fr.contains("<dt>Published</dt>"),
        "{fr}"
    );
    assert!(fr.contains("June 2024"));
    // The home page has no French body: the default one, marked as such.
    let home = run.page("fr/index.html");
    assert!(
        home.contains("<div lang=\"en\">\n<p class=\"notice\">This introduction has not been translated yet"),
        "{home}"
    );

    // A dossier's own file changes one string and keeps the theme's others.
    let f = bilingual().file("templates/i18n/zh-Hant.yaml", "sources: 參考資料\n");
    let run = f.build(&[]);
    run.ok();
    let zh = run.page("zh-hant/index.html");
    assert!(zh.contains(">參考資料</a></li>"), "{zh}");
    assert!(zh.contains(">時間軸</a></li>"), "the built-in strings stay: {zh}");

    // A key missing from a language is the default language's.
    let f = bilingual().file("templates/i18n/en.yaml", "sources: Bibliography\n");
    let run = f.build(&[]);
    run.ok();
    let acme = run.page("organizations/acme/index.html");
    assert!(acme.contains(">Bibliography</a></li>"), "{acme}");
}

#[test]
fn a_broken_strings_file_is_reported_where_it_is_broken() {
    let f = bilingual().file("templates/i18n/zh-Hant.yaml", "sources: 參考資料\nbad: [a, b\n");
    let run = f.build(&[]);
    run.fails(1);
    assert!(run.stderr.contains("templates/i18n/zh-Hant.yaml:"), "{}", run.stderr);
    assert!(run.stderr.contains("invalid interface strings"), "{}", run.stderr);
}

fn translations(f: &Fixture, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("translations").arg("--root").arg(f.root()).args(args);
    run(cmd, f.root().join("public"))
}

#[test]
fn a_changed_original_makes_its_translation_stale_and_whitespace_does_not() {
    let f = bilingual();
    let run = f.build(&[]);
    run.ok();
    assert!(!run.stderr.contains("changed since"), "{}", run.stderr);
    let hash = translations(&f, &["--hash", "deal"]);
    assert_eq!(hash.ok().stdout.trim(), body_hash(DEAL_BODY));
    assert_eq!(
        translations(&f, &["--hash", "content/events/deal.md"]).stdout.trim(),
        body_hash(DEAL_BODY)
    );

    // Rewrapped and reindented: the same text.
    let reflowed = DEAL_BODY.replace(". See", ".\n   See").replace("\n\n", "\n\n\n");
    let f = f.file(
        "content/events/deal.md",
        &format!("---\ntitle: Acme sells to Beta\ndate: \"2024-06\"\nfrom: acme\nto: beta\n---\n{reflowed}"),
    );
    let run = f.build(&[]);
    run.ok();
    assert!(!run.stderr.contains("changed since"), "{}", run.stderr);

    // One character more: stale, said where the translation records its version.
    let changed = DEAL_BODY.replace("parts", "parts!");
    let f = f.file(
        "content/events/deal.md",
        &format!("---\ntitle: Acme sells to Beta\ndate: \"2024-06\"\nfrom: acme\nto: beta\n---\n{changed}"),
    );
    let run = f.build(&[]);
    run.ok().reports(
        "content/events/deal.zh-Hant.md:3:18",
        "content/events/deal.md changed since this translation was made",
    );
    assert!(
        run.stderr
            .contains(&format!("then set `translated_from: \"{}\"`", body_hash(&changed))),
        "{}",
        run.stderr
    );
    let zh = run.page("zh-hant/events/deal/index.html");
    assert!(zh.contains("這篇譯文完成後，原文已有修改。"), "{zh}");
    assert!(
        zh.contains("<a href=\"/d/events/deal/\" hreflang=\"en\">閱讀原文（英文）</a>"),
        "{zh}"
    );
    let table = run.page("translations/index.html");
    assert!(table.contains("<td class=\"tr-stale\">"), "{table}");

    // --strict: the build fails and leaves nothing half-written.
    let strict_out = f.root().join("strict-out");
    let strict = f.build(&["--strict", "--output", strict_out.to_str().unwrap()]);
    strict.fails(1).reports(
        "content/events/deal.zh-Hant.md:3:18",
        "changed since this translation was made",
    );
    assert!(!strict_out.exists());
    let mut check = Command::new(env!("CARGO_BIN_EXE_dossier"));
    check.args(["check", "--strict", "--root"]).arg(f.root());
    let checked = common::run(check, f.root().join("public"));
    checked.fails(1).reports(
        "content/events/deal.zh-Hant.md:3:18",
        "changed since this translation was made",
    );
    let listed = translations(&f, &["--strict"]);
    listed.fails(1);
    assert!(
        listed.stdout.contains("stale       content/events/deal.zh-Hant.md"),
        "{}",
        listed.stdout
    );
}

#[test]
fn a_translation_without_its_version_is_flagged_with_the_hash_to_record() {
    let f = bilingual().file(
        "content/organizations/acme.zh-Hant.md",
        "---\nname: 艾克米\n---\n## 歷史\n\n艾克米生產零件。\n",
    );
    let run = f.build(&[]);
    run.ok().reports(
        "content/organizations/acme.zh-Hant.md:1:1",
        "this translation does not record which version of content/organizations/acme.md it was made from",
    );
    assert!(
        run.stderr
            .contains(&format!("add `translated_from: \"{}\"`", body_hash(ACME_BODY)))
    );
    f.build(&["--strict"]).fails(1);
}

#[test]
fn the_translations_page_counts_every_note_in_every_language() {
    let f = bilingual();
    let run = f.build(&[]);
    run.ok();
    let page = run.page("translations/index.html");
    // Two of four notes translated, both up to date.
    assert!(
        page.contains("<tr><th scope=\"row\"><span lang=\"zh-Hant\">繁體中文</span> (<code>zh-Hant</code>)</th><td>2</td><td>0</td><td>0</td><td>2</td><td>4</td></tr>"),
        "{page}"
    );
    assert!(page.contains("<td class=\"tr-missing\">missing</td>"));
    assert!(page.contains("<a href=\"/d/zh-hant/events/deal/side-by-side/\">Side by side</a>"));
    let zh = run.page("zh-hant/translations/index.html");
    assert!(zh.contains("<h1>翻譯</h1>"), "{zh}");
    // For other tools: each note's hash and its translations.
    let json: serde_json::Value = serde_json::from_str(&run.page("dossier.json")).unwrap();
    let deal = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "deal")
        .unwrap();
    assert_eq!(deal["hash"], body_hash(DEAL_BODY).as_str());
    assert_eq!(deal["translations"][0]["lang"], "zh-Hant");
    assert_eq!(deal["translations"][0]["status"], "up_to_date");
    assert_eq!(deal["translations"][0]["url"], "/d/zh-hant/events/deal/");
    let out = translations(&f, &[]);
    assert!(
        out.ok()
            .stdout
            .contains("zh-Hant (繁體中文): 2 up to date, 0 stale, 0 unrecorded, 2 missing, of 4 notes"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_side_by_side_page_pairs_the_blocks_each_in_its_language() {
    let f = bilingual();
    let run = f.build(&[]);
    run.ok();
    let page = run.page("zh-hant/events/deal/side-by-side/index.html");
    let rows: Vec<&str> = page.split("<div class=\"sbs-row\" role=\"row\">").skip(1).collect();
    assert_eq!(rows.len(), 2, "{page}");
    assert!(
        rows[0].contains("<div class=\"sbs-cell\" role=\"cell\" lang=\"en\" data-label=\"英文\"><p>Acme sold parts")
    );
    assert!(rows[0].contains("lang=\"zh-Hant\" data-label=\"繁體中文\"><p>艾克米把零件賣給貝塔"));
    assert!(rows[1].contains("<p>Second paragraph.</p>") && rows[1].contains("<p>第二段。</p>"));
    // Stacked on narrow screens.
    let css = run.page("style.css");
    assert!(css.contains("@media (max-width: 40rem)") && css.contains(".sbs-row { grid-template-columns: 1fr; }"));
    // Every page sets Latin text in Latin faces, named before any CJK face; Chinese pages take
    // Traditional Chinese faces for Han characters.
    assert!(
        css.contains("html:lang(zh-Hant) {\n  --serif: var(--latin-serif), \"Noto Serif TC\""),
        "{css}"
    );
    for stack in ["--serif: var(--latin-serif), ", "--sans: var(--latin-sans), "] {
        assert_eq!(css.matches(stack).count(), 2, "{stack}");
    }
}

#[test]
fn translated_sources_show_the_relation_both_ways() {
    let f = bilingual()
        .file(
            "content/sources/report.md",
            "---\ntitle: The report\nlanguage: en\npublished: \"2024-06-04\"\n---\n",
        )
        .file(
            "content/sources/report-zh.md",
            "---\ntitle: 報導\nlanguage: zh-Hant\ntranslation_of: report\ntranslator: Lin\n---\n",
        );
    let run = f.build(&[]);
    run.ok();
    let zh_source = run.page("sources/report-zh/index.html");
    assert!(
        zh_source.contains(
            "<dt>Translation of</dt><dd><a href=\"/d/sources/report/\">The report</a> (English) · translated by Lin</dd>"
        ),
        "{zh_source}"
    );
    assert!(
        zh_source.contains("<p class=\"notice source-language\">This source is in Traditional Chinese.</p>"),
        "{zh_source}"
    );
    assert!(zh_source.contains("<h1 lang=\"zh-Hant\">報導</h1>"));
    let original = run.page("sources/report/index.html");
    assert!(
        original.contains(
            "<dt>Translated as</dt><dd><a href=\"/d/sources/report-zh/\" lang=\"zh-Hant\">報導</a> (Traditional Chinese)</dd>"
        ),
        "{original}"
    );
    assert!(!original.contains("source-language"));
}

#[test]
fn translations_that_cannot_be_published_are_errors() {
    let f = bilingual()
        .file("content/events/nothing.zh-Hant.md", "---\ntitle: 無\n---\n")
        .file("content/events/deal.fr.md", "---\ntitle: Vente\n---\n")
        .file("content/events/deal.en.md", "---\ntitle: Deal\n---\n")
        .file("content/_index.fr.md", "---\n---\nAccueil.\n");
    let run = f.build(&[]);
    run.fails(1)
        .reports(
            "content/events/nothing.zh-Hant.md:1:1",
            "there is no note `nothing` for this file to translate",
        )
        .reports("content/events/deal.fr.md:1:1", "the site has no language `fr`")
        .reports("content/events/deal.en.md:1:1", "`en` is the site's default language")
        .reports("content/_index.fr.md:1:1", "the site has no other language `fr`");
    assert_eq!(run.error_count(), 4, "{}", run.stderr);
}

#[test]
fn the_translation_of_a_draft_stays_out_with_it() {
    let f = bilingual()
        .file("content/events/plan.md", "---\ntitle: Plan\ndraft: true\n---\nDraft.\n")
        .file("content/events/plan.zh-Hant.md", "---\ntitle: 計畫\n---\n草稿。\n");
    let run = f.build(&[]);
    run.ok();
    assert!(!run.out.join("zh-hant/events/plan/index.html").exists());
    let out = f.root().join("with-drafts");
    let run = f.build(&["--drafts", "--output", out.to_str().unwrap()]);
    run.ok();
    assert!(out.join("zh-hant/events/plan/index.html").exists());
}

#[test]
fn a_page_may_not_take_a_languages_folder() {
    let f = bilingual().file("content/zh-hant/about.md", "---\ntitle: About\n---\n");
    f.build(&[])
        .fails(1)
        .reports("content/zh-hant/about.md:1:1", "the folder of the language `zh-Hant`");
}

#[test]
fn the_default_language_must_be_one_of_the_languages() {
    let f = Fixture::empty().file(
        "content/_index.md",
        "---\ntitle: T\ndefault_lang: en\nlanguages:\n  de: { name: Deutsch }\n---\n",
    );
    f.build(&[]).fails(2).reports(
        "content/_index.md:3:15",
        "the default language `en` is not under `languages`",
    );
}

#[test]
fn the_example_is_published_in_both_languages_with_no_broken_link_between_them() {
    let root = common::example_root();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    // Every translation is up to date, and every person and organization is translated: a
    // strict build fails otherwise.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["build", "--strict", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&site);
    let run = common::run(cmd, site.clone());
    run.ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    // The home page, the timeline and the core events, claims and people in Chinese.
    for page in [
        "zh-hant/index.html",
        "zh-hant/timeline/index.html",
        "zh-hant/events/h100-reallocation/index.html",
        "zh-hant/events/q1-2024-earnings-call/index.html",
        "zh-hant/claims/musk-no-room-at-tesla/index.html",
        "zh-hant/claims/nvidia-emails-on-tesla-orders/index.html",
        "zh-hant/people/elon-musk/index.html",
        "zh-hant/people/jensen-huang/index.html",
        "zh-hant/translations/index.html",
    ] {
        let html = run.page(page);
        assert!(html.contains("<html lang=\"zh-Hant\">"), "{page}");
    }
    let event = run.page("zh-hant/events/h100-reallocation/index.html");
    assert!(
        event.contains("<time datetime=\"2023-12\">2023年12月</time>"),
        "{event}"
    );
    assert!(event.contains("超過 5億美元"), "{event}");
    let home = run.page("zh-hant/index.html");
    assert!(home.contains("<h1>H100 調撥案</h1>"));
    // The Chinese source and the report it translates name each other.
    let seed = run.page("sources/seed-cnbc-zh/index.html");
    assert!(seed.contains("<dt>Translation of</dt>"), "{seed}");
    let report = run.page("sources/cnbc-nvidia-emails/index.html");
    assert!(report.contains("<dt>Translated as</dt>"), "{report}");

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("check").arg("--dir").arg(&site);
    let checked = common::run(cmd, site);
    checked.ok();
    assert!(checked.stdout.contains("none broken"), "{}", checked.stdout);
}

/// The Latin words of `text` (two letters or more), lowercased.
fn latin_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(|w| w.to_ascii_lowercase())
}

/// The text a reader of `html` sees in the page's language: outside `<head>`, scripts, styles,
/// code, and every element whose `lang` names another language; web addresses left out.
fn text_in_page_language(html: &str, lang: &str) -> String {
    const VOID: [&str; 9] = ["br", "hr", "img", "input", "link", "meta", "source", "wbr", "col"];
    let mut text = String::new();
    // Per open element: whether its text is left out.
    let mut skipped: Vec<bool> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if !skipped.last().copied().unwrap_or(false) {
            text.push_str(&rest[..lt]);
            text.push(' ');
        }
        let gt = rest[lt..].find('>').map_or(rest.len(), |i| lt + i + 1);
        let tag = &rest[lt + 1..gt - 1];
        rest = &rest[gt..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if tag.starts_with('!') || VOID.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        if tag.starts_with('/') {
            skipped.pop();
            continue;
        }
        let other_lang = tag.split(" lang=\"").nth(1).is_some_and(|l| !l.starts_with(lang));
        let skip = skipped.last().copied().unwrap_or(false)
            || other_lang
            || ["head", "script", "style", "code", "pre"].contains(&name.as_str());
        skipped.push(skip);
    }
    text.split_whitespace()
        .filter(|w| !w.contains("://"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_chinese_edition_shows_no_english_word_but_in_marked_spans() {
    // A Latin word on a zh-Hant page outside an element marked with another language must be
    // one the Chinese edition itself writes: in its interface strings or a zh-Hant note (names
    // such as "xAI" or "H100"). An English interface string, a fixed vocabulary left in English
    // or an English title without its `lang` fails here.
    let root = common::example_root();
    let mut allowed: std::collections::HashSet<String> =
        latin_words(&std::fs::read_to_string(root.join("templates/i18n/zh-Hant.yaml")).unwrap()).collect();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().ends_with(".zh-Hant.md") {
            allowed.extend(latin_words(&std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    let (_out, run) = common::build_example();
    run.ok();
    let mut found = Vec::new();
    for page in html_files(&run.out.join("zh-hant")) {
        let text = text_in_page_language(&run.page(&format!("zh-hant/{page}")), "zh");
        // Strong text beside full-width punctuation is strong, not asterisks.
        if let Some(at) = text.find("**") {
            found.push(format!(
                "zh-hant/{page}: asterisks in …{}…",
                &text[at..].chars().take(30).collect::<String>()
            ));
        }
        for word in latin_words(&text).filter(|w| !allowed.contains(w)) {
            let at = text.to_ascii_lowercase().find(&word).unwrap_or(0);
            let before: String = text[..at]
                .chars()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let after: String = text[at..].chars().take(40).collect();
            found.push(format!("zh-hant/{page}: {word:?} in …{before}{after}…"));
        }
    }
    found.dedup();
    assert!(
        found.is_empty(),
        "{} English words on Chinese pages:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_english_edition_shows_no_chinese_but_in_marked_spans() {
    let (_out, run) = common::build_example();
    run.ok();
    let is_cjk = |c: char| matches!(c, '\u{3000}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}');
    let mut found = Vec::new();
    for page in html_files(&run.out).into_iter().filter(|p| !p.starts_with("zh-hant/")) {
        let text = text_in_page_language(&run.page(&page), "en");
        if let Some(at) = text.find(is_cjk) {
            let shown: String = text[at..].chars().take(30).collect();
            found.push(format!("{page}: …{shown}…"));
        }
    }
    assert!(
        found.is_empty(),
        "Chinese without its lang on English pages:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_chinese_edition_is_complete_and_shows_no_english_title_correction_or_gap() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args(["translations", "--strict", "--root"])
        .arg(common::example_root());
    let run = common::run(cmd, common::example_root().to_path_buf());
    run.ok();
    assert!(
        run.stdout.contains("0 stale, 0 unrecorded, 0 missing, of 79 notes"),
        "{}",
        run.stdout
    );
    let (_out, run) = common::build_example();
    run.ok();
    // (A side-by-side page names the English original it sets beside its translation.)
    for page in html_files(&run.out.join("zh-hant"))
        .iter()
        .filter(|p| !p.contains("side-by-side/"))
    {
        let html = run.page(&format!("zh-hant/{page}"));
        // A note shown by its English title is marked "(English page)" after its link.
        assert!(
            !html.contains("class=\"lang-mark\""),
            "zh-hant/{page} shows a note in English"
        );
        let h1 = html.split("<h1").nth(1).unwrap_or_default();
        assert!(!h1.starts_with(" lang=\"en\""), "zh-hant/{page} has an English title");
        // Corrections and the reasons a gap stays open are the dossier's own words: each has
        // its Chinese, on the note's page, on /corrections/ and on /integrity/.
        for start in [
            "<section class=\"corrections\"",
            "<section class=\"note-gaps\"",
            "<ul class=\"corrections-list\"",
            "<section class=\"integrity-explained\"",
        ] {
            for section in html.split(start).skip(1) {
                // (The corrections list is in no section: it ends with the page's main.)
                let section = section.split("</main>").next().unwrap();
                let section = section.split("</section>").next().unwrap();
                assert!(
                    !section.contains(" lang=\"en\">"),
                    "zh-hant/{page} shows a correction or a gap in English: {section}"
                );
            }
        }
    }
}

/// The names a zh-Hant note of a person or organization gives: its `name` (without a
/// bracketed original) and its `aliases`, by id.
fn chinese_names() -> Vec<(String, Vec<String>)> {
    let root = common::example_root().join("content");
    let mut names = Vec::new();
    for folder in ["people", "organizations"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let Some(id) = file.strip_suffix(".zh-Hant.md") else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let field = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(|v| v.trim().trim_matches('"').to_string())
            };
            let name = field("name:").unwrap();
            let name = name.split('（').next().unwrap().trim().to_string();
            let mut forms = vec![name];
            if let Some(aliases) = field("aliases:") {
                forms.extend(
                    aliases
                        .trim_matches(['[', ']'])
                        .split(',')
                        .map(|a| a.trim().to_string()),
                );
            }
            names.push((id.to_string(), forms));
        }
    }
    names
}

#[test]
fn each_person_and_organization_has_one_chinese_name_on_every_page() {
    let names = chinese_names();
    // A transliterated name is written with the middle dot: every one in the zh edition is a
    // name some person's or organization's note gives.
    let known: std::collections::HashSet<&str> = names.iter().flat_map(|(_, f)| f.iter().map(String::as_str)).collect();
    let root = common::example_root().join("content");
    let organizations: Vec<String> = std::fs::read_dir(root.join("organizations"))
        .unwrap()
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().strip_suffix(".md")?.to_string()))
        .collect();
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let file = entry.path().to_string_lossy().into_owned();
        if !file.ends_with(".zh-Hant.md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        let mut run = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if han(c) || (c == '・' && !run.is_empty()) {
                run.push(c);
                continue;
            }
            if run.contains('・') {
                // The run holds the words around the name too.
                let dotted = run.trim_end_matches('・');
                if !known.iter().any(|k| k.contains('・') && dotted.contains(k)) {
                    found.push(format!("{file}: {dotted}"));
                }
            }
            run.clear();
        }
        // A link to a person or an organization reads as its Chinese name, or as the last part
        // of it (馬斯克 for 伊隆・馬斯克), or its first word (X for X 公司).
        // (People known only by a description, such as "a former analyst", are referred to
        // in other words too.)
        for (id, forms) in names
            .iter()
            .filter(|(id, f)| f.iter().any(|f| f.contains('・')) || organizations.contains(id))
        {
            let open = format!("[[{id}|");
            for piece in text.split(&open).skip(1) {
                let shown = piece.split("]]").next().unwrap_or_default();
                let fits = forms
                    .iter()
                    .any(|f| f == shown || f.rsplit('・').next() == Some(shown) || f.split(' ').next() == Some(shown));
                if !fits {
                    found.push(format!("{file}: [[{id}|{shown}]] is not one of {forms:?}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "names in another form:\n{}", found.join("\n"));
}
