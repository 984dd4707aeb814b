//! The daemon's own figures for monitoring: counters, a few gauges and
//! latency histograms, rendered in the Prometheus text format for `GET
//! /metrics` on `[serve]`, and the facts `GET /healthz` reports.
//!
//! It only counts what the daemon hands it (each feed's report, the
//! schedule's size); it never reads the database, never blocks (atomics
//! only) and never fails.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use crate::pipeline::FeedReport;

/// Upper bounds of the latency buckets, in seconds: from a local file's
/// fetch to a slow server's 30 s deadline.
const BOUNDS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// A cumulative histogram of durations, as Prometheus reads one.
#[derive(Debug, Default)]
struct Histogram {
    /// Observations at or under each bound (cumulated when rendered).
    buckets: [AtomicU64; BOUNDS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BOUNDS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        let mut cumulated = 0;
        for (bound, bucket) in BOUNDS.iter().zip(&self.buckets) {
            cumulated += bucket.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulated}");
        }
        let count = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// Everything `/metrics` and `/healthz` show, shared by the daemon's loop
/// (which records) and the server (which renders).
#[derive(Debug)]
pub struct Metrics {
    started: Instant,
    fetches_ok: AtomicU64,
    fetches_not_modified: AtomicU64,
    fetches_failed: AtomicU64,
    store_failures: AtomicU64,
    entries_new: AtomicU64,
    entries_updated: AtomicU64,
    entries_filtered: AtomicU64,
    pages_ok: AtomicU64,
    pages_failed: AtomicU64,
    feeds_scheduled: AtomicU64,
    feeds_in_flight: AtomicU64,
    /// On a database daemons share: set once the daemon leases.
    leasing: AtomicBool,
    leases_held: AtomicU64,
    feeds_due: AtomicU64,
    /// Unix time of the last fetch that succeeded (0: none yet).
    last_success_unix: AtomicI64,
    fetch_seconds: Histogram,
    write_seconds: Histogram,
    feed_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            fetches_ok: Default::default(),
            fetches_not_modified: Default::default(),
            fetches_failed: Default::default(),
            store_failures: Default::default(),
            entries_new: Default::default(),
            entries_updated: Default::default(),
            entries_filtered: Default::default(),
            pages_ok: Default::default(),
            pages_failed: Default::default(),
            feeds_scheduled: Default::default(),
            feeds_in_flight: Default::default(),
            leasing: Default::default(),
            leases_held: Default::default(),
            feeds_due: Default::default(),
            last_success_unix: Default::default(),
            fetch_seconds: Default::default(),
            write_seconds: Default::default(),
            feed_seconds: Default::default(),
        }
    }
}

impl Metrics {
    /// Counts one feed's finished run.
    pub fn record(&self, report: &FeedReport) {
        let outcome = match (&report.error, report.not_modified) {
            (Some(_), _) => &self.fetches_failed,
            (None, true) => &self.fetches_not_modified,
            (None, false) => &self.fetches_ok,
        };
        outcome.fetch_add(1, Relaxed);
        if report.error.is_none() {
            self.last_success_unix
                .fetch_max(chrono::Utc::now().timestamp(), Relaxed);
        }
        let add = |counter: &AtomicU64, n: usize| counter.fetch_add(n as u64, Relaxed);
        add(&self.entries_new, report.inserted);
        add(&self.entries_updated, report.updated);
        add(&self.entries_filtered, report.filtered);
        add(&self.pages_ok, report.pages);
        add(&self.pages_failed, report.pages_failed);
        self.fetch_seconds.observe(report.stages.fetch);
        self.write_seconds.observe(report.stages.store);
        self.feed_seconds.observe(report.duration);
    }

    /// Counts a feed whose fetch could not be stored (the database refused).
    pub fn record_store_failure(&self) {
        self.store_failures.fetch_add(1, Relaxed);
    }

    /// The schedule's size and the feeds being fetched right now.
    pub fn set_queue(&self, scheduled: usize, in_flight: usize) {
        self.feeds_scheduled.store(scheduled as u64, Relaxed);
        self.feeds_in_flight.store(in_flight as u64, Relaxed);
    }

