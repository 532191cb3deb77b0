//! The timeline and the conflicts as views for templates, and as pictures and data: the
//! build-time SVG, and TimelineJS's `timeline.json`.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::views::{RoleName, role_name};
use super::{Locale, SummaryValue};
use crate::date::{DateSpan, Day, Qualifier};
use crate::graph::Dossier;
use crate::graph::conflicts::{Certainty, Conflict, Conflicts, Position};
use crate::html::escaped;
use crate::model::{Kind, KindData, Note, Role};

/// Dated events and claims, in order: by first possible day, then last, then id. A span with
/// no known start ("before June 2024") is placed by its last day, in the year it is filed under.
pub(crate) fn order(dossier: &Dossier) -> Vec<usize> {
    let mut items: Vec<usize> = dossier
        .notes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, Kind::Event | Kind::Claim) && n.date().is_some())
        .map(|(i, _)| i)
        .collect();
    items.sort_by(|&a, &b| {
        let (na, nb) = (&dossier.notes[a], &dossier.notes[b]);
        na.date()
            .map(DateSpan::order_key)
            .cmp(&nb.date().map(DateSpan::order_key))
            .then_with(|| na.id.cmp(&nb.id))
    });
    items
}

/// The year a span is filed under: its first year, or its last when it has no start.
fn year(d: &DateSpan) -> i32 {
    if d.start == Day::MIN { d.end.year } else { d.start.year }
}

#[derive(Serialize)]
pub(crate) struct CiteRef<'a> {
    /// A summary, as `note(id=…)` gives it.
    pub source: SummaryValue<'a>,
    pub at: Option<&'a str>,
}

/// One role of a chain, with its holder and its sources.
#[derive(Serialize)]
pub(crate) struct ChainLink<'a> {
    pub holder: SummaryValue<'a>,
    pub role: &'a Role,
    pub name: RoleName<'a>,
    pub org: Option<SummaryValue<'a>>,
    pub sources: Vec<CiteRef<'a>>,
}

#[derive(Serialize)]
pub(crate) struct PositionView<'a> {
    pub org: SummaryValue<'a>,
    pub certainty: Certainty,
    /// The roles from the person to the organization; more than one means control through
    /// ownership.
    pub chain: Vec<ChainLink<'a>>,
}

#[derive(Serialize)]
pub(crate) struct ConflictView<'a> {
    pub event: SummaryValue<'a>,
    pub person: SummaryValue<'a>,
    pub certainty: Certainty,
    pub from: PositionView<'a>,
    pub to: PositionView<'a>,
    /// The event's hand-written `conflict:` note, if any.
    pub note: Option<&'a str>,
}

fn position<'a>(loc: &Locale<'a>, p: &Position) -> PositionView<'a> {
    let dossier = loc.dossier;
    PositionView {
        org: loc.summary_value(&dossier.notes[p.org]),
        certainty: p.certainty,
        chain: p
            .chain
            .iter()
            .filter_map(|l| {
                let holder = &dossier.notes[l.holder];
                let KindData::Entity(e) = &holder.data else {
                    return None;
                };
                let role = e.roles.get(l.role)?;
                Some(ChainLink {
                    holder: loc.summary_value(holder),
                    role,
                    name: role_name(loc, role, &dossier.site.config.default_lang),
                    org: dossier.get(&role.org).map(|o| loc.summary_value(o)),
                    sources: role
                        .cites
                        .iter()
                        .filter_map(|c| {
                            Some(CiteRef {
                                source: loc.summary_value(dossier.get(&c.source)?),
                                at: c.at.as_deref(),
                            })
                        })
                        .collect(),
                })
            })
            .collect(),
    }
}

