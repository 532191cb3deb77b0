//! Property tests over what a dossier's author writes: front-matter, settings, dates, the link
//! and citation grammar of bodies, note paths and ids. None may panic or hang, and what comes
//! out is bounded by what goes in.
//!
//! `cargo test` runs a few cases of each; for a longer run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test --release --test fuzz_model
//! ```

use std::sync::Arc;

use dossier::date::DateSpan;
use dossier::links::{LinkTargets, Target, parse_citation, resolve_path, sentence_around};
use dossier::markdown::{Body, render_body};
use dossier::model::SourceFile;
use dossier::model::parse::parse_note;
use dossier::model::{Kind, KindData};
use proptest::prelude::*;

/// A few cases unless `PROPTEST_CASES` says how many; failures are printed, not saved.
fn config() -> ProptestConfig {
    let mut c = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 64;
    }
    c
}

/// Text made of pieces that mean something to YAML, to Markdown and to the link grammar, with
/// arbitrary characters between them.
fn pieces(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(tokens).prop_map(str::to_string),
        1 => "\\PC{0,6}",
        1 => "[ \\n\\t-]{1,3}",
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

const YAML: &[&str] = &[
    "---\n",
    "title: ",
    "name: ",
    "url: ",
    "archive: ",
    "date: ",
    "roles:\n",
    "  - ",
    "{ org: a, role: r, type: owner }",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "'",
    "\"",
    "''",
    "\\\"",
    "#",
    "|\n",
    ">-\n",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "\n",
    "  ",
    "2024-06-04",
    "2024~",
    "../2020",
    "https://example.org/",
    "javascript:x",
    "cites: [s]",
    "aliases: [x]",
    "base_url: ",
    "conflicts: { depth: ",
    "languages:\n",
    "  en: { name: E }",
    "\u{feff}",
    "...\n",
    "\r\n",
    "title: A\n",
    "url: javascript:alert(1)\n",
    "url: https://e.org/a\n",
    "archive: data:x\n",
    "date: 2024-02-30\n",
    "roles:\n  - { org: a, role: r, type: owner, from: 2020 }\n",
    "kind: source\n",
    "type: primary\n",
];

const KEYS: &[&str] = &[
    "title",
    "name",
    "url",
    "archive",
    "date",
    "published",
    "retrieved",
    "kind",
    "type",
    "actors",
    "from",
    "to",
    "cites",
    "roles",
    "aliases",
    "tags",
    "summary",
    "draft",
    "status",
    "claimant",
    "about",
    "translated_from",
    "gaps",
    "language",
    "translation_of",
    "quantity",
    "value",
    "responses",
    "contradicted_by",
    "via",
    "conflict",
];

const VALUES: &[&str] = &[
    "A",
    "x",
    "p",
    "s",
    "2024-06-04",
    "2024~",
    "2023-02-29",
    "../2020",
    "[p, q]",
    "[s]",
    "\n  - s\n  - t",
    "\n  - { org: q, role: r, type: owner, from: 2020 }\n  - { org: p, role: CEO, type: officer, to: 2019 }",
    "{ value: 1, unit: GPU }",
    "{ amount: 1e3, currency: USD, qualifier: '>' }",
    "source",
    "event",
    "primary",
    "true",
    "https://e.org/a",
    "javascript:alert(1)",
    "'quoted'",
    "\"dq\\\"\"",
    "|\n  block [[p]]\n",
    "[[[[",
    "{ x: [1, {y: 2}] }",
    "\n  one_source: why",
    "ftp://x",
    "HTTPS://E.ORG",
    "data:text/html,x",
    "{ source: s, at: p. 2 }",
    "\n  - { by: p, date: 2024, cites: [s] }",
    "~",
    "null",
    "[]",
    "{}",
    "&a [x]",
    "*a",
    "!!str 5",
    "5",
    "-1",
];

/// A note's text: mostly a front-matter of fields with likely values, sometimes anything.
fn note_text() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        4 => proptest::sample::select(VALUES).prop_map(str::to_string),
        1 => pieces(YAML, 6),
        1 => "\\PC{0,10}",
    ];
    let field = (proptest::sample::select(KEYS), value).prop_map(|(k, v)| format!("{k}: {v}\n"));
    prop_oneof![
        1 => pieces(YAML, 40),
        4 => (any::<bool>(), proptest::collection::vec(field, 0..6), pieces(BODY, 20)).prop_map(|(titled, fields, body)| {
            let title = if titled { "title: T\n" } else { "" };
            format!("---\n{title}{}---\n{body}", fields.concat())
        }),
    ]
}

const BODY: &[&str] = &[
    "[[",
    "]]",
    "|",
    "[[p]]",
    "[[p|P]]",
    "[[q#h]]",
    "[[draft]]",
    "[[nope]]",
    "[",
    "]",
    "(",
    ")",
    "[@s]",
    "[@s, p. 2]",
    "[@s; @t]",
    "[@",
    "@",
    ";",
    ",",
    "](../people/p.md)",
    "](/people/p.md)",
    "](#h)",
    "# ",
    "\n\n",
    "\n",
    ". ",
    "! ",
    "? ",
    "`",
    "```\n",
    "> ",
    "- ",
    "1. ",
    "*",
    "_",
    "<b>",
    "&amp;",
    "\\",
    "馬斯克",
    "。",
    "  ",
    "\t",
    "\0",
    "\r\n",
    "![x](",
];

