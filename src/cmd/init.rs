//! `dossier init [DIR]`: a new dossier that builds and passes `check --strict` as it stands:
//! its settings, one note of each kind with every field in use and a comment on each, a
//! `.gitignore` for the output, and a GitHub Actions workflow that builds, checks and publishes.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use super::{Exit, print_diagnostics, yaml_string};
use crate::cli::InitArgs;
use crate::diag::Diagnostic;

/// The starting dossier, by path: `content/_index.md` has `{{title}}`, `{{base_url}}`,
/// `{{lang}}` and `{{lang_name}}` filled in.
const STARTER: &[(&str, &str)] = &[
    ("content/_index.md", include_str!("../starter/content/_index.md")),
    (
        "content/sources/annual-report-2024.md",
        include_str!("../starter/content/sources/annual-report-2024.md"),
    ),
    (
        "content/sources/news-report-2024.md",
        include_str!("../starter/content/sources/news-report-2024.md"),
    ),
    (
        "content/people/jane-doe.md",
        include_str!("../starter/content/people/jane-doe.md"),
    ),
    (
        "content/organizations/acme-holdings.md",
        include_str!("../starter/content/organizations/acme-holdings.md"),
    ),
    (
        "content/organizations/beta-ventures.md",
        include_str!("../starter/content/organizations/beta-ventures.md"),
    ),
    (
        "content/events/asset-transfer.md",
        include_str!("../starter/content/events/asset-transfer.md"),
    ),
    (
        "content/claims/fair-price.md",
        include_str!("../starter/content/claims/fair-price.md"),
    ),
    (
        "content/analysis/method.md",
        include_str!("../starter/content/analysis/method.md"),
    ),
    (".gitignore", include_str!("../starter/gitignore")),
    (".github/workflows/publish.yml", include_str!("../starter/publish.yml")),
];

pub fn run(args: InitArgs) -> Exit {
    let dir = &args.dir;
    if let Err(d) = refuse_used(dir) {
        print_diagnostics(&[d]);
        return Exit::Usage;
    }
    let ask = std::io::stdin().is_terminal();
    let title = args
        .title
        .unwrap_or_else(|| asked(ask, "The dossier's name", "My dossier"));
    let lang = args
        .lang
        .unwrap_or_else(|| asked(ask, "The language of its notes (en, zh-Hant)", "en"));
    let base_url = args
        .base_url
        .unwrap_or_else(|| asked(ask, "Where it will be published (a URL or /)", "/"));
    if let Err(e) = crate::config::check_base_url(&base_url) {
        print_diagnostics(&[Diagnostic::error("--base-url", e)
            .with_help("give a full address (https://example.org/inquiry/) or a path (/)")]);
        return Exit::Usage;
    }
    if !crate::model::parse::is_language_tag(&lang) {
        print_diagnostics(&[Diagnostic::error("--lang", format!("`{lang}` is not a language tag"))
            .with_help("give a language tag such as en, zh-Hant or pt-BR")]);
        return Exit::Usage;
    }
    let lang_name = match lang.as_str() {
        "en" => "English",
        "zh-Hant" => "繁體中文",
        other => other,
    };
    for (path, text) in STARTER {
        let text = text
            .replace("\"{{title}}\"", &yaml_string(&title))
            .replace("\"{{base_url}}\"", &yaml_string(&base_url))
            .replace("\"{{lang_name}}\"", &yaml_string(lang_name))
            .replace("{{lang}}", &lang);
        let file = dir.join(path);
        let written = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&file, text));
        if let Err(e) = written {
            print_diagnostics(&[
                Diagnostic::error(file.display().to_string(), format!("cannot write it: {e}"))
                    .with_help("check that the folder is writable"),
            ]);
            return Exit::Usage;
        }
    }
    let root = dir.display();
    println!("Started a dossier in {root}: {} files. Next:", STARTER.len());
    println!("  dossier serve --root {root}      # preview it while you write");
    println!("  dossier new person jane-roe --name \"Jane Roe\" --root {root}");
    println!("  dossier build --root {root}      # writes {root}/public");
    Exit::Ok
}

/// Refuses a folder that holds anything but a `.git` folder, and a path that is not a
/// folder: nothing is overwritten.
fn refuse_used(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists() && !dir.is_dir() {
        return Err(
            Diagnostic::error(dir.display().to_string(), "this is a file, not a folder")
                .with_help("run dossier init with a new or empty folder: `dossier init my-dossier`"),
        );
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".git")
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    Err(Diagnostic::error(
        dir.display().to_string(),
        format!(
            "this folder is not empty (it holds {shown}{})",
            if names.len() > 5 { ", …" } else { "" }
        ),
    )
    .with_help("run dossier init in a new or empty folder: `dossier init my-dossier`"))
}

/// The answer to `question` on the terminal, or `default` when there is no terminal or no answer.
fn asked(ask: bool, question: &str, default: &str) -> String {
    if !ask {
        return default.to_string();
    }
    print!("{question} [{default}]: ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    match line.trim() {
        "" => default.to_string(),
        answer => answer.to_string(),
    }
}
