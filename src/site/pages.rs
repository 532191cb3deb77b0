//! The pages of one language: every note's, the side-by-side pages and the lists.

use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Value};

use super::index::Deps;
use super::index::{Locale, list_order, recorded_if};
use super::lists::{Heads, backref_label, write_mentions, write_sources};
use super::theme::{Theme, erased, template_diag};
use super::timeline::{self, ConflictView};
use super::views::{
    BackRef, BacklinkGroup, BlockPair, CorrectedView, GapItem, GapSection, InvolvementView, LangCounts, LanguageView,
    ListView, NoteGap, PageView, ResponseView, RoleHolderView, RoleView, SiteView, SourceEntry, TranslationCell,
    TranslationRow, TranslationView, Words, alternates, as_key, detach, group, numbers, role_name, side_by_side_path,
};
use super::{PageSink, has_page, shown_body};
use crate::diag::Diagnostic;
use crate::graph::Dossier;
use crate::graph::conflicts::Conflicts;
use crate::graph::links::Links;
use crate::graph::note_path;
use crate::graph::translations::Status;
use crate::markdown::Bodies;
use crate::markdown::Rendered;
use crate::model::{Correction, Kind, KindData, Note};
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
    pub(super) verified: crate::graph::verify::Summary,
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
    let pages = Pages::new(sh, loc);
    let here: Vec<usize> = (0..sh.dossier.notes.len())
        .filter(|&i| has_page(sh.dossier, i, loc.lang))
        .collect();
    let mut all = pages.note_pages(&here);
    all.extend(pages.side_by_side_pages(&here));
    all.extend(pages.list_pages());
    all
}

/// One language's pages as they are made: what they share, and what every page's context
/// holds besides the page itself.
struct Pages<'s, 'a> {
    sh: &'s Shared<'a>,
    loc: &'s Locale<'a>,
    /// The language's backlinks, citations and involvement.
    links: &'a Links,
    heads: Heads<'s, 'a>,
    site: Value,
    t: Value,
    lang: Value,
}

/// A page's bytes (none when it went to a sink), or why the template failed.
type Made = Result<Arc<[u8]>, Diagnostic>;

impl<'s, 'a> Pages<'s, 'a> {
    fn new(sh: &'s Shared<'a>, loc: &'s Locale<'a>) -> Self {
        static NO_LINKS: std::sync::OnceLock<Links> = std::sync::OnceLock::new();
        let config = &sh.dossier.site.config;
        let lang = loc.lang;
        let author = config.author_in(lang);
        let site = SiteView {
            title: config.title_in(lang),
            title_lang: config.title_lang(lang),
            description: config.description_in(lang),
            author: author.map(|(a, _)| a),
            author_lang: author.and_then(|(_, l)| l),
            base_path: sh.base_path.to_string(),
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
            extra: &sh.dossier.site.extra,
            generator: concat!("dossier ", env!("CARGO_PKG_VERSION")),
            search: config.search,
        };
        // The index's number, under which `shown_date` keeps the dates it has written.
        let build = sh.theme.index.get().map_or(0, |index| index.build);
        Pages {
            sh,
            loc,
            links: sh
                .links
                .get(lang)
                .unwrap_or_else(|| NO_LINKS.get_or_init(Links::default)),
            heads: Heads::new(loc, build),
            site: Value::from_serializable(&site),
            t: Value::from_serializable(&loc.words.strings),
            lang: Value::from(lang),
        }
    }

