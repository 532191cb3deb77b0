//! What pages know of other notes: each note's summary in each language, the lists of each
//! kind, and the record of which of them a page used.
//!
//! A page reaches another note only through this module: [`Locale`] (its summary, title, or a
//! view made from them) and [`Index`] (the template functions `note()` and `notes()`). Each of
//! those records what it gives to the page being rendered ([`Deps`]), so `serve` knows which
//! pages to render again when a note changes, and no other code can forget to.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, State, Tera, Value};

use crate::date::DateSpan;
use crate::graph::{Dossier, note_path};
use crate::i18n;
use crate::model::{Kind, KindData, Note};

/// A short view of a note: enough to link to it and say what it is.
#[derive(Serialize)]
pub(crate) struct Summary<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub date: Option<&'a DateSpan>,
    pub tags: &'a [String],
    pub publisher: Option<&'a str>,
    /// A source's title in its own language, when `title` is not it.
    pub original_title: Option<&'a str>,
    /// For a source not read directly: the id of the source through which it is known.
    pub via: Option<&'a str>,
    pub language: Option<&'a str>,
    /// A source's language by its name in itself (`繁體中文`), or its tag.
    pub language_name: Option<&'a str>,
    pub status: Option<crate::model::ClaimStatus>,
    pub event_type: Option<&'a str>,
    /// The language of the page `url` leads to: the page's own, or the default language's
    /// when the note is not translated.
    pub lang: &'a str,
    /// That language's name in the page's (`English`, `英文`), to say so beside the link.
    pub lang_name: &'a str,
    /// The language of `title`: a source's own language for a source's title, else `lang`.
    pub title_lang: &'a str,
}

/// A language of the site as the pages of one language see it: how to reach another note's
/// page in it, and the words to use.
pub(crate) struct Locale<'a> {
    pub dossier: &'a Dossier,
    pub lang: &'a str,
    pub words: &'a i18n::Lang,
    pub base_path: &'a str,
    /// The language's folder below the base path (`zh-hant/`, or empty).
    pub prefix: String,
    /// The index's summaries in this language, by id, when the index is made.
    summaries: Option<&'a crate::IdMap<(u32, Value)>>,
}

