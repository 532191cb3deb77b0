//! Date spans: what a dossier knows about *when*, with its precision and its doubt.
//!
//! Sources rarely give a day. "Late 2023", "in April", "2024-06-04" must all be comparable, so a
//! date is written as an ISO prefix whose length is its precision (`2024`, `2024-06`,
//! `2024-06-04`), optionally marked approximate (`~`) or uncertain (`?`), or as a range `A/B`
//! where `..` leaves an end open. Each parses to a [`DateSpan`]: the earliest and latest day it
//! can mean. Conflict detection asks whether spans overlap or cover each other; the timeline
//! sorts by them; templates show them in words, so doubt is never only a matter of style.

use std::cmp::Ordering;
use std::fmt;

/// A calendar day. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    pub(crate) const MIN: Day = Day {
        year: i32::MIN,
        month: 1,
        day: 1,
    };
    pub(crate) const MAX: Day = Day {
        year: i32::MAX,
        month: 12,
        day: 31,
    };

    pub(crate) fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How much of the date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Year,
    Month,
    Day,
    /// `A/B`: the precision of each end is in `DateSpan::ends`.
    Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Qualifier {
    #[default]
    Exact,
    /// `~`: about that date.
    Approximate,
    /// `?`: the date itself is in doubt.
    Uncertain,
}

/// One end of a date as written, before it becomes a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Point {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Point {
    /// The point as an ISO prefix of its precision: `2024`, `2024-06`, `2024-06-04`.
    pub(crate) fn iso(&self) -> String {
        match (self.month, self.day) {
            (None, _) => format!("{:04}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
        }
    }

    fn first_day(&self) -> Day {
        Day {
            year: self.year,
            month: self.month.unwrap_or(1),
            day: self.day.unwrap_or(1),
        }
    }

    fn last_day(&self) -> Day {
        let month = self.month.unwrap_or(12);
        Day {
            year: self.year,
            month,
            day: self.day.unwrap_or_else(|| days_in_month(self.year, month)),
        }
    }

    fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }
}

/// A date as the dossier knows it: the earliest and latest day it can mean.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateSpan {
    pub start: Day,
    pub end: Day,
    pub precision: Precision,
    pub qualifier: Qualifier,
    /// The ends as written; `None` is an open end (`..`). A single date has the same point twice.
    pub ends: (Option<Point>, Option<Point>),
    /// The text as written in the front-matter.
    pub text: String,
}

/// Why a date could not be read. The message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateError {}

pub(crate) fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const HELP: &str = "write a date as YYYY, YYYY-MM or YYYY-MM-DD, optionally with ~ (approximate) or ? \
                    (uncertain), or a range A/B where .. leaves an end open";

fn parse_point(s: &str) -> Result<Point, DateError> {
    let bad = || DateError(format!("`{s}` is not a date; {HELP}"));
    let parts: Vec<&str> = s.split('-').collect();
    if parts.is_empty() || parts.len() > 3 {
        return Err(bad());
    }
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(parts[0], 4) {
        return Err(bad());
    }
    let year: i32 = parts[0].parse().map_err(|_| bad())?;
    let mut point = Point {
        year,
        month: None,
        day: None,
    };
    if let Some(m) = parts.get(1) {
        if !digits(m, 2) {
            return Err(bad());
        }
        let month: u8 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(DateError(format!("`{s}` has month {month}; months run from 01 to 12")));
        }
        point.month = Some(month);
    }
    if let Some(d) = parts.get(2) {
        if !digits(d, 2) {
            return Err(bad());
        }
        let day: u8 = d.parse().map_err(|_| bad())?;
        let month = point.month.unwrap_or(1);
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(DateError(format!(
                "`{s}` is not a day of the calendar: {} {year} has {max} days",
                MONTHS[usize::from(month - 1)]
            )));
        }
        point.day = Some(day);
    }
    Ok(point)
}

impl DateSpan {
    /// The key lists and the timeline sort by: the first possible day, or the last one when the
    /// span has no known start ("before June 2024" sits with June 2024, not before all time),
    /// then the span itself.
    pub(crate) fn order_key(&self) -> (Day, &DateSpan) {
        (if self.start == Day::MIN { self.end } else { self.start }, self)
    }

