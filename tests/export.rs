//! The dossier's data for other tools: the FollowTheMoney export loads without a single
//! problem in the `followthemoney` package and keeps every role with its dates; the sources'
//! CSL-JSON gives Pandoc a bibliography of every source; the site publishes both and says
//! what they are for on its home page. Without python3's followthemoney or pandoc the tests
//! that need them say they were skipped, unless DOSSIER_REQUIRE_TOOLS is set (as in CI).

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_ftm_export_of_the_example_loads_in_followthemoney_without_a_problem() {
    let has_ftm = Command::new("python3")
        .args(["-c", "import followthemoney"])
        .status()
        .is_ok_and(|s| s.success())
        && Command::new("ftm").arg("--help").output().is_ok();
    if !has_ftm && common::skip_missing_tool("followthemoney", "pip install followthemoney") {
        return;
    }
    let (_out, run) = common::build_example();
    run.ok();
    let file = run.out.join("dossier.ftm.json");
    let checked = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/ftm_validate.py"))
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(said.ends_with(", 0 problems\n"), "{said}");
    // The package's own reader takes every entity back.
    let out = tempfile::tempdir().unwrap();
    let again = out.path().join("again.json");
    let status = Command::new("ftm")
        .args(["validate", "-i"])
        .arg(&file)
        .arg("-o")
        .arg(&again)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(lines(&again).len(), lines(&file).len());
}