    /// Renders `page` with `template` into the page at `path`. `what` names the file a
    /// template error is reported against.
    ///
    /// A page goes to the sink, when there is one, as soon as it is made, from a buffer each
    /// thread keeps for the next page: no fresh memory, no copy, no UTF-8 check per page.
    /// Without a sink, a page's bytes are moved into a block of their exact size at once:
    /// holding the rendered strings, with the room each grew into, until every page is done
    /// would hold much more memory than the pages need.
    fn render(&self, template: &str, page: &dyn erased::Page, what: &str, path: &str) -> Made {
        thread_local! {
            static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let theme = self.sh.theme;
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site.clone());
        ctx.insert_value("t", self.t.clone());
        ctx.insert_value("lang", self.lang.clone());
        ctx.insert_value("page", page.value());
        let failed = |e: tera::Error| template_diag(&theme.sources, &e, Some(what));
        match self.sh.sink {
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
    }

    /// Runs `make`, recording what the page it makes was made from when the build records.
    fn recorded(&self, make: impl FnOnce() -> Result<(String, Arc<[u8]>), Diagnostic>) -> PageResult {
        let (page, deps) = recorded_if(self.sh.record, make);
        page.map(|(path, html)| (path, html, deps))
    }

    /// Note `i`'s body as this language shows it, and the translation it is from, if any.
    fn shown_body(&self, i: usize) -> (&'a Rendered, Option<usize>) {
        shown_body(self.sh.dossier, self.sh.bodies, i, self.loc.lang)
    }

    /// On note `i`'s page in this language, when it is a translation: how it stands.
    fn translation_view(&self, i: usize) -> Option<TranslationView<'a>> {
        let (dossier, base_path) = (self.sh.dossier, self.sh.base_path);
        let config = &dossier.site.config;
        let state = dossier.translated.state(i, self.loc.lang)?;
        state.translation?;
        let original = &dossier.notes[i];
        Some(TranslationView {
            status: state.status,
            original_url: format!("{base_path}{}", note_path(original)),
            original_lang: &config.default_lang,
            original_lang_name: self.loc.words.language_name(&config.default_lang, config),
            side_by_side_url: format!("{base_path}{}{}", self.loc.prefix, side_by_side_path(original)),
        })
    }

    /// The page of each note in `here`, in parallel.
    fn note_pages(&self, here: &[usize]) -> Vec<PageResult> {
        let prefix = &self.loc.prefix;
        here.par_iter()
            .filter(|&&i| (self.sh.wanted)(&format!("{prefix}{}index.html", note_path(&self.sh.dossier.notes[i]))))
            .map(|&i| self.recorded(|| self.note_page(i)))
            .collect()
    }

    fn note_page(&self, i: usize) -> Result<(String, Arc<[u8]>), Diagnostic> {
        let dossier = self.sh.dossier;
        let (body, k) = self.shown_body(i);
        let note = match k {
            Some(k) => &dossier.translations[k],
            None => &dossier.notes[i],
        };
        let local = note_path(&dossier.notes[i]);
        let path = format!("{}{local}", self.loc.prefix);
        let view = self.note_view(i, note, body, local, path.clone());
        let template = format!("{}.html", note.kind.as_str());
        let file = format!("{path}index.html");
        self.render(&template, &view, &note.file, &file)
            .map(|html| (file, html))
    }

