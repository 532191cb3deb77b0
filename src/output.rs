//! Writing the site: the in-memory tree goes to a staging folder beside the target, then
//! replaces the target in two renames.
//!
//! A failed or killed build therefore never leaves a half-written site behind: until the
//! renames, the previous output is untouched. And since the program deletes whole folders, it
//! only ever deletes folders that carry its marker file, and refuses to write into the dossier's
//! root, its sources, any folder above them, or a non-empty folder it did not make.
//!
//! Beside the output it also keeps the list of the files it wrote (`.NAME.dossier-files`,
//! replaced after each build), so that the next build links the unchanged ones from the output
//! rather than write them again.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

/// The file that marks a folder as made by `dossier` (and so safe to replace).
pub const MARKER: &str = ".dossier-output";
const MARKER_TEXT: &str = "This folder was written by dossier, which replaces it on every build.\n";

/// The built site: output path (relative, `/`-separated) → bytes. Sorted, so writing and
/// hashing it is deterministic. The bytes are shared, so keeping the previous site beside the
/// next one (as `serve` does) costs no copy.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OutputTree {
    files: BTreeMap<String, Arc<[u8]>>,
    /// Files already written to a [`Staging`] folder as they were made: their entries in
    /// `files` are empty, and [`Staging::finish`] does not write them again.
    on_disk: BTreeSet<String>,
    /// The URL the site is built for, recorded in the marker file so that
    /// `dossier check --dir` can tell the site's own links from others.
    pub base_url: Option<String>,
}

/// The base URL a build recorded in an output folder's marker, if any.
pub fn recorded_base_url(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("base_url: "))
        .map(|u| u.trim().to_string())
}

impl OutputTree {
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.on_disk.remove(&path);
        self.files.insert(path, bytes.into());
    }

    /// Records a file already written to the staging folder the tree is finished into.
    pub fn insert_on_disk(&mut self, path: String) {
        self.files.insert(path.clone(), Arc::from(&[][..]));
        self.on_disk.insert(path);
    }

    /// Puts in every file of `other`, written or not, without copying bytes.
    pub fn extend_from(&mut self, other: &OutputTree) {
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
    pub fn insert_shared(&mut self, path: String, bytes: Arc<[u8]>) {
        self.on_disk.remove(&path);
        self.files.insert(path, bytes);
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| &b[..])
    }

    /// The bytes of a file, shared.
    pub fn get_shared(&self, path: &str) -> Option<&Arc<[u8]>> {
        self.files.get(path)
    }

    /// Keeps only the files whose path `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.files.retain(|path, _| keep(path));
        let files = &self.files;
        self.on_disk.retain(|path| files.contains_key(path));
    }

    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
        self.on_disk.remove(path);
    }

    pub fn contains(&self, path: &str) -> bool {
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
}

/// Why the output could not be written. The message names the path and what to do.
#[derive(Debug)]
pub struct OutputError {
    pub message: String,
    pub help: String,
}

fn err(message: String, help: &str) -> OutputError {
    OutputError {
        message,
        help: help.to_string(),
    }
}

fn io_err(what: &str, path: &Path, e: io::Error) -> OutputError {
    err(
        format!("cannot {what} {}: {e}", path.display()),
        "check the permissions and free space of the output folder",
    )
}

/// Makes `path` absolute and free of `..`, resolving symbolic links of the parts that exist.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize()?;
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    Ok(out)
}

