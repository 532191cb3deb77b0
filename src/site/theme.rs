//! The theme: the default templates and static files compiled into the binary, a dossier's
//! overrides, and the functions and filters templates call.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tera::{Kwargs, State, Tera, Value};

use super::index::{Index, group_digits, shown_date};
use crate::diag::Diagnostic;
use crate::i18n;

macro_rules! embed {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../", $dir, "/", $name)) as &[u8])),*]
    };
}

/// The default templates, compiled into the binary.
pub(crate) const DEFAULT_TEMPLATES: &[(&str, &[u8])] = embed!("templates":
    "base.html", "home.html", "404.html",
    "source.html", "person.html", "organization.html", "event.html", "claim.html", "page.html",
    "sources.html", "entities.html", "events.html", "claims.html",
    "partials/sources.html", "partials/note_list.html", "partials/header.html",
    "partials/backlinks.html",
    "timeline.html", "conflicts.html", "partials/conflict.html", "partials/conflicts.html", "partials/timeline.html",
    "translations.html", "side-by-side.html", "partials/note_link.html", "partials/translation.html",
    "partials/languages.html", "integrity.html", "corrections.html", "partials/corrections.html",
    "partials/gaps.html", "partials/cite.html", "partials/role.html",
    "search.html", "partials/search_marks.html", "partials/list_filters.html",
    "i18n/en.yaml", "i18n/zh-Hant.yaml",
);

/// The default static files, compiled into the binary.
pub(crate) const DEFAULT_STATIC: &[(&str, &[u8])] =
    embed!("static": "style.css", "favicon.svg", "search.js", "lists.js");

/// The templates a build renders, by the page they make.
pub(super) const REQUIRED_TEMPLATES: &[&str] = &[
    "home.html",
    "404.html",
    "source.html",
    "person.html",
    "organization.html",
    "event.html",
    "claim.html",
    "page.html",
    "sources.html",
    "entities.html",
    "events.html",
    "claims.html",
    "timeline.html",
    "conflicts.html",
    "translations.html",
    "side-by-side.html",
    "integrity.html",
    "corrections.html",
    "search.html",
];

/// The raw bytes of a theme file (`templates/…` or `static/…`), relative to its folder.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub name: String,
    pub rel_path: String,
    pub bytes: Vec<u8>,
}

/// A dossier's own theme files, which override the embedded defaults one by one.
#[derive(Debug, Default, Clone)]
pub struct ThemeOverrides {
    pub templates: Vec<ThemeFile>,
    pub statics: Vec<ThemeFile>,
}

/// The compiled theme: templates with overrides applied, and the static files to copy.
pub(crate) struct Theme {
    pub(super) tera: Tera,
    /// The site-wide index the template functions read; filled once per build.
    pub(super) index: Arc<OnceLock<Arc<Index>>>,
    /// Template name → (file to name in diagnostics, source text).
    pub(super) sources: BTreeMap<String, (String, String)>,
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Interface strings by language (`templates/i18n/LANG.yaml`).
    pub strings: i18n::Files,
    /// Whether every template is the built-in one (interface strings aside): then no template
    /// reads the lists of backlinks and sources as values (only as the tool writes them), and
    /// pages go without the values.
    pub(super) builtin_templates: bool,
    /// Problems that do not stop the build: overrides of templates the theme no longer reads.
    pub(crate) warnings: Vec<Diagnostic>,
}

pub(super) fn template_diag(
    sources: &BTreeMap<String, (String, String)>,
    err: &tera::Error,
    context: Option<&str>,
) -> Diagnostic {
    use tera::ErrorKind;
    let with_context = |msg: String| match context {
        Some(c) => format!("{msg} (while rendering {c})"),
        None => msg,
    };
    match err.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let (file, text) = sources
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| (format!("templates/{}", r.filename()), String::new()));
            let span = r.span();
            let width = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            let what = if matches!(err.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::error(file, with_context(format!("{what}: {}", r.message())))
                .at(&text, span.start_line, span.start_col + 1, width)
                .with_help(
                    "see the Tera documentation for the template syntax, and README.md for what templates receive",
                )
        }
        ErrorKind::MissingParent { current, parent } => point_at_name(sources, current, parent, "extends"),
        ErrorKind::TemplateNotFound(name) => {
            // Which template asked for it? The first one that names it.
            let asker = sources
                .iter()
                .find(|(_, (_, t))| t.contains(&format!("\"{name}\"")))
                .map(|(n, _)| n.clone());
            match asker {
                Some(a) => point_at_name(sources, &a, name, "includes"),
                None => Diagnostic::error("templates", with_context(format!("template `{name}` not found")))
                    .with_help(format!("add templates/{name}, or use one of the built-in templates")),
            }
        }
        other => Diagnostic::error("templates", with_context(format!("template error: {other}"))),
    }
}

