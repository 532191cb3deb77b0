//! `dossier`: a static site generator for investigative dossiers.
//!
//! See README.md ("Architecture") for the layers these modules stand in, the code map and the
//! invariants. What other modules need is `pub(crate)`; `pub` is kept
//! for what the binary, the integration tests and the benches use.

pub mod build;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod date;
pub mod diag;
pub(crate) mod frontmatter;
pub mod graph;
mod html;
pub(crate) mod i18n;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod progress;
pub(crate) mod search;
pub mod sentence;
pub mod serve;
pub mod site;
pub mod texts;

/// A map from note ids (or other short strings the build looks up for every link and
/// summary it prints) to what the build knows of them. aHash, not the standard SipHash: the
/// keys come from the dossier's own files, and a build looks them up many times a page.
pub(crate) type IdMap<V> = std::collections::HashMap<String, V, ahash::RandomState>;
