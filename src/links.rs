//! What a note's body can link to, and the small grammars of the links themselves.
//!
//! [`LinkTargets`] is built once per build from the linked dossier and shared, read-only, by
//! every body being rendered: it answers "which note is `[[Musk]]`?", "which note is
//! `../events/x.md`?" and "is `img/chart.png` a static file?". The parsing of citations
//! (`[@a; @b, p. 2]`), the resolution of relative paths and the cutting of the sentence around a
//! link live here too, as pure functions with their own tests; `markdown` puts them together.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::diag::did_you_mean;
use crate::model::Kind;

/// A note a body can link to.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    /// Its URL, base path included (`/h100/people/elon-musk/`).
    pub url: String,
    /// Its translations, by language.
    pub translations: Vec<TargetTranslation>,
}

/// A note's page in another language.
#[derive(Debug, Clone)]
pub struct TargetTranslation {
    pub lang: String,
    pub title: String,
    pub url: String,
    /// The index of its body among those whose heading links are checked together: after the
    /// notes' own bodies.
    pub page: usize,
}

/// Where a link from a body in some language leads.
#[derive(Debug, Clone)]
pub(crate) struct Shown<'t> {
    pub url: &'t str,
    pub title: &'t str,
    /// The body whose headings `#fragment` names.
    pub page: usize,
    /// When the page is not in the language of the body linking to it: its language and what
    /// to say beside the link ([`BodyWords::lang_mark`]).
    pub other_lang: Option<(&'t str, &'t str)>,
}

/// Everything a body may name, indexed for lookup. Indices are those of the dossier's notes.
#[derive(Debug, Default)]
pub struct LinkTargets {
    pub notes: Vec<Target>,
    ids: HashMap<String, usize>,
    /// Aliases, lowercased, with the note and the alias as written: `[[musk]]` and `[[Musk]]`
    /// both find Elon Musk.
    aliases: HashMap<String, (usize, String)>,
    /// Note files by path from the dossier root (`content/people/elon-musk.md`).
    files: HashMap<String, usize>,
    /// Ids and files of drafts, which exist but are not published.
    draft_ids: HashSet<String>,
    draft_files: HashSet<String>,
    /// Ids and files of notes that could not be read: their own errors say why, and a link to
    /// one is not an error of its own.
    unreadable_ids: HashSet<String>,
    unreadable_files: HashSet<String>,
    /// Static files by path below `static/` (`img/chart.png`).
    statics: BTreeSet<String>,
    pub base_path: String,
    /// The site's default language, and the interface words bodies write, by language.
    pub default_lang: String,
    pub body_words: BTreeMap<String, BodyWords>,
}

/// The interface words a body writes, in its language, from the theme's strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BodyWords {
    /// Beside a link to a page only in the default language: ` (English)`, `（英文頁面）`.
    pub lang_mark: String,
    /// A citation number's label, with `{n}`: `Source {n}`.
    pub source_n: String,
    /// The label of a heading's link to itself.
    pub section_link: String,
}

impl Default for BodyWords {
    fn default() -> Self {
        BodyWords {
            lang_mark: String::new(),
            source_n: "Source {n}".into(),
            section_link: "Link to this section".into(),
        }
    }
}

/// Why a name did not resolve, and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unresolved {
    pub message: String,
    pub help: String,
}

impl LinkTargets {
    pub fn new(base_path: impl Into<String>) -> Self {
        LinkTargets {
            base_path: base_path.into(),
            ..Default::default()
        }
    }

    /// Adds a published note; returns its index.
    pub fn add(&mut self, target: Target, file: &str, aliases: &[String]) -> usize {
        let i = self.notes.len();
        self.ids.insert(target.id.clone(), i);
        self.files.insert(file.to_string(), i);
        for a in aliases {
            self.aliases.entry(a.to_lowercase()).or_insert((i, a.clone()));
        }
        self.notes.push(target);
        i
    }

    /// Makes another file (a translation) lead to a published note.
    pub(crate) fn add_file(&mut self, file: &str, note: usize) {
        self.files.insert(file.to_string(), note);
    }

    pub fn add_draft(&mut self, id: &str, file: &str) {
        self.draft_ids.insert(id.to_string());
        self.draft_files.insert(file.to_string());
    }

    /// A file that could not be read as a note, with its id if it is an original's.
    pub(crate) fn add_unreadable(&mut self, id: Option<&str>, file: &str) {
        self.unreadable_ids.extend(id.map(str::to_string));
        self.unreadable_files.insert(file.to_string());
    }

