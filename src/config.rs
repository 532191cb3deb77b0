//! Site settings: the front-matter of `content/_index.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::frontmatter::Document;

/// A language the site is published in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The language's name in itself (`繁體中文`), for the switcher.
    pub name: String,
    /// The site's title in this language.
    #[serde(default)]
    pub title: Option<String>,
    /// The site's description in this language.
    #[serde(default)]
    pub description: Option<String>,
    /// Who publishes it, in this language (the footer's credit).
    #[serde(default)]
    pub author: Option<String>,
    /// The kinds of note that must be translated into this language (`[event, claim]`): the
    /// integrity report lists a note of these kinds without a translation. Every kind when
    /// not said; `[]` for none.
    #[serde(default)]
    pub required: Option<Vec<String>>,
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
    /// The folder of the sources' texts, from the dossier's folder (default `texts`): read by
    /// `load` to verify citations, never published.
    #[serde(default)]
    pub texts: Option<String>,
    /// Whether the build makes a search index (Pagefind's, under `pagefind/`) and the pages
    /// show a search box (default yes).
    #[serde(default = "yes")]
    pub search: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConflictSettings {
    /// How many organizations a chain of ownership may pass through (X owns Y owns Z: 2).
    pub depth: usize,
}

impl ConflictSettings {
    /// The largest `conflicts.depth` the settings accept: chains of more organizations than
    /// this are not followed.
    pub(crate) const MAX_DEPTH: usize = 10;
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

fn yes() -> bool {
    true
}

pub(crate) const CONFIG_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "default_lang",
    "languages",
    "author",
    "check",
    "conflicts",
    "texts",
    "search",
];

/// The site settings and the home page's body.
#[derive(Debug, Clone)]
pub struct SiteIndex {
    pub config: Config,
    pub file: String,
    pub text: String,
    pub body_start: usize,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The home page in other languages (`content/_index.zh-Hant.md`), sorted by language.
    pub translations: Vec<HomeTranslation>,
}

/// `content/_index.LANG.md`: the home page's body in another language.
#[derive(Debug, Clone)]
pub struct HomeTranslation {
    pub lang: String,
    pub file: String,
    pub text: String,
    pub yaml_start: usize,
    pub body_start: usize,
    /// The hash of the default home page's body it was translated from.
    pub translated_from: Option<String>,
}

impl SiteIndex {
    pub(crate) fn home_body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

impl Config {
    /// Settings with nothing but a base URL, for checking a folder that has no `_index.md`.
    pub(crate) fn for_base_url(url: &str) -> Result<Config, String> {
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
            texts: None,
            search: true,
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

    /// The site's languages, the default first, then the others by tag. A site that lists none
    /// is in its default language alone.
    pub(crate) fn languages(&self) -> Vec<&str> {
        let mut langs = vec![self.default_lang.as_str()];
        langs.extend(
            self.languages
                .keys()
                .map(String::as_str)
                .filter(|l| *l != self.default_lang),
        );
        langs
    }

    /// The URL folder of a language below the base path: empty for the default language,
    /// `zh-hant/` for `zh-Hant` (URLs are lowercase; `lang` attributes keep the tag's case).
    pub(crate) fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_lang {
            String::new()
        } else {
            format!("{}/", lang.to_ascii_lowercase())
        }
    }

    /// A language's name in itself, as the settings give it, or its tag.
    pub(crate) fn lang_name<'a>(&'a self, lang: &'a str) -> &'a str {
        self.languages.get(lang).map_or(lang, |l| l.name.as_str())
    }

    /// The site's title in a language.
    pub(crate) fn title_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The language the site's title in `lang` is written in, when it is not `lang`: the
    /// default language's, when `lang` has no title of its own.
    pub(crate) fn title_lang(&self, lang: &str) -> Option<&str> {
        let own = self.languages.get(lang).is_some_and(|l| l.title.is_some());
        (!own && lang != self.default_lang).then_some(self.default_lang.as_str())
    }

    /// Who publishes the site, in a language, or else in the default language, with the
    /// language it is written in when that is not `lang`.
    pub(crate) fn author_in(&self, lang: &str) -> Option<(&str, Option<&str>)> {
        match self.languages.get(lang).and_then(|l| l.author.as_deref()) {
            Some(author) => Some((author, None)),
            None => {
                let other = (lang != self.default_lang).then_some(self.default_lang.as_str());
                self.author.as_deref().map(|a| (a, other))
            }
        }
    }

    /// The site's description in a language.
    pub(crate) fn description_in(&self, lang: &str) -> Option<&str> {
        match self.languages.get(lang).and_then(|l| l.description.as_deref()) {
            Some(d) => Some(d),
            None if lang == self.default_lang => self.description.as_deref(),
            None => None,
        }
    }

    /// Replaces the base URL (from `--base-url`), checking it the same way.
    pub(crate) fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        check_base_url(url)?;
        self.base_url = url.to_string();
        Ok(())
    }
}

