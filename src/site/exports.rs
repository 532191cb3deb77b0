//! The dossier's data in the formats other tools read:
//!
//! - FollowTheMoney entities, one JSON object a line (`dossier.ftm.json`), the model of OCCRP
//!   Aleph, OpenSanctions and the `ftm` tools. People are `Person`; an organization is a
//!   `Company` when someone holds a stake in it (only an asset can be owned) and an
//!   `Organization` otherwise. Each role is an interval between holder and organization:
//!   `Ownership` (owner, controlling shareholder, investor; `percentage` from `share`),
//!   `Employment` (a person's employee role), `Membership` (`other`, or an organization's
//!   employee role) and `Directorship` (every other role). Events are `Event`, with the
//!   actors and both parties `involved`; claims are `Event`s too, kept apart by the keyword
//!   `claim` and their status (the events a claim is about are not `involved`, which takes
//!   people and organizations only); what an event moved, between whom, how much and for
//!   how much is in its `description`. Sources are `Document` when their address names a
//!   file (its `fileName`: FtM's documents are files) and `Article` otherwise. Every citation
//!   is a `Documentation` from the source to what it supports. Ids are the dossier's: `person-jane-doe`, `role-jane-doe-1` (the first of her
//!   roles), `cite-fair-price-2` (the note's second citation).
//! - CSL-JSON (`sources.csl.json`), the sources as Zotero, Pandoc and citation processors
//!   read them.
//!
//! Dates keep the precision the front-matter gives them: an exact single date is `date`; a
//! range or a date in doubt gives only its known ends (`startDate`, `endDate`); a role's
//! `startDate` is the known start of its `from`, its `endDate` the known end of its `to`. The
//! dates as written (`../2018`, "by 2018") are in each `description`, with a role's share.

use serde_json::{Map, Value, json};

use crate::date::{DateSpan, Point};
use crate::graph::Dossier;
use crate::markdown::Rendered;
use crate::model::{Kind, KindData, Note, Role, RoleType, SourceType};

/// The FtM id of a note.
fn ftm_id(note: &Note) -> String {
    format!("{}-{}", note.kind.as_str(), note.id)
}

/// One FtM entity, its properties each a list of strings, empty ones left out.
fn entity(id: String, schema: &str, props: &[(&str, Vec<String>)]) -> Value {
    let mut properties = Map::new();
    for (name, values) in props {
        let values: Vec<Value> = values.iter().filter(|v| !v.is_empty()).map(|v| json!(v)).collect();
        if !values.is_empty() {
            properties.insert((*name).to_string(), Value::Array(values));
        }
    }
    json!({ "id": id, "schema": schema, "properties": properties })
}

fn one(value: Option<&str>) -> Vec<String> {
    value.map(str::to_string).into_iter().collect()
}

/// The dossier as FtM entities, a JSON object a line; `bodies` give each note's body citations.
pub(crate) fn ftm(dossier: &Dossier, bodies: &[std::sync::Arc<Rendered>]) -> Vec<u8> {
    let owned: std::collections::HashSet<&str> = dossier
        .notes
        .iter()
        .filter_map(|n| match &n.data {
            KindData::Entity(e) => Some(e.roles.iter()),
            _ => None,
        })
        .flatten()
        .filter(|r| is_stake(r.role_type))
        .map(|r| r.org.as_str())
        .collect();
    let mut out = Vec::new();
    let mut emit = |v: Value| {
        out.extend_from_slice(v.to_string().as_bytes());
        out.push(b'\n');
    };
    for (i, note) in dossier.notes.iter().enumerate() {
        let Some(main) = note_entity(dossier, note, owned.contains(note.id.as_str())) else {
            continue;
        };
        emit(main);
        if let KindData::Entity(e) = &note.data {
            for (n, role) in e.roles.iter().enumerate() {
                emit(role_entity(dossier, note, n + 1, role));
            }
        }
        let body = bodies.get(i).map(|b| b.citations.as_slice()).unwrap_or_default();
        for (n, (source, at, quote)) in citations(dossier, note, body).into_iter().enumerate() {
            emit(entity(
                format!("cite-{}-{}", note.id, n + 1),
                "Documentation",
                &[
                    ("document", vec![ftm_id(source)]),
                    ("entity", vec![ftm_id(note)]),
                    ("role", one(at)),
                    ("summary", one(quote)),
                ],
            ));
        }
    }
    out
}

fn is_stake(t: RoleType) -> bool {
    matches!(
        t,
        RoleType::Owner | RoleType::ControllingShareholder | RoleType::Investor
    )
}

