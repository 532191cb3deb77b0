//! `dossier`: a static site generator for investigative dossiers.
//!
//! Data flows top to bottom through the modules below; see README.md ("Architecture") for the
//! map and the invariants.

pub mod build;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod date;
pub mod diag;
pub mod frontmatter;
pub mod graph;
mod html;
pub mod i18n;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod progress;
pub mod sentence;
pub mod serve;
pub mod site;

/// A map from note ids (or other short strings the build looks up for every link and
/// summary it prints) to what the build knows of them. aHash, not the standard SipHash: the
/// keys come from the dossier's own files, and SipHash was a visible part of a build's profile.
pub type IdMap<V> = std::collections::HashMap<String, V, ahash::RandomState>;