fn has_marker(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Checks that `output` may be replaced by a build of the dossier at `root`.
fn check_target(root: &Path, output: &Path) -> Result<PathBuf, OutputError> {
    let root = resolve(root).map_err(|e| io_err("resolve", root, e))?;
    let out = resolve(output).map_err(|e| io_err("resolve", output, e))?;
    let refuse = |why: String| {
        Err(err(
            format!("refusing to write the site to {}: {why}", out.display()),
            "choose another folder with --output (the default is `public` inside the dossier)",
        ))
    };
    for (name, protected) in [
        ("the dossier's root", root.clone()),
        ("content/", root.join("content")),
        ("templates/", root.join("templates")),
        ("static/", root.join("static")),
    ] {
        if protected.starts_with(&out) {
            return refuse(format!(
                "it is {name} or a folder that contains it, and building replaces the whole folder"
            ));
        }
        if name != "the dossier's root" && out.starts_with(&protected) {
            return refuse(format!("it is inside {name}"));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file, not a folder".into());
        }
        let empty = std::fs::read_dir(&out)
            .map_err(|e| io_err("read", &out, e))?
            .next()
            .is_none();
        if !empty && !has_marker(&out) {
            return refuse(format!(
                "it is not empty and was not made by dossier (it has no {MARKER} file)"
            ));
        }
    }
    Ok(out)
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{suffix}"))
}

/// Removes a folder only if it carries our marker.
fn remove_ours(dir: &Path) -> Result<(), OutputError> {
    if dir.exists() {
        if !has_marker(dir) {
            return Err(err(
                format!("{} is in the way and was not made by dossier", dir.display()),
                "move or delete it yourself, then build again",
            ));
        }
        std::fs::remove_dir_all(dir).map_err(|e| io_err("remove", dir, e))?;
    }
    Ok(())
}

/// A file as a build wrote it: a hash of its bytes, its length and its modification time.
/// The list of them, beside the output (`.public.dossier-files`), lets the next build link a
/// file whose bytes are the same into the new site rather than write it again, provided the
/// file is still as it was written (same length, same time): a rebuild writes only what
/// changed, and an unchanged page keeps its time, so that tools that upload a site by time
/// send only what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Written {
    hash: [u8; 16],
    len: u64,
    /// Nanoseconds since the Unix epoch.
    modified: u128,
}

fn digest(bytes: &[u8]) -> [u8; 16] {
    let mut out = [0; 16];
    out.copy_from_slice(&blake3::hash(bytes).as_bytes()[..16]);
    out
}

fn modified(meta: &std::fs::Metadata) -> Option<u128> {
    let t = meta.modified().ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the list of written files; a line it cannot read is left out (its file is written
/// again).
fn read_written(path: &Path) -> HashMap<String, Written> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    let line = |l: &str| -> Option<(String, Written)> {
        let mut parts = l.splitn(4, ' ');
        let h = parts.next()?;
        let len = parts.next()?.parse().ok()?;
        let modified = parts.next()?.parse().ok()?;
        let file = parts.next()?;
        let mut hash = [0; 16];
        if h.len() != 32 {
            return None;
        }
        for (k, b) in hash.iter_mut().enumerate() {
            *b = u8::from_str_radix(h.get(2 * k..2 * k + 2)?, 16).ok()?;
        }
        Some((file.to_string(), Written { hash, len, modified }))
    };
    text.lines().filter_map(line).collect()
}

fn written_text(files: &BTreeMap<String, Written>) -> String {
    let mut text = String::with_capacity(files.len() * 96);
    for (file, w) in files {
        text.push_str(&format!("{} {} {} {file}\n", hex(&w.hash), w.len, w.modified));
    }
    text
}

/// Where a build puts the files of the site as soon as each is made, instead of holding them
/// until the site is done.
pub trait Sink: Sync {
    /// Takes a whole file.
    fn put(&self, path: &str, bytes: &[u8]);
    /// Takes a file as `write` makes it, a piece at a time.
    fn put_streamed(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>);
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) {
        Staging::put(self, path, bytes);
    }

    fn put_streamed(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) {
        Staging::put_streamed(self, path, write);
    }
}

/// The folder a site is written into before it replaces the output, beside it. A build may
/// write pages into it while it makes the others ([`Staging::put`]), so that a finished page
/// need not stay in memory. It is the site before the last where the last build kept one.
/// Dropped before [`Staging::finish`], the folder is removed and the output stays as it was.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// The staging folder is an earlier site, whose files this build replaces, keeps or
    /// removes.
    recycled: bool,
    /// The folders made inside, so that each is made once.
    made: Mutex<HashSet<PathBuf>>,
    /// Every file put so far, by its path in the site.
    put: Mutex<HashSet<String>>,
    /// The first file that could not be written.
    failed: Mutex<Option<OutputError>>,
    /// The files of the output as the last build wrote them, and of this site so far.
    last: HashMap<String, Written>,
    written: Mutex<Vec<(String, Written)>>,
    finished: bool,
}

