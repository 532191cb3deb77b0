//! `dossier build`: load, build in memory, and replace the output folder if all went well.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use super::{Exit, count_summary, print_diagnostics};
use crate::build::{BuildInput, Built, build, build_into};
use crate::cli::BuildArgs;
use crate::diag::Diagnostic;
use crate::load::{load_content, load_texts, load_theme};
use crate::output;
use crate::progress::Progress;

/// What `build` and `check` share on their command lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub base_url: Option<String>,
    pub drafts: bool,
    pub strict: bool,
    /// `--texts DIR`.
    pub texts: Option<std::path::PathBuf>,
    /// Whether to make the search index, when the dossier asks for one.
    pub search: bool,
}

/// Loads and builds a dossier in memory, printing every problem; `Err` is the exit code.
pub(crate) fn build_in_memory(root: &Path, opts: Options) -> Result<Built, Exit> {
    if !root.join("content").is_dir() {
        print_diagnostics(&[Diagnostic::error(
            "content",
            format!("there is no folder `content/` in {}", root.display()),
        )
        .with_help("run dossier in a dossier's folder or pass --root DIR")]);
        return Err(Exit::Usage);
    }
    let progress = Progress::on_stderr();
    progress.phase("reading files");
    let (content, mut load_diags) = load_content(root);
    let (theme, theme_diags) = load_theme(root);
    load_diags.extend(theme_diags);
    let (texts, texts_diags) = load_texts(root, opts.texts.as_deref(), &content);
    load_diags.extend(texts_diags);
    let result = build(
        BuildInput {
            content,
            theme,
            base_url: opts.base_url,
            drafts: opts.drafts,
            strict: opts.strict,
            texts,
        },
        &progress,
    );
    progress.finish();
    match result {
        Err(failure) => {
            let mut all = load_diags;
            all.extend(failure.diagnostics);
            crate::diag::sort(&mut all);
            print_diagnostics(&all);
            eprintln!("build failed ({})", count_summary(&all));
            Err(if failure.config { Exit::Usage } else { Exit::Content })
        }
        Ok(mut built) => {
            load_diags.append(&mut built.warnings);
            crate::diag::sort(&mut load_diags);
            print_diagnostics(&load_diags);
            if load_diags.iter().any(Diagnostic::is_error) {
                eprintln!("build failed ({})", count_summary(&load_diags));
                return Err(Exit::Content);
            }
            if opts.search
                && built.config.search
                && let Err(d) = add_search_index(&mut built, None, &root.display().to_string())
            {
                print_diagnostics(&[d]);
                return Err(Exit::Content);
            }
            Ok(built)
        }
    }
}

pub fn run(args: BuildArgs) -> Exit {
    let started = Instant::now();
    let root = args.root;
    let output = args.output.unwrap_or_else(|| root.join("public"));
    if !root.join("content").is_dir() {
        print_diagnostics(&[Diagnostic::error(
            "content",
            format!("there is no folder `content/` in {}", root.display()),
        )
        .with_help("run dossier in a dossier's folder or pass --root DIR")]);
        return Exit::Usage;
    }
    // Refuse a dangerous output folder before doing any work. Pages are written into the
    // staging folder as they are rendered; a failed build drops it, and the output stays.
    let staging = match output::Staging::begin(&root, &output) {
        Ok(s) => s,
        Err(e) => {
            print_diagnostics(&[Diagnostic::error(output.display().to_string(), e.message).with_help(e.help)]);
            return Exit::Usage;
        }
    };
    let progress = Progress::on_stderr();
    progress.phase("reading files");
    let (content, mut load_diags) = load_content(&root);
    let (theme, theme_diags) = load_theme(&root);
    load_diags.extend(theme_diags);
    let (texts, texts_diags) = load_texts(&root, args.texts.as_deref(), &content);
    load_diags.extend(texts_diags);
    let result = build_into(
        BuildInput {
            content,
            theme,
            base_url: args.base_url,
            drafts: args.drafts,
            strict: args.strict,
            texts,
        },
        &progress,
        &staging,
    );
    match result {
        Err(failure) => {
            progress.finish();
            let mut all = load_diags;
            all.extend(failure.diagnostics);
            crate::diag::sort(&mut all);
            print_diagnostics(&all);
            eprintln!(
                "build failed ({}); {} was left as it was",
                count_summary(&all),
                output.display()
            );
            if failure.config { Exit::Usage } else { Exit::Content }
        }
        Ok(mut built) => {
            let mut all = load_diags;
            all.append(&mut built.warnings);
            if built.config.search && !all.iter().any(Diagnostic::is_error) {
                progress.phase("indexing for search");
                let site = output.display().to_string();
                if let Err(d) = add_search_index(&mut built, Some(staging.dir()), &site) {
                    all.push(d);
                }
            }
            crate::diag::sort(&mut all);
            if all.iter().any(Diagnostic::is_error) {
                progress.finish();
                print_diagnostics(&all);
                eprintln!(
                    "build failed ({}); {} was left as it was",
                    count_summary(&all),
                    output.display()
                );
                return Exit::Content;
            }
            progress.phase("writing files");
            let written = staging.finish(&built.tree);
            progress.finish();
            print_diagnostics(&all);
            match written {
                Ok(finished) => {
                    if let Some((old, files)) = &finished.kept {
                        print_diagnostics(&[Diagnostic::warning(
                            old.display().to_string(),
                            format!(
                                "files appeared in the output as the build finished and were not deleted: {}; the previous site is kept here with them",
                                files.join(", ")
                            ),
                        )
                        .with_help("move these files where they belong (`static/` for the site's own), then delete this folder")]);
                    }
                    let path = finished.output;
                    let secs = started.elapsed().as_secs_f64();
                    let _ = writeln!(
                        std::io::stdout(),
                        "Built {} into {} ({}) in {secs:.2} s: {}{}",
                        count(built.notes, "note"),
                        count(built.pages, "page"),
                        count(built.tree.len(), "file"),
                        path.display(),
                        if all.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", count_summary(&all))
                        }
                    );
                    Exit::Ok
                }
                Err(e) => {
                    print_diagnostics(&[Diagnostic::error(output.display().to_string(), e.message).with_help(e.help)]);
                    Exit::Usage
                }
            }
        }
    }
}

/// Adds the search index of the built site's pages to its files: those written into `written`
/// (the staging folder) are read from there, the others from memory. `site` names the site in
/// the error.
fn add_search_index(built: &mut Built, written: Option<&Path>, site: &str) -> Result<(), Diagnostic> {
    let files = crate::search::index(written, built.tree.pages_in_memory()).map_err(|e| {
        Diagnostic::error(site, e).with_help(
            "this is a fault of the search indexer, not of the dossier: report it, and set `search: false` in content/_index.md meanwhile",
        )
    })?;
    files
        .into_iter()
        .for_each(|(path, bytes)| built.tree.insert(path, bytes));
    Ok(())
}

/// "1 note", "2 notes".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