pub(crate) fn conflict_view<'a>(loc: &Locale<'a>, c: &Conflict) -> ConflictView<'a> {
    let dossier = loc.dossier;
    let event = &dossier.notes[c.event];
    ConflictView {
        event: loc.summary_value(event),
        person: loc.summary_value(&dossier.notes[c.person]),
        certainty: c.certainty,
        from: position(loc, &c.from),
        to: position(loc, &c.to),
        // The hand-written note in the page's language.
        note: match &loc.shown(event).data {
            KindData::Event(e) => e.conflict.as_deref(),
            _ => None,
        },
    }
}

#[derive(Serialize)]
pub(crate) struct ConflictBrief<'a> {
    pub person: SummaryValue<'a>,
    pub certainty: Certainty,
}

/// One line of a timeline.
#[derive(Serialize)]
pub(crate) struct Item<'a> {
    pub note: SummaryValue<'a>,
    pub from: Option<SummaryValue<'a>>,
    pub to: Option<SummaryValue<'a>>,
    pub conflicts: Vec<ConflictBrief<'a>>,
    /// For a hand-written `conflict:` note on an event.
    pub conflict_note: Option<&'a str>,
    pub contradicted_by: Vec<SummaryValue<'a>>,
    /// True when the date is approximate or uncertain, said in words by `note.date.display`.
    pub vague: bool,
}

#[derive(Serialize)]
pub(crate) struct Year<'a> {
    pub year: i32,
    pub items: Vec<Item<'a>>,
}

pub(crate) fn item<'a>(loc: &Locale<'a>, i: usize, conflicts: &Conflicts) -> Item<'a> {
    let dossier = loc.dossier;
    let note = &dossier.notes[i];
    let get = |id: &Option<String>| id.as_deref().and_then(|x| dossier.get(x)).map(|n| loc.summary_value(n));
    let (from, to, conflict_note) = match &loc.shown(note).data {
        KindData::Event(e) => (get(&e.from), get(&e.to), e.conflict.as_deref()),
        _ => (None, None, None),
    };
    let contradicted_by = match &note.data {
        KindData::Claim(c) => c
            .contradicted_by
            .iter()
            .filter_map(|x| dossier.get(x))
            .map(|n| loc.summary_value(n))
            .collect(),
        _ => Vec::new(),
    };
    Item {
        note: loc.summary_value(note),
        from,
        to,
        conflicts: conflicts
            .of_event(i)
            .map(|c| ConflictBrief {
                person: loc.summary_value(&dossier.notes[c.person]),
                certainty: c.certainty,
            })
            .collect(),
        conflict_note,
        contradicted_by,
        vague: note.date().is_some_and(|d| d.qualifier != Qualifier::Exact),
    }
}

/// Items grouped by year, for the notes in `order`.
pub(crate) fn years<'a>(loc: &Locale<'a>, order: &[usize], conflicts: &Conflicts) -> Vec<Year<'a>> {
    let dossier = loc.dossier;
    let mut out: Vec<Year<'a>> = Vec::new();
    for &i in order {
        let Some(d) = dossier.notes[i].date() else {
            continue;
        };
        let y = year(d);
        let it = item(loc, i, conflicts);
        match out.last_mut() {
            Some(last) if last.year == y => last.items.push(it),
            _ => out.push(Year {
                year: y,
                items: vec![it],
            }),
        }
    }
    out
}

/// Days since 0000-03-01, for placing days on an axis.
fn ordinal(d: Day) -> i64 {
    let (y, m) = if d.month <= 2 {
        (i64::from(d.year) - 1, i64::from(d.month) + 12)
    } else {
        (i64::from(d.year), i64::from(d.month))
    };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + i64::from(d.day)
}

/// A transfer the picture draws: the event's note, the notes of the parties it goes from and
/// to, and its date.
type Transfer<'a> = (usize, usize, usize, &'a DateSpan);

