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

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::date::DateSpan;
use crate::diag::Diagnostic;
use crate::graph::conflicts::Conflicts;
use crate::graph::links::{Backlink, Links, Mention};
use crate::graph::{Dossier, note_path};
use crate::load::ThemeOverrides;
use crate::markdown::{Citation, Heading, Rendered};
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
);

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
];

/// The compiled theme: templates with overrides applied, and the static files to copy.
pub struct Theme {
    tera: Tera,
    /// The site-wide index the template functions read; filled once per build.
    index: Arc<OnceLock<Index>>,
    /// Template name → (file to name in diagnostics, source text).
    sources: BTreeMap<String, (String, String)>,
    pub statics: BTreeMap<String, Vec<u8>>,
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
    let index: Arc<OnceLock<Index>> = Arc::new(OnceLock::new());
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
    })
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
    pub language: Option<&'a str>,
    pub status: Option<crate::model::ClaimStatus>,
    pub event_type: Option<&'a str>,
}

/// Site-wide data shared by every page's template functions.
pub struct Index {
    by_id: HashMap<String, Value>,
    by_kind: HashMap<&'static str, Value>,
    base_path: String,
}

pub fn summary<'a>(note: &'a Note, base_path: &str) -> Summary<'a> {
    let (publisher, language) = match &note.data {
        KindData::Source(s) => (s.publisher.as_deref(), s.language.as_deref()),
        _ => (None, None),
    };
    Summary {
        id: &note.id,
        kind: note.kind,
        title: &note.title,
        url: format!("{base_path}{}", note_path(note)),
        summary: note.common.summary.as_deref(),
        date: note.date(),
        tags: &note.common.tags,
        publisher,
        language,
        status: match &note.data {
            KindData::Claim(c) => Some(c.status),
            _ => None,
        },
        event_type: match &note.data {
            KindData::Event(e) => e.event_type.as_deref(),
            _ => None,
        },
    }
}

/// The order of a kind's list: dated kinds by date (undated last), the rest by title.
pub fn list_order(dossier: &Dossier, kind: Kind) -> Vec<usize> {
    let mut idx: Vec<usize> = dossier.of_kind(kind).map(|(i, _)| i).collect();
    let notes = &dossier.notes;
    match kind {
        Kind::Event | Kind::Claim | Kind::Source => idx.sort_by(|&a, &b| {
            let (na, nb) = (&notes[a], &notes[b]);
            match (na.date(), nb.date()) {
                (Some(x), Some(y)) => x.cmp(y).then_with(|| na.id.cmp(&nb.id)),
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
    pub fn new(dossier: &Dossier) -> Index {
        let base_path = dossier.site.config.base_path();
        let by_id: HashMap<String, Value> = dossier
            .notes
            .par_iter()
            .map(|n| (n.id.clone(), Value::from_serializable(&summary(n, &base_path))))
            .collect();
        let mut by_kind = HashMap::new();
        for kind in Kind::ALL {
            let list: Vec<Value> = list_order(dossier, kind)
                .into_iter()
                .map(|i| by_id[&dossier.notes[i].id].clone())
                .collect();
            by_kind.insert(kind.as_str(), Value::from_serializable(&list));
        }
        Index {
            by_id,
            by_kind,
            base_path,
        }
    }
}

/// `1234567.5` → `1,234,567.5`: numbers as readers of English write them.
pub fn group_digits(n: f64) -> String {
    let neg = n < 0.0;
    let text = format!("{}", n.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if neg { format!("-{out}") } else { out }
}

fn register_functions(tera: &mut Tera, index: Arc<OnceLock<Index>>) {
    tera.register_filter("number", |n: f64, _: Kwargs, _: &State| group_digits(n));
    fn ready(slot: &OnceLock<Index>) -> tera::TeraResult<&Index> {
        slot.get()
            .ok_or_else(|| tera::Error::message("the site index is not ready"))
    }
    let i = index.clone();
    tera.register_function("note", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let id: &str = kwargs.must_get("id")?;
        Ok(ready(&i)?.by_id.get(id).cloned().unwrap_or_else(Value::none))
    });
    let i = index.clone();
    tera.register_function("notes", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let kind: &str = kwargs.must_get("kind")?;
        ready(&i)?.by_kind.get(kind).cloned().ok_or_else(|| {
            tera::Error::message(format!(
                "notes(kind=\"{kind}\"): the kinds are source, person, organization, event, claim and page"
            ))
        })
    });
    let i = index;
    tera.register_function("url", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        Ok(format!("{}{}", ready(&i)?.base_path, path.trim_start_matches('/')))
    });
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    author: Option<&'a str>,
    base_path: String,
    base_url: String,
    lang: &'a str,
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
}

#[derive(Serialize)]
struct RoleHolderView<'a> {
    holder: Summary<'a>,
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

#[derive(Serialize)]
struct BacklinkView<'a> {
    note: Summary<'a>,
    mentions: &'a [Mention],
}

/// Backlinks of one kind.
#[derive(Serialize)]
struct BacklinkGroup<'a> {
    kind: Kind,
    /// The kind's plural, for a heading (`Events`).
    label: &'static str,
    items: Vec<BacklinkView<'a>>,
}

