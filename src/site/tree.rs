//! The site in memory: each file's output path and bytes, and where a build may hand a file
//! as soon as it is made instead of holding it ([`Sink`], which `output::Staging` is).

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::Arc;

/// The built site: output path (relative, `/`-separated) → bytes. Sorted, so writing and
/// hashing it is deterministic. The bytes are shared, so keeping the previous site beside the
/// next one (as `serve` does) costs no copy.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OutputTree {
    files: BTreeMap<String, Arc<[u8]>>,
    /// Files already given to a [`Sink`] as they were made: their entries in `files` are
    /// empty, and whoever finishes the site does not write them again.
    on_disk: BTreeSet<String>,
    /// The URL the site is built for, recorded in the marker file so that
    /// `dossier check --dir` can tell the site's own links from others.
    pub base_url: Option<String>,
}

impl OutputTree {
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.on_disk.remove(&path);
        self.files.insert(path, bytes.into());
    }

    /// Records a file already given to the [`Sink`] the tree is finished into.
    pub(crate) fn insert_on_disk(&mut self, path: String) {
        self.files.insert(path.clone(), Arc::from(&[][..]));
        self.on_disk.insert(path);
    }

    /// Puts in every file of `other`, written or not, without copying bytes.
    pub(crate) fn extend_from(&mut self, other: &OutputTree) {
        for (path, bytes) in &other.files {
            self.files.insert(path.clone(), bytes.clone());
            if other.on_disk.contains(path) {
                self.on_disk.insert(path.clone());
            } else {
                self.on_disk.remove(path);
            }
        }
    }

    /// Inserts bytes another tree already holds, without copying them.
    pub(crate) fn insert_shared(&mut self, path: String, bytes: Arc<[u8]>) {
        self.on_disk.remove(&path);
        self.files.insert(path, bytes);
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| &b[..])
    }

    /// The bytes of a file, shared.
    pub(crate) fn get_shared(&self, path: &str) -> Option<&Arc<[u8]>> {
        self.files.get(path)
    }

    /// Keeps only the files whose path `keep` accepts.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.files.retain(|path, _| keep(path));
        let files = &self.files;
        self.on_disk.retain(|path| files.contains_key(path));
    }

    pub(crate) fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<[u8]>)> {
        self.files.iter()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The pages the tree holds in memory, each by the path of its URL below the base path
    /// (`/events/x/` for `events/x/index.html`) with its HTML: what the search index reads.
    pub(crate) fn pages_in_memory(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.files
            .iter()
            .filter(|(path, _)| path.ends_with(".html") && !self.on_disk.contains(path.as_str()))
            .filter_map(|(path, bytes)| {
                let url = format!("/{}", path.strip_suffix("index.html").unwrap_or(path));
                Some((url, String::from_utf8(bytes.to_vec()).ok()?))
            })
    }

    /// Whether the file went to a [`Sink`] and the tree holds only its path.
    pub(crate) fn is_on_disk(&self, path: &str) -> bool {
        self.on_disk.contains(path)
    }
}

/// Where a build puts the files of the site as soon as each is made, instead of holding them
/// until the site is done.
pub trait Sink: Sync {
    /// Takes a whole file.
    fn put(&self, path: &str, bytes: &[u8]);
    /// Takes a file as `write` makes it, a piece at a time.
    fn put_streamed(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>);
}