impl<'a> Locale<'a> {
    pub(crate) fn new(dossier: &'a Dossier, lang: &'a str, words: &'a i18n::Lang, base_path: &'a str) -> Locale<'a> {
        Locale {
            dossier,
            lang,
            words,
            base_path,
            prefix: dossier.site.config.lang_prefix(lang),
            summaries: None,
        }
    }

    pub(super) fn is_default(&self) -> bool {
        self.prefix.is_empty()
    }

    /// [`Locale::summary`] as templates see it: the index's value, made once per language and
    /// shared by every page that shows it, where the index is made. Views hold it borrowed,
    /// and the page's value takes it in by reference count when the view is serialized.
    pub(crate) fn summary_value(&self, note: &'a Note) -> SummaryValue<'a> {
        match self.summaries.and_then(|s| s.get(&note.id)) {
            Some((i, value)) => {
                if is_recording() {
                    record_note(*i as usize);
                }
                Cow::Borrowed(value)
            }
            None => Cow::Owned(Value::from_serializable(&self.summary(note))),
        }
    }

    /// The note as this language shows it: its translation, or else the original.
    pub(crate) fn shown(&self, note: &'a Note) -> &'a Note {
        if self.is_default() || note.lang.is_some() {
            return note;
        }
        self.translation_of(note).unwrap_or(note)
    }

    /// The language of the note's title as this language shows it, when it is another: the
    /// original's, for a note not translated.
    pub(crate) fn foreign_title(&self, note: &'a Note) -> Option<&'a str> {
        let shown = self.shown(note);
        let written = shown.lang.as_deref().unwrap_or(&self.dossier.site.config.default_lang);
        (written != self.lang).then_some(written)
    }

    /// The title of note `i` as this language shows it.
    pub(super) fn title(&self, i: usize) -> &'a str {
        self.record_use(i);
        &self.shown(&self.dossier.notes[i]).title
    }

    /// Records that the page being rendered shows what it made from note `i`'s summary (a view
    /// made once per note and kept, as the lists' heads are).
    pub(super) fn record_use(&self, i: usize) {
        if is_recording() {
            record_note(i);
        }
    }

    pub(super) fn translation_of(&self, note: &Note) -> Option<&'a Note> {
        let i = *self.dossier.by_id.get(&note.id)?;
        let k = self.dossier.translated.of(i, self.lang)?;
        self.dossier.translations.get(k)
    }

    pub(crate) fn summary(&self, note: &'a Note) -> Summary<'a> {
        if is_recording()
            && let Some(&i) = self.dossier.by_id.get(&note.id)
        {
            record_note(i);
        }
        let shown = self.shown(note);
        let config = &self.dossier.site.config;
        let lang: &'a str = match shown.lang.as_deref() {
            Some(_) => self.lang,
            None => &config.default_lang,
        };
        let (publisher, language, via, original) = match &shown.data {
            KindData::Source(s) => (
                s.publisher.as_deref(),
                s.language.as_deref(),
                s.via.as_deref(),
                s.original_title.as_deref(),
            ),
            _ => (None, None, None, None),
        };
        // A reader of the source's own language reads its title as the source gives it.
        let (title, original_title) = match original {
            Some(o) if language == Some(self.lang) => (o, None),
            o => (shown.title.as_str(), o),
        };
        let prefix = if shown.lang.is_some() { self.prefix.as_str() } else { "" };
        Summary {
            id: &shown.id,
            kind: shown.kind,
            title,
            original_title,
            url: format!("{}{prefix}{}", self.base_path, note_path(shown)),
            summary: shown.common.summary.as_deref(),
            date: shown.date(),
            tags: &shown.common.tags,
            publisher,
            via,
            language,
            language_name: language.map(|l| self.words.language_name(l, config)),
            status: match &shown.data {
                KindData::Claim(c) => Some(c.status),
                _ => None,
            },
            event_type: match &shown.data {
                KindData::Event(e) => e.event_type.as_deref(),
                _ => None,
            },
            lang,
            lang_name: self.words.language_name(lang, config),
            // An original's title is in the source's language, unless `original_title` says
            // that one is and the title is the dossier's.
            title_lang: match (language, shown.lang.is_some(), original_title) {
                (Some(l), false, None) => l,
                _ => lang,
            },
        }
    }
}

/// A note's summary as a view holds it: borrowed from the index when it has one.
pub(crate) type SummaryValue<'a> = Cow<'a, Value>;

/// What a page was made from besides its own note: the notes whose summaries it shows (their
/// titles, URLs, dates) and the kinds whose whole lists it shows. `serve` renders a page again
/// only when one of these, or the page's own note, changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Deps {
    /// Indices of notes, sorted.
    pub notes: Vec<u32>,
    /// One bit per [`Kind`], in the order of `Kind::ALL`.
    pub kinds: u8,
}

thread_local! {
    /// The dependencies of the page being rendered on this thread, while one is.
    static RECORDING: std::cell::RefCell<Option<Deps>> = const { std::cell::RefCell::new(None) };
}

fn is_recording() -> bool {
    RECORDING.with(|r| r.borrow().is_some())
}

fn record_note(i: usize) {
    RECORDING.with(|r| {
        if let Some(d) = r.borrow_mut().as_mut() {
            d.notes.push(i as u32);
        }
    });
}

