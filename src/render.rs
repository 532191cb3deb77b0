//! Templates: the embedded default theme, a dossier's overrides, and the views handed to Tera.
//!
//! A page's context holds only that page: `site` (a handful of settings) and `page` (the note,
//! its rendered body and the lists that belong to it). Anything site-wide — another note's title
//! and URL, the list of all sources — is reached through template functions over one shared
//! [`Index`] built once per build, so a 10,000-note dossier does not copy its table of contents
//! into 10,000 contexts.
//!
//! Functions available to templates:
//! - `note(id="x")`: a note's summary (`id`, `kind`, `title`, `url`, `summary`, `date`, …), or
//!   nothing when the id is unknown;
//! - `notes(kind="source")`: every published note of a kind, in the order of the kind's list;
//! - `url(path="sources/")`: a path under the site's base path.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::date::DateSpan;
use crate::diag::Diagnostic;
use crate::graph::conflicts::Conflicts;
use crate::graph::links::{Backlink, Contribution, Field, Links};
use crate::graph::translations::Status;
use crate::graph::{Dossier, note_path};
use crate::i18n;
use crate::load::ThemeOverrides;
use crate::markdown::{Bodies, Citation, Heading, Rendered};
use crate::model::{Cite, Kind, KindData, Note};
use crate::output::OutputTree;
use crate::timeline::{self, ConflictView, Year};

macro_rules! embed {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../", $dir, "/", $name)) as &[u8])),*]
    };
}

/// The default templates, compiled into the binary.
pub const DEFAULT_TEMPLATES: &[(&str, &[u8])] = embed!("templates":
    "base.html", "home.html", "404.html",
    "source.html", "person.html", "organization.html", "event.html", "claim.html", "page.html",
    "sources.html", "entities.html", "events.html", "claims.html",
    "partials/sources.html", "partials/note_list.html", "partials/header.html",
    "partials/backlinks.html", "partials/mentions.html",
    "timeline.html", "conflicts.html", "partials/conflict.html", "partials/conflicts.html", "partials/timeline.html",
    "translations.html", "side-by-side.html", "partials/note_link.html", "partials/translation.html",
    "partials/languages.html", "integrity.html",
    "i18n/en.yaml", "i18n/zh-Hant.yaml",
);

/// The partial that lists backlinks and citing notes; see [`write_mentions`].
const MENTIONS: &str = "partials/mentions.html";
/// The partial that lists a page's sources; see [`write_sources`].
const SOURCES: &str = "partials/sources.html";

/// The default static files, compiled into the binary.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = embed!("static": "style.css", "favicon.svg");

/// The templates a build renders, by the page they make.
const REQUIRED_TEMPLATES: &[&str] = &[
    "home.html",
    "404.html",
    "source.html",
    "person.html",
    "organization.html",
    "event.html",
    "claim.html",
    "page.html",
    "sources.html",
    "entities.html",
    "events.html",
    "claims.html",
    "timeline.html",
    "conflicts.html",
    "translations.html",
    "side-by-side.html",
    "integrity.html",
];

/// The compiled theme: templates with overrides applied, and the static files to copy.
pub struct Theme {
    tera: Tera,
    /// The site-wide index the template functions read; filled once per build.
    index: Arc<OnceLock<Arc<Index>>>,
    /// Template name → (file to name in diagnostics, source text).
    sources: BTreeMap<String, (String, String)>,
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Interface strings by language (`templates/i18n/LANG.yaml`).
    pub strings: i18n::Files,
    /// Whether `partials/mentions.html` is the built-in one, which [`write_mentions`] writes
    /// without the template engine.
    builtin_mentions: bool,
    /// Whether `partials/sources.html` is the built-in one, which [`write_sources`] writes.
    builtin_sources: bool,
    /// Whether every template is the built-in one (interface strings aside): then no template
    /// reads the lists [`write_mentions`] and [`write_sources`] write, and pages go without
    /// them.
    builtin_templates: bool,
}

fn template_diag(sources: &BTreeMap<String, (String, String)>, err: &tera::Error, context: Option<&str>) -> Diagnostic {
    use tera::ErrorKind;
    let with_context = |msg: String| match context {
        Some(c) => format!("{msg} (while rendering {c})"),
        None => msg,
    };
    match err.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let (file, text) = sources
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| (format!("templates/{}", r.filename()), String::new()));
            let span = r.span();
            let width = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let what = if matches!(err.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::error(file, with_context(format!("{what}: {}", r.message())))
                .at(&text, span.start_line, span.start_col + 1, width)
                .with_help(
                    "see the Tera documentation for the template syntax, and README.md for what templates receive",
                )
        }
        ErrorKind::MissingParent { current, parent } => point_at_name(sources, current, parent, "extends"),
        ErrorKind::TemplateNotFound(name) => {
            // Which template asked for it? The first one that names it.
            let asker = sources
                .iter()
                .find(|(_, (_, t))| t.contains(&format!("\"{name}\"")))
                .map(|(n, _)| n.clone());
            match asker {
                Some(a) => point_at_name(sources, &a, name, "includes"),
                None => Diagnostic::error("templates", with_context(format!("template `{name}` not found")))
                    .with_help(format!("add templates/{name}, or use one of the built-in templates")),
            }
        }
        other => Diagnostic::error("templates", with_context(format!("template error: {other}"))),
    }
}

fn point_at_name(sources: &BTreeMap<String, (String, String)>, current: &str, missing: &str, verb: &str) -> Diagnostic {
    let (file, text) = sources
        .get(current)
        .cloned()
        .unwrap_or_else(|| (format!("templates/{current}"), String::new()));
    let quoted = format!("\"{missing}\"");
    let d = Diagnostic::error(
        &file,
        format!("template `{current}` {verb} `{missing}`, which does not exist"),
    )
    .with_help(format!("add templates/{missing}, or correct the name"));
    match text.find(&quoted) {
        Some(off) => d.at_offset(&text, off, quoted.chars().count()),
        None => d,
    }
}

