//! `dossier new KIND ID`: a note with its kind's fields, each commented, in the kind's folder;
//! and `dossier new translation ID LANG`: a translation of a note, with the fields a
//! translation gives in its own words and `translated_from:` recorded.

use std::path::{Path, PathBuf};

use super::{Exit, print_diagnostics, yaml_string};
use crate::cli::NewArgs;
use crate::diag::Diagnostic;
use crate::model::Kind;
use crate::model::hash::body_hash;

/// The folder and the front-matter of a new note of `kind`; `{name}` is its name or title.
fn skeleton(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "source" => ("sources", include_str!("../starter/new/source.md")),
        "person" => ("people", include_str!("../starter/new/person.md")),
        "organization" => ("organizations", include_str!("../starter/new/organization.md")),
        "event" => ("events", include_str!("../starter/new/event.md")),
        "claim" => ("claims", include_str!("../starter/new/claim.md")),
        "page" => ("pages", include_str!("../starter/new/page.md")),
        _ => return None,
    })
}

pub fn run(args: NewArgs) -> Exit {
    let made = if args.kind == "translation" {
        new_translation(&args)
    } else {
        new_note(&args)
    };
    match made {
        Ok(path) => {
            println!("{}", path.display());
            Exit::Ok
        }
        Err(d) => {
            print_diagnostics(&[d]);
            Exit::Usage
        }
    }
}

fn new_note(args: &NewArgs) -> Result<PathBuf, Diagnostic> {
    let kinds = "source, person, organization, event, claim, page or translation";
    let (folder, text) = skeleton(&args.kind).ok_or_else(|| {
        Diagnostic::error("KIND", format!("there is no kind `{}`", args.kind)).with_help(format!("give one of {kinds}"))
    })?;
    if !crate::model::is_valid_id(&args.id) {
        return Err(Diagnostic::error("ID", format!("`{}` is not an id", args.id))
            .with_help("an id is lowercase letters, digits and hyphens, as in jane-doe"));
    }
    let content = content_of(&args.root)?;
    if let Some(used) = file_of_id(&content, &args.id) {
        return Err(Diagnostic::error(
            rel(&args.root, &used),
            format!("the id `{}` is in use by this note", args.id),
        )
        .with_help("ids are unique across the dossier: choose another"));
    }
    if let Some(file) = file_with_alias(&args.root, &args.id) {
        return Err(Diagnostic::error(
            file,
            format!("`{}` is an alias of this note: links to it would be ambiguous", args.id),
        )
        .with_help("choose another id"));
    }
    let name = args
        .name
        .as_ref()
        .or(args.title.as_ref())
        .cloned()
        .unwrap_or_else(|| readable(&args.id));
    let path = content.join(folder).join(format!("{}.md", args.id));
    write_new(&path, &text.replace("{name}", &yaml_string(&name)))?;
    Ok(path)
}

fn new_translation(args: &NewArgs) -> Result<PathBuf, Diagnostic> {
    let lang = args.lang.as_deref().ok_or_else(|| {
        Diagnostic::error("LANG", "a translation needs its language")
            .with_help(format!("dossier new translation {} zh-Hant", args.id))
    })?;
    content_of(&args.root)?;
    let (content, mut diags) = crate::load::load_content(&args.root);
    let linked = crate::build::link_only(content, true, false);
    let (dossier, more) = linked.map_err(|mut f| f.diagnostics.remove(0))?;
    diags.extend(more);
    if let Some(error) = diags.into_iter().find(Diagnostic::is_error) {
        return Err(error);
    }
    let languages = dossier.site.config.languages();
    if languages[0] == lang {
        return Err(
            Diagnostic::error("LANG", format!("`{lang}` is the language the dossier is written in"))
                .with_help("give another of its languages, or add one under `languages:` in content/_index.md"),
        );
    }
    if !languages[1..].contains(&lang) {
        return Err(Diagnostic::error(
            "content/_index.md",
            format!("the dossier has no language `{lang}` to translate into"),
        )
        .with_help(format!(
            "add it under `languages:` in content/_index.md, as `{lang}: {{ name: … }}`"
        )));
    }
    let note = dossier.get(&args.id).ok_or_else(|| {
        let help = match crate::diag::did_you_mean(&args.id, dossier.notes.iter().map(|n| n.id.as_str())) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "give the id of the note to translate".into(),
        };
        Diagnostic::error("ID", format!("there is no note `{}`", args.id)).with_help(help)
    })?;
    let name_field = if matches!(note.kind, Kind::Person | Kind::Organization) {
        "name"
    } else {
        "title"
    };
    let mut text = format!(
        "---\n# A translation of {file}: translate the fields below and the text, and keep\n\
         # translated_from as it is until the translation follows a new version of the original.\n\
         translated_from: \"{hash}\"\n{name_field}: {title}\n",
        file = note.file,
        hash = body_hash(note.body()),
        title = yaml_string(&note.title),
    );
    if let Some(summary) = &note.common.summary {
        text.push_str(&format!("summary: {}\n", yaml_string(summary)));
    }
    text.push_str("---\n");
    text.push_str(note.body().trim_start_matches('\n'));
    let original = args.root.join(&note.file);
    let path = original.with_extension(format!("{lang}.md"));
    write_new(&path, &text)?;
    Ok(path)
}

/// The dossier's `content/` folder, or why there is none.
fn content_of(root: &Path) -> Result<PathBuf, Diagnostic> {
    let content = root.join("content");
    if content.is_dir() {
        Ok(content)
    } else {
        Err(Diagnostic::error(
            "content",
            format!("there is no folder `content/` in {}", root.display()),
        )
        .with_help("run dossier new in a dossier's folder, or pass --root DIR; `dossier init` starts one"))
    }
}

/// The note whose id is `id` (its file `ID.md`, a translation's `ID.LANG.md`), anywhere in
/// `content/`.
fn file_of_id(content: &Path, id: &str) -> Option<PathBuf> {
    walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            let name = e.file_name().to_string_lossy();
            name.strip_suffix(".md").and_then(|n| n.split('.').next()) == Some(id)
        })
        .map(walkdir::DirEntry::into_path)
}

/// The file of the note one of whose aliases is `id`, without regard to case, as links match
/// them; none when the dossier cannot be read (its own errors are for the build to report).
fn file_with_alias(root: &Path, id: &str) -> Option<String> {
    let (content, _) = crate::load::load_content(root);
    let (dossier, _) = crate::build::link_only(content, true, false).ok()?;
    dossier
        .notes
        .iter()
        .find(|n| n.common.aliases.iter().any(|a| a.eq_ignore_ascii_case(id)))
        .map(|n| n.file.clone())
}

/// Writes a new file, never over one.
fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let failed = |e: std::io::Error| {
        Diagnostic::error(path.display().to_string(), format!("cannot write it: {e}"))
            .with_help("check that the folder is writable")
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Diagnostic::error(path.display().to_string(), "this file is already there")
                    .with_help("edit it, or delete it first")
            } else {
                failed(e)
            }
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)
}

/// `jane-doe` as a first name for the note: "Jane doe".
fn readable(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
