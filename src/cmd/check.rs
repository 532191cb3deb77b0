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
use crate::diag::{Diagnostic, Locator};
use crate::output;
use crate::site::OutputTree;

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
    /// How many sources were verified against their texts (none for `--dir`).
    verified: Option<crate::graph::verify::Summary>,
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

    let mut diags = place_all(&target, report.broken.iter().map(|b| broken_spot(b, &target)).collect());
    let unsafe_links = place_all(
        &target,
        report.unsafe_links.iter().map(|b| unsafe_spot(b, &target)).collect(),
    );
    let (broken_json, unsafe_json): (Vec<BrokenJson>, Vec<BrokenJson>) = match args.format {
        Format::Json => (
            BrokenJson::list(&report.broken, &diags, &target),
            BrokenJson::list(&report.unsafe_links, &unsafe_links, &target),
        ),
        Format::Human => (Vec::new(), Vec::new()),
    };
    diags.extend(unsafe_links);
    let mut external = if args.external {
        match check_external(&args, &target, &report.external) {
            Ok(e) => Some(e),
            Err(exit) => return exit,
        }
    } else {
        None
    };
    if let Some(e) = &mut external {
        diags.append(&mut e.diags);
    }
    crate::diag::sort(&mut diags);
    let failed = diags.iter().any(Diagnostic::is_error);
    match args.format {
        Format::Human => {
            print_diagnostics(&diags);
            if let Some(items) = &target.integrity {
                print_integrity(items);
            }
            if let Some(v) = &target.verified {
                let _ = writeln!(std::io::stdout(), "{}", verified_line(v));
            }
            let line = summary_line(&report, external.as_ref(), started.elapsed().as_secs_f64());
            let _ = writeln!(std::io::stdout(), "{line}");
        }
        Format::Json => {
            let doc = ReportJson {
                pages: report.pages,
                links: report.internal,
                broken: broken_json,
                unsafe_links: unsafe_json,
                external: external.map(|e| e.json).unwrap_or_default(),
                integrity: target.integrity.as_deref(),
                sources: target.verified,
                ok: !failed,
            };
            let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
            out.push('\n');
            let _ = std::io::stdout().write_all(out.as_bytes());
        }
    }
    if failed { Exit::Content } else { Exit::Ok }
}

/// What `--external` found: the problems to report, each URL's outcome for the JSON report,
/// and the counts for the summary.
struct External {
    diags: Vec<Diagnostic>,
    json: Vec<ExternalJson>,
    /// URLs, from the cache, broken, redirected, rate limited.
    counts: (usize, usize, usize, usize, usize),
}

/// Fetches every link to another site (`--external`).
fn check_external(args: &CheckArgs, target: &Target, links: &[ExternalLink]) -> Result<External, Exit> {
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
                return Err(Exit::Usage);
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
    let checked = external::check(links.iter().map(|e| e.url.clone()), &ext_opts);
    // The results are keyed by the URLs without their credentials.
    let mut by_url: BTreeMap<std::borrow::Cow<str>, Vec<&ExternalLink>> = BTreeMap::new();
    for e in links {
        by_url.entry(external::without_credentials(&e.url)).or_default().push(e);
    }
    let (mut broken, mut redirected, mut limited) = (0, 0, 0);
    let (mut spots, mut json) = (Vec::new(), Vec::new());
    for (url, outcome) in &checked.outcomes {
        let places = by_url.get(url.as_str()).cloned().unwrap_or_default();
        match outcome {
            Outcome::Broken { reason, .. } => {
                broken += 1;
                for e in &places {
                    let message = format!("broken external link `{url}`: {reason}");
                    spots.push(external_spot(e, message, None, true, target));
                }
            }
            Outcome::Redirected { to, status } => {
                redirected += 1;
                if let Some(e) = places.first() {
                    let message = format!("`{url}` redirects ({status}) to {to}");
                    spots.push(external_spot(
                        e,
                        message,
                        Some(format!("link to {to} directly")),
                        false,
                        target,
                    ));
                }
            }
            Outcome::RateLimited { status, retry_after } => {
                limited += 1;
                let after = retry_after.map_or("later".to_string(), |s| format!("after {s} s"));
                if let Some(e) = places.first() {
                    let message = format!("`{url}` is not checked: rate limited ({status}), retry {after}");
                    let help = "check again later, or leave the host out with --exclude";
                    spots.push(external_spot(e, message, Some(help.into()), false, target));
                }
            }
            _ => {}
        }
        json.push(ExternalJson {
            url: url.clone(),
            outcome: outcome.clone(),
            pages: places.iter().map(|e| page_url(target, &e.page)).collect(),
        });
    }
    Ok(External {
        diags: place_all(target, spots),
        json,
        counts: (checked.outcomes.len(), checked.from_cache, broken, redirected, limited),
    })
}

