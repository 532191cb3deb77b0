//! The link checker: every link, image, script, stylesheet, `srcset` candidate and CSS `url()`
//! of a built site, checked against the files of the site and the anchors of its pages.
//!
//! It reads the output, not the Markdown, so links written in templates are checked as well as
//! those in notes, and it can check any static site (`dossier check --dir`). `dossier check`
//! builds into an [`OutputTree`] in memory and checks that ([`check_tree`]); `--dir` reads the
//! folder page by page ([`check_dir`]). Each page's links are checked as it is read, but links
//! to an anchor on another page, which wait until all pages are read. External URLs are only
//! collected here; [`external`] checks them over HTTP when asked.

pub mod external;
pub mod extract;
mod search;

// aHash: every link of a site is looked up in these sets, and SipHash is slower at it.
use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::io::{self, Read};
use std::path::Path;

use rayon::prelude::*;

use crate::diag::did_you_mean;
use crate::site::OutputTree;

/// Where the site lives, to tell its own links from others.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The path of the base URL (`/h100/`); root-relative links must start with it.
    pub base_path: String,
    /// The absolute base URL (`https://example.org/h100/`), when known: links to it are internal.
    pub base_url: Option<String>,
}

/// A link that leads nowhere, or (in [`Report::unsafe_links`]) one that runs a script.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Broken {
    /// The page holding the link, as a path in the site (`events/x/index.html`).
    pub page: String,
    pub url: String,
    /// What held it (`a href`, `img srcset`, `css url()`).
    pub what: &'static str,
    /// Byte offset of the link in the page.
    #[serde(skip)]
    pub offset: usize,
    pub reason: String,
    pub help: Option<String>,
}

/// A link to another site, for `--external`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub page: String,
    pub url: String,
    pub what: &'static str,
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct Report {
    /// HTML pages read.
    pub pages: usize,
    /// Links checked inside the site.
    pub internal: usize,
    pub broken: Vec<Broken>,
    /// `javascript:`, `vbscript:` and `data:text/html` links: they work, but run a script
    /// where a reader expects a page, which a site should not offer.
    pub unsafe_links: Vec<Broken>,
    pub external: Vec<ExternalLink>,
}

/// How many candidates each side of where a missing name would sort are compared with it for
/// a "did you mean": a bounded number per broken link, whatever the size of the site.
const NEAR: usize = 16;

/// The places of the `NEAR` entries each side of `at` in a sorted list of `len`.
fn near(at: usize, len: usize) -> std::ops::Range<usize> {
    at.saturating_sub(NEAR)..(at + NEAR).min(len)
}

/// The site's pages as a link names them (`a/b` for `a/b/index.html`), to suggest one for a
/// link to a missing page: sorted within each folder, and grouped by their last name, so that
/// a typo in the name or in the folder is found among a bounded number of them.
struct PageIndex<'a> {
    by_folder: HashMap<&'a str, Vec<&'a str>>,
    by_name: HashMap<&'a str, Vec<&'a str>>,
}