impl Staging {
    /// Checks that `output` may be replaced by a build of the dossier at `root`, and makes an
    /// empty staging folder beside it.
    pub fn begin(root: &Path, output: &Path) -> Result<Staging, OutputError> {
        let out = check_target(root, output)?;
        let staging = sibling(&out, "dossier-staging");
        let old = sibling(&out, "dossier-old");
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_err("create", parent, e))?;
        }
        // A build killed between the two renames left the previous site under `old`: put it back.
        if old.exists() && !out.exists() && has_marker(&old) {
            std::fs::rename(&old, &out).map_err(|e| io_err("restore", &old, e))?;
        }
        remove_ours(&staging)?;
        // The site before the last one, kept by the last build, is the staging folder: its
        // folders are there already, and its files that are still the output's (linked) stay
        // as they are. Making and deleting some 20,000 folders and files per build costs
        // seconds on some file systems.
        let recycled = old.exists() && has_marker(&old) && std::fs::rename(&old, &staging).is_ok();
        if !recycled {
            remove_ours(&old)?;
            std::fs::create_dir(&staging).map_err(|e| io_err("create", &staging, e))?;
        }
        // Marked from the start, so that what a killed build leaves is ours to remove.
        let marker = staging.join(MARKER);
        let _ = std::fs::remove_file(&marker);
        if let Err(e) = std::fs::write(&marker, MARKER_TEXT) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(io_err("write", &marker, e));
        }
        let last = if has_marker(&out) {
            read_written(&sibling(&out, "dossier-files"))
        } else {
            HashMap::new()
        };
        Ok(Staging {
            out,
            dir: staging,
            recycled,
            made: Mutex::new(HashSet::new()),
            put: Mutex::new(HashSet::new()),
            failed: Mutex::new(None),
            last,
            written: Mutex::new(Vec::new()),
            finished: false,
        })
    }

    /// Writes one file of the site (a `/`-separated relative path). A failure is kept for
    /// [`Staging::finish`] to report.
    pub fn put(&self, path: &str, bytes: &[u8]) {
        if let Err(e) = self.write_file(path, bytes) {
            let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert(e);
        }
    }

    /// Writes one file of the site as `write` makes it, a piece at a time, so that a large
    /// file (`dossier.json`) is never held whole in memory. A failure is kept for
    /// [`Staging::finish`] to report.
    pub fn put_streamed(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) {
        if let Err(e) = self.stream_file(path, write) {
            let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert(e);
        }
    }

    /// Makes the folder that holds `path` in the staging folder, once.
    fn make_parent(&self, path: &str) -> Result<(), OutputError> {
        self.put
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_string());
        if let Some(parent) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            let parent = self.dir.join(parent);
            let new = self
                .made
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(parent.clone());
            if new {
                std::fs::create_dir_all(&parent).map_err(|e| io_err("create", &parent, e))?;
            }
        }
        Ok(())
    }

    fn record(&self, path: &str, w: Written) {
        self.written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path.to_string(), w));
    }

    /// How the last build listed `path`, when it wrote these very bytes there and the file is
    /// still as it was.
    fn still_as_written(&self, path: &str, hash: [u8; 16], len: u64) -> Option<Written> {
        let w = *self.last.get(path).filter(|w| w.hash == hash && w.len == len)?;
        let same = std::fs::symlink_metadata(self.out.join(path))
            .is_ok_and(|m| m.is_file() && m.len() == len && modified(&m) == Some(w.modified));
        same.then_some(w)
    }

    /// [`Staging::still_as_written`], and then the file linked into the staging folder, where
    /// it keeps its time.
    fn link_unchanged(&self, path: &str, hash: [u8; 16], len: u64) -> Option<Written> {
        let w = self.still_as_written(path, hash, len)?;
        let (old, file) = (self.out.join(path), self.dir.join(path));
        if self.recycled {
            use std::os::unix::fs::MetadataExt;
            match (std::fs::symlink_metadata(&old), std::fs::symlink_metadata(&file)) {
                // Already the output's file, linked by the build before.
                (Ok(o), Ok(f)) if o.ino() == f.ino() && o.dev() == f.dev() => return Some(w),
                (_, Ok(_)) => self.make_way(&file, true).ok()?,
                _ => {}
            }
        }
        std::fs::hard_link(&old, &file).is_ok().then_some(w)
    }

    /// Makes way for a new file at `file` in a recycled staging folder. A file there that is
    /// also the output's (linked) is unlinked, never written through; one that is only ours is
    /// left to be truncated and written over, which keeps its inode, unless `always`.
    fn make_way(&self, file: &Path, always: bool) -> io::Result<()> {
        use std::os::unix::fs::MetadataExt;
        if !self.recycled {
            return Ok(());
        }
        match std::fs::symlink_metadata(file) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(file),
            Ok(m) if always || !m.is_file() || m.nlink() > 1 => std::fs::remove_file(file),
            _ => Ok(()),
        }
    }

    fn write_file(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let file = self.dir.join(path);
        self.make_parent(path)?;
        let hash = digest(bytes);
        let len = bytes.len() as u64;
        if let Some(w) = self.link_unchanged(path, hash, len) {
            self.record(path, w);
            return Ok(());
        }
        let write = || -> io::Result<Option<u128>> {
            use std::io::Write;
            self.make_way(&file, false)?;
            let mut f = std::fs::File::create(&file)?;
            f.write_all(bytes)?;
            Ok(modified(&f.metadata()?))
        };
        match write() {
            Ok(Some(modified)) => self.record(path, Written { hash, len, modified }),
            Ok(None) => {}
            Err(e) => return Err(io_err("write", &file, e)),
        }
        Ok(())
    }

    fn stream_file(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        /// Hashes and counts what passes through it.
        struct Hashing<W> {
            inner: W,
            hasher: blake3::Hasher,
            len: u64,
        }
        impl<W: io::Write> io::Write for Hashing<W> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                let n = self.inner.write(buf)?;
                self.hasher.update(&buf[..n]);
                self.len += n as u64;
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                self.inner.flush()
            }
        }
        let file = self.dir.join(path);
        self.make_parent(path)?;
        let mut written = || -> io::Result<([u8; 16], u64, std::fs::File)> {
            self.make_way(&file, false)?;
            let f = std::fs::File::create(&file)?;
            // Buffered before it is hashed: the hasher takes large pieces.
            let mut w = io::BufWriter::with_capacity(
                1 << 20,
                Hashing {
                    inner: f,
                    hasher: blake3::Hasher::new(),
                    len: 0,
                },
            );
            write(&mut w)?;
            let h = w.into_inner().map_err(io::IntoInnerError::into_error)?;
            let mut hash = [0; 16];
            hash.copy_from_slice(&h.hasher.finalize().as_bytes()[..16]);
            Ok((hash, h.len, h.inner))
        };
        let (hash, len, f) = written().map_err(|e| io_err("write", &file, e))?;
        // The same bytes as last time: the last build's file instead, which keeps its time.
        if let Some(w) = self.still_as_written(path, hash, len) {
            drop(f);
            std::fs::remove_file(&file).map_err(|e| io_err("replace", &file, e))?;
            std::fs::hard_link(self.out.join(path), &file).map_err(|e| io_err("link", &file, e))?;
            self.record(path, w);
            return Ok(());
        }
        if let Some(modified) = f.metadata().ok().as_ref().and_then(modified) {
            self.record(path, Written { hash, len, modified });
        }
        Ok(())
    }

    /// Writes the files of `tree` not yet written, then puts the folder in the output's
    /// place; returns the output folder.
    pub fn finish(mut self, tree: &OutputTree) -> Result<PathBuf, OutputError> {
        let _span = tracing::info_span!("write").entered();
        if let Some(e) = self.failed.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        self.fill(tree)?;
        if self.recycled {
            self.remove_stale()?;
        }
        let (out, staging) = (self.out.clone(), self.dir.clone());
        let old = sibling(&out, "dossier-old");
        if out.exists() {
            std::fs::rename(&out, &old).map_err(|e| io_err("move aside", &out, e))?;
        }
        if let Err(e) = std::fs::rename(&staging, &out) {
            let _ = std::fs::rename(&old, &out);
            return Err(io_err("move into place", &staging, e));
        }
        self.finished = true;
        // The list of what was written, for the next build. Written after the swap; were it
        // left stale, no file would be linked that is not still as listed.
        let written: BTreeMap<String, Written> =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|p| p.into_inner()))
                .into_iter()
                .collect();
        let list = sibling(&out, "dossier-files");
        let fresh = sibling(&out, "dossier-files.new");
        if std::fs::write(&fresh, written_text(&written)).is_err() || std::fs::rename(&fresh, &list).is_err() {
            let _ = std::fs::remove_file(&fresh);
        }
        // The site just replaced stays beside the output, for the next build to recycle.
        Ok(out)
    }

    /// Removes from a recycled staging folder the files and folders of the earlier site that
    /// this one does not have. Folders are read in parallel, as [`list_files`] reads them, and
    /// only a folder left with nothing in it is removed: on a site of 10,000 pages, asking to
    /// remove every folder, most of them still full, was half the time of this step.
    fn remove_stale(&self) -> Result<(), OutputError> {
        let put = self.put.lock().unwrap_or_else(|p| p.into_inner());
        /// Removes what `put` does not hold below `dir`; returns whether anything stays.
        fn prune(dir: &Path, prefix: &str, put: &HashSet<String>) -> Result<bool, OutputError> {
            let entries = std::fs::read_dir(dir)
                .and_then(|d| d.collect::<io::Result<Vec<_>>>())
                .map_err(|e| io_err("read", dir, e))?;
            let kept = entries
                .into_par_iter()
                .map(|entry| {
                    let path = entry.path();
                    let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
                    let kind = entry.file_type().map_err(|e| io_err("read", &path, e))?;
                    if kind.is_dir() {
                        let stays = prune(&path, &format!("{rel}/"), put)?;
                        if !stays {
                            let _ = std::fs::remove_dir(&path);
                        }
                        Ok(stays)
                    } else if rel == MARKER || put.contains(&rel) {
                        Ok(true)
                    } else {
                        std::fs::remove_file(&path).map_err(|e| io_err("remove", &path, e))?;
                        Ok(false)
                    }
                })
                .collect::<Result<Vec<bool>, OutputError>>()?;
            Ok(kept.contains(&true))
        }
        prune(&self.dir, "", &put).map(|_| ())
    }

    fn fill(&self, tree: &OutputTree) -> Result<(), OutputError> {
        let marker = self.dir.join(MARKER);
        let mut text = MARKER_TEXT.to_string();
        if let Some(url) = &tree.base_url {
            text.push_str(&format!("base_url: {url}\n"));
        }
        std::fs::write(&marker, text).map_err(|e| io_err("write", &marker, e))?;
        let files: Vec<(&String, &Arc<[u8]>)> = tree.iter().filter(|(p, _)| !tree.on_disk.contains(*p)).collect();
        files.par_iter().try_for_each(|(p, bytes)| self.write_file(p, bytes))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The files of a site folder (the marker left out), sorted, by their `/`-separated paths in
/// the site. Folders are read in parallel, which halves the time on a site of 10,000 pages
/// (one folder each); like walkdir, it does not follow symbolic links.
pub fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    fn walk(dir: &Path, prefix: &str) -> io::Result<Vec<String>> {
        let entries = std::fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
        let found = entries
            .into_par_iter()
            .map(|entry| {
                let kind = entry.file_type()?;
                let name = entry.file_name();
                let rel = format!("{prefix}{}", name.to_string_lossy());
                if kind.is_dir() {
                    walk(&entry.path(), &format!("{rel}/"))
                } else if kind.is_file() && rel != MARKER {
                    Ok(vec![rel])
                } else {
                    Ok(Vec::new())
                }
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(found.into_iter().flatten().collect())
    }
    let mut files = walk(dir, "")?;
    files.par_sort_unstable();
    Ok(files)
}

/// Reads a folder back into a tree (the marker left out), for tests.
pub fn read_tree(dir: &Path) -> io::Result<OutputTree> {
    let read: Vec<(String, Vec<u8>)> = list_files(dir)?
        .into_par_iter()
        .map(|rel| std::fs::read(dir.join(&rel)).map(|bytes| (rel, bytes)))
        .collect::<io::Result<_>>()?;
    let mut tree = OutputTree::default();
    for (rel, bytes) in read {
        tree.insert(rel, bytes);
    }
    Ok(tree)
}
