//! What links to what: the targets a body may name, and the views computed from every link,
//! citation and front-matter reference of the dossier (backlinks, "cited by", "takes part in").
//!
//! Bodies are rendered between [`targets`] and [`collect`]: rendering needs the targets, and
//! the views need every rendered body's links with the sentences around them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Dossier;
use crate::links::{Context, LinkTargets, Target};
use crate::markdown::{LinkKind, Rendered, SeedCite};
use crate::model::{Cite, Kind, KindData, Note};

/// The targets bodies may link to: every published note by id, alias and file, the drafts (to
/// say why they cannot be linked) and the static files.
pub fn targets<'s>(dossier: &Dossier, statics: impl IntoIterator<Item = &'s str>) -> LinkTargets {
    let base_path = dossier.site.config.base_path();
    let mut t = LinkTargets::new(base_path.clone());
    for note in &dossier.notes {
        t.add(
            Target {
                id: note.id.clone(),
                title: note.title.clone(),
                kind: note.kind,
                url: format!("{base_path}{}", super::note_path(note)),
            },
            &note.file,
            &note.common.aliases,
        );
    }
    for tr in &dossier.translations {
        if let Some(&i) = dossier.by_id.get(&tr.id) {
            t.add_file(&tr.file, i);
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

/// One way a note names another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// The sentence around a link or citation in the body.
    pub context: Option<Context>,
    /// The front-matter field that names the note, in words (`actor`, `for the role CEO`).
    pub field: Option<String>,
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
#[derive(Debug, Default)]
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

fn cite_mention(c: &Cite, field: String) -> Mention {
    Mention {
        context: None,
        field: Some(field),
        at: c.at.clone(),
        quote: c.quote.clone(),
    }
}

fn field(text: impl Into<String>) -> Mention {
    Mention {
        context: None,
        field: Some(text.into()),
        at: None,
        quote: None,
    }
}

/// Computes backlinks, citations and involvement from the front-matter and the rendered bodies
/// (`bodies[i]` belongs to note `i`).
pub fn collect(dossier: &Dossier, bodies: &[Rendered]) -> Links {
    let _span = tracing::info_span!("backlinks").entered();
    let n = dossier.notes.len();
    let mut backlinks: Grouped = vec![BTreeMap::new(); n];
    let mut cited_by: Grouped = vec![BTreeMap::new(); n];
    let mut involved: Vec<BTreeMap<usize, Vec<&'static str>>> = vec![BTreeMap::new(); n];
    let id = |s: &str| dossier.by_id.get(s).copied();
    let title = |i: usize| dossier.notes[i].title.as_str();
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
                    add(&mut backlinks, t, from, field("translates it"));
                }
                if let Some(t) = s.via.as_deref().and_then(id) {
                    add(&mut backlinks, t, from, field("known through it"));
                }
            }
            KindData::Entity(e) => {
                for role in &e.roles {
                    let org = id(&role.org);
                    for c in &role.cites {
                        if let Some(t) = id(&c.source).filter(|&t| is(t, Kind::Source)) {
                            let what = match org {
                                Some(o) => format!("for the role {} at {}", role.role, title(o)),
                                None => format!("for the role {}", role.role),
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
                        add(&mut cited_by, t, from, cite_mention(c, "for the event".into()));
                    }
                }
            }
            KindData::Claim(c) => {
                involve(c.claimant.as_deref().and_then(id), "claimant");
                for a in &c.about {
                    match id(a) {
                        Some(t) if dossier.notes[t].kind.is_entity() => involve(Some(t), "subject"),
                        Some(t) => add(&mut backlinks, t, from, field("the claim is about it")),
                        None => {}
                    }
                }
                for a in &c.contradicted_by {
                    if let Some(t) = id(a) {
                        add(&mut backlinks, t, from, field("contradicts the claim"));
                    }
                }
                for cite in &c.cites {
                    if let Some(t) = id(&cite.source).filter(|&t| is(t, Kind::Source)) {
                        add(&mut cited_by, t, from, cite_mention(cite, "for the claim".into()));
                    }
                }
                for r in &c.responses {
                    let by = id(&r.by);
                    involve(by, "responded");
                    for cite in &r.cites {
                        if let Some(t) = id(&cite.source).filter(|&t| is(t, Kind::Source)) {
                            let what = match by {
                                Some(b) => format!("for the response of {}", title(b)),
                                None => "for a response".into(),
                            };
                            add(&mut cited_by, t, from, cite_mention(cite, what));
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