/// The picture's geometry, in SVG user units: the lane names to the left of `LEFT`, the axis
/// `WIDTH` long after them, the years in a band `TOP` high above the lanes, each lane `LANE_H`
/// high.
/// The left column (each lane's organization and each role's holder and title), the time
/// axis's width, a lane's heading, a role's row, and the room above the first lane.
const LEFT: f64 = 300.0;
const WIDTH: f64 = 600.0;
const HEAD_H: f64 = 26.0;
const ROW_H: f64 = 20.0;
const TOP: f64 = 40.0;
/// The legend's height, below the lanes.
const LEGEND_H: f64 = 70.0;
/// The most characters a role's label shows in the left column (its title says it whole).
const LABEL_CHARS: usize = 46;

/// The timeline as a picture: one lane per organization named by a transfer or a role in the
/// period, bars for the roles people hold there, an arrow for each transfer (red when it is a
/// conflict). Its `<title>` and `<desc>` say the same in words, for screen readers. `None` when
/// nothing in `order` is dated or no lane has an organization to show.
pub(crate) fn svg(loc: &Locale<'_>, order: &[usize], conflicts: &Conflicts) -> Option<String> {
    let transfers = transfers(loc.dossier, order);
    let axis = Axis::of(loc.dossier, order)?;
    let lanes = Lanes::of(loc.dossier, &transfers, conflicts)?;
    let bottom = lanes.bottom();
    let height = bottom + LEGEND_H;
    let mut s = String::new();
    svg_head(&mut s, loc, &axis, &lanes, height);
    svg_years(&mut s, &axis, bottom);
    for k in 0..lanes.orgs.len() {
        svg_lane(&mut s, loc, &axis, &lanes, k);
    }
    svg_transfers(&mut s, loc, &axis, &lanes, &transfers, conflicts);
    svg_legend(&mut s, loc, bottom + 14.0);
    s.push_str("</svg>\n");
    Some(s)
}

/// The events of `order` that move something from one note to another (both named and
/// known), with their dates, in the order given.
fn transfers<'a>(dossier: &'a Dossier, order: &[usize]) -> Vec<Transfer<'a>> {
    order
        .iter()
        .filter_map(|&i| match &dossier.notes[i].data {
            KindData::Event(e) => {
                let from = dossier.by_id.get(e.from.as_deref()?)?;
                let to = dossier.by_id.get(e.to.as_deref()?)?;
                Some((i, *from, *to, e.date.as_ref()?))
            }
            _ => None,
        })
        .collect()
}

/// The time axis, in whole years: from the first day of the year before the earliest date
/// to the last day of the year after the latest, so that no mark sits on an edge.
struct Axis {
    lo_year: i32,
    hi_year: i32,
    first_day: Day,
    last_day: Day,
    /// [`ordinal`] of `first_day` and of `last_day`.
    start: i64,
    end: i64,
}

impl Axis {
    /// The axis over the dates of `order`; a span open at one end counts by its other end.
    /// `None` when nothing in `order` is dated.
    fn of(dossier: &Dossier, order: &[usize]) -> Option<Axis> {
        let dated: Vec<&DateSpan> = order.iter().filter_map(|&i| dossier.notes[i].date()).collect();
        let lo = dated
            .iter()
            .map(|d| if d.start == Day::MIN { d.end } else { d.start })
            .min()?;
        let hi = dated
            .iter()
            .map(|d| if d.end == Day::MAX { d.start } else { d.end })
            .max()?;
        let (lo_year, hi_year) = (lo.year - 1, hi.year + 1);
        let first_day = Day {
            year: lo_year,
            month: 1,
            day: 1,
        };
        let last_day = Day {
            year: hi_year,
            month: 12,
            day: 31,
        };
        Some(Axis {
            lo_year,
            hi_year,
            first_day,
            last_day,
            start: ordinal(first_day),
            end: ordinal(last_day),
        })
    }

    /// Where a day falls on the axis, from `LEFT` to `LEFT + WIDTH`.
    fn x(&self, d: Day) -> f64 {
        LEFT + WIDTH * ((ordinal(d) - self.start) as f64 / (self.end - self.start).max(1) as f64)
    }
}

