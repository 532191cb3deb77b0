//! Site settings: the front-matter of `content/_index.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::frontmatter::Document;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Language {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Where the site will be published; may carry a path (`https://example.org/h100/`).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_lang")]
    pub default_lang: String,
    #[serde(default)]
    pub languages: BTreeMap<String, Language>,
    #[serde(default)]
    pub author: Option<String>,
    /// Settings of `dossier check`.
    #[serde(default)]
    pub check: CheckSettings,
    /// Settings of the conflict computation.
    #[serde(default)]
    pub conflicts: ConflictSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConflictSettings {
    /// How many organizations a chain of ownership may pass through (X owns Y owns Z: 2).
    pub depth: usize,
}

impl Default for ConflictSettings {
    fn default() -> Self {
        ConflictSettings { depth: 3 }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckSettings {
    /// Regular expressions: external URLs matching one are not checked.
    pub exclude: Vec<String>,
}

fn default_base_url() -> String {
    "/".into()
}

fn default_lang() -> String {
    "en".into()
}

pub const CONFIG_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "default_lang",
    "languages",
    "author",
    "check",
    "conflicts",
];

/// The site settings and the home page's body.
#[derive(Debug, Clone)]
pub struct SiteIndex {
    pub config: Config,
    pub file: String,
    pub text: String,
    pub body_start: usize,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SiteIndex {
    pub fn home_body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

impl Config {
    /// Settings with nothing but a base URL, for checking a folder that has no `_index.md`.
    pub fn for_base_url(url: &str) -> Result<Config, String> {
        check_base_url(url)?;
        Ok(Config {
            title: String::new(),
            description: None,
            base_url: url.to_string(),
            default_lang: default_lang(),
            languages: BTreeMap::new(),
            author: None,
            check: CheckSettings::default(),
            conflicts: ConflictSettings::default(),
        })
    }

    /// The path part of the base URL, with a leading and a trailing slash (`/h100/`, or `/`).
    pub fn base_path(&self) -> String {
        let rest = match self.base_url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => self.base_url.as_str(),
        };
        let trimmed = rest.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// The absolute base (`https://example.org/h100/`), or the path when the base is a path.
    pub fn absolute_base(&self) -> String {
        match self.base_url.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or("");
                format!("{scheme}://{host}{}", self.base_path())
            }
            None => self.base_path(),
        }
    }

    /// Replaces the base URL (from `--base-url`), checking it the same way.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        check_base_url(url)?;
        self.base_url = url.to_string();
        Ok(())
    }
}

fn check_base_url(url: &str) -> Result<(), String> {
    let ok = if let Some((scheme, rest)) = url.split_once("://") {
        matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.starts_with('/')
    } else {
        url.starts_with('/')
    };
    if ok && !url.contains(['?', '#', ' ']) {
        Ok(())
    } else {
        Err(format!(
            "`{url}` is not a base URL; write an absolute URL such as https://example.org/h100/ or a path such as /h100/"
        ))
    }
}

/// Reads `content/_index.md`.
pub fn parse(file: &str, text: String) -> Result<(SiteIndex, Vec<Diagnostic>), Vec<Diagnostic>> {
    let doc = Document::parse(file, &text).map_err(|d| vec![d])?;
    let config: Config = doc.get().map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    if let Err(msg) = check_base_url(&config.base_url) {
        let (line, col, width) =
            crate::frontmatter::locate(&text, doc.yaml_start, &[crate::model::PathSeg::Key("base_url")])
                .unwrap_or((1, 1, 1));
        return Err(vec![Diagnostic::error(file, msg).at(&text, line, col, width)]);
    }
    for (i, pattern) in config.check.exclude.iter().enumerate() {
        if let Err(e) = regex::Regex::new(pattern) {
            use crate::model::PathSeg::{Index, Key};
            let (line, col, width) =
                crate::frontmatter::locate(&text, doc.yaml_start, &[Key("check"), Key("exclude"), Index(i)])
                    .unwrap_or((1, 1, 1));
            let reason = e.to_string();
            let last = reason.lines().last().unwrap_or("").trim().to_string();
            diags.push(
                Diagnostic::error(file, format!("`{pattern}` is not a regular expression: {last}"))
                    .at(&text, line, col, width)
                    .with_help("exclude patterns use Rust's regex syntax; escape dots as \\."),
            );
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let (extra, warnings) = doc.extra(&[CONFIG_KEYS]);
    diags.extend(warnings);
    let body_start = doc.body_start;
    drop(doc);
    Ok((
        SiteIndex {
            config,
            file: file.to_string(),
            text,
            body_start,
            extra,
        },
        diags,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(base: &str) -> Config {
        Config {
            title: "t".into(),
            description: None,
            base_url: base.into(),
            default_lang: "en".into(),
            languages: BTreeMap::new(),
            author: None,
            check: CheckSettings::default(),
            conflicts: ConflictSettings::default(),
        }
    }

    #[test]
    fn base_paths() {
        assert_eq!(cfg("https://example.org/h100/").base_path(), "/h100/");
        assert_eq!(cfg("https://example.org/h100").base_path(), "/h100/");
        assert_eq!(cfg("https://example.org").base_path(), "/");
        assert_eq!(cfg("/").base_path(), "/");
        assert_eq!(cfg("/a/b").base_path(), "/a/b/");
        assert_eq!(
            cfg("https://example.org/h100").absolute_base(),
            "https://example.org/h100/"
        );
    }

    #[test]
    fn bad_base_urls() {
        assert!(check_base_url("example.org").is_err());
        assert!(check_base_url("ftp://x/").is_err());
        assert!(check_base_url("https:///x").is_err());
        assert!(check_base_url("http://localhost:1111/").is_ok());
    }
}
