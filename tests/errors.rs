//! Bad input: every class of problem is reported with its file, line, column and a fix, all in
//! one run, and no input makes the program panic.

mod common;

use common::Fixture;

#[test]
fn unterminated_front_matter() {
    let f = Fixture::new().file("content/sources/a.md", "---\ntitle: A\npublisher: B\n");
    f.build(&[])
        .fails(1)
        .reports("content/sources/a.md:1:1", "error: the front-matter is never closed");
}

#[test]
fn invalid_yaml() {
    let f = Fixture::new().file(
        "content/sources/a.md",
        "---\ntitle: A\npublisher: [B, C\nlanguage: en\n---\n",
    );
    f.build(&[]).fails(1).reports(
        "content/sources/a.md:4:9",
        "error: invalid YAML in the front-matter: did not find expected ',' or ']'",
    );
}

#[test]
fn wrong_type_for_a_field() {
    let f = Fixture::new().file("content/events/a.md", "---\ntitle: A\nactors: 5\n---\n");
    f.build(&[]).fails(1).reports(
        "content/events/a.md:3:9",
        "error: wrong value in the front-matter: actors: invalid type: integer `5`, expected a sequence",
    );
}

#[test]
fn unknown_kind() {
    let f = Fixture::new().file("content/notes/a.md", "---\ntitle: A\nkind: persn\n---\n");
    f.build(&[]).fails(1).reports(
        "content/notes/a.md:3:7",
        "error: wrong value in the front-matter: kind: unknown variant `persn`, expected one of `source`, `person`, `organization`, `event`, `claim`, `page`",
    );
}

#[test]
fn impossible_date() {
    let f = Fixture::new().file("content/events/a.md", "---\ntitle: A\ndate: 2023-02-29\n---\n");
    f.build(&[]).fails(1).reports(
        "content/events/a.md:3:7",
        "error: wrong value in the front-matter: date: `2023-02-29` is not a day of the calendar: February 2023 has 28 days",
    );
}

#[test]
fn duplicate_id() {
    let f = Fixture::new()
        .file("content/organizations/acme.md", "---\nname: Acme\n---\n")
        .file("content/people/acme.md", "---\nname: Acme the person\n---\n");
    f.build(&[]).fails(1).reports(
        "content/people/acme.md:1:1",
        "error: duplicate id `acme`: content/organizations/acme.md already uses it",
    );
}

#[test]
fn unknown_id_with_a_suggestion() {
    let f = Fixture::new()
        .file("content/organizations/tesla.md", "---\nname: Tesla\n---\n")
        .file("content/people/musk.md", "---\nname: Musk\nroles:\n  - { org: tesla, role: CEO, type: officer }\n  - { org: telsa, role: CEO, type: officer }\n---\n");
    let run = f.build(&[]);
    run.fails(1)
        .reports("content/people/musk.md:5:12", "error: unknown id `telsa`");
    assert!(run.stderr.contains("help: did you mean `tesla`?"), "{}", run.stderr);
}

#[test]
fn reference_to_the_wrong_kind() {
    let f = Fixture::new()
        .file("content/people/ann.md", "---\nname: Ann\n---\n")
        .file(
            "content/people/bob.md",
            "---\nname: Bob\nroles:\n  - { org: ann, role: CEO, type: officer }\n---\n",
        );
    f.build(&[]).fails(1).reports(
        "content/people/bob.md:4:12",
        "error: `ann` is a person, but this field must name an organization",
    );
}