/// The folder and the last name of a page's path (`("a", "b")` for `a/b`).
fn folder_and_name(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

impl<'a> PageIndex<'a> {
    fn new(pages: &[&'a str]) -> Self {
        let mut index = PageIndex {
            by_folder: HashMap::new(),
            by_name: HashMap::new(),
        };
        for page in pages {
            let path = page.strip_suffix("index.html").unwrap_or(page).trim_end_matches('/');
            let (folder, name) = folder_and_name(path);
            index.by_folder.entry(folder).or_default().push(path);
            index.by_name.entry(name).or_default().push(path);
        }
        for list in index.by_folder.values_mut().chain(index.by_name.values_mut()) {
            list.sort_unstable();
        }
        index
    }

    /// The pages compared with `wanted` (a path in the site): at most `4 * NEAR`.
    fn candidates(&self, wanted: &str) -> impl Iterator<Item = &'a str> + '_ {
        fn nearest<'l, 'a>(list: Option<&'l Vec<&'a str>>, wanted: &str) -> &'l [&'a str] {
            let list = list.map_or(&[][..], Vec::as_slice);
            &list[near(list.partition_point(|c| *c < wanted), list.len())]
        }
        let (folder, name) = folder_and_name(wanted);
        let folder = nearest(self.by_folder.get(folder), wanted);
        let name = nearest(self.by_name.get(name), wanted);
        folder.iter().chain(name).copied()
    }

    /// The page a link to the missing `wanted` most likely meant, as a root-relative link.
    fn suggest(&self, wanted: &str, base_path: &str) -> Option<String> {
        let wanted = wanted.trim_end_matches('/');
        did_you_mean(wanted, self.candidates(wanted)).map(|c| match c {
            "" => format!("did you mean `{base_path}`?"),
            c => format!("did you mean `{base_path}{c}/`?"),
        })
    }
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm")
}

/// Whether the checker reads `path` for its links.
fn has_links(path: &str) -> bool {
    is_html(path) || path.ends_with(".css") || search::is_index_file(path)
}

/// The links of one file, if it is a page, a stylesheet or a file of a search index that
/// names others; or why that file cannot be read.
fn links_of<'t>(path: &str, bytes: &'t [u8]) -> Option<Result<extract::PageLinks<'t>, String>> {
    if search::is_index_file(path) {
        return Some(search::links(path, bytes));
    }
    let css = path.ends_with(".css");
    if !css && !is_html(path) {
        return None;
    }
    fn of(text: &str, css: bool) -> extract::PageLinks<'_> {
        if css {
            extract::PageLinks {
                links: extract::css(text),
                ..Default::default()
            }
        } else {
            extract::html(text)
        }
    }
    // simdutf8 checks a page faster than the standard library (which the lossy conversion,
    // for a page that is not UTF-8, runs again).
    Some(Ok(match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => of(text, css),
        Err(_) => of(&String::from_utf8_lossy(bytes), css).into_owned(),
    }))
}

/// Checks every internal link of a site in memory.
pub fn check_tree(tree: &OutputTree, opts: &CheckOptions) -> Report {
    let _span = tracing::info_span!("check").entered();
    let files: Vec<&str> = tree.iter().map(|(p, _)| p.as_str()).collect();
    let read = |path: &str, page: &mut dyn FnMut(&[u8])| {
        if let Some(bytes) = tree.get(path) {
            page(bytes);
        }
        Ok::<_, std::convert::Infallible>(())
    };
    match check_site(&files, opts, read) {
        Ok(report) => report,
        Err(never) => match never {},
    }
}

/// Checks every internal link of a site in a folder. Each page is read, its links checked and
/// its bytes dropped, so a large site is never all in memory.
pub(crate) fn check_dir(dir: &Path, opts: &CheckOptions) -> io::Result<Report> {
    let _span = tracing::info_span!("check").entered();
    let listed = tracing::info_span!("list").in_scope(|| crate::output::list_files(dir))?;
    let files: Vec<&str> = listed.iter().map(String::as_str).collect();
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let read = |rel: &str, page: &mut dyn FnMut(&[u8])| {
        BUFFER.with_borrow_mut(|buffer| {
            buffer.clear();
            std::fs::File::open(dir.join(rel))?.read_to_end(buffer)?;
            page(buffer);
            Ok(())
        })
    };
    check_site(&files, opts, read)
}

/// The anchors of one page, sorted and each once, in one string. A large site has hundreds of
/// thousands, held until every page is read; as a set of strings each would be an allocation.
#[derive(Debug, Default)]
struct Anchors {
    text: String,
    /// Where each anchor ends in `text`; each starts where the one before ends.
    ends: Vec<usize>,
}

impl Anchors {
    fn new(ids: &[std::borrow::Cow<'_, str>]) -> Anchors {
        let mut ids: Vec<&str> = ids.iter().map(|a| a.as_ref()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut text = String::with_capacity(ids.iter().map(|a| a.len()).sum());
        let ends = ids
            .iter()
            .map(|a| {
                text.push_str(a);
                text.len()
            })
            .collect();
        Anchors { text, ends }
    }

    fn get(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }

    fn contains(&self, id: &str) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// In order.
    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|k| self.get(k))
    }