const DATE: &[&str] = &[
    "2024", "-", "06", "04", "31", "02", "29", "~", "?", "%", "/", "..", "T", "Z", "+", "9999", "0000", "-12", "00",
    " ", "13", "1",
];

fn targets() -> LinkTargets {
    let mut t = LinkTargets::new("/b/");
    for (id, kind) in [
        ("p", Kind::Person),
        ("q", Kind::Organization),
        ("s", Kind::Source),
        ("t", Kind::Source),
    ] {
        t.add(
            Target {
                id: id.into(),
                title: id.to_uppercase(),
                kind,
                url: format!("/b/x/{id}/"),
                translations: Vec::new(),
            },
            &format!("content/x/{id}.md"),
            &[],
        );
    }
    t.add_draft("draft", "content/x/draft.md");
    t
}

proptest! {
    #![proptest_config(config())]

    /// Any note text parses to a note or to diagnostics, each inside the file.
    #[test]
    fn front_matter_never_panics(text in note_text(), path in "content/(people|organizations|events|claims|sources|x)/[a-z0-9][a-z0-9-]{0,5}(\\.zh-Hant|\\.x)?\\.md") {
        let text: Arc<str> = text.into();
        let (note, diags) = parse_note(SourceFile { rel_path: path, text: text.clone() });
        prop_assert!(diags.len() <= 8, "{} diagnostics", diags.len());
        for d in &diags {
            prop_assert!(d.line <= text.lines().count().max(1) + 1, "{d}");
        }
        if let Some(note) = note {
            prop_assert!(note.body_start <= text.len());
            if let KindData::Source(s) = &note.data {
                for u in s.url.iter().chain(&s.archive) {
                    prop_assert!(u.to_ascii_lowercase().starts_with("http"), "{u}");
                }
            }
        }
    }

    /// Settings of any text are read or refused, never a panic.
    #[test]
    fn settings_never_panic(text in note_text()) {
        let _ = dossier::config::parse("content/_index.md", text);
    }

    /// Deep or ragged nesting ends in one diagnostic or a parse, whatever the brackets.
    #[test]
    fn nesting_is_refused_or_parsed(open in proptest::collection::vec("[\\[{]", 0..300), close in "[\\]}, a:]{0,300}") {
        let text = format!("---\ntitle: x\nv: {}{close}\n---\n", open.concat());
        let (_, diags) = parse_note(SourceFile { rel_path: "content/x/a.md".into(), text: text.into() });
        prop_assert!(diags.len() <= 1, "{diags:?}");
    }

    /// Dates parse or fail; a parsed span runs forwards.
    #[test]
    fn dates_never_panic(text in pieces(DATE, 8)) {
        if let Ok(d) = DateSpan::parse(&text) {
            prop_assert!(d.start <= d.end, "{text}");
            let _ = (d.display_en(), d.machine());
        }
    }

    /// Bodies with any mix of links, citations and Markdown render; what comes out is bounded
    /// by what goes in, and every context by the context length.
    #[test]
    fn bodies_render_within_bounds(md in pieces(BODY, 80)) {
        let targets = targets();
        let r = render_body(&Body::plain(&md), &targets);
        prop_assert!(r.links.len() <= md.len(), "{} links", r.links.len());
        prop_assert!(r.html.len() <= 64 * md.len() + 256, "{} bytes of HTML from {}", r.html.len(), md.len());
        prop_assert!(r.diagnostics.len() <= md.len() + 1);
        for link in &r.links {
            let c = &link.context;
            prop_assert!(c.before().chars().count() <= 161 && c.after().chars().count() <= 161);
        }
    }

    /// Citations and relative paths parse or are refused; a resolved path never climbs out.
    #[test]
    fn citations_and_paths_never_panic(content in pieces(BODY, 12), from in "[a-z./]{0,20}", link in "[a-z./%#]{0,20}") {
        if let Some(Ok(items)) = parse_citation(&content) {
            for item in items {
                prop_assert!(item.key_offset <= content.len());
                prop_assert!(!item.key.is_empty());
            }
        }
        if let Some(p) = resolve_path(&from, &link) {
            prop_assert!(!p.split('/').any(|s| s == ".."), "{from} + {link} = {p}");
        }
    }

    /// Sentences start at character boundaries, in order; a sentence around any range is cut
    /// to the context length.
    #[test]
    fn sentences_are_cut_within_bounds(block in pieces(BODY, 60), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        let starts = dossier::sentence::starts(&block);
        prop_assert!(starts.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(starts.iter().all(|&i| block.is_char_boundary(i)));
        prop_assert_eq!(starts.first().copied(), (!block.is_empty()).then_some(0));
        let bounds: Vec<usize> = (0..=block.len()).filter(|&i| block.is_char_boundary(i)).collect();
        let (x, y) = (*a.get(&bounds), *b.get(&bounds));
        let c = sentence_around(&block, x.min(y)..x.max(y));
        prop_assert!(c.before().chars().count() <= 161 && c.after().chars().count() <= 161);
    }

    /// Ids are lowercase letters, digits and hyphens, whatever the file name.
    #[test]
    fn note_ids_are_checked(name in "\\PC{0,12}") {
        let text: Arc<str> = "---\ntitle: A\n---\n".into();
        let (note, _) = parse_note(SourceFile { rel_path: format!("content/x/{name}.md"), text });
        if let Some(note) = note {
            prop_assert!(dossier::model::is_valid_id(&note.id), "{}", note.id);
        }
    }
}