/// The bit of a kind in [`Deps::kinds`].
pub(crate) fn kind_bit(kind: Kind) -> u8 {
    1 << Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

fn record_kind(kind: &str) {
    let bit = Kind::ALL
        .iter()
        .find(|k| k.as_str() == kind)
        .map_or(0, |k| kind_bit(*k));
    RECORDING.with(|r| {
        if let Some(d) = r.borrow_mut().as_mut() {
            d.kinds |= bit;
        }
    });
}

/// Runs `f`, and when `record` is set returns what it used.
pub(super) fn recorded_if<T>(record: bool, f: impl FnOnce() -> T) -> (T, Deps) {
    if record { recorded(f) } else { (f(), Deps::default()) }
}

/// Runs `f` and returns what it used.
pub(super) fn recorded<T>(f: impl FnOnce() -> T) -> (T, Deps) {
    // One page at a time per thread: nothing inside a page's making runs in parallel, so no
    // other page's recording can start on this thread before this one ends.
    RECORDING.with(|r| {
        debug_assert!(r.borrow().is_none(), "a page's recording began inside another's");
        *r.borrow_mut() = Some(Deps::default());
    });
    let out = f();
    let mut deps = RECORDING.with(|r| r.borrow_mut().take()).unwrap_or_default();
    deps.notes.sort_unstable();
    deps.notes.dedup();
    (out, deps)
}

/// Site-wide data shared by every page's template functions, per language.
pub(crate) struct Index {
    /// A number no other index of this process has.
    pub(super) build: u64,
    langs: HashMap<String, LangIndex>,
    pub(super) default_lang: String,
    pub(super) base_path: String,
    pub(super) prefixes: HashMap<String, String>,
    pub(super) words: HashMap<String, i18n::Lang>,
}

struct LangIndex {
    /// Each note's summary, and its index in the dossier.
    by_id: crate::IdMap<(u32, Value)>,
    by_kind: HashMap<&'static str, Value>,
}

/// The order of a kind's list: dated kinds by date (undated last), the rest by title.
pub(crate) fn list_order(dossier: &Dossier, kind: Kind) -> Vec<usize> {
    let mut idx: Vec<usize> = dossier.of_kind(kind).map(|(i, _)| i).collect();
    let notes = &dossier.notes;
    match kind {
        Kind::Event | Kind::Claim | Kind::Source => idx.sort_by(|&a, &b| {
            let (na, nb) = (&notes[a], &notes[b]);
            match (na.date(), nb.date()) {
                (Some(x), Some(y)) => x.order_key().cmp(&y.order_key()).then_with(|| na.id.cmp(&nb.id)),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => na.title.cmp(&nb.title).then_with(|| na.id.cmp(&nb.id)),
            }
        }),
        _ => idx.sort_by(|&a, &b| {
            notes[a]
                .title
                .to_lowercase()
                .cmp(&notes[b].title.to_lowercase())
                .then_with(|| notes[a].id.cmp(&notes[b].id))
        }),
    }
    idx
}

impl Index {
    /// The index of a build. With `previous` (the last build's index over the same notes, and
    /// the notes that changed since), only the summaries of the changed notes are made again,
    /// and the lists only when one of them differs.
    pub(crate) fn new(
        dossier: &Dossier,
        words: HashMap<String, i18n::Lang>,
        previous: Option<(&Index, &HashSet<usize>)>,
        tera: &Tera,
    ) -> (Index, Option<tera::Error>) {
        // The first note link the theme failed to make, if any.
        let failed: std::sync::Mutex<Option<tera::Error>> = std::sync::Mutex::new(None);
        let config = &dossier.site.config;
        let base_path = config.base_path();
        let orders: OnceLock<Vec<(Kind, Vec<usize>)>> = OnceLock::new();
        let orders = || orders.get_or_init(|| Kind::ALL.iter().map(|&k| (k, list_order(dossier, k))).collect());
        let mut langs = HashMap::new();
        let mut prefixes = HashMap::new();
        for lang in config.languages() {
            prefixes.insert(lang.to_string(), config.lang_prefix(lang));
            let Some(w) = words.get(lang) else {
                continue;
            };
            let loc = Locale::new(dossier, lang, w, &base_path);
            let linker = Linker::new(tera, lang, w);
            let linked = |bare: Value| {
                linker.link(bare).unwrap_or_else(|(bare, e)| {
                    if let Ok(mut first) = failed.lock() {
                        first.get_or_insert(e);
                    }
                    bare
                })
            };
            let summary = |i: usize| linked(Value::from_serializable(&loc.summary(&dossier.notes[i])));
            let reuse = previous.and_then(|(index, changed)| Some((index.langs.get(lang)?, changed)));
            let (by_id, lists_changed) = match reuse {
                Some((last, changed)) => {
                    let mut by_id = last.by_id.clone();
                    let mut differs = false;
                    for &i in changed {
                        let bare = Value::from_serializable(&loc.summary(&dossier.notes[i]));
                        if let Some(entry) = by_id.get_mut(&dossier.notes[i].id)
                            && !is_summary_of(&entry.1, &bare)
                        {
                            entry.1 = linked(bare);
                            differs = true;
                        }
                    }
                    (by_id, differs)
                }
                None => {
                    let by_id: crate::IdMap<(u32, Value)> = dossier
                        .notes
                        .par_iter()
                        .enumerate()
                        .map(|(i, n)| (n.id.clone(), (i as u32, summary(i))))
                        .collect();
                    (by_id, true)
                }
            };
            let by_kind = match reuse {
                Some((last, _)) if !lists_changed => last.by_kind.clone(),
                _ => orders()
                    .iter()
                    .map(|(kind, order)| {
                        let list: Vec<Value> = order.iter().map(|&i| by_id[&dossier.notes[i].id].1.clone()).collect();
                        (kind.as_str(), Value::from_serializable(&list))
                    })
                    .collect(),
            };
            langs.insert(lang.to_string(), LangIndex { by_id, by_kind });
        }
        static BUILDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let index = Index {
            build: BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            langs,
            default_lang: config.default_lang.clone(),
            base_path,
            prefixes,
            words,
        };
        (index, failed.into_inner().ok().flatten())
    }

    /// Whether the summary of note `i` in `lang`, as a build would make it now, is the one this
    /// index holds for it.
    pub(crate) fn has_summary(
        &self,
        dossier: &Dossier,
        lang: &str,
        words: &HashMap<String, i18n::Lang>,
        i: usize,
    ) -> bool {
        let base_path = dossier.site.config.base_path();
        let Some(w) = words.get(lang) else {
            return false;
        };
        let bare = Value::from_serializable(&Locale::new(dossier, lang, w, &base_path).summary(&dossier.notes[i]));
        self.summary_value(lang, &dossier.notes[i].id)
            .is_some_and(|held| is_summary_of(held, &bare))
    }

    /// A note's summary in a language, as templates see it.
    pub(crate) fn summary_value(&self, lang: &str, id: &str) -> Option<&Value> {
        self.langs.get(lang)?.by_id.get(id).map(|(_, v)| v)
    }

    /// The pages of `lang` as they see the site, reading the summaries from this index.
    pub(super) fn locale<'a>(&'a self, dossier: &'a Dossier, lang: &'a str, base_path: &'a str) -> Option<Locale<'a>> {
        let mut loc = Locale::new(dossier, lang, self.words.get(lang)?, base_path);
        loc.summaries = self.langs.get(lang).map(|l| &l.by_id);
        Some(loc)
    }

    /// The summary of the note `id` in the page's language, recorded as used by the page.
    pub(super) fn note(&self, state: &State, id: &str) -> tera::TeraResult<Option<&Value>> {
        Ok(self.lang(state)?.by_id.get(id).map(|(k, v)| {
            record_note(*k as usize);
            v
        }))
    }

    /// The list of a kind's notes in the page's language, recorded as used by the page.
    pub(super) fn list(&self, state: &State, kind: &str) -> tera::TeraResult<Option<&Value>> {
        record_kind(kind);
        Ok(self.lang(state)?.by_kind.get(kind))
    }

    /// The language of the page being rendered (`lang` in its context; the default language
    /// when there is none), without copying it: a short tag lives inside the value itself.
    pub(super) fn lang_value(&self, state: &State) -> Value {
        match state.get::<Value>("lang") {
            Ok(Some(v)) if v.as_str().is_some() => v,
            _ => Value::from(self.default_lang.as_str()),
        }
    }

    fn lang(&self, state: &State) -> tera::TeraResult<&LangIndex> {
        let value = self.lang_value(state);
        let lang = value.as_str().unwrap_or(&self.default_lang);
        self.langs
            .get(lang)
            .or_else(|| self.langs.get(&self.default_lang))
            .ok_or_else(|| tera::Error::message(format!("the site has no language `{lang}`")))
    }

    pub(super) fn words(&self, state: &State) -> Option<&i18n::Lang> {
        let lang = self.lang_value(state);
        self.words
            .get(lang.as_str().unwrap_or_default())
            .or_else(|| self.words.get(&self.default_lang))
    }
}

/// Makes the `link` of a note's summary in one language: the note's link as the theme's
/// `partials/note_link.html` writes it. Lists print a link for every note in them, and an
/// include per item would cost more than the rest of the list; the index makes each link once
/// instead.
pub(super) struct Linker<'t> {
    pub(super) tera: &'t Tera,
    pub(super) lang: Value,
    pub(super) t: Value,
}