pub(crate) fn check_base_url(url: &str) -> Result<(), String> {
    let ok = if let Some((scheme, rest)) = url.split_once("://") {
        matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.starts_with('/')
    } else {
        url.starts_with('/')
    };
    // A base URL lands in every page's links: no query, fragment, space, control character,
    // quote or angle bracket, which would end an attribute or start markup.
    let unsafe_char = |c: char| c.is_whitespace() || c.is_control() || "?#\"'<>`\\{}|^".contains(c);
    if ok && !url.contains(unsafe_char) {
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
    let max_depth = ConflictSettings::MAX_DEPTH;
    if config.conflicts.depth > max_depth {
        use crate::model::PathSeg::Key;
        let (line, col, width) =
            crate::frontmatter::locate(&text, doc.yaml_start, &[Key("conflicts"), Key("depth")]).unwrap_or((1, 1, 1));
        diags.push(
            Diagnostic::error(
                file,
                format!("`conflicts.depth` is {}, more than {max_depth}", config.conflicts.depth),
            )
            .at(&text, line, col, width)
            .with_help(format!(
                "chains of ownership are followed through at most {max_depth} organizations; set a depth from 0 to {max_depth}"
            )),
        );
    }
    check_languages(file, &text, doc.yaml_start, &config, &mut diags);
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
            translations: Vec::new(),
        },
        diags,
    ))
}

/// Language tags must be tags, the default language must be among the languages when they are
/// listed, and no two tags may share a URL folder.
fn check_languages(file: &str, text: &str, yaml_start: usize, config: &Config, diags: &mut Vec<Diagnostic>) {
    use crate::model::PathSeg::Key;
    let locate =
        |path: &[crate::model::PathSeg]| crate::frontmatter::locate(text, yaml_start, path).unwrap_or((1, 1, 1));
    if !crate::model::parse::is_language_tag(&config.default_lang) {
        let (line, col, width) = locate(&[Key("default_lang")]);
        diags.push(
            Diagnostic::error(file, format!("`{}` is not a language tag", config.default_lang))
                .at(text, line, col, width)
                .with_help("write a BCP 47 tag such as `en`, `fr` or `zh-Hant`"),
        );
    }
    for (tag, language) in &config.languages {
        for kind in language.required.iter().flatten() {
            if !crate::model::Kind::ALL.iter().any(|k| k.as_str() == kind) {
                let kinds: Vec<&str> = crate::model::Kind::ALL.iter().map(|k| k.as_str()).collect();
                let d = Diagnostic::error(
                    file,
                    format!("`{kind}` in the `required` kinds of `{tag}` is not a kind of note"),
                )
                .with_help(format!("name some of: {}", kinds.join(", ")));
                // At the word itself, after the language's `required`.
                let at = text[yaml_start..]
                    .find(&format!("{tag}:"))
                    .and_then(|t| text[yaml_start + t..].find("required").map(|r| yaml_start + t + r))
                    .and_then(|r| text[r..].find(kind.as_str()).map(|k| r + k));
                diags.push(match at {
                    Some(offset) => d.at_offset(text, offset, kind.chars().count()),
                    None => {
                        let (line, col, width) = locate(&[Key("languages")]);
                        d.at(text, line, col, width)
                    }
                });
            }
        }
    }
    let mut folders: BTreeMap<String, &str> = BTreeMap::new();
    for tag in config.languages.keys() {
        let (line, col, width) = locate(&[Key("languages")]);
        if !crate::model::parse::is_language_tag(tag) {
            diags.push(
                Diagnostic::error(file, format!("`{tag}` under `languages` is not a language tag"))
                    .at(text, line, col, width)
                    .with_help("write a BCP 47 tag such as `en`, `fr` or `zh-Hant`"),
            );
        } else if let Some(other) = folders.insert(tag.to_ascii_lowercase(), tag) {
            diags.push(
                Diagnostic::error(file, format!("`{tag}` and `{other}` differ only in case"))
                    .at(text, line, col, width)
                    .with_help("both would be published under the same lowercase folder; keep one"),
            );
        }
    }
    if !config.languages.is_empty() && !config.languages.contains_key(&config.default_lang) {
        let (line, col, width) = locate(&[Key("default_lang")]);
        let listed: Vec<&str> = config.languages.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::error(
                file,
                format!(
                    "the default language `{}` is not under `languages`",
                    config.default_lang
                ),
            )
            .at(text, line, col, width)
            .with_help(format!(
                "add `{}: {{ name: … }}` under `languages`, or set `default_lang` to one of: {}",
                config.default_lang,
                listed.join(", ")
            )),
        );
    }
}

/// Reads `content/_index.LANG.md`, the home page in another language: `title` and
/// `description` in its front-matter override the language's settings, `translated_from`
/// records the hash of the default home page's body it was made from.
pub(crate) fn parse_home_translation(file: &str, lang: &str, text: String) -> Result<HomeTranslation, Diagnostic> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fields {
        #[serde(default, deserialize_with = "crate::model::string_or_number")]
        translated_from: Option<String>,
    }
    let doc = Document::parse(file, &text)?;
    // Its title and description are set under `languages` in content/_index.md.
    let fields: Fields = doc.get()?;
    let (yaml_start, body_start) = (doc.yaml_start, doc.body_start);
    drop(doc);
    Ok(HomeTranslation {
        lang: lang.to_string(),
        file: file.to_string(),
        text,
        yaml_start,
        body_start,
        translated_from: fields.translated_from,
    })
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
            texts: None,
            search: true,
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
        for bad in ["/x\"><s>", "/x'", "https://e.org/<b>", "/a\tb", "/a`b", "/a\\b"] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }
}