    pub(crate) fn add_static(&mut self, path: &str) {
        self.statics.insert(path.to_string());
    }

    /// A note by id, or else by alias (case does not matter for aliases).
    pub(crate) fn lookup(&self, key: &str) -> Option<usize> {
        self.ids
            .get(key)
            .copied()
            .or_else(|| self.aliases.get(&key.to_lowercase()).map(|(i, _)| *i))
    }

    /// A hash of everything a body's rendering can read here but the titles: when two builds
    /// have the same, a body with the same text renders the same, provided the titles of the
    /// notes it uses ([`LinkTargets::titles_of`]) are the same too.
    pub(crate) fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for t in &self.notes {
            (&t.id, t.kind.as_str(), &t.url).hash(&mut h);
            for tr in &t.translations {
                (&tr.lang, &tr.url, tr.page).hash(&mut h);
            }
        }
        // The maps have no order: each entry is hashed alone and the hashes summed, which is
        // the same for the same entries in any order (and costs no copy, no sort).
        fn unordered<T: Hash>(items: impl Iterator<Item = T>) -> (u64, usize) {
            let mut sum = 0u64;
            let mut count = 0;
            for item in items {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                item.hash(&mut h);
                sum = sum.wrapping_add(h.finish());
                count += 1;
            }
            (sum, count)
        }
        unordered(self.aliases.iter()).hash(&mut h);
        unordered(self.files.iter()).hash(&mut h);
        unordered(self.draft_ids.iter()).hash(&mut h);
        unordered(self.draft_files.iter()).hash(&mut h);
        unordered(self.unreadable_ids.iter()).hash(&mut h);
        unordered(self.unreadable_files.iter()).hash(&mut h);
        self.statics.hash(&mut h);
        (&self.base_path, &self.default_lang, &self.body_words).hash(&mut h);
        h.finish()
    }

    /// Each note's titles, in every language, hashed: computed once per build, so that
    /// [`LinkTargets::titles_of`] hashes numbers rather than every title a body uses.
    pub(crate) fn title_hashes(&self) -> Vec<u64> {
        use rayon::prelude::*;
        use std::hash::{Hash, Hasher};
        self.notes
            .par_iter()
            .map(|target| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                target.title.hash(&mut h);
                for tr in &target.translations {
                    tr.title.hash(&mut h);
                }
                h.finish()
            })
            .collect()
    }

    /// A hash of the titles, in every language, of the notes a body used (`Rendered::uses`),
    /// from [`LinkTargets::title_hashes`].
    pub(crate) fn titles_of(title_hashes: &[u64], uses: &[usize]) -> u64 {
        use std::hash::Hasher;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for &t in uses {
            if let Some(&title) = title_hashes.get(t) {
                h.write_u64(title);
            }
        }
        h.finish()
    }

    /// The words a body in `lang` writes (`None`: the default language).
    pub(crate) fn words(&self, lang: Option<&str>) -> &BodyWords {
        static ENGLISH: std::sync::OnceLock<BodyWords> = std::sync::OnceLock::new();
        let lang = lang.unwrap_or(&self.default_lang);
        self.body_words
            .get(lang)
            .unwrap_or_else(|| ENGLISH.get_or_init(BodyWords::default))
    }

    /// Where a link to note `t` leads from a body in `lang` (`None`: the default language).
    pub(crate) fn shown(&self, t: usize, lang: Option<&str>) -> Shown<'_> {
        let target = &self.notes[t];
        let original = Shown {
            url: &target.url,
            title: &target.title,
            page: t,
            other_lang: None,
        };
        let Some(lang) = lang else {
            return original;
        };
        match target.translations.iter().find(|tr| tr.lang == lang) {
            Some(tr) => Shown {
                url: &tr.url,
                title: &tr.title,
                page: tr.page,
                other_lang: None,
            },
            None => Shown {
                other_lang: Some((&self.default_lang, &self.words(Some(lang)).lang_mark)),
                ..original
            },
        }
    }

    /// A note by the path of its file from the dossier root.
    pub(crate) fn by_file(&self, path: &str) -> Option<usize> {
        self.files.get(path).copied()
    }

    pub(crate) fn is_static(&self, path: &str) -> bool {
        self.statics.contains(path)
    }

    /// What to say about a key that names no note; `sources_only` narrows the suggestions.
    /// Nothing when the key names a note that could not be read: that is reported already.
    pub(crate) fn unknown_key(&self, key: &str, sources_only: bool) -> Option<Unresolved> {
        if self.unreadable_ids.contains(key) {
            return None;
        }
        if self.draft_ids.contains(key) {
            return Some(Unresolved {
                message: format!("`{key}` is a draft and is not published"),
                help: "build with --drafts to preview it, or publish it by removing `draft: true`".into(),
            });
        }
        // Compared in lower case, as aliases are looked up; suggested as written.
        let ids = self
            .notes
            .iter()
            .filter(|t| !sources_only || t.kind == Kind::Source)
            .map(|t| (t.id.clone(), t.id.as_str()));
        let aliases = self
            .aliases
            .iter()
            .filter(|(_, (i, _))| !sources_only || self.notes[*i].kind == Kind::Source)
            .map(|(lower, (_, written))| (lower.clone(), written.as_str()));
        let mut candidates: Vec<(String, &str)> = ids.chain(aliases).collect();
        candidates.sort_unstable();
        let close = did_you_mean(&key.to_lowercase(), candidates.iter().map(|(l, _)| l.as_str()))
            .and_then(|l| candidates.iter().find(|(c, _)| c == l))
            .map(|(_, written)| *written);
        let help = match close {
            Some(close) => format!("did you mean `{close}`?"),
            None if sources_only => "create the source in content/sources/, or correct the id".into(),
            None => "create the note, or correct the id or alias".into(),
        };
        Some(Unresolved {
            message: format!("unknown id `{key}`"),
            help,
        })
    }

    /// What to say about a Markdown link to a file that is not a published note or static file.
    /// Nothing when the file is a note that could not be read: that is reported already.
    pub(crate) fn unknown_file(&self, written: &str, resolved: &str) -> Option<Unresolved> {
        if self.unreadable_files.contains(resolved) {
            return None;
        }
        if self.draft_files.contains(resolved) {
            return Some(Unresolved {
                message: format!("`{written}` is a draft and is not published"),
                help: "build with --drafts to preview it, or publish it by removing `draft: true`".into(),
            });
        }
        let candidates = self.files.keys().map(String::as_str);
        let help = match did_you_mean(resolved, candidates) {
            Some(close) => format!("did you mean {close}?"),
            None => "link to a .md file under content/ or a file under static/, relative to this note".into(),
        };
        Some(Unresolved {
            message: format!("`{written}` leads to {resolved}, which does not exist"),
            help,
        })
    }
}