#[derive(Serialize)]
struct InvolvementView<'a> {
    note: Summary<'a>,
    /// As what: `actor`, `from`, `to`, `claimant`, `subject`, `responded`.
    roles: &'a [&'static str],
}

fn group<'a>(dossier: &'a Dossier, list: &'a [Backlink], base_path: &str) -> Vec<BacklinkGroup<'a>> {
    let mut groups: Vec<BacklinkGroup<'a>> = Vec::new();
    for b in list {
        let note = &dossier.notes[b.from];
        let view = BacklinkView {
            note: summary(note, base_path),
            mentions: &b.mentions,
        };
        match groups.last_mut() {
            // Notes are sorted by kind, so one pass groups them.
            Some(g) if g.kind == note.kind => g.items.push(view),
            _ => groups.push(BacklinkGroup {
                kind: note.kind,
                label: note.kind.plural(),
                items: vec![view],
            }),
        }
    }
    groups
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

#[derive(Serialize)]
struct PageView<'a> {
    id: &'a str,
    kind: Kind,
    title: &'a str,
    url: String,
    /// The page's path below the base path, for `hreflang` and canonical links.
    path: String,
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
    /// A person's or organization's roles, with the numbers of their sources.
    roles: Vec<RoleView<'a>>,
    /// A claim's responses, with the numbers of their sources.
    responses: Vec<ResponseView<'a>>,
    /// Notes that cite this one (a source), grouped by kind, with locators and sentences.
    cited_by: Vec<BacklinkGroup<'a>>,
    /// Notes that link to this one, grouped by kind, with the sentence around each link.
    backlinks: Vec<BacklinkGroup<'a>>,
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
}