pub(super) fn point_at_name(
    sources: &BTreeMap<String, (String, String)>,
    current: &str,
    missing: &str,
    verb: &str,
) -> Diagnostic {
    let (file, text) = sources
        .get(current)
        .cloned()
        .unwrap_or_else(|| (format!("templates/{current}"), String::new()));
    let quoted = format!("\"{missing}\"");
    let d = Diagnostic::error(
        &file,
        format!("template `{current}` {verb} `{missing}`, which does not exist"),
    )
    .with_help(format!("add templates/{missing}, or correct the name"));
    match text.find(&quoted) {
        Some(off) => d.at_offset(&text, off, quoted.chars().count()),
        None => d,
    }
}

/// Compiles the default theme with the dossier's overrides.
pub(crate) fn compile_theme(overrides: ThemeOverrides) -> Result<Theme, Vec<Diagnostic>> {
    let _span = tracing::info_span!("templates.compile").entered();
    let mut diags = Vec::new();
    let builtin_templates = overrides.templates.iter().all(|f| f.name.starts_with(i18n::DIR));
    // The lists of backlinks and sources are written by the tool, not by a partial.
    let warnings: Vec<Diagnostic> = overrides
        .templates
        .iter()
        .filter(|f| f.name == "partials/mentions.html")
        .map(|f| {
            Diagnostic::warning(&f.rel_path, "no template includes partials/mentions.html any more")
                .with_help("to show the lists of backlinks and citing notes your own way, override partials/backlinks.html and source.html, which get them as `page.backlinks` and `page.cited_by` (see README.md, \"Templates\")")
        })
        .collect();
    let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (name, bytes) in DEFAULT_TEMPLATES {
        let text = String::from_utf8_lossy(bytes).into_owned();
        sources.insert((*name).to_string(), (format!("templates/{name} (built-in)"), text));
    }
    for f in overrides.templates {
        match String::from_utf8(f.bytes) {
            Ok(text) => {
                sources.insert(f.name, (f.rel_path, text));
            }
            Err(e) => diags.push(crate::diag::utf8_diag(&f.rel_path, e)),
        }
    }
    let mut statics: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
        .iter()
        .map(|(n, b)| ((*n).to_string(), b.to_vec()))
        .collect();
    for f in overrides.statics {
        statics.insert(f.name, f.bytes);
    }
    // Interface strings are not templates: each file is read on its own, the dossier's keys
    // over the built-in ones.
    let mut strings = i18n::Files::new();
    let string_files: Vec<String> = sources
        .keys()
        .filter(|n| n.starts_with(i18n::DIR) && n.ends_with(".yaml"))
        .cloned()
        .collect();
    for name in string_files {
        let Some((file, text)) = sources.remove(&name) else {
            continue;
        };
        let tag = name[i18n::DIR.len()..name.len() - ".yaml".len()].to_string();
        let builtin = DEFAULT_TEMPLATES.iter().find(|(n, _)| *n == name);
        let mut merged = match builtin {
            Some((_, bytes)) if !file.ends_with("(built-in)") => {
                crate::frontmatter::parse_strings(&name, &String::from_utf8_lossy(bytes)).unwrap_or_default()
            }
            _ => BTreeMap::new(),
        };
        match crate::frontmatter::parse_strings(&file, &text) {
            Ok(own) => merged.extend(own),
            Err(d) => diags.push(d),
        }
        strings.insert(tag, merged);
    }
    let index: Arc<OnceLock<Arc<Index>>> = Arc::new(OnceLock::new());
    let new_tera = || {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml", ".svg"]);
        register_functions(&mut tera, index.clone());
        tera
    };
    // Compile each template alone first, so every syntax error is reported, not only the first.
    for (name, (_, text)) in &sources {
        let mut probe = new_tera();
        if let Err(e) = probe.add_raw_template(name, text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            diags.push(template_diag(&sources, &e, None));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut tera = new_tera();
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str()))) {
        return Err(vec![template_diag(&sources, &e, None)]);
    }
    for name in REQUIRED_TEMPLATES {
        if !sources.contains_key(*name) {
            diags.push(Diagnostic::error(
                format!("templates/{name}"),
                format!("the template `{name}` is missing"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Theme {
        tera,
        index,
        sources,
        statics,
        strings,
        builtin_templates,
        warnings,
    })
}

impl Theme {
    /// The index the last build filled, for the next build to compare with.
    pub(crate) fn index(&self) -> Option<Arc<Index>> {
        self.index.get().cloned()
    }
}

pub(super) fn register_functions(tera: &mut Tera, index: Arc<OnceLock<Arc<Index>>>) {
    pub(super) fn ready(slot: &OnceLock<Arc<Index>>) -> tera::TeraResult<&Index> {
        slot.get()
            .map(|i| &**i)
            .ok_or_else(|| tera::Error::message("the site index is not ready"))
    }
    let i = index.clone();
    tera.register_filter(
        "number",
        move |n: f64, _: Kwargs, state: &State| -> tera::TeraResult<String> {
            let words = ready(&i)?.words(state);
            Ok(words.map_or_else(|| group_digits(n), |w| w.numbers.format(n)))
        },
    );
    let i = index.clone();
    tera.register_filter(
        "date",
        move |v: Value, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let start: bool = kwargs.get("start")?.unwrap_or(false);
            let text = v.get_from_path("text");
            let Some(text) = text.and_then(Value::as_str) else {
                return Ok(String::new());
            };
            let index = ready(&i)?;
            let words = index
                .words(state)
                .map_or(crate::date::DateWords::english_shared(), |w| &w.dates);
            Ok(shown_date(index.build, words, text, start))
        },
    );
    // `| safe` as the engine's own, but without a copy: the engine's copies the string it is
    // given into a new one, and the strings marked safe are a page's largest (its body, its
    // backlinks and its sources), about as many bytes as the page. A string value shares its
    // text, so marking it safe is only a new tag.
    tera.register_filter("safe", |v: Value, _: Kwargs, _: &State| -> Value {
        if v.as_str().is_some() {
            v.mark_safe()
        } else {
            Value::safe_string(&v.to_string())
        }
    });
    // `{{ t.key | fmt(name=value) }}`: fills `{name}` in an interface string. Values are escaped
    // unless they are already safe HTML (a `{% set %}` block, or `| safe`).
    tera.register_filter(
        "fmt",
        |pattern: &str, kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let mut values: Vec<(String, String)> = Vec::new();
            for (k, v) in kwargs.iter() {
                let text = if v.is_safe() {
                    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
                } else {
                    state.escape_if_needed(v)?
                };
                values.push((k.to_string(), text));
            }
            let escaped = state.escape(pattern)?;
            let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            Ok(Value::safe_string(&crate::date::fill(&escaped, &pairs)))
        },
    );
    let i = index.clone();
    tera.register_function(
        "note",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let id: &str = kwargs.must_get("id")?;
            Ok(ready(&i)?.note(state, id)?.cloned().unwrap_or_else(Value::none))
        },
    );
    let i = index.clone();
    tera.register_function(
        "notes",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
            let kind: &str = kwargs.must_get("kind")?;
            ready(&i)?.list(state, kind)?.cloned().ok_or_else(|| {
                tera::Error::message(format!(
                    "notes(kind=\"{kind}\"): the kinds are source, person, organization, event, claim and page"
                ))
            })
        },
    );
    let i = index;
    // A page (`sources/`, or `` for the home page) in the current language, or in `lang`; a
    // file (`style.css`) under the base path.
    tera.register_function(
        "url",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let given: Option<&str> = kwargs.get("lang")?;
            let index = ready(&i)?;
            let path = path.trim_start_matches('/');
            let is_page = path.is_empty() || path.ends_with('/');
            let prefix = if is_page {
                // A base page's links ask for their own language 15 times a page: it is read
                // from the context without a copy.
                let current = index.lang_value(state);
                let lang = given.unwrap_or_else(|| current.as_str().unwrap_or(&index.default_lang));
                index.prefixes.get(lang).map_or("", String::as_str)
            } else {
                ""
            };
            let mut url = String::with_capacity(index.base_path.len() + prefix.len() + path.len());
            url.push_str(&index.base_path);
            url.push_str(prefix);
            url.push_str(path);
            Ok(url)
        },
    );
}

