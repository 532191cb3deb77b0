//! The lists of backlinks, citing notes and sources, written without the template engine.

use std::sync::OnceLock;

use tera::Value;

use super::index::{Locale, shown_date};
use super::views::{field_words, plural_key};
use crate::date::fill;
use crate::graph::links::Backlink;
use crate::html::escape_bytes;
use crate::model::KindData;

/// What [`write_mentions`] writes of a noting note before what it says: its link and date.
/// The same on every page of a language that lists the note, so [`Heads`] makes it once per
/// note.
pub(super) struct MentionHead {
    pub(super) bytes: Box<[u8]>,
    /// The language the note is shown in, when it is not the page's.
    pub(super) other_lang: Option<Box<str>>,
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

    /// Source `i`'s head, recorded as a dependency of the page being rendered (with the
    /// source it is known through, whose link it shows).
    pub(super) fn source(&self, i: usize) -> &SourceHead {
        let head = self.head(&self.sources, i, |n| self.make_source_head(i, n));
        if let Some(via) = head.via {
            self.loc.record_use(via);
        }
        head
    }

    /// How a numbered list names source `i`: its link and original title, then in brackets
    /// how the dossier knows it: publisher, date, language, read directly or known through
    /// another, its address and archived copy, when it was retrieved.
    fn make_source_head(&self, i: usize, n: &Value) -> SourceHead {
        let loc = self.loc;
        let words = loc.words;
        let note = loc.shown(&loc.dossier.notes[i]);
        let KindData::Source(s) = &note.data else {
            return SourceHead::default();
        };
        let str_of = |name: &'static str| attr(n, name).and_then(Value::as_str).filter(|s| !s.is_empty());
        let language = s.language.as_deref().filter(|l| !l.is_empty());
        let mut title = Vec::with_capacity(256);
        write_link(&mut title, n);
        // The title in the source's own language, beside one in the reader's.
        if let Some(original) = str_of("original_title") {
            title.extend_from_slice(b" <span class=\"original-title\"");
            if let Some(l) = language {
                lang_attr(&mut title, l);
            }
            title.push(b'>');
            escape_bytes(&mut title, original);
            title.extend_from_slice(b"</span>");
        }
        let mut facts: Vec<Vec<u8>> = Vec::new();
        let text = |t: &str| {
            let mut e = Vec::with_capacity(t.len());
            escape_bytes(&mut e, t);
            e
        };
        // The publisher's name is in the source's language, as on the list of sources.
        if let Some(publisher) = str_of("publisher") {
            match language.filter(|&l| l != loc.lang) {
                Some(l) => {
                    let mut span = b"<span".to_vec();
                    lang_attr(&mut span, l);
                    span.push(b'>');
                    span.extend_from_slice(&text(publisher));
                    span.extend_from_slice(b"</span>");
                    facts.push(span);
                }
                None => facts.push(text(publisher)),
            }
        }
        if let Some(date) = attr(n, "date").filter(|d| d.is_truthy()) {
            let mut t = Vec::new();
            self.write_time(&mut t, date);
            facts.push(t);
        }
        if let Some(l) = language {
            facts.push(text(words.language_name(l, &loc.dossier.site.config)));
        }
        let via = s.via.as_deref().and_then(|v| loc.dossier.by_id.get(v).copied());
        let ways = self.ways_known(s, via);
        // The bracket opens outside the span: its space (in English) is not the span's.
        let mut provenance = text(words.get("paren_open"));
        provenance.extend_from_slice(b"<span class=\"provenance\">");
        provenance.extend_from_slice(&facts.join(text(words.get("comma")).as_slice()));
        if !facts.is_empty() {
            provenance.extend_from_slice(&text(words.get("semicolon")));
        }
        provenance.extend_from_slice(&ways.join(text(words.get("semicolon")).as_slice()));
        provenance.extend_from_slice(b"</span>");
        provenance.extend_from_slice(&text(words.get("paren_close")));
        SourceHead {
            title: title.into_boxed_slice(),
            provenance: provenance.into_boxed_slice(),
            other_language: language.filter(|&l| l != loc.lang).map(Box::from),
            cjk: language.is_some_and(crate::texts::is_cjk_language),
            url: s.url.as_deref().map(Box::from),
            via,
        }
    }

