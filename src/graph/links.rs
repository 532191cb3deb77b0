//! What links to what: the targets a body may name, and the views computed from every link,
//! citation and front-matter reference of the dossier (backlinks, "cited by", "takes part in").
//!
//! Bodies are rendered between [`targets`] and [`collect`]: rendering needs the targets, and
//! the views need every rendered body's links with the sentences around them.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use super::Dossier;
use crate::links::{Context, LinkTargets, Target};
use crate::markdown::{LinkKind, Rendered, SeedCite};
use crate::model::{Cite, Kind, KindData, Note};

/// The targets bodies may link to: every published note by id, alias and file, the drafts (to
/// say why they cannot be linked) and the static files.
pub(crate) fn targets<'s>(dossier: &Dossier, statics: impl IntoIterator<Item = &'s str>) -> LinkTargets {
    let config = &dossier.site.config;
    let base_path = config.base_path();
    let mut t = LinkTargets::new(base_path.clone());
    t.default_lang = config.default_lang.clone();
    for note in &dossier.notes {
        t.add(
            Target {
                id: note.id.clone(),
                title: note.title.clone(),
                kind: note.kind,
                url: format!("{base_path}{}", super::note_path(note)),
                translations: Vec::new(),
            },
            &note.file,
            &note.common.aliases,
        );
    }
    // A translation's body comes after the notes' among the bodies whose headings are checked.
    for (k, tr) in dossier.translations.iter().enumerate() {
        if let (Some(&i), Some(lang)) = (dossier.by_id.get(&tr.id), tr.lang.as_deref()) {
            t.add_file(&tr.file, i);
            t.notes[i].translations.push(crate::links::TargetTranslation {
                lang: lang.to_string(),
                title: tr.title.clone(),
                url: format!("{base_path}{}{}", config.lang_prefix(lang), super::note_path(tr)),
                page: dossier.notes.len() + k,
            });
        }
    }
    for (id, file) in &dossier.drafts {
        t.add_draft(id, file);
    }
    for u in &dossier.unreadable {
        t.add_unreadable((!u.translation).then_some(u.id.as_str()), &u.file);
    }
    for s in statics {
        t.add_static(s);
    }
    t
}

/// A note's front-matter citations, resolved, to number before those of its body. Citations of
/// unknown ids or of notes that are not sources are left out: the graph has reported them.
pub(crate) fn seed(note: &Note, targets: &LinkTargets) -> Vec<SeedCite> {
    note.cites()
        .into_iter()
        .filter_map(|c| {
            let source = targets.lookup(&c.source)?;
            (targets.notes[source].kind == Kind::Source).then(|| SeedCite {
                source,
                at: c.at.clone(),
                quote: c.quote.clone(),
            })
        })
        .collect()
}

/// A front-matter field that names a note, for the words that say so ("for the role CEO at
/// Tesla"); the theme's strings give the words, `mention_` and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    /// A source's `translation_of`.
    TranslatesIt,
    /// A source's `via`.
    KnownThrough,
    /// A role's `cites`: the role as written, and the organization.
    Role { role: String, org: Option<usize> },
    /// An event's `cites`.
    Event,
    /// A claim's `cites`.
    Claim,
    /// A response's `cites`, and who responded.
    Response { by: Option<usize> },
    /// A claim's `about` naming something other than an entity.
    About,
    /// A claim's `contradicted_by`.
    Contradicts,
}

/// One way a note names another. A dossier holds several for every link, and every list
/// that shows one holds a copy: what it says is shared, so that a copy is two counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
    /// The sentence around a link or citation in the body, shared with the body's link.
    pub context: Option<Arc<Context>>,
    /// What a front-matter reference or a citation says besides.
    pub about: Option<Arc<MentionAbout>>,
}

/// What a mention says besides the sentence around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MentionAbout {
    /// The front-matter field that names the note.
    pub field: Option<Field>,
    /// For a citation: where in the source, and the words quoted.
    pub at: Option<String>,
    pub quote: Option<String>,
}

impl Mention {
    fn new(context: Option<Arc<Context>>, field: Option<Field>, at: Option<String>, quote: Option<String>) -> Mention {
        let about =
            (field.is_some() || at.is_some() || quote.is_some()).then(|| Arc::new(MentionAbout { field, at, quote }));
        Mention { context, about }
    }

