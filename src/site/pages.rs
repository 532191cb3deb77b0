//! The pages of one language: every note's, the side-by-side pages and the lists.

use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Value};

use super::index::Deps;
use super::index::{Locale, list_order, recorded_if};
use super::lists::{Heads, backref_label, write_mentions, write_sources};
use super::theme::{Theme, erased, template_diag};
use super::timeline::{self};
use super::views::{
    BackRef, BlockPair, GapItem, GapSection, InvolvementView, LangCounts, LanguageView, ListView, PageView,
    ResponseView, RoleHolderView, RoleView, SiteView, SourceEntry, TranslationCell, TranslationRow, TranslationView,
    alternates, as_key, detach, group, numbers, side_by_side_path,
};
use super::{PageSink, has_page};
use crate::diag::Diagnostic;
use crate::graph::Dossier;
use crate::graph::conflicts::Conflicts;
use crate::graph::links::{Backlink, Links};
use crate::graph::note_path;
use crate::graph::translations::Status;
use crate::markdown::Bodies;
use crate::markdown::{Heading, Rendered};
use crate::model::{Kind, KindData};
use std::collections::BTreeMap;

/// What every language's pages share.
pub(super) struct Shared<'a> {
    /// Record what each page is made from (for the next build to compare with).
    pub(super) record: bool,
    pub(super) dossier: &'a Dossier,
    pub(super) bodies: &'a Bodies,
    pub(super) conflicts: &'a Conflicts,
    pub(super) links: &'a BTreeMap<String, Links>,
    pub(super) gaps: &'a [crate::graph::integrity::Gap],
    /// Whether a page (by output path) is to be rendered.
    pub(super) wanted: &'a (dyn Fn(&str) -> bool + Sync),
    pub(super) theme: &'a Theme,
    pub(super) base_path: &'a str,
    pub(super) order: &'a [usize],
    pub(super) rank: &'a [Option<usize>],
    pub(super) translated_as: &'a [Vec<usize>],
    /// See [`SiteInput::sink`].
    pub(super) sink: Option<PageSink<'a>>,
}

pub(super) type PageResult = Result<(String, Arc<[u8]>, Deps), Diagnostic>;

/// The pages of one language: every note's in the default language, the translated notes' in
/// another, and the lists in each.
pub(super) fn render_language(sh: &Shared<'_>, loc: &Locale<'_>) -> Vec<PageResult> {
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
pub(super) fn integrity_view<'a>(sh: &Shared<'a>, loc: &Locale<'a>) -> (Vec<GapSection<'a>>, Vec<GapItem<'a>>) {
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
pub(super) fn translations_view<'a>(sh: &Shared<'a>, loc: &Locale<'a>, view: &mut ListView<'a>) {
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