/// One citation inside `[@…]`: a key and an optional locator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem<'a> {
    pub key: &'a str,
    /// Byte offset of the key inside the bracket's content.
    pub key_offset: usize,
    pub at: Option<&'a str>,
}

/// Parses the inside of `[…]` as citations: `@a`, `@a, ¶4`, `@a; @b, p. 2`.
///
/// `None` when the text is not a citation at all (it does not start with `@`); `Err` with the
/// offending item's offset when it starts like one but an item is malformed.
pub fn parse_citation(content: &str) -> Option<Result<Vec<CiteItem<'_>>, usize>> {
    if !content.trim_start().starts_with('@') {
        return None;
    }
    let mut items = Vec::new();
    let mut start = 0;
    for part in content.split(';') {
        let lead = part.len() - part.trim_start().len();
        let item = part.trim();
        let offset = start + lead;
        start += part.len() + 1;
        let Some(rest) = item.strip_prefix('@') else {
            return Some(Err(offset));
        };
        let (key, at) = match rest.split_once(',') {
            Some((k, a)) => (k.trim_end(), Some(a.trim()).filter(|a| !a.is_empty())),
            None => (rest, None),
        };
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Some(Err(offset));
        }
        items.push(CiteItem {
            key,
            key_offset: offset + 1,
            at,
        });
    }
    Some(Ok(items))
}

/// Joins a relative link to the folder of the file it is written in, as a path from the dossier
/// root (`content/events/` + `../people/x.md` → `content/people/x.md`). A leading `/` means the
/// `content/` folder. `None` when the path climbs above the dossier root.
pub fn resolve_path(from_file: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if let Some(abs) = link.strip_prefix('/') {
        let mut p = vec!["content"];
        p.extend(abs.split('/'));
        return normalize(p);
    } else {
        from_file.split('/').collect()
    };
    parts.pop(); // the file name
    parts.extend(link.split('/'));
    normalize(parts)
}

fn normalize(parts: Vec<&str>) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