/// Compiles the default theme with the dossier's overrides.
pub fn compile_theme(overrides: ThemeOverrides) -> Result<Theme, Vec<Diagnostic>> {
    let _span = tracing::info_span!("templates.compile").entered();
    let mut diags = Vec::new();
    let builtin_mentions = !overrides.templates.iter().any(|f| f.name == MENTIONS);
    let builtin_sources = !overrides.templates.iter().any(|f| f.name == SOURCES);
    let builtin_templates = overrides.templates.iter().all(|f| f.name.starts_with(i18n::DIR));
    let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (name, bytes) in DEFAULT_TEMPLATES {
        let text = String::from_utf8_lossy(bytes).into_owned();
        sources.insert((*name).to_string(), (format!("templates/{name} (built-in)"), text));
    }
    for f in overrides.templates {
        match String::from_utf8(f.bytes) {
            Ok(text) => {
                sources.insert(f.name, (f.rel_path, text));
            }
            Err(e) => diags.push(crate::load::utf8_diag(&f.rel_path, e)),
        }
    }
    let mut statics: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
        .iter()
        .map(|(n, b)| ((*n).to_string(), b.to_vec()))
        .collect();
    for f in overrides.statics {
        statics.insert(f.name, f.bytes);
    }
    // Interface strings are not templates: each file is read on its own, the dossier's keys
    // over the built-in ones.
    let mut strings = i18n::Files::new();
    let string_files: Vec<String> = sources
        .keys()
        .filter(|n| n.starts_with(i18n::DIR) && n.ends_with(".yaml"))
        .cloned()
        .collect();
    for name in string_files {
        let Some((file, text)) = sources.remove(&name) else {
            continue;
        };
        let tag = name[i18n::DIR.len()..name.len() - ".yaml".len()].to_string();
        let builtin = DEFAULT_TEMPLATES.iter().find(|(n, _)| *n == name);
        let mut merged = match builtin {
            Some((_, bytes)) if !file.ends_with("(built-in)") => {
                crate::frontmatter::parse_strings(&name, &String::from_utf8_lossy(bytes)).unwrap_or_default()
            }
            _ => BTreeMap::new(),
        };
        match crate::frontmatter::parse_strings(&file, &text) {
            Ok(own) => merged.extend(own),
            Err(d) => diags.push(d),
        }
        strings.insert(tag, merged);
    }
    let index: Arc<OnceLock<Arc<Index>>> = Arc::new(OnceLock::new());
    let new_tera = || {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml", ".svg"]);
        register_functions(&mut tera, index.clone());
        tera
    };
    // Compile each template alone first, so every syntax error is reported, not only the first.
    for (name, (_, text)) in &sources {
        let mut probe = new_tera();
        if let Err(e) = probe.add_raw_template(name, text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            diags.push(template_diag(&sources, &e, None));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut tera = new_tera();
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str()))) {
        return Err(vec![template_diag(&sources, &e, None)]);
    }
    for name in REQUIRED_TEMPLATES {
        if !sources.contains_key(*name) {
            diags.push(Diagnostic::error(
                format!("templates/{name}"),
                format!("the template `{name}` is missing"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Theme {
        tera,
        index,
        sources,
        statics,
        strings,
        builtin_mentions,
        builtin_sources,
        builtin_templates,
    })
}

impl Theme {
    /// The index the last build filled, for the next build to compare with.
    pub fn index(&self) -> Option<Arc<Index>> {
        self.index.get().cloned()
    }
}

/// A short view of a note: enough to link to it and say what it is.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub date: Option<&'a DateSpan>,
    pub tags: &'a [String],
    pub publisher: Option<&'a str>,
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
    /// That language's name in itself (`English`), to say so beside the link.
    pub lang_name: &'a str,
    /// The language of `title`: a source's own language for a source's title, else `lang`.
    pub title_lang: &'a str,
}

/// A language of the site as the pages of one language see it: how to reach another note's
/// page in it, and the words to use.
pub struct Locale<'a> {
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
    pub fn new(dossier: &'a Dossier, lang: &'a str, words: &'a i18n::Lang, base_path: &'a str) -> Locale<'a> {
        Locale {
            dossier,
            lang,
            words,
            base_path,
            prefix: dossier.site.config.lang_prefix(lang),
            summaries: None,
        }
    }

    fn is_default(&self) -> bool {
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
    pub fn shown(&self, note: &'a Note) -> &'a Note {
        if self.is_default() || note.lang.is_some() {
            return note;
        }
        self.translation_of(note).unwrap_or(note)
    }

    fn translation_of(&self, note: &Note) -> Option<&'a Note> {
        let i = *self.dossier.by_id.get(&note.id)?;
        let k = self.dossier.translated.of(i, self.lang)?;
        self.dossier.translations.get(k)
    }

    pub fn summary(&self, note: &'a Note) -> Summary<'a> {
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
        let (publisher, language, via) = match &shown.data {
            KindData::Source(s) => (s.publisher.as_deref(), s.language.as_deref(), s.via.as_deref()),
            _ => (None, None, None),
        };
        let prefix = if shown.lang.is_some() { self.prefix.as_str() } else { "" };
        Summary {
            id: &shown.id,
            kind: shown.kind,
            title: &shown.title,
            url: format!("{}{prefix}{}", self.base_path, note_path(shown)),
            summary: shown.common.summary.as_deref(),
            date: shown.date(),
            tags: &shown.common.tags,
            publisher,
            via,
            language,
            language_name: language.map(|l| config.lang_name(l)),
            status: match &shown.data {
                KindData::Claim(c) => Some(c.status),
                _ => None,
            },
            event_type: match &shown.data {
                KindData::Event(e) => e.event_type.as_deref(),
                _ => None,
            },
            lang,
            lang_name: config.lang_name(lang),
            title_lang: match (language, shown.lang.is_some()) {
                (Some(l), false) => l,
                _ => lang,
            },
        }
    }
}

/// A note's summary as a view holds it: borrowed from the index when it has one.
pub type SummaryValue<'a> = Cow<'a, Value>;

/// What a page was made from besides its own note: the notes whose summaries it shows (their
/// titles, URLs, dates) and the kinds whose whole lists it shows. `serve` renders a page again
/// only when one of these, or the page's own note, changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deps {
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
pub fn kind_bit(kind: Kind) -> u8 {
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
fn recorded_if<T>(record: bool, f: impl FnOnce() -> T) -> (T, Deps) {
    if record { recorded(f) } else { (f(), Deps::default()) }
}

/// Runs `f` and returns what it used.
fn recorded<T>(f: impl FnOnce() -> T) -> (T, Deps) {
    RECORDING.with(|r| *r.borrow_mut() = Some(Deps::default()));
    let out = f();
    let mut deps = RECORDING.with(|r| r.borrow_mut().take()).unwrap_or_default();
    deps.notes.sort_unstable();
    deps.notes.dedup();
    (out, deps)
}

/// Site-wide data shared by every page's template functions, per language.
pub struct Index {
    /// A number no other index of this process has.
    build: u64,
    langs: HashMap<String, LangIndex>,
    default_lang: String,
    base_path: String,
    prefixes: HashMap<String, String>,
    words: HashMap<String, i18n::Lang>,
}

struct LangIndex {
    /// Each note's summary, and its index in the dossier.
    by_id: crate::IdMap<(u32, Value)>,
    by_kind: HashMap<&'static str, Value>,
}

/// The order of a kind's list: dated kinds by date (undated last), the rest by title.
pub fn list_order(dossier: &Dossier, kind: Kind) -> Vec<usize> {
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
    pub fn new(
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
    pub fn has_summary(&self, dossier: &Dossier, lang: &str, words: &HashMap<String, i18n::Lang>, i: usize) -> bool {
        let base_path = dossier.site.config.base_path();
        let Some(w) = words.get(lang) else {
            return false;
        };
        let bare = Value::from_serializable(&Locale::new(dossier, lang, w, &base_path).summary(&dossier.notes[i]));
        self.summary_value(lang, &dossier.notes[i].id)
            .is_some_and(|held| is_summary_of(held, &bare))
    }

    /// A note's summary in a language, as templates see it.
    pub fn summary_value(&self, lang: &str, id: &str) -> Option<&Value> {
        self.langs.get(lang)?.by_id.get(id).map(|(_, v)| v)
    }

    /// The language of the page being rendered (`lang` in its context; the default language
    /// when there is none), without copying it: a short tag lives inside the value itself.
    fn lang_value(&self, state: &State) -> Value {
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

    fn words(&self, state: &State) -> Option<&i18n::Lang> {
        let lang = self.lang_value(state);
        self.words
            .get(lang.as_str().unwrap_or_default())
            .or_else(|| self.words.get(&self.default_lang))
    }
}

/// Makes the `link` of a note's summary in one language: the note's link as the theme's
/// `partials/note_link.html` writes it. Lists print a link for every note in them, and an
/// include per item was a fifth of a large build; the index makes each link once instead.
struct Linker<'t> {
    tera: &'t Tera,
    lang: Value,
    t: Value,
}

impl<'t> Linker<'t> {
    fn new(tera: &'t Tera, lang: &str, words: &i18n::Lang) -> Linker<'t> {
        Linker {
            tera,
            lang: Value::from(lang),
            t: Value::from_serializable(&words.strings),
        }
    }

    /// The summary with its `link`; on failure the summary as it was, and why.
    fn link(&self, bare: Value) -> Result<Value, (Value, tera::Error)> {
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
const NOTE_LINK: &str = "partials/note_link.html";
const LINK: &str = "link";

/// Whether `held`, a summary as the index holds it, is `bare` with its `link`.
fn is_summary_of(held: &Value, bare: &Value) -> bool {
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
fn shown_date(build: u64, words: &crate::date::DateWords, text: &str, start: bool) -> String {
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
pub fn group_digits(n: f64) -> String {
    i18n::NumberWords::english().format(n)
}

fn register_functions(tera: &mut Tera, index: Arc<OnceLock<Arc<Index>>>) {
    fn ready(slot: &OnceLock<Arc<Index>>) -> tera::TeraResult<&Index> {
        slot.get()
            .map(|i| &**i)
            .ok_or_else(|| tera::Error::message("the site index is not ready"))
    }
    let i = index.clone();
    tera.register_filter(
        "number",
        move |n: f64, _: Kwargs, state: &State| -> tera::TeraResult<String> {
            let words = ready(&i)?.words(state);
            Ok(words.map_or_else(|| group_digits(n), |w| w.numbers.format(n)))
        },
    );
    let i = index.clone();
    tera.register_filter(
        "date",
        move |v: Value, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let start: bool = kwargs.get("start")?.unwrap_or(false);
            let text = v.get_from_path("text");
            let Some(text) = text.and_then(Value::as_str) else {
                return Ok(String::new());
            };
            let index = ready(&i)?;
            let words = index
                .words(state)
                .map_or(crate::date::DateWords::english_shared(), |w| &w.dates);
            Ok(shown_date(index.build, words, text, start))
        },
    );
    // `| safe` as the engine's own, but without a copy: the engine's copies the string it is
    // given into a new one, and the strings marked safe are a page's largest (its body, its
    // backlinks and its sources), about as many bytes as the page. A string value shares its
    // text, so marking it safe is only a new tag.
    tera.register_filter("safe", |v: Value, _: Kwargs, _: &State| -> Value {
        if v.as_str().is_some() {
            v.mark_safe()
        } else {
            Value::safe_string(&v.to_string())
        }
    });
    // `{{ t.key | fmt(name=value) }}`: fills `{name}` in an interface string. Values are escaped
    // unless they are already safe HTML (a `{% set %}` block, or `| safe`).
    tera.register_filter(
        "fmt",
        |pattern: &str, kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let mut values: Vec<(String, String)> = Vec::new();
            for (k, v) in kwargs.iter() {
                let text = if v.is_safe() {
                    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
                } else {
                    state.escape_if_needed(v)?
                };
                values.push((k.to_string(), text));
            }
            let escaped = state.escape(pattern)?;
            let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            Ok(Value::safe_string(&crate::date::fill(&escaped, &pairs)))
        },
    );
    let i = index.clone();
    tera.register_function(
        "note",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let id: &str = kwargs.must_get("id")?;
            Ok(match ready(&i)?.lang(state)?.by_id.get(id) {
                Some((k, v)) => {
                    record_note(*k as usize);
                    v.clone()
                }
                None => Value::none(),
            })
        },
    );
    let i = index.clone();
    tera.register_function(
        "notes",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let kind: &str = kwargs.must_get("kind")?;
            record_kind(kind);
            ready(&i)?.lang(state)?.by_kind.get(kind).cloned().ok_or_else(|| {
                tera::Error::message(format!(
                    "notes(kind=\"{kind}\"): the kinds are source, person, organization, event, claim and page"
                ))
            })
        },
    );
    let i = index;
    // A page (`sources/`, or `` for the home page) in the current language, or in `lang`; a
    // file (`style.css`) under the base path.
    tera.register_function(
        "url",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let given: Option<&str> = kwargs.get("lang")?;
            let index = ready(&i)?;
            let path = path.trim_start_matches('/');
            let is_page = path.is_empty() || path.ends_with('/');
            let prefix = if is_page {
                // A base page's links ask for their own language 15 times a page: it is read
                // from the context without a copy.
                let current = index.lang_value(state);
                let lang = given.unwrap_or_else(|| current.as_str().unwrap_or(&index.default_lang));
                index.prefixes.get(lang).map_or("", String::as_str)
            } else {
                ""
            };
            let mut url = String::with_capacity(index.base_path.len() + prefix.len() + path.len());
            url.push_str(&index.base_path);
            url.push_str(prefix);
            url.push_str(path);
            Ok(url)
        },
    );
}

#[derive(Serialize)]
struct LanguageView<'a> {
    lang: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    author: Option<&'a str>,
    base_path: String,
    base_url: String,
    /// The language of the pages being rendered, and the site's default.
    lang: &'a str,
    default_lang: &'a str,
    /// Every language of the site, the default first.
    languages: Vec<LanguageView<'a>>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    generator: &'static str,
}

/// An entry of the page's numbered "Sources" list.
#[derive(Serialize)]
struct SourceEntry<'a> {
    n: usize,
    /// The source's id: `note(id=entry.source)` gives its title, publisher and date.
    source: &'a str,
    at: Option<&'a str>,
    quote: Option<&'a str>,
    /// Ids of the superscripts in the body that cite this entry.
    refs: &'a [String],
    /// The source's summary, as `note(id=entry.source)` gives it.
    note: SummaryValue<'a>,
    /// The links back to each superscript: its id and the words that say where it leads.
    backrefs: Vec<BackRef<'a>>,
}

#[derive(Serialize)]
struct BackRef<'a> {
    id: &'a str,
    /// "Back to citation 2 of source 5", in the page's language.
    label: String,
}

#[derive(Serialize)]
struct RoleHolderView<'a> {
    /// A [`Summary`].
    holder: SummaryValue<'a>,
    role: &'a crate::model::Role,
}

