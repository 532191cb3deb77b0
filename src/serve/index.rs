//! The preview's search index. Each good build is indexed after its pages are on show, on a
//! thread of its own at the lowest priority, so that indexing never delays a reload: until a
//! build's index is ready, the server answers from the last one made.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, RwLock};

use super::http::Served;
use crate::site::OutputTree;

/// The thread that indexes the builds it is given, the newest first: builds that arrive while
/// it works are skipped, all but the last.
pub(crate) struct Indexer {
    builds: Sender<(u64, OutputTree)>,
    /// The number of the last build given to index.
    newest: AtomicU64,
    /// The number of the last build given when the index was taken off show: the index of
    /// that build or an older one is not put back.
    cleared: Arc<AtomicU64>,
}

impl Indexer {
    /// Starts the thread, which puts each index it makes into `site`.
    pub(crate) fn start(site: Arc<RwLock<Served>>) -> Indexer {
        let (builds, waiting) = mpsc::channel();
        let cleared = Arc::new(AtomicU64::new(0));
        let floor = cleared.clone();
        // The thread ends when the indexer is dropped; one at work when the preview stops is
        // not waited for.
        std::thread::Builder::new()
            .name("search index".into())
            .spawn(move || work(&waiting, &site, &floor))
            .ok();
        Indexer {
            builds,
            newest: AtomicU64::new(0),
            cleared,
        }
    }

    /// Asks for the index of `tree`, a good build's site.
    pub(crate) fn index(&self, tree: OutputTree) {
        let number = self.newest.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.builds.send((number, tree));
    }

    /// Takes the index off show (a dossier that turned search off): one being made is dropped.
    pub(crate) fn clear(&self, served: &mut Served) {
        self.cleared.store(self.newest.load(Ordering::SeqCst), Ordering::SeqCst);
        served.index.clear();
    }
}

fn work(waiting: &Receiver<(u64, OutputTree)>, site: &RwLock<Served>, cleared: &AtomicU64) {
    lower_priority();
    // Pagefind sorts its index on rayon: on a pool of this thread's own, not on the pool the
    // builds share.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "search index".into())
        .start_handler(|_| lower_priority())
        .build();
    let Ok(pool) = pool else { return };
    while let Ok((mut number, mut tree)) = waiting.recv() {
        while let Ok(newer) = waiting.try_recv() {
            (number, tree) = newer;
        }
        let pages: Vec<(String, String)> = tree.pages_in_memory().collect();
        drop(tree);
        match pool.install(|| crate::search::index(None, pages)) {
            Ok(files) => {
                let files: HashMap<String, Arc<[u8]>> = files.into_iter().map(|(p, b)| (p, b.into())).collect();
                let mut served = site.write().unwrap_or_else(|e| e.into_inner());
                // Checked with the site held: a build shown since may have turned search off.
                if number > cleared.load(Ordering::SeqCst) {
                    served.index = files;
                }
            }
            Err(e) => eprintln!("warning: search in the preview is not up to date: {e}"),
        }
    }
}

/// Makes the calling thread (and the threads it starts) yield to every other: the lowest
/// priority, `nice 19`. Where threads have no priority of their own, nothing changes.
fn lower_priority() {
    // On Linux the priority is a thread's own, and "this process" names the calling thread.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(None, 19);
}
