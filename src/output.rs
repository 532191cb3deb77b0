//! Writing the site: the in-memory tree goes to a new staging folder beside the target, which
//! then takes the target's place in one step.
//!
//! The invariants, tested in `tests/output.rs` and `tests/errors.rs`:
//! - a failed or killed build never leaves a half-written site: until the swap the previous
//!   output is untouched, and on Linux the swap exchanges the two folders atomically (elsewhere
//!   the output is missing for the moment between two renames, and the next build puts back
//!   what a build killed then moved aside);
//! - nothing that no build of ours wrote is moved or deleted: beside the output is the list of
//!   the files the last build wrote (`.NAME.dossier-files`), and an output folder that holds
//!   anything else stops the build before it changes anything (an empty folder is a fine first
//!   output); the program refuses the dossier's root, its sources and any folder above them;
//! - one build per output at a time, by a lock beside it.
//!
//! The list also lets the next build link the unchanged files from the output rather than
//! write them again, so that they keep their time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::site::{OutputTree, Sink};

use rayon::prelude::*;

/// The file that marks a folder as made by `dossier` (and so safe to replace).
pub(crate) const MARKER: &str = ".dossier-output";
const MARKER_TEXT: &str = "This folder was written by dossier, which replaces it on every build.\n";

/// The base URL a build recorded in an output folder's marker, if any.
pub(crate) fn recorded_base_url(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("base_url: "))
        .map(|u| u.trim().to_string())
}

/// Why the output could not be written. The message names the path and what to do.
#[derive(Debug)]
pub(crate) struct OutputError {
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

/// Checks that `output` is not one of the dossier's own folders nor a folder that holds them.
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
    if out.exists() && !out.is_dir() {
        return refuse("it is a file, not a folder".into());
    }
    Ok(out)
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{suffix}"))
}

/// The entries of `dir` that no build of ours wrote: a file (or link) that `known` does not
/// list, or a folder that holds none of them, named once with a trailing `/`. The marker is
/// ours only alongside a list of what we wrote; planted in a folder of other files, it is one
/// file more.
fn foreign(dir: &Path, known: &HashSet<String>) -> io::Result<Vec<String>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut folders: HashSet<&str> = HashSet::new();
    for path in known {
        let mut rest = path.as_str();
        while let Some((parent, _)) = rest.rsplit_once('/') {
            if !folders.insert(parent) {
                break;
            }
            rest = parent;
        }
    }
    let mut found = Vec::new();
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = todo.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                if folders.contains(rel.as_str()) {
                    todo.push((entry.path(), format!("{rel}/")));
                } else {
                    found.push(format!("{rel}/"));
                }
            } else {
                let ours = known.contains(&rel) || (rel == MARKER && !known.is_empty());
                if !ours {
                    found.push(rel);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The last build's list of the files it wrote, and every file some build of ours wrote into
/// the output: that list's, and those of the list a build makes before its swap and renames
/// after it (read first, so that a rename in between loses neither).
fn read_lists(out: &Path) -> (HashMap<String, Written>, HashSet<String>) {
    let fresh = read_written(&sibling(out, "dossier-files.new"));
    let last = read_written(&sibling(out, "dossier-files"));
    let known = fresh.into_keys().chain(last.keys().cloned()).collect();
    (last, known)
}

/// Refuses an output folder that holds what no build of ours wrote: nothing in it is moved or
/// deleted then.
fn refuse_foreign(out: &Path, known: &HashSet<String>) -> Result<(), OutputError> {
    let found = foreign(out, known).map_err(|e| io_err("read", out, e))?;
    if found.is_empty() {
        return Ok(());
    }
    const SHOWN: usize = 8;
    let mut names = found.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if found.len() > SHOWN {
        names.push_str(&format!(" and {} more", found.len() - SHOWN));
    }
    Err(err(
        format!(
            "refusing to write the site to {}: it holds files that no build of dossier wrote ({names}), and building replaces the whole folder",
            out.display()
        ),
        "put files the site needs in `static/` (they are copied into every build), move anything else out of the folder, or build into another with --output",
    ))
}

/// One build per output folder at a time: an exclusive lock on a file beside it
/// (`.NAME.dossier-lock`), held from the staging folder's making to the swap. The file holds
/// the holder's process id, for the message of the build that waits. It is never removed:
/// removing a lock file lets a third build lock a new one while the second holds the old.
struct Lock {
    _held: std::fs::File,
}

impl Lock {
    fn take(out: &Path) -> Result<Lock, OutputError> {
        use std::io::{Read, Seek, Write};
        let path = sibling(out, "dossier-lock");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io_err("open", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                eprintln!(
                    "waiting for another build into {} to finish (process {}, which holds {})",
                    out.display(),
                    holder.trim(),
                    path.display()
                );
                file.lock().map_err(|e| io_err("lock", &path, e))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err("lock", &path, e)),
        }
        let pid = std::process::id().to_string();
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(pid.as_bytes()));
        Ok(Lock { _held: file })
    }
}