/// The words around a link: the sentence it stands in, cut to a readable length.
///
/// A dossier holds one for every link of every body, and they stay until the pages are made.
/// The words of a body's contexts are kept in one string that they share ([`Sentences`]): a
/// context is that string and where its three parts stand in it, `before`, the link's own
/// text, then `after`. Two contexts are equal when their words are, wherever they are kept.
#[derive(Debug, Clone, Default)]
pub struct Context {
    words: Arc<str>,
    span: ContextSpan,
    /// The labels in another language than the body's that its links show (the titles of
    /// pages not translated), shared by the body's contexts: their words are marked with
    /// their language where a context shows them.
    foreign: Option<Arc<[Foreign]>>,
}

/// A link's label in another language than its body's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    pub lang: Box<str>,
    pub text: Box<str>,
}

/// Where a context's parts stand in the words it shares: `before` from `start`, the link's
/// text from `text_at`, `after` from `after_at` to `end`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ContextSpan {
    start: u32,
    text_at: u32,
    after_at: u32,
    end: u32,
}

impl Context {
    #[cfg(test)]
    /// A context that keeps its words to itself.
    pub(crate) fn new(before: &str, text: &str, after: &str) -> Context {
        let mut sentences = Sentences::default();
        let span = sentences.push(before, text, after);
        Context::within(sentences.finish(), span)
    }

    /// The context with another text for its link, in words of its own.
    pub(crate) fn with_text(&self, text: &str) -> Context {
        let mut sentences = Sentences::default();
        let span = sentences.push(self.before(), text, self.after());
        Context::within(sentences.finish(), span).with_foreign(self.foreign.clone())
    }

    /// The context at `span` of the words of [`Sentences::finish`].
    pub(crate) fn within(words: Arc<str>, span: ContextSpan) -> Context {
        // A span handed out for other words could fall outside these, or inside a character.
        let fits = [span.start, span.text_at, span.after_at, span.end]
            .iter()
            .all(|&at| words.is_char_boundary(at as usize))
            && span.start <= span.text_at
            && span.text_at <= span.after_at
            && span.after_at <= span.end;
        if !fits {
            return Context::default();
        }
        Context {
            words,
            span,
            foreign: None,
        }
    }

    /// The context, with the labels in other languages of the body it is in.
    pub(crate) fn with_foreign(self, foreign: Option<Arc<[Foreign]>>) -> Context {
        Context { foreign, ..self }
    }

    /// The labels in other languages of the body the context is in.
    pub fn foreign(&self) -> &[Foreign] {
        self.foreign.as_deref().unwrap_or_default()
    }

    fn part(&self, from: u32, to: u32) -> &str {
        &self.words[from as usize..to as usize]
    }

    /// The words before the link, from the start of its sentence.
    pub fn before(&self) -> &str {
        self.part(self.span.start, self.span.text_at)
    }

    /// The link's own text.
    pub(crate) fn text(&self) -> &str {
        self.part(self.span.text_at, self.span.after_at)
    }

    /// The words after the link, to the end of its sentence.
    pub fn after(&self) -> &str {
        self.part(self.span.after_at, self.span.end)
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        self.before() == other.before()
            && self.text() == other.text()
            && self.after() == other.after()
            && self.foreign() == other.foreign()
    }
}

impl Eq for Context {}

/// The words of one body's contexts, gathered as the body is rendered: one string for all of
/// them instead of one each (a large dossier has hundreds of thousands), and a
/// sentence that holds several links, each with the same words around it, kept once.
#[derive(Debug, Default)]
pub(crate) struct Sentences {
    words: String,
    /// Where the last context's words stand.
    last: std::ops::Range<usize>,
}

impl Sentences {
    /// Adds a context's three parts; where they stand, for [`Context::within`] the words of
    /// [`Sentences::finish`]. Past what a `u32` counts (a body of 4 GB), the span is empty.
    pub(crate) fn push(&mut self, before: &str, text: &str, after: &str) -> ContextSpan {
        let start = self.words.len();
        self.words.push_str(before);
        let text_at = self.words.len();
        self.words.push_str(text);
        let after_at = self.words.len();
        self.words.push_str(after);
        let end = self.words.len();
        // The same words as the last context's (another link in the same sentence) are not
        // kept twice: this one's parts stand at the same distances from the last one's start.
        let base = if start > self.last.start && self.words[self.last.clone()] == self.words[start..] {
            self.words.truncate(start);
            self.last.start
        } else {
            self.last = start..end;
            start
        };
        let at = |i: usize| u32::try_from(base + (i - start)).ok();
        match (at(start), at(text_at), at(after_at), at(end)) {
            (Some(start), Some(text_at), Some(after_at), Some(end)) => ContextSpan {
                start,
                text_at,
                after_at,
                end,
            },
            _ => ContextSpan::default(),
        }
    }

