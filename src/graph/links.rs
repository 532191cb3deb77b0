//! What links to what: the targets a body may name, and the views computed from every link,
//! citation and front-matter reference of the dossier (backlinks, "cited by", "takes part in").
//!
//! Bodies are rendered between [`targets`] and [`collect`]: rendering needs the targets, and
//! the views need every rendered body's links with the sentences around them.

use std::collections::BTreeMap;

use super::Dossier;
use crate::links::{Context, LinkTargets, Target};
use crate::markdown::{LinkKind, Rendered, SeedCite};
use crate::model::{Cite, Kind, KindData, Note};

/// The targets bodies may link to: every published note by id, alias and file, the drafts (to
/// say why they cannot be linked) and the static files.
pub fn targets<'s>(dossier: &Dossier, statics: impl IntoIterator<Item = &'s str>) -> LinkTargets {
    let config = &dossier.site.config;
    let base_path = config.base_path();
    let mut t = LinkTargets::new(base_path.clone());
    t.default_lang = (
        config.default_lang.clone(),
        config.lang_name(&config.default_lang).to_string(),
    );
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
    for s in statics {
        t.add_static(s);
    }
    t
}

/// A note's front-matter citations, resolved, to number before those of its body. Citations of
/// unknown ids or of notes that are not sources are left out: the graph has reported them.
pub fn seed(note: &Note, targets: &LinkTargets) -> Vec<SeedCite> {
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
pub enum Field {
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

/// One way a note names another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The sentence around a link or citation in the body.
    pub context: Option<Context>,
    /// The front-matter field that names the note.
    pub field: Option<Field>,
    /// For a citation: where in the source, and the words quoted.
    pub at: Option<String>,
    pub quote: Option<String>,
}

/// A note that names another, with every place it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    pub from: usize,
    pub mentions: Vec<Mention>,
}

/// An event or claim a person or organization takes part in, and as what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Involvement {
    pub note: usize,
    pub roles: Vec<&'static str>,
}

/// The computed views of the links, indexed like the dossier's notes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Links {
    /// Notes that link to this one (body links and front-matter references not shown elsewhere).
    pub backlinks: Vec<Vec<Backlink>>,
    /// For a source: the notes that cite it, in the body or the front-matter.
    pub cited_by: Vec<Vec<Backlink>>,
    /// For a person or organization: the events and claims that name it.
    pub involved_in: Vec<Vec<Involvement>>,
}

type Grouped = Vec<BTreeMap<usize, Vec<Mention>>>;

fn add(map: &mut Grouped, target: usize, from: usize, m: Mention) {
    let list = map[target].entry(from).or_default();
    if !list.contains(&m) {
        list.push(m);
    }
}

fn flatten(map: Grouped) -> Vec<Vec<Backlink>> {
    map.into_iter()
        .map(|m| {
            m.into_iter()
                .map(|(from, mentions)| Backlink { from, mentions })
                .collect()
        })
        .collect()
}

fn cite_mention(c: &Cite, field: Field) -> Mention {
    Mention {
        context: None,
        field: Some(field),
        at: c.at.clone(),
        quote: c.quote.clone(),
    }
}

fn field(f: Field) -> Mention {
    Mention {
        context: None,
        field: Some(f),
        at: None,
        quote: None,
    }
}

/// Computes backlinks, citations and involvement from the front-matter and the rendered bodies
/// (`bodies[i]` belongs to note `i`: in a language other than the default, its translation's
/// body where it has one, so the sentences shown are in that language where they can be).
pub fn collect(dossier: &Dossier, bodies: &[&Rendered]) -> Links {
    let _span = tracing::info_span!("backlinks").entered();
    let n = dossier.notes.len();
    let mut backlinks: Grouped = vec![BTreeMap::new(); n];
    let mut cited_by: Grouped = vec![BTreeMap::new(); n];
    let mut involved: Vec<BTreeMap<usize, Vec<&'static str>>> = vec![BTreeMap::new(); n];
    let id = |s: &str| dossier.by_id.get(s).copied();
    let is = |i: usize, k: Kind| dossier.notes[i].kind == k;

    for (from, note) in dossier.notes.iter().enumerate() {
        let mut involve = |target: Option<usize>, role: &'static str| {
            if let Some(t) = target.filter(|&t| dossier.notes[t].kind.is_entity()) {
                let roles = involved[t].entry(from).or_default();
                if !roles.contains(&role) {
                    roles.push(role);
                }
            }
        };
        match &note.data {
            KindData::Source(s) => {
                if let Some(t) = s.translation_of.as_deref().and_then(id) {
                    add(&mut backlinks, t, from, field(Field::TranslatesIt));
                }
                if let Some(t) = s.via.as_deref().and_then(id) {
                    add(&mut backlinks, t, from, field(Field::KnownThrough));
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
                            add(&mut cited_by, t, from, cite_mention(c, what));
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
                        add(&mut cited_by, t, from, cite_mention(c, Field::Event));
                    }
                }
            }
            KindData::Claim(c) => {
                involve(c.claimant.as_deref().and_then(id), "claimant");
                for a in &c.about {
                    match id(a) {
                        Some(t) if dossier.notes[t].kind.is_entity() => involve(Some(t), "subject"),
                        Some(t) => add(&mut backlinks, t, from, field(Field::About)),
                        None => {}
                    }
                }
                for a in &c.contradicted_by {
                    if let Some(t) = id(a) {
                        add(&mut backlinks, t, from, field(Field::Contradicts));
                    }
                }
                for cite in &c.cites {
                    if let Some(t) = id(&cite.source).filter(|&t| is(t, Kind::Source)) {
                        add(&mut cited_by, t, from, cite_mention(cite, Field::Claim));
                    }
                }
                for r in &c.responses {
                    let by = id(&r.by);
                    involve(by, "responded");
                    for cite in &r.cites {
                        if let Some(t) = id(&cite.source).filter(|&t| is(t, Kind::Source)) {
                            add(&mut cited_by, t, from, cite_mention(cite, Field::Response { by }));
                        }
                    }
                }
            }
            KindData::Page => {}
        }
        for link in &bodies[from].links {
            let mention = Mention {
                context: Some(link.context.clone()),
                field: None,
                at: match &link.kind {
                    LinkKind::Cite { at } => at.clone(),
                    LinkKind::Link => None,
                },
                quote: None,
            };
            match link.kind {
                LinkKind::Cite { .. } => add(&mut cited_by, link.target, from, mention),
                LinkKind::Link => add(&mut backlinks, link.target, from, mention),
            }
        }
    }
    Links {
        backlinks: flatten(backlinks),
        cited_by: flatten(cited_by),
        involved_in: involved
            .into_iter()
            .map(|m| m.into_iter().map(|(note, roles)| Involvement { note, roles }).collect())
            .collect(),
    }
}
