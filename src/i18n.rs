//! Interface strings: the words the theme puts around a dossier's content ("Sources", "Linked
//! from", the way a date or a number is written), per language.
//!
//! They live in the theme as `templates/i18n/LANG.yaml`, one `key: text` per line. The default
//! theme ships English and Traditional Chinese; a dossier adds a language or changes a string
//! with its own file of the same name, key by key. A key a language does not have is taken from
//! the site's default language, and then from English, so a half-translated theme still builds.

use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::date::{DateWords, fill};
use crate::diag::Diagnostic;
use crate::frontmatter::Text;

/// The folder of the strings inside `templates/`.
pub(crate) const DIR: &str = "i18n/";

/// The language every other falls back to last; its file must have every key.
pub(crate) const BASE: &str = "en";

/// Strings by language tag, as the theme's files give them.
pub(crate) type Files = BTreeMap<String, BTreeMap<String, Text>>;

/// How a language writes numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberWords {
    /// Between groups of three digits (`,`).
    pub group: String,
    /// Before the fraction (`.`).
    pub decimal: String,
    /// Names of 10⁴, 10⁸, 10¹², … for languages that count in myriads (`萬`, `億`, `兆`); empty
    /// for those that group by thousands.
    pub myriads: Vec<String>,
}

impl NumberWords {
    pub(crate) fn english() -> NumberWords {
        NumberWords {
            group: ",".into(),
            decimal: ".".into(),
            myriads: Vec::new(),
        }
    }

    /// `12000` → `12,000` in English, `1.2萬` in Chinese.
    pub(crate) fn format(&self, n: f64) -> String {
        if !self.myriads.is_empty() && n.abs() >= 10_000.0 {
            let mut unit = 10_000.0;
            let mut k = 0;
            while k + 1 < self.myriads.len() && n.abs() >= unit * 10_000.0 {
                unit *= 10_000.0;
                k += 1;
            }
            let scaled = n / unit;
            // Only when the number says as much in myriads: 12,345 stays 12,345.
            if ((scaled * 100.0).round() - scaled * 100.0).abs() < 1e-9 {
                let value = (scaled * 100.0).round() / 100.0;
                return format!("{}{}", self.grouped(value), self.myriads[k]);
            }
        }
        self.grouped(n)
    }

    fn grouped(&self, n: f64) -> String {
        let text = format!("{}", n.abs());
        let (int, frac) = text
            .split_once('.')
            .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
        let mut out = String::new();
        if n < 0.0 {
            out.push('-');
        }
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push_str(&self.group);
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push_str(&self.decimal);
            out.push_str(f);
        }
        out
    }
}

/// One language's strings, with the fallbacks filled in.
#[derive(Debug, Clone)]
pub(crate) struct Lang {
    pub strings: BTreeMap<String, Text>,
    pub dates: DateWords,
    pub numbers: NumberWords,
}

impl Lang {
    /// A string by key; the key itself when no language has it.
    pub(crate) fn get<'s>(&'s self, key: &'s str) -> &'s str {
        match self.strings.get(key) {
            Some(Text::One(s)) => s,
            _ => key,
        }
    }

    /// A string by key, when some language has it.
    pub(crate) fn find(&self, key: &str) -> Option<&str> {
        text(&self.strings, key)
    }

    /// `text` in this language's brackets: ` (text)`, `（text）`.
    pub(crate) fn bracketed(&self, text: &str) -> String {
        format!("{}{text}{}", self.get("paren_open"), self.get("paren_close"))
    }

    /// A language's name in this one (`英文` for `en` in Chinese): the string
    /// `language_TAG`, or the settings' name of the language in itself.
    pub(crate) fn language_name<'s>(&'s self, tag: &'s str, config: &'s Config) -> &'s str {
        self.find(&format!("language_{tag}"))
            .unwrap_or_else(|| config.lang_name(tag))
    }

    /// What is said beside a link to a page in language `tag`, when the page linking is in
    /// this one: ` (English)`, `（英文頁面）`.
    pub(crate) fn lang_mark(&self, tag: &str, config: &Config) -> String {
        self.fmt("lang_mark", &[("lang", self.language_name(tag, config))])
    }

    /// A string with its `{name}`s filled in.
    pub(crate) fn fmt(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }
}