#[test]
fn invalid_utf8() {
    let f = Fixture::new().bytes("content/sources/a.md", b"---\ntitle: A\nsummary: caf\xe9\n---\n");
    f.build(&[]).fails(1).reports(
        "content/sources/a.md:3:13",
        "error: this file is not valid UTF-8 (byte 25 is not part of a UTF-8 character)",
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    // Runs as root in CI, where permissions do not stop a read; a dangling link always does.
    let f = Fixture::new();
    std::os::unix::fs::symlink(f.root().join("nowhere.md"), f.root().join("content/gone.md")).unwrap();
    let run = f.build(&[]);
    run.fails(1);
    assert!(
        run.stderr.contains("content/gone.md") && run.stderr.contains("No such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_template() {
    let f = Fixture::new().file("templates/page.html", "{% extends \"layout.html\" %}\n");
    f.build(&[]).fails(1).reports(
        "templates/page.html:1:12",
        "error: template `page.html` extends `layout.html`, which does not exist",
    );
}

#[test]
fn template_syntax_error() {
    let f = Fixture::new().file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title }{% endblock content %}\n",
    );
    f.build(&[])
        .fails(1)
        .reports("templates/page.html:2:34", "error: template syntax error:");
}

#[test]
fn missing_settings_is_a_config_error() {
    let f = Fixture::empty().file("content/notes/a.md", "---\ntitle: A\n---\n");
    f.build(&[])
        .fails(2)
        .reports("content/_index.md", "error: the dossier has no settings file");
}

#[test]
fn bad_base_url_is_a_config_error() {
    let f = Fixture::new();
    f.build(&["--base-url", "example.org"]).fails(2);
}

#[test]
fn every_problem_of_a_build_is_reported_at_once() {
    let f = Fixture::new()
        .file("content/sources/a.md", "---\ntitle: A\npublisher: B\n")
        .file(
            "content/sources/b.md",
            "---\ntitle: A\npublisher: [B, C\nlanguage: en\n---\n",
        )
        .file("content/events/c.md", "---\ntitle: A\nactors: 5\n---\n")
        .file("content/notes/d.md", "---\ntitle: A\nkind: persn\n---\n")
        .file("content/events/e.md", "---\ntitle: A\ndate: 2023-02-29\n---\n")
        .file("content/organizations/f.md", "---\nname: F\n---\n")
        .file("content/people/f.md", "---\nname: F\n---\n")
        .bytes("content/sources/g.md", b"---\ntitle: A\nsummary: caf\xe9\n---\n")
        .file("content/events/h.md", "---\ntitle: H\nfrom: nobody\n---\n")
        .file(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}{{ page.title }{% endblock content %}\n",
        );
    let run = f.build(&[]);
    run.fails(1);
    for loc in [
        "content/sources/a.md:1:1",
        "content/sources/b.md:4:9",
        "content/events/c.md:3:9",
        "content/notes/d.md:3:7",
        "content/events/e.md:3:7",
        "content/people/f.md:1:1",
        "content/sources/g.md:3:13",
        "content/events/h.md:3:7",
        "templates/page.html:2:34",
    ] {
        assert!(
            run.stderr.contains(&format!("--> {loc}")),
            "{loc} missing from:\n{}",
            run.stderr
        );
    }
    assert_eq!(run.error_count(), 9, "{}", run.stderr);
    assert!(run.stderr.contains("build failed (9 errors, 0 warnings)"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_as_it_was() {
    let f = Fixture::new().file("content/notes/a.md", "---\ntitle: A\n---\nFirst.\n");
    f.build(&[]).ok();
    let before = common::snapshot(&f.root().join("public"));
    let f = f.file("content/notes/a.md", "---\ntitle: A\ndate: [\n---\nSecond.\n");
    f.build(&[]).fails(1);
    assert!(
        common::snapshot(&f.root().join("public")) == before,
        "the output changed"
    );
    assert!(
        !f.root().join(".public.dossier-staging").exists(),
        "staging left behind"
    );
}

#[test]
fn a_later_build_replaces_the_output_and_removes_stale_pages() {
    let f = Fixture::new().file("content/notes/a.md", "---\ntitle: A\n---\n");
    f.build(&[]).ok();
    let f = f
        .remove("content/notes/a.md")
        .file("content/notes/b.md", "---\ntitle: B\n---\n");
    f.build(&[]).ok();
    assert!(!f.root().join("public/notes/a/index.html").exists());
    assert!(f.root().join("public/notes/b/index.html").exists());
}

/// A rebuild links the files whose bytes are those of the last output rather than write them
/// again, so that they keep their time; it writes the pages that changed, and a file changed by
/// hand in the output since the last build (even to the same length) is written again, not
/// kept. The list of what was written lies beside the output, not in it.
#[cfg(unix)]
#[test]
fn a_rebuild_keeps_unchanged_files_and_writes_the_others() {
    use std::os::unix::fs::MetadataExt;
    let f = Fixture::new()
        .file("content/notes/a.md", "---\ntitle: A\n---\nFirst.\n")
        .file("content/notes/b.md", "---\ntitle: B\n---\nOther.\n");
    f.build(&[]).ok();
    let out = f.root().join("public");
    let meta = |p: &str| std::fs::metadata(out.join(p)).unwrap();
    let b = meta("notes/b/index.html");
    let a = meta("notes/a/index.html");
    let css = std::fs::read(out.join("style.css")).unwrap();
    let mut by_hand = css.clone();
    by_hand[0] ^= 0x20;
    std::fs::write(out.join("style.css"), &by_hand).unwrap();

    let f = f.file("content/notes/a.md", "---\ntitle: A\n---\nSecond.\n");
    let run = f.build(&[]);
    run.ok();
    let b_now = meta("notes/b/index.html");
    assert_eq!(b_now.ino(), b.ino(), "an unchanged page is linked, not written");
    assert_eq!(b_now.modified().unwrap(), b.modified().unwrap());
    assert_ne!(meta("notes/a/index.html").ino(), a.ino(), "a changed page is written");
    assert!(run.page("notes/a/index.html").contains("Second."));
    assert_eq!(
        std::fs::read(out.join("style.css")).unwrap(),
        css,
        "a file changed by hand is written again"
    );
    assert!(f.root().join(".public.dossier-files").is_file());
    assert!(!out.join(".public.dossier-files").exists() && !out.join(".dossier-files").exists());
    // What is there is what a build into an empty folder gives.
    let fresh = f.root().join("fresh");
    f.build(&["--output", fresh.to_str().unwrap()]).ok();
    assert!(
        common::snapshot(&out) == common::snapshot(&fresh),
        "the rebuilt output differs"
    );
    // dossier.json is written as it is made, never whole in memory: it changed above (a body
    // did), and is linked when a build makes the same bytes.
    let json = meta("dossier.json");
    assert_ne!(json.ino(), std::fs::metadata(fresh.join("dossier.json")).unwrap().ino());
    f.build(&[]).ok();
    let json_now = meta("dossier.json");
    assert_eq!(
        json_now.ino(),
        json.ino(),
        "an unchanged dossier.json is linked, not written"
    );
    assert_eq!(json_now.modified().unwrap(), json.modified().unwrap());
    assert!(
        common::snapshot(&out) == common::snapshot(&fresh),
        "the output rebuilt without a change differs"
    );
}

#[test]
fn dangerous_output_folders_are_refused_and_nothing_is_deleted() {
    let f = Fixture::new()
        .file("content/notes/a.md", "---\ntitle: A\n---\n")
        .file("templates/page.html", "{% extends \"base.html\" %}")
        .file("static/x.txt", "x")
        .file("mine/keep.txt", "precious");
    let before = common::snapshot(f.root());
    let root = f.root().to_str().unwrap().to_string();
    let parent = f.root().parent().unwrap().to_str().unwrap().to_string();
    for out in [
        root.clone(),
        format!("{root}/content"),
        format!("{root}/templates"),
        format!("{root}/static"),
        format!("{root}/content/sub"),
        parent,
        format!("{root}/mine"),
    ] {
        let run = f.build(&["--output", &out]);
        run.fails(2);
        assert!(
            run.stderr.contains("refusing to write the site to"),
            "{out}: {}",
            run.stderr
        );
    }
    assert!(common::snapshot(f.root()) == before, "a refused build changed files");
}

#[test]
fn no_content_folder_is_a_usage_error() {
    let f = Fixture::empty();
    f.build(&[]).fails(2);
}

#[test]
fn a_base_url_that_would_break_out_of_an_attribute_is_refused() {
    let index = "---\ntitle: T\nbase_url: '/x\"><s>'\n---\nHome.\n";
    let f = Fixture::empty()
        .file("content/_index.md", index)
        .file("content/notes/a.md", "---\ntitle: A\n---\nA.\n");
    let run = f.build(&[]);
    run.fails(2).reports("content/_index.md:3:11", "is not a base URL");
    assert_eq!(run.error_count(), 1, "{}", run.stderr);
    let f = Fixture::new().file("content/notes/a.md", "---\ntitle: A\n---\nA.\n");
    let run = f.build(&["--base-url", "/x\"><s>"]);
    run.fails(2);
    assert!(run.stderr.contains("is not a base URL"), "{}", run.stderr);
    assert!(!run.out.exists());
}

#[test]
fn only_web_addresses_are_taken_in_url_and_archive() {
    let bad = [
        ("url", "javascript:alert(document.domain)"),
        ("archive", "\"data:text/html,<script>alert(1)</script>\""),
        ("url", "file:///etc/passwd"),
        ("archive", "vbscript:msgbox(1)"),
        ("url", "example.org/report"),
    ];
    let mut f = Fixture::new().file(
        "content/sources/fine.md",
        "---\ntitle: Fine\nurl: https://example.org/a\narchive: http://archive.example.org/a\n---\nA.\n",
    );
    for (i, (key, value)) in bad.iter().enumerate() {
        f = f.file(
            &format!("content/sources/s{i}.md"),
            &format!("---\ntitle: S\npublisher: P\n{key}: {value}\n---\nS.\n"),
        );
    }
    let run = f.build(&[]);
    run.fails(1);
    for (i, (key, _)) in bad.iter().enumerate() {
        let col = key.len() + 3;
        run.reports(
            &format!("content/sources/s{i}.md:4:{col}"),
            &format!("error: `{key}` is not a web address"),
        );
    }
    assert_eq!(run.error_count(), bad.len(), "{}", run.stderr);
    assert!(!run.stderr.contains("fine.md"), "{}", run.stderr);
}

#[test]
fn a_conflict_depth_beyond_the_bound_is_an_error_at_the_setting() {
    let index = "---\ntitle: T\nconflicts:\n  depth: 100\n---\nHome.\n";
    let f = Fixture::empty().file("content/_index.md", index);
    let run = f.build(&[]);
    run.fails(2).reports(
        "content/_index.md:4:10",
        "error: `conflicts.depth` is 100, more than 10",
    );
    assert_eq!(run.error_count(), 1, "{}", run.stderr);
    let at_bound = "---\ntitle: T\nconflicts: { depth: 10 }\n---\nHome.\n";
    Fixture::empty().file("content/_index.md", at_bound).build(&[]).ok();
}

/// A note that cannot be read keeps its id: links to it, and its translation, are not reported
/// on top of its own error. One mistake, one error.
#[test]
fn a_note_that_cannot_be_read_gives_its_own_error_and_no_cascade() {
    let index = "---\ntitle: T\nbase_url: /\ndefault_lang: en\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 中文 }\n---\n";
    let run = Fixture::empty()
        .file("content/_index.md", index)
        .file("content/claims/c.md", "---\ntitle: A claim\nclaimant: [bad\n---\nText.\n")
        .file("content/claims/c.zh-Hant.md", "---\ntitle: 中\n---\n文\n")
        .file("content/events/e.md", "---\ntitle: Ev\ndate: 2023-02-29\nactors: [p]\n---\nSee [[c]].\n")
        .file(
            "content/events/e2.md",
            "---\ntitle: Ev2\ndate: 2023-01\nactors: [p]\ncontradicted_by: [c]\n---\nAbout [[e]], [[c]], [@c] and [the claim](../claims/c.md).\n",
        )
        .file("content/people/p.md", "---\nname: P\n---\nP.\n")
        .build(&[]);
    run.fails(1);
    run.reports("content/claims/c.md:4:1", "invalid YAML");
    run.reports("content/events/e.md:3:7", "is not a day of the calendar");
    assert_eq!(run.error_count(), 2, "{}", run.stderr);
}

/// A translation that cannot be read does not make its id known: a link to a note that does
/// not exist is still reported.
#[test]
fn an_unreadable_translation_does_not_hide_a_missing_original() {
    let index = "---\ntitle: T\nbase_url: /\ndefault_lang: en\nlanguages:\n  en: { name: English }\n  zh-Hant: { name: 中文 }\n---\n";
    let run = Fixture::empty()
        .file("content/_index.md", index)
        .file("content/claims/gone.zh-Hant.md", "---\ntitle: [bad\n---\n文\n")
        .file(
            "content/events/e.md",
            "---\ntitle: Ev\ndate: 2023-01\n---\nAbout [[gone]].\n",
        )
        .build(&[]);
    run.fails(1);
    run.reports("content/events/e.md:5:9", "unknown id `gone`");
    assert_eq!(run.error_count(), 2, "{}", run.stderr);
}

#[test]
fn an_override_of_the_retired_mentions_partial_is_named_not_ignored_in_silence() {
    let f = Fixture::new().file(
        "templates/partials/mentions.html",
        "{% for g in groups %}{{ g.label }}{% endfor %}\n",
    );
    let run = f.build(&[]);
    run.ok().reports(
        "templates/partials/mentions.html",
        "no template includes partials/mentions.html",
    );
}

#[test]
fn a_correction_without_a_valid_date_is_reported_where_it_stands() {
    let f = Fixture::new().file(
        "content/events/a.md",
        "---\ntitle: A\ncorrections:\n  - { date: 2024-13-01, text: Wrong month. }\n---\n",
    );
    let run = f.build(&[]);
    run.fails(1);
    assert_eq!(run.error_count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/events/a.md:4:"), "{}", run.stderr);
}