    pub fn parse(text: &str) -> Result<DateSpan, DateError> {
        let raw = text.trim();
        if raw.is_empty() {
            return Err(DateError(format!("the date is empty; {HELP}")));
        }
        let (body, qualifier) = if let Some(b) = raw.strip_suffix('~').or_else(|| raw.strip_prefix('~')) {
            (b.trim(), Qualifier::Approximate)
        } else if let Some(b) = raw.strip_suffix('?') {
            (b.trim(), Qualifier::Uncertain)
        } else {
            (raw, Qualifier::Exact)
        };
        if body.contains(['~', '?']) {
            return Err(DateError(format!(
                "`{raw}` has more than one qualifier; use either ~ or ?, once"
            )));
        }
        let (ends, precision) = if let Some((a, b)) = body.split_once('/') {
            let a = if a.trim() == ".." {
                None
            } else {
                Some(parse_point(a.trim())?)
            };
            let b = if b.trim() == ".." {
                None
            } else {
                Some(parse_point(b.trim())?)
            };
            if a.is_none() && b.is_none() {
                return Err(DateError(format!(
                    "`{raw}` is open at both ends; give at least one date"
                )));
            }
            ((a, b), Precision::Range)
        } else {
            let p = parse_point(body)?;
            ((Some(p), Some(p)), p.precision())
        };
        let start = ends.0.map_or(Day::MIN, |p| p.first_day());
        let end = ends.1.map_or(Day::MAX, |p| p.last_day());
        if start > end {
            return Err(DateError(format!(
                "`{raw}` ends before it starts; put the earlier date first"
            )));
        }
        Ok(DateSpan {
            start,
            end,
            precision,
            qualifier,
            ends,
            text: raw.to_string(),
        })
    }

    #[cfg(test)]
    /// True when the two spans share at least one day.
    pub(crate) fn overlaps(&self, other: &DateSpan) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    #[cfg(test)]
    /// True when every day of `other` is inside this span.
    pub(crate) fn covers(&self, other: &DateSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The value of a `<time datetime>` attribute: the date as written without its qualifier,
    /// or, for a range, its known start (or end, when the start is open).
    pub fn machine(&self) -> String {
        match self.ends {
            (Some(a), _) => a.iso(),
            (None, Some(b)) => b.iso(),
            (None, None) => String::new(),
        }
    }

    /// The date as the start of something (a role's `from`), in English: "by 2018" for
    /// `../2018`, "between October and December 2022" for `2022-10/2022-12`.
    pub(crate) fn display_start_en(&self) -> String {
        self.display_start(DateWords::english_shared())
    }

    /// The date in English words, with its doubt said in words too ("about June 2024").
    pub fn display_en(&self) -> String {
        self.display(DateWords::english_shared())
    }

    /// The date as the start of something, in the words of a language.
    pub(crate) fn display_start(&self, w: &DateWords) -> String {
        let plain = |p: Point| DateSpan::single(p).display(w);
        let core = match (self.precision, self.ends) {
            (Precision::Range, (None, Some(b))) => fill(&w.by, &[("b", &plain(b))]),
            (Precision::Range, (Some(a), Some(b))) => fill(&w.between, &[("a", &plain(a)), ("b", &plain(b))]),
            _ => return self.display(w),
        };
        w.qualify(self.qualifier, core)
    }

    fn single(p: Point) -> DateSpan {
        DateSpan {
            start: p.first_day(),
            end: p.last_day(),
            precision: p.precision(),
            qualifier: Qualifier::Exact,
            ends: (Some(p), Some(p)),
            text: String::new(),
        }
    }

    /// The date in the words of a language, its doubt included.
    pub(crate) fn display(&self, w: &DateWords) -> String {
        let point = |p: &Point| {
            let month = p.month.map(|m| m.to_string()).unwrap_or_default();
            let month_name = p
                .month
                .and_then(|m| w.months.get(usize::from(m) - 1))
                .cloned()
                .unwrap_or_default();
            let day = p.day.map(|d| d.to_string()).unwrap_or_default();
            let year = p.year.to_string();
            let pattern = match (p.month, p.day) {
                (None, _) => &w.year,
                (Some(_), None) => &w.month,
                (Some(_), Some(_)) => &w.day,
            };
            fill(
                pattern,
                &[
                    ("year", &year),
                    ("month", &month),
                    ("month_name", &month_name),
                    ("day", &day),
                ],
            )
        };
        let core = match (self.precision, self.ends) {
            (Precision::Range, (Some(a), Some(b))) => fill(&w.range, &[("a", &point(&a)), ("b", &point(&b))]),
            (Precision::Range, (Some(a), None)) => fill(&w.from, &[("a", &point(&a))]),
            (Precision::Range, (None, Some(b))) => fill(&w.until, &[("b", &point(&b))]),
            (_, (Some(a), _)) => point(&a),
            _ => String::new(),
        };
        w.qualify(self.qualifier, core)
    }
}

/// How a language writes dates: patterns with `{year}`, `{month}` (a number), `{month_name}`,
/// `{day}`, `{a}` and `{b}` (the ends of a range), `{date}` (a date being qualified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateWords {
    pub months: Vec<String>,
    pub year: String,
    pub month: String,
    pub day: String,
    pub range: String,
    pub from: String,
    pub until: String,
    pub by: String,
    pub between: String,
    pub about: String,
    pub uncertain: String,
}

