//! A generated dossier of any size, for the benchmarks: sources, people, organizations, events
//! and claims in the proportions of a real investigation, linked to each other with wikilinks,
//! Markdown links and citations, so that every part of the build and of the checker has work.

use std::fmt::Write as _;
use std::path::Path;

/// Writes a dossier of about `notes` notes into `root` (which must be empty).
/// The number of notes to generate: `DOSSIER_BENCH_NOTES`, or 10,000.
pub fn size() -> usize {
    std::env::var("DOSSIER_BENCH_NOTES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

pub fn generate(root: &Path, notes: usize) {
    let sources = (notes / 5).max(1);
    let people = (notes / 10).max(1);
    let orgs = (notes / 10).max(1);
    let events = (notes / 3).max(1);
    let claims = notes.saturating_sub(sources + people + orgs + events).max(1);
    let write = |rel: String, text: String| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "content/_index.md".into(),
        "---\ntitle: Generated dossier\nbase_url: https://example.org/bench/\n---\nA generated dossier: see [[event-0]].\n".into(),
    );
    let para = "The record shows a sequence of decisions whose timing matters more than their size, \
                and the documents disagree on some of the dates.";
    for i in 0..sources {
        write(
            format!("content/sources/source-{i}.md"),
            format!(
                "---\ntitle: Report number {i}\npublisher: Publisher {}\npublished: 20{:02}-{:02}-{:02}\nlanguage: en\nurl: https://example.com/report/{i}\n---\n{para}\n\nIt names [[person-{}]] and [[org-{}]].\n",
                i % 17,
                10 + i % 14,
                1 + i % 12,
                1 + i % 28,
                i % people,
                i % orgs
            ),
        );
    }
    for i in 0..orgs {
        write(
            format!("content/organizations/org-{i}.md"),
            format!("---\nname: Organization {i}\nsummary: A company in the generated case.\n---\n{para}\n"),
        );
    }
    for i in 0..people {
        let mut roles = String::new();
        for k in 0..3 {
            let _ = writeln!(
                roles,
                "  - {{ org: org-{}, role: director, type: director, from: \"20{:02}\", cites: [{{ source: source-{}, at: \"¶{}\" }}] }}",
                (i + k * 7) % orgs,
                10 + (i + k) % 10,
                (i + k) % sources,
                k + 1
            );
        }
        write(
            format!("content/people/person-{i}.md"),
            format!(
                "---\nname: Person {i}\naliases: [P{i}]\nroles:\n{roles}---\n## Background\n\n{para} [@source-{}, ¶2]\n\n## Links\n\nWorked with [[person-{}]] at [[org-{}|the company]].\n",
                i % sources,
                (i + 1) % people,
                i % orgs
            ),
        );
    }
    for i in 0..events {
        write(
            format!("content/events/event-{i}.md"),
            format!(
                "---\ntitle: Transfer number {i}\ndate: \"20{:02}-{:02}\"\ntype: transfer\nactors: [person-{}]\nfrom: org-{}\nto: org-{}\nquantity: {{ value: {}, unit: units }}\ncites:\n  - {{ source: source-{}, at: \"¶{}\" }}\n---\n\
                 {para} [[person-{}]] approved it [@source-{}, ¶3; @source-{}].\n\n\
                 ## Context\n\nSee [the previous transfer](event-{}.md) and [[person-{}#background]].\n\n\
                 | party | role |\n|---|---|\n| [[org-{}]] | sender |\n| [[org-{}]] | receiver |\n",
                12 + i % 12,
                1 + i % 12,
                i % people,
                i % orgs,
                // One transfer in ten goes to a company where the sender's director also sits:
                // a conflict of interest, as rare as it is in a real case.
                (i + if i % 10 == 0 { 7 } else { 3 }) % orgs,
                1000 + i,
                i % sources,
                1 + i % 40,
                i % people,
                (i + 5) % sources,
                (i + 9) % sources,
                (i + events - 1) % events,
                (i + 2) % people,
                i % orgs,
                (i + 3) % orgs
            ),
        );
    }
    for i in 0..claims {
        write(
            format!("content/claims/claim-{i}.md"),
            format!(
                "---\ntitle: Claim number {i}\nclaimant: person-{}\ndate: \"20{:02}\"\nstatus: disputed\nabout: [event-{}]\ncites: [source-{}]\n---\n{para} [@source-{}, p. 4]\n\nIt concerns [[event-{}]].\n",
                i % people,
                14 + i % 10,
                i % events,
                i % sources,
                (i + 1) % sources,
                i % events
            ),
        );
    }
}
