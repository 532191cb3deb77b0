//! The search index, made from the built pages by Pagefind: the static search of Hugo, Zola and
//! Astro sites. Pagefind reads each note's `<article data-pagefind-body>` with the metadata and
//! filters the templates mark (`data-pagefind-meta`, `data-pagefind-filter`), keeps one index
//! per language (from `<html lang>`), cuts Chinese into words, and gives the index and its
//! JavaScript as files for `pagefind/`.

use std::path::Path;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// The folder of the index, under the site's root.
pub(crate) const FOLDER: &str = "pagefind";

/// The index of the pages written into `dir`, if given (each `NAME.html` published at the URL
/// of its path below `dir`, `events/x/index.html` at `/events/x/`), and of `pages` (each the
/// path of its URL below the base path, `/events/x/`, and its HTML), as files by their paths in
/// the output (`pagefind/pagefind.js`, …). Only pages with a `data-pagefind-body` are indexed.
///
/// Pagefind reads a folder's pages in parallel, on rayon's pool; pages given one by one it
/// reads in turn.
pub(crate) fn index(
    dir: Option<&Path>,
    pages: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let _span = tracing::info_span!("search").entered();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("could not start the search indexer: {e}"))?;
    runtime.block_on(async {
        let mut index = PagefindIndex::new(Some(PagefindServiceConfig::builder().build()))
            .map_err(|e| format!("could not start the search indexer: {e}"))?;
        if let Some(dir) = dir {
            index
                .add_directory(dir.to_string_lossy().into_owned(), Some("**/*.html".into()))
                .await
                .map_err(|e| format!("could not index the pages in {} for search: {e}", dir.display()))?;
        }
        for (url, html) in pages
            .into_iter()
            .filter(|(_, html)| html.contains("data-pagefind-body"))
        {
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .map_err(|e| format!("could not index {url} for search: {e}"))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| format!("could not write the search index: {e}"))?;
        // Pagefind's own interfaces are left out: the theme's search page has its own.
        let theirs = |name: &str| name.contains("-ui.") || name.starts_with("pagefind-highlight");
        Ok(files
            .into_iter()
            .filter(|f| !theirs(&f.filename.to_string_lossy()))
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                (format!("{FOLDER}/{name}"), f.contents)
            })
            .collect())
    })
}