    /// The anchors nearest to where `id` sorts: those compared with it for a "did you mean".
    fn near(&self, id: &str) -> impl Iterator<Item = &str> {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid) < id {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        near(lo, self.ends.len()).map(|k| self.get(k))
    }
}

/// What one page's links gave before the anchors of the other pages are known.
struct Checked<'a> {
    page: &'a str,
    /// The page's anchors (none for a stylesheet).
    anchors: Option<Anchors>,
    broken: Vec<Broken>,
    unsafe_links: Vec<Broken>,
    external: Vec<ExternalLink>,
    internal: usize,
    /// Links to an anchor on another page, with that page and the anchor: checked once every
    /// page's anchors are known.
    later: Vec<(extract::Found<'static>, String, String)>,
}

impl<'a> Checked<'a> {
    fn new(page: &'a str) -> Self {
        Checked {
            page,
            anchors: None,
            broken: Vec::new(),
            unsafe_links: Vec::new(),
            external: Vec::new(),
            internal: 0,
            later: Vec::new(),
        }
    }

    /// Reports this file, one of a search index, as unreadable for `why`.
    fn unreadable_index_file(&mut self, why: String) {
        let file = extract::Found {
            url: self.page.into(),
            what: "search index",
            offset: 0,
        };
        let help = Help::Text("build the site again; the search index is made whole by every build".into());
        self.record(
            &file,
            broken(
                format!("this file of the search index cannot be read: {why}"),
                Some(help),
            ),
        );
    }

    fn record(&mut self, found: &extract::Found<'_>, verdict: Verdict) {
        match verdict {
            Verdict::Ok => self.internal += 1,
            Verdict::Skip => {}
            Verdict::Later { file, fragment } => self.later.push((found.clone().into_owned(), file, fragment)),
            Verdict::External(url) => self.external.push(ExternalLink {
                page: self.page.to_string(),
                url,
                what: found.what,
                offset: found.offset,
            }),
            Verdict::Broken { reason, help } => {
                self.internal += 1;
                self.broken.push(Broken {
                    page: self.page.to_string(),
                    url: found.url.to_string(),
                    what: found.what,
                    offset: found.offset,
                    reason,
                    help: help.map(Help::into_text),
                });
            }
            Verdict::Script(scheme) => self.unsafe_links.push(Broken {
                page: self.page.to_string(),
                url: found.url.to_string(),
                what: found.what,
                offset: found.offset,
                reason: format!("`{}` runs a script ({})", shortened(&found.url, 60), found.what),
                help: Some(
                    match scheme {
                        "data:text/html" => "publish the document as a file of the site and link to it",
                        _ => "link to a page or a file; a script belongs in a script file, not in a link",
                    }
                    .to_string(),
                ),
            }),
        }
    }
}

