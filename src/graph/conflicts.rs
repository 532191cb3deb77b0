//! Conflicts of interest, computed from roles and transfers.
//!
//! An event with a `from` and a `to` moves something between two parties. A person is in a
//! conflict when they hold a position at both parties while it happens: a role of their own, or
//! control through a chain of ownership (Musk owns X; had X owned a stake in xAI, Musk would hold
//! a position at xAI through X). Each conflict is *certain* when both positions cover the whole
//! date span of the event, and *possible* when they may overlap only part of it, when a date is
//! approximate or uncertain, when a role's start is not known, or when the event has no date.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::Dossier;
use crate::date::{DateSpan, Day, Qualifier};
use crate::model::{Kind, KindData, Role, RoleType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Certainty {
    Possible,
    Certain,
}

/// One role in a chain: `holder`'s role number `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Link {
    pub holder: usize,
    pub role: usize,
}

/// A person's position at an organization: a role of their own (one link), or a chain of
/// ownership ending at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    pub org: usize,
    pub chain: Vec<Link>,
    pub certainty: Certainty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Conflict {
    pub event: usize,
    pub person: usize,
    pub certainty: Certainty,
    /// The position at the party resources left, and at the party they went to.
    pub from: Position,
    pub to: Position,
}

/// Role types that put a duty to the organization on their holder: every type but `employee`.
/// Staff moving from one employer to another are the transfer, not a conflict over it; a
/// conflict needs someone who answers to both sides (an officer, director, owner, investor…).
fn owes_duty(t: RoleType) -> bool {
    t != RoleType::Employee
}

/// Role types through which one holds a position at what the organization owns.
fn controls(t: RoleType) -> bool {
    matches!(
        t,
        RoleType::Owner | RoleType::ControllingShareholder | RoleType::Investor
    )
}

/// How a role's dates stand to a span: held through all of it, maybe during it, or not at all.
pub(crate) fn relation(role: &Role, span: Option<&DateSpan>) -> Option<Certainty> {
    let fuzzy = |d: &Option<DateSpan>| d.as_ref().is_some_and(|d| d.qualifier != Qualifier::Exact);
    let start_earliest = role.from.as_ref().map_or(Day::MIN, |d| d.start);
    let start_latest = role.from.as_ref().map(|d| d.end);
    let end_earliest = role.to.as_ref().map_or(Day::MAX, |d| d.start);
    let end_latest = role.to.as_ref().map_or(Day::MAX, |d| d.end);
    let Some(span) = span else {
        // Undated: the role exists, so it may have been held then.
        return Some(Certainty::Possible);
    };
    if start_earliest > span.end || end_latest < span.start {
        return None;
    }
    let covers = start_latest.is_some_and(|s| s <= span.start) && end_earliest >= span.end;
    let exact = !fuzzy(&role.from) && !fuzzy(&role.to) && span.qualifier == Qualifier::Exact;
    Some(if covers && exact {
        Certainty::Certain
    } else {
        Certainty::Possible
    })
}

fn roles(dossier: &Dossier, holder: usize) -> &[Role] {
    match &dossier.notes[holder].data {
        KindData::Entity(e) => &e.roles,
        _ => &[],
    }
}

/// The best position `person` holds at `org` during `span`, through chains of at most `depth`
/// organizations in between: the most certain, then the one with the shortest chain, then the
/// first in the order the roles are written.
pub(crate) fn best_position(
    dossier: &Dossier,
    person: usize,
    org: usize,
    span: Option<&DateSpan>,
    depth: usize,
) -> Option<Position> {
    let mut walk = Walk::new(dossier, org, span, depth);
    let (certainty, chain) = walk.from(person, 0, Certainty::Certain)?;
    Some(Position { org, chain, certainty })
}

/// The best way on from a holder to the target: its certainty, and the chain from that holder.
type Best = Option<(Certainty, Vec<Link>)>;

