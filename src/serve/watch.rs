//! Watching the dossier's folders: native events from notify (a poll every 250 ms where the
//! system offers none), through notify's own debouncer, which hands each event over a moment
//! after it came; a batch goes on gathering them until the files have been quiet for that
//! moment, or for a longer one at most.
//!
//! Editors save in many ways: in place, or by writing a temporary file and renaming it over the
//! original, sometimes deleting first. All of them end in events on the note's own path, so a
//! batch is simply the set of paths touched; the session reads each again (or finds it gone).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify::{Config, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer, new_debouncer_opt};

/// How long the files must be quiet before a batch is taken: long enough to gather an editor's
/// write-and-rename, short enough not to be felt.
pub(crate) const QUIET: Duration = Duration::from_millis(15);
/// A batch is taken after this long even if events keep coming (a `git checkout`).
const MAX_WAIT: Duration = Duration::from_millis(150);

/// The folders that make a dossier.
pub(crate) const FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// notify's debouncer over the system's events, or over polling where the system has none.
enum Watching {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Polling(Debouncer<PollWatcher, RecommendedCache>),
}

impl Watching {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watching::Native(d) => d.watch(path, mode),
            Watching::Polling(d) => d.watch(path, mode),
        }
    }

    /// Watches `root` itself (for folders created later) and its dossier folders.
    fn watch_dossier(mut self, root: &Path) -> notify::Result<Watching> {
        self.watch(root, RecursiveMode::NonRecursive)?;
        for f in FOLDERS {
            let dir = root.join(f);
            if dir.is_dir() {
                self.watch(&dir, RecursiveMode::Recursive)?;
            }
        }
        Ok(self)
    }
}

pub(crate) struct Watcher {
    watching: Watching,
    batches: Receiver<DebounceEventResult>,
    root: PathBuf,
    /// True when the system gives no events and the files are polled.
    pub polling: bool,
}

impl Watcher {
    /// Watches `root`'s content/, templates/ and static/ (and the root, for folders created
    /// later).
    pub(crate) fn new(root: &Path) -> Result<Watcher, String> {
        let (tx, batches) = channel();
        let native = new_debouncer(QUIET, None, tx.clone()).and_then(|d| Watching::Native(d).watch_dossier(root));
        let watching = match native {
            Ok(w) => w,
            Err(native_err) => {
                let config = Config::default().with_poll_interval(Duration::from_millis(250));
                new_debouncer_opt(QUIET, None, tx, RecommendedCache::new(), config)
                    .and_then(|d| Watching::Polling(d).watch_dossier(root))
                    .map_err(|e| format!("cannot watch the files ({native_err}; polling: {e})"))?
            }
        };
        Ok(Watcher {
            polling: matches!(watching, Watching::Polling(_)),
            watching,
            batches,
            root: root.to_path_buf(),
        })
    }

    /// Starts watching a dossier folder created after the start (`static/` made later), and
    /// adds the files already in it to the batch: they were written before the watch began.
    fn watch_new_folders(&mut self, batch: &mut BTreeSet<PathBuf>) {
        for f in FOLDERS {
            let dir = self.root.join(f);
            if batch.contains(&dir) && dir.is_dir() {
                let _ = self.watching.watch(&dir, RecursiveMode::Recursive);
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
    /// nothing in the dossier changed; the paths are relative to the root, and the time is when
    /// the first of their events came.
    pub(crate) fn next_batch(&mut self, timeout: Duration) -> Option<(Vec<PathBuf>, Instant)> {
        let first = self.batches.recv_timeout(timeout).ok()?;
        let mut started = Instant::now();
        let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
        let mut add = |batch: DebounceEventResult| gather(&self.root, batch, &mut paths, &mut started);
        add(first);
        let gathering = Instant::now();
        while let Some(left) = MAX_WAIT.checked_sub(gathering.elapsed()) {
            match self.batches.recv_timeout(QUIET.min(left)) {
                Ok(batch) => add(batch),
                Err(_) => break,
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

/// Adds the paths a batch of events touched, and keeps the time of the earliest. A batch in
/// error, or one where the system says events were lost (a full inotify queue), stands for
/// every dossier folder: the session then reads them all again.
fn gather(root: &Path, batch: DebounceEventResult, paths: &mut BTreeSet<PathBuf>, started: &mut Instant) {
    let events = match batch {
        Ok(events) => events,
        Err(_) => {
            paths.extend(FOLDERS.map(|f| root.join(f)));
            return;
        }
    };
    for e in events {
        if e.need_rescan() {
            paths.extend(FOLDERS.map(|f| root.join(f)));
        }
        if !matches!(e.kind, notify::EventKind::Access(_)) {
            *started = (*started).min(e.time);
            paths.extend(e.event.paths);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_events_stand_for_every_dossier_folder() {
        let root = Path::new("/d");
        let mut started = Instant::now();
        let mut paths = BTreeSet::new();
        gather(
            root,
            Err(vec![notify::Error::generic("queue full")]),
            &mut paths,
            &mut started,
        );
        let all: BTreeSet<PathBuf> = FOLDERS.iter().map(|f| root.join(f)).collect();
        assert_eq!(paths, all);
        let mut paths = BTreeSet::new();
        let rescan = notify::Event::new(notify::EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let event = notify_debouncer_full::DebouncedEvent::new(rescan, started);
        gather(root, Ok(vec![event]), &mut paths, &mut started);
        assert_eq!(paths, all);
    }
}