/// Checks the links of every page and stylesheet among `files`; `read` hands the bytes of one
/// to the function it is given, or does nothing for a file it does not read.
/// Each page's links are checked as soon as they are read, but for those to an anchor on
/// another page, which wait until every page has been read.
fn check_site<'a, E: Send>(
    files: &[&'a str],
    opts: &CheckOptions,
    read: impl Fn(&'a str, &mut dyn FnMut(&[u8])) -> Result<(), E> + Sync,
) -> Result<Report, E> {
    let mut dirs: HashSet<&str> = HashSet::new();
    for path in files {
        let mut p = *path;
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if !dirs.insert(p) {
                break;
            }
        }
    }
    // Hashed, since every link looks its target up here.
    let paths: HashSet<&str> = files.iter().copied().collect();
    let mut site = Site {
        files: &paths,
        anchors: None,
        dirs: &dirs,
        opts,
    };
    // Root-relative links found good, per thread and check: they lead to the same place from
    // every page, and most of a large site's links are a few thousand of them, written again
    // and again.
    thread_local! {
        static GOOD: std::cell::RefCell<(u64, HashSet<String>)> = std::cell::RefCell::new((0, HashSet::new()));
    }
    static CHECKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let check = CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let check_page = |page: &'a str, bytes: &[u8]| {
        let mut out = Checked::new(page);
        let links = match links_of(page, bytes)? {
            Ok(links) => links,
            Err(why) => {
                out.unreadable_index_file(why);
                return Some(out);
            }
        };
        let anchors = Anchors::new(&links.anchors);
        GOOD.with_borrow_mut(|(of, good)| {
            if *of != check {
                *of = check;
                good.clear();
            }
            for found in &links.links {
                let url = found.url.as_ref();
                let anywhere = url.starts_with('/') && !url.starts_with("//");
                if anywhere && good.contains(url) {
                    out.internal += 1;
                    continue;
                }
                let verdict = site.check(page, links.base.as_deref(), url, &anchors);
                if anywhere && matches!(verdict, Verdict::Ok) {
                    good.insert(url.to_string());
                }
                out.record(found, verdict);
            }
        });
        out.anchors = is_html(page).then_some(anchors);
        Some(out)
    };
    let pages_span = tracing::info_span!("pages").entered();
    let checked: Vec<Checked> = files
        .par_iter()
        .filter(|p| has_links(p))
        .map(|page| {
            let mut checked = None;
            read(page, &mut |bytes| checked = check_page(page, bytes))?;
            Ok(checked)
        })
        .filter_map(Result::transpose)
        .collect::<Result<_, E>>()?;
    drop(pages_span);
    let merge = tracing::info_span!("merge").entered();
    let anchors: HashMap<&str, &Anchors> = checked
        .iter()
        .filter_map(|c| Some((c.page, c.anchors.as_ref()?)))
        .collect();
    site.anchors = Some(&anchors);
    let mut report = Report {
        pages: anchors.len(),
        ..Default::default()
    };
    let pages: Vec<&str> = anchors.keys().copied().collect();
    let none = Anchors::default();
    let rests: Vec<Checked> = checked
        .par_iter()
        .map(|c| {
            let mut rest = Checked::new(c.page);
            let own = c.anchors.as_ref().unwrap_or(&none);
            for (found, file, fragment) in &c.later {
                rest.record(found, site.fragment(file, fragment, c.page, own));
            }
            rest
        })
        .collect();
    drop(anchors);
    for (c, rest) in checked.into_iter().zip(rests) {
        report.broken.extend(c.broken.into_iter().chain(rest.broken));
        report.unsafe_links.extend(c.unsafe_links);
        report.external.extend(c.external.into_iter().chain(rest.external));
        report.internal += c.internal + rest.internal;
    }
    drop(merge);
    report
        .broken
        .sort_by(|a, b| (&a.page, a.offset).cmp(&(&b.page, b.offset)));
    report
        .unsafe_links
        .sort_by(|a, b| (&a.page, a.offset).cmp(&(&b.page, b.offset)));
    suggest_pages(&mut report.broken, &pages, &opts.base_path);
    Ok(report)
}

/// Marks the help of a link to a missing page, followed by the path wanted, until
/// [`suggest_pages`] puts a suggestion there (or nothing).
const SUGGEST_PAGE: &str = "\0suggest-page:";

/// Fills in the "did you mean" of every link to a missing page: once per path wanted, each
/// compared with a bounded number of pages.
fn suggest_pages(broken: &mut [Broken], pages: &[&str], base_path: &str) {
    let wanted: HashSet<&str> = broken
        .iter()
        .filter_map(|b| b.help.as_deref()?.strip_prefix(SUGGEST_PAGE))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let index = PageIndex::new(pages);
    let wanted: Vec<&str> = wanted.into_iter().collect();
    let suggestions: Vec<Option<String>> = wanted.par_iter().map(|w| index.suggest(w, base_path)).collect();
    let suggestions: HashMap<&str, Option<String>> = wanted.into_iter().zip(suggestions).collect();
    let filled: Vec<Option<Option<String>>> = broken
        .iter()
        .map(|b| {
            let w = b.help.as_deref()?.strip_prefix(SUGGEST_PAGE)?;
            suggestions.get(w).cloned()
        })
        .collect();
    for (b, help) in broken.iter_mut().zip(filled) {
        if let Some(help) = help {
            b.help = help;
        }
    }
}

enum Help {
    Text(String),
    /// Suggest a page for this missing path in the site.
    SuggestPage(String),
}