    /// The words, to share among the contexts.
    pub(crate) fn finish(self) -> Arc<str> {
        Arc::from(self.words)
    }
}

/// As templates see it: `before`, `text` and `after`.
impl serde::Serialize for Context {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Context", 3)?;
        st.serialize_field("before", self.before())?;
        st.serialize_field("text", self.text())?;
        st.serialize_field("after", self.after())?;
        st.end()
    }
}

/// How many characters of a sentence to keep on each side of a link.
const CONTEXT_CHARS: usize = 160;

/// The sentence of `block` around the byte range `link`, with the link's text set apart.
pub fn sentence_around(block: &str, link: std::ops::Range<usize>) -> Context {
    let mut sentences = Sentences::default();
    let span = context_in(block, &sentence_starts(block), link, &mut sentences);
    Context::within(sentences.finish(), span)
}

/// Where each sentence of `block` starts, in order (the first at 0), for [`context_in`]: a
/// block is segmented once, however many links it has.
pub(crate) fn sentence_starts(block: &str) -> Vec<usize> {
    crate::sentence::starts(block)
}

/// The sentence around `link`, given the block's [`sentence_starts`]: from the end of the last
/// sentence that ends at or before the link, to the start of the first one at or after its end.
/// Its words go to `sentences`; the span returned says where.
pub(crate) fn context_in(
    block: &str,
    starts: &[usize],
    link: std::ops::Range<usize>,
    sentences: &mut Sentences,
) -> ContextSpan {
    context_within(block, starts, link, sentences, WINDOW_BYTES)
}

/// [`context_in`], reading at most `window` bytes of the sentence on each side of the link.
fn context_within(
    block: &str,
    starts: &[usize],
    link: std::ops::Range<usize>,
    sentences: &mut Sentences,
    window: usize,
) -> ContextSpan {
    // A sentence ends where the next begins; the last one at the end of the block.
    let end_of = |k: usize| starts.get(k + 1).copied().unwrap_or(block.len());
    // The sentences ending at or before the link's start (and starting before it) come first.
    let before = starts.partition_point(|&i| i < link.start);
    let mut start = 0;
    if before > 0 {
        // Of the sentences starting before the link, those that also end by its start.
        let mut k = before;
        while k > 0 && end_of(k - 1) > link.start {
            k -= 1;
        }
        if k > 0 {
            start = end_of(k - 1);
        }
    }
    let from = link.end.max(link.start + 1);
    let end = starts[starts.partition_point(|&i| i < from)..]
        .first()
        .copied()
        .unwrap_or(block.len());
    // Only a window of the sentence on each side is read, so that a sentence with many links
    // costs each of them the window, not the sentence: a window that holds more than a
    // context's characters gives the same context as the whole sentence would.
    let (from_before, window_cut_before) = window_start(block, start, link.start, window);
    let (to_after, window_cut_after) = window_end(block, link.end, end, window);
    let before = &block[from_before..link.start];
    let before = tidy(if window_cut_before { before } else { before.trim_start() });
    let after = tidy(block[link.end..to_after].trim_end());
    let text = &block[link.clone()];
    // A citation leaves no text: "the order [@memo]." reads "the order."
    let before = if text.is_empty() && (after.is_empty() || after.starts_with(is_closing)) {
        before.trim_end()
    } else {
        &before
    };
    let (cut_before, before) = cut_left(before, CONTEXT_CHARS, window_cut_before);
    let (cut_after, after) = cut_right(&after, CONTEXT_CHARS, window_cut_after);
    if !cut_before && !cut_after {
        return sentences.push(before, text, after);
    }
    let ellipsis = |cut: bool| if cut { "…" } else { "" };
    sentences.push(
        &format!("{}{before}", ellipsis(cut_before)),
        text,
        &format!("{after}{}", ellipsis(cut_after)),
    )
}

/// How many bytes of a sentence are read on each side of a link: room for a context's
/// characters at four bytes each, twice over, for the white space [`tidy`] takes out.
const WINDOW_BYTES: usize = 8 * CONTEXT_CHARS;

