//! Checking links to other sites over HTTP (`dossier check --external`).
//!
//! Each distinct URL is fetched once, by a pool of worker threads that never hold more than
//! `per_host` connections to one host. Redirects are followed by hand so they can be reported;
//! `429 Too Many Requests` (and `503` with `Retry-After`) is retried after the wait the server
//! asks for, or with exponential backoff. Good results are kept in a cache file for
//! `max_age`, so a rerun only asks again for what it has not seen lately.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use regex::Regex;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone)]
pub(crate) struct ExternalOptions {
    /// Worker threads.
    pub concurrency: usize,
    /// At most this many requests to one host at a time.
    pub per_host: usize,
    /// For one request, from connecting to the end of the headers; and for all the waits
    /// before the retries of one URL.
    pub timeout: Duration,
    /// Retries after `429`, `503` or a failed connection (not after a timeout).
    pub retries: u32,
    /// The first wait before a retry when the server names none; doubled each time.
    pub backoff: Duration,
    /// Where to keep results between runs; `None` for no cache.
    pub cache: Option<PathBuf>,
    /// How long a cached good result stays good.
    pub max_age: Duration,
    /// URLs matching any of these are not checked.
    pub exclude: Vec<Regex>,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            concurrency: 8,
            per_host: 2,
            timeout: Duration::from_secs(20),
            retries: 3,
            backoff: Duration::from_secs(1),
            cache: None,
            max_age: Duration::from_secs(24 * 3600),
            exclude: Vec::new(),
        }
    }
}

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub(crate) enum Outcome {
    Ok {
        status: u16,
    },
    /// Reachable, but through redirects; `to` is where they end.
    Redirected {
        status: u16,
        to: String,
    },
    Broken {
        status: Option<u16>,
        reason: String,
    },
    /// The server asked to come back later (`429`, or `503` with `Retry-After`) than the
    /// waits for one URL may take; `retry_after` in seconds, when it said.
    #[serde(rename = "rate-limited")]
    RateLimited {
        status: u16,
        retry_after: Option<u64>,
    },
    Excluded,
}

impl Outcome {
    /// A result that holds until the cache entry expires: the URL was reached.
    fn is_lasting(&self) -> bool {
        matches!(self, Outcome::Ok { .. } | Outcome::Redirected { .. })
    }
}

/// The `user:password@` of a URL's authority, if it has one.
fn credentials(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let end = url[start..].find(['/', '?', '#']).map_or(url.len(), |k| start + k);
    let at = url[start..end].rfind('@')?;
    Some(&url[start..start + at + 1])
}

/// `url` without the `user:password@` of its authority: what is stored and reported of it.
pub fn without_credentials(url: &str) -> std::borrow::Cow<'_, str> {
    match credentials(url) {
        Some(c) => url.replacen(c, "", 1).into(),
        None => url.into(),
    }
}

/// The results of a run, and how many came from the cache.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub outcomes: BTreeMap<String, Outcome>,
    pub from_cache: usize,
    pub fetched: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    format: String,
    entries: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    /// Seconds since the Unix epoch.
    checked: u64,
    outcome: Outcome,
}

const CACHE_FORMAT: &str = "dossier-link-cache/1";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or("").to_ascii_lowercase()
}

