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
    /// Check every link, anchor and asset of the built site (or of any folder with --dir).
    Check(CheckArgs),
    /// List every note in every language as up to date, stale or missing; print a note's hash.
    Translations(TranslationsArgs),
    /// Build into memory, serve the site, and rebuild and reload the browser on every save.
    Serve(ServeArgs),
    /// Start a dossier in an empty folder: settings, one note of each kind, a workflow.
    Init(InitArgs),
    /// Add a note (`new person jane-doe --name "Jane Doe"`) or a translation
    /// (`new translation jane-doe zh-Hant`), with its kind's fields.
    New(NewArgs),
    /// Write the dossier's data for other tools: `ftm` (FollowTheMoney entities, as Aleph
    /// reads them) or `csl` (the sources as CSL-JSON, for Zotero and Pandoc).
    Export(ExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// FollowTheMoney entities, a JSON object a line (the site's dossier.ftm.json).
    Ftm,
    /// The sources as CSL-JSON (the site's sources.csl.json).
    Csl,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// ftm or csl.
    #[arg(value_enum)]
    pub format: ExportFormat,

    /// The dossier's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,

    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,

    /// Include notes marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to start the dossier in: empty, or holding only `.git`; made if missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The dossier's name [asked when run in a terminal; default "My dossier"].
    #[arg(long)]
    pub title: Option<String>,

    /// The language tag of the notes, `en` or `zh-Hant` [asked; default `en`].
    #[arg(long)]
    pub lang: Option<String>,

    /// Where the site will be published, a URL or a path [asked; default `/`].
    #[arg(long)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The dossier's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,

    /// source, person, organization, event, claim, page, or translation.
    pub kind: String,

    /// The new note's id (lowercase letters, digits and hyphens), or for a translation the
    /// original's.
    pub id: String,

    /// For a translation: its language tag (`zh-Hant`).
    pub lang: Option<String>,

    /// The name of a person or an organization.
    #[arg(long)]
    pub name: Option<String>,

    /// The title of any other note.
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A report for people, on stderr, and a summary line on stdout.
    Human,
    /// One JSON document on stdout, for tools.
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The dossier to build in memory and check.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,

    /// Check this folder of built files instead of building (any static site).
    #[arg(long)]
    pub dir: Option<PathBuf>,

    /// The URL the site is published under [default: base_url from content/_index.md; with --dir,
    /// the one the build recorded in the folder, or /].
    #[arg(long)]
    pub base_url: Option<String>,

    /// Check links to other sites too, over HTTP.
    #[arg(long)]
    pub external: bool,

    /// Skip external URLs matching this regular expression (repeatable; adds to `check.exclude`).
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<String>,

    /// Where to keep external results between runs [default: ROOT/.dossier-cache/links.json,
    /// or DIR/../.dossier-cache/links.json with --dir].
    #[arg(long, value_name = "FILE")]
    pub cache: Option<PathBuf>,

    /// Do not read or write the cache.
    #[arg(long)]
    pub no_cache: bool,

    /// How long a good external result stays good, in hours.
    #[arg(long, default_value_t = 24.0, value_name = "HOURS")]
    pub cache_max_age: f64,

    /// Seconds to wait for one external request.
    #[arg(long, default_value_t = 20.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// External requests at once (never more than 2 to one host).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,

    /// Build notes marked `draft: true` too.
    #[arg(long)]
    pub drafts: bool,

    /// Fail on every open integrity gap (an uncited claim, a stale or unrecorded translation,
    /// an unlinked person...) and on every citation a source's text contradicts, not only on
    /// errors.
    #[arg(long)]
    pub strict: bool,

    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The folder of the sources' texts, to verify citations against [default: `texts:` in
    /// content/_index.md, else ROOT/texts]. Never published.
    #[arg(long, value_name = "DIR")]
    pub texts: Option<PathBuf>,
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

    /// Fail on every open integrity gap (an uncited claim, a stale or unrecorded translation,
    /// an unlinked person...) and on every citation a source's text contradicts, not only on
    /// errors.
    #[arg(long)]
    pub strict: bool,

    /// The folder of the sources' texts, to verify citations against [default: `texts:` in
    /// content/_index.md, else ROOT/texts]. Never published.
    #[arg(long, value_name = "DIR")]
    pub texts: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The dossier's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,

    /// The port to listen on; 0 takes any free port.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,

    /// The address to listen on. Anything but the loopback lets other machines read the
    /// preview.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,

    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,

    /// Show notes marked `draft: true` too.
    #[arg(long)]
    pub drafts: bool,

    /// The folder of the sources' texts, to verify citations against [default: `texts:` in
    /// content/_index.md, else ROOT/texts]. Never published.
    #[arg(long, value_name = "DIR")]
    pub texts: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TranslationsArgs {
    /// The dossier's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,

    /// Print the hash of NOTE's body (an id, or the path of its file) for `translated_from:`.
    #[arg(long, value_name = "NOTE")]
    pub hash: Option<String>,

    /// Exit with 1 when a translation is stale or does not record what it was translated from.
    #[arg(long)]
    pub strict: bool,
}
