//! `dossier generate` (hidden): a dossier of any size, for benchmarks and tests at scale.

use std::io::Write;

use super::{Exit, print_diagnostics};
use crate::cli::GenerateArgs;
use crate::diag::Diagnostic;

pub fn run(args: GenerateArgs) -> Exit {
    match crate::generate::generate(&args.out, args.notes, args.seed) {
        Ok(g) => {
            let c = g.counts;
            let _ = writeln!(
                std::io::stdout(),
                "Generated {} notes ({} sources, {} people, {} organizations, {} events, {} claims, {} pages) \
                 and {} translations, {:.1} MB, into {}",
                c.total(),
                c.sources,
                c.people,
                c.organizations,
                c.events,
                c.claims,
                c.pages,
                g.translations,
                g.bytes as f64 / 1e6,
                args.out.display()
            );
            Exit::Ok
        }
        Err(message) => {
            print_diagnostics(&[Diagnostic::error(args.out.display().to_string(), message)
                .with_help("pass --out with a folder that does not exist yet")]);
            Exit::Usage
        }
    }
}