/// Prints the open gaps of the integrity report and a line that counts them.
fn print_integrity(items: &[crate::graph::integrity::Item]) {
    let open: Vec<Diagnostic> = items
        .iter()
        .filter(|i| i.reason.is_none())
        .map(|i| i.diagnostic.clone())
        .collect();
    print_diagnostics(&open);
    let explained = items.len() - open.len();
    let line = match open.len() {
        0 => "Integrity: 0 open gaps".to_string(),
        1 => "Integrity: 1 open gap (listed above and at /integrity/; a --strict build fails on it)".to_string(),
        n => format!("Integrity: {n} open gaps (listed above and at /integrity/; a --strict build fails on them)"),
    };
    let line = match explained {
        1 => format!("{line}, 1 explained by its note"),
        n => format!("{line}, {n} explained by their notes"),
    };
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// "Sources: 3 verified against their text, 18 unverified (no text at hand)".
fn verified_line(v: &crate::graph::verify::Summary) -> String {
    let mut line = format!(
        "Sources: {} verified against their text, {} unverified (no text at hand)",
        v.verified, v.unverified
    );
    match v.failed {
        0 => {}
        1 => line.push_str("; 1 citation contradicted by its source's text (listed above)"),
        n => line.push_str(&format!(
            "; {n} citations contradicted by their sources' texts (listed above)"
        )),
    }
    line
}

/// The closing line of a check: links, pages, what is broken or unsafe, and the external URLs.
fn summary_line(report: &check::Report, external: Option<&External>, secs: f64) -> String {
    let mut line = format!(
        "Checked {} links on {} pages in {secs:.2} s: {}",
        report.internal,
        report.pages,
        match report.broken.len() {
            0 => "none broken".to_string(),
            1 => "1 broken".to_string(),
            n => format!("{n} broken"),
        }
    );
    match report.unsafe_links.len() {
        0 => {}
        1 => line.push_str("; 1 unsafe link"),
        n => line.push_str(&format!("; {n} unsafe links")),
    }
    if let Some(External {
        counts: (n, cached, broken, redirected, limited),
        ..
    }) = external
    {
        line.push_str(&format!(
            "; {n} external URLs ({cached} from the cache): {broken} broken, {redirected} redirected"
        ));
        if *limited > 0 {
            line.push_str(&format!(", {limited} rate limited"));
        }
    } else if !report.external.is_empty() {
        line.push_str(&format!(
            "; {} links to other sites not checked (use --external)",
            report.external.len()
        ));
    }
    line
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
        verified: None,
    })
}

fn build(args: &CheckArgs) -> Result<Target, Exit> {
    let built = super::build::build_in_memory(
        &args.root,
        super::build::Options {
            base_url: args.base_url.clone(),
            drafts: args.drafts,
            strict: args.strict,
            texts: args.texts.clone(),
            search: true,
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
        verified: Some(built.verified),
    })
}

/// Where in the note's text a link is written, if it is.
fn find_in_source(src: &PageSource, url: &str) -> Option<usize> {
    let body = &src.text[src.body_start..];
    // Not an escaper of output (that is `html::escape`) but a guess at how the author wrote the
    // URL in an HTML attribute of the note: `&` as `&amp;`, every other character as it is.
    // `html::escape` would also turn `'`, `"`, `<` and `>` into entities and miss
    // `href="…?a=1&amp;b='x'"` as written.
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

/// A link to report: where it is written and what to say of it.
struct Spot<'a> {
    page: &'a str,
    url: &'a str,
    offset: usize,
    message: String,
    help: Option<String>,
    error: bool,
}