impl Help {
    fn into_text(self) -> String {
        match self {
            Help::Text(t) => t,
            Help::SuggestPage(path) => format!("{SUGGEST_PAGE}{path}"),
        }
    }
}

enum Verdict {
    Ok,
    Skip,
    /// The link leads to an anchor on another page (`file`), whose anchors are not known yet.
    Later {
        file: String,
        fragment: String,
    },
    External(String),
    Broken {
        reason: String,
        help: Option<Help>,
    },
    /// The link runs a script of this scheme.
    Script(&'static str),
}

fn broken(reason: impl Into<String>, help: Option<Help>) -> Verdict {
    Verdict::Broken {
        reason: reason.into(),
        help,
    }
}

struct Site<'a> {
    /// The path of every file in the site.
    files: &'a HashSet<&'a str>,
    /// The anchors of every page, once all are read.
    anchors: Option<&'a HashMap<&'a str, &'a Anchors>>,
    dirs: &'a HashSet<&'a str>,
    opts: &'a CheckOptions,
}

/// The first `chars` characters of `text`, control characters escaped, and `…` if there are
/// more: a URL to quote in a message.
fn shortened(text: &str, chars: usize) -> String {
    let mut out = String::new();
    for c in text.chars().take(chars) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if text.chars().nth(chars).is_some() {
        out.push('…');
    }
    out
}

/// The scheme of a link that runs a script where it is followed or loaded: `javascript:`,
/// `vbscript:`, or `data:` with an HTML document. Read as a browser reads it: control
/// characters and spaces before it dropped, tabs and newlines inside it ignored, in any case.
fn script_scheme(url: &str) -> Option<&'static str> {
    let head: String = url
        .chars()
        .skip_while(|&c| c <= ' ')
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(40)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if head.starts_with("javascript:") {
        Some("javascript:")
    } else if head.starts_with("vbscript:") {
        Some("vbscript:")
    } else {
        let media = head.strip_prefix("data:")?.trim_start();
        ["text/html", "application/xhtml+xml"]
            .iter()
            .any(|m| media.starts_with(m))
            .then_some("data:text/html")
    }
}

/// The scheme of a URL, lowercased, if it has one.
fn scheme(url: &str) -> Option<String> {
    let i = url.find(':')?;
    let s = &url[..i];
    (!s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| s.to_ascii_lowercase())
}