/// Type erasure for the different page views, so one closure renders them all.
pub(super) mod erased {
    pub(crate) trait Page: Sync {
        fn value(&self) -> tera::Value;
    }
    impl<T: serde::Serialize + Sync> Page for T {
        fn value(&self) -> tera::Value {
            tera::Value::from_serializable(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Context;
    #[test]
    fn the_safe_filter_prints_what_the_engines_own_prints() {
        let template =
            "{{ html | safe }}|{{ short | safe }}|{{ n | safe }}|{{ yes | safe }}|{{ list | safe }}|{{ html }}";
        let render = |tera: &mut Tera| {
            tera.add_raw_template("t", template).expect("template");
            let mut ctx = Context::new();
            ctx.insert("html", &"<p>A &amp; B, long enough not to be held inline</p>".repeat(3));
            ctx.insert("short", "<b>");
            ctx.insert("n", &12.5);
            ctx.insert("yes", &true);
            ctx.insert("list", &vec!["<a>", "b"]);
            tera.render("t", &ctx).expect("render")
        };
        let engines = render(&mut Tera::default());
        let mut ours = Tera::default();
        register_functions(&mut ours, Arc::new(OnceLock::new()));
        assert_eq!(render(&mut ours), engines);
        assert!(engines.starts_with("<p>A &amp; B"), "{engines}");
    }
    #[test]
    fn every_theme_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (dir, embedded) in [("templates", DEFAULT_TEMPLATES), ("static", DEFAULT_STATIC)] {
            let mut on_disk: Vec<String> = walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    e.path()
                        .strip_prefix(root.join(dir))
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect();
            on_disk.sort();
            let mut names: Vec<String> = embedded.iter().map(|(n, _)| (*n).to_string()).collect();
            names.sort();
            assert_eq!(
                on_disk, names,
                "{dir}/ and the embedded list differ: update DEFAULT_* in src/site/theme.rs"
            );
        }
    }
}
