//! A generated dossier of any size, for benchmarks and for tests at scale. It is not part of
//! the program: tests and benches include this file as a module of their own
//! (`#[path = "support/generate.rs"] mod generate;`).
//!
//! It has every kind of note in the proportions of a real investigation (a fifth sources, a
//! third events, a quarter claims, the rest people, organizations and a few free pages), with
//! roles and ownership over date ranges, transfers between parties, dates of every precision,
//! claims of every status with contradictions and responses, and 3–6 KB bodies with headings,
//! lists, tables, blockquotes, some code blocks, footnotes, wikilinks, Markdown links and
//! citations. One note in twenty is translated into Traditional Chinese, with the hash of the
//! original it was made from. The same size and seed always give the same files, and the
//! result builds without an error or a warning.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use dossier::model::hash::body_hash;

/// How many notes of each kind a dossier of `notes` notes has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub sources: usize,
    pub people: usize,
    pub organizations: usize,
    pub events: usize,
    pub claims: usize,
    pub pages: usize,
}

impl Counts {
    pub fn of(notes: usize) -> Counts {
        let notes = notes.max(6);
        let sources = notes / 5;
        let people = notes / 10;
        let organizations = notes * 2 / 25;
        let events = notes * 7 / 20;
        let pages = (notes / 50).max(1);
        let claims = notes - sources - people - organizations - events - pages;
        Counts {
            sources: sources.max(1),
            people: people.max(1),
            organizations: organizations.max(2),
            events: events.max(1),
            claims: claims.max(1),
            pages,
        }
    }

    pub fn total(&self) -> usize {
        self.sources + self.people + self.organizations + self.events + self.claims + self.pages
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub counts: Counts,
    /// Which sources are in Chinese, by number (`source-N`).
    pub zh_sources: Vec<bool>,
    pub translations: usize,
    pub bytes: u64,
}

/// Writes a dossier of about `notes` notes into `out`, which must not exist or be empty: the
/// generator never writes over anything.
pub fn generate(out: &Path, notes: usize, seed: u64) -> Result<Generated, String> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty; give a new folder, so that nothing is overwritten",
                out.display()
            ));
        }
    }
    let counts = Counts::of(notes);
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed),
        counts,
        files: Vec::new(),
        zh_sources: Vec::new(),
    };
    g.site();
    for i in 0..counts.sources {
        g.source(i);
    }
    for i in 0..counts.organizations {
        g.organization(i);
    }
    for i in 0..counts.people {
        g.person(i);
    }
    for i in 0..counts.events {
        g.event(i);
    }
    for i in 0..counts.claims {
        g.claim(i);
    }
    for i in 0..counts.pages {
        g.page(i);
    }
    let translations = g
        .files
        .iter()
        .filter(|(p, _)| p.to_string_lossy().ends_with(".zh-Hant.md"))
        .count();
    let mut bytes = 0;
    for (rel, text) in &g.files {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        bytes += text.len() as u64;
    }
    Ok(Generated {
        zh_sources: g.zh_sources,
        counts,
        translations,
        bytes,
    })
}

const WORDS: &[&str] = &[
    "board",
    "shipment",
    "order",
    "memo",
    "email",
    "filing",
    "shareholder",
    "director",
    "transfer",
    "contract",
    "payment",
    "supplier",
    "cluster",
    "processor",
    "allocation",
    "priority",
    "delay",
    "quarter",
    "forecast",
    "statement",
    "record",
    "ledger",
    "invoice",
    "subsidiary",
    "holding",
    "stake",
    "vote",
    "meeting",
    "minutes",
    "counsel",
    "audit",
    "review",
    "deadline",
    "warehouse",
    "factory",
    "expansion",
    "schedule",
    "estimate",
    "figure",
    "source",
    "account",
    "report",
    "investor",
    "lender",
    "round",
    "valuation",
    "agreement",
    "licence",
    "revenue",
    "share",
    "plan",
    "executive",
    "officer",
    "chair",
    "founder",
    "owner",
    "employee",
    "engineer",
    "analyst",
    "regulator",
    "court",
    "ruling",
    "appeal",
    "deal",
    "price",
    "capacity",
    "demand",
    "supply",
    "timeline",
    "decision",
    "request",
    "reply",
    "denial",
    "claim",
    "question",
    "answer",
    "evidence",
    "document",
    "letter",
    "call",
    "transcript",
    "post",
    "announcement",
    "release",
    "summary",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "on",
    "for",
    "with",
    "by",
    "from",
    "that",
    "was",
    "were",
    "had",
    "said",
    "shows",
    "suggests",
    "names",
    "reports",
    "describes",
    "confirms",
    "disputes",
    "later",
    "earlier",
    "first",
    "again",
    "only",
    "also",
    "never",
    "often",
    "quickly",
    "quietly",
];