    /// What the page of note `i` shows of `note` (the note, or its translation) and `body`.
    fn note_view(&self, i: usize, note: &'a Note, body: &'a Rendered, local: String, path: String) -> PageView<'a> {
        let (dossier, loc) = (self.sh.dossier, self.loc);
        let config = &dossier.site.config;
        let Mentions {
            cited_by_html,
            backlinks_html,
            cited_by,
            backlinks,
        } = self.mentions(i);
        let (sources, sources_html) = self.sources(body);
        let (corrections, corrections_lang) = corrections_of(note, &dossier.notes[i], loc);
        let roles_lang = written_in(note, "roles", loc);
        PageView {
            id: &note.id,
            kind: note.kind,
            title: &note.title,
            url: format!("{}{path}", self.sh.base_path),
            path,
            alternates: alternates(config, loc.lang, &local, |l| has_page(dossier, i, l)),
            local,
            lang: loc.lang,
            translation: self.translation_view(i),
            file: &note.file,
            summary: note.common.summary.as_deref(),
            updated: note.common.updated.as_ref(),
            corrections,
            corrections_lang,
            gaps: note_gaps(note, &dossier.notes[i], loc),
            tags: &note.common.tags,
            aliases: &note.common.aliases,
            alias_names: alias_names(&note.common.aliases, loc),
            event_type: match &note.data {
                KindData::Event(e) => {
                    (e.event_type.as_deref()).map(|t| event_type(t, written_in(note, "type", loc), loc))
                }
                _ => None,
            },
            date: note.date(),
            body: &body.html,
            has_code: has_code(&body.html),
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
                        name: role_name(loc, r, roles_lang),
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
            role_holders: self.role_holders(i),
            involved_in: self
                .involvement_by_date(i)
                .into_iter()
                .map(|v| InvolvementView {
                    note: loc.summary_value(&dossier.notes[v.note]),
                    roles: v.roles.iter().map(|r| loc.words.get(as_key(r))).collect(),
                })
                .collect(),
            conflicts: self.conflicts_of(i, note.kind),
            translated_as: self.sh.translated_as[i]
                .iter()
                .map(|&s| loc.summary(&dossier.notes[s]))
                .collect(),
            language_name: match &note.data {
                KindData::Source(s) => s.language.as_deref().map(|l| loc.words.language_name(l, config)),
                _ => None,
            },
        }
    }

    /// Note `i`'s citing notes and backlinks, as written by [`write_mentions`] and as values.
    fn mentions(&self, i: usize) -> Mentions<'a> {
        let (theme, links, loc) = (self.sh.theme, self.links, self.loc);
        // A person's or organization's page lists the events and claims that name it in their
        // fields; its backlinks leave them out.
        let mut listed: Vec<usize> = links.involved_in[i].iter().map(|v| v.note).collect();
        listed.sort_unstable();
        let (cited_by_html, backlinks_html) = (
            write_mentions(&self.heads, &links.cited_by[i], &[]),
            write_mentions(&self.heads, &links.backlinks[i], &listed),
        );
        // Made into template values, the lists cost as much as writing them: they are
        // left out while no template reads them.
        let (cited_by, backlinks) = if theme.builtin_templates {
            (Vec::new(), Vec::new())
        } else {
            (
                group(loc, &links.cited_by[i], &[]),
                group(loc, &links.backlinks[i], &listed),
            )
        };
        Mentions {
            cited_by_html,
            backlinks_html,
            cited_by,
            backlinks,
        }
    }

    /// A page's numbered sources, as values and as written by [`write_sources`].
    fn sources(&self, body: &'a Rendered) -> (Vec<SourceEntry<'a>>, Option<String>) {
        let (theme, loc, dossier) = (self.sh.theme, self.loc, self.sh.dossier);
        let sources_html = if !body.citations.is_empty() {
            Some(write_sources(&self.heads, &body.citations))
        } else {
            None
        };
        // As with the mentions, the entries are made only for a template to read.
        if theme.builtin_templates {
            return (Vec::new(), sources_html);
        }
        let entries = body
            .citations
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
            .collect();
        (entries, sources_html)
    }

    /// The roles held in organization `i`.
    fn role_holders(&self, i: usize) -> Vec<RoleHolderView<'a>> {
        let dossier = self.sh.dossier;
        dossier.role_holders[i]
            .iter()
            .filter_map(|r| {
                let holder = &dossier.notes[r.holder];
                match &holder.data {
                    KindData::Entity(e) => Some(RoleHolderView {
                        holder: self.loc.summary_value(holder),
                        role: &e.roles[r.role],
                        name: role_name(self.loc, &e.roles[r.role], &dossier.site.config.default_lang),
                    }),
                    _ => None,
                }
            })
            .collect()
    }

    /// The conflicts of event `i`, or those a person or organization `i` is part of.
    fn conflicts_of(&self, i: usize, kind: Kind) -> Vec<ConflictView<'a>> {
        let conflicts = self.sh.conflicts;
        if kind.is_entity() {
            conflicts
                .of_entity(i)
                .map(|c| timeline::conflict_view(self.loc, c))
                .collect()
        } else {
            // The event's page gives its hand-written note once, above its conflicts.
            conflicts
                .of_event(i)
                .map(|c| ConflictView {
                    note: None,
                    ..timeline::conflict_view(self.loc, c)
                })
                .collect()
        }
    }

    /// Side by side: each translated note in this language, block by block with its original.
    fn side_by_side_pages(&self, here: &[usize]) -> Vec<PageResult> {
        if self.loc.is_default() {
            return Vec::new();
        }
        let prefix = &self.loc.prefix;
        here.par_iter()
            .filter(|&&i| {
                (self.sh.wanted)(&format!(
                    "{prefix}{}index.html",
                    side_by_side_path(&self.sh.dossier.notes[i])
                ))
            })
            .filter_map(|&i| {
                let k = self.sh.dossier.translated.of(i, self.loc.lang)?;
                Some(self.recorded(|| self.side_by_side_page(i, k)))
            })
            .collect()
    }

    fn side_by_side_page(&self, i: usize, k: usize) -> Result<(String, Arc<[u8]>), Diagnostic> {
        let (dossier, bodies, base_path, loc) = (self.sh.dossier, self.sh.bodies, self.sh.base_path, self.loc);
        let config = &dossier.site.config;
        let (lang, prefix) = (loc.lang, &loc.prefix);
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
            original: Some(Locale::new(dossier, &config.default_lang, loc.words, base_path).summary(original)),
            original_lang: Some(&config.default_lang),
            has_code: has_code(&bodies.notes[i].html) || has_code(&bodies.translations[k].html),
            pairs,
            translation: self.translation_view(i),
            ..Default::default()
        };
        let file = format!("{path}index.html");
        self.render("side-by-side.html", &view, &tr.file, &file)
            .map(|html| (file, html))
    }

    /// The list pages of this language, the home page among them, in parallel with each
    /// other: /timeline/ of a large dossier is a big page.
    fn list_pages(&self) -> Vec<PageResult> {
        let config = &self.sh.dossier.site.config;
        let mut lists: Vec<ListPage> = LIST_PAGES.to_vec();
        if config.languages().len() > 1 {
            lists.push(("translations/", "translations.html", "translations", ""));
        }
        if config.search {
            lists.push(("search/", "search.html", "search", ""));
        }
        if self.loc.is_default() {
            lists.push(("404.html", "404.html", "not_found", ""));
        }
        lists
            .into_par_iter()
            .filter(|(local, ..)| (self.sh.wanted)(&self.list_file(local)))
            .map(|list| self.recorded(|| self.list_page(list)))
            .collect()
    }

    /// The file of a list page (`timeline/` → `zh-hant/timeline/index.html`).
    fn list_file(&self, local: &str) -> String {
        let prefix = &self.loc.prefix;
        if local.ends_with(".html") {
            format!("{prefix}{local}")
        } else {
            format!("{prefix}{local}index.html")
        }
    }

    fn list_page(&self, (local, template, title_key, kind): ListPage) -> Result<(String, Arc<[u8]>), Diagnostic> {
        let (dossier, loc) = (self.sh.dossier, self.loc);
        let config = &dossier.site.config;
        let lang = loc.lang;
        let home_page = local.is_empty();
        let home_translation = dossier.site.translations.iter().position(|h| h.lang == lang);
        let path = format!("{}{local}", loc.prefix);
        let file = self.list_file(local);
        let mut view = ListView {
            title: if home_page {
                config.title_in(lang)
            } else {
                loc.words.get(title_key)
            },
            url: format!("{}{path}", self.sh.base_path),
            path,
            // The 404 page exists once, in the default language.
            alternates: alternates(config, lang, local, |l| local != "404.html" || l == lang),
            local: local.to_string(),
            lang,
            kind,
            ..Default::default()
        };
        if home_page {
            let (home_body, home_lang): (&Rendered, Option<&str>) = match home_translation {
                Some(k) => (&self.sh.bodies.home_translations[k], None),
                None if loc.is_default() => (&self.sh.bodies.home, None),
                None => (&self.sh.bodies.home, Some(config.default_lang.as_str())),
            };
            (view.body, view.toc, view.body_lang) = (&home_body.html, &home_body.headings, home_lang);
        }
        self.fill_list(local, &mut view);
        let what = match home_translation {
            Some(k) if home_page => dossier.site.translations[k].file.as_str(),
            _ if home_page => dossier.site.file.as_str(),
            _ => template,
        };
        self.render(template, &view, what, &file).map(|html| (file, html))
    }

    /// What the list at `local` shows besides its title: the timeline's years and picture, the
    /// conflicts, the translations' table, the integrity report.
    fn fill_list(&self, local: &str, view: &mut ListView<'a>) {
        let (dossier, conflicts, loc) = (self.sh.dossier, self.sh.conflicts, self.loc);
        if local == "timeline/" {
            view.years = timeline::years(loc, self.sh.order, conflicts);
            view.svg = timeline::svg(loc, self.sh.order, conflicts);
        }
        if matches!(local, "timeline/" | "conflicts/") {
            view.conflicts = conflicts.list.iter().map(|c| timeline::conflict_view(loc, c)).collect();
            // The events whose conflict is only written by hand.
            view.noted = dossier
                .notes
                .iter()
                .enumerate()
                .filter(|(i, n)| {
                    matches!(&n.data, KindData::Event(e) if e.conflict.is_some())
                        && conflicts.of_event(*i).next().is_none()
                })
                .map(|(_, n)| loc.summary(n))
                .collect();
        }
        if local == "translations/" {
            translations_view(self.sh, loc, view);
        }
        if local == "integrity/" {
            (view.gaps, view.explained) = integrity_view(self.sh, loc);
            view.verified = Some(self.sh.verified);
        }
        if local == "corrections/" {
            view.corrected = self.corrected();
        }
    }
}