/// Checks each URL once; the order of `urls` does not matter. The results are keyed by the
/// URLs [`without_credentials`].
pub(crate) fn check(urls: impl IntoIterator<Item = String>, opts: &ExternalOptions) -> Checked {
    let _span = tracing::info_span!("check.external").entered();
    let mut checked = Checked::default();
    let cache: CacheFile = opts
        .cache
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|c: &CacheFile| c.format == CACHE_FORMAT)
        .map(|c| CacheFile {
            // A cache written before credentials were left out loses them on its next write.
            entries: c
                .entries
                .into_iter()
                .map(|(url, e)| (without_credentials(&url).into_owned(), e))
                .collect(),
            ..c
        })
        .unwrap_or_default();
    let fresh_after = now().saturating_sub(opts.max_age.as_secs());
    let mut todo = VecDeque::new();
    let mut seen = std::collections::HashSet::new();
    for url in urls {
        let shown = without_credentials(&url).into_owned();
        if !seen.insert(shown.clone()) {
            continue;
        }
        if opts.exclude.iter().any(|r| r.is_match(&shown)) {
            checked.outcomes.insert(shown, Outcome::Excluded);
            continue;
        }
        match cache.entries.get(&shown) {
            Some(e) if e.checked >= fresh_after && e.outcome.is_lasting() => {
                checked.from_cache += 1;
                checked.outcomes.insert(shown, e.outcome.clone());
            }
            _ => todo.push_back(Url { shown, url }),
        }
    }
    checked.fetched = todo.len();
    let fetched = fetch_all(todo, opts);
    let stamp = now();
    let mut entries = cache.entries;
    entries.retain(|_, e| e.checked >= fresh_after);
    for (url, outcome) in fetched {
        if outcome.is_lasting() {
            entries.insert(
                url.clone(),
                CacheEntry {
                    checked: stamp,
                    outcome: outcome.clone(),
                },
            );
        } else {
            entries.remove(&url);
        }
        checked.outcomes.insert(url, outcome);
    }
    if let Some(path) = &opts.cache {
        let file = CacheFile {
            format: CACHE_FORMAT.into(),
            entries,
        };
        if let Ok(bytes) = serde_json::to_vec_pretty(&file) {
            // Written beside, then renamed: a run killed half-way leaves the old cache whole.
            let tmp = path.with_extension("tmp");
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, path);
            }
        }
    }
    checked
}

/// A URL to fetch, and what is stored and reported of it.
struct Url {
    shown: String,
    url: String,
}

/// The work queue, and how many requests each host has in flight.
struct Pool {
    state: Mutex<(VecDeque<Url>, HashMap<String, usize>, usize)>,
    ready: Condvar,
}