const ZH: &[&str] = &[
    "董事會",
    "出貨",
    "訂單",
    "備忘錄",
    "電子郵件",
    "申報文件",
    "股東",
    "董事",
    "轉移",
    "合約",
    "付款",
    "供應商",
    "叢集",
    "處理器",
    "分配",
    "優先",
    "延誤",
    "季度",
    "預測",
    "聲明",
    "紀錄",
    "投資人",
    "協議",
    "營收",
    "計畫",
    "執行長",
    "工程師",
    "分析師",
    "法院",
    "裁決",
    "交易",
    "產能",
    "需求",
    "時間表",
    "決定",
    "回應",
    "否認",
    "主張",
    "證據",
    "文件",
    "報導",
    "顯示",
    "指出",
    "表示",
    "後來",
    "先前",
    "再次",
    "只有",
    "也",
    "從未",
];

const PUBLISHERS: &[&str] = &[
    "The Daily Ledger",
    "Harbor Times",
    "Northern Review",
    "Capital Wire",
    "The Evening Post",
    "Market Watchers",
    "Registry Office",
    "Circuit Court",
    "Tech Journal",
    "The Gazette",
];

struct Gen {
    /// Which sources generated so far are in Chinese.
    zh_sources: Vec<bool>,
    rng: fastrand::Rng,
    counts: Counts,
    files: Vec<(PathBuf, String)>,
}

