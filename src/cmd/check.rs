//! `dossier check`: build in memory (or read a folder) and check every link of the result.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Exit, print_diagnostics};
use crate::build::PageSource;
use crate::check::external::{self, ExternalOptions, Outcome};
use crate::check::{self, Broken, CheckOptions, ExternalLink};
use crate::cli::{CheckArgs, Format};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::output::{self, OutputTree};

/// Where the site checked is.
enum Site {
    /// Built in memory by `dossier check`.
    Memory(OutputTree),
    /// Built before, for `--dir`: read page by page, never all at once.
    Folder(PathBuf),
}

impl Site {
    /// The text of a page, to point into.
    fn text(&self, page: &str) -> String {
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        match self {
            Site::Memory(tree) => tree.get(page).map(lossy),
            Site::Folder(dir) => std::fs::read(dir.join(page)).ok().map(|b| lossy(&b)),
        }
        .unwrap_or_default()
    }
}

/// What was checked: the site, and where its pages came from.
struct Target {
    site: Site,
    config: Config,
    sources: BTreeMap<String, PageSource>,
    /// How to name a page that has no source file (`public/x/index.html` or `/h100/x/index.html`).
    page_prefix: String,
    /// Where the cache goes by default.
    cache: PathBuf,
    /// The integrity report of a dossier built here (none for `--dir`).
    integrity: Option<Vec<crate::graph::integrity::Item>>,
}