/// A walk over ownership that remembers the best way on from each holder, given how long the
/// chain to it is and how certain: a lattice of organizations that own each other is walked in
/// time proportional to its roles times the depth, not to the number of its chains. The best
/// way is never one that passes an organization twice (leaving out the loop would be as
/// certain and shorter), so cycles need no special care; the depth ends every walk.
struct Walk<'a> {
    dossier: &'a Dossier,
    target: usize,
    span: Option<&'a DateSpan>,
    depth: usize,
    memo: HashMap<(usize, usize, Certainty), Best>,
    /// How many times [`Walk::from`] was asked, memoised or not.
    calls: usize,
}

impl<'a> Walk<'a> {
    fn new(dossier: &'a Dossier, target: usize, span: Option<&'a DateSpan>, depth: usize) -> Walk<'a> {
        Walk {
            dossier,
            target,
            span,
            depth,
            memo: HashMap::new(),
            calls: 0,
        }
    }

    /// The best way on from `holder`, reached through a chain of `len` roles, as certain as
    /// `certainty`.
    fn from(&mut self, holder: usize, len: usize, certainty: Certainty) -> Best {
        self.calls += 1;
        if let Some(known) = self.memo.get(&(holder, len, certainty)) {
            return known.clone();
        }
        let dossier = self.dossier;
        let mut best: Best = None;
        for (ri, role) in roles(dossier, holder).iter().enumerate() {
            let Some(&at) = dossier.by_id.get(&role.org) else {
                continue;
            };
            if !owes_duty(role.role_type) {
                continue;
            }
            let Some(rel) = relation(role, self.span) else {
                continue;
            };
            // Past the person's own role, only ownership carries a position further.
            if len > 0 && !controls(role.role_type) {
                continue;
            }
            let c = certainty.min(rel);
            let link = Link { holder, role: ri };
            let found = if at == self.target {
                Some((c, vec![link]))
            } else if controls(role.role_type) && len < self.depth && dossier.notes[at].kind == Kind::Organization {
                self.from(at, len + 1, c)
                    .map(|(c, rest)| (c, [vec![link], rest].concat()))
            } else {
                None
            };
            if let Some((c, chain)) = found {
                let better = best
                    .as_ref()
                    .is_none_or(|(bc, bchain)| c > *bc || (c == *bc && chain.len() < bchain.len()));
                if better {
                    best = Some((c, chain));
                }
            }
        }
        self.memo.insert((holder, len, certainty), best.clone());
        best
    }
}

/// Every conflict of the dossier, with indexes by event and by the entities it concerns.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Conflicts {
    /// By event, then person.
    pub list: Vec<Conflict>,
    by_event: Vec<Vec<usize>>,
    by_entity: Vec<Vec<usize>>,
}

impl Conflicts {
    pub(crate) fn of_event(&self, event: usize) -> impl Iterator<Item = &Conflict> {
        self.by_event.get(event).into_iter().flatten().map(|&k| &self.list[k])
    }

    /// The conflicts an entity is part of: as the person, a party, or a link of a chain.
    pub(crate) fn of_entity(&self, entity: usize) -> impl Iterator<Item = &Conflict> {
        self.by_entity.get(entity).into_iter().flatten().map(|&k| &self.list[k])
    }

    /// The notes a conflict shows: its event, its person, and every holder and organization of
    /// its two positions.
    pub(crate) fn notes_of(c: &Conflict) -> impl Iterator<Item = usize> + '_ {
        [c.event, c.person, c.from.org, c.to.org]
            .into_iter()
            .chain(c.from.chain.iter().chain(&c.to.chain).map(|l| l.holder))
    }
}

/// The organizations each person can hold a position at, directly or through ownership,
/// ignoring dates: the candidates `find` then checks against each event's dates.
fn reach(dossier: &Dossier, person: usize, depth: usize) -> HashSet<usize> {
    let mut out = HashSet::new();
    // Breadth first, so that each organization is first met by its shortest chain, from where
    // the most is in reach.
    let mut frontier = std::collections::VecDeque::from([(person, 0usize)]);
    let mut seen = HashSet::from([person]);
    while let Some((holder, hops)) = frontier.pop_front() {
        for role in roles(dossier, holder) {
            let Some(&at) = dossier.by_id.get(&role.org) else {
                continue;
            };
            if !owes_duty(role.role_type) || (holder != person && !controls(role.role_type)) {
                continue;
            }
            out.insert(at);
            if controls(role.role_type) && hops < depth && seen.insert(at) {
                frontier.push_back((at, hops + 1));
            }
        }
    }
    out
}

