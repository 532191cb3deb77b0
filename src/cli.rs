//! The command line, as clap derive types. Each command's work lives in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "dossier", version, about = "A static site generator for investigative dossiers", long_about = None)]
pub struct Cli {
    /// Show each phase and its timing on stderr (or set DOSSIER_LOG, e.g. DOSSIER_LOG=debug).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder, replacing it only if the build succeeds.
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The dossier's folder: the one holding content/ (and optionally templates/ and static/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,

    /// Where to write the site [default: ROOT/public].
    #[arg(long, short)]
    pub output: Option<PathBuf>,

    /// Publish under this URL instead of `base_url` from content/_index.md.
    #[arg(long)]
    pub base_url: Option<String>,

    /// Publish notes marked `draft: true` too.
    #[arg(long)]
    pub drafts: bool,
}