impl Gen {
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.rng.usize(..list.len())]
    }

    /// A source's number, for a citation.
    fn source_no(&mut self) -> usize {
        self.rng.usize(..self.counts.sources)
    }

    /// A few words of source `s`'s paragraph `n`, as a citation quotes them; none for a
    /// source not generated yet (a citation from a source's own body to a later one).
    fn quote(&self, s: usize, n: usize, open: &str, close: &str) -> String {
        match self.zh_sources.get(s) {
            Some(&zh) => format!("{open}{}{close}", quote_of(s, n, zh)),
            None => String::new(),
        }
    }

    fn source_id(&mut self) -> String {
        format!("source-{}", self.rng.usize(..self.counts.sources))
    }

    /// Any note of the dossier, as (id, folder).
    fn any_note(&mut self) -> (String, &'static str) {
        let c = self.counts;
        match self.rng.u8(..5) {
            0 => (format!("source-{}", self.rng.usize(..c.sources)), "sources"),
            1 => (format!("person-{}", self.rng.usize(..c.people)), "people"),
            2 => (format!("org-{}", self.rng.usize(..c.organizations)), "organizations"),
            3 => (format!("event-{}", self.rng.usize(..c.events)), "events"),
            _ => (format!("claim-{}", self.rng.usize(..c.claims)), "claims"),
        }
    }

    fn title(&mut self, words: usize) -> String {
        let mut t = String::new();
        for k in 0..words {
            let w = self.pick(WORDS);
            if k == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    t.extend(f.to_uppercase());
                    t.push_str(c.as_str());
                }
            } else {
                t.push(' ');
                t.push_str(w);
            }
        }
        t
    }

    /// A date of any precision and qualifier, between 2010 and 2024; ranges run forward.
    fn date(&mut self) -> String {
        let y = 2010 + self.rng.u32(..15);
        let m = 1 + self.rng.u32(..12);
        let d = 1 + self.rng.u32(..28);
        match self.rng.u8(..20) {
            0..=4 => format!("{y}-{m:02}-{d:02}"),
            5..=10 => format!("{y}-{m:02}"),
            11..=12 => format!("{y}"),
            13 => format!("{y}-{m:02}~"),
            14 => format!("{y}?"),
            15..=16 => format!("{y}-{m:02}/{}-{:02}", y + 1, 1 + self.rng.u32(..12)),
            17 => format!("../{y}"),
            18 => format!("{y}/.."),
            _ => format!("{y}-{m:02}-{d:02}~"),
        }
    }

    /// A plain date (no range), for `published`.
    fn day(&mut self) -> String {
        format!(
            "{}-{:02}-{:02}",
            2010 + self.rng.u32(..15),
            1 + self.rng.u32(..12),
            1 + self.rng.u32(..28)
        )
    }

    /// One sentence with, now and then, a link, a citation, emphasis or code.
    fn sentence(&mut self, out: &mut String, notes: &mut Vec<String>) {
        let n = 8 + self.rng.usize(..12);
        for k in 0..n {
            let w = self.pick(WORDS);
            if k == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push(' ');
                match self.rng.u8(..60) {
                    0 => {
                        let (id, _) = self.any_note();
                        let _ = write!(out, "[[{id}]]");
                    }
                    1 => {
                        let (id, _) = self.any_note();
                        let _ = write!(out, "[[{id}|the {w}]]");
                    }
                    2 => {
                        let (id, _) = self.any_note();
                        let _ = write!(out, "[[{id}#background|{w}]]");
                    }
                    3 => {
                        let (id, folder) = self.any_note();
                        let _ = write!(out, "[{w}](../{folder}/{id}.md)");
                    }
                    4 => {
                        let _ = write!(out, "**{w}**");
                    }
                    5 => {
                        let _ = write!(out, "*{w}*");
                    }
                    6 => {
                        let _ = write!(out, "`{w}`");
                    }
                    _ => out.push_str(w),
                }
            }
        }
        match self.rng.u8(..6) {
            0 => {
                let (s, n) = (self.source_no(), 1 + usize::from(self.rng.u8(..PARAGRAPHS as u8)));
                let quote = self.quote(s, n, " “", "”");
                let _ = write!(out, "{quote} [@source-{s}, ¶{n}]");
            }
            1 => {
                let (a, b) = (self.source_id(), self.source_id());
                let _ = write!(out, " [@{a}; @{b}, p. {}]", 1 + self.rng.u8(..200));
            }
            2 if notes.len() < 3 => {
                let k = notes.len() + 1;
                let _ = write!(out, "[^{k}]");
                let s = self.source_id();
                notes.push(format!(
                    "[^{k}]: As the [[{s}]] has it, on page {}.",
                    1 + self.rng.u8(..90)
                ));
            }
            _ => {}
        }
        out.push_str(". ");
    }

    fn paragraph(&mut self, out: &mut String, notes: &mut Vec<String>) {
        for _ in 0..3 + self.rng.usize(..4) {
            self.sentence(out, notes);
        }
        out.truncate(out.trim_end().len());
        out.push_str("\n\n");
    }

    /// A body of 3–6 KB: an opening, `## Background` (which other notes link to), and sections
    /// with lists, a table, a blockquote or a code block.
    fn body(&mut self) -> String {
        let target = 3000 + self.rng.usize(..3000);
        let mut out = String::with_capacity(target + 1000);
        let mut notes = Vec::new();
        self.paragraph(&mut out, &mut notes);
        out.push_str("## Background\n\n");
        self.paragraph(&mut out, &mut notes);
        let mut section = 0;
        while out.len() < target {
            section += 1;
            let _ = write!(out, "## {} {section}\n\n", self.title(2));
            self.paragraph(&mut out, &mut notes);
            match self.rng.u8(..8) {
                0 | 1 => {
                    for _ in 0..3 + self.rng.usize(..4) {
                        out.push_str("- ");
                        self.sentence(&mut out, &mut notes);
                        out.truncate(out.trim_end().len());
                        out.push('\n');
                    }
                    out.push('\n');
                }
                2 => {
                    out.push_str("| party | role | amount |\n|---|---|---:|\n");
                    for _ in 0..3 + self.rng.usize(..5) {
                        let org = self.rng.usize(..self.counts.organizations);
                        let _ = writeln!(
                            out,
                            "| [[org-{org}]] | {} | {} |",
                            self.pick(WORDS),
                            self.rng.u32(..1_000_000)
                        );
                    }
                    out.push('\n');
                }
                3 | 4 => {
                    out.push_str("> ");
                    self.sentence(&mut out, &mut notes);
                    out.truncate(out.trim_end().len());
                    out.push_str("\n\n");
                }
                5 => {
                    let _ = write!(
                        out,
                        "```json\n{{ \"{}\": {}, \"{}\": \"{}\" }}\n```\n\n",
                        self.pick(WORDS),
                        self.rng.u32(..10_000),
                        self.pick(WORDS),
                        self.pick(WORDS)
                    );
                }
                _ => {}
            }
        }
        for n in notes {
            out.push_str(&n);
            out.push_str("\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// A Chinese body for a translation: prose with links and citations, no heading links (the
    /// translated headings differ).
    fn zh_body(&mut self) -> String {
        let mut out = String::from("## 背景\n\n");
        for _ in 0..4 + self.rng.usize(..4) {
            for _ in 0..3 + self.rng.usize(..3) {
                for _ in 0..10 + self.rng.usize(..10) {
                    out.push_str(self.pick(ZH));
                }
                match self.rng.u8(..4) {
                    0 => {
                        let (id, _) = self.any_note();
                        let _ = write!(out, "[[{id}]]");
                    }
                    1 => {
                        let (s, n) = (self.source_no(), 1 + usize::from(self.rng.u8(..PARAGRAPHS as u8)));
                        let quote = self.quote(s, n, "「", "」");
                        let _ = write!(out, "{quote}[@source-{s}, ¶{n}]");
                    }
                    _ => {}
                }
                out.push('。');
            }
            out.push_str("\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// Writes a note, and one time in twenty its Chinese translation.
    fn note(&mut self, folder: &str, id: &str, front: &str, body: String) {
        if self.rng.u8(..20) == 0 {
            let zh = self.zh_body();
            let name = if folder == "people" || folder == "organizations" {
                "name"
            } else {
                "title"
            };
            let title: String = (0..4).map(|_| self.pick(ZH)).collect();
            self.files.push((
                PathBuf::from(format!("content/{folder}/{id}.zh-Hant.md")),
                format!(
                    "---\ntranslated_from: \"{}\"\n{name}: {title}\n---\n{zh}",
                    body_hash(&body)
                ),
            ));
        }
        self.files.push((
            PathBuf::from(format!("content/{folder}/{id}.md")),
            format!("---\n{front}---\n{body}"),
        ));
    }

    fn site(&mut self) {
        self.files.push((
            PathBuf::from("content/_index.md"),
            "---\ntitle: A generated dossier\ndescription: Notes generated for benchmarks and tests at scale.\n\
             base_url: https://example.org/generated/\ndefault_lang: en\nlanguages:\n  en: { name: English }\n  \
             zh-Hant: { name: 繁體中文, required: [] }\n---\nA generated case: start with [[event-0]] and [[person-0]].\n"
                .into(),
        ));
    }

    fn cites(&mut self, n: usize) -> String {
        let mut out = String::from("cites:\n");
        for _ in 0..n {
            let (s, n) = (self.source_no(), 1 + usize::from(self.rng.u8(..PARAGRAPHS as u8)));
            // Half the front-matter citations quote; the others show their field where cited.
            let quote = if n % 2 == 1 {
                self.quote(s, n, ", quote: \"", "\"")
            } else {
                String::new()
            };
            let _ = writeln!(out, "  - {{ source: source-{s}, at: \"¶{n}\"{quote} }}");
        }
        out
    }

    fn source(&mut self, i: usize) {
        let publisher = self.pick(PUBLISHERS);
        let mut front = format!(
            "title: {} {i}\npublisher: {publisher}\nauthor: {} {}\npublished: {}\nretrieved: 2025-01-15\ntype: {}\n",
            self.title(5),
            self.title(1),
            self.title(1),
            self.day(),
            ["primary", "secondary", "commentary"][self.rng.usize(..3)],
        );
        // One source in twenty is known only through an earlier one; one in thirty translates
        // an earlier one; the rest are online.
        if i > 0 && self.rng.u8(..20) == 0 {
            let _ = writeln!(front, "via: source-{}\nlanguage: en", self.rng.usize(..i));
        } else if i > 0 && self.rng.u8(..30) == 0 {
            let _ = writeln!(
                front,
                "translation_of: source-{}\nlanguage: zh-Hant\nurl: https://example.com/zh/{i}",
                self.rng.usize(..i)
            );
        } else {
            let _ = writeln!(
                front,
                "language: en\nurl: https://example.com/report/{i}\narchive: https://archive.example.org/report/{i}"
            );
        }
        self.zh_sources.push(front.contains("language: zh-Hant"));
        let _ = writeln!(front, "text: source-{i}.txt");
        let body = self.body();
        self.note("sources", &format!("source-{i}"), &front, body);
    }

    fn organization(&mut self, i: usize) {
        let mut front = format!(
            "name: {} {i}\nsummary: {}.\naliases: [Org{i}]\n",
            self.title(2),
            self.title(8)
        );
        // One organization in six holds a stake in an earlier one, so that ownership chains
        // carry conflicts through.
        if i > 0 && self.rng.u8(..6) == 0 {
            let owner = self.rng.usize(..i);
            let s = self.source_id();
            let _ = write!(
                front,
                "roles:\n  - {{ org: org-{owner}, role: shareholder, type: owner, share: \"{}%\", from: \"{}\", cites: [{s}] }}\n",
                10 + self.rng.u8(..80),
                2005 + self.rng.u32(..10)
            );
        }
        let body = self.body();
        self.note("organizations", &format!("org-{i}"), &front, body);
    }

    fn person(&mut self, i: usize) {
        let mut front = format!("name: {} {}\naliases: [P{i}]\nroles:\n", self.title(1), self.title(1));
        const TYPES: &[&str] = &[
            "officer", "director", "chair", "founder", "owner", "investor", "employee", "other",
        ];
        for _ in 0..1 + self.rng.usize(..4) {
            let org = self.rng.usize(..self.counts.organizations);
            let t = self.pick(TYPES);
            let from = 2000 + self.rng.u32(..20);
            let to = match self.rng.u8(..3) {
                0 => format!(", to: \"{}\"", from + 1 + self.rng.u32(..8)),
                _ => String::new(),
            };
            let s = self.source_id();
            let _ = writeln!(
                front,
                "  - {{ org: org-{org}, role: {t}, type: {t}, from: \"{from}-{:02}\"{to}, cites: [{{ source: {s}, at: \"p. {}\" }}] }}",
                1 + self.rng.u32(..12),
                1 + self.rng.u8(..50)
            );
        }
        let body = self.body();
        self.note("people", &format!("person-{i}"), &front, body);
    }

    fn event(&mut self, i: usize) {
        const TYPES: &[&str] = &[
            "announcement",
            "funding",
            "acquisition",
            "statement",
            "ruling",
            "publication",
        ];
        let c = self.counts;
        let date = self.date();
        let mut front = format!(
            "title: {} {i}\nsummary: {}.\ndate: \"{date}\"\nactors: [person-{}, org-{}]\n",
            self.title(5),
            self.title(10),
            self.rng.usize(..c.people),
            self.rng.usize(..c.organizations)
        );
        if self.rng.u8(..5) < 2 {
            let from = self.rng.usize(..c.organizations);
            let to = (from + 1 + self.rng.usize(..c.organizations - 1)) % c.organizations;
            let _ = write!(
                front,
                "type: transfer\nfrom: org-{from}\nto: org-{to}\nquantity: {{ value: {}, unit: units }}\nvalue: {{ amount: {}, currency: USD, qualifier: \"{}\" }}\n",
                1 + self.rng.u32(..100_000),
                1000 * (1 + self.rng.u64(..1_000_000)),
                [">", "<", "~"][self.rng.usize(..3)]
            );
        } else {
            let _ = writeln!(front, "type: {}", self.pick(TYPES));
        }
        if self.rng.u8(..10) == 0 {
            front.push_str("tags: [disputed date]\n");
        }
        let n = 1 + self.rng.usize(..3);
        front.push_str(&self.cites(n));
        let body = self.body();
        self.note("events", &format!("event-{i}"), &front, body);
    }

    fn claim(&mut self, i: usize) {
        const STATUS: &[&str] = &["reported", "reported", "confirmed", "disputed", "denied"];
        let c = self.counts;
        let status = self.pick(STATUS);
        let claimant = self.rng.usize(..c.people);
        let mut front = format!(
            "title: {} {i}\nsummary: {}.\nclaimant: person-{claimant}\ndate: \"{}\"\nstatus: {status}\nabout: [event-{}]\n",
            self.title(6),
            self.title(10),
            self.date(),
            self.rng.usize(..c.events)
        );
        if status == "disputed" && c.claims > 1 {
            let other = (i + 1 + self.rng.usize(..c.claims - 1)) % c.claims;
            let _ = writeln!(front, "contradicted_by: [claim-{other}]");
        }
        let n = 2 + self.rng.usize(..2);
        front.push_str(&self.cites(n));
        if status == "denied" || self.rng.u8(..5) == 0 {
            let s = self.source_id();
            let _ = write!(
                front,
                "responses:\n  - {{ by: person-{}, date: \"{}\", summary: {}., cites: [{s}] }}\n",
                self.rng.usize(..c.people),
                self.day(),
                self.title(8)
            );
        }
        let body = self.body();
        self.note("claims", &format!("claim-{i}"), &front, body);
    }

    fn page(&mut self, i: usize) {
        let front = format!("title: {} {i}\nsummary: {}.\n", self.title(3), self.title(10));
        let body = self.body();
        self.note("analysis", &format!("page-{i}"), &front, body);
    }
}

/// How many paragraphs a generated source's text has.
const PARAGRAPHS: usize = 40;

/// Paragraph `n` (from 1) of source `s`'s text, the same wherever it is asked for: the texts
/// [`write_texts`] writes hold it, and the citations quote it.
pub fn paragraph(s: usize, n: usize, zh: bool) -> String {
    let mut rng = fastrand::Rng::with_seed(((s as u64) << 16) ^ (n as u64) ^ 0x5eed);
    if zh {
        let mut p = String::new();
        for _ in 0..25 + rng.usize(..20) {
            p.push_str(ZH[rng.usize(..ZH.len())]);
        }
        p.push('。');
        p
    } else {
        let words: Vec<&str> = (0..50 + rng.usize(..40))
            .map(|_| WORDS[rng.usize(..WORDS.len())])
            .collect();
        format!("{}.", words.join(" "))
    }
}

/// The words a citation quotes from paragraph `n` of source `s`.
fn quote_of(s: usize, n: usize, zh: bool) -> String {
    let p = paragraph(s, n, zh);
    if zh {
        p.chars().skip(4).take(8).collect()
    } else {
        p.split(' ').skip(3).take(5).collect::<Vec<_>>().join(" ")
    }
}

/// Writes every source's text into `dir` (`source-N.txt`), its paragraphs separated by blank
/// lines: the texts the generated citations are verified against.
pub fn write_texts(dir: &Path, generated: &Generated) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (s, &zh) in generated.zh_sources.iter().enumerate() {
        let text: Vec<String> = (1..=PARAGRAPHS).map(|n| paragraph(s, n, zh)).collect();
        let path = dir.join(format!("source-{s}.txt"));
        std::fs::write(&path, text.join("\n\n")).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