/// The picture's lanes, one per organization: the parties of transfers, then the
/// organizations where the people of a conflict hold the roles it goes through, each once, in
/// the order first met; and the roles people hold at each.
struct Lanes<'a> {
    /// The organizations' notes, top to bottom.
    orgs: Vec<usize>,
    /// Each organization's lane, by its note: a large dossier has thousands of lanes and
    /// transfers, so a lane is found by a map rather than a search.
    lane_of: HashMap<usize, usize>,
    /// For each lane, the roles held at its organization: people in order, and each one's
    /// roles in order.
    roles_at: Vec<Vec<(&'a Note, &'a Role)>>,
}

impl<'a> Lanes<'a> {
    /// The lanes of these transfers and conflicts; `None` when there is none (a party or a
    /// role's organization that is not an organization note has no lane).
    fn of(dossier: &'a Dossier, transfers: &[Transfer<'_>], conflicts: &Conflicts) -> Option<Lanes<'a>> {
        let mut orgs: Vec<usize> = Vec::new();
        let mut lane_of: HashMap<usize, usize> = HashMap::new();
        let mut add = |o: usize| {
            if dossier.notes[o].kind == Kind::Organization {
                lane_of.entry(o).or_insert_with(|| {
                    orgs.push(o);
                    orgs.len() - 1
                });
            }
        };
        for &(_, f, t, _) in transfers {
            add(f);
            add(t);
        }
        for c in &conflicts.list {
            for l in c.from.chain.iter().chain(&c.to.chain) {
                if let Some(role) = role_of(dossier, l.holder, l.role)
                    && let Some(&o) = dossier.by_id.get(&role.org)
                {
                    add(o);
                }
            }
        }
        if orgs.is_empty() {
            return None;
        }
        let roles_at = roles_at(dossier, orgs.len(), &lane_of);
        Some(Lanes {
            orgs,
            lane_of,
            roles_at,
        })
    }

    /// The top of lane `k`: each lane is a heading and a row for each role held there.
    fn top(&self, k: usize) -> f64 {
        TOP + self.roles_at[..k]
            .iter()
            .map(|roles| HEAD_H + ROW_H * roles.len() as f64 + 8.0)
            .sum::<f64>()
    }

    /// Below the last lane.
    fn bottom(&self) -> f64 {
        self.top(self.orgs.len())
    }

    /// Where an arrow meets an organization's lane (under its heading), if it has one.
    fn y(&self, o: usize) -> Option<f64> {
        self.lane_of.get(&o).map(|&k| self.top(k) + HEAD_H - 8.0)
    }
}

/// The roles held at each of `lanes` organizations (`lane_of` gives an organization's lane),
/// people in order and each one's roles in order, found in one pass over the people rather
/// than one per lane.
fn roles_at<'a>(dossier: &'a Dossier, lanes: usize, lane_of: &HashMap<usize, usize>) -> Vec<Vec<(&'a Note, &'a Role)>> {
    let mut roles_at: Vec<Vec<(&Note, &Role)>> = vec![Vec::new(); lanes];
    for (_, person) in dossier.of_kind(Kind::Person) {
        let KindData::Entity(e) = &person.data else {
            continue;
        };
        for role in &e.roles {
            if let Some(&k) = dossier.by_id.get(&role.org).and_then(|o| lane_of.get(o)) {
                roles_at[k].push((person, role));
            }
        }
    }
    roles_at
}