/// Fetches each URL; the results are keyed by what is shown of them.
fn fetch_all(todo: VecDeque<Url>, opts: &ExternalOptions) -> Vec<(String, Outcome)> {
    if todo.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("dossier/", env!("CARGO_PKG_VERSION"), " (link checker)"))
        .build()
        .into();
    let total = todo.len();
    let pool = Pool {
        state: Mutex::new((todo, HashMap::new(), total)),
        ready: Condvar::new(),
    };
    let results = Mutex::new(Vec::with_capacity(total));
    std::thread::scope(|s| {
        for _ in 0..opts.concurrency.clamp(1, total) {
            s.spawn(|| {
                while let Some(url) = take(&pool, opts.per_host.max(1)) {
                    let outcome = fetch(&agent, &url.url, opts);
                    let h = host(&url.shown);
                    {
                        let mut st = pool.state.lock().unwrap_or_else(|e| e.into_inner());
                        if let Some(n) = st.1.get_mut(&h) {
                            *n -= 1;
                        }
                        st.2 -= 1;
                    }
                    pool.ready.notify_all();
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((url.shown, outcome));
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The next URL whose host has room, waiting while every queued one is at its host's limit.
fn take(pool: &Pool, per_host: usize) -> Option<Url> {
    let mut st = pool.state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if st.0.is_empty() {
            return None;
        }
        let pos =
            st.0.iter()
                .position(|u| st.1.get(&host(&u.shown)).copied().unwrap_or(0) < per_host);
        if let Some(i) = pos {
            let url = st.0.remove(i)?;
            *st.1.entry(host(&url.shown)).or_insert(0) += 1;
            return Some(url);
        }
        st = pool.ready.wait(st).unwrap_or_else(|e| e.into_inner());
    }
}

/// Joins a `Location` header to the URL that sent it, as a browser does (`../`, `?query`,
/// `//host`); a location that cannot be joined is taken as it is.
pub fn join(base: &str, location: &str) -> String {
    url::Url::parse(base)
        .and_then(|b| b.join(location))
        .map_or_else(|_| location.to_string(), String::from)
}

const MAX_REDIRECTS: usize = 10;

fn fetch(agent: &ureq::Agent, url: &str, opts: &ExternalOptions) -> Outcome {
    let mut current = url.to_string();
    let mut first_status = None;
    for _ in 0..=MAX_REDIRECTS {
        let (status, location) = match request(agent, &current, opts) {
            Ok(r) => r,
            Err(outcome) => return outcome,
        };
        if (300..400).contains(&status)
            && let Some(loc) = location
        {
            first_status.get_or_insert(status);
            current = join(&current, &loc);
            continue;
        }
        let shown = without_credentials(&current);
        return match (status, first_status) {
            (200..=299, None) => Outcome::Ok { status },
            (200..=299, Some(s)) => Outcome::Redirected {
                status: s,
                to: shown.into_owned(),
            },
            (s, _) => Outcome::Broken {
                status: Some(s),
                reason: match first_status {
                    Some(_) => format!("redirected to {shown}, which answered {s}"),
                    None => format!("the server answered {s}"),
                },
            },
        };
    }
    Outcome::Broken {
        status: None,
        reason: format!("more than {MAX_REDIRECTS} redirects"),
    }
}

/// One GET, retried on 429, 503 with `Retry-After`, and failed connections, as long as the
/// waits before the retries fit in `opts.timeout` in all.
fn request(agent: &ureq::Agent, url: &str, opts: &ExternalOptions) -> Result<(u16, Option<String>), Outcome> {
    let mut attempt = 0;
    let mut left = opts.timeout;
    loop {
        let backoff = opts.backoff * 2u32.saturating_pow(attempt);
        match agent.get(url).call() {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let header = |name: &str| {
                    resp.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
                if !(status == 429 || (status == 503 && retry_after.is_some())) {
                    return Ok((status, header("location")));
                }
                let wait = retry_after.map_or(backoff, Duration::from_secs);
                if attempt == opts.retries || wait > left {
                    return Err(Outcome::RateLimited { status, retry_after });
                }
                std::thread::sleep(wait);
                left -= wait;
                attempt += 1;
            }
            Err(e) => {
                // A server that did not answer in time will not answer the next time either.
                let transient = !matches!(e, ureq::Error::BadUri(_) | ureq::Error::Timeout(_));
                if attempt < opts.retries && transient && backoff <= left {
                    std::thread::sleep(backoff);
                    left -= backoff;
                    attempt += 1;
                    continue;
                }
                let mut reason = match e {
                    ureq::Error::Timeout(_) => format!("no answer within {} s", opts.timeout.as_secs_f64()),
                    other => format!("could not connect: {other}"),
                };
                // The error may quote the URL, which is reported without its credentials.
                if let Some(c) = credentials(url) {
                    reason = reason.replace(c, "");
                }
                return Err(Outcome::Broken { status: None, reason });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_join() {
        assert_eq!(join("http://a.org/x/y?q", "/z"), "http://a.org/z");
        assert_eq!(join("http://a.org/x/y", "z"), "http://a.org/x/z");
        assert_eq!(join("http://a.org", "z"), "http://a.org/z");
        assert_eq!(join("https://a.org/x", "//b.org/c"), "https://b.org/c");
        assert_eq!(join("https://a.org/x", "http://b.org/"), "http://b.org/");
        assert_eq!(join("http://a.org/x/y/z", "../w"), "http://a.org/x/w");
        assert_eq!(join("http://a.org/x/y?q", "?r"), "http://a.org/x/y?r");
        assert_eq!(host("https://A.org:8080/x?y"), "a.org:8080");
    }

    #[test]
    fn credentials_are_left_out() {
        assert_eq!(without_credentials("https://u:p@a.org/x@y"), "https://a.org/x@y");
        assert_eq!(without_credentials("http://u@a.org"), "http://a.org");
        assert_eq!(without_credentials("https://a:b@c@a.org?q=@"), "https://a.org?q=@");
        assert_eq!(
            without_credentials("https://a.org/p?mail=a@b"),
            "https://a.org/p?mail=a@b"
        );
        assert_eq!(without_credentials("mailto:a@b.org"), "mailto:a@b.org");
    }
}
