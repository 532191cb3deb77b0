//! The `dossier` binary: parse the command line, set up logging, run, map the result to an exit
//! code. Everything else is in the library.

use std::process::ExitCode;

use clap::Parser;
use dossier::cli::{Cli, Command};
use dossier::cmd;

fn init_logging(verbose: bool) {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter = match std::env::var("DOSSIER_LOG") {
        Ok(f) => EnvFilter::new(f),
        Err(_) if verbose => EnvFilter::new("dossier=info"),
        Err(_) => EnvFilter::new("warn"),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none())
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let exit = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Translations(args) => cmd::translations::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Export(args) => cmd::export::run(args),
    };
    ExitCode::from(exit as u8)
}

/// The default allocator spends much of a build freeing and merging the many small strings
/// of a large dossier; mimalloc keeps per-thread pools and makes that cheap.
///
/// It is built without asking the kernel for transparent huge pages (the `no_thp` feature).
/// With them, each fresh 2 MiB of heap is zeroed whole on first touch, and again whenever
/// mimalloc has handed it back and takes it anew, which costs a large build kernel time
/// (`clear_page_erms`) and peak memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