impl<'a> Pages<'_, 'a> {
    /// Every note that publishes corrections, the most recently corrected first, whether or
    /// not it has a page in this language: a correction concerns every reader of the dossier.
    fn corrected(&self) -> Vec<CorrectedView<'a>> {
        let (dossier, loc) = (self.sh.dossier, self.loc);
        let mut shown: Vec<(&'a Note, &'a [Correction], Option<&'a str>)> = dossier
            .notes
            .iter()
            .map(|n| {
                let shown = loc.shown(n);
                let (corrections, lang) = corrections_of(shown, n, loc);
                (shown, corrections, lang)
            })
            .filter(|(_, c, _)| !c.is_empty())
            .collect();
        let latest = |c: &[Correction]| c.iter().map(|c| c.date.order_key().0).max();
        shown.sort_by(|a, b| latest(b.1).cmp(&latest(a.1)).then_with(|| a.0.id.cmp(&b.0.id)));
        shown
            .into_iter()
            .map(|(n, corrections, lang)| CorrectedView {
                note: loc.summary(n),
                corrections,
                lang,
            })
            .collect()
    }
}

impl Pages<'_, '_> {
    /// The events and claims that name note `i`, by date (as the timeline orders them),
    /// undated ones last.
    fn involvement_by_date(&self, i: usize) -> Vec<&crate::graph::links::Involvement> {
        let mut list: Vec<_> = self.links.involved_in[i].iter().collect();
        list.sort_by_key(|v| (self.sh.rank[v.note].is_none(), self.sh.rank[v.note]));
        list
    }
}

