//! Property tests of what `dossier check` reads from pages it does not control: the HTML and
//! CSS scanners, the resolution of links against a site, the joining of `Location` headers,
//! and the placing of diagnostics in a page. On any input none may panic, and what each gives
//! is bounded by the size of its input.
//!
//! `cargo test --test fuzz_check` runs 256 cases of each (proptest's default); for a longer run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test --release --test fuzz_check
//! ```

use std::borrow::Cow;

use dossier::check::external::{join, without_credentials};
use dossier::check::extract::{css, html, html5gum_links, srcset};
use dossier::check::{CheckOptions, check_tree};
use dossier::diag::{Diagnostic, Locator, line_col};
use dossier::site::OutputTree;
use proptest::prelude::*;

/// Pieces of HTML that reach the scanner's every state, joined at random.
const PIECES: &[&str] = &[
    "<",
    ">",
    "/",
    "=",
    "\"",
    "'",
    " ",
    "\t",
    "\n",
    "\r",
    "\0",
    "!",
    "-",
    "--",
    "?",
    "&",
    ";",
    "&amp;",
    "&#38;",
    "&#x;",
    "&#99999999;",
    "&lt",
    "&nGt;",
    "a",
    "é",
    "中",
    "<a",
    "</a",
    "<img",
    "<base",
    "<link",
    "<source",
    "<input",
    "<iframe",
    "<style",
    "</style",
    "<script",
    "</script",
    "<title",
    "</title",
    "<textarea",
    "<plaintext",
    "<!--",
    "-->",
    "--!>",
    "<!",
    "<!DOCTYPE",
    "<?",
    "<![CDATA[",
    "]]>",
    " href",
    " src",
    " srcset",
    " id",
    " name",
    " rel",
    " style",
    " formaction",
    " action",
    "=\"",
    "='",
    "=x",
    "=/y/#f",
    "#",
    "../",
    "./",
    "//",
    "?q",
    "%",
    "%2",
    "%zz",
    "%C3%A9",
    " a.png 1x, b.png 2x",
    ",",
    "(",
    ")",
    "url(u.png)",
    "url(",
    "@import 'i.css';",
    "\\",
    "\\41",
    "preconnect",
    "javascript:",
    " JaVa\tScript:",
    "data:text/html,",
    "mailto:",
    "tel:",
    "https://",
    "http://u:p@h/",
    "https://example.org/b/",
];

fn pieces(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|p| p.concat())
}

/// Either HTML-like text or any text at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![pieces(80), any::<String>()]
}

/// The bytes of all the URLs and anchors found: a character reference can decode to a few
/// more bytes than it is written with, never to more than four times as many.
fn found_bytes(links: &[(Cow<'_, str>, usize)], anchors: &[Cow<'_, str>]) -> usize {
    links.iter().map(|(u, _)| u.len()).sum::<usize>() + anchors.iter().map(|a| a.len()).sum::<usize>()
}

proptest! {
    #[test]
    fn the_html_scanner_never_panics_and_gives_no_more_than_it_reads(page in text()) {
        for found in [html(&page), html5gum_links(&page)] {
            let links: Vec<(Cow<str>, usize)> = found.links.iter().map(|f| (f.url.clone(), f.offset)).collect();
            prop_assert!(found.links.len() <= page.len());
            prop_assert!(found.anchors.len() <= page.len());
            prop_assert!(found_bytes(&links, &found.anchors) <= 4 * page.len());
            prop_assert!(found.links.iter().all(|f| f.offset <= page.len()));
            prop_assert!(found.base.as_ref().is_none_or(|b| b.len() <= 4 * page.len()));
        }
    }

    #[test]
    fn the_fast_html_scanner_agrees_with_html5gum(page in pieces(60)) {
        let (fast, slow) = (html(&page), html5gum_links(&page));
        prop_assert_eq!(fast.links, slow.links);
        prop_assert_eq!(fast.anchors, slow.anchors);
        prop_assert_eq!(fast.base, slow.base);
    }

    #[test]
    fn css_and_srcset_never_panic_and_point_inside(text in text()) {
        let found = css(&text);
        prop_assert!(found.len() <= text.len());
        prop_assert!(found.iter().all(|f| f.offset <= text.len() && f.url.len() <= text.len()));
        for (url, at) in srcset(&text) {
            prop_assert!(at + url.len() <= text.len());
        }
    }

    #[test]
    fn checking_any_site_never_panics(
        pages in prop::collection::vec(("[a-z/.]{0,12}", prop_oneof![pieces(60).prop_map(String::into_bytes), prop::collection::vec(any::<u8>(), 0..200)]), 0..6),
        base in prop_oneof![Just("/".to_string()), Just("/b/".to_string()), "/[a-z/]{0,6}"],
    ) {
        let mut tree = OutputTree::default();
        let mut bytes = 0;
        for (path, page) in pages {
            bytes += page.len();
            let path = if path.ends_with('/') || path.is_empty() { format!("{path}index.html") } else { format!("{path}.html") };
            tree.insert(path, page);
        }
        let opts = CheckOptions { base_path: base, base_url: Some("https://example.org/b/".into()) };
        let report = check_tree(&tree, &opts);
        prop_assert!(report.broken.len() + report.unsafe_links.len() + report.external.len() <= bytes);
        for b in report.broken.iter().chain(&report.unsafe_links) {
            // A reason quotes the link (at most twice, resolved) and a short text.
            prop_assert!(b.reason.len() <= 8 * b.url.len() + 8 * opts.base_path.len() + 200, "{}", b.reason);
        }
    }

    #[test]
    fn joining_a_location_never_panics_and_adds_little(base in text(), location in text()) {
        let joined = join(&base, &location);
        // Percent-encoding may triple a character, and a scheme and a slash may be added.
        prop_assert!(joined.len() <= 3 * (base.len() + location.len()) + "https://".len() + 1);
        prop_assert!(without_credentials(&joined).len() <= joined.len());
    }

    #[test]
    fn a_diagnostic_keeps_a_bounded_piece_of_any_line(text in text(), offsets in prop::collection::vec(any::<usize>(), 0..8)) {
        let mut offsets: Vec<usize> = offsets.into_iter().map(|o| o % (text.len() + 2)).collect();
        offsets.sort_unstable();
        let mut locator = Locator::default();
        for offset in offsets {
            let place = locator.place(&text, offset);
            let d = Diagnostic::error("p.html", "m").at_place(&text, &place, 3);
            prop_assert!(d.source_line.chars().count() <= 122);
            prop_assert_eq!((d.line, d.col), line_col(&text, offset), "placed in order as on its own");
            let _ = d.render_plain();
        }
    }
}
