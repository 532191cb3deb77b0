//! `dossier export ftm|csl`: the data files the site publishes (`dossier.ftm.json`,
//! `sources.csl.json`), made by a build in memory and written to a file or standard output.

use std::io::Write;

use super::{Exit, print_diagnostics};
use crate::cli::{ExportArgs, ExportFormat};
use crate::diag::Diagnostic;

pub fn run(args: ExportArgs) -> Exit {
    let built = match super::build::build_in_memory(
        &args.root,
        super::build::Options {
            base_url: None,
            drafts: args.drafts,
            strict: false,
            texts: None,
            search: false,
        },
    ) {
        Ok(b) => b,
        Err(exit) => return exit,
    };
    let name = match args.format {
        ExportFormat::Ftm => "dossier.ftm.json",
        ExportFormat::Csl => "sources.csl.json",
    };
    let bytes = built.tree.get(name).unwrap_or_default();
    let written = match &args.output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| (path.display().to_string(), e)),
        None => std::io::stdout()
            .lock()
            .write_all(bytes)
            .map_err(|e| ("stdout".to_string(), e)),
    };
    match written {
        Ok(()) => Exit::Ok,
        Err((what, e)) => {
            print_diagnostics(&[Diagnostic::error(what, format!("cannot write it: {e}"))
                .with_help("check that the folder exists and is writable")]);
            Exit::Usage
        }
    }
}