pub fn run(args: CheckArgs) -> Exit {
    let started = Instant::now();
    let target = match &args.dir {
        Some(dir) => read_dir(dir, &args),
        None => build(&args),
    };
    let target = match target {
        Ok(t) => t,
        Err(exit) => return exit,
    };
    let opts = CheckOptions {
        base_path: target.config.base_path(),
        base_url: target
            .config
            .base_url
            .contains("://")
            .then(|| target.config.absolute_base()),
    };
    let report = match &target.site {
        Site::Memory(tree) => check::check_tree(tree, &opts),
        Site::Folder(dir) => match check::check_dir(dir, &opts) {
            Ok(r) => r,
            Err(e) => {
                print_diagnostics(&[Diagnostic::error(
                    dir.display().to_string(),
                    format!("cannot read the folder: {e}"),
                )
                .with_help("check that the folder is readable and is not being rebuilt while it is checked")]);
                return Exit::Usage;
            }
        },
    };

    let mut diags: Vec<Diagnostic> = report.broken.iter().map(|b| locate(b, &target)).collect();
    let mut external_summary = None;
    let mut external_json = Vec::new();
    if args.external {
        let mut exclude = Vec::new();
        for pattern in target.config.check.exclude.iter().chain(&args.exclude) {
            match regex::Regex::new(pattern) {
                Ok(r) => exclude.push(r),
                Err(e) => {
                    print_diagnostics(&[Diagnostic::error(
                        "--exclude",
                        format!("`{pattern}` is not a regular expression"),
                    )
                    .with_help(e.to_string())]);
                    return Exit::Usage;
                }
            }
        }
        let ext_opts = ExternalOptions {
            concurrency: args.concurrency.max(1),
            timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
            cache: (!args.no_cache).then(|| args.cache.clone().unwrap_or(target.cache.clone())),
            max_age: Duration::from_secs_f64(args.cache_max_age.max(0.0) * 3600.0),
            exclude,
            ..ExternalOptions::default()
        };
        let checked = external::check(report.external.iter().map(|e| e.url.clone()), &ext_opts);
        let mut by_url: BTreeMap<&str, Vec<&ExternalLink>> = BTreeMap::new();
        for e in &report.external {
            by_url.entry(e.url.as_str()).or_default().push(e);
        }
        let (mut broken, mut redirected) = (0, 0);
        for (url, outcome) in &checked.outcomes {
            let places = by_url.get(url.as_str()).cloned().unwrap_or_default();
            match outcome {
                Outcome::Broken { reason, .. } => {
                    broken += 1;
                    for e in &places {
                        diags.push(locate_external(
                            e,
                            format!("broken external link `{url}`: {reason}"),
                            None,
                            true,
                            &target,
                        ));
                    }
                }
                Outcome::Redirected { to, status } => {
                    redirected += 1;
                    if let Some(e) = places.first() {
                        diags.push(locate_external(
                            e,
                            format!("`{url}` redirects ({status}) to {to}"),
                            Some(format!("link to {to} directly")),
                            false,
                            &target,
                        ));
                    }
                }
                _ => {}
            }
            external_json.push(ExternalJson {
                url: url.clone(),
                outcome: outcome.clone(),
                pages: places.iter().map(|e| page_url(&target, &e.page)).collect(),
            });
        }
        external_summary = Some((checked.outcomes.len(), checked.from_cache, broken, redirected));
    }
    crate::diag::sort(&mut diags);
    let failed = diags.iter().any(Diagnostic::is_error);
    let broken_internal = report.broken.len();
    let secs = started.elapsed().as_secs_f64();
    match args.format {
        Format::Human => {
            print_diagnostics(&diags);
            if let Some(items) = &target.integrity {
                let open: Vec<Diagnostic> = items
                    .iter()
                    .filter(|i| i.reason.is_none())
                    .map(|i| i.diagnostic.clone())
                    .collect();
                print_diagnostics(&open);
                let explained = items.len() - open.len();
                let line = match open.len() {
                    0 => "Integrity: nothing to report".to_string(),
                    1 => "Integrity: 1 gap (listed above and at /integrity/; a --strict build fails on it)".to_string(),
                    n => {
                        format!("Integrity: {n} gaps (listed above and at /integrity/; a --strict build fails on them)")
                    }
                };
                let line = match explained {
                    0 => line,
                    1 => format!("{line}; 1 more explained by its note"),
                    n => format!("{line}; {n} more explained by their notes"),
                };
                let _ = writeln!(std::io::stdout(), "{line}");
            }
            let mut line = format!(
                "Checked {} links on {} pages in {secs:.2} s: {}",
                report.internal,
                report.pages,
                match broken_internal {
                    0 => "none broken".to_string(),
                    1 => "1 broken".to_string(),
                    n => format!("{n} broken"),
                }
            );
            if let Some((n, cached, broken, redirected)) = external_summary {
                line.push_str(&format!(
                    "; {n} external URLs ({cached} from the cache): {broken} broken, {redirected} redirected"
                ));
            } else if !report.external.is_empty() {
                line.push_str(&format!(
                    "; {} links to other sites not checked (use --external)",
                    report.external.len()
                ));
            }
            let _ = writeln!(std::io::stdout(), "{line}");
        }
        Format::Json => {
            let doc = ReportJson {
                pages: report.pages,
                links: report.internal,
                broken: report.broken.iter().map(|b| BrokenJson::from(b, &target)).collect(),
                external: external_json,
                integrity: target.integrity.as_deref(),
                ok: !failed,
            };
            let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
            out.push('\n');
            let _ = std::io::stdout().write_all(out.as_bytes());
        }
    }
    if failed { Exit::Content } else { Exit::Ok }
}

fn read_dir(dir: &std::path::Path, args: &CheckArgs) -> Result<Target, Exit> {
    if !dir.is_dir() {
        print_diagnostics(
            &[Diagnostic::error(dir.display().to_string(), "there is no such folder")
                .with_help("pass the folder a build wrote, e.g. --dir public")],
        );
        return Err(Exit::Usage);
    }
    // A folder that dossier built says which URL it was built for.
    let base = args
        .base_url
        .clone()
        .or_else(|| output::recorded_base_url(dir))
        .unwrap_or_else(|| "/".into());
    let config = match Config::for_base_url(&base) {
        Ok(c) => c,
        Err(msg) => {
            print_diagnostics(&[Diagnostic::error("--base-url", msg)]);
            return Err(Exit::Usage);
        }
    };
    let parent = dir.parent().map_or_else(|| PathBuf::from("."), PathBuf::from);
    Ok(Target {
        site: Site::Folder(dir.to_path_buf()),
        config,
        sources: BTreeMap::new(),
        page_prefix: format!("{}/", dir.display().to_string().trim_end_matches('/')),
        cache: parent.join(".dossier-cache").join("links.json"),
        integrity: None,
    })
}