/// The opening `<svg>`, its `<title>` (the years the axis spans) and `<desc>` (the lanes'
/// organizations), which the element's `aria-labelledby` names, and the arrowhead the
/// transfers end with.
fn svg_head(s: &mut String, loc: &Locale<'_>, axis: &Axis, lanes: &Lanes<'_>, height: f64) {
    let w = loc.words;
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline-svg\" viewBox=\"0 0 {} {height}\" aria-labelledby=\"timeline-svg-title\" aria-describedby=\"timeline-svg-desc\">",
        LEFT + WIDTH + 20.0
    );
    let (lo_text, hi_text) = (axis.lo_year.to_string(), axis.hi_year.to_string());
    let _ = writeln!(
        s,
        "<title id=\"timeline-svg-title\">{}</title>",
        escaped(&w.fmt("svg_title", &[("from", &lo_text), ("to", &hi_text)]))
    );
    let names: Vec<&str> = lanes
        .orgs
        .iter()
        .map(|&o| loc.shown(&loc.dossier.notes[o]).title.as_str())
        .collect();
    let _ = writeln!(
        s,
        "<desc id=\"timeline-svg-desc\">{}</desc>",
        escaped(&w.fmt("svg_desc", &[("lanes", &names.join(w.get("list_separator")))]))
    );
    s.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n");
}

/// A grid line and a label at the start of each year of the axis, down the whole picture.
fn svg_years(s: &mut String, axis: &Axis, bottom: f64) {
    for y in axis.lo_year..=axis.hi_year {
        let gx = axis.x(Day {
            year: y,
            month: 1,
            day: 1,
        });
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{gx:.1}\" y1=\"{}\" x2=\"{gx:.1}\" y2=\"{:.1}\"/><text class=\"year\" x=\"{:.1}\" y=\"{}\">{y}</text>",
            TOP - 16.0,
            bottom,
            gx + 3.0,
            TOP - 20.0
        );
    }
}

/// Lane `k`: its organization's name, a link to its page, and a line under it; then a row for
/// each role held there, its holder and title (with its dates) in the left column and a bar
/// over its span, clipped to the axis (a role with no start runs from the axis's first day,
/// and is marked `open-start`). One row a role: bars never cover each other.
fn svg_lane(s: &mut String, loc: &Locale<'_>, axis: &Axis, lanes: &Lanes<'_>, k: usize) {
    let org = &loc.dossier.notes[lanes.orgs[k]];
    let y = lanes.top(k);
    let _ = writeln!(
        s,
        "<g class=\"lane\"><line x1=\"8\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/><a href=\"{}\"><text class=\"lane-name\" x=\"8\" y=\"{:.1}\"{}>{}</text></a></g>",
        y + HEAD_H - 4.0,
        LEFT + WIDTH,
        y + HEAD_H - 4.0,
        escaped(&loc.summary(org).url),
        y + HEAD_H - 9.0,
        lang_attr(loc.foreign_title(org)),
        escaped(&loc.shown(org).title)
    );
    for (r, &(person, role)) in lanes.roles_at[k].iter().enumerate() {
        let a = role
            .from
            .as_ref()
            .map_or(axis.first_day, |d| d.start)
            .max(axis.first_day);
        let b = role.to.as_ref().map_or(axis.last_day, |d| d.end).min(axis.last_day);
        let row = y + HEAD_H + ROW_H * r as f64;
        let words = &loc.words.dates;
        let when = match (&role.from, &role.to) {
            (Some(f), Some(t)) => format!("{}–{}", f.display(words), t.display(words)),
            (Some(f), None) => format!("{}–", f.display(words)),
            (None, Some(t)) => format!("–{}", t.display(words)),
            (None, None) => String::new(),
        };
        let name = role_name(loc, role, &loc.dossier.site.config.default_lang);
        // In another language than the page's, the name as written is in the table under the
        // chart; the chart says the page's word for its type.
        let short = name.label.unwrap_or(&name.text);
        let full = loc.words.fmt(
            "svg_role",
            &[
                ("person", &loc.shown(person).title),
                ("role", short),
                ("org", &loc.shown(org).title),
            ],
        );
        let label = format!("{}{}{}", loc.shown(person).title, loc.words.get("colon"), short);
        let shown: String = match label.chars().count() > LABEL_CHARS {
            true => format!("{}…", label.chars().take(LABEL_CHARS - 1).collect::<String>()),
            false => label,
        };
        let _ = write!(
            s,
            "<g class=\"role-row\"><title>{}{}</title><text class=\"role-label\" x=\"20\" y=\"{:.1}\">{}</text>",
            escaped(&full),
            if when.is_empty() {
                String::new()
            } else {
                loc.words.bracketed(&escaped(&when))
            },
            row + 14.0,
            escaped(&shown),
        );
        if a <= b {
            let _ = write!(
                s,
                "<rect class=\"role{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\"/>",
                if role.from.is_none() { " open-start" } else { "" },
                axis.x(a),
                row + 5.0,
                (axis.x(b) - axis.x(a)).max(2.0),
            );
        }
        s.push_str("</g>\n");
    }
}

