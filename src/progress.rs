//! A progress line for long runs (`run --once` over many feeds, `reclean`,
//! `rededup`, `vacuum`, the storage conversion): "what: done/total (pct),
//! rate/s, elapsed", redrawn in place on stderr at most a few times a
//! second. Quiet when stderr is not a terminal (a service's journal, a
//! pipe, a test), so logs and output stay as they were. It never writes to
//! stdout and never decides anything.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Redraws at most this often.
const EVERY: Duration = Duration::from_millis(200);

/// One progress line. Cheap to update from several threads; drawing costs a
/// clock read and, a few times a second, one write.
#[derive(Debug)]
pub struct Progress {
    what: String,
    total: u64,
    done: AtomicU64,
    started: Instant,
    /// When the line was last drawn; `None` when quiet.
    drawn: Option<Mutex<Instant>>,
}

impl Progress {
    /// A line for `total` units of `what` (0: unknown), drawn only when
    /// stderr is a terminal.
    pub fn new(what: &str, total: u64) -> Progress {
        Progress::with_output(what, total, std::io::stderr().is_terminal())
    }

    /// A line that is drawn only if `visible`.
    pub fn with_output(what: &str, total: u64, visible: bool) -> Progress {
        let started = Instant::now();
        Progress {
            what: what.to_string(),
            total,
            done: AtomicU64::new(0),
            started,
            drawn: visible.then(|| Mutex::new(started - EVERY)),
        }
    }

    /// `n` more units done.
    pub fn add(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        let Some(drawn) = &self.drawn else { return };
        let now = Instant::now();
        let Ok(mut last) = drawn.try_lock() else {
            return;
        };
        if now.duration_since(*last) < EVERY {
            return;
        }
        *last = now;
        draw(&self.line(done, now));
    }

    /// Units done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// The line as it reads after `done` units at `now`.
    pub fn line(&self, done: u64, now: Instant) -> String {
        let secs = now.duration_since(self.started).as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let count = if self.total > 0 {
            format!(
                "{done}/{} ({:.0}%)",
                self.total,
                100.0 * done as f64 / self.total as f64
            )
        } else {
            done.to_string()
        };
        format!("{}: {count}, {rate:.0}/s, {secs:.1} s", self.what)
    }

    /// Draws the final count and ends the line (nothing when quiet or when
    /// nothing was done).
    pub fn finish(&self) {
        if self.drawn.is_some() && self.done() > 0 {
            draw(&self.line(self.done(), Instant::now()));
            eprintln!();
        }
    }
}

fn draw(line: &str) {
    let mut err = std::io::stderr().lock();
    // \r and clear-to-end-of-line: the line is redrawn in place.
    let _ = write!(err, "\r{line}\x1b[K");
    let _ = err.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_and_rates() {
        let p = Progress::with_output("recleaning entries", 200, false);
        p.add(50);
        p.add(50);
        assert_eq!(p.done(), 100);
        let line = p.line(100, p.started + Duration::from_secs(4));
        assert_eq!(line, "recleaning entries: 100/200 (50%), 25/s, 4.0 s");
        let unknown = Progress::with_output("feeds", 0, false);
        assert_eq!(
            unknown.line(7, unknown.started + Duration::from_secs(1)),
            "feeds: 7, 7/s, 1.0 s"
        );
    }
}
