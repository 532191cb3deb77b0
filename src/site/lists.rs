//! The lists of backlinks, citing notes and sources, written without the template engine.

use std::sync::OnceLock;

use tera::Value;

use super::index::{Locale, shown_date};
use super::views::{field_words, plural_key};
use crate::graph::links::Backlink;
use crate::html::escape_bytes;

/// What [`write_mentions`] writes before a noting note's mentions: its
/// link and date, and the opening of its list of contexts. The same on every page of a
/// language that lists the note, so [`Heads`] makes it once per note.
pub(super) struct MentionHead {
    pub(super) bytes: Box<[u8]>,
    /// The note is shown in another language than the page's.
    pub(super) other_lang: bool,
}

/// Each note's [`MentionHead`] in one language, made the first time a page lists the note.
/// A note is listed on many pages, and reading its summary's fields from the template value
/// on each of them would be most of what the lists cost.
pub(super) struct Heads<'l, 'a> {
    pub(super) loc: &'l Locale<'a>,
    pub(super) build: u64,
    pub(super) mentions: Vec<OnceLock<MentionHead>>,
    pub(super) sources: Vec<OnceLock<SourceHead>>,
}

impl<'l, 'a> Heads<'l, 'a> {
    pub(super) fn new(loc: &'l Locale<'a>, build: u64) -> Self {
        Heads {
            loc,
            build,
            mentions: (0..loc.dossier.notes.len()).map(|_| OnceLock::new()).collect(),
            sources: (0..loc.dossier.notes.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Source `i`'s head, recorded as a dependency of the page being rendered. `in_language`
    /// is the language's words for a source in another language.
    pub(super) fn source(&self, i: usize, in_language: &str) -> &SourceHead {
        self.head(&self.sources, i, |n| {
            let loc = self.loc;
            let str_of = |name: &'static str| attr(n, name).and_then(Value::as_str).filter(|s| !s.is_empty());
            let mut out = Vec::with_capacity(256);
            write_link(&mut out, n);
            if let Some(publisher) = str_of("publisher") {
                out.extend_from_slice(b", ");
                escape_bytes(&mut out, publisher);
            }
            if let Some(date) = attr(n, "date").filter(|d| d.is_truthy()) {
                out.extend_from_slice(b", ");
                self.write_time(&mut out, date);
            }
            let other_language = str_of("language").filter(|&l| l != loc.lang);
            if other_language.is_some() {
                let escaped = |text: &str| {
                    let mut e = Vec::with_capacity(text.len());
                    escape_bytes(&mut e, text);
                    String::from_utf8(e).unwrap_or_default()
                };
                let name = escaped(attr(n, "language_name").and_then(Value::as_str).unwrap_or_default());
                out.extend_from_slice(b" <span class=\"source-lang\">[");
                out.extend_from_slice(crate::date::fill(&escaped(in_language), &[("lang", &name)]).as_bytes());
                out.extend_from_slice(b"]</span>");
            }
            SourceHead {
                bytes: out.into_boxed_slice(),
                other_language: other_language.map(Box::from),
            }
        })
    }

    /// Note `i`'s head, recorded as a dependency of the page being rendered.
    pub(super) fn mention(&self, i: usize) -> &MentionHead {
        self.head(&self.mentions, i, |n| {
            let loc = self.loc;
            let note_lang = attr(n, "lang").and_then(Value::as_str);
            let other_lang = note_lang != Some(loc.lang);
            let mut out = Vec::with_capacity(256);
            out.extend_from_slice(b"\n<li>");
            write_link(&mut out, n);
            if let Some(date) = attr(n, "date").filter(|d| d.is_truthy()) {
                out.extend_from_slice(" <span class=\"meta\">· ".as_bytes());
                self.write_time(&mut out, date);
                out.extend_from_slice(b"</span>");
            }
            out.extend_from_slice(b"\n<ul class=\"contexts\"");
            if other_lang {
                lang_attr(&mut out, note_lang.unwrap_or_default());
            }
            out.extend_from_slice(b">\n");
            MentionHead {
                bytes: out.into_boxed_slice(),
                other_lang,
            }
        })
    }

    /// Note `i`'s entry of `cells`, made from its summary the first time; on every use, the
    /// note is recorded as a dependency of the page being rendered.
    pub(super) fn head<'s, T>(&self, cells: &'s [OnceLock<T>], i: usize, make: impl FnOnce(&Value) -> T) -> &'s T {
        self.loc.record_use(i);
        cells[i].get_or_init(|| make(self.loc.summary_value(&self.loc.dossier.notes[i]).as_ref()))
    }

    /// Writes a summary's `date` as the partials print it: `<time datetime="…">…</time>`.
    pub(super) fn write_time(&self, out: &mut Vec<u8>, date: &Value) {
        out.extend_from_slice(b"<time datetime=\"");
        escape_bytes(out, attr(date, "datetime").and_then(Value::as_str).unwrap_or_default());
        out.extend_from_slice(b"\">");
        if let Some(text) = attr(date, "text").and_then(Value::as_str) {
            escape_bytes(out, &shown_date(self.build, &self.loc.words.dates, text, false));
        }
        out.extend_from_slice(b"</time>");
    }
}

/// Writes a list of backlinks or citing notes: a heading per kind, each note with its link and
/// date, and under it the sentences or fields that name the page's note. The template engine is
/// not used: these lists are most of what a large dossier's pages hold, and the engine writes
/// them markedly slower (README.md, "Templates"). Templates print the
/// result (`page.backlinks_html`, `page.cited_by_html`); a theme that wants its own markup
/// reads the same lists as values ([`group`]).
pub(super) fn write_mentions(heads: &Heads<'_, '_>, list: &[Backlink]) -> String {
    let loc = heads.loc;
    let notes = &loc.dossier.notes;
    let mut out: Vec<u8> = Vec::with_capacity(list.len() * 320);
    let page_lang = loc.lang;
    let mut kind = None;
    for b in list {
        // Notes are sorted by kind: a group ends where the kind changes.
        let k = notes[b.from].kind;
        if kind != Some(k) {
            if kind.is_some() {
                out.extend_from_slice(b"\n</ul>\n");
            }
            kind = Some(k);
            out.extend_from_slice(b"\n<h3>");
            escape_bytes(&mut out, loc.words.get(plural_key(k)));
            out.extend_from_slice(b"</h3>\n<ul class=\"mentions\">\n");
        }
        let head = heads.mention(b.from);
        out.extend_from_slice(&head.bytes);
        for m in &b.mentions {
            out.extend_from_slice(b"<li>");
            if let Some(at) = m.at().filter(|s| !s.is_empty()) {
                out.extend_from_slice(b"<span class=\"locator\">");
                escape_bytes(&mut out, at);
                out.extend_from_slice("</span> · ".as_bytes());
            }
            match (&m.context, m.field()) {
                (Some(c), _) => {
                    escape_bytes(&mut out, c.before());
                    if !c.text().is_empty() {
                        out.extend_from_slice(b"<mark>");
                        escape_bytes(&mut out, c.text());
                        out.extend_from_slice(b"</mark>");
                    }
                    escape_bytes(&mut out, c.after());
                }
                (None, Some(f)) => {
                    let words = field_words(loc, f);
                    if !words.is_empty() {
                        out.extend_from_slice(b"<span class=\"field\"");
                        if head.other_lang {
                            lang_attr(&mut out, page_lang);
                        }
                        out.push(b'>');
                        escape_bytes(&mut out, &words);
                        out.extend_from_slice(b"</span>");
                    }
                }
                (None, None) => {}
            }
            if let Some(quote) = m.quote().filter(|s| !s.is_empty()) {
                out.extend_from_slice(b": <q>");
                escape_bytes(&mut out, quote);
                out.extend_from_slice(b"</q>");
            }
            out.extend_from_slice(b"</li>\n");
        }
        out.extend_from_slice(b"</ul></li>\n");
    }
    if kind.is_some() {
        out.extend_from_slice(b"\n</ul>\n");
    }
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What [`write_sources`] writes of a cited source on every page that cites
/// it: its link, publisher, date and language. Made once per source, as [`MentionHead`] is.
pub(super) struct SourceHead {
    pub(super) bytes: Box<[u8]>,
    /// The source's language, when it is not the page's: the quote is marked with it.
    pub(super) other_language: Option<Box<str>>,
}

/// Writes a page's numbered sources: each with its link, publisher, date and language, the
/// locator and quote of the citation, and links back to where the body cites it. Written
/// without the template engine, as [`write_mentions`] is.
pub(super) fn write_sources(heads: &Heads<'_, '_>, citations: &[crate::markdown::Citation]) -> String {
    let loc = heads.loc;
    let (heading, in_language) = (loc.words.get("sources"), loc.words.get("in_language"));
    let mut out: Vec<u8> = Vec::with_capacity(200 + citations.len() * 400);
    out.extend_from_slice(b"\n<section class=\"sources\" aria-labelledby=\"sources\">\n<h2 id=\"sources\">");
    escape_bytes(&mut out, heading);
    out.extend_from_slice(b"</h2>\n<ol>\n");
    for c in citations {
        let head = heads.source(c.source, in_language);
        out.extend_from_slice(b"\n<li id=\"cite-");
        out.extend_from_slice(c.n.to_string().as_bytes());
        out.extend_from_slice(b"\">");
        out.extend_from_slice(&head.bytes);
        if let Some(at) = c.at.as_deref().filter(|s| !s.is_empty()) {
            out.extend_from_slice(b", <span class=\"locator\">");
            escape_bytes(&mut out, at);
            out.extend_from_slice(b"</span>");
        }
        if let Some(quote) = c.quote.as_deref().filter(|s| !s.is_empty()) {
            out.extend_from_slice(b": <q");
            if let Some(language) = &head.other_language {
                lang_attr(&mut out, language);
            }
            out.push(b'>');
            escape_bytes(&mut out, quote);
            out.extend_from_slice(b"</q>");
        }
        for (k, id) in c.refs.iter().enumerate() {
            out.extend_from_slice(b" <a class=\"backref\" href=\"#");
            escape_bytes(&mut out, id);
            out.extend_from_slice(b"\" aria-label=\"");
            escape_bytes(&mut out, &backref_label(loc, k, c.n));
            out.extend_from_slice("\">↩</a>".as_bytes());
        }
        out.extend_from_slice(b"</li>\n");
    }
    out.extend_from_slice(b"\n</ol>\n</section>\n");
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The words of a superscript's link back from the list of sources.
pub(super) fn backref_label(loc: &Locale<'_>, k: usize, n: usize) -> String {
    loc.words.fmt(
        "back_to_citation",
        &[("k", &(k + 1).to_string()), ("n", &n.to_string())],
    )
}

/// Writes a summary's `link` as `{{ n.link }}` prints it.
pub(super) fn write_link(out: &mut Vec<u8>, n: &Value) {
    if let Some(link) = attr(n, "link") {
        let text = link.as_str().unwrap_or_default();
        if link.is_safe() {
            out.extend_from_slice(text.as_bytes());
        } else {
            escape_bytes(out, text);
        }
    }
}

/// Writes ` lang="…"`.
pub(super) fn lang_attr(out: &mut Vec<u8>, lang: &str) {
    out.extend_from_slice(b" lang=\"");
    escape_bytes(out, lang);
    out.push(b'"');
}

/// A map's value by key, as `{{ v.name }}` finds it.
pub(super) fn attr<'v>(v: &'v Value, name: &'static str) -> Option<&'v Value> {
    v.as_map()?.get(&tera::value::Key::Str(name))
}
