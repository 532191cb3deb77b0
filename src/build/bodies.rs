//! The bodies stage: every Markdown body rendered, its heading links filled in, and what a
//! rebuild keeps of each.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::incremental::{hash_of, same_text};
use crate::diag::Diagnostic;
use crate::graph::{self, Dossier};
use crate::links::LinkTargets;
use crate::markdown::{self, Bodies, Body, Rendered};
use crate::model::Note;

/// A body as the last build rendered it, by file.
pub(super) struct CachedBody {
    /// The file's text, shared with the note it came from: an unchanged note's is the very
    /// same, which is told without reading it.
    text: Arc<str>,
    targets: u64,
    /// The titles of the notes it uses, as `LinkTargets::titles_of` hashes them.
    titles: u64,
    unresolved: Arc<Rendered>,
    /// A hash of `unresolved`.
    base: u64,
    /// What its heading links were filled with, and the body so filled in: what pages show.
    fill: markdown::Fill,
    /// The problems its heading links had, said again while they are filled in as before.
    fill_diags: Vec<Diagnostic>,
    resolved: Arc<Rendered>,
}

/// The rendered bodies, and the files whose body, as shown, differs from the last build's.
pub(super) struct RenderedBodies {
    pub(super) bodies: Bodies,
    pub(super) changed: HashSet<String>,
}

/// One body to render.
struct Job<'n> {
    body: Body<'n>,
    /// The note, when the body is a note's: its front-matter citations are numbered first
    /// (`Body::seed`, made only for a body rendered again), and its text is shared.
    note: Option<&'n Note>,
}

/// A body rendered (or taken from the cache), with its file and text.
type Page<'n> = (Arc<Rendered>, &'n str, &'n str);

/// What a cached body is compared with: the link targets' fingerprint and their titles.
struct Targets<'t> {
    targets: &'t LinkTargets,
    fingerprint: u64,
    title_hashes: Vec<u64>,
}

/// Renders every body (notes, translations and the home page in each language), checks the
/// heading links between them, and moves their diagnostics into `diags`. With a cache, a body
/// whose text and link targets are those of the cached one is not rendered again.
pub(super) fn render_bodies(
    dossier: &Dossier,
    targets: &LinkTargets,
    cache: Option<&mut HashMap<String, CachedBody>>,
    diags: &mut Vec<Diagnostic>,
) -> RenderedBodies {
    let _span = tracing::info_span!("markdown").entered();
    let mut none = HashMap::new();
    let keep = cache.is_some();
    let cache = cache.unwrap_or(&mut none);
    let targets = Targets {
        targets,
        fingerprint: if keep { targets.fingerprint() } else { 0 },
        title_hashes: if keep { targets.title_hashes() } else { Vec::new() },
    };
    let jobs = jobs(dossier);
    let (mut pages, fresh) = render(&jobs, &targets, cache);
    let changed = fill_anchors(&jobs, &mut pages, &fresh, &targets, keep.then_some(&mut *cache), diags);
    // Forget the files that are gone.
    if keep && cache.len() != pages.len() {
        let present: HashSet<&str> = pages.iter().map(|(_, f, _)| *f).collect();
        cache.retain(|f, _| present.contains(f.as_str()));
    }
    let mut pages = pages.into_iter().map(|p| p.0);
    let notes: Vec<Arc<Rendered>> = pages.by_ref().take(dossier.notes.len()).collect();
    let translations: Vec<Arc<Rendered>> = pages.by_ref().take(dossier.translations.len()).collect();
    let home = pages.next().unwrap_or_default();
    let home_translations = pages.collect();
    RenderedBodies {
        bodies: Bodies {
            notes,
            translations,
            home,
            home_translations,
        },
        changed,
    }
}

/// Every body, in the order `AnchorTarget::Page` counts: notes, then translations, then the
/// home page in each language.
fn jobs(dossier: &Dossier) -> Vec<Job<'_>> {
    fn job(n: &Note, this: Option<usize>) -> Job<'_> {
        Job {
            note: Some(n),
            body: Body {
                file: &n.file,
                text: &n.text,
                start: n.body_start,
                this,
                seed: Vec::new(),
                lang: n.lang.as_deref(),
            },
        }
    }
    let home = |file, text, start, lang| Job {
        note: None,
        body: Body {
            file,
            text,
            start,
            this: None,
            seed: Vec::new(),
            lang,
        },
    };
    let site = &dossier.site;
    let mut jobs: Vec<Job<'_>> = Vec::with_capacity(dossier.notes.len() + dossier.translations.len() + 1);
    jobs.extend(dossier.notes.iter().enumerate().map(|(i, n)| job(n, Some(i))));
    jobs.extend(
        dossier
            .translations
            .iter()
            .map(|n| job(n, dossier.by_id.get(&n.id).copied())),
    );
    jobs.push(home(&site.file, &site.text, site.body_start, None));
    for h in &site.translations {
        jobs.push(home(&h.file, &h.text, h.body_start, Some(&h.lang)));
    }
    jobs
}