    pub(crate) fn field(&self) -> Option<&Field> {
        self.about.as_ref()?.field.as_ref()
    }

    pub(crate) fn at(&self) -> Option<&str> {
        self.about.as_ref()?.at.as_deref()
    }

    pub(crate) fn quote(&self) -> Option<&str> {
        self.about.as_ref()?.quote.as_deref()
    }
}

/// A note that names another, with every place it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Backlink {
    pub from: usize,
    pub mentions: Vec<Mention>,
}

/// An event or claim a person or organization takes part in, and as what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Involvement {
    pub note: usize,
    pub roles: Vec<&'static str>,
}

/// The computed views of the links, indexed like the dossier's notes. Each note's lists are
/// shared, so that a copy costs little and a rebuild that changes one note's links copies only
/// the lists it touches ([`Links::patch`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Links {
    /// Notes that link to this one (body links and front-matter references not shown elsewhere).
    pub backlinks: Vec<Arc<Vec<Backlink>>>,
    /// For a source: the notes that cite it, in the body or the front-matter.
    pub cited_by: Vec<Arc<Vec<Backlink>>>,
    /// For a person or organization: the events and claims that name it.
    pub involved_in: Vec<Arc<Vec<Involvement>>>,
}

/// What one note adds to the link views: every (target, mention) in the order the note makes
/// them, front-matter first, then the body.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Contribution {
    backlinks: Vec<(usize, Mention)>,
    cited_by: Vec<(usize, Mention)>,
    involved: Vec<(usize, &'static str)>,
}

impl Contribution {
    fn targets(&self) -> impl Iterator<Item = usize> + '_ {
        self.backlinks
            .iter()
            .map(|(t, _)| *t)
            .chain(self.cited_by.iter().map(|(t, _)| *t))
            .chain(self.involved.iter().map(|(t, _)| *t))
    }
}

/// The mentions of `target` among `from`'s, each once, in order.
fn mentions_of(list: &[(usize, Mention)], target: usize) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for (t, m) in list {
        if *t == target && !out.contains(m) {
            out.push(m.clone());
        }
    }
    out
}