/// The key to the picture's marks, in the page's language: a role's bar, a transfer, one
/// through a certain and one through a possible conflict of interest, a transfer over a span
/// of time.
fn svg_legend(s: &mut String, loc: &Locale<'_>, y: f64) {
    let w = loc.words;
    let _ = writeln!(s, "<g class=\"legend\" transform=\"translate(20 {y:.1})\">");
    let items: [(&str, &str); 5] = [
        (
            "<rect class=\"role\" x=\"0\" y=\"-9\" width=\"24\" height=\"10\"/>",
            "svg_legend_role",
        ),
        (
            "<line class=\"transfer\" x1=\"0\" y1=\"-4\" x2=\"24\" y2=\"-4\"/>",
            "svg_legend_transfer",
        ),
        (
            "<line class=\"transfer certain\" x1=\"0\" y1=\"-4\" x2=\"24\" y2=\"-4\"/>",
            "svg_legend_certain",
        ),
        (
            "<line class=\"transfer possible\" x1=\"0\" y1=\"-4\" x2=\"24\" y2=\"-4\"/>",
            "svg_legend_possible",
        ),
        (
            "<rect class=\"span\" x=\"0\" y=\"-9\" width=\"24\" height=\"10\"/>",
            "svg_legend_span",
        ),
    ];
    for (k, (mark, key)) in items.iter().enumerate() {
        let (x, row) = ((k % 3) as f64 * 300.0, (k / 3) as f64 * 22.0);
        let _ = writeln!(
            s,
            "<g transform=\"translate({x:.1} {row:.1})\">{mark}<text x=\"32\" y=\"0\">{}</text></g>",
            escaped(w.get(key))
        );
    }
    s.push_str("</g>\n");
}