/// A role of this page's person or organization, with the numbers of its sources.
#[derive(Serialize)]
struct RoleView<'a> {
    #[serde(flatten)]
    role: &'a crate::model::Role,
    /// Numbers in the page's "Sources" list.
    sources: Vec<usize>,
}

/// A response to this page's claim, with the numbers of its sources.
#[derive(Serialize)]
struct ResponseView<'a> {
    #[serde(flatten)]
    response: &'a crate::model::Response,
    sources: Vec<usize>,
}

/// How a note names this one, in the page's words.
#[derive(Serialize)]
struct MentionView<'a> {
    context: Option<&'a crate::links::Context>,
    /// The front-matter field that names the note, in words (`for the role CEO at Tesla`).
    field: Option<String>,
    at: Option<&'a str>,
    quote: Option<&'a str>,
}

#[derive(Serialize)]
struct BacklinkView<'a> {
    /// A [`Summary`].
    note: SummaryValue<'a>,
    mentions: Vec<MentionView<'a>>,
}

/// Backlinks of one kind.
#[derive(Serialize)]
struct BacklinkGroup<'a> {
    kind: Kind,
    /// The kind's plural, for a heading (`Events`).
    label: &'a str,
    items: Vec<BacklinkView<'a>>,
}

#[derive(Serialize)]
struct InvolvementView<'a> {
    /// A [`Summary`].
    note: SummaryValue<'a>,
    /// As what: `actor`, `from`, `to`, `claimant`, `subject`, `responded`, in words.
    roles: Vec<&'a str>,
}

fn field_words(loc: &Locale<'_>, f: &Field) -> String {
    let w = loc.words;
    // The page shows the note's title, so it depends on the note.
    let title = |i: &Option<usize>| {
        i.map(|i| {
            record_note(i);
            loc.shown(&loc.dossier.notes[i]).title.clone()
        })
    };
    match f {
        Field::TranslatesIt => w.get("mention_translates").into(),
        Field::KnownThrough => w.get("mention_via").into(),
        Field::Role { role, org } => match title(org) {
            Some(org) => w.fmt("mention_role_at", &[("role", role), ("org", &org)]),
            None => w.fmt("mention_role", &[("role", role)]),
        },
        Field::Event => w.get("mention_event").into(),
        Field::Claim => w.get("mention_claim").into(),
        Field::Response { by } => match title(by) {
            Some(by) => w.fmt("mention_response_of", &[("by", &by)]),
            None => w.get("mention_response").into(),
        },
        Field::About => w.get("mention_about").into(),
        Field::Contradicts => w.get("mention_contradicts").into(),
    }
}

/// The key of the words for a part in an event or claim (`actor` → `as_actor`).
fn as_key(role: &str) -> &'static str {
    match role {
        "actor" => "as_actor",
        "from" => "as_from",
        "to" => "as_to",
        "claimant" => "as_claimant",
        "subject" => "as_subject",
        _ => "as_responded",
    }
}

fn plural_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Source => "sources",
        Kind::Person => "people",
        Kind::Organization => "organizations",
        Kind::Event => "events",
        Kind::Claim => "claims",
        Kind::Page => "pages",
    }
}

fn group<'a>(loc: &Locale<'a>, list: &'a [Backlink]) -> Vec<BacklinkGroup<'a>> {
    let dossier = loc.dossier;
    let mut groups: Vec<BacklinkGroup<'a>> = Vec::new();
    for b in list {
        let note = &dossier.notes[b.from];
        let view = BacklinkView {
            note: loc.summary_value(note),
            mentions: b
                .mentions
                .iter()
                .map(|m| MentionView {
                    context: m.context.as_deref(),
                    field: m.field().map(|f| field_words(loc, f)),
                    at: m.at(),
                    quote: m.quote(),
                })
                .collect(),
        };
        match groups.last_mut() {
            // Notes are sorted by kind, so one pass groups them.
            Some(g) if g.kind == note.kind => g.items.push(view),
            _ => groups.push(BacklinkGroup {
                kind: note.kind,
                label: loc.words.get(plural_key(note.kind)),
                items: vec![view],
            }),
        }
    }
    groups
}

/// What the built-in `partials/mentions.html` writes before a noting note's mentions: its
/// link and date, and the opening of its list of contexts. The same on every page of a
/// language that lists the note, so [`Heads`] makes it once per note.
struct MentionHead {
    bytes: Box<[u8]>,
    /// The note is shown in another language than the page's.
    other_lang: bool,
}

/// Each note's [`MentionHead`] in one language, made the first time a page lists the note.
/// A note is listed on some fifty pages of a generated dossier; reading its summary's fields
/// from the template value each time cost a tenth of a 10,000-note build, most of it waiting
/// on memory.
struct Heads<'l, 'a> {
    loc: &'l Locale<'a>,
    build: u64,
    mentions: Vec<OnceLock<MentionHead>>,
    sources: Vec<OnceLock<SourceHead>>,
}