impl Site<'_> {
    /// `own` holds the anchors of `page`.
    fn check(&self, page: &str, base: Option<&str>, url: &str, own: &Anchors) -> Verdict {
        if let Some(scheme) = script_scheme(url) {
            return Verdict::Script(scheme);
        }
        if url.is_empty() {
            return Verdict::Ok;
        }
        if let Some(frag) = url.strip_prefix('#') {
            return self.fragment(page, frag, page, own);
        }
        let url_owned;
        let mut url = url;
        if url.starts_with("//") {
            url_owned = format!("https:{url}");
            url = &url_owned;
        }
        match scheme(url).as_deref() {
            Some("http" | "https") => {
                if let Some(rest) = self.opts.base_url.as_deref().and_then(|b| strip_base(url, b)) {
                    return self.path(page, &format!("{}{rest}", self.opts.base_path), url, own);
                }
                let without_fragment = url.split('#').next().unwrap_or(url);
                Verdict::External(without_fragment.to_string())
            }
            Some("mailto") => mailto(&url[7..]),
            Some("tel") => tel(&url[4..]),
            Some(_) => Verdict::Skip,
            None => {
                // A relative link is resolved against <base href> when the page has one.
                if !url.starts_with('/')
                    && let Some(b) = base
                {
                    if scheme(b).is_some() {
                        return match self.opts.base_url.as_deref().and_then(|u| strip_base(b, u)) {
                            Some(rest) => self.path(page, &format!("{}{rest}{url}", self.opts.base_path), url, own),
                            None => Verdict::Skip,
                        };
                    }
                    let joined = if b.starts_with('/') {
                        format!("{}{url}", &b[..b.rfind('/').map_or(0, |i| i + 1)])
                    } else {
                        format!("{}{url}", b)
                    };
                    return self.path(page, &joined, url, own);
                }
                self.path(page, url, url, own)
            }
        }
    }

    /// The file a plain root-relative link leads to (`/base/a/b/`, `/base/style.css`: nothing
    /// to decode, strip or resolve), without the allocations of [`Site::path`]'s resolution.
    /// `None` for any other link, and when there is no such file, for `path` to say why.
    fn plain_target(&self, link: &str) -> Option<String> {
        let inside = link.strip_prefix(self.opts.base_path.as_str())?;
        if inside.bytes().any(|c| matches!(c, b'%' | b'?'))
            || inside.starts_with(['.', '/'])
            || inside.contains("//")
            || inside.contains("/.")
        {
            return None;
        }
        let (dir, trailing) = match inside.strip_suffix('/') {
            Some(d) => (d, true),
            None => (inside, inside.is_empty()),
        };
        let index = || {
            // Not `format!`: most links of a site come here, and its machinery costs more than
            // the copy.
            let index = if dir.is_empty() {
                "index.html".to_string()
            } else {
                [dir, "/index.html"].concat()
            };
            self.files.contains(index.as_str()).then_some(index)
        };
        if !trailing && self.files.contains(dir) {
            Some(dir.to_string())
        } else {
            index()
        }
    }

    /// Resolves a root-relative or relative link and checks its file and fragment.
    fn path(&self, page: &str, link: &str, written: &str, own: &Anchors) -> Verdict {
        let (rest, fragment) = match link.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (link, None),
        };
        if let Some(file) = self.plain_target(rest) {
            return match fragment {
                Some(f) => self.fragment(&file, f, page, own),
                None => Verdict::Ok,
            };
        }
        let rest = rest.split('?').next().unwrap_or(rest);
        let decoded = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
        let base = &self.opts.base_path;
        let joined: Vec<&str> = if let Some(abs) = decoded.strip_prefix('/') {
            let inside = base.trim_start_matches('/');
            match abs.strip_prefix(inside) {
                Some(r) => r.split('/').collect(),
                None if format!("{abs}/") == inside => Vec::new(),
                None => {
                    return broken(
                        format!("`{written}` is outside the site, which is published under {base}"),
                        Some(Help::Text(format!(
                            "write links inside the site relative to the page, or starting with {base}"
                        ))),
                    );
                }
            }
        } else {
            let mut parts: Vec<&str> = page.split('/').collect();
            parts.pop();
            parts.extend(decoded.split('/'));
            parts
        };
        let mut out: Vec<&str> = Vec::new();
        let trailing = decoded.ends_with('/') || decoded.is_empty() || decoded.ends_with("/.");
        for p in joined {
            match p {
                "" | "." => {}
                ".." => {
                    if out.pop().is_none() {
                        return broken(
                            format!("`{written}` climbs out of the site"),
                            Some(Help::Text("remove one `../`".into())),
                        );
                    }
                }
                p => out.push(p),
            }
        }
        let path = out.join("/");
        let index = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{path}/index.html")
        };
        let found = if trailing || path.is_empty() {
            self.files.contains(index.as_str()).then_some(index)
        } else if self.files.contains(path.as_str()) {
            Some(path.clone())
        } else {
            // A folder without its slash: servers redirect to the slash.
            self.files.contains(index.as_str()).then_some(index)
        };
        let Some(file) = found else {
            return if self.dirs.contains(path.as_str()) {
                broken(
                    format!("`{written}` leads to the folder {base}{path}/, which has no index.html"),
                    Some(Help::Text(format!(
                        "add {path}/index.html, or link to a file in the folder"
                    ))),
                )
            } else if trailing || path.is_empty() {
                broken(
                    format!("`{written}` leads to `{base}{path}/`, where there is no page"),
                    Some(Help::SuggestPage(path)),
                )
            } else {
                broken(
                    format!("`{written}` leads to `{base}{path}`, which does not exist"),
                    Some(Help::SuggestPage(path)),
                )
            };
        };
        match fragment {
            Some(f) => self.fragment(&file, f, page, own),
            None => Verdict::Ok,
        }
    }

    fn fragment(&self, file: &str, fragment: &str, from: &str, own: &Anchors) -> Verdict {
        // `#` and `#top` scroll to the top; text fragments are for the browser to find.
        if fragment.is_empty() || fragment.eq_ignore_ascii_case("top") || fragment.starts_with(":~:") {
            return Verdict::Ok;
        }
        let ids = if file == from {
            own
        } else if !is_html(file) {
            // Fragments of non-HTML files (`doc.pdf#page=2`) are the viewer's business.
            return Verdict::Ok;
        } else {
            match self.anchors {
                Some(all) => match all.get(file) {
                    Some(ids) => ids,
                    None => return Verdict::Ok,
                },
                None => {
                    return Verdict::Later {
                        file: file.to_string(),
                        fragment: fragment.to_string(),
                    };
                }
            }
        };
        if ids.contains(fragment) {
            return Verdict::Ok;
        }
        let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        if ids.contains(decoded.as_ref()) {
            return Verdict::Ok;
        }
        let where_ = if file == from {
            "this page".to_string()
        } else {
            format!(
                "{}{}",
                self.opts.base_path,
                file.strip_suffix("index.html").unwrap_or(file)
            )
        };
        let help = match did_you_mean(&decoded, ids.near(&decoded)) {
            Some(c) => format!("did you mean `#{c}`?"),
            None if ids.ends.is_empty() => "the page has no anchors".to_string(),
            None => {
                let list: Vec<String> = ids.iter().take(12).map(|i| format!("#{i}")).collect();
                let more = if ids.ends.len() > 12 { ", …" } else { "" };
                format!("its anchors are {}{more}", list.join(", "))
            }
        };
        broken(
            format!("there is no anchor `#{decoded}` on {where_}"),
            Some(Help::Text(help)),
        )
    }
}