fn roles_of(list: &[(usize, &'static str)], target: usize) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (t, r) in list {
        if *t == target && !out.contains(r) {
            out.push(*r);
        }
    }
    out
}

/// Puts `from`'s entry into a list sorted by `from`: replaced, added, or taken out when empty.
/// Returns whether the list changed.
fn put<T: PartialEq + Clone>(list: &mut Arc<Vec<T>>, from: usize, key: impl Fn(&T) -> usize, entry: Option<T>) -> bool {
    let at = list.binary_search_by_key(&from, &key);
    match (at, entry) {
        (Ok(k), Some(e)) if list[k] == e => false,
        (Ok(k), Some(e)) => {
            Arc::make_mut(list)[k] = e;
            true
        }
        (Ok(k), None) => {
            Arc::make_mut(list).remove(k);
            true
        }
        (Err(k), Some(e)) => {
            Arc::make_mut(list).insert(k, e);
            true
        }
        (Err(_), None) => false,
    }
}

impl Links {
    /// The views made from every note's contribution (`contributions[i]` is note `i`'s).
    ///
    /// The targets are split into a range for each thread, and each thread reads every
    /// contribution for the mentions of its own. A mention's copy touches the sentence it
    /// shares, made long before and cold in the cache, and the lists grow one entry at a
    /// time: on one thread, this step's time grows faster than the dossier.
    ///
    /// With `shown`, only the notes it marks get their lists (the others' stay empty): a
    /// language other than the default has pages for its translated notes alone.
    pub(crate) fn assemble(contributions: &[Arc<Contribution>], shown: Option<&[bool]>) -> Links {
        let n = contributions.len();
        let size = n.div_ceil(rayon::current_num_threads().max(1)).max(1);
        let starts: Vec<usize> = (0..n).step_by(size).collect();
        let parts: Vec<Links> = starts
            .into_par_iter()
            .map(|lo| Links::assemble_range(contributions, lo..n.min(lo + size), shown))
            .collect();
        let mut links = Links::default();
        for part in parts {
            links.backlinks.extend(part.backlinks);
            links.cited_by.extend(part.cited_by);
            links.involved_in.extend(part.involved_in);
        }
        links
    }

    /// [`Links::assemble`] for the targets in `range`, whose lists it gives in order.
    fn assemble_range(
        contributions: &[Arc<Contribution>],
        range: std::ops::Range<usize>,
        shown: Option<&[bool]>,
    ) -> Links {
        let lo = range.start;
        let n = range.len();
        let shown = |target: usize| is_shown(shown, target);
        let mut backlinks: Vec<Vec<Backlink>> = vec![Vec::new(); n];
        let mut cited_by: Vec<Vec<Backlink>> = vec![Vec::new(); n];
        let mut involved: Vec<Vec<Involvement>> = vec![Vec::new(); n];
        // The list of `target`, when it is in the range.
        fn list_of<T>(lists: &mut [T], lo: usize, target: usize) -> Option<&mut T> {
            target.checked_sub(lo).and_then(|k| lists.get_mut(k))
        }
        let add = |lists: &mut [Vec<Backlink>], from: usize, target: usize, m: &Mention| {
            let Some(list) = list_of(lists, lo, target).filter(|_| shown(target)) else {
                return;
            };
            match list.last_mut() {
                Some(b) if b.from == from => {
                    if !b.mentions.contains(m) {
                        b.mentions.push(m.clone());
                    }
                }
                _ => list.push(Backlink {
                    from,
                    mentions: vec![m.clone()],
                }),
            }
        };
        for (from, c) in contributions.iter().enumerate() {
            for (t, m) in &c.backlinks {
                add(&mut backlinks, from, *t, m);
            }
            for (t, m) in &c.cited_by {
                add(&mut cited_by, from, *t, m);
            }
            for &(t, role) in &c.involved {
                let Some(list) = list_of(&mut involved, lo, t).filter(|_| shown(t)) else {
                    continue;
                };
                match list.last_mut() {
                    Some(i) if i.note == from => {
                        if !i.roles.contains(&role) {
                            i.roles.push(role);
                        }
                    }
                    _ => list.push(Involvement {
                        note: from,
                        roles: vec![role],
                    }),
                }
            }
        }
        // The lists are held until the pages are made: no room to spare.
        let fit = |mut list: Vec<Backlink>| {
            list.shrink_to_fit();
            Arc::new(list)
        };
        Links {
            backlinks: backlinks.into_iter().map(fit).collect(),
            cited_by: cited_by.into_iter().map(fit).collect(),
            involved_in: involved
                .into_iter()
                .map(|mut list| {
                    list.shrink_to_fit();
                    Arc::new(list)
                })
                .collect(),
        }
    }

    /// Replaces note `from`'s contribution `old` with `new`, and adds to `touched` every note
    /// whose lists changed. The result is what [`Links::assemble`] gives with `new` (and the
    /// same `shown`).
    pub(crate) fn patch(
        &mut self,
        from: usize,
        old: &Contribution,
        new: &Contribution,
        shown: Option<&[bool]>,
        touched: &mut BTreeSet<usize>,
    ) {
        let targets: BTreeSet<usize> = old.targets().chain(new.targets()).collect();
        for t in targets.into_iter().filter(|&t| is_shown(shown, t)) {
            let entry = |mentions: Vec<Mention>| (!mentions.is_empty()).then_some(Backlink { from, mentions });
            let mut changed = put(
                &mut self.backlinks[t],
                from,
                |b| b.from,
                entry(mentions_of(&new.backlinks, t)),
            );
            changed |= put(
                &mut self.cited_by[t],
                from,
                |b| b.from,
                entry(mentions_of(&new.cited_by, t)),
            );
            let roles = roles_of(&new.involved, t);
            let involvement = (!roles.is_empty()).then_some(Involvement { note: from, roles });
            changed |= put(&mut self.involved_in[t], from, |i| i.note, involvement);
            if changed {
                touched.insert(t);
            }
        }
    }
}

/// Whether note `t` gets its lists: every note without `shown`.
fn is_shown(shown: Option<&[bool]>, t: usize) -> bool {
    shown.is_none_or(|s| s.get(t).copied().unwrap_or(false))
}

fn cite_mention(c: &Cite, field: Field) -> Mention {
    Mention::new(None, Some(field), c.at.clone(), c.quote.clone())
}

fn field(f: Field) -> Mention {
    Mention::new(None, Some(f), None, None)
}

/// Computes backlinks, citations and involvement from the front-matter and the rendered bodies
/// (`bodies[i]` belongs to note `i`: in a language other than the default, its translation's
/// body where it has one, so the sentences shown are in that language where they can be).
///
/// With `like` (another language's bodies and the contributions made from them), a note whose
/// body is the very same one there shares that contribution rather than making it again: in a
/// language other than the default, that is every untranslated note.
pub(crate) fn collect(
    dossier: &Dossier,
    bodies: &[&Rendered],
    like: Option<(&[&Rendered], &[Arc<Contribution>])>,
    shown: Option<&[bool]>,
) -> (Links, Vec<Arc<Contribution>>) {
    let _span = tracing::info_span!("backlinks").entered();
    let contributions: Vec<Arc<Contribution>> = tracing::info_span!("contributions").in_scope(|| {
        (0..dossier.notes.len())
            .into_par_iter()
            .map(|i| match like {
                Some((other, made)) if std::ptr::eq(other[i], bodies[i]) => Arc::clone(&made[i]),
                _ => Arc::new(contribution(dossier, i, bodies[i])),
            })
            .collect()
    });
    let links = tracing::info_span!("assemble").in_scope(|| Links::assemble(&contributions, shown));
    (links, contributions)
}

/// What note `from`, with `body` as the language shows it, adds to the link views.
pub(crate) fn contribution(dossier: &Dossier, from: usize, body: &Rendered) -> Contribution {
    let mut backlinks: Vec<(usize, Mention)> = Vec::new();
    let mut cited_by: Vec<(usize, Mention)> = Vec::new();
    let mut involved: Vec<(usize, &'static str)> = Vec::new();
    let id = |s: &str| dossier.by_id.get(s).copied();
    let is = |i: usize, k: Kind| dossier.notes[i].kind == k;
    let note = &dossier.notes[from];
    {
        let mut involve = |target: Option<usize>, role: &'static str| {
            if let Some(t) = target.filter(|&t| dossier.notes[t].kind.is_entity()) {
                involved.push((t, role));
            }
        };
        match &note.data {
            KindData::Source(s) => {
                if let Some(t) = s.translation_of.as_deref().and_then(id) {
                    backlinks.push((t, field(Field::TranslatesIt)));
                }
                if let Some(t) = s.via.as_deref().and_then(id) {
                    backlinks.push((t, field(Field::KnownThrough)));
                }
            }
            KindData::Entity(e) => {
                for role in &e.roles {
                    let org = id(&role.org);
                    for c in &role.cites {
                        if let Some(t) = id(&c.source).filter(|&t| is(t, Kind::Source)) {
                            let what = Field::Role {
                                role: role.role.clone(),
                                org,
                            };
                            cited_by.push((t, cite_mention(c, what)));
                        }
                    }
                }
            }
            KindData::Event(e) => {
                for a in &e.actors {
                    involve(id(a), "actor");
                }
                involve(e.from.as_deref().and_then(id), "from");
                involve(e.to.as_deref().and_then(id), "to");
                for c in &e.cites {
                    if let Some(t) = id(&c.source).filter(|&t| is(t, Kind::Source)) {
                        cited_by.push((t, cite_mention(c, Field::Event)));
                    }
                }
            }
            KindData::Claim(c) => {
                involve(c.claimant.as_deref().and_then(id), "claimant");
                for a in &c.about {
                    match id(a) {
                        Some(t) if dossier.notes[t].kind.is_entity() => involve(Some(t), "subject"),
                        Some(t) => backlinks.push((t, field(Field::About))),
                        None => {}
                    }
                }
                for a in &c.contradicted_by {
                    if let Some(t) = id(a) {
                        backlinks.push((t, field(Field::Contradicts)));
                    }
                }
                for cite in &c.cites {
                    if let Some(t) = id(&cite.source).filter(|&t| is(t, Kind::Source)) {
                        cited_by.push((t, cite_mention(cite, Field::Claim)));
                    }
                }
                for r in &c.responses {
                    let by = id(&r.by);
                    involve(by, "responded");
                    for cite in &r.cites {
                        if let Some(t) = id(&cite.source).filter(|&t| is(t, Kind::Source)) {
                            cited_by.push((t, cite_mention(cite, Field::Response { by })));
                        }
                    }
                }
            }
            KindData::Page => {}
        }
        for link in &body.links {
            let at = match &link.kind {
                LinkKind::Cite { at } => at.clone(),
                LinkKind::Link => None,
            };
            let mention = Mention::new(Some(link.context.clone()), None, at, None);
            match link.kind {
                LinkKind::Cite { .. } => cited_by.push((link.target, mention)),
                LinkKind::Link => backlinks.push((link.target, mention)),
            }
        }
    }
    Contribution {
        backlinks,
        cited_by,
        involved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Split among any number of threads, the views are those made on one; made for some notes
    /// only, or patched, they are the whole's.
    #[test]
    fn assembled_in_ranges_the_views_are_the_same() {
        let mut rng = fastrand::Rng::with_seed(3);
        let sentences: Vec<Arc<Context>> = (0..5)
            .map(|k| Arc::new(Context::new("before ", &k.to_string(), " after")))
            .collect();
        for _ in 0..200 {
            let n = rng.usize(1..40);
            let mention = |rng: &mut fastrand::Rng| {
                let context = rng.bool().then(|| sentences[rng.usize(..sentences.len())].clone());
                let at = rng.bool().then(|| format!("p. {}", rng.u8(..3)));
                Mention::new(context, None, at, None)
            };
            let contributions: Vec<Arc<Contribution>> = (0..n)
                .map(|_| {
                    let mut c = Contribution::default();
                    for _ in 0..rng.usize(..8) {
                        let t = rng.usize(..n);
                        c.backlinks.push((t, mention(&mut rng)));
                    }
                    for _ in 0..rng.usize(..4) {
                        let t = rng.usize(..n);
                        c.cited_by.push((t, mention(&mut rng)));
                    }
                    for _ in 0..rng.usize(..4) {
                        c.involved
                            .push((rng.usize(..n), ["actor", "from", "to"][rng.usize(..3)]));
                    }
                    Arc::new(c)
                })
                .collect();
            let whole = Links::assemble_range(&contributions, 0..n, None);
            assert_eq!(whole.backlinks.len(), n);
            // Lists made for some notes only are theirs in the whole, the others empty.
            let shown: Vec<bool> = (0..n).map(|_| rng.bool()).collect();
            let mut expected = whole.clone();
            for t in (0..n).filter(|&t| !shown[t]) {
                expected.backlinks[t] = Arc::default();
                expected.cited_by[t] = Arc::default();
                expected.involved_in[t] = Arc::default();
            }
            assert_eq!(Links::assemble(&contributions, Some(&shown)), expected);
            // And a note's new contribution patched in gives what assembling gives.
            let from = rng.usize(..n);
            let mut changed = contributions.clone();
            changed[from] = contributions[rng.usize(..n)].clone();
            for shown in [None, Some(shown.as_slice())] {
                let mut patched = Links::assemble(&contributions, shown);
                let mut touched = BTreeSet::new();
                patched.patch(from, &contributions[from], &changed[from], shown, &mut touched);
                assert_eq!(patched, Links::assemble(&changed, shown));
                let mut untouched = Links::assemble(&contributions, shown);
                for &t in &touched {
                    assert!(shown.is_none_or(|s| s[t]), "a list not made was touched");
                    untouched.backlinks[t] = patched.backlinks[t].clone();
                    untouched.cited_by[t] = patched.cited_by[t].clone();
                    untouched.involved_in[t] = patched.involved_in[t].clone();
                }
                assert_eq!(untouched, patched, "a changed list was not named as touched");
            }
            for threads in 1..5 {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                assert_eq!(
                    pool.install(|| Links::assemble(&contributions, None)),
                    whole,
                    "{threads} threads"
                );
            }
        }
    }
}