    /// On a database daemons share: the leases this daemon holds and, when
    /// counted, the fleet's feeds due and held by nobody.
    pub fn set_fleet(&self, held: usize, due: Option<u64>) {
        self.leasing.store(true, Relaxed);
        self.leases_held.store(held as u64, Relaxed);
        if let Some(due) = due {
            self.feeds_due.store(due, Relaxed);
        }
    }

    /// Seconds since the last successful fetch, if there was one.
    pub fn last_success_age(&self) -> Option<i64> {
        match self.last_success_unix.load(Relaxed) {
            0 => None,
            at => Some((chrono::Utc::now().timestamp() - at).max(0)),
        }
    }

    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let load = |c: &AtomicU64| c.load(Relaxed);
        let mut family = |name: &str, kind: &str, help: &str, rows: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, value) in rows {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        family(
            "feedsieve_fetches_total",
            "counter",
            "Feed fetches finished, by outcome.",
            &[
                ("{outcome=\"ok\"}", load(&self.fetches_ok)),
                (
                    "{outcome=\"not_modified\"}",
                    load(&self.fetches_not_modified),
                ),
                ("{outcome=\"failed\"}", load(&self.fetches_failed)),
            ],
        );
        family(
            "feedsieve_store_failures_total",
            "counter",
            "Fetches the database refused to store (retried later).",
            &[("", load(&self.store_failures))],
        );
        family(
            "feedsieve_entries_total",
            "counter",
            "Entries stored, by kind (filtered: dropped by a [filter] rule).",
            &[
                ("{kind=\"new\"}", load(&self.entries_new)),
                ("{kind=\"updated\"}", load(&self.entries_updated)),
                ("{kind=\"filtered\"}", load(&self.entries_filtered)),
            ],
        );
        family(
            "feedsieve_pages_total",
            "counter",
            "Article pages fetched for teaser entries, by outcome.",
            &[
                ("{outcome=\"article\"}", load(&self.pages_ok)),
                ("{outcome=\"kept_teaser\"}", load(&self.pages_failed)),
            ],
        );
        family(
            "feedsieve_feeds_scheduled",
            "gauge",
            "Feeds waiting in the schedule.",
            &[("", load(&self.feeds_scheduled))],
        );
        family(
            "feedsieve_feeds_in_flight",
            "gauge",
            "Feeds being fetched and stored right now.",
            &[("", load(&self.feeds_in_flight))],
        );
        if self.leasing.load(Relaxed) {
            family(
                "feedsieve_leases_held",
                "gauge",
                "Feeds this daemon holds leases on (fetching or storing them).",
                &[("", load(&self.leases_held))],
            );
            family(
                "feedsieve_feeds_due",
                "gauge",
                "Feeds of the fleet due and leased by no daemon (counted every few seconds).",
                &[("", load(&self.feeds_due))],
            );
        }
        let last = self.last_success_unix.load(Relaxed);
        let _ = writeln!(
            out,
            "# HELP feedsieve_last_success_timestamp_seconds Unix time of the last successful fetch (0: none yet).\n\
             # TYPE feedsieve_last_success_timestamp_seconds gauge\n\
             feedsieve_last_success_timestamp_seconds {last}"
        );
        self.fetch_seconds.render(
            &mut out,
            "feedsieve_fetch_duration_seconds",
            "Time to fetch a feed (request and body, waiting for a slot included).",
        );
        self.write_seconds.render(
            &mut out,
            "feedsieve_write_duration_seconds",
            "Time to store a feed's entries (its transaction, waiting for the writer included).",
        );
        self.feed_seconds.render(
            &mut out,
            "feedsieve_feed_duration_seconds",
            "Time for a feed through every stage.",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_count_everything() {
        let h = Histogram::default();
        for ms in [3, 7, 40, 400, 60_000] {
            h.observe(Duration::from_millis(ms));
        }
        let mut out = String::new();
        h.render(&mut out, "x", "test");
        assert!(out.contains("x_bucket{le=\"0.005\"} 1\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.01\"} 2\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.05\"} 3\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"0.5\"} 4\n"), "{out}");
        // A minute is over the last bound: only in +Inf.
        assert!(out.contains("x_bucket{le=\"30\"} 4\n"), "{out}");
        assert!(out.contains("x_bucket{le=\"+Inf\"} 5\n"), "{out}");
        assert!(out.contains("x_count 5\n"), "{out}");
        assert!(out.contains("x_sum 60.45\n"), "{out}");
    }
}
