//! Progress on stderr for builds that take longer than a second.
//!
//! Short builds print nothing but their result, and so does any build whose stderr is not a
//! terminal (CI logs, pipes): a progress line there is noise. The line is drawn by a helper
//! thread that wakes only after the first second has passed.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

struct Shared {
    phase: Mutex<&'static str>,
    done: AtomicBool,
}

pub struct Progress {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

const DELAY: Duration = Duration::from_secs(1);
const TICK: Duration = Duration::from_millis(100);

impl Progress {
    /// A progress reporter that never draws (tests, `serve`, piped stderr).
    pub fn hidden() -> Progress {
        Progress {
            shared: Arc::new(Shared {
                phase: Mutex::new(""),
                done: AtomicBool::new(false),
            }),
            thread: None,
        }
    }

    /// Draws on stderr after a second, if stderr is a terminal.
    pub(crate) fn on_stderr() -> Progress {
        let mut p = Progress::hidden();
        if !std::io::stderr().is_terminal() {
            return p;
        }
        let shared = p.shared.clone();
        p.thread = Some(std::thread::spawn(move || {
            let start = Instant::now();
            let mut drawn = false;
            let frames = ['|', '/', '-', '\\'];
            let mut i = 0;
            while !shared.done.load(Ordering::Acquire) {
                std::thread::sleep(TICK);
                if start.elapsed() < DELAY || shared.done.load(Ordering::Acquire) {
                    continue;
                }
                let phase = *shared.phase.lock().unwrap_or_else(|e| e.into_inner());
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K{} {phase}…", frames[i % frames.len()]);
                let _ = err.flush();
                drawn = true;
                i += 1;
            }
            if drawn {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        }));
        p
    }

    pub(crate) fn phase(&self, name: &'static str) {
        *self.shared.phase.lock().unwrap_or_else(|e| e.into_inner()) = name;
    }

    /// Stops drawing and clears the line.
    pub(crate) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.done.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}