/// The diagnostics of `spots`, in their order: each at the note's line when the link is
/// written there, at the page's line otherwise (a link from a template). The spots are placed
/// page by page in the order of their offsets, so each page is read once and walked once,
/// however many of them it holds.
fn place_all(target: &Target, spots: Vec<Spot>) -> Vec<Diagnostic> {
    let mut order: Vec<usize> = (0..spots.len()).collect();
    order.sort_by_key(|&i| (spots[i].page, spots[i].offset));
    let mut placed: Vec<Option<Diagnostic>> = vec![None; spots.len()];
    let mut page: Option<(&str, String, Locator)> = None;
    for i in order {
        let s = &spots[i];
        let width = s.url.chars().count().max(1);
        let make = |file: String| {
            if s.error {
                Diagnostic::error(file, s.message.clone())
            } else {
                Diagnostic::warning(file, s.message.clone())
            }
        };
        let with_help = |d: Diagnostic, from_template: bool| {
            let template = "the link comes from a template, not from a note's text";
            match (&s.help, from_template) {
                (Some(h), true) => d.with_help(format!("{h}; {template}")),
                (Some(h), false) => d.with_help(h.clone()),
                (None, true) => d.with_help(template),
                (None, false) => d,
            }
        };
        if let Some(src) = target.sources.get(s.page)
            && let Some(at) = find_in_source(src, s.url)
        {
            let d = make(src.file.clone()).at_offset(&src.text, at, width);
            placed[i] = Some(with_help(d, false));
            continue;
        }
        if page.as_ref().is_none_or(|(p, _, _)| *p != s.page) {
            page = Some((s.page, target.site.text(s.page), Locator::default()));
        }
        let Some((_, text, locator)) = &mut page else {
            continue;
        };
        let place = locator.place(text, s.offset);
        let d = make(format!("{}{}", target.page_prefix, s.page)).at_place(text, &place, width);
        placed[i] = Some(with_help(d, !target.sources.is_empty()));
    }
    placed.into_iter().flatten().collect()
}

fn broken_spot<'a>(b: &'a Broken, target: &Target) -> Spot<'a> {
    Spot {
        page: &b.page,
        url: &b.url,
        offset: b.offset,
        message: format!("broken link on {}: {}", page_url(target, &b.page), b.reason),
        help: b.help.clone(),
        error: true,
    }
}

fn unsafe_spot<'a>(b: &'a Broken, target: &Target) -> Spot<'a> {
    Spot {
        error: false,
        message: format!("unsafe link on {}: {}", page_url(target, &b.page), b.reason),
        ..broken_spot(b, target)
    }
}

fn external_spot<'a>(
    e: &'a ExternalLink,
    message: String,
    help: Option<String>,
    error: bool,
    target: &Target,
) -> Spot<'a> {
    Spot {
        page: &e.page,
        url: &e.url,
        offset: e.offset,
        message: format!("{message} (on {})", page_url(target, &e.page)),
        help,
        error,
    }
}

#[derive(Serialize)]
struct ReportJson<'a> {
    ok: bool,
    pages: usize,
    links: usize,
    broken: Vec<BrokenJson<'a>>,
    /// `javascript:` links and the like: warnings.
    unsafe_links: Vec<BrokenJson<'a>>,
    external: Vec<ExternalJson>,
    /// The gaps the integrity report lists (absent for `--dir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    integrity: Option<&'a [crate::graph::integrity::Item]>,
    /// Sources verified against their texts, unverified, and citations that failed (absent
    /// for `--dir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<crate::graph::verify::Summary>,
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
    /// The links of `list`, at the places found for them.
    fn list(list: &'a [Broken], placed: &[Diagnostic], target: &Target) -> Vec<Self> {
        list.iter()
            .zip(placed)
            .map(|(b, d)| BrokenJson {
                page: page_url(target, &b.page),
                url: &b.url,
                what: b.what,
                reason: &b.reason,
                help: b.help.as_deref(),
                file: d.file.clone(),
                line: d.line,
                col: d.col,
            })
            .collect()
    }
}

#[derive(Serialize)]
struct ExternalJson {
    url: String,
    #[serde(flatten)]
    outcome: Outcome,
    pages: Vec<String>,
}