impl<'l, 'a> Heads<'l, 'a> {
    fn new(loc: &'l Locale<'a>, build: u64) -> Self {
        Heads {
            loc,
            build,
            mentions: (0..loc.dossier.notes.len()).map(|_| OnceLock::new()).collect(),
            sources: (0..loc.dossier.notes.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Source `i`'s head, recorded as a dependency of the page being rendered. `in_language`
    /// is the language's words for a source in another language.
    fn source(&self, i: usize, in_language: &str) -> &SourceHead {
        self.head(&self.sources, i, |n| {
            let loc = self.loc;
            let str_of = |name: &'static str| attr(n, name).and_then(Value::as_str).filter(|s| !s.is_empty());
            let mut out = Vec::with_capacity(256);
            write_link(&mut out, n);
            if let Some(publisher) = str_of("publisher") {
                out.extend_from_slice(b", ");
                esc(&mut out, publisher);
            }
            if let Some(date) = attr(n, "date").filter(|d| d.is_truthy()) {
                out.extend_from_slice(b", ");
                self.write_time(&mut out, date);
            }
            let other_language = str_of("language").filter(|&l| l != loc.lang);
            if other_language.is_some() {
                let escaped = |text: &str| {
                    let mut e = Vec::with_capacity(text.len());
                    esc(&mut e, text);
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
    fn mention(&self, i: usize) -> &MentionHead {
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
    fn head<'s, T>(&self, cells: &'s [OnceLock<T>], i: usize, make: impl FnOnce(&Value) -> T) -> &'s T {
        if is_recording() {
            record_note(i);
        }
        cells[i].get_or_init(|| make(self.loc.summary_value(&self.loc.dossier.notes[i]).as_ref()))
    }

    /// Writes a summary's `date` as the partials print it: `<time datetime="…">…</time>`.
    fn write_time(&self, out: &mut Vec<u8>, date: &Value) {
        out.extend_from_slice(b"<time datetime=\"");
        esc(out, attr(date, "datetime").and_then(Value::as_str).unwrap_or_default());
        out.extend_from_slice(b"\">");
        if let Some(text) = attr(date, "text").and_then(Value::as_str) {
            esc(out, &shown_date(self.build, &self.loc.words.dates, text, false));
        }
        out.extend_from_slice(b"</time>");
    }
}

/// Writes `list` as the built-in `partials/mentions.html` writes its groups (see [`group`]),
/// byte for byte, without the template engine. The lists of backlinks and citing notes are
/// most of what a large dossier's pages hold, and the engine spent some 16,000 instructions an
/// entry on them (making them template values, then interpreting the partial): a fifth of a
/// build. A dossier that overrides the partial gets its own template instead; a test in
/// `tests/generated.rs` builds a generated dossier both ways and compares every page.
fn write_mentions(heads: &Heads<'_, '_>, list: &[Backlink]) -> String {
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
            esc(&mut out, loc.words.get(plural_key(k)));
            out.extend_from_slice(b"</h3>\n<ul class=\"mentions\">\n");
        }
        let head = heads.mention(b.from);
        out.extend_from_slice(&head.bytes);
        for m in &b.mentions {
            out.extend_from_slice(b"<li>");
            if let Some(at) = m.at().filter(|s| !s.is_empty()) {
                out.extend_from_slice(b"<span class=\"locator\">");
                esc(&mut out, at);
                out.extend_from_slice("</span> · ".as_bytes());
            }
            match (&m.context, m.field()) {
                (Some(c), _) => {
                    esc(&mut out, c.before());
                    if !c.text().is_empty() {
                        out.extend_from_slice(b"<mark>");
                        esc(&mut out, c.text());
                        out.extend_from_slice(b"</mark>");
                    }
                    esc(&mut out, c.after());
                }
                (None, Some(f)) => {
                    let words = field_words(loc, f);
                    if !words.is_empty() {
                        out.extend_from_slice(b"<span class=\"field\"");
                        if head.other_lang {
                            lang_attr(&mut out, page_lang);
                        }
                        out.push(b'>');
                        esc(&mut out, &words);
                        out.extend_from_slice(b"</span>");
                    }
                }
                (None, None) => {}
            }
            if let Some(quote) = m.quote().filter(|s| !s.is_empty()) {
                out.extend_from_slice(b": <q>");
                esc(&mut out, quote);
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

/// What the built-in `partials/sources.html` writes of a cited source on every page that cites
/// it: its link, publisher, date and language. Made once per source, as [`MentionHead`] is.
struct SourceHead {
    bytes: Box<[u8]>,
    /// The source's language, when it is not the page's: the quote is marked with it.
    other_language: Option<Box<str>>,
}

/// Writes a page's numbered sources as the built-in `partials/sources.html` does, byte for byte,
/// without the template engine: every page has such a list, and writing it was a tenth of a
/// build. `None` when the language lacks a string the list needs, for the template to say so.
/// Tested with [`write_mentions`].
fn write_sources(heads: &Heads<'_, '_>, citations: &[crate::markdown::Citation]) -> Option<String> {
    let loc = heads.loc;
    let (heading, in_language) = (one_text(loc, "sources")?, one_text(loc, "in_language")?);
    let mut out: Vec<u8> = Vec::with_capacity(200 + citations.len() * 400);
    out.extend_from_slice(b"\n<section class=\"sources\" aria-labelledby=\"sources\">\n<h2 id=\"sources\">");
    esc(&mut out, heading);
    out.extend_from_slice(b"</h2>\n<ol>\n");
    for c in citations {
        let head = heads.source(c.source, in_language);
        out.extend_from_slice(b"\n<li id=\"cite-");
        out.extend_from_slice(c.n.to_string().as_bytes());
        out.extend_from_slice(b"\">");
        out.extend_from_slice(&head.bytes);
        if let Some(at) = c.at.as_deref().filter(|s| !s.is_empty()) {
            out.extend_from_slice(b", <span class=\"locator\">");
            esc(&mut out, at);
            out.extend_from_slice(b"</span>");
        }
        if let Some(quote) = c.quote.as_deref().filter(|s| !s.is_empty()) {
            out.extend_from_slice(b": <q");
            if let Some(language) = &head.other_language {
                lang_attr(&mut out, language);
            }
            out.push(b'>');
            esc(&mut out, quote);
            out.extend_from_slice(b"</q>");
        }
        for (k, id) in c.refs.iter().enumerate() {
            out.extend_from_slice(b" <a class=\"backref\" href=\"#");
            esc(&mut out, id);
            out.extend_from_slice(b"\" aria-label=\"");
            esc(&mut out, &backref_label(loc, k, c.n));
            out.extend_from_slice("\">↩</a>".as_bytes());
        }
        out.extend_from_slice(b"</li>\n");
    }
    out.extend_from_slice(b"\n</ol>\n</section>\n");
    String::from_utf8(out).ok()
}

/// The words of a superscript's link back from the list of sources.
fn backref_label(loc: &Locale<'_>, k: usize, n: usize) -> String {
    loc.words.fmt(
        "back_to_citation",
        &[("k", &(k + 1).to_string()), ("n", &n.to_string())],
    )
}

/// A string of the language that has a single form (no plural forms).
fn one_text<'w>(loc: &Locale<'w>, key: &str) -> Option<&'w str> {
    match loc.words.strings.get(key) {
        Some(crate::frontmatter::Text::One(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// Writes `text` escaped as the engine escapes a printed value (writing to a `Vec` cannot fail).
fn esc(out: &mut Vec<u8>, text: &str) {
    let _ = tera::escape_html(text, out);
}

/// Writes a summary's `link` as `{{ n.link }}` prints it.
fn write_link(out: &mut Vec<u8>, n: &Value) {
    if let Some(link) = attr(n, "link") {
        let text = link.as_str().unwrap_or_default();
        if link.is_safe() {
            out.extend_from_slice(text.as_bytes());
        } else {
            esc(out, text);
        }
    }
}

/// Writes ` lang="…"`.
fn lang_attr(out: &mut Vec<u8>, lang: &str) {
    out.extend_from_slice(b" lang=\"");
    esc(out, lang);
    out.push(b'"');
}

/// A map's value by key, as `{{ v.name }}` finds it.
fn attr<'v>(v: &'v Value, name: &'static str) -> Option<&'v Value> {
    v.as_map()?.get(&tera::value::Key::Str(name))
}

/// The numbers under which a list of front-matter citations appears in the page's sources.
fn numbers(cites: &[Cite], entries: &[Citation], dossier: &Dossier) -> Vec<usize> {
    cites
        .iter()
        .filter_map(|c| {
            let s = dossier.by_id.get(&c.source)?;
            entries.iter().find(|e| e.source == *s && e.at == c.at).map(|e| e.n)
        })
        .collect()
}

/// One language version of a page, for the switcher and the `hreflang` links.
#[derive(Serialize, Clone)]
struct Alternate<'a> {
    lang: &'a str,
    name: &'a str,
    /// Below the base path (`zh-hant/events/x/`); `None` when the page has no version in
    /// this language.
    path: Option<String>,
    url: Option<String>,
    /// This is the page being rendered.
    current: bool,
}

fn alternates<'a>(
    config: &'a crate::config::Config,
    current: &str,
    local: &str,
    has: impl Fn(&str) -> bool,
) -> Vec<Alternate<'a>> {
    let base_path = config.base_path();
    config
        .languages()
        .into_iter()
        .map(|lang| {
            let path = has(lang).then(|| format!("{}{local}", config.lang_prefix(lang)));
            Alternate {
                lang,
                name: config.lang_name(lang),
                url: path.as_ref().map(|p| format!("{base_path}{p}")),
                path,
                current: lang == current,
            }
        })
        .collect()
}

/// On a translated page: how it stands against its original.
#[derive(Serialize)]
struct TranslationView<'a> {
    status: Status,
    original_url: String,
    original_lang: &'a str,
    original_lang_name: &'a str,
    /// The page showing the two side by side.
    side_by_side_url: String,
}

#[derive(Serialize)]
struct PageView<'a> {
    id: &'a str,
    kind: Kind,
    title: &'a str,
    url: String,
    /// The page's path below the base path, its language's folder included, for canonical
    /// and `hreflang` links (`zh-hant/events/x/`).
    path: String,
    /// The path without the language's folder (`events/x/`), the same in every language.
    local: String,
    /// The language the page is in.
    lang: &'a str,
    /// The page in each of the site's languages.
    alternates: Vec<Alternate<'a>>,
    /// On a translation: its state and its original.
    translation: Option<TranslationView<'a>>,
    file: &'a str,
    summary: Option<&'a str>,
    tags: &'a [String],
    aliases: &'a [String],
    date: Option<&'a DateSpan>,
    /// The rendered body (trusted HTML: print it with `| safe`).
    body: &'a str,
    toc: &'a [Heading],
    /// The kind's own fields, with ids as written; look them up with `note(id=…)`.
    fields: &'a KindData,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The numbered "Sources" list: the front-matter's citations, then the body's.
    sources: Vec<SourceEntry<'a>>,
    /// That list as the built-in `partials/sources.html` writes it, while the dossier does not
    /// override it (see [`write_sources`]); else absent, and the list then left empty while
    /// no template is overridden.
    sources_html: Option<String>,
    /// A person's or organization's roles, with the numbers of their sources.
    roles: Vec<RoleView<'a>>,
    /// A claim's responses, with the numbers of their sources.
    responses: Vec<ResponseView<'a>>,
    /// Notes that cite this one (a source), grouped by kind, with locators and sentences.
    cited_by: Vec<BacklinkGroup<'a>>,
    /// Notes that link to this one, grouped by kind, with the sentence around each link.
    backlinks: Vec<BacklinkGroup<'a>>,
    /// `cited_by` and `backlinks` as the built-in `partials/mentions.html` writes them, while
    /// the dossier does not override it (see [`write_mentions`]); else absent. While no
    /// template is overridden, these are all the pages get: the two lists are left empty.
    cited_by_html: Option<String>,
    backlinks_html: Option<String>,
    /// Roles held in this organization.
    role_holders: Vec<RoleHolderView<'a>>,
    /// Events and claims naming this person or organization, and as what.
    involved_in: Vec<InvolvementView<'a>>,
    /// Computed conflicts of interest: of this event, or that concern this person or
    /// organization.
    conflicts: Vec<ConflictView<'a>>,
    /// A person's or organization's own timeline: the dated events and claims that name it or
    /// a conflict it is part of, in order, grouped by year.
    timeline: Vec<Year<'a>>,
    /// For a source: the sources that translate it.
    translated_as: Vec<Summary<'a>>,
    /// For a source with a `language`: that language's name (`繁體中文`), or its tag when the
    /// site does not list it.
    language_name: Option<&'a str>,
}

/// The counts of one language on `/translations/`.
#[derive(Serialize)]
struct LangCounts<'a> {
    lang: &'a str,
    name: &'a str,
    up_to_date: usize,
    stale: usize,
    unrecorded: usize,
    missing: usize,
    total: usize,
}

/// One note on `/translations/`, in each language.
#[derive(Serialize)]
struct TranslationRow<'a> {
    /// A [`Summary`].
    note: SummaryValue<'a>,
    cells: Vec<TranslationCell<'a>>,
}

#[derive(Serialize)]
struct TranslationCell<'a> {
    lang: &'a str,
    status: Status,
    url: Option<String>,
    side_by_side_url: Option<String>,
}

/// One row of a side-by-side page: a block of the original and the block of the translation
/// in the same place.
#[derive(Serialize)]
struct BlockPair {
    original: String,
    translation: String,
}

/// A block of a body shown away from its page: its ids are dropped (the page would have each
/// twice) and its links within the page (`#cite-1`, `#roles`) lead back to the page.
fn detach(block: &str, page_url: &str) -> String {
    let mut out = String::with_capacity(block.len() + 64);
    let mut rest = block;
    loop {
        let id = rest.find(" id=\"");
        let href = rest.find(" href=\"#");
        match (id, href) {
            (Some(i), h) if h.is_none_or(|h| i < h) => {
                out.push_str(&rest[..i]);
                let after = &rest[i + 5..];
                rest = after.find('"').map_or("", |e| &after[e + 1..]);
            }
            (_, Some(h)) => {
                out.push_str(&rest[..h]);
                out.push_str(" href=\"");
                // The page's URL starts with the base path, which the settings give.
                let _ = pulldown_cmark_escape::escape_href(&mut out, page_url);
                rest = &rest[h + 7..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

#[derive(Serialize, Default)]
struct ListView<'a> {
    title: &'a str,
    url: String,
    path: String,
    local: String,
    lang: &'a str,
    alternates: Vec<Alternate<'a>>,
    kind: &'a str,
    body: &'a str,
    toc: &'a [Heading],
    /// The body's language, when it is not the page's (a home page not yet translated).
    body_lang: Option<&'a str>,
    /// For /timeline/: the years, the picture (trusted SVG) and every conflict.
    years: Vec<Year<'a>>,
    svg: Option<String>,
    /// For /conflicts/ and /timeline/: every computed conflict, and the events whose
    /// conflict is only written by hand.
    conflicts: Vec<ConflictView<'a>>,
    noted: Vec<Summary<'a>>,
    /// For /translations/: counts per language and a row per note.
    languages: Vec<LangCounts<'a>>,
    rows: Vec<TranslationRow<'a>>,
    /// For a side-by-side page: the note, its original's language, and the pairs of blocks.
    note: Option<Summary<'a>>,
    original: Option<Summary<'a>>,
    original_lang: Option<&'a str>,
    pairs: Vec<BlockPair>,
    translation: Option<TranslationView<'a>>,
    /// For /integrity/: a section per kind of gap, each with its notes, then the gaps notes
    /// explain, with their reasons.
    gaps: Vec<GapSection<'a>>,
    explained: Vec<GapItem<'a>>,
}

/// One kind of gap on `/integrity/`, with every note that has it.
#[derive(Serialize)]
struct GapSection<'a> {
    /// `uncited`, `one_source`, … (the interface strings `integrity_KIND` and
    /// `integrity_KIND_help` say what it means).
    kind: &'static str,
    items: Vec<GapItem<'a>>,
}

#[derive(Serialize)]
struct GapItem<'a> {
    kind: &'static str,
    note: Summary<'a>,
    /// Why the gap stays open, when its note explains it.
    reason: Option<&'a str>,
    /// For a translation: the language's tag and name.
    lang: Option<&'a str>,
    lang_name: Option<&'a str>,
    /// The sources a claim rests on, when there are too few or only indirect ones.
    sources: Vec<Summary<'a>>,
}

/// The path of a side-by-side page below the language's folder.
fn side_by_side_path(note: &Note) -> String {
    format!("{}side-by-side/", note_path(note))
}

/// Everything the pages of a build are made from.
pub struct SiteInput<'a> {
    pub dossier: &'a Dossier,
    pub bodies: &'a Bodies,
    pub conflicts: &'a Conflicts,
    /// Backlinks, citations and involvement as each language shows them ([`links_by_lang`]).
    pub links: &'a BTreeMap<String, Links>,
    /// What the integrity report lists.
    pub gaps: &'a [crate::graph::integrity::Gap],
    pub words: HashMap<String, i18n::Lang>,
    /// Render only the pages whose output path this accepts (`serve`'s rebuilds); all when
    /// `None`.
    pub only: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
    /// The last build's index and the notes changed since, to make the index from.
    pub previous: Option<(&'a Index, &'a HashSet<usize>)>,
    /// Where each page goes as soon as it is rendered (by output path), when the pages are
    /// not to be kept in memory: `out` then records only their paths.
    pub sink: Option<PageSink<'a>>,
}

/// The body each note shows in a language: its translation's where it has one.
pub fn shown_bodies<'b>(dossier: &Dossier, bodies: &'b Bodies, lang: &str) -> Vec<&'b Rendered> {
    let is_default = lang == dossier.site.config.default_lang;
    (0..dossier.notes.len())
        .map(|i| match dossier.translated.of(i, lang) {
            Some(k) if !is_default => &*bodies.translations[k],
            _ => &*bodies.notes[i],
        })
        .collect()
}

/// The computed link views in each language (backlinks quote the sentences of the language's
/// bodies), with what each note contributed to them.
#[derive(Default)]
pub struct LinkViews {
    pub by_lang: BTreeMap<String, Links>,
    contributions: BTreeMap<String, Vec<Arc<Contribution>>>,
}

impl LinkViews {
    /// Forgets what each note contributed, which only a rebuild needs.
    pub fn forget_contributions(&mut self) {
        self.contributions.clear();
    }
}

/// Computes the link views of every language. With `previous` (the last build's views, and the
/// notes whose text or shown body changed since, among the same notes in the same order), only
/// those notes' contributions are made again; the second result then names, per language, the
/// notes whose lists changed.
pub fn links_by_lang(
    dossier: &Dossier,
    bodies: &Bodies,
    previous: Option<(&LinkViews, &BTreeSet<usize>)>,
) -> (LinkViews, BTreeMap<String, BTreeSet<usize>>) {
    let default = dossier.site.config.default_lang.as_str();
    // The default language first: another shares its contributions where it shows the same body.
    let mut langs = dossier.site.config.languages();
    langs.sort_by_key(|&l| l != default);
    let default_shown = shown_bodies(dossier, bodies, default);
    type Made = (String, Links, Vec<Arc<Contribution>>, BTreeSet<usize>);
    let mut made: Vec<Made> = Vec::new();
    for lang in langs {
        made.push({
            let shown = shown_bodies(dossier, bodies, lang);
            // A language other than the default has pages for its translated notes only, and
            // only their lists are made.
            let pages: Option<Vec<bool>> =
                (lang != default).then(|| (0..dossier.notes.len()).map(|i| has_page(dossier, i, lang)).collect());
            let pages = pages.as_deref();
            let last = previous
                .and_then(|(views, changed)| Some((views.by_lang.get(lang)?, views.contributions.get(lang)?, changed)));
            let mut touched = BTreeSet::new();
            let (links, contributions) = match last {
                Some((links, contributions, changed)) => {
                    let _span = tracing::info_span!("backlinks").entered();
                    let (mut links, mut contributions) = (links.clone(), contributions.clone());
                    for &i in changed {
                        let new = crate::graph::links::contribution(dossier, i, shown[i]);
                        if new != *contributions[i] {
                            links.patch(i, &contributions[i], &new, pages, &mut touched);
                            contributions[i] = Arc::new(new);
                        }
                    }
                    (links, contributions)
                }
                None => {
                    let like = made
                        .first()
                        .filter(|_| lang != default)
                        .map(|m| (default_shown.as_slice(), m.2.as_slice()));
                    crate::graph::links::collect(dossier, &shown, like, pages)
                }
            };
            (lang.to_string(), links, contributions, touched)
        });
    }
    let mut views = LinkViews::default();
    let mut touched = BTreeMap::new();
    for (lang, links, contributions, t) in made {
        views.by_lang.insert(lang.clone(), links);
        views.contributions.insert(lang.clone(), contributions);
        touched.insert(lang, t);
    }
    (views, touched)
}

/// Whether note `i` has a page in `lang`: every note in the default language, a translated
/// one in another.
fn has_page(dossier: &Dossier, i: usize, lang: &str) -> bool {
    lang == dossier.site.config.default_lang || dossier.translated.of(i, lang).is_some()
}

/// Takes each file (its output path and bytes) as soon as it is made.
pub type PageSink<'a> = &'a dyn crate::output::Sink;

/// Renders the pages of the site, in every language, into `out`; returns the problems, and
/// what each rendered page was made from.
pub fn render_site(
    input: SiteInput<'_>,
    theme: &Theme,
    out: &mut OutputTree,
) -> (Vec<Diagnostic>, Vec<(String, Deps)>) {
    let SiteInput {
        dossier,
        bodies,
        conflicts,
        links,
        gaps,
        words,
        only,
        previous,
        sink,
    } = input;
    let config = &dossier.site.config;
    let base_path = config.base_path();
    let index = {
        let _span = tracing::info_span!("index").entered();
        match Index::new(dossier, words, previous, &theme.tera) {
            (index, None) => index,
            (_, Some(e)) => {
                return (
                    vec![template_diag(&theme.sources, &e, Some("the link of a note"))],
                    Vec::new(),
                );
            }
        }
    };
    if theme.index.set(Arc::new(index)).is_err() {
        let d = Diagnostic::error(
            "templates",
            "internal error: a compiled theme was used for two builds; compile it again",
        );
        return (vec![d], Vec::new());
    }
    let Some(index) = theme.index.get() else {
        return (Vec::new(), Vec::new());
    };
    let _span = tracing::info_span!("templates").entered();
    let order = timeline::order(dossier);
    // Each dated note's place in the timeline, for the per-entity timelines.
    let mut rank: Vec<Option<usize>> = vec![None; dossier.notes.len()];
    for (k, &i) in order.iter().enumerate() {
        rank[i] = Some(k);
    }
    // Sources that translate each source.
    let mut translated_as: Vec<Vec<usize>> = vec![Vec::new(); dossier.notes.len()];
    for (i, n) in dossier.notes.iter().enumerate() {
        if let KindData::Source(s) = &n.data
            && let Some(&o) = s.translation_of.as_deref().and_then(|id| dossier.by_id.get(id))
        {
            translated_as[o].push(i);
        }
    }
    let wanted = |path: &str| only.is_none_or(|f| f(path));
    let shared = Shared {
        record: only.is_some(),
        dossier,
        bodies,
        conflicts,
        links,
        gaps,
        wanted: &wanted,
        theme,
        base_path: &base_path,
        order: &order,
        rank: &rank,
        translated_as: &translated_as,
        sink,
    };
    let mut results = Vec::new();
    for lang in config.languages() {
        let Some(words) = index.words.get(lang) else {
            continue;
        };
        let mut loc = Locale::new(dossier, lang, words, &base_path);
        loc.summaries = index.langs.get(lang).map(|l| &l.by_id);
        results.extend(render_language(&shared, &loc));
    }

    let mut diags = Vec::new();
    let mut deps = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in results {
        match r {
            Ok((path, _, d)) if sink.is_some() => {
                out.insert_on_disk(path.clone());
                deps.push((path, d));
            }
            Ok((path, html, d)) => {
                out.insert_shared(path.clone(), html);
                deps.push((path, d));
            }
            // A broken template fails the same way on every page: report it once.
            Err(d) if seen.insert((d.file.clone(), d.line, d.col)) => diags.push(d),
            Err(_) => {}
        }
    }
    (diags, deps)
}

/// What every language's pages share.
struct Shared<'a> {
    /// Record what each page is made from (for the next build to compare with).
    record: bool,
    dossier: &'a Dossier,
    bodies: &'a Bodies,
    conflicts: &'a Conflicts,
    links: &'a BTreeMap<String, Links>,
    gaps: &'a [crate::graph::integrity::Gap],
    /// Whether a page (by output path) is to be rendered.
    wanted: &'a (dyn Fn(&str) -> bool + Sync),
    theme: &'a Theme,
    base_path: &'a str,
    order: &'a [usize],
    rank: &'a [Option<usize>],
    translated_as: &'a [Vec<usize>],
    /// See [`SiteInput::sink`].
    sink: Option<PageSink<'a>>,
}

type PageResult = Result<(String, Arc<[u8]>, Deps), Diagnostic>;

/// The pages of one language: every note's in the default language, the translated notes' in
/// another, and the lists in each.
fn render_language(sh: &Shared<'_>, loc: &Locale<'_>) -> Vec<PageResult> {
    let Shared {
        record,
        dossier,
        bodies,
        conflicts,
        links,
        gaps: _,
        wanted,
        theme,
        base_path,
        order,
        rank,
        translated_as,
        sink,
    } = *sh;
    let config = &dossier.site.config;
    let lang = loc.lang;
    let prefix = loc.prefix.as_str();
    let is_default = loc.is_default();
    let words = loc.words;
    let site = SiteView {
        title: config.title_in(lang),
        description: config.description_in(lang),
        author: config.author.as_deref(),
        base_path: base_path.to_string(),
        base_url: config.absolute_base(),
        lang,
        default_lang: &config.default_lang,
        languages: config
            .languages()
            .into_iter()
            .map(|l| LanguageView {
                lang: l,
                name: config.lang_name(l),
            })
            .collect(),
        extra: &dossier.site.extra,
        generator: concat!("dossier ", env!("CARGO_PKG_VERSION")),
    };
    // The index's number, under which `shown_date` keeps the dates it has written.
    let build = theme.index.get().map_or(0, |index| index.build);
    let site_value = Value::from_serializable(&site);
    let t_value = Value::from_serializable(&words.strings);
    let lang_value = Value::from(lang);
    // A page goes to the sink, when there is one, as soon as it is made, from a buffer each
    // thread keeps for the next page: no fresh memory, no copy, no UTF-8 check per page.
    // Without a sink, a page's bytes are moved into a block of their exact size at once:
    // holding the rendered strings, with the room each grew into, until every page is done
    // cost a third more memory.
    thread_local! {
        static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let render_page =
        |template: &str, page: &dyn erased::Page, what: &str, path: &str| -> Result<Arc<[u8]>, Diagnostic> {
            let mut ctx = Context::new();
            ctx.insert_value("site", site_value.clone());
            ctx.insert_value("t", t_value.clone());
            ctx.insert_value("lang", lang_value.clone());
            ctx.insert_value("page", page.value());
            let failed = |e: tera::Error| template_diag(&theme.sources, &e, Some(what));
            match sink {
                Some(sink) => PAGE.with_borrow_mut(|buf| {
                    buf.clear();
                    theme.tera.render_to(template, &ctx, &mut *buf).map_err(failed)?;
                    sink.put(path, buf);
                    Ok(Arc::from(&[][..]))
                }),
                None => theme
                    .tera
                    .render(template, &ctx)
                    .map(|html| Arc::from(html.into_bytes()))
                    .map_err(failed),
            }
        };

    // Each note's body as this language shows it, for backlinks with sentences in it.
    let shown_body = |i: usize| -> (&Rendered, Option<usize>) {
        match dossier.translated.of(i, lang) {
            Some(k) if !is_default => (&bodies.translations[k], Some(k)),
            _ => (&bodies.notes[i], None),
        }
    };
    let empty = Links::default();
    let links = links.get(lang).unwrap_or(&empty);

    let translation_view = |i: usize| -> Option<TranslationView<'_>> {
        let state = dossier.translated.state(i, lang)?;
        state.translation?;
        let original = &dossier.notes[i];
        Some(TranslationView {
            status: state.status,
            original_url: format!("{base_path}{}", note_path(original)),
            original_lang: &config.default_lang,
            original_lang_name: config.lang_name(&config.default_lang),
            side_by_side_url: format!("{base_path}{prefix}{}", side_by_side_path(original)),
        })
    };

    let heads = Heads::new(loc, build);
    let notes_here: Vec<usize> = (0..dossier.notes.len())
        .filter(|&i| has_page(dossier, i, lang))
        .collect();
    let note_pages: Vec<PageResult> = notes_here
        .par_iter()
        .filter(|&&i| wanted(&format!("{prefix}{}index.html", note_path(&dossier.notes[i]))))
        .map(|&i| {
            recorded_if(record, || {
                let original = &dossier.notes[i];
                let (body, k) = shown_body(i);
                let note = match k {
                    Some(k) => &dossier.translations[k],
                    None => original,
                };
                let local = note_path(original);
                let path = format!("{prefix}{local}");
                let native = |list: &[Backlink]| {
                    (theme.builtin_mentions && !list.is_empty()).then(|| write_mentions(&heads, list))
                };
                let (cited_by_html, backlinks_html) = (native(&links.cited_by[i]), native(&links.backlinks[i]));
                // Made into template values, the lists cost as much as writing them: they are
                // left out while no template reads them.
                let (cited_by, backlinks) = if theme.builtin_mentions && theme.builtin_templates {
                    (Vec::new(), Vec::new())
                } else {
                    (group(loc, &links.cited_by[i]), group(loc, &links.backlinks[i]))
                };
                let sources_html = if theme.builtin_sources && !body.citations.is_empty() {
                    write_sources(&heads, &body.citations)
                } else {
                    None
                };
                // As with the mentions, the entries are made only for a template to read.
                let sources: Vec<SourceEntry<'_>> = if sources_html.is_some() && theme.builtin_templates {
                    Vec::new()
                } else {
                    body.citations
                        .iter()
                        .map(|c| SourceEntry {
                            n: c.n,
                            source: &dossier.notes[c.source].id,
                            at: c.at.as_deref(),
                            quote: c.quote.as_deref(),
                            refs: &c.refs,
                            note: loc.summary_value(&dossier.notes[c.source]),
                            backrefs: c
                                .refs
                                .iter()
                                .enumerate()
                                .map(|(k, id)| BackRef {
                                    id,
                                    label: backref_label(loc, k, c.n),
                                })
                                .collect(),
                        })
                        .collect()
                };
                let view = PageView {
                    id: &note.id,
                    kind: note.kind,
                    title: &note.title,
                    url: format!("{base_path}{path}"),
                    path: path.clone(),
                    alternates: alternates(config, lang, &local, |l| has_page(dossier, i, l)),
                    local,
                    lang,
                    translation: translation_view(i),
                    file: &note.file,
                    summary: note.common.summary.as_deref(),
                    tags: &note.common.tags,
                    aliases: &note.common.aliases,
                    date: note.date(),
                    body: &body.html,
                    toc: &body.headings,
                    fields: &note.data,
                    extra: &note.extra,
                    sources,
                    sources_html,
                    roles: match &note.data {
                        KindData::Entity(e) => e
                            .roles
                            .iter()
                            .map(|r| RoleView {
                                role: r,
                                sources: numbers(&r.cites, &body.citations, dossier),
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                    responses: match &note.data {
                        KindData::Claim(c) => c
                            .responses
                            .iter()
                            .map(|r| ResponseView {
                                response: r,
                                sources: numbers(&r.cites, &body.citations, dossier),
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                    cited_by_html,
                    backlinks_html,
                    cited_by,
                    backlinks,
                    role_holders: dossier.role_holders[i]
                        .iter()
                        .filter_map(|r| {
                            let holder = &dossier.notes[r.holder];
                            match &holder.data {
                                KindData::Entity(e) => Some(RoleHolderView {
                                    holder: loc.summary_value(holder),
                                    role: &e.roles[r.role],
                                }),
                                _ => None,
                            }
                        })
                        .collect(),
                    involved_in: links.involved_in[i]
                        .iter()
                        .map(|v| InvolvementView {
                            note: loc.summary_value(&dossier.notes[v.note]),
                            roles: v.roles.iter().map(|r| words.get(as_key(r))).collect(),
                        })
                        .collect(),
                    conflicts: if note.kind.is_entity() {
                        conflicts
                            .of_entity(i)
                            .map(|c| timeline::conflict_view(loc, c))
                            .collect()
                    } else {
                        conflicts.of_event(i).map(|c| timeline::conflict_view(loc, c)).collect()
                    },
                    timeline: if note.kind.is_entity() {
                        let mut mine: Vec<usize> = links.involved_in[i]
                            .iter()
                            .map(|v| v.note)
                            .chain(conflicts.of_entity(i).map(|c| c.event))
                            .filter(|&e| rank[e].is_some())
                            .collect();
                        mine.sort_by_key(|&e| rank[e]);
                        mine.dedup();
                        timeline::years(loc, &mine, conflicts)
                    } else {
                        Vec::new()
                    },
                    translated_as: translated_as[i]
                        .iter()
                        .map(|&s| loc.summary(&dossier.notes[s]))
                        .collect(),
                    language_name: match &note.data {
                        KindData::Source(s) => s.language.as_deref().map(|l| config.lang_name(l)),
                        _ => None,
                    },
                };
                let template = format!("{}.html", note.kind.as_str());
                let file = format!("{path}index.html");
                render_page(&template, &view, &note.file, &file).map(|html| (file, html))
            })
        })
        .map(|(r, deps)| r.map(|(p, h)| (p, h, deps)))
        .collect();

    // Side by side: each translated note in this language, block by block with its original.
    let side_pages: Vec<PageResult> = if is_default {
        Vec::new()
    } else {
        notes_here
            .par_iter()
            .filter(|&&i| wanted(&format!("{prefix}{}index.html", side_by_side_path(&dossier.notes[i]))))
            .filter_map(|&i| {
                let k = dossier.translated.of(i, lang)?;
                let original = &dossier.notes[i];
                let tr = &dossier.translations[k];
                let (a, b) = (bodies.notes[i].block_html(), bodies.translations[k].block_html());
                let original_url = format!("{base_path}{}", note_path(original));
                let translation_url = format!("{base_path}{prefix}{}", note_path(original));
                let pairs = (0..a.len().max(b.len()))
                    .map(|j| BlockPair {
                        original: a.get(j).map_or_else(String::new, |x| detach(x, &original_url)),
                        translation: b.get(j).map_or_else(String::new, |x| detach(x, &translation_url)),
                    })
                    .collect();
                let local = side_by_side_path(original);
                let path = format!("{prefix}{local}");
                let view = ListView {
                    title: &tr.title,
                    url: format!("{base_path}{path}"),
                    path: path.clone(),
                    // Only this language has it: the switcher offers no other.
                    alternates: alternates(config, lang, &local, |l| l == lang)
                        .into_iter()
                        .filter(|a| a.current)
                        .collect(),
                    local,
                    lang,
                    kind: "side-by-side",
                    note: Some(loc.summary(original)),
                    original: Some(Locale::new(dossier, &config.default_lang, words, base_path).summary(original)),
                    original_lang: Some(&config.default_lang),
                    pairs,
                    translation: translation_view(i),
                    ..Default::default()
                };
                let file = format!("{path}index.html");
                let (r, deps) = recorded_if(record, || render_page("side-by-side.html", &view, &tr.file, &file));
                Some(r.map(|html| (file, html, deps)))
            })
            .collect()
    };

    let noted: Vec<usize> = dossier
        .notes
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            matches!(&n.data, KindData::Event(e) if e.conflict.is_some()) && conflicts.of_event(*i).next().is_none()
        })
        .map(|(i, _)| i)
        .collect();
    let home_translation = dossier.site.translations.iter().position(|h| h.lang == lang);
    let (home_body, home_lang): (&Rendered, Option<&str>) = match home_translation {
        Some(k) => (&bodies.home_translations[k], None),
        None if is_default => (&bodies.home, None),
        None => (&bodies.home, Some(config.default_lang.as_str())),
    };
    // (page path, template, title key, kind listed)
    let mut lists: Vec<(&str, &str, &str, &str)> = vec![
        ("timeline/", "timeline.html", "timeline", ""),
        ("conflicts/", "conflicts.html", "conflicts_title", ""),
        ("sources/", "sources.html", "sources", "source"),
        ("entities/", "entities.html", "people_and_organizations", ""),
        ("people/", "entities.html", "people", "person"),
        ("organizations/", "entities.html", "organizations", "organization"),
        ("events/", "events.html", "events", "event"),
        ("claims/", "claims.html", "claims", "claim"),
        ("integrity/", "integrity.html", "integrity", ""),
        ("", "home.html", "", ""),
    ];
    if config.languages().len() > 1 {
        lists.push(("translations/", "translations.html", "translations", ""));
    }
    if is_default {
        lists.push(("404.html", "404.html", "not_found", ""));
    }
    // The 404 page exists once, in the default language.
    let versions = |local: &str, l: &str| local != "404.html" || l == lang;
    // In parallel with each other: /timeline/ of a large dossier is a big page.
    let file_of = |local: &str| {
        if local.ends_with(".html") {
            format!("{prefix}{local}")
        } else {
            format!("{prefix}{local}index.html")
        }
    };
    let list_pages: Vec<PageResult> = lists
        .into_par_iter()
        .filter(|(local, ..)| wanted(&file_of(local)))
        .map(|(local, template, title_key, kind)| {
            recorded_if(record, || {
                let home_page = local.is_empty();
                let path = format!("{prefix}{local}");
                let file = file_of(local);
                let (body, toc): (&str, &[Heading]) = if home_page {
                    (&home_body.html, &home_body.headings)
                } else {
                    ("", &[])
                };
                let with_conflicts = matches!(local, "timeline/" | "conflicts/");
                let title = if home_page {
                    config.title_in(lang)
                } else {
                    words.get(title_key)
                };
                let mut view = ListView {
                    title,
                    url: format!("{base_path}{path}"),
                    path,
                    alternates: alternates(config, lang, local, |l| versions(local, l)),
                    local: local.to_string(),
                    lang,
                    kind,
                    body,
                    toc,
                    body_lang: if home_page { home_lang } else { None },
                    ..Default::default()
                };
                if local == "timeline/" {
                    view.years = timeline::years(loc, order, conflicts);
                    view.svg = timeline::svg(loc, order, conflicts);
                }
                if with_conflicts {
                    view.conflicts = conflicts.list.iter().map(|c| timeline::conflict_view(loc, c)).collect();
                    view.noted = noted.iter().map(|&i| loc.summary(&dossier.notes[i])).collect();
                }
                if local == "translations/" {
                    translations_view(sh, loc, &mut view);
                }
                if local == "integrity/" {
                    (view.gaps, view.explained) = integrity_view(sh, loc);
                }
                let what = match home_translation {
                    Some(k) if home_page => dossier.site.translations[k].file.as_str(),
                    _ if home_page => dossier.site.file.as_str(),
                    _ => template,
                };
                render_page(template, &view, what, &file).map(|html| (file, html))
            })
        })
        .map(|(r, deps)| r.map(|(p, h)| (p, h, deps)))
        .collect();
    let mut all = note_pages;
    all.extend(side_pages);
    all.extend(list_pages);
    all
}

/// The sections of `/integrity/`: every kind of gap, with the notes whose gap is open (an
/// empty section says there are none), and the gaps notes explain.
fn integrity_view<'a>(sh: &Shared<'a>, loc: &Locale<'a>) -> (Vec<GapSection<'a>>, Vec<GapItem<'a>>) {
    use crate::graph::integrity::GapKind;
    let dossier = sh.dossier;
    let config = &dossier.site.config;
    let item = |g: &'a crate::graph::integrity::Gap| GapItem {
        kind: g.kind.key(),
        note: loc.summary(&dossier.notes[g.note]),
        reason: g.reason.as_deref(),
        lang: g.lang.as_deref(),
        lang_name: g.lang.as_deref().map(|l| config.lang_name(l)),
        sources: g.sources.iter().map(|&s| loc.summary(&dossier.notes[s])).collect(),
    };
    let sections = GapKind::ALL
        .iter()
        .map(|&kind| GapSection {
            kind: kind.key(),
            items: sh
                .gaps
                .iter()
                .filter(|g| g.kind == kind && g.is_open())
                .map(item)
                .collect(),
        })
        .collect();
    let explained = sh.gaps.iter().filter(|g| !g.is_open()).map(item).collect();
    (sections, explained)
}

/// The counts and rows of `/translations/`.
fn translations_view<'a>(sh: &Shared<'a>, loc: &Locale<'a>, view: &mut ListView<'a>) {
    let dossier = sh.dossier;
    let config = &dossier.site.config;
    let base_path = sh.base_path;
    let others: Vec<&'a str> = config.languages().into_iter().skip(1).collect();
    for &lang in &others {
        let Some(states) = dossier.translated.by_lang.get(lang) else {
            continue;
        };
        let count = |s: Status| states.iter().filter(|x| x.status == s).count();
        view.languages.push(LangCounts {
            lang,
            name: config.lang_name(lang),
            up_to_date: count(Status::UpToDate),
            stale: count(Status::Stale),
            unrecorded: count(Status::Unrecorded),
            missing: count(Status::Missing),
            total: states.len(),
        });
    }
    for kind in Kind::ALL {
        for i in list_order(dossier, kind) {
            let note = &dossier.notes[i];
            let cells = others
                .iter()
                .filter_map(|&lang| {
                    let state = dossier.translated.state(i, lang)?;
                    let prefix = config.lang_prefix(lang);
                    let translated = state.translation.is_some();
                    Some(TranslationCell {
                        lang,
                        status: state.status,
                        url: translated.then(|| format!("{base_path}{prefix}{}", note_path(note))),
                        side_by_side_url: translated.then(|| format!("{base_path}{prefix}{}", side_by_side_path(note))),
                    })
                })
                .collect();
            view.rows.push(TranslationRow {
                note: loc.summary_value(note),
                cells,
            });
        }
    }
}

/// Type erasure for the different page views, so one closure renders them all.
mod erased {
    pub trait Page: Sync {
        fn value(&self) -> tera::Value;
    }
    impl<T: serde::Serialize + Sync> Page for T {
        fn value(&self) -> tera::Value {
            tera::Value::from_serializable(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_safe_filter_prints_what_the_engines_own_prints() {
        let template =
            "{{ html | safe }}|{{ short | safe }}|{{ n | safe }}|{{ yes | safe }}|{{ list | safe }}|{{ html }}";
        let render = |tera: &mut Tera| {
            tera.add_raw_template("t", template).expect("template");
            let mut ctx = Context::new();
            ctx.insert("html", &"<p>A &amp; B, long enough not to be held inline</p>".repeat(3));
            ctx.insert("short", "<b>");
            ctx.insert("n", &12.5);
            ctx.insert("yes", &true);
            ctx.insert("list", &vec!["<a>", "b"]);
            tera.render("t", &ctx).expect("render")
        };
        let engines = render(&mut Tera::default());
        let mut ours = Tera::default();
        register_functions(&mut ours, Arc::new(OnceLock::new()));
        assert_eq!(render(&mut ours), engines);
        assert!(engines.starts_with("<p>A &amp; B"), "{engines}");
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(500000000.0), "500,000,000");
        assert_eq!(group_digits(12000.0), "12,000");
        assert_eq!(group_digits(999.0), "999");
        assert_eq!(group_digits(1234.5), "1,234.5");
        assert_eq!(group_digits(-1000.0), "-1,000");
    }

    #[test]
    fn detached_blocks_lose_their_ids_and_link_back() {
        let html = r##"<h2 id="roles">Roles <a class="anchor" href="#roles">#</a></h2><p>x<sup class="cite">[<a href="#cite-1" id="cite-ref-1-1">1</a>]</sup> <a href="https://e.org/#a">e</a></p>"##;
        assert_eq!(
            detach(html, "/p/"),
            r##"<h2>Roles <a class="anchor" href="/p/#roles">#</a></h2><p>x<sup class="cite">[<a href="/p/#cite-1">1</a>]</sup> <a href="https://e.org/#a">e</a></p>"##
        );
    }

    #[test]
    fn a_detached_block_escapes_the_page_url() {
        let html = r##"<p>x<sup class="cite">[<a href="#cite-1">1</a>]</sup></p>"##;
        let out = detach(html, "/x\"><s>/p/");
        assert!(!out.contains("<s>") && !out.contains("x\">"), "{out}");
    }

    #[test]
    fn every_theme_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (dir, embedded) in [("templates", DEFAULT_TEMPLATES), ("static", DEFAULT_STATIC)] {
            let mut on_disk: Vec<String> = walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    e.path()
                        .strip_prefix(root.join(dir))
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect();
            on_disk.sort();
            let mut names: Vec<String> = embedded.iter().map(|(n, _)| (*n).to_string()).collect();
            names.sort();
            assert_eq!(
                on_disk, names,
                "{dir}/ and the embedded list differ: update DEFAULT_* in render.rs"
            );
        }
    }
}