/// The part of `url` after `base` (both absolute), if `url` is inside it.
fn strip_base<'u>(url: &'u str, base: &str) -> Option<&'u str> {
    let norm = |s: &str| {
        s.split_once("://")
            .map(|(sc, rest)| (sc.to_ascii_lowercase(), rest.to_string()))
    };
    let (us, ur) = norm(url)?;
    let (bs, br) = norm(base)?;
    let same_scheme = us == bs || (us == "http" && bs == "https") || (us == "https" && bs == "http");
    if !same_scheme {
        return None;
    }
    let br = br.trim_end_matches('/');
    let (bhost, bpath) = br.split_once('/').unwrap_or((br, ""));
    let (uhost, _) = ur.split_once('/').unwrap_or((&ur, ""));
    if !uhost.eq_ignore_ascii_case(bhost) {
        return None;
    }
    let prefix_len = url.len() - ur.len() + uhost.len();
    let path = &url[prefix_len..];
    let bpath = format!("/{bpath}");
    let bpath = bpath.trim_end_matches('/');
    let rest = path.strip_prefix(bpath)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
            .or_else(|| rest.starts_with(['#', '?']).then_some(rest))
    }
}

/// `mailto:` addresses: each must look like `local@domain`.
fn mailto(rest: &str) -> Verdict {
    let addresses = rest.split('?').next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(addresses).decode_utf8_lossy();
    if decoded.is_empty() && rest.contains('?') {
        return Verdict::Skip; // mailto:?subject=… lets the reader choose.
    }
    for a in decoded.split(',') {
        let a = a.trim();
        let ok = match a.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !local.contains(char::is_whitespace)
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            }
            None => false,
        };
        if !ok {
            return broken(
                format!("`mailto:{rest}` is not an email address"),
                Some(Help::Text("write mailto:name@example.org".into())),
            );
        }
    }
    Verdict::Skip
}