impl<'t> Linker<'t> {
    pub(super) fn new(tera: &'t Tera, lang: &str, words: &i18n::Lang) -> Linker<'t> {
        Linker {
            tera,
            lang: Value::from(lang),
            t: Value::from_serializable(&words.strings),
        }
    }

    /// The summary with its `link`; on failure the summary as it was, and why.
    pub(super) fn link(&self, bare: Value) -> Result<Value, (Value, tera::Error)> {
        let mut ctx = Context::new();
        ctx.insert_value("n", bare.clone());
        ctx.insert_value("lang", self.lang.clone());
        ctx.insert_value("t", self.t.clone());
        let html = match self.tera.render(NOTE_LINK, &ctx) {
            Ok(html) => html,
            Err(e) => return Err((bare, e)),
        };
        drop(ctx);
        if bare.as_map().is_none() {
            return Ok(bare);
        }
        let mut map = bare.into_map().unwrap_or_default();
        map.insert(tera::value::Key::Str(LINK), Value::safe_string(&html));
        Ok(Value::from(map))
    }
}

/// The template that makes a note's link, and the key of the link in a summary.
pub(super) const NOTE_LINK: &str = "partials/note_link.html";
pub(super) const LINK: &str = "link";

/// Whether `held`, a summary as the index holds it, is `bare` with its `link`.
pub(super) fn is_summary_of(held: &Value, bare: &Value) -> bool {
    match (held.as_map(), bare.as_map()) {
        (Some(h), Some(b)) => {
            h.len() == b.len() + usize::from(h.contains_key(&tera::value::Key::Str(LINK)))
                && b.iter().all(|(k, v)| h.get(k) == Some(v))
        }
        _ => held == bare,
    }
}

/// A date as the `date` filter writes it in `words`, the words of one language in the index
/// numbered `build`. A note's date is shown on every page that lists the note, so each thread
/// remembers the dates it has written for the index in use.
pub(super) fn shown_date(build: u64, words: &crate::date::DateWords, text: &str, start: bool) -> String {
    type Shown = (u64, HashMap<(usize, bool), HashMap<String, String>>);
    thread_local! {
        static SHOWN: std::cell::RefCell<Shown> = std::cell::RefCell::new((0, HashMap::new()));
    }
    // Within one index, each language's words stay where they are.
    let key = (std::ptr::from_ref(words) as usize, start);
    SHOWN.with(|shown| {
        let mut shown = shown.borrow_mut();
        if shown.0 != build {
            *shown = (build, HashMap::new());
        }
        let of_lang = shown.1.entry(key).or_default();
        if let Some(s) = of_lang.get(text) {
            return s.clone();
        }
        let s = match DateSpan::parse(text) {
            Ok(span) if start => span.display_start(words),
            Ok(span) => span.display(words),
            Err(_) => text.to_string(),
        };
        of_lang.insert(text.to_string(), s.clone());
        s
    })
}

/// `1234567.5` → `1,234,567.5`: numbers as readers of English write them.
pub(crate) fn group_digits(n: f64) -> String {
    i18n::NumberWords::english().format(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(500000000.0), "500,000,000");
        assert_eq!(group_digits(12000.0), "12,000");
        assert_eq!(group_digits(999.0), "999");
        assert_eq!(group_digits(1234.5), "1,234.5");
        assert_eq!(group_digits(-1000.0), "-1,000");
    }
}
