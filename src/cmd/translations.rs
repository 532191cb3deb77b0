//! `dossier translations`: which note is translated into which language and how up to date,
//! and `--hash NOTE`, the value a translation records in `translated_from:`.

use std::io::Write;

use super::{Exit, count_summary, print_diagnostics};
use crate::build::link_only;
use crate::cli::TranslationsArgs;
use crate::diag::Diagnostic;
use crate::graph::translations::Status;
use crate::load::load_content;
use crate::model::hash::body_hash;

pub fn run(args: TranslationsArgs) -> Exit {
    if !args.root.join("content").is_dir() {
        print_diagnostics(&[Diagnostic::error(
            "content",
            format!("there is no folder `content/` in {}", args.root.display()),
        )
        .with_help("run dossier in a dossier's folder or pass --root DIR")]);
        return Exit::Usage;
    }
    let (content, mut diags) = load_content(&args.root);
    let (dossier, graph_diags) = match link_only(content, false, args.strict) {
        Ok(r) => r,
        Err(failure) => {
            print_diagnostics(&failure.diagnostics);
            return if failure.config { Exit::Usage } else { Exit::Content };
        }
    };
    diags.extend(graph_diags);
    let mut out = std::io::stdout().lock();

    if let Some(wanted) = &args.hash {
        let path = wanted.trim_start_matches("./").replace('\\', "/");
        let home = path == "content/_index.md" || path == "_index.md" || path == "_index";
        let found = if home {
            Some(body_hash(dossier.site.home_body()))
        } else {
            dossier
                .get(&path)
                .or_else(|| {
                    dossier
                        .notes
                        .iter()
                        .find(|n| n.file == path || n.file == format!("content/{path}"))
                })
                .map(|n| body_hash(n.body()))
        };
        return match found {
            Some(h) => {
                let _ = writeln!(out, "{h}");
                Exit::Ok
            }
            None => {
                let help = match crate::diag::did_you_mean(&path, dossier.notes.iter().map(|n| n.id.as_str())) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "name a note by its id (`elon-musk`) or by its file (`content/people/elon-musk.md`)".into(),
                };
                print_diagnostics(&[
                    Diagnostic::error("--hash", format!("no published note `{wanted}`")).with_help(help)
                ]);
                Exit::Usage
            }
        };
    }

    print_diagnostics(&diags);
    let config = &dossier.site.config;
    let langs: Vec<&str> = config.languages().into_iter().skip(1).collect();
    if langs.is_empty() {
        let _ = writeln!(
            out,
            "the site has one language ({}); list others under `languages` in content/_index.md",
            config.default_lang
        );
        return Exit::Ok;
    }
    let mut behind = 0;
    for lang in langs {
        let Some(states) = dossier.translated.by_lang.get(lang) else {
            continue;
        };
        let count = |s: Status| states.iter().filter(|x| x.status == s).count();
        let _ = writeln!(
            out,
            "{lang} ({}): {} up to date, {} stale, {} unrecorded, {} missing, of {} notes",
            config.lang_name(lang),
            count(Status::UpToDate),
            count(Status::Stale),
            count(Status::Unrecorded),
            count(Status::Missing),
            states.len()
        );
        for s in states {
            let note = &dossier.notes[s.note];
            let word = match s.status {
                Status::UpToDate => "up to date",
                Status::Stale => "stale",
                Status::Unrecorded => "unrecorded",
                Status::Missing => continue,
            };
            if s.status != Status::UpToDate {
                behind += 1;
            }
            let file = s
                .translation
                .map_or(note.file.as_str(), |t| dossier.translations[t].file.as_str());
            let _ = writeln!(out, "  {word:<10}  {file}");
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        eprintln!("{}", count_summary(&diags));
        return Exit::Content;
    }
    if args.strict && behind > 0 {
        return Exit::Content;
    }
    Exit::Ok
}