fn build(args: &CheckArgs) -> Result<Target, Exit> {
    let built = super::build::build_in_memory(
        &args.root,
        super::build::Options {
            base_url: args.base_url.clone(),
            drafts: args.drafts,
            strict: args.strict,
        },
    )?;
    let base_path = built.config.base_path();
    Ok(Target {
        sources: built.sources.into_iter().map(|s| (s.page.clone(), s)).collect(),
        site: Site::Memory(built.tree),
        config: built.config,
        page_prefix: base_path,
        cache: args.root.join(".dossier-cache").join("links.json"),
        integrity: Some(built.integrity),
    })
}

/// Where in the note's text a link is written, if it is.
fn find_in_source(src: &PageSource, url: &str) -> Option<usize> {
    let body = &src.text[src.body_start..];
    let escaped = url.replace('&', "&amp;");
    let patterns = [
        format!("({url})"),
        format!("({url} "),
        format!("<{url}>"),
        format!("\"{url}\""),
        format!("\"{escaped}\""),
        format!("'{url}'"),
    ];
    patterns
        .iter()
        .find_map(|p| body.find(p.as_str()).map(|i| i + 1))
        .or_else(|| body.find(url))
        .map(|i| src.body_start + i)
}

fn page_url(target: &Target, page: &str) -> String {
    let base = target.config.base_path();
    format!("{base}{}", page.strip_suffix("index.html").unwrap_or(page))
}

/// A diagnostic for a broken link: at the note's line when the link is written there, at the
/// page's line otherwise (a link from a template).
fn place(target: &Target, page: &str, url: &str, offset: usize, message: String, error: bool) -> Diagnostic {
    let make = |file: String| {
        if error {
            Diagnostic::error(file, message.clone())
        } else {
            Diagnostic::warning(file, message.clone())
        }
    };
    if let Some(src) = target.sources.get(page)
        && let Some(at) = find_in_source(src, url)
    {
        return make(src.file.clone()).at_offset(&src.text, at, url.chars().count());
    }
    let text = target.site.text(page);
    let d = make(format!("{}{}", target.page_prefix, page)).at_offset(&text, offset, url.chars().count().max(1));
    if target.sources.is_empty() {
        d
    } else {
        d.with_help("the link comes from a template, not from a note's text")
    }
}

fn locate(b: &Broken, target: &Target) -> Diagnostic {
    let message = format!("broken link on {}: {}", page_url(target, &b.page), b.reason);
    let d = place(target, &b.page, &b.url, b.offset, message, true);
    match (&b.help, d.help.clone()) {
        (Some(h), Some(from_template)) => d.with_help(format!("{h}; {from_template}")),
        (Some(h), None) => d.with_help(h.clone()),
        (None, _) => d,
    }
}

fn locate_external(
    e: &ExternalLink,
    message: String,
    help: Option<String>,
    error: bool,
    target: &Target,
) -> Diagnostic {
    let message = format!("{message} (on {})", page_url(target, &e.page));
    let d = place(target, &e.page, &e.url, e.offset, message, error);
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

#[derive(Serialize)]
struct ReportJson<'a> {
    ok: bool,
    pages: usize,
    links: usize,
    broken: Vec<BrokenJson<'a>>,
    external: Vec<ExternalJson>,
    /// The gaps the integrity report lists (absent for `--dir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    integrity: Option<&'a [crate::graph::integrity::Item]>,
}

#[derive(Serialize)]
struct BrokenJson<'a> {
    page: String,
    url: &'a str,
    what: &'a str,
    reason: &'a str,
    help: Option<&'a str>,
    file: String,
    line: usize,
    col: usize,
}

impl<'a> BrokenJson<'a> {
    fn from(b: &'a Broken, target: &Target) -> Self {
        let d = place(target, &b.page, &b.url, b.offset, String::new(), true);
        BrokenJson {
            page: page_url(target, &b.page),
            url: &b.url,
            what: b.what,
            reason: &b.reason,
            help: b.help.as_deref(),
            file: d.file.clone(),
            line: d.line,
            col: d.col,
        }
    }
}

#[derive(Serialize)]
struct ExternalJson {
    url: String,
    #[serde(flatten)]
    outcome: Outcome,
    pages: Vec<String>,
}