    /// How the dossier knows a source: read directly or through `via`, its address, archived
    /// copy and retrieval date, each written in the page's language.
    fn ways_known(&self, s: &crate::model::Source, via: Option<usize>) -> Vec<Vec<u8>> {
        let (loc, words) = (self.loc, self.loc.words);
        let text = |t: &str| {
            let mut e = Vec::with_capacity(t.len());
            escape_bytes(&mut e, t);
            e
        };
        let mut ways: Vec<Vec<u8>> = Vec::new();
        match via {
            Some(v) => {
                let mut link = Vec::new();
                write_link(&mut link, loc.summary_value(&loc.dossier.notes[v]).as_ref());
                let link = String::from_utf8(link).unwrap_or_default();
                let said = crate::date::fill(
                    &String::from_utf8(text(words.get("source_known_through"))).unwrap_or_default(),
                    &[("via", &link)],
                );
                ways.push(said.into_bytes());
            }
            None => ways.push(text(words.get("source_read_directly"))),
        }
        if let Some(url) = s.url.as_deref() {
            let mut a = b"<a href=\"".to_vec();
            escape_bytes(&mut a, url);
            a.extend_from_slice(b"\" rel=\"noopener\">");
            escape_bytes(&mut a, host_of(url));
            a.extend_from_slice(b"</a>");
            ways.push(a);
        }
        if let Some(archive) = s.archive.as_deref() {
            let mut a = b"<a href=\"".to_vec();
            escape_bytes(&mut a, archive);
            a.extend_from_slice(b"\" rel=\"noopener\">");
            escape_bytes(&mut a, words.get("source_archived"));
            a.extend_from_slice(b"</a>");
            ways.push(a);
        }
        if let Some(retrieved) = &s.retrieved {
            let mut t = Vec::new();
            t.extend_from_slice(b"<time datetime=\"");
            escape_bytes(&mut t, &retrieved.to_string());
            t.extend_from_slice(b"\">");
            escape_bytes(
                &mut t,
                &shown_date(self.build, &words.dates, &retrieved.to_string(), false),
            );
            t.extend_from_slice(b"</time>");
            let said = crate::date::fill(
                &String::from_utf8(text(words.get("source_retrieved"))).unwrap_or_default(),
                &[("date", &String::from_utf8(t).unwrap_or_default())],
            );
            ways.push(said.into_bytes());
        }
        ways
    }