/// The language a field of `note` is written in: a translation's own, or its original's.
fn written_in<'a>(note: &Note, key: &str, loc: &Locale<'a>) -> &'a str {
    match note.lang.is_some() && note.keys.iter().any(|k| k == key) {
        true => loc.lang,
        false => loc.dossier.site.config.default_lang.as_str(),
    }
}

/// An event's type in the page's words (`event_type_TYPE`), or as written in language
/// `written_in`.
fn event_type<'a>(t: &'a str, written_in: &'a str, loc: &Locale<'a>) -> Words<'a> {
    match loc.words.find(&format!("event_type_{t}")) {
        Some(s) => Words { text: s, lang: None },
        None => Words {
            text: t,
            lang: Some(written_in).filter(|&l| l != loc.lang),
        },
    }
}

/// A note's aliases, each with its language when it is not the page's: a name in Chinese,
/// Japanese or Korean characters is in the site's first language written in them, any other
/// in the default language.
fn alias_names<'a>(aliases: &'a [String], loc: &Locale<'a>) -> Vec<Words<'a>> {
    let config = &loc.dossier.site.config;
    let cjk = config
        .languages()
        .into_iter()
        .find(|l| crate::texts::is_cjk_language(l));
    aliases
        .iter()
        .map(|name| {
            let lang = match crate::texts::is_cjk_text(name) {
                true => cjk,
                false => Some(config.default_lang.as_str()).filter(|l| !crate::texts::is_cjk_language(l)),
            };
            Words {
                text: name,
                lang: lang.filter(|&l| l != loc.lang),
            }
        })
        .collect()
}

/// Whether a rendered body holds a highlighted code block, whose colours `syntax.css` gives.
fn has_code(html: &str) -> bool {
    html.contains("<pre class=\"code\"")
}