/// Renders each body whose cached rendering does not serve, in parallel; the second result
/// says which were rendered anew.
fn render<'n>(jobs: &[Job<'n>], t: &Targets<'_>, cache: &HashMap<String, CachedBody>) -> (Vec<Page<'n>>, Vec<bool>) {
    let rendered: Vec<(Arc<Rendered>, bool)> = jobs
        .par_iter()
        .map(|j| match cache.get(j.body.file) {
            Some(c)
                if c.targets == t.fingerprint
                    && same_text(&c.text, j.body.text)
                    && c.titles == LinkTargets::titles_of(&t.title_hashes, &c.unresolved.uses) =>
            {
                (c.unresolved.clone(), false)
            }
            _ => {
                let body = Body {
                    seed: j.note.map(|n| graph::links::seed(n, t.targets)).unwrap_or_default(),
                    ..j.body
                };
                (Arc::new(markdown::render_body(&body, t.targets)), true)
            }
        })
        .collect();
    let fresh: Vec<bool> = rendered.iter().map(|(_, f)| *f).collect();
    let pages = rendered
        .into_iter()
        .zip(jobs)
        .map(|((r, _), j)| (r, j.body.file, j.body.text))
        .collect();
    (pages, fresh)
}

/// Fills in the heading links of every body, in parallel, and moves the bodies' problems into
/// `diags`. A body not rendered again, whose heading links all point into bodies not rendered
/// again either, is filled in as last time. With a cache, keeps each body there and returns
/// the files whose body, as shown, changed.
fn fill_anchors(
    jobs: &[Job<'_>],
    pages: &mut [Page<'_>],
    fresh: &[bool],
    t: &Targets<'_>,
    mut cache: Option<&mut HashMap<String, CachedBody>>,
    diags: &mut Vec<Diagnostic>,
) -> HashSet<String> {
    // The cache holds the last build's bodies: with as many now, and the same targets,
    // `AnchorTarget::Page` numbers the same bodies.
    let same_pages = cache.as_ref().is_some_and(|c| c.len() == pages.len());
    let known: Vec<bool> = pages
        .iter()
        .enumerate()
        .map(|(k, (page, _, _))| {
            same_pages
                && !fresh[k]
                && page.anchors.iter().all(|a| match a.target {
                    markdown::AnchorTarget::This => true,
                    markdown::AnchorTarget::Page(t) => fresh.get(t) == Some(&false),
                })
        })
        .collect();
    let made: Vec<Option<(markdown::Fill, Vec<Diagnostic>)>> = (0..pages.len())
        .into_par_iter()
        .map(|k| (!known[k]).then(|| markdown::anchor_fill(pages, k)))
        .collect();
    let mut changed = HashSet::new();
    for (k, made) in made.into_iter().enumerate() {
        let (page, file, text) = &mut pages[k];
        diags.extend(page.diagnostics.iter().cloned());
        let Some((fill, fill_diags)) = made else {
            if let Some(old) = cache.as_ref().and_then(|c| c.get(*file)) {
                diags.extend(old.fill_diags.iter().cloned());
                *page = old.resolved.clone();
            }
            continue;
        };
        diags.extend(fill_diags.iter().cloned());
        let Some(cache) = cache.as_mut() else {
            markdown::fill_anchors(page, &fill);
            continue;
        };
        let text = jobs[k].note.map_or_else(|| Arc::from(*text), |n| n.text.clone());
        if keep_body(cache, file, page, text, fresh[k], (fill, fill_diags), t) {
            changed.insert(file.to_string());
        }
    }
    changed
}

/// Fills in `page` with `fill` and keeps it in the cache under `file`, unless it is the same
/// body filled in as before, which the cache gives back. Returns whether the body, as shown,
/// changed.
fn keep_body(
    cache: &mut HashMap<String, CachedBody>,
    file: &str,
    page: &mut Arc<Rendered>,
    text: Arc<str>,
    fresh: bool,
    (fill, fill_diags): (markdown::Fill, Vec<Diagnostic>),
    t: &Targets<'_>,
) -> bool {
    let old = match cache.get_mut(file) {
        Some(o) if !fresh && o.fill == fill => {
            o.fill_diags = fill_diags;
            *page = o.resolved.clone();
            return false;
        }
        old => old,
    };
    let unresolved = page.clone();
    markdown::fill_anchors(page, &fill);
    // A hash of the body as rendered, before its heading links are filled in.
    let base = match &old {
        Some(o) if !fresh => o.base,
        _ => hash_of(&(
            &unresolved.html,
            format!("{:?}", (&unresolved.headings, &unresolved.citations, &unresolved.links)),
        )),
    };
    let changed = old.as_ref().is_none_or(|o| o.base != base || o.fill != fill);
    let entry = CachedBody {
        text,
        targets: t.fingerprint,
        titles: LinkTargets::titles_of(&t.title_hashes, &unresolved.uses),
        unresolved,
        base,
        fill,
        fill_diags,
        resolved: page.clone(),
    };
    match old {
        Some(o) => *o = entry,
        None => {
            cache.insert(file.to_string(), entry);
        }
    }
    changed
}