/// Renders every page of the site into `out`.
pub fn render_site(
    dossier: &Dossier,
    theme: &Theme,
    bodies: &[Rendered],
    home: &Rendered,
    links: &Links,
    conflicts: &Conflicts,
    out: &mut OutputTree,
) -> Vec<Diagnostic> {
    let config = &dossier.site.config;
    let base_path = config.base_path();
    if theme.index.set(Index::new(dossier)).is_err() {
        return vec![Diagnostic::error(
            "templates",
            "internal error: a compiled theme was used for two builds; compile it again",
        )];
    }
    let site = SiteView {
        title: &config.title,
        description: config.description.as_deref(),
        author: config.author.as_deref(),
        base_path: base_path.clone(),
        base_url: config.absolute_base(),
        lang: &config.default_lang,
        extra: &dossier.site.extra,
        generator: concat!("dossier ", env!("CARGO_PKG_VERSION")),
    };
    let site_value = Value::from_serializable(&site);
    let render = |template: &str, page: &dyn erased::Page, what: &str| -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert_value("site", site_value.clone());
        ctx.insert_value("page", page.value());
        theme
            .tera
            .render(template, &ctx)
            .map_err(|e| template_diag(&theme.sources, &e, Some(what)))
    };

    let _span = tracing::info_span!("templates").entered();
    let order = timeline::order(dossier);
    // Each dated note's place in the timeline, for the per-entity timelines.
    let mut rank: Vec<Option<usize>> = vec![None; dossier.notes.len()];
    for (k, &i) in order.iter().enumerate() {
        rank[i] = Some(k);
    }
    let note_pages: Vec<Result<(String, String), Diagnostic>> = dossier
        .notes
        .par_iter()
        .enumerate()
        .map(|(i, note)| {
            let path = note_path(note);
            let view = PageView {
                id: &note.id,
                kind: note.kind,
                title: &note.title,
                url: format!("{base_path}{path}"),
                path: path.clone(),
                file: &note.file,
                summary: note.common.summary.as_deref(),
                tags: &note.common.tags,
                aliases: &note.common.aliases,
                date: note.date(),
                body: &bodies[i].html,
                toc: &bodies[i].headings,
                fields: &note.data,
                extra: &note.extra,
                sources: bodies[i]
                    .citations
                    .iter()
                    .map(|c| SourceEntry {
                        n: c.n,
                        source: &dossier.notes[c.source].id,
                        at: c.at.as_deref(),
                        quote: c.quote.as_deref(),
                        refs: &c.refs,
                    })
                    .collect(),
                roles: match &note.data {
                    KindData::Entity(e) => e
                        .roles
                        .iter()
                        .map(|r| RoleView {
                            role: r,
                            sources: numbers(&r.cites, &bodies[i].citations, dossier),
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
                            sources: numbers(&r.cites, &bodies[i].citations, dossier),
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                cited_by: group(dossier, &links.cited_by[i], &base_path),
                backlinks: group(dossier, &links.backlinks[i], &base_path),
                role_holders: dossier.role_holders[i]
                    .iter()
                    .filter_map(|r| {
                        let holder = &dossier.notes[r.holder];
                        match &holder.data {
                            KindData::Entity(e) => Some(RoleHolderView {
                                holder: summary(holder, &base_path),
                                role: &e.roles[r.role],
                            }),
                            _ => None,
                        }
                    })
                    .collect(),
                involved_in: links.involved_in[i]
                    .iter()
                    .map(|v| InvolvementView {
                        note: summary(&dossier.notes[v.note], &base_path),
                        roles: &v.roles,
                    })
                    .collect(),
                conflicts: if note.kind.is_entity() {
                    conflicts
                        .of_entity(i)
                        .map(|c| timeline::conflict_view(dossier, c, &base_path))
                        .collect()
                } else {
                    conflicts
                        .of_event(i)
                        .map(|c| timeline::conflict_view(dossier, c, &base_path))
                        .collect()
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
                    timeline::years(dossier, &mine, conflicts, &base_path)
                } else {
                    Vec::new()
                },
            };
            let template = format!("{}.html", note.kind.as_str());
            render(&template, &view, &note.file).map(|html| (format!("{path}index.html"), html))
        })
        .collect();

    #[derive(Serialize)]
    struct ListView<'a> {
        title: &'a str,
        url: String,
        path: &'a str,
        kind: &'a str,
        body: &'a str,
        toc: &'a [Heading],
        /// For /timeline/: the years, the picture (trusted SVG) and every conflict.
        years: Vec<Year<'a>>,
        svg: Option<String>,
        /// For /conflicts/ and /timeline/: every computed conflict, and the events whose
        /// conflict is only written by hand.
        conflicts: Vec<ConflictView<'a>>,
        noted: Vec<Summary<'a>>,
    }
    let noted: Vec<usize> = dossier
        .notes
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            matches!(&n.data, KindData::Event(e) if e.conflict.is_some()) && conflicts.of_event(*i).next().is_none()
        })
        .map(|(i, _)| i)
        .collect();
    // (page path, output file, template, title, kind listed)
    let lists: [(&str, &str, &str, &str, &str); 10] = [
        ("timeline/", "timeline/index.html", "timeline.html", "Timeline", ""),
        (
            "conflicts/",
            "conflicts/index.html",
            "conflicts.html",
            "Conflicts of interest",
            "",
        ),
        ("sources/", "sources/index.html", "sources.html", "Sources", "source"),
        (
            "entities/",
            "entities/index.html",
            "entities.html",
            "People and organizations",
            "",
        ),
        ("people/", "people/index.html", "entities.html", "People", "person"),
        (
            "organizations/",
            "organizations/index.html",
            "entities.html",
            "Organizations",
            "organization",
        ),
        ("events/", "events/index.html", "events.html", "Events", "event"),
        ("claims/", "claims/index.html", "claims.html", "Claims", "claim"),
        ("", "index.html", "home.html", &config.title, ""),
        ("404.html", "404.html", "404.html", "Page not found", ""),
    ];
    // In parallel with each other: /timeline/ of a large dossier is a big page.
    let list_pages: Vec<Result<(String, String), Diagnostic>> = lists
        .into_par_iter()
        .map(|(path, file, template, title, kind)| {
            let home_page = path.is_empty();
            let (body, toc): (&str, &[Heading]) = if home_page {
                (&home.html, &home.headings)
            } else {
                ("", &[])
            };
            let with_conflicts = matches!(path, "timeline/" | "conflicts/");
            let view = ListView {
                title,
                url: format!("{base_path}{path}"),
                path,
                kind,
                body,
                toc,
                years: if path == "timeline/" {
                    timeline::years(dossier, &order, conflicts, &base_path)
                } else {
                    Vec::new()
                },
                svg: if path == "timeline/" {
                    timeline::svg(dossier, &order, conflicts, &base_path)
                } else {
                    None
                },
                conflicts: if with_conflicts {
                    conflicts
                        .list
                        .iter()
                        .map(|c| timeline::conflict_view(dossier, c, &base_path))
                        .collect()
                } else {
                    Vec::new()
                },
                noted: if with_conflicts {
                    noted.iter().map(|&i| summary(&dossier.notes[i], &base_path)).collect()
                } else {
                    Vec::new()
                },
            };
            let what = if home_page {
                dossier.site.file.as_str()
            } else {
                template
            };
            render(template, &view, what).map(|html| (file.to_string(), html))
        })
        .collect();

    let mut diags = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in note_pages.into_iter().chain(list_pages) {
        match r {
            Ok((path, html)) => out.insert(path, html.into_bytes()),
            // A broken template fails the same way on every page: report it once.
            Err(d) if seen.insert((d.file.clone(), d.line, d.col)) => diags.push(d),
            Err(_) => {}
        }
    }
    diags
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
    fn digits_are_grouped() {
        assert_eq!(group_digits(500000000.0), "500,000,000");
        assert_eq!(group_digits(12000.0), "12,000");
        assert_eq!(group_digits(999.0), "999");
        assert_eq!(group_digits(1234.5), "1,234.5");
        assert_eq!(group_digits(-1000.0), "-1,000");
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