/// A note's own entity; none for a free page.
fn note_entity(dossier: &Dossier, note: &Note, owned: bool) -> Option<Value> {
    let id = ftm_id(note);
    let names = |ids: &[&String]| -> Vec<String> {
        ids.iter()
            .filter_map(|i| dossier.get(i))
            .filter(|n| matches!(n.kind, Kind::Person | Kind::Organization))
            .map(ftm_id)
            .collect()
    };
    let common = vec![
        ("name", vec![note.title.clone()]),
        ("alias", note.common.aliases.clone()),
        ("summary", one(note.common.summary.as_deref())),
        ("keywords", note.common.tags.clone()),
    ];
    Some(match &note.data {
        KindData::Entity(_) => {
            let schema = match (note.kind, owned) {
                (Kind::Person, _) => "Person",
                (_, true) => "Company",
                _ => "Organization",
            };
            entity(id, schema, &common)
        }
        KindData::Event(e) => {
            let involved: Vec<&String> = e.actors.iter().chain(&e.from).chain(&e.to).collect();
            let mut props = common;
            props.extend(dates(e.date.as_ref()));
            props.push(("involved", names(&involved)));
            props.push(("keywords", one(e.event_type.as_deref())));
            props.push(("description", vec![event_description(dossier, e)]));
            entity(id, "Event", &props)
        }
        KindData::Claim(c) => {
            // `involved` takes people and organizations: the events a claim is about are not.
            let involved: Vec<&String> = c.claimant.iter().chain(&c.about).collect();
            let mut props = common;
            props.extend(dates(c.date.as_ref()));
            props.push((
                "description",
                one(c.date.as_ref().map(|d| format!("date: {}", d.text)).as_deref()),
            ));
            props.push(("involved", names(&involved)));
            let status = serde_json::to_value(c.status).ok();
            let status = status.as_ref().and_then(Value::as_str).unwrap_or_default();
            props.push(("keywords", vec!["claim".into(), status.into()]));
            entity(id, "Event", &props)
        }
        KindData::Source(s) => {
            // FtM's Document is a file: a source is one when its address names a file
            // (`…/annual-report.pdf`), which is its `fileName`; any other is an Article.
            let file = s.url.as_deref().and_then(file_in_url);
            let schema = if file.is_some() { "Document" } else { "Article" };
            let when = |d: &Option<DateSpan>| d.as_ref().map(DateSpan::machine).into_iter().collect();
            let props = [
                ("title", vec![note.title.clone()]),
                ("title", one(s.original_title.as_deref())),
                ("summary", one(note.common.summary.as_deref())),
                ("author", one(s.author.as_deref())),
                ("publisher", one(s.publisher.as_deref())),
                ("sourceUrl", one(s.url.as_deref())),
                ("sourceUrl", one(s.archive.as_deref())),
                ("publishedAt", when(&s.published)),
                ("retrievedAt", when(&s.retrieved)),
                (
                    "language",
                    one(s.language.as_deref().map(|l| l.split('-').next().unwrap_or(l))),
                ),
                ("fileName", file.into_iter().collect()),
                (
                    "keywords",
                    one(s.source_type.map(|t| match t {
                        SourceType::Primary => "primary",
                        SourceType::Secondary => "secondary",
                        SourceType::Commentary => "commentary",
                    })),
                ),
            ];
            entity(id, schema, &props)
        }
        KindData::Page => return None,
    })
}

/// The file an address names, if its last part has an extension (`report.pdf`).
fn file_in_url(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?.split_once("://")?.1;
    let last = path.split_once('/')?.1.rsplit('/').next()?;
    let (stem, ext) = last.rsplit_once('.')?;
    let is_file = !stem.is_empty() && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric());
    is_file.then(|| last.to_string())
}

/// `date` for an exact single date; for a range, or a date in doubt, only its known ends as
/// `startDate` and `endDate` (`../2024-06`, "by June 2024", has no start).
fn dates(date: Option<&DateSpan>) -> Vec<(&'static str, Vec<String>)> {
    let Some(d) = date else { return Vec::new() };
    if d.ends.0 == d.ends.1 && d.qualifier == crate::date::Qualifier::Exact {
        return vec![("date", vec![d.machine()])];
    }
    let known = |p: &Option<Point>| p.as_ref().map(Point::iso).into_iter().collect::<Vec<_>>();
    vec![("startDate", known(&d.ends.0)), ("endDate", known(&d.ends.1))]
}

/// What an event's FtM entity has no property for, in words: its date as written, what moved
/// between which parties, how much, for how much.
fn event_description(dossier: &Dossier, e: &crate::model::Event) -> String {
    let name = |id: &String| dossier.get(id).map_or_else(|| id.clone(), |n| n.title.clone());
    let mut parts = Vec::new();
    if let Some(d) = &e.date {
        parts.push(format!("date: {}", d.text));
    }
    if let (Some(from), Some(to)) = (&e.from, &e.to) {
        parts.push(format!("from {} to {}", name(from), name(to)));
    }
    if let Some(q) = &e.quantity {
        parts.push(format!("quantity: {} {}", q.value, q.unit));
    }
    if let Some(v) = &e.value {
        let qualifier = v.qualifier.as_deref().unwrap_or_default();
        parts.push(format!("value: {qualifier}{} {}", v.amount, v.currency));
    }
    parts.join("; ")
}