    /// Note `i`'s head, recorded as a dependency of the page being rendered.
    pub(super) fn mention(&self, i: usize) -> &MentionHead {
        self.head(&self.mentions, i, |n| {
            let loc = self.loc;
            let note_lang = attr(n, "lang").and_then(Value::as_str);
            let mut out = Vec::with_capacity(256);
            out.extend_from_slice(b"\n<li>");
            write_link(&mut out, n);
            if let Some(date) = attr(n, "date").filter(|d| d.is_truthy()) {
                out.extend_from_slice(" <span class=\"meta\">· ".as_bytes());
                self.write_time(&mut out, date);
                out.extend_from_slice(b"</span>");
            }
            MentionHead {
                bytes: out.into_boxed_slice(),
                other_lang: note_lang.filter(|&l| l != loc.lang).map(Box::from),
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

/// How many notes a group of [`write_mentions`] shows before folding the rest away, and the
/// fewest it folds: a group of up to `SHOWN + FOLD_AT_LEAST - 1` notes is shown whole.
const SHOWN: usize = 5;
const FOLD_AT_LEAST: usize = 3;

/// Writes a list of backlinks or citing notes: a heading per kind, each note once with its
/// link and date, the first thing it says of the page's note, and how many more times it
/// names it. A group longer than [`SHOWN`] notes folds the rest into a `<details>`. Notes in
/// `skip` (sorted) are left out: the page lists them already; with none left, there is no list.
/// The template engine is not used:
/// these lists are most of what a large dossier's pages hold, and the engine writes them
/// markedly slower (README.md, "Templates"). Templates print the result
/// (`page.backlinks_html`, `page.cited_by_html`); a theme that wants its own markup reads the
/// same lists as values ([`group`](super::views::group)).
pub(super) fn write_mentions(heads: &Heads<'_, '_>, list: &[Backlink], skip: &[usize]) -> Option<String> {
    let loc = heads.loc;
    let notes = &loc.dossier.notes;
    let kept: Vec<&Backlink> = list.iter().filter(|b| skip.binary_search(&b.from).is_err()).collect();
    if kept.is_empty() {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(kept.len() * 240);
    // Notes are sorted by kind: a group ends where the kind changes.
    for group in kept.chunk_by(|a, b| notes[a.from].kind == notes[b.from].kind) {
        out.extend_from_slice(b"\n<h3>");
        escape_bytes(&mut out, loc.words.get(plural_key(notes[group[0].from].kind)));
        out.extend_from_slice(b"</h3>\n<ul class=\"mentions\">");
        let shown = if group.len() >= SHOWN + FOLD_AT_LEAST {
            SHOWN
        } else {
            group.len()
        };
        for b in &group[..shown] {
            write_mention_entry(heads, &mut out, b);
        }
        out.extend_from_slice(b"\n</ul>\n");
        if shown < group.len() {
            let rest = group.len() - shown;
            out.extend_from_slice(b"<details class=\"more-mentions\"><summary>");
            escape_bytes(&mut out, &fill(loc.words.get("show_more"), &[("n", &rest.to_string())]));
            out.extend_from_slice(b"</summary>\n<ul class=\"mentions\">");
            for b in &group[shown..] {
                write_mention_entry(heads, &mut out, b);
            }
            out.extend_from_slice(b"\n</ul></details>\n");
        }
    }
    out.push(b'\n');
    Some(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// One note of [`write_mentions`]: its head, the first of its mentions that says something
/// besides the link (a sentence if it has one), and a count of the others.
fn write_mention_entry(heads: &Heads<'_, '_>, out: &mut Vec<u8>, b: &Backlink) {
    let loc = heads.loc;
    let head = heads.mention(b.from);
    out.extend_from_slice(&head.bytes);
    // A sentence says more than a field's name: it is preferred.
    let first = (b.mentions.iter())
        .position(|m| m.context.is_some() && says_something(m))
        .or_else(|| b.mentions.iter().position(says_something));
    if let Some(m) = first.map(|k| &b.mentions[k]) {
        out.extend_from_slice(b"\n<p class=\"context\"");
        if let Some(l) = &head.other_lang {
            lang_attr(out, l);
        }
        out.push(b'>');
        write_mention(loc, out, m, head.other_lang.is_some());
        out.extend_from_slice(b"</p>");
    }
    let more = b.mentions.len() - usize::from(first.is_some());
    if first.is_some() && more > 0 {
        out.extend_from_slice(b"\n<p class=\"more\">");
        let said = match more {
            1 => loc.words.get("one_more_mention").to_string(),
            n => fill(loc.words.get("more_mentions"), &[("n", &n.to_string())]),
        };
        escape_bytes(out, &said);
        out.extend_from_slice(b"</p>");
    }
    out.extend_from_slice(b"</li>");
}

/// Whether a mention says more than the link: a locator, a quotation, a front-matter field,
/// or a sentence with more around the link than one short word ("See [X].", "見[X]。").
fn says_something(m: &crate::graph::links::Mention) -> bool {
    if m.at().is_some_and(|s| !s.is_empty()) || m.quote().is_some_and(|s| !s.is_empty()) {
        return true;
    }
    match (&m.context, m.field()) {
        (Some(c), _) => {
            let words = || {
                [c.before(), c.after()]
                    .into_iter()
                    .flat_map(|s| s.split(|ch: char| !ch.is_alphanumeric()))
                    .filter(|w| !w.is_empty())
            };
            words().count() > 1 || words().any(|w| w.chars().count() > 4)
        }
        (None, Some(_)) => true,
        (None, None) => false,
    }
}

/// A context's words, escaped, with the labels in another language of its body marked with
/// their language wherever they stand whole.
fn write_words(out: &mut Vec<u8>, mut words: &str, foreign: &[crate::links::Foreign]) {
    while let Some((at, f)) = (foreign.iter())
        .filter(|f| !f.text.is_empty())
        .filter_map(|f| find_whole(words, &f.text).map(|at| (at, f)))
        .min_by_key(|&(at, f)| (at, std::cmp::Reverse(f.text.len())))
    {
        escape_bytes(out, &words[..at]);
        out.extend_from_slice(b"<span");
        lang_attr(out, &f.lang);
        out.push(b'>');
        escape_bytes(out, &f.text);
        out.extend_from_slice(b"</span>");
        words = &words[at + f.text.len()..];
    }
    escape_bytes(out, words);
}

/// Where `text` first stands in `words` as whole words: a Latin letter or digit at its edge
/// may not continue a word on that side ("die" is not marked in "studied"). Chinese and
/// Japanese, written without spaces, match anywhere.
fn find_whole(words: &str, text: &str) -> Option<usize> {
    let in_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && (c as u32) < 0x2E80);
    words.match_indices(text).map(|(at, _)| at).find(|&at| {
        let before = words[..at].chars().next_back();
        let after = words[at + text.len()..].chars().next();
        let joins_before = in_word(before) && in_word(text.chars().next());
        let joins_after = in_word(after) && in_word(text.chars().next_back());
        !joins_before && !joins_after
    })
}

/// What one mention says: the locator, the sentence with the link marked or the field that
/// names the note (in the page's language, marked so when the note's is another), the quote.
fn write_mention(loc: &Locale<'_>, out: &mut Vec<u8>, m: &crate::graph::links::Mention, other_lang: bool) {
    if let Some(at) = m.at().filter(|s| !s.is_empty()) {
        out.extend_from_slice(b"<span class=\"locator\">");
        escape_bytes(out, at);
        out.extend_from_slice("</span> · ".as_bytes());
    }
    match (&m.context, m.field()) {
        (Some(c), _) => {
            write_words(out, c.before(), c.foreign());
            if !c.text().is_empty() {
                out.extend_from_slice(b"<mark>");
                write_words(out, c.text(), c.foreign());
                out.extend_from_slice(b"</mark>");
            }
            write_words(out, c.after(), c.foreign());
        }
        (None, Some(f)) => {
            let words = field_words(loc, f);
            if !words.is_empty() {
                out.extend_from_slice(b"<span class=\"field\"");
                if other_lang {
                    lang_attr(out, loc.lang);
                }
                out.push(b'>');
                escape_bytes(out, &words);
                out.extend_from_slice(b"</span>");
            }
        }
        (None, None) => {}
    }
    if let Some(quote) = m.quote().filter(|s| !s.is_empty()) {
        escape_bytes(out, loc.words.get("colon"));
        out.extend_from_slice(b"<q>");
        escape_bytes(out, quote);
        out.extend_from_slice(b"</q>");
    }
}

/// What [`write_sources`] writes of a cited source on every page that cites
/// it: its link, publisher, date and language. Made once per source, as [`MentionHead`] is.
#[derive(Default)]
pub(super) struct SourceHead {
    /// The link, with the original title beside it.
    pub(super) title: Box<[u8]>,
    /// How the dossier knows the source, in brackets.
    pub(super) provenance: Box<[u8]>,
    /// The source's language, when it is not the page's: the quote is marked with it.
    pub(super) other_language: Option<Box<str>>,
    /// The source is in Chinese, Japanese or Korean.
    pub(super) cjk: bool,
    /// Where it is online, for links to a quotation's place in it.
    pub(super) url: Option<Box<str>>,
    /// The source it is known through.
    pub(super) via: Option<usize>,
}

/// A URL's host, without `www.`, to name a link by (`cnbc.com`).
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    match host.strip_prefix("www.").unwrap_or(host) {
        "" => url,
        host => host,
    }
}

/// Writes a page's numbered sources: each with its link, publisher, date and language, the
/// locator and quote of the citation, and links back to where the body cites it. Written
/// without the template engine, as [`write_mentions`] is.
pub(super) fn write_sources(heads: &Heads<'_, '_>, citations: &[crate::markdown::Citation]) -> String {
    let loc = heads.loc;
    let heading = loc.words.get("sources");
    let mut out: Vec<u8> = Vec::with_capacity(200 + citations.len() * 500);
    out.extend_from_slice(
        b"\n<section class=\"sources\" aria-labelledby=\"sources\" data-pagefind-ignore>\n<h2 id=\"sources\">",
    );
    escape_bytes(&mut out, heading);
    out.extend_from_slice(b"</h2>\n<ol>\n");
    for c in citations {
        let head = heads.source(c.source);
        out.extend_from_slice(b"\n<li id=\"cite-");
        out.extend_from_slice(c.n.to_string().as_bytes());
        out.extend_from_slice(b"\">");
        out.extend_from_slice(&head.title);
        // The quoted words' place in the source online, when they are in its language.
        let fragment = c
            .fragment
            .as_deref()
            .filter(|q| crate::texts::is_cjk_text(q) == head.cjk)
            .and_then(|q| head.url.as_deref().map(|u| text_fragment_url(u, q)));
        let at = c.at.as_deref().filter(|s| !s.is_empty());
        if at.is_some() || fragment.is_some() {
            escape_bytes(&mut out, loc.words.get("comma"));
            out.extend_from_slice(b"<span class=\"locator\">");
            if let Some(href) = &fragment {
                out.extend_from_slice(b"<a class=\"at-source\" href=\"");
                escape_bytes(&mut out, href);
                out.extend_from_slice(b"\" rel=\"noopener\">");
                escape_bytes(&mut out, at.unwrap_or(loc.words.get("at_source")));
                out.extend_from_slice(b"</a>");
            } else if let Some(at) = at {
                escape_bytes(&mut out, at);
            }
            out.extend_from_slice(b"</span>");
        }
        if let Some(quote) = c.quote.as_deref().filter(|s| !s.is_empty()) {
            escape_bytes(&mut out, loc.words.get("colon"));
            out.extend_from_slice(b"<q");
            if let Some(language) = &head.other_language {
                lang_attr(&mut out, language);
            }
            out.push(b'>');
            escape_bytes(&mut out, quote);
            out.extend_from_slice(b"</q>");
        }
        out.extend_from_slice(&head.provenance);
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

/// A link to the words `quote` at their place in the page at `url`, as a URL fragment text
/// directive (`#:~:text=`): browsers that know it scroll to the words and mark them. A quotation
/// cut with `…` gives its first and last parts as the start and end of the passage.
pub(crate) fn text_fragment_url(url: &str, quote: &str) -> String {
    // Cut where `texts::quote_parts` cuts: at `…`, `...` and a bracketed insertion.
    let mut cut = String::with_capacity(quote.len());
    let mut in_bracket = false;
    for c in quote.replace("...", "…").chars() {
        match c {
            '[' => {
                in_bracket = true;
                cut.push('…');
            }
            ']' => in_bracket = false,
            c if !in_bracket => cut.push(c),
            _ => {}
        }
    }
    let parts: Vec<&str> = cut.split('…').map(str::trim).filter(|p| !p.is_empty()).collect();
    // A fragment the address has already (a page that routes by it) is kept: the directive
    // follows it, or joins the directives it has.
    let mut out = url.to_string();
    out.push_str(match url.split_once('#') {
        None => "#:~:text=",
        Some((_, fragment)) if fragment.contains(":~:") => "&text=",
        Some(_) => ":~:text=",
    });
    if let Some(first) = parts.first() {
        out.push_str(&fragment_encode(first));
    }
    if parts.len() > 1
        && let Some(last) = parts.last()
    {
        out.push(',');
        out.push_str(&fragment_encode(last));
    }
    out
}

/// Percent-encodes a text directive's term: everything but ASCII letters, digits and the few
/// marks the directive's grammar leaves alone (`-`, `,` and `&` are its syntax, so encoded).
fn fragment_encode(term: &str) -> String {
    let mut out = String::with_capacity(term.len() * 3);
    for b in term.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'!' | b'*' | b'(' | b')' | b'\'') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_another_language_are_marked_only_where_they_stand_whole() {
        let foreign = [
            crate::links::Foreign {
                lang: "de".into(),
                text: "die".into(),
            },
            crate::links::Foreign {
                lang: "zh-Hant".into(),
                text: "衝突".into(),
            },
        ];
        let mut out = Vec::new();
        write_words(&mut out, "studied, die Frage, 利益衝突", &foreign);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "studied, <span lang=\"de\">die</span> Frage, 利益<span lang=\"zh-Hant\">衝突</span>"
        );
    }

    #[test]
    fn text_fragments_encode_the_directive_syntax() {
        assert_eq!(
            text_fragment_url("https://a.example/p#top", "no room, to-day & now"),
            "https://a.example/p#top:~:text=no%20room%2C%20to%2Dday%20%26%20now"
        );
        // A cut quotation gives the passage's start and end.
        assert_eq!(
            text_fragment_url("https://a.example/p", "has faced … delays"),
            "https://a.example/p#:~:text=has%20faced,delays"
        );
        assert_eq!(
            text_fragment_url("https://a.example/p", "[Tesla] will ... more"),
            "https://a.example/p#:~:text=will,more"
        );
        assert_eq!(
            text_fragment_url("https://a.example/app#/story/1", "no room"),
            "https://a.example/app#/story/1:~:text=no%20room"
        );
        assert_eq!(
            text_fragment_url("https://a.example/p#:~:text=a", "b"),
            "https://a.example/p#:~:text=a&text=b"
        );
        assert_eq!(host_of("https://www.cnbc.com/2024/x?y#z"), "cnbc.com");
        assert_eq!(host_of("/local/page"), "/local/page");
        assert_eq!(host_of("https://user@news.example:8080/"), "news.example:8080");
    }
}