/// `tel:` numbers: digits with `+` and visual separators.
fn tel(rest: &str) -> Verdict {
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
    let number = decoded.split(';').next().unwrap_or("");
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let ok = digits >= 3
        && number
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || "-.() ".contains(c) || (c == '+' && i == 0));
    if ok {
        Verdict::Skip
    } else {
        broken(
            format!("`tel:{rest}` is not a telephone number"),
            Some(Help::Text(
                "write tel:+ followed by the digits, e.g. tel:+1-555-0100".into(),
            )),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_anchors_are_found_as_a_set_would_find_them() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..2000 {
            let ids: Vec<std::borrow::Cow<str>> = (0..rng.usize(0..20))
                .map(|_| {
                    let len = rng.usize(0..4);
                    std::borrow::Cow::Owned((0..len).map(|_| rng.choice(['a', 'b', '-', 'é']).unwrap()).collect())
                })
                .collect();
            let anchors = Anchors::new(&ids);
            let set: std::collections::BTreeSet<&str> = ids.iter().map(|a| a.as_ref()).collect();
            assert_eq!(
                anchors.iter().collect::<Vec<_>>(),
                set.iter().copied().collect::<Vec<_>>()
            );
            for probe in ["", "a", "b", "ab", "ba", "a-", "é", "aé", "bbb", "-a-b", "zz"] {
                assert_eq!(anchors.contains(probe), set.contains(probe), "{probe:?} in {ids:?}");
            }
        }
    }

    #[test]
    fn a_suggestion_compares_a_bounded_number_of_pages() {
        let mut pages: Vec<String> = (0..10_000).map(|i| format!("events/event-{i:05}/index.html")).collect();
        pages.extend((0..10_000).map(|i| format!("people/p{i}/index.html")));
        pages.push("people/alice/index.html".into());
        pages.push("index.html".into());
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        let index = PageIndex::new(&pages);
        for wanted in [
            "events/event-01234x",
            "evnts/event-01234",
            "people/alcie",
            "x/y/z",
            "",
            "zzz",
        ] {
            let n = index.candidates(wanted).count();
            assert!(n <= 4 * NEAR, "{n} candidates for {wanted:?}");
        }
        // A typo in the name, in the folder, and at the top.
        assert_eq!(
            index.suggest("events/event-01234x/", "/b/").as_deref(),
            Some("did you mean `/b/events/event-01234/`?")
        );
        assert_eq!(
            index.suggest("evnts/event-01234", "/b/").as_deref(),
            Some("did you mean `/b/events/event-01234/`?")
        );
        assert_eq!(
            index.suggest("people/alcie", "/").as_deref(),
            Some("did you mean `/people/alice/`?")
        );
        assert_eq!(index.suggest("nothing-like-it/at-all", "/"), None);
    }

    #[test]
    fn an_anchor_suggestion_compares_a_bounded_number_of_anchors() {
        let ids: Vec<std::borrow::Cow<str>> = (0..10_000).map(|i| format!("section-{i:05}").into()).collect();
        let anchors = Anchors::new(&ids);
        for probe in ["", "section-04321x", "zzz", "section-"] {
            assert!(anchors.near(probe).count() <= 2 * NEAR);
        }
        assert_eq!(
            did_you_mean("section-04321x", anchors.near("section-04321x")),
            Some("section-04321")
        );
    }

    #[test]
    fn base_urls_strip() {
        assert_eq!(
            strip_base("https://example.org/h100/a/", "https://example.org/h100/"),
            Some("a/")
        );
        assert_eq!(
            strip_base("https://EXAMPLE.org/h100", "https://example.org/h100/"),
            Some("")
        );
        assert_eq!(
            strip_base("http://example.org/h100/#x", "https://example.org/h100/"),
            Some("#x")
        );
        assert_eq!(
            strip_base("https://example.org/h1000/", "https://example.org/h100/"),
            None
        );
        assert_eq!(strip_base("https://other.org/h100/", "https://example.org/h100/"), None);
        assert_eq!(strip_base("https://example.org/x", "https://example.org/"), Some("x"));
    }

    #[test]
    fn mail_and_phone_syntax() {
        assert!(matches!(mailto("a@example.org"), Verdict::Skip));
        assert!(matches!(mailto("a@example.org,b@example.org?subject=x"), Verdict::Skip));
        assert!(matches!(mailto("not-an-address"), Verdict::Broken { .. }));
        assert!(matches!(mailto("a@localhost"), Verdict::Broken { .. }));
        assert!(matches!(tel("+1-555-0100"), Verdict::Skip));
        assert!(matches!(tel("+1%20(555)%200100"), Verdict::Skip));
        assert!(matches!(tel("call-me"), Verdict::Broken { .. }));
    }
}
