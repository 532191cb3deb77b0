//! The links of a Pagefind search index (`pagefind/`), so that a search cannot lead nowhere:
//! the entry file names each language's metadata and word index, and each page's fragment
//! names the page a result opens and the headings its sub-results open. Both are given as
//! links relative to their file, which the checker follows like any other.

use std::borrow::Cow;
use std::io::Read;

use super::extract::{Found, PageLinks};

/// What holds a link of the index, in the checker's messages.
const ENTRY: &str = "search index";
const RESULT: &str = "search result";

/// The marker Pagefind puts before the content of each of its compressed files.
const MARKER: &[u8] = b"pagefind_dcd";

/// Whether `path` is a file of a Pagefind index that names others.
pub(super) fn is_index_file(path: &str) -> bool {
    let in_bundle = path.starts_with("pagefind/") || path.contains("/pagefind/");
    in_bundle && (path.ends_with("/pagefind-entry.json") || path.ends_with(".pf_fragment"))
}

/// The links of one file of the index, or why it cannot be read.
pub(super) fn links(path: &str, bytes: &[u8]) -> Result<PageLinks<'static>, String> {
    let found = if path.ends_with(".pf_fragment") {
        fragment(bytes)?
    } else {
        entry(bytes)?
    };
    Ok(PageLinks {
        links: found
            .into_iter()
            .map(|(url, what)| Found {
                url: Cow::Owned(url),
                what,
                offset: 0,
            })
            .collect(),
        ..Default::default()
    })
}

/// `pagefind-entry.json`: each language's `pagefind.HASH.pf_meta` and `wasm.LANG.pagefind`.
fn entry(bytes: &[u8]) -> Result<Vec<(String, &'static str)>, String> {
    let entry: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let languages = entry["languages"].as_object().ok_or("no languages")?;
    let mut links = Vec::new();
    for language in languages.values() {
        let hash = language["hash"].as_str().ok_or("a language without its hash")?;
        links.push((format!("pagefind.{hash}.pf_meta"), ENTRY));
        if let Some(wasm) = language["wasm"].as_str() {
            links.push((format!("wasm.{wasm}.pagefind"), ENTRY));
        }
    }
    Ok(links)
}

/// A page's fragment (gzip, then the marker, then JSON): its `url`, below the site's base, and
/// each `anchors[].id` on that page.
fn fragment(bytes: &[u8]) -> Result<Vec<(String, &'static str)>, String> {
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut json)
        .map_err(|e| format!("not gzip: {e}"))?;
    let json = json.strip_prefix(MARKER).ok_or("no Pagefind marker")?;
    let page: serde_json::Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    let url = page["url"].as_str().ok_or("no url")?;
    // The fragment is at pagefind/fragment/NAME; the URL is from the site's root.
    let target = format!("../..{url}");
    let mut links = vec![(target.clone(), RESULT)];
    for anchor in page["anchors"].as_array().into_iter().flatten() {
        if let Some(id) = anchor["id"].as_str() {
            links.push((format!("{target}#{id}"), RESULT));
        }
    }
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(text: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text).unwrap();
        e.finish().unwrap()
    }

    fn urls(path: &str, bytes: &[u8]) -> Vec<String> {
        let links = links(path, bytes).unwrap();
        links.links.into_iter().map(|f| f.url.into_owned()).collect()
    }

    #[test]
    fn a_fragment_links_its_page_and_headings() {
        let bytes = gz(br#"pagefind_dcd{"url":"/events/a/","anchors":[{"id":"why"},{"text":"no id"}]}"#);
        assert_eq!(
            urls("pagefind/fragment/en_1.pf_fragment", &bytes),
            ["../../events/a/", "../../events/a/#why"]
        );
    }

    #[test]
    fn the_entry_links_each_language() {
        let bytes = br#"{"languages":{"en":{"hash":"en_1","wasm":"en"},"zh-tw":{"hash":"zh-tw_2"}}}"#;
        assert_eq!(
            urls("pagefind/pagefind-entry.json", bytes),
            ["pagefind.en_1.pf_meta", "wasm.en.pagefind", "pagefind.zh-tw_2.pf_meta"]
        );
    }

    #[test]
    fn an_unreadable_file_says_why() {
        let why = links("pagefind/fragment/en_1.pf_fragment", b"not gzip").unwrap_err();
        assert!(why.starts_with("not gzip"), "{why}");
        assert!(is_index_file("pagefind/fragment/en_1.pf_fragment"));
        assert!(!is_index_file("fragment/en_1.pf_fragment"));
    }
}