/// Which of a note's words a page in `loc`'s language shows: the translation's (`shown`)
/// where it says them, else the original's, with their language when it is not the page's.
fn own_or_original<'a, T: ?Sized>(
    shown: &'a Note,
    original: &'a Note,
    loc: &Locale<'a>,
    words: impl Fn(&'a Note) -> &'a T,
    is_empty: impl Fn(&T) -> bool,
) -> (&'a T, Option<&'a str>) {
    let default_lang = loc.dossier.site.config.default_lang.as_str();
    let translated = shown.lang.is_some() && !is_empty(words(shown));
    match (translated, loc.is_default()) {
        (true, _) | (false, true) => (words(if translated { shown } else { original }), None),
        (false, false) => (words(original), Some(default_lang)),
    }
}

/// The corrections a page shows of a note, and their language when it is not the page's.
fn corrections_of<'a>(shown: &'a Note, original: &'a Note, loc: &Locale<'a>) -> (&'a [Correction], Option<&'a str>) {
    own_or_original(
        shown,
        original,
        loc,
        |n| n.common.corrections.as_slice(),
        <[Correction]>::is_empty,
    )
}

/// The gaps a page shows a note explains, with their reasons' language when it is not the
/// page's.
fn note_gaps<'a>(shown: &'a Note, original: &'a Note, loc: &Locale<'a>) -> Vec<NoteGap<'a>> {
    let (gaps, lang) = own_or_original(shown, original, loc, |n| &n.common.gaps, |g| g.is_empty());
    gaps.iter()
        .map(|(kind, reason)| NoteGap { kind, reason, lang })
        .collect()
}

/// A note's citing notes and backlinks, as written for templates to print and as values.
struct Mentions<'a> {
    cited_by_html: Option<String>,
    backlinks_html: Option<String>,
    cited_by: Vec<BacklinkGroup<'a>>,
    backlinks: Vec<BacklinkGroup<'a>>,
}

/// A list page: its path below the language's folder, its template, the interface string of
/// its title, and the kind it lists (`` for none).
type ListPage = (&'static str, &'static str, &'static str, &'static str);

/// The list pages of every language; `/translations/` and `/404.html` are added where they
/// exist.
const LIST_PAGES: [ListPage; 11] = [
    ("timeline/", "timeline.html", "timeline", ""),
    ("conflicts/", "conflicts.html", "conflicts_title", ""),
    ("sources/", "sources.html", "sources", "source"),
    ("entities/", "entities.html", "people_and_organizations", ""),
    ("people/", "entities.html", "people", "person"),
    ("organizations/", "entities.html", "organizations", "organization"),
    ("events/", "events.html", "events", "event"),
    ("claims/", "claims.html", "claims", "claim"),
    ("integrity/", "integrity.html", "integrity", ""),
    ("corrections/", "corrections.html", "corrections", ""),
    ("", "home.html", "", ""),
];

/// The sections of `/integrity/`: every kind of gap, with the notes whose gap is open (an
/// empty section says there are none), and the gaps notes explain.
pub(super) fn integrity_view<'a>(sh: &Shared<'a>, loc: &Locale<'a>) -> (Vec<GapSection<'a>>, Vec<GapItem<'a>>) {
    use crate::graph::integrity::GapKind;
    let dossier = sh.dossier;
    let config = &dossier.site.config;
    let item = |g: &'a crate::graph::integrity::Gap| {
        let original = &dossier.notes[g.note];
        let (gaps, reason_lang) =
            own_or_original(loc.shown(original), original, loc, |n| &n.common.gaps, |g| g.is_empty());
        GapItem {
            kind: g.kind.key(),
            note: loc.summary(original),
            reason: gaps.get(g.kind.key()).or(g.reason.as_ref()).map(String::as_str),
            // The original's reason where the words shown do not give one.
            reason_lang: match gaps.get(g.kind.key()) {
                Some(_) => reason_lang,
                None => (!loc.is_default()).then_some(config.default_lang.as_str()),
            },
            lang: g.lang.as_deref(),
            lang_name: g.lang.as_deref().map(|l| config.lang_name(l)),
            sources: g.sources.iter().map(|&s| loc.summary(&dossier.notes[s])).collect(),
        }
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