/// Puts the folder `new` in the place of `out`, so that `out` never goes missing: on Linux
/// the two are exchanged in one step, elsewhere (or where the file system cannot exchange)
/// `out` is moved aside first. Returns where the previous site now is, if there was one.
fn swap(new: &Path, out: &Path) -> io::Result<Option<PathBuf>> {
    if !out.exists() {
        return std::fs::rename(new, out).map(|()| None);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, new, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(Some(new.to_path_buf())),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    swap_by_renames(new, out).map(Some)
}

/// [`swap`] where the two folders cannot be exchanged: `out` moves aside
/// (`.NAME.dossier-old`), then `new` takes its place. Returns where the previous site is.
fn swap_by_renames(new: &Path, out: &Path) -> io::Result<PathBuf> {
    let aside = sibling(out, "dossier-old");
    std::fs::rename(out, &aside)?;
    if let Err(e) = std::fs::rename(new, out) {
        let _ = std::fs::rename(&aside, out);
        return Err(e);
    }
    Ok(aside)
}

/// A file as a build wrote it: a hash of its bytes, its length and its modification time.
/// The list of them, beside the output (`.public.dossier-files`), says which files of the
/// output are ours, and lets the next build link a file whose bytes are the same into the new
/// site rather than write it again, provided the file is still as it was written (same length,
/// same time): an unchanged page keeps its time, so that tools that upload a site by time send
/// only what changed.
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

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) {
        Staging::put(self, path, bytes);
    }

    fn put_streamed(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) {
        Staging::put_streamed(self, path, write);
    }
}

/// The new, empty folder a site is written into before it replaces the output, beside it
/// (`.NAME.dossier-staging`). A build may write pages into it while it makes the others
/// ([`Staging::put`]), so that a finished page need not stay in memory. Dropped before
/// [`Staging::finish`], the folder is removed and the output stays as it was.
pub(crate) struct Staging {
    out: PathBuf,
    dir: PathBuf,
    _lock: Lock,
    /// The folders made inside, so that each is made once.
    made: Mutex<HashSet<PathBuf>>,
    /// The first file that could not be written.
    failed: Mutex<Option<OutputError>>,
    /// The files of the output as the last build wrote them.
    last: HashMap<String, Written>,
    /// Every file some build of ours wrote into the output: the last build's list, and the
    /// list of a build killed between making its list and moving it into place.
    known: HashSet<String>,
    /// This site's files as written so far.
    written: Mutex<Vec<(String, Written)>>,
    finished: bool,
}

/// What [`Staging::finish`] did.
pub(crate) struct Finished {
    pub output: PathBuf,
    /// Files that appeared in the output in the moment before the swap: the previous site is
    /// kept at this path with them, for the user to sort out.
    pub kept: Option<(PathBuf, Vec<String>)>,
}