impl DateWords {
    /// English, the words every other language falls back to.
    /// The English words, made once: the JSON export says every date in them.
    pub(crate) fn english_shared() -> &'static DateWords {
        static ENGLISH: std::sync::OnceLock<DateWords> = std::sync::OnceLock::new();
        ENGLISH.get_or_init(DateWords::english)
    }

    pub(crate) fn english() -> DateWords {
        DateWords {
            months: MONTHS.iter().map(|m| (*m).to_string()).collect(),
            year: "{year}".into(),
            month: "{month_name} {year}".into(),
            day: "{day} {month_name} {year}".into(),
            range: "{a} to {b}".into(),
            from: "from {a} on".into(),
            until: "until {b}".into(),
            by: "by {b}".into(),
            between: "between {a} and {b}".into(),
            about: "about {date}".into(),
            uncertain: "{date} (uncertain)".into(),
        }
    }

    fn qualify(&self, q: Qualifier, core: String) -> String {
        match q {
            Qualifier::Exact => core,
            Qualifier::Approximate => fill(&self.about, &[("date", &core)]),
            Qualifier::Uncertain => fill(&self.uncertain, &[("date", &core)]),
        }
    }
}

/// Replaces each `{name}` in `pattern` with its value; unknown names stay as written.
pub(crate) fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Chronological: by earliest day, then the more precise (shorter) span first, then the text.
impl Ord for DateSpan {
    fn cmp(&self, other: &Self) -> Ordering {
        self.start
            .cmp(&other.start)
            .then(self.end.cmp(&other.end))
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for DateSpan {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for DateSpan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("DateSpan", 8)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("datetime", &self.machine())?;
        st.serialize_field("start", &(self.start != Day::MIN).then(|| self.start.iso()))?;
        st.serialize_field("end", &(self.end != Day::MAX).then(|| self.end.iso()))?;
        st.serialize_field("precision", &self.precision)?;
        st.serialize_field("qualifier", &self.qualifier)?;
        st.serialize_field("display", &self.display_en())?;
        st.serialize_field("display_start", &self.display_start_en())?;
        st.end()
    }
}

/// Front-matter dates may be written quoted (`"2024-06"`) or bare (`2024`, which YAML reads as a
/// number); both are accepted, and a bad date fails with the place serde_yaml reports.
impl<'de> serde::Deserialize<'de> for DateSpan {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DateSpan;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2024, 2024-06, 2024-06-04, 2024-06~ or 2023/2024")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateSpan, E> {
                DateSpan::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DateSpan, E> {
                DateSpan::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DateSpan, E> {
                DateSpan::parse(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> DateSpan {
        DateSpan::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }
    fn day(y: i32, m: u8, dd: u8) -> Day {
        Day {
            year: y,
            month: m,
            day: dd,
        }
    }

    #[test]
    fn precision_is_the_length_of_the_prefix() {
        let y = d("2024");
        assert_eq!(
            (y.start, y.end, y.precision),
            (day(2024, 1, 1), day(2024, 12, 31), Precision::Year)
        );
        let m = d("2024-06");
        assert_eq!(
            (m.start, m.end, m.precision),
            (day(2024, 6, 1), day(2024, 6, 30), Precision::Month)
        );
        let dd = d("2024-06-04");
        assert_eq!(
            (dd.start, dd.end, dd.precision),
            (day(2024, 6, 4), day(2024, 6, 4), Precision::Day)
        );
    }

    #[test]
    fn month_ends_and_leap_days() {
        assert_eq!(d("2024-02").end, day(2024, 2, 29));
        assert_eq!(d("2023-02").end, day(2023, 2, 28));
        assert_eq!(d("1900-02").end, day(1900, 2, 28));
        assert_eq!(d("2000-02").end, day(2000, 2, 29));
        assert_eq!(d("2024-04").end, day(2024, 4, 30));
        assert_eq!(d("2024-12").end, day(2024, 12, 31));
        assert!(DateSpan::parse("2024-02-29").is_ok());
        let e = DateSpan::parse("2023-02-29").unwrap_err();
        assert_eq!(
            e.0,
            "`2023-02-29` is not a day of the calendar: February 2023 has 28 days"
        );
        assert!(DateSpan::parse("2024-04-31").is_err());
        assert!(DateSpan::parse("2024-06-00").is_err());
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "June 2024",
            "24",
            "2024-6",
            "2024-13",
            "2024-00",
            "2024-06-04-01",
            "..",
            "../..",
            "2024~?",
            "2024/2023",
        ] {
            assert!(DateSpan::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(
            DateSpan::parse("2024-13").unwrap_err().0,
            "`2024-13` has month 13; months run from 01 to 12"
        );
    }

    #[test]
    fn qualifiers() {
        assert_eq!(d("2023-12~").qualifier, Qualifier::Approximate);
        assert_eq!(d("~2023-12").qualifier, Qualifier::Approximate);
        assert_eq!(d("2023-03?").qualifier, Qualifier::Uncertain);
        assert_eq!(d("2023-03?").start, day(2023, 3, 1));
        assert_eq!(d("2023-12~").display_en(), "about December 2023");
        assert_eq!(d("2023-03?").display_en(), "March 2023 (uncertain)");
    }

    #[test]
    fn ranges_and_open_ends() {
        let r = d("2023-11/2024-01");
        assert_eq!(
            (r.start, r.end, r.precision),
            (day(2023, 11, 1), day(2024, 1, 31), Precision::Range)
        );
        let open = d("2022-10/..");
        assert_eq!((open.start, open.end), (day(2022, 10, 1), Day::MAX));
        assert_eq!(open.display_en(), "from October 2022 on");
        let until = d("../2016");
        assert_eq!((until.start, until.end), (Day::MIN, day(2016, 12, 31)));
        assert_eq!(until.display_en(), "until 2016");
        assert_eq!(until.machine(), "2016");
        assert_eq!(r.display_en(), "November 2023 to January 2024");
        assert_eq!(d("2023/2024?").qualifier, Qualifier::Uncertain);
    }

    #[test]
    fn overlap_and_cover() {
        let month = d("2023-12");
        let late = d("2023-12-15/..");
        assert!(late.overlaps(&month));
        assert!(!late.covers(&month));
        assert!(d("2008/..").covers(&month));
        assert!(!d("../2023-11-30").overlaps(&month));
        assert!(d("../2023-12-01").overlaps(&month));
        assert!(d("2023").covers(&d("2023-02-28")));
        assert!(!d("2024-01").overlaps(&month));
    }

    #[test]
    fn ordering_is_chronological() {
        let mut v = [d("2024-06-04"), d("2023"), d("2024-06"), d("2023-12~"), d("2024")];
        v.sort();
        let texts: Vec<_> = v.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, ["2023", "2023-12~", "2024", "2024-06", "2024-06-04"]);
    }

    #[test]
    fn display_and_machine_forms() {
        assert_eq!(d("2024-06-04").display_en(), "4 June 2024");
        assert_eq!(d("2024-06-04").machine(), "2024-06-04");
        assert_eq!(d("2024-06~").machine(), "2024-06");
        assert_eq!(d("2024").display_en(), "2024");
    }

    #[test]
    fn starts_read_as_starts() {
        let d = |t: &str| DateSpan::parse(t).unwrap().display_start_en();
        assert_eq!(d("../2018"), "by 2018");
        assert_eq!(d("2022-10/2022-12"), "between October 2022 and December 2022");
        assert_eq!(d("2023-03"), "March 2023");
        assert_eq!(d("2020~"), "about 2020");
        assert_eq!(d("2020/.."), "from 2020 on");
    }
}