/// An arrow for each transfer whose two parties have lanes, from the first's lane to the
/// second's at the transfer's date (its last day when it has no start), a link to the event's
/// page; `conflict` (drawn red) when the event is a conflict of interest.
fn svg_transfers(
    s: &mut String,
    loc: &Locale<'_>,
    axis: &Axis,
    lanes: &Lanes<'_>,
    transfers: &[Transfer<'_>],
    conflicts: &Conflicts,
) {
    for &(i, f, t, d) in transfers {
        let (Some(y1), Some(y2)) = (lanes.y(f), lanes.y(t)) else {
            continue;
        };
        let start = if d.start == Day::MIN { d.end } else { d.start };
        let ax = axis.x(start);
        // Certain when any conflict the event raises is; said in words in the link's name.
        let certainty = conflicts.of_event(i).map(|c| c.certainty).max();
        let (class, said) = match certainty {
            Some(crate::graph::conflicts::Certainty::Certain) => {
                (" certain", loc.words.get("certainty_certain_conflict"))
            }
            Some(crate::graph::conflicts::Certainty::Possible) => {
                (" possible", loc.words.get("certainty_possible_conflict"))
            }
            None => ("", ""),
        };
        let event = &loc.dossier.notes[i];
        let when = d.display(&loc.words.dates);
        let about = match said {
            "" => when,
            said => format!("{when}{}{said}", loc.words.get("semicolon")),
        };
        let name = format!("{}{}", loc.shown(event).title, loc.words.bracketed(&about));
        let _ = write!(
            s,
            "<a href=\"{}\" aria-label=\"{}\">",
            escaped(&loc.summary(event).url),
            escaped(&name)
        );
        // An event over a span of time is drawn over it, between the two lanes.
        let end = if d.end == Day::MAX { d.start } else { d.end };
        if d.start != Day::MIN && axis.x(end) - ax >= 4.0 {
            let _ = write!(
                s,
                "<rect class=\"span\" x=\"{ax:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                y1.min(y2),
                axis.x(end) - ax,
                (y2 - y1).abs().max(4.0)
            );
        }
        // The tooltip names the event, in the language of its title.
        let _ = writeln!(
            s,
            "<line class=\"transfer{class}\" x1=\"{ax:.1}\" y1=\"{y1:.1}\" x2=\"{ax:.1}\" y2=\"{y2:.1}\" marker-end=\"url(#arrow)\"><title{}>{}</title></line></a>",
            lang_attr(loc.foreign_title(event)),
            escaped(&loc.shown(event).title)
        );
    }
}

/// ` lang="…"` for words in another language than the page's.
fn lang_attr(lang: Option<&str>) -> String {
    lang.map_or_else(String::new, |l| format!(" lang=\"{}\"", escaped(l)))
}

fn role_of(dossier: &Dossier, holder: usize, role: usize) -> Option<&Role> {
    match &dossier.notes[holder].data {
        KindData::Entity(e) => e.roles.get(role),
        _ => None,
    }
}

/// `timeline.json` in the format of TimelineJS (Knight Lab).
pub(crate) fn timeline_js(dossier: &Dossier, order: &[usize], conflicts: &Conflicts, base_url: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct Text {
        headline: String,
        text: String,
    }
    #[derive(Serialize)]
    struct Date {
        year: i32,
        #[serde(skip_serializing_if = "Option::is_none")]
        month: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        day: Option<u8>,
        display_date: String,
    }
    #[derive(Serialize)]
    struct Event {
        unique_id: String,
        start_date: Date,
        #[serde(skip_serializing_if = "Option::is_none")]
        end_date: Option<Date>,
        text: Text,
        group: String,
    }
    #[derive(Serialize)]
    struct Doc {
        title: serde_json::Value,
        events: Vec<Event>,
    }
    let point = |d: &DateSpan, end: bool| -> Option<Date> {
        let p = if end { d.ends.1 } else { d.ends.0 }?;
        Some(Date {
            year: p.year,
            month: p.month,
            day: p.day,
            display_date: d.display_en(),
        })
    };
    let events = order
        .iter()
        .filter_map(|&i| {
            let n: &Note = &dossier.notes[i];
            let d = n.date()?;
            let start = point(d, false).or_else(|| point(d, true))?;
            let end = if d.ends.0 != d.ends.1 { point(d, true) } else { None };
            let who: Vec<String> = conflicts
                .of_event(i)
                .map(|c| {
                    format!(
                        "{} conflict of interest: {}",
                        match c.certainty {
                            Certainty::Certain => "Certain",
                            Certainty::Possible => "Possible",
                        },
                        escaped(&dossier.notes[c.person].title)
                    )
                })
                .collect();
            let url = format!("{}{}", base_url, crate::graph::note_path(n));
            let mut text = n.common.summary.as_deref().map(escaped).unwrap_or_default();
            for w in who {
                let _ = write!(text, "<p>{w}.</p>");
            }
            let _ = write!(text, "<p><a href=\"{}\">Read more</a></p>", escaped(&url));
            Some(Event {
                unique_id: n.id.clone(),
                start_date: start,
                end_date: end,
                text: Text {
                    headline: escaped(&n.title),
                    text,
                },
                group: n.kind.plural().to_string(),
            })
        })
        .collect();
    let doc = Doc {
        title: serde_json::json!({ "text": { "headline": escaped(&dossier.site.config.title), "text": dossier.site.config.description.as_deref().map(escaped).unwrap_or_default() } }),
        events,
    };
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}