impl Staging {
    /// Checks that `output` may be replaced by a build of the dossier at `root`, waits for any
    /// other build into it to finish, and makes an empty staging folder beside it.
    pub(crate) fn begin(root: &Path, output: &Path) -> Result<Staging, OutputError> {
        let out = check_target(root, output)?;
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_err("create", parent, e))?;
        }
        let lock_file = sibling(&out, "dossier-lock");
        // A folder no build of ours ever wrote into is refused before anything is made, the
        // lock file included; otherwise the refusal waits for the lock, since a build that
        // holds it may be swapping the output this very moment.
        if let Err(e) = refuse_foreign(&out, &read_lists(&out).1)
            && !lock_file.exists()
        {
            return Err(e);
        }
        let lock = Lock::take(&out)?;
        let (staging, aside) = (sibling(&out, "dossier-staging"), sibling(&out, "dossier-old"));
        // What a killed build left under these names is its own (only a build holding the lock
        // makes them): a previous site it had moved aside goes back if the output is missing,
        // anything else goes.
        if aside.exists() && !out.exists() {
            std::fs::rename(&aside, &out).map_err(|e| io_err("restore", &aside, e))?;
        }
        for leftover in [&staging, &aside] {
            if std::fs::symlink_metadata(leftover).is_ok() {
                std::fs::remove_dir_all(leftover).map_err(|e| io_err("remove", leftover, e))?;
            }
        }
        let (last, known) = read_lists(&out);
        refuse_foreign(&out, &known)?;
        std::fs::create_dir(&staging).map_err(|e| io_err("create", &staging, e))?;
        Ok(Staging {
            out,
            dir: staging,
            _lock: lock,
            made: Mutex::new(HashSet::new()),
            failed: Mutex::new(None),
            last,
            known,
            written: Mutex::new(Vec::new()),
            finished: false,
        })
    }

    /// Writes one file of the site (a `/`-separated relative path). A failure is kept for
    /// [`Staging::finish`] to report.
    pub(crate) fn put(&self, path: &str, bytes: &[u8]) {
        if let Err(e) = self.write_file(path, bytes) {
            let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert(e);
        }
    }

    /// Writes one file of the site as `write` makes it, a piece at a time, so that a large
    /// file (`dossier.json`) is never held whole in memory. A failure is kept for
    /// [`Staging::finish`] to report.
    pub(crate) fn put_streamed(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) {
        if let Err(e) = self.stream_file(path, write) {
            let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert(e);
        }
    }

    /// The staging folder, where the files [`Staging::put`] took are.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes the folder that holds `path` in the staging folder, once.
    fn make_parent(&self, path: &str) -> Result<(), OutputError> {
        if let Some(parent) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            let parent = self.dir.join(parent);
            // Made while the set is held: a file written in parallel into the same folder
            // waits until the folder is there.
            let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
            if !made.contains(&parent) {
                std::fs::create_dir_all(&parent).map_err(|e| io_err("create", &parent, e))?;
                made.insert(parent);
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

    fn write_file(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let file = self.dir.join(path);
        self.make_parent(path)?;
        let hash = digest(bytes);
        let len = bytes.len() as u64;
        // The same bytes as last time: the last build's file, linked, keeps its time.
        if let Some(w) = self.still_as_written(path, hash, len)
            && std::fs::hard_link(self.out.join(path), &file).is_ok()
        {
            self.record(path, w);
            return Ok(());
        }
        let write = || -> io::Result<u128> {
            use std::io::Write;
            let mut f = create_new(&file)?;
            f.write_all(bytes)?;
            Ok(f.metadata().ok().as_ref().and_then(modified).unwrap_or(0))
        };
        let modified = write().map_err(|e| io_err("write", &file, e))?;
        self.record(path, Written { hash, len, modified });
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
            let f = create_new(&file)?;
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
        let modified = f.metadata().ok().as_ref().and_then(modified).unwrap_or(0);
        self.record(path, Written { hash, len, modified });
        Ok(())
    }

    /// Writes the files of `tree` not yet written, then puts the folder in the output's
    /// place and removes the site it replaced.
    pub(crate) fn finish(mut self, tree: &OutputTree) -> Result<Finished, OutputError> {
        let _span = tracing::info_span!("write").entered();
        if let Some(e) = self.failed.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        self.fill(tree)?;
        // The list of what was written goes beside the output before the swap, under a name
        // of its own, and takes the list's name after it: whichever moment a build is killed
        // at, the next one knows every file of the output as ours.
        let written: BTreeMap<String, Written> =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|p| p.into_inner()))
                .into_iter()
                .collect();
        let list = sibling(&self.out, "dossier-files");
        // Files put into the output while the site was built stop it here, still unmoved.
        refuse_foreign(&self.out, &self.known)?;
        let fresh = sibling(&self.out, "dossier-files.new");
        std::fs::write(&fresh, written_text(&written)).map_err(|e| io_err("write", &fresh, e))?;
        let previous = swap(&self.dir, &self.out).map_err(|e| io_err("move into place", &self.dir, e))?;
        self.finished = true;
        std::fs::rename(&fresh, &list).map_err(|e| io_err("write", &list, e))?;
        let kept = match previous {
            Some(old) => self.remove_previous(old)?,
            None => None,
        };
        Ok(Finished {
            output: self.out.clone(),
            kept,
        })
    }

    /// Removes the site the output held before, unless files that no build wrote appeared in
    /// it in the moment before the swap: then it is kept beside the output under a name no
    /// build removes (`.NAME.dossier-kept-PID`), and they are named.
    fn remove_previous(&self, old: PathBuf) -> Result<Option<(PathBuf, Vec<String>)>, OutputError> {
        let found = foreign(&old, &self.known).map_err(|e| io_err("read", &old, e))?;
        if found.is_empty() {
            std::fs::remove_dir_all(&old).map_err(|e| io_err("remove", &old, e))?;
            return Ok(None);
        }
        let kept = sibling(&self.out, &format!("dossier-kept-{}", std::process::id()));
        std::fs::rename(&old, &kept).map_err(|e| io_err("keep", &old, e))?;
        Ok(Some((kept, found)))
    }

    fn fill(&self, tree: &OutputTree) -> Result<(), OutputError> {
        let marker = self.dir.join(MARKER);
        let mut text = MARKER_TEXT.to_string();
        if let Some(url) = &tree.base_url {
            text.push_str(&format!("base_url: {url}\n"));
        }
        std::fs::write(&marker, text).map_err(|e| io_err("write", &marker, e))?;
        let files: Vec<(&String, &Arc<[u8]>)> = tree.iter().filter(|(p, _)| !tree.is_on_disk(p)).collect();
        files.par_iter().try_for_each(|(p, bytes)| self.write_file(p, bytes))
    }
}