fn text<'a>(strings: &'a BTreeMap<String, Text>, key: &str) -> Option<&'a str> {
    match strings.get(key) {
        Some(Text::One(s)) => Some(s),
        _ => None,
    }
}

fn words(strings: &BTreeMap<String, Text>) -> (DateWords, NumberWords) {
    let en = DateWords::english();
    let get = |key: &str, fallback: &str| text(strings, key).unwrap_or(fallback).to_string();
    let months = match strings.get("months") {
        Some(Text::Many(m)) if m.len() == 12 => m.clone(),
        _ => en.months.clone(),
    };
    let dates = DateWords {
        months,
        year: get("date_year", &en.year),
        month: get("date_month", &en.month),
        day: get("date_day", &en.day),
        range: get("date_range", &en.range),
        from: get("date_from", &en.from),
        until: get("date_until", &en.until),
        by: get("date_by", &en.by),
        between: get("date_between", &en.between),
        about: get("date_about", &en.about),
        uncertain: get("date_uncertain", &en.uncertain),
    };
    let numbers = NumberWords {
        group: get("number_group", ","),
        decimal: get("number_decimal", "."),
        myriads: match strings.get("number_myriads") {
            Some(Text::Many(m)) => m.clone(),
            _ => Vec::new(),
        },
    };
    (dates, numbers)
}