#[test]
fn every_role_and_date_survives_the_ftm_export() {
    let (_out, run) = common::build_example();
    run.ok();
    let entities = lines(&run.out.join("dossier.ftm.json"));
    let by_id: std::collections::HashMap<&str, &Value> =
        entities.iter().map(|e| (e["id"].as_str().unwrap(), e)).collect();
    let prop = |e: &Value, name: &str| -> Vec<String> {
        e["properties"][name]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let dossier: Value = serde_json::from_slice(&std::fs::read(run.out.join("dossier.json")).unwrap()).unwrap();
    let roles = dossier["roles"].as_array().unwrap();
    assert!(roles.len() > 10, "the example has its roles");
    let mut seen = std::collections::HashMap::new();
    for role in roles {
        let holder = role["holder"].as_str().unwrap();
        let n = seen.entry(holder).and_modify(|n| *n += 1).or_insert(1);
        let e = by_id
            .get(format!("role-{holder}-{n}").as_str())
            .unwrap_or_else(|| panic!("no entity for {role}"));
        let kind = |id: &str| {
            dossier["notes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == id)
                .unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let (holder_prop, org_prop) = match e["schema"].as_str().unwrap() {
            "Ownership" => ("owner", "asset"),
            "Employment" => ("employee", "employer"),
            "Membership" => ("member", "organization"),
            "Directorship" => ("director", "organization"),
            other => panic!("{other} is not a role's schema"),
        };
        let org = role["org"].as_str().unwrap();
        assert_eq!(prop(e, holder_prop), [format!("{}-{holder}", kind(holder))], "{role}");
        assert_eq!(prop(e, org_prop), [format!("organization-{org}")], "{role}");
        assert_eq!(prop(e, "role"), [role["role"].as_str().unwrap()], "{role}");
        let ownership = ["owner", "controlling_shareholder", "investor"].contains(&role["type"].as_str().unwrap());
        assert_eq!(e["schema"] == "Ownership", ownership, "{role}");
        // A share is a percentage only where it is written as one; as written, it is in the
        // description.
        let description = prop(e, "description").join(" ");
        match role["share"].as_str() {
            Some(share) => {
                assert!(description.contains(&format!("share: {share}")), "{role}");
                let number = share
                    .trim()
                    .strip_suffix('%')
                    .filter(|n| n.trim().parse::<f64>().is_ok());
                let expected: Vec<String> = number.map(|n| n.trim().to_string()).into_iter().collect();
                assert_eq!(prop(e, "percentage"), expected, "{role}");
            }
            None => assert!(prop(e, "percentage").is_empty(), "{role}"),
        }
        // The dates as written, and those FtM can hold as dates.
        let written = |key: &str| role[key]["text"].as_str().map(str::to_string);
        for (key, date_prop, end) in [("from", "startDate", 0), ("to", "endDate", 1)] {
            let Some(text) = written(key) else {
                assert!(prop(e, date_prop).is_empty(), "{role}");
                continue;
            };
            assert!(description.contains(&text), "{text} of {role} in {description:?}");
            let expected: Vec<String> = match text.split('/').collect::<Vec<_>>().as_slice() {
                [one] => vec![one.trim_end_matches(['~', '?']).to_string()],
                ends => Some(ends[end])
                    .filter(|k| *k != "..")
                    .map(|k| k.trim_end_matches(['~', '?']).to_string())
                    .into_iter()
                    .collect(),
            };
            assert_eq!(prop(e, date_prop), expected, "{key} of {role}");
        }
    }
    assert_eq!(
        entities
            .iter()
            .filter(|e| e["id"].as_str().unwrap().starts_with("role-"))
            .count(),
        roles.len()
    );
}

#[test]
fn pandoc_formats_a_bibliography_of_every_source_from_the_csl_export() {
    if Command::new("pandoc").arg("--version").output().is_err()
        && common::skip_missing_tool("pandoc", "apt-get install pandoc")
    {
        return;
    }
    let (out, run) = common::build_example();
    run.ok();
    let doc = out.path().join("bibliography.md");
    std::fs::write(&doc, "---\nnocite: '@*'\n---\n").unwrap();
    let formatted = Command::new("pandoc")
        .args(["--citeproc", "-t", "html", "--bibliography"])
        .arg(run.out.join("sources.csl.json"))
        .arg(&doc)
        .output()
        .unwrap();
    assert!(
        formatted.status.success(),
        "{}",
        String::from_utf8_lossy(&formatted.stderr)
    );
    assert!(
        formatted.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&formatted.stderr)
    );
    let html = String::from_utf8(formatted.stdout).unwrap();
    let sources: Vec<Value> =
        serde_json::from_slice(&std::fs::read(run.out.join("sources.csl.json")).unwrap()).unwrap();
    assert_eq!(sources.len(), 21);
    for s in &sources {
        let id = s["id"].as_str().unwrap();
        assert!(
            html.contains(&format!("id=\"ref-{id}\"")),
            "{id} is not in the bibliography"
        );
    }
    // A dated source keeps its date.
    let cnbc = sources.iter().find(|s| s["id"] == "cnbc-nvidia-emails").unwrap();
    assert_eq!(cnbc["issued"]["date-parts"], serde_json::json!([[2024, 6, 4]]));
}

#[test]
fn the_site_publishes_the_exports_and_the_home_page_says_what_they_are() {
    let (_out, run) = common::build_example();
    run.ok();
    for (lang, page) in [("en", "index.html"), ("zh", "zh-hant/index.html")] {
        let home = run.page(page);
        for file in ["dossier.json", "dossier.ftm.json", "sources.csl.json", "timeline.json"] {
            assert!(
                home.contains(&format!("href=\"/h100/{file}\"><code>{file}</code>")),
                "{lang}: {file}"
            );
        }
    }
    assert!(run.page("index.html").contains("FollowTheMoney entities"));
    // The command writes what the site publishes.
    let out = tempfile::tempdir().unwrap();
    for (format, file) in [("ftm", "dossier.ftm.json"), ("csl", "sources.csl.json")] {
        let written = out.path().join(file);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.args(["export", format, "--root"])
            .arg(common::example_root())
            .arg("--output")
            .arg(&written);
        common::run(cmd, out.path().to_path_buf()).ok();
        assert_eq!(
            std::fs::read(&written).unwrap(),
            std::fs::read(run.out.join(file)).unwrap(),
            "{format}"
        );
    }
}

#[test]
fn an_event_dated_by_its_end_or_in_doubt_has_no_exact_date_in_the_ftm_export() {
    let (_out, run) = common::build_example();
    run.ok();
    let entities = lines(&run.out.join("dossier.ftm.json"));
    let event = |id: &str| entities.iter().find(|e| e["id"] == id).unwrap().clone();
    // `../2024-06`: before June 2024.
    let rescinded = event("event-tesla-pay-plan-rescinded");
    assert!(rescinded["properties"]["date"].is_null(), "{rescinded}");
    assert!(rescinded["properties"]["startDate"].is_null(), "{rescinded}");
    assert_eq!(rescinded["properties"]["endDate"], serde_json::json!(["2024-06"]));
    assert!(
        rescinded["properties"]["description"][0]
            .as_str()
            .unwrap()
            .contains("date: ../2024-06")
    );
    // An exact date is the event's date; what moved, between whom and for how much is said.
    let moved = event("event-h100-reallocation");
    let description = moved["properties"]["description"][0].as_str().unwrap();
    assert!(description.contains("from Tesla to X Corp."), "{description}");
    assert!(description.contains("quantity: 12000"), "{description}");
    // A source's private text is never named.
    let all = std::fs::read_to_string(run.out.join("dossier.ftm.json")).unwrap();
    assert!(!all.contains("003_61669f2102ad6522.txt"));
}