/// Where the window of `window` bytes before `to` starts, no earlier than `from`; and whether
/// that is later.
fn window_start(block: &str, from: usize, to: usize, window: usize) -> (usize, bool) {
    if to - from <= window {
        return (from, false);
    }
    let mut at = to - window;
    while !block.is_char_boundary(at) {
        at += 1;
    }
    (at, true)
}

/// Where the window of `window` bytes after `from` ends, no later than `to`; and whether that
/// is earlier.
fn window_end(block: &str, from: usize, to: usize, window: usize) -> (usize, bool) {
    if to - from <= window {
        return (to, false);
    }
    let mut at = from + window;
    while !block.is_char_boundary(at) {
        at -= 1;
    }
    (at, true)
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | ')' | '。' | '，' | '、' | '；' | '：' | '！' | '？' | '）'
    )
}

/// Collapses runs of spaces and removes a space before closing punctuation: both are left
/// behind where citations are taken out of the text. Most sentences have neither, and are
/// returned as they are.
pub(crate) fn tidy(s: &str) -> std::borrow::Cow<'_, str> {
    #[cfg(test)]
    tests::TIDIED.with(|n| n.set(n.get() + s.len()));
    if is_tidy(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(tidy_owned(s))
    }
}

/// Whether [`tidy`] would leave `s` as it is: ASCII whose only white space is single spaces,
/// none of them before closing punctuation. Other text takes the full pass.
fn is_tidy(s: &str) -> bool {
    let mut after_space = false;
    for &b in s.as_bytes() {
        match b {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x80.. => return false,
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' if after_space => return false,
            _ => after_space = false,
        }
    }
    true
}

fn tidy_owned(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // `s[copy..i]` is yet to be copied; it holds no whitespace, so while it is not empty, `out`
    // as it will be does not end with a space.
    let mut copy = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        let (c, width) = match bytes[i] {
            b if b.is_ascii() => (char::from(b), 1),
            _ => match s[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            },
        };
        if c.is_whitespace() {
            out.push_str(&s[copy..i]);
            if !out.ends_with(' ') {
                out.push(' ');
            }
            copy = i + width;
        } else if copy == i && is_closing(c) && out.ends_with(' ') {
            out.pop();
        }
        i += width;
    }
    out.push_str(&s[copy..]);
    out
}

/// The last `max` characters of `s`, from the start of a word where there are words; and
/// whether that is less than all of `s` (an ellipsis goes in front). `s` is cut already when
/// it is the end of a longer text.
fn cut_left(s: &str, max: usize, cut: bool) -> (bool, &str) {
    let n = s.chars().count();
    if n <= max && !cut {
        return (false, s);
    }
    let skip = s.char_indices().nth(n.saturating_sub(max)).map_or(0, |(i, _)| i);
    let tail = &s[skip..];
    (true, tail.find(' ').map_or(tail, |i| &tail[i + 1..]))
}