/// Makes a new file; a file already at that path (a link to the output's file) is unlinked
/// first, never written through.
fn create_new(file: &Path) -> io::Result<std::fs::File> {
    match std::fs::File::create_new(file) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(file)?;
            std::fs::File::create_new(file)
        }
        other => other,
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
/// the site. Folders are read in parallel, as a site has a folder per page; like walkdir, it
/// does not follow symbolic links.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A new site (a page "new") beside the output it replaces (a page "old").
    fn two_sites(dir: &Path) -> (PathBuf, PathBuf) {
        let (new, out) = (dir.join(".site.dossier-staging"), dir.join("site"));
        for (site, page) in [(&new, "new"), (&out, "old")] {
            std::fs::create_dir(site).unwrap();
            std::fs::write(site.join("page"), page).unwrap();
        }
        (new, out)
    }

    /// On Linux the new site and the output trade places in one step: the previous site ends
    /// up where the new one was, and at no moment is there no output (nothing is moved aside).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_swap_exchanges_the_two_folders_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out) = two_sites(dir.path());
        assert_eq!(swap(&new, &out).unwrap(), Some(new.clone()));
        assert_eq!(std::fs::read_to_string(out.join("page")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(new.join("page")).unwrap(), "old");
        assert!(!sibling(&out, "dossier-old").exists());
    }

    #[test]
    fn the_swap_by_renames_moves_the_previous_site_aside() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out) = two_sites(dir.path());
        let aside = swap_by_renames(&new, &out).unwrap();
        assert_eq!(aside, sibling(&out, "dossier-old"));
        assert_eq!(std::fs::read_to_string(out.join("page")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(aside.join("page")).unwrap(), "old");
        assert!(!new.exists());
    }

    /// What builds killed at each step leave under the names only a build makes: the next
    /// build puts back a previous site moved aside, removes the rest, and starts.
    #[test]
    fn a_build_starts_over_whatever_a_killed_build_left() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("dossier");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let out = dir.path().join("site");
        let (staging, aside) = (sibling(&out, "dossier-staging"), sibling(&out, "dossier-old"));
        // Killed between the two renames: the output is aside, a new site half made.
        std::fs::create_dir_all(aside.join("a")).unwrap();
        std::fs::write(aside.join("a/index.html"), "old").unwrap();
        std::fs::write(
            sibling(&out, "dossier-files"),
            "00000000000000000000000000000000 3 0 a/index.html\n",
        )
        .unwrap();
        std::fs::create_dir_all(staging.join("b")).unwrap();
        drop(Staging::begin(&root, &out).unwrap());
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "old");
        assert!(!staging.exists() && !aside.exists());
        // Killed while it removed the previous site (no marker left in it), and a previous
        // site left aside beside the output.
        std::fs::create_dir_all(staging.join("c")).unwrap();
        std::fs::create_dir_all(aside.join("d")).unwrap();
        let s = Staging::begin(&root, &out).unwrap();
        assert!(!aside.exists());
        assert!(staging.is_dir() && std::fs::read_dir(&staging).unwrap().next().is_none());
        drop(s);
        assert!(!staging.exists());
    }

    #[test]
    fn foreign_names_what_no_build_wrote_once_per_folder() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "a/index.html",
            "a/extra.txt",
            ".git/HEAD",
            ".git/refs/x",
            MARKER,
            "CNAME",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        let known: HashSet<String> = ["a/index.html".to_string()].into();
        assert_eq!(
            foreign(dir.path(), &known).unwrap(),
            [".git/", "CNAME", "a/extra.txt", "empty/"]
        );
        // With no list of ours, the marker proves nothing.
        assert!(
            foreign(dir.path(), &HashSet::new())
                .unwrap()
                .contains(&MARKER.to_string())
        );
    }
}