/// The `n`th role of `holder`, as the interval FtM has for it.
fn role_entity(dossier: &Dossier, holder: &Note, n: usize, role: &Role) -> Value {
    let org = dossier.get(&role.org).map(ftm_id).unwrap_or_default();
    let person = holder.kind == Kind::Person;
    let (schema, holder_prop, org_prop) = match role.role_type {
        t if is_stake(t) => ("Ownership", "owner", "asset"),
        RoleType::Employee if person => ("Employment", "employee", "employer"),
        RoleType::Employee | RoleType::Other => ("Membership", "member", "organization"),
        _ => ("Directorship", "director", "organization"),
    };
    let as_written = match (&role.from, &role.to) {
        (Some(f), Some(t)) => format!("from {} to {}", f.text, t.text),
        (Some(f), None) => format!("from {}", f.text),
        (None, Some(t)) => format!("until {}", t.text),
        (None, None) => String::new(),
    };
    // A percentage only where the share is written as one (`20.5%`); the share as written is
    // in the description.
    let percentage = role
        .share
        .as_deref()
        .and_then(|s| s.trim().strip_suffix('%'))
        .filter(|n| n.trim().parse::<f64>().is_ok())
        .map(|n| n.trim().to_string());
    let as_written = match role.share.as_deref() {
        Some(share) if !as_written.is_empty() => format!("{as_written}; share: {share}"),
        Some(share) => format!("share: {share}"),
        None => as_written,
    };
    let sources: Vec<String> = role
        .cites
        .iter()
        .filter_map(|c| dossier.get(&c.source))
        .map(ftm_id)
        .collect();
    entity(
        format!("role-{}-{n}", holder.id),
        schema,
        &[
            (holder_prop, vec![ftm_id(holder)]),
            (org_prop, vec![org]),
            ("role", vec![role.role.clone()]),
            (
                "startDate",
                role.from
                    .as_ref()
                    .and_then(|f| f.ends.0.as_ref())
                    .map(Point::iso)
                    .into_iter()
                    .collect(),
            ),
            (
                "endDate",
                role.to
                    .as_ref()
                    .and_then(|t| t.ends.1.as_ref())
                    .map(Point::iso)
                    .into_iter()
                    .collect(),
            ),
            ("description", vec![as_written]),
            ("percentage", percentage.into_iter().collect()),
            ("proof", sources),
        ],
    )
}

/// Every citation of `note`: its front-matter's (its own `cites`, its roles', its responses'),
/// then its body's, each with the source, the locator and the quotation.
fn citations<'a>(
    dossier: &'a Dossier,
    note: &'a Note,
    body: &'a [crate::markdown::Citation],
) -> Vec<(&'a Note, Option<&'a str>, Option<&'a str>)> {
    let front = note
        .cites()
        .into_iter()
        .filter_map(|c| Some((dossier.get(&c.source)?, c.at.as_deref(), c.quote.as_deref())));
    let body = body
        .iter()
        .map(|c| (&dossier.notes[c.source], c.at.as_deref(), c.quote.as_deref()));
    front.chain(body).collect()
}

/// The dossier's sources as CSL-JSON.
pub(crate) fn csl(dossier: &Dossier) -> Vec<u8> {
    let date = |d: &DateSpan| {
        let p = d.ends.0.or(d.ends.1).unwrap_or(Point {
            year: d.start.year,
            month: None,
            day: None,
        });
        let parts: Vec<i64> = [Some(i64::from(p.year)), p.month.map(i64::from), p.day.map(i64::from)]
            .into_iter()
            .flatten()
            .collect();
        json!({ "date-parts": [parts] })
    };
    let items: Vec<Value> = dossier
        .notes
        .iter()
        .filter_map(|n| match &n.data {
            KindData::Source(s) => Some((n, s)),
            _ => None,
        })
        .map(|(n, s)| {
            let article = matches!(s.source_type, Some(SourceType::Secondary | SourceType::Commentary));
            let mut item = Map::new();
            item.insert("id".into(), json!(n.id));
            item.insert(
                "type".into(),
                json!(if article { "article-newspaper" } else { "document" }),
            );
            item.insert("title".into(), json!(n.title));
            let mut put = |key: &str, value: Option<Value>| {
                if let Some(v) = value {
                    item.insert(key.into(), v);
                }
            };
            put("original-title", s.original_title.as_ref().map(|t| json!(t)));
            put("author", s.author.as_ref().map(|a| json!([{ "literal": a }])));
            put("publisher", s.publisher.as_ref().map(|p| json!(p)));
            put(
                "container-title",
                s.publisher.as_ref().filter(|_| article).map(|p| json!(p)),
            );
            put("URL", s.url.as_ref().or(s.archive.as_ref()).map(|u| json!(u)));
            put("issued", s.published.as_ref().map(date));
            put("accessed", s.retrieved.as_ref().map(date));
            put("language", s.language.as_ref().map(|l| json!(l)));
            put("abstract", n.common.summary.as_ref().map(|a| json!(a)));
            Value::Object(item)
        })
        .collect();
    let mut out = serde_json::to_vec_pretty(&items).unwrap_or_default();
    out.push(b'\n');
    out
}
