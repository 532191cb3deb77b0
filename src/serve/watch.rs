//! Watching the dossier's folders: native events from notify (a poll every 250 ms where the
//! system offers none), gathered into batches once the files have been quiet for a moment.
//!
//! Editors save in many ways: in place, or by writing a temporary file and renaming it over the
//! original, sometimes deleting first. All of them end in events on the note's own path, so a
//! batch is simply the set of paths touched; the session reads each again (or finds it gone).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{Config, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};

/// How long the files must be quiet before a batch is taken: long enough to gather an editor's
/// write-and-rename, short enough not to be felt.
pub const QUIET: Duration = Duration::from_millis(15);
/// A batch is taken after this long even if events keep coming (a `git checkout`).
const MAX_WAIT: Duration = Duration::from_millis(150);

/// The folders that make a dossier.
pub const FOLDERS: [&str; 3] = ["content", "templates", "static"];

pub struct Watcher {
    // Kept alive: dropping it stops the events.
    _native: Option<RecommendedWatcher>,
    _poll: Option<PollWatcher>,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    /// True when the system gives no events and the files are polled.
    pub polling: bool,
}

fn add_watches(w: &mut dyn notify::Watcher, root: &Path) -> notify::Result<()> {
    w.watch(root, RecursiveMode::NonRecursive)?;
    for f in FOLDERS {
        let dir = root.join(f);
        if dir.is_dir() {
            w.watch(&dir, RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

impl Watcher {
    /// Watches `root`'s content/, templates/ and static/ (and the root, for folders created
    /// later).
    pub fn new(root: &Path) -> Result<Watcher, String> {
        let (tx, events) = channel();
        let native = RecommendedWatcher::new(tx.clone(), Config::default()).and_then(|mut w| {
            add_watches(&mut w, root)?;
            Ok(w)
        });
        match native {
            Ok(w) => Ok(Watcher {
                _native: Some(w),
                _poll: None,
                events,
                root: root.to_path_buf(),
                polling: false,
            }),
            Err(native_err) => {
                let config = Config::default().with_poll_interval(Duration::from_millis(250));
                let mut poll = PollWatcher::new(tx, config)
                    .map_err(|e| format!("cannot watch the files ({native_err}; polling: {e})"))?;
                add_watches(&mut poll, root).map_err(|e| format!("cannot watch the files: {e}"))?;
                Ok(Watcher {
                    _native: None,
                    _poll: Some(poll),
                    events,
                    root: root.to_path_buf(),
                    polling: true,
                })
            }
        }
    }

    /// Starts watching a dossier folder created after the start (`static/` made later), and
    /// adds the files already in it to the batch: they were written before the watch began.
    fn watch_new_folders(&mut self, batch: &mut BTreeSet<PathBuf>) {
        for f in FOLDERS {
            let dir = self.root.join(f);
            if batch.contains(&dir) && dir.is_dir() {
                if let Some(w) = self._native.as_mut() {
                    let _ = w.watch(&dir, RecursiveMode::Recursive);
                }
                if let Some(w) = self._poll.as_mut() {
                    let _ = w.watch(&dir, RecursiveMode::Recursive);
                }
                batch.extend(
                    walkdir::WalkDir::new(&dir)
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.file_type().is_file())
                        .map(|e| e.into_path()),
                );
            }
        }
    }

    /// Waits up to `timeout` for a change, then gathers the batch it starts. `None` when
    /// nothing in the dossier changed; the paths are relative to the root.
    pub fn next_batch(&mut self, timeout: Duration) -> Option<(Vec<PathBuf>, Instant)> {
        let first = match self.events.recv_timeout(timeout) {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        let started = Instant::now();
        let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
        let mut add = |e: notify::Result<notify::Event>| {
            if let Ok(e) = e
                && !matches!(e.kind, notify::EventKind::Access(_))
            {
                paths.extend(e.paths);
            }
        };
        add(first);
        loop {
            let left = MAX_WAIT.saturating_sub(started.elapsed());
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(e) => add(e),
                Err(_) => break,
            }
            if started.elapsed() >= MAX_WAIT {
                break;
            }
        }
        self.watch_new_folders(&mut paths);
        let relevant: Vec<PathBuf> = paths
            .into_iter()
            .filter_map(|p| p.strip_prefix(&self.root).ok().map(Path::to_path_buf))
            .filter(|p| {
                p.components()
                    .next()
                    .is_some_and(|c| FOLDERS.iter().any(|f| c.as_os_str() == *f))
            })
            // An editor's temporary files are not part of the dossier; the rename that ends
            // a save is seen on the note itself.
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| crate::load::is_hidden(&n.to_string_lossy()))
            })
            .collect();
        if relevant.is_empty() {
            return None;
        }
        Some((relevant, started))
    }
}