/// Every conflict of the dossier.
pub(crate) fn find(dossier: &Dossier, depth: usize) -> Conflicts {
    let _span = tracing::info_span!("conflicts").entered();
    let n = dossier.notes.len();
    // Who can hold a position at each organization at all.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (p, _) in dossier.of_kind(Kind::Person) {
        let mut orgs: Vec<usize> = reach(dossier, p, depth).into_iter().collect();
        orgs.sort_unstable();
        for o in orgs {
            holders[o].push(p);
        }
    }
    let mut list = Vec::new();
    for (ei, note) in dossier.notes.iter().enumerate() {
        let KindData::Event(e) = &note.data else {
            continue;
        };
        let (Some(&from), Some(&to)) = (
            e.from.as_ref().and_then(|f| dossier.by_id.get(f)),
            e.to.as_ref().and_then(|t| dossier.by_id.get(t)),
        ) else {
            continue;
        };
        if from == to {
            continue;
        }
        for &p in &holders[from] {
            if p == from || p == to || holders[to].binary_search(&p).is_err() {
                continue;
            }
            let a = best_position(dossier, p, from, e.date.as_ref(), depth);
            let b = best_position(dossier, p, to, e.date.as_ref(), depth);
            if let (Some(a), Some(b)) = (a, b) {
                list.push(Conflict {
                    event: ei,
                    person: p,
                    certainty: a.certainty.min(b.certainty),
                    from: a,
                    to: b,
                });
            }
        }
    }
    let mut by_event = vec![Vec::new(); n];
    let mut by_entity: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, c) in list.iter().enumerate() {
        by_event[c.event].push(k);
        let mut involved: Vec<usize> = vec![c.person, c.from.org, c.to.org];
        involved.extend(c.from.chain.iter().chain(&c.to.chain).map(|l| l.holder));
        involved.sort_unstable();
        involved.dedup();
        for e in involved {
            by_entity[e].push(k);
        }
    }
    Conflicts {
        list,
        by_event,
        by_entity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConflictSettings;
    use crate::graph::{GraphOptions, build};
    use crate::model::SourceFile;
    use crate::model::parse::parse_note;

    const MAX_DEPTH: usize = ConflictSettings::MAX_DEPTH;

    /// The ids of the holders along a conflict's chain to its `to` party.
    fn to_chain<'d>(d: &'d Dossier, c: &Conflict) -> Vec<&'d str> {
        c.to.chain.iter().map(|l| d.notes[l.holder].id.as_str()).collect()
    }

    fn dossier(files: &[(&str, &str)]) -> Dossier {
        let (site, _) = crate::config::parse("content/_index.md", "---\ntitle: T\n---\n".into()).unwrap();
        let notes = files
            .iter()
            .filter_map(|(path, text)| {
                let (note, diags) = parse_note(SourceFile {
                    rel_path: format!("content/{path}"),
                    text: (*text).into(),
                });
                assert!(diags.is_empty(), "{path}: {diags:?}");
                note
            })
            .collect();
        let parsed = crate::model::parse::Parsed {
            notes,
            unreadable: Vec::new(),
        };
        let (d, diags) = build(site, parsed, GraphOptions::default());
        assert!(diags.is_empty(), "{diags:?}");
        d
    }

    fn role(from: Option<&str>, to: Option<&str>) -> Role {
        Role {
            org: "x".into(),
            role: "CEO".into(),
            role_type: RoleType::Officer,
            from: from.map(|d| DateSpan::parse(d).unwrap()),
            to: to.map(|d| DateSpan::parse(d).unwrap()),
            share: None,
            cites: Vec::new(),
        }
    }

    fn at(date: &str) -> DateSpan {
        DateSpan::parse(date).unwrap()
    }

    #[test]
    fn certainty_over_every_precision_and_qualifier() {
        use Certainty::{Certain, Possible};
        let dec = at("2023-12");
        // Whole years, months and days, before the event.
        for from in ["2020", "2023-11", "2023-12-01", "../2018", "2022-10/2022-12"] {
            assert_eq!(relation(&role(Some(from), None), Some(&dec)), Some(Certain), "{from}");
        }
        // Starting inside the event's month: only part of it is covered.
        assert_eq!(relation(&role(Some("2023-12-15"), None), Some(&dec)), Some(Possible));
        // A year that contains the event month: the start may be after it.
        assert_eq!(relation(&role(Some("2023"), None), Some(&dec)), Some(Possible));
        // Ending inside it, or within a year that holds it.
        assert_eq!(
            relation(&role(Some("2020"), Some("2023-12-10")), Some(&dec)),
            Some(Possible)
        );
        assert_eq!(relation(&role(Some("2020"), Some("2024")), Some(&dec)), Some(Certain));
        assert_eq!(relation(&role(Some("2020"), Some("2023")), Some(&dec)), Some(Possible));
        // Ended before, or began after: no relation.
        assert_eq!(relation(&role(Some("2010"), Some("2016")), Some(&dec)), None);
        assert_eq!(relation(&role(Some("2024-01"), None), Some(&dec)), None);
        // Approximate and uncertain dates are never certain.
        assert_eq!(relation(&role(Some("2020~"), None), Some(&dec)), Some(Possible));
        assert_eq!(relation(&role(Some("2020?"), None), Some(&dec)), Some(Possible));
        assert_eq!(
            relation(&role(Some("2020"), None), Some(&at("2023-12~"))),
            Some(Possible)
        );
        // Open-ended roles: no start known is possible; no end is still held.
        assert_eq!(relation(&role(None, None), Some(&dec)), Some(Possible));
        // "Some time from 2020 on": the start may be after the event.
        assert_eq!(relation(&role(Some("2020/.."), None), Some(&dec)), Some(Possible));
        assert_eq!(relation(&role(None, Some("2016")), Some(&dec)), None);
        // An event with no date can only be possible.
        assert_eq!(relation(&role(Some("2020"), None), None), Some(Possible));
        // A day-precise event against a day-precise role.
        assert_eq!(
            relation(&role(Some("2023-12-05"), None), Some(&at("2023-12-05"))),
            Some(Certain)
        );
        assert_eq!(relation(&role(Some("2023-12-06"), None), Some(&at("2023-12-05"))), None);
    }

    const ORGS: [(&str, &str); 4] = [
        ("organizations/a.md", "---\nname: A\n---\n"),
        ("organizations/b.md", "---\nname: B\n---\n"),
        ("organizations/c.md", "---\nname: C\n---\n"),
        ("organizations/d.md", "---\nname: D\n---\n"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Dossier {
        // A file in `extra` replaces the plain organization of the same path.
        let mut files: Vec<(&str, &str)> = ORGS
            .iter()
            .filter(|(p, _)| !extra.iter().any(|(q, _)| q == p))
            .copied()
            .collect();
        files.extend_from_slice(extra);
        dossier(&files)
    }

    fn idx(d: &Dossier, id: &str) -> usize {
        d.by_id[id]
    }

    #[test]
    fn direct_roles_on_both_sides() {
        let d = with(&[
            (
                "people/p.md",
                "---\nname: P\nroles:\n  - { org: a, role: CEO, type: officer, from: \"2020\" }\n  - { org: b, role: owner, type: owner, from: \"2023-12-15\" }\n---\n",
            ),
            (
                "people/q.md",
                "---\nname: Q\nroles:\n  - { org: a, role: CEO, type: officer, from: \"2010\", to: \"2016\" }\n  - { org: b, role: owner, type: owner, from: \"2010\" }\n---\n",
            ),
            (
                "people/r.md",
                "---\nname: R\nroles:\n  - { org: a, role: chair, type: chair, from: \"2010\" }\n---\n",
            ),
            ("events/e.md", "---\ntitle: E\ndate: \"2023-12\"\nfrom: a\nto: b\n---\n"),
        ]);
        let found = find(&d, 3).list;
        assert_eq!(found.len(), 1, "{found:?}");
        let c = &found[0];
        assert_eq!(c.person, idx(&d, "p"));
        assert_eq!(c.certainty, Certainty::Possible, "the ownership began mid-month");
        assert_eq!((c.from.org, c.to.org), (idx(&d, "a"), idx(&d, "b")));
        assert_eq!(c.from.chain.len(), 1);
        // Q's role at A ended in 2016; R holds a role at one side only.
    }

    #[test]
    fn staff_who_move_between_the_parties_are_not_in_conflict() {
        let d = with(&[
            (
                "people/s.md",
                "---\nname: S\nroles:\n  - { org: a, role: engineer, type: employee, from: \"2020\" }\n  - { org: b, role: scientist, type: employee, from: \"2020\" }\n---\n",
            ),
            (
                "people/t.md",
                "---\nname: T\nroles:\n  - { org: a, role: engineer, type: employee, from: \"2020\" }\n  - { org: b, role: adviser, type: other, from: \"2020\" }\n  - { org: c, role: director, type: director, from: \"2020\" }\n---\n",
            ),
            ("events/e.md", "---\ntitle: E\ndate: \"2023-12\"\nfrom: a\nto: b\n---\n"),
            ("events/f.md", "---\ntitle: F\ndate: \"2023-12\"\nfrom: b\nto: c\n---\n"),
        ]);
        let found = find(&d, 3).list;
        // S is staff on both sides of E; T is staff at A, but owes B and C a duty.
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].person, found[0].event), (idx(&d, "t"), idx(&d, "f")));
    }

    #[test]
    fn control_through_an_ownership_chain_and_a_cycle() {
        let d = with(&[
            (
                "people/p.md",
                "---\nname: P\nroles:\n  - { org: a, role: CEO, type: officer, from: \"2020\" }\n  - { org: b, role: owner, type: owner, from: \"2020\" }\n---\n",
            ),
            // B owns part of C, C owns part of D, and D owns part of B: a cycle.
            (
                "organizations/b.md",
                "---\nname: B\nroles:\n  - { org: c, role: investor, type: investor, from: \"2021\" }\n---\n",
            ),
            (
                "organizations/c.md",
                "---\nname: C\nroles:\n  - { org: d, role: owner, type: owner, from: \"2021\" }\n---\n",
            ),
            (
                "organizations/d.md",
                "---\nname: D\nroles:\n  - { org: b, role: owner, type: owner, from: \"2021\" }\n---\n",
            ),
            ("events/e.md", "---\ntitle: E\ndate: \"2023-12\"\nfrom: a\nto: d\n---\n"),
        ]);
        let found = find(&d, 3).list;
        assert_eq!(found.len(), 1, "{found:?}");
        let chain = to_chain(&d, &found[0]);
        assert_eq!(chain, ["p", "b", "c"], "P owns B, B invests in C, C owns D");
        assert_eq!(found[0].certainty, Certainty::Certain);
        // A shorter depth does not reach D.
        assert!(find(&d, 1).list.is_empty());
    }

    #[test]
    fn an_officer_role_does_not_carry_control_further() {
        let d = with(&[
            (
                "people/p.md",
                "---\nname: P\nroles:\n  - { org: a, role: CEO, type: officer, from: \"2020\" }\n  - { org: b, role: director, type: director, from: \"2020\" }\n---\n",
            ),
            (
                "organizations/b.md",
                "---\nname: B\nroles:\n  - { org: c, role: owner, type: owner, from: \"2020\" }\n---\n",
            ),
            ("events/e.md", "---\ntitle: E\ndate: \"2023\"\nfrom: a\nto: c\n---\n"),
            ("events/undated.md", "---\ntitle: U\nfrom: a\nto: b\n---\n"),
        ]);
        let found = find(&d, 3).list;
        assert_eq!(found.len(), 1, "only the undated event between A and B: {found:?}");
        assert_eq!(found[0].event, idx(&d, "undated"));
        assert_eq!(found[0].certainty, Certainty::Possible, "an event with no date");
    }

    #[test]
    fn an_organization_met_first_by_a_long_chain_is_followed_from_its_shortest() {
        // P owns A and C; C owns D, D owns B; A owns B too, and B owns E, E owns F. F is three
        // organizations away through A, B and E, but four through C, D, B and E.
        let d = dossier(&[
            (
                "people/p.md",
                "---\nname: P\nroles:\n  - { org: x, role: CEO, type: officer }\n  - { org: a, role: owner, type: owner }\n  - { org: c, role: owner, type: owner }\n---\n",
            ),
            ("organizations/x.md", "---\nname: X\n---\n"),
            (
                "organizations/a.md",
                "---\nname: A\nroles:\n  - { org: b, role: owner, type: owner }\n---\n",
            ),
            (
                "organizations/c.md",
                "---\nname: C\nroles:\n  - { org: d, role: owner, type: owner }\n---\n",
            ),
            (
                "organizations/d.md",
                "---\nname: D\nroles:\n  - { org: b, role: owner, type: owner }\n---\n",
            ),
            (
                "organizations/b.md",
                "---\nname: B\nroles:\n  - { org: e, role: owner, type: owner }\n---\n",
            ),
            (
                "organizations/e.md",
                "---\nname: E\nroles:\n  - { org: f, role: owner, type: owner }\n---\n",
            ),
            ("organizations/f.md", "---\nname: F\n---\n"),
            ("events/t.md", "---\ntitle: T\nfrom: x\nto: f\n---\n"),
        ]);
        let found = find(&d, 3).list;
        assert_eq!(found.len(), 1, "{found:?}");
        let chain = to_chain(&d, &found[0]);
        assert_eq!(chain, ["p", "a", "b", "e"]);
    }

    /// Organizations in `levels` levels of `width`, each owning every one of the next level,
    /// the person owning the first: `width` to the power of the depth chains from the person.
    fn lattice(levels: usize, width: usize) -> Dossier {
        let name = |l: usize, k: usize| format!("o{l}-{k}");
        let owns = |l: usize| -> String {
            (0..width)
                .map(|k| format!("  - {{ org: {}, role: owner, type: owner }}\n", name(l, k)))
                .collect()
        };
        let mut files = vec![
            (
                "people/p.md".to_string(),
                format!(
                    "---\nname: P\nroles:\n  - {{ org: x, role: CEO, type: officer }}\n{}---\n",
                    owns(0)
                ),
            ),
            ("organizations/x.md".to_string(), "---\nname: X\n---\n".to_string()),
            (
                "events/t.md".to_string(),
                format!("---\ntitle: T\nfrom: x\nto: {}\n---\n", name(MAX_DEPTH, 0)),
            ),
        ];
        for l in 0..levels {
            for k in 0..width {
                let roles = if l + 1 < levels {
                    format!("roles:\n{}", owns(l + 1))
                } else {
                    String::new()
                };
                files.push((
                    format!("organizations/{}.md", name(l, k)),
                    format!("---\nname: O\n{roles}---\n"),
                ));
            }
        }
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        dossier(&files)
    }

    #[test]
    fn a_lattice_of_ownership_is_walked_once_per_holder_and_depth() {
        let (levels, width) = (24, 4);
        let d = lattice(levels, width);
        let target = idx(&d, &format!("o{MAX_DEPTH}-0"));
        let mut walk = Walk::new(&d, target, None, MAX_DEPTH);
        let (_, chain) = walk.from(idx(&d, "p"), 0, Certainty::Certain).expect("a chain");
        assert_eq!(chain.len(), MAX_DEPTH + 1);
        // Each (holder, chain length, certainty) is worked out once, asking each of its roles:
        // there are 4^10 chains of the same length.
        let holders = levels * width + 2;
        assert!(
            walk.calls <= holders * (MAX_DEPTH + 1) * 2 * (width + 1),
            "{} calls",
            walk.calls
        );
        assert_eq!(find(&d, MAX_DEPTH).list.len(), 1);
    }
}