/// The first `max` characters of `s`, to the end of a word where there are words; and whether
/// that is less than all of `s` (an ellipsis goes after). `s` is cut already when it is the
/// start of a longer text.
fn cut_right(s: &str, max: usize, cut: bool) -> (bool, &str) {
    let n = s.chars().count();
    if n <= max && !cut {
        return (false, s);
    }
    let end = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
    let head = &s[..end];
    (true, head.rfind(' ').map_or(head, |i| &head[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// How many bytes [`tidy`] was given on this thread.
        pub(super) static TIDIED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// `tidy` as first written, a character at a time.
    fn tidy_by_chars(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            if is_closing(c) && out.ends_with(' ') {
                out.pop();
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn tidy_collapses_spaces_and_spaces_before_closing_punctuation() {
        assert_eq!(tidy("the order  [x] . Then\n\tmore ,"), "the order [x]. Then more,");
        assert_eq!(tidy("馬斯克 。 特斯拉\u{3000}）"), "馬斯克。 特斯拉）");
        let alphabet: Vec<char> = "a .,;:!?)\t\n\r\u{b}\u{a0}\u{3000}。）é".chars().collect();
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let text: String = (0..rng.usize(0..16))
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect();
            assert_eq!(tidy(&text), tidy_by_chars(&text), "{text:?}");
        }
    }

    fn targets() -> LinkTargets {
        let mut t = LinkTargets::new("/h100/");
        for (id, kind, aliases) in [
            (
                "elon-musk",
                Kind::Person,
                vec!["Musk".to_string(), "馬斯克".to_string()],
            ),
            ("cnbc-report", Kind::Source, vec![]),
            ("tesla", Kind::Organization, vec![]),
        ] {
            t.add(
                Target {
                    id: id.into(),
                    title: id.into(),
                    kind,
                    url: format!("/h100/x/{id}/"),
                    translations: Vec::new(),
                },
                &format!("content/x/{id}.md"),
                &aliases,
            );
        }
        t.add_draft("secret", "content/x/secret.md");
        t
    }

    #[test]
    fn ids_and_aliases_resolve() {
        let t = targets();
        assert_eq!(t.lookup("elon-musk"), Some(0));
        assert_eq!(t.lookup("Musk"), Some(0));
        assert_eq!(t.lookup("musk"), Some(0));
        assert_eq!(t.lookup("馬斯克"), Some(0));
        assert_eq!(t.lookup("Elon-Musk"), None, "ids are exact");
        let said = |key, sources_only| t.unknown_key(key, sources_only).unwrap();
        assert_eq!(said("elon-musc", false).help, "did you mean `elon-musk`?");
        assert_eq!(said("cnbc-reprt", true).help, "did you mean `cnbc-report`?");
        assert!(said("elon-musc", true).help.starts_with("create the source"));
        assert!(said("secret", false).message.contains("draft"));
    }

    #[test]
    fn citations_parse() {
        let items = parse_citation("@a").unwrap().unwrap();
        assert_eq!(
            items,
            [CiteItem {
                key: "a",
                key_offset: 1,
                at: None
            }]
        );
        let items = parse_citation("@a; @b, p. 2").unwrap().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!((items[1].key, items[1].key_offset, items[1].at), ("b", 5, Some("p. 2")));
        let items = parse_citation("@seed-cnbc-zh, ¶4").unwrap().unwrap();
        assert_eq!(items[0].at, Some("¶4"));
        assert_eq!(
            parse_citation("@a, "),
            Some(Ok(vec![CiteItem {
                key: "a",
                key_offset: 1,
                at: None
            }]))
        );
        assert_eq!(parse_citation("see @a"), None);
        assert_eq!(parse_citation("1"), None);
        assert_eq!(parse_citation("@a; b"), Some(Err(4)));
        assert_eq!(parse_citation("@"), Some(Err(0)));
        assert_eq!(parse_citation("@a b"), Some(Err(0)));
    }

    #[test]
    fn paths_resolve_from_the_linking_file() {
        let from = "content/events/h100.md";
        assert_eq!(resolve_path(from, "x.md").as_deref(), Some("content/events/x.md"));
        assert_eq!(resolve_path(from, "./x.md").as_deref(), Some("content/events/x.md"));
        assert_eq!(
            resolve_path(from, "../people/m.md").as_deref(),
            Some("content/people/m.md")
        );
        assert_eq!(
            resolve_path(from, "../../static/a.png").as_deref(),
            Some("static/a.png")
        );
        assert_eq!(
            resolve_path(from, "/people/m.md").as_deref(),
            Some("content/people/m.md")
        );
        assert_eq!(resolve_path(from, "../../../x.md"), None);
    }

    /// Templates read a context's three parts by name, from the one string it keeps.
    #[test]
    fn a_context_shows_templates_its_three_parts() {
        let c = Context::new("Tesla's order went to ", "X", ", not Tesla.");
        assert_eq!(
            (c.before(), c.text(), c.after()),
            ("Tesla's order went to ", "X", ", not Tesla.")
        );
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({"before": "Tesla's order went to ", "text": "X", "after": ", not Tesla."})
        );
        let empty = Context::default();
        assert_eq!((empty.before(), empty.text(), empty.after()), ("", "", ""));
    }

    /// A body's contexts share one string, a sentence with two links in it is kept once, and
    /// contexts compare by their words, not by where they are kept.
    #[test]
    fn a_body_keeps_its_sentences_in_one_string() {
        let mut s = Sentences::default();
        let musk = s.push("Then ", "Musk", " told Nvidia.");
        let nvidia = s.push("Then Musk told ", "Nvidia", ".");
        let other = s.push("", "X", " got the chips.");
        let again = s.push("Then ", "Musk", " told Nvidia.");
        let words = s.finish();
        assert_eq!(&*words, "Then Musk told Nvidia.X got the chips.Then Musk told Nvidia.");
        let c = |span| Context::within(words.clone(), span);
        assert_eq!(
            (c(musk).before(), c(musk).text(), c(musk).after()),
            ("Then ", "Musk", " told Nvidia.")
        );
        assert_eq!(
            (c(nvidia).before(), c(nvidia).text(), c(nvidia).after()),
            ("Then Musk told ", "Nvidia", ".")
        );
        assert_eq!((c(other).text(), c(other).after()), ("X", " got the chips."));
        // Only the last context's words are looked at again: the fourth is kept anew, and
        // equals the first all the same.
        assert_eq!(c(again), c(musk));
        assert_eq!(c(musk), Context::new("Then ", "Musk", " told Nvidia."));
        assert_ne!(c(musk), c(nvidia));
        // A span that does not fit the words gives an empty context, not a panic.
        assert_eq!(Context::within("Then".into(), nvidia), Context::default());
    }

    #[test]
    fn sentences_are_cut_around_the_link() {
        let block = "First sentence. Then Musk said no. Last one.";
        let at = block.find("Musk").unwrap();
        let c = sentence_around(block, at..at + 4);
        assert_eq!((c.before(), c.text(), c.after()), ("Then ", "Musk", " said no."));
        let zh = "第一句。馬斯克否認了。最後。";
        let at = zh.find("馬斯克").unwrap();
        let c = sentence_around(zh, at..at + "馬斯克".len());
        assert_eq!((c.before(), c.after()), ("", "否認了。"));
        let cited = "Tesla's order went to X [@a; @b] [@c].";
        let at = cited.find(" [@a").unwrap() + 1;
        let c = sentence_around(&cited.replace("[@a; @b] [@c]", ""), at..at);
        assert_eq!((c.before(), c.after()), ("Tesla's order went to X", "."));
        let long = format!("{} link {}", "word ".repeat(100), "more ".repeat(100));
        let at = long.find("link").unwrap();
        let c = sentence_around(&long, at..at + 4);
        assert!(c.before().starts_with('…') && c.after().ends_with('…'));
        assert!(c.before().chars().count() <= CONTEXT_CHARS + 1);
    }

    /// 40,000 links in one sentence: each reads a window of the sentence, not all of it.
    #[test]
    fn a_sentence_with_many_links_is_read_a_window_per_link() {
        let n = 40_000;
        let mut block = String::from("It ");
        let mut links = Vec::new();
        for _ in 0..n {
            links.push(block.len()..block.len() + "Some text".len());
            block.push_str("Some text and ");
        }
        block.push_str("the end.");
        let starts = sentence_starts(&block);
        assert_eq!(starts, [0]);
        let mut sentences = Sentences::default();
        TIDIED.with(|t| t.set(0));
        let spans: Vec<ContextSpan> = links
            .into_iter()
            .map(|link| context_in(&block, &starts, link, &mut sentences))
            .collect();
        let read = TIDIED.with(std::cell::Cell::get);
        assert!(read <= n * 2 * WINDOW_BYTES, "{read} bytes read for {n} links");
        let words = sentences.finish();
        for span in spans {
            let c = Context::within(words.clone(), span);
            assert!(c.before().chars().count() <= CONTEXT_CHARS + 1 && c.after().chars().count() <= CONTEXT_CHARS + 1);
        }
    }

    /// On sentences of every length, the window changes nothing: the context is the one the
    /// whole sentence gives.
    #[test]
    fn the_window_gives_the_context_of_the_whole_sentence() {
        let words = [
            "Musk",
            "said",
            "the",
            "chips",
            "went",
            "to",
            "X,",
            "not",
            "Tesla",
            "(again)",
            "馬斯克",
            "“quoted”",
            "a  b",
            "[@c]",
        ];
        let mut rng = fastrand::Rng::with_seed(160);
        for _ in 0..500 {
            let most = if rng.bool() { 40 } else { 900 };
            let len = rng.usize(1..most);
            let mut block = String::new();
            let mut links = Vec::new();
            for k in 0..len {
                if k > 0 {
                    block.push(' ');
                }
                let w = words[rng.usize(..words.len())];
                if rng.usize(..8) == 0 {
                    links.push(block.len()..block.len() + w.len());
                }
                block.push_str(w);
            }
            block.push('.');
            let starts = sentence_starts(&block);
            for link in links {
                let mut a = Sentences::default();
                let mut b = Sentences::default();
                let sa = context_in(&block, &starts, link.clone(), &mut a);
                let sb = context_within(&block, &starts, link, &mut b, usize::MAX);
                assert_eq!(
                    Context::within(a.finish(), sa),
                    Context::within(b.finish(), sb),
                    "{block}"
                );
            }
        }
    }
}