/// Resolves the strings of each of the site's languages: its own, then the default language's,
/// then English. Warns about a site language the theme has no strings for, and about a list
/// that should have twelve months.
pub(crate) fn resolve(files: &Files, config: &Config) -> (HashMap<String, Lang>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let empty = BTreeMap::new();
    let base = files.get(BASE).unwrap_or(&empty);
    let default = files.get(&config.default_lang).unwrap_or(&empty);
    let mut out = HashMap::new();
    for lang in config.languages() {
        let own = files.get(lang);
        if own.is_none() && lang != BASE {
            diags.push(
                Diagnostic::warning(
                    format!("templates/{DIR}{lang}.yaml"),
                    format!("the theme has no interface strings for `{lang}`; its pages use those of `{}`", if files.contains_key(&config.default_lang) { config.default_lang.as_str() } else { BASE }),
                )
                .with_help(format!(
                    "copy templates/{DIR}{BASE}.yaml from the default theme (see README.md) to templates/{DIR}{lang}.yaml and translate it"
                )),
            );
        }
        if let Some(Text::Many(m)) = own.and_then(|o| o.get("months"))
            && m.len() != 12
        {
            diags.push(
                Diagnostic::warning(
                    format!("templates/{DIR}{lang}.yaml"),
                    format!("`months` has {} names, not 12; the English ones are used", m.len()),
                )
                .with_help("list the twelve months in order, January first"),
            );
        }
        let mut strings = base.clone();
        strings.extend(default.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(own) = own {
            strings.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let (dates, numbers) = words(&strings);
        out.insert(
            lang.to_string(),
            Lang {
                strings,
                dates,
                numbers,
            },
        );
    }
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(tag: &str) -> BTreeMap<String, Text> {
        let name = format!("{DIR}{tag}.yaml");
        let (_, bytes) = crate::site::DEFAULT_TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .expect("embedded");
        crate::frontmatter::parse_strings(&name, &String::from_utf8_lossy(bytes)).expect("valid")
    }

    #[test]
    fn the_default_theme_has_every_string_it_uses_in_every_language() {
        let en = builtin(BASE);
        let zh = builtin("zh-Hant");
        let mut used: Vec<String> = Vec::new();
        let re = regex::Regex::new(r"(?:^|[^A-Za-z0-9_.])t\.([a-z_]+)").unwrap();
        for (name, bytes) in crate::site::DEFAULT_TEMPLATES {
            if !name.ends_with(".html") {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            used.extend(re.captures_iter(&text).map(|c| c[1].to_string()));
        }
        // Keys templates build: t["kind_" ~ …], t["status_" ~ …], t["certainty_" ~ …], …
        for kind in ["source", "person", "organization", "event", "claim", "page"] {
            used.push(format!("kind_{kind}"));
        }
        for status in [
            "reported",
            "confirmed",
            "disputed",
            "denied",
            "up_to_date",
            "stale",
            "unrecorded",
            "missing",
        ] {
            used.push(format!("status_{status}"));
        }
        for c in ["certain", "possible"] {
            used.push(format!("certainty_{c}"));
            used.push(format!("certainty_{c}_conflict"));
        }
        for t in ["primary", "secondary", "commentary"] {
            used.push(format!("source_type_{t}"));
        }
        let code_keys = [
            "sources",
            "people",
            "organizations",
            "events",
            "claims",
            "pages",
            "timeline",
            "conflicts_title",
            "people_and_organizations",
            "translations",
            "not_found",
            "svg_title",
            "svg_desc",
            "svg_role",
            "list_separator",
            "as_actor",
            "as_from",
            "as_to",
            "as_claimant",
            "as_subject",
            "as_responded",
            "mention_translates",
            "mention_via",
            "mention_role",
            "mention_role_at",
            "mention_event",
            "mention_claim",
            "mention_response",
            "mention_response_of",
            "mention_about",
            "mention_contradicts",
        ];
        used.extend(code_keys.iter().map(|k| k.to_string()));
        assert!(used.len() > 100, "{used:?}");
        for key in &used {
            assert!(en.contains_key(key), "templates use `{key}`, which en.yaml lacks");
        }
        let missing: Vec<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        assert!(missing.is_empty(), "zh-Hant.yaml lacks {missing:?}");
        // Counting in myriads is Chinese, and English names currencies by their codes: it has
        // no such keys.
        let extra: Vec<&String> = zh
            .keys()
            .filter(|k| !en.contains_key(*k) && *k != "number_myriads" && !k.starts_with("currency_"))
            .collect();
        assert!(extra.is_empty(), "zh-Hant.yaml has keys en.yaml does not: {extra:?}");
    }

    #[test]
    fn the_english_file_writes_dates_as_the_code_does() {
        let (dates, numbers) = words(&builtin(BASE));
        assert_eq!(dates, DateWords::english());
        assert_eq!(numbers, NumberWords::english());
    }

    #[test]
    fn chinese_dates() {
        let (dates, _) = words(&builtin("zh-Hant"));
        let show = |s: &str| crate::date::DateSpan::parse(s).unwrap().display(&dates);
        assert_eq!(show("2024-06"), "2024年6月");
        assert_eq!(show("2024-06-04"), "2024年6月4日");
        assert_eq!(show("2023"), "2023年");
        assert_eq!(show("2024-06~"), "約2024年6月");
        assert_eq!(show("2024-09?"), "2024年9月（未確定）");
        assert_eq!(show("2022-10/2022-12"), "2022年10月至2022年12月");
        let start = crate::date::DateSpan::parse("../2018").unwrap().display_start(&dates);
        assert_eq!(start, "2018年或更早");
    }

    fn zh() -> NumberWords {
        NumberWords {
            group: ",".into(),
            decimal: ".".into(),
            myriads: vec!["萬".into(), "億".into(), "兆".into()],
        }
    }

    #[test]
    fn numbers_by_thousands_and_by_myriads() {
        let en = NumberWords::english();
        assert_eq!(en.format(500000000.0), "500,000,000");
        assert_eq!(en.format(12000.0), "12,000");
        assert_eq!(en.format(999.0), "999");
        assert_eq!(en.format(1234.5), "1,234.5");
        assert_eq!(en.format(-1000.0), "-1,000");
        let zh = zh();
        assert_eq!(zh.format(12000.0), "1.2萬");
        assert_eq!(zh.format(85000.0), "8.5萬");
        assert_eq!(zh.format(500000000.0), "5億");
        assert_eq!(zh.format(10000000000.0), "100億");
        assert_eq!(zh.format(12345.0), "12,345");
        assert_eq!(zh.format(20.5), "20.5");
    }
}
