//! Scheduling: decides when each feed is fetched next.
//!
//! Pure bookkeeping, no I/O and no clock of its own (callers pass `now`), so
//! it is tested without waiting: intervals, server hints that lengthen them,
//! capped exponential backoff on errors, Retry-After, and jitter so feeds with
//! one interval spread out. It never abandons a feed: a failing feed is
//! retried, at most `max_backoff` apart.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// How long to wait after a successful fetch: the configured interval,
/// lengthened (never shortened) by the server's hint (`<ttl>`, max-age,
/// Expires), which is itself capped so a year-long max-age cannot silence a feed.
pub fn delay_after_success(
    interval: Duration,
    hint: Option<Duration>,
    max_backoff: Duration,
) -> Duration {
    let cap = max_backoff.max(interval);
    interval.max(hint.unwrap_or(Duration::ZERO).min(cap))
}

/// How long to wait after the `failures`-th consecutive failure: the interval
/// doubled per failure, capped at `max_backoff` (never below the interval),
/// and at least the server's Retry-After (capped alike).
pub fn delay_after_failure(
    interval: Duration,
    failures: u32,
    retry_after: Option<Duration>,
    max_backoff: Duration,
) -> Duration {
    let cap = max_backoff.max(interval);
    let doublings = failures.saturating_sub(1).min(32);
    let backoff = interval.saturating_mul(1u32 << doublings.min(31)).min(cap);
    backoff.max(retry_after.unwrap_or(Duration::ZERO).min(cap))
}

/// Spreads a delay by up to ±10%, so feeds added together drift apart.
pub fn with_jitter(delay: Duration) -> Duration {
    let spread = delay.as_secs_f64() * 0.1;
    let offset = (fastrand::f64() * 2.0 - 1.0) * spread;
    Duration::from_secs_f64((delay.as_secs_f64() + offset).max(0.0))
}

/// How a feed's fetch ended, as far as its next due time goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Fetched (new entries or not, or a 304), with the server's hint of
    /// how long the feed stays unchanged.
    Succeeded { hint: Option<Duration> },
    /// The `failures`-th failure in a row (this one included), with the
    /// server's Retry-After.
    Failed {
        failures: u32,
        retry_after: Option<Duration>,
    },
}

/// When a feed fetched at `fetched_at` is due next: the one place that
/// decides it. Jitter spreads feeds out, but a retry never comes before the
/// server's Retry-After.
pub fn next_due(
    fetched_at: DateTime<Utc>,
    interval: Duration,
    max_backoff: Duration,
    attempt: Attempt,
) -> DateTime<Utc> {
    let wait = match attempt {
        Attempt::Succeeded { hint } => {
            with_jitter(delay_after_success(interval, hint, max_backoff))
        }
        Attempt::Failed {
            failures,
            retry_after,
        } => {
            let delay = delay_after_failure(interval, failures, retry_after, max_backoff);
            let floor = retry_after.map_or(Duration::ZERO, |asked| asked.min(delay));
            with_jitter(delay).max(floor)
        }
    };
    after(fetched_at, wait)
}

/// When a feed is first due as the daemon starts: its stored due time, but
/// no later than one interval from `now` (a shorter interval in the config
/// applies at once), and at once when none is stored.
pub fn due_at_start(
    stored: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    interval: Duration,
) -> DateTime<Utc> {
    stored.unwrap_or(now).min(after(now, interval))
}

/// How long after a fetch the database could not store (disk full, a
/// read-only file) the feed is tried again: its interval, at most a minute.
pub fn retry_after_store_failure(interval: Duration) -> Duration {
    interval.min(STORE_RETRY)
}

/// The longest wait before a fetch that could not be stored is tried again.
const STORE_RETRY: Duration = Duration::from_secs(60);

/// `t` plus `wait`, saturating at a day's wait when `wait` does not fit.
fn after(t: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    t + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1))
}

/// The queue of feeds by due time. Feeds are keyed by their database id.
#[derive(Debug, Default)]
pub struct Schedule {
    by_due: BTreeSet<(DateTime<Utc>, i64)>,
    due_of: HashMap<i64, DateTime<Utc>>,
}

impl Schedule {
    /// Sets (or moves) a feed's next due time.
    pub fn set(&mut self, feed: i64, due: DateTime<Utc>) {
        self.remove(feed);
        self.by_due.insert((due, feed));
        self.due_of.insert(feed, due);
    }

    pub fn remove(&mut self, feed: i64) {
        if let Some(due) = self.due_of.remove(&feed) {
            self.by_due.remove(&(due, feed));
        }
    }

    pub fn contains(&self, feed: i64) -> bool {
        self.due_of.contains_key(&feed)
    }

    pub fn feeds(&self) -> impl Iterator<Item = i64> + '_ {
        self.due_of.keys().copied()
    }

    pub fn len(&self) -> usize {
        self.due_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.due_of.is_empty()
    }

    /// The earliest due time, if any feed is scheduled.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.by_due.first().map(|(due, _)| *due)
    }

    /// Removes and returns every feed due at or before `now`, earliest first.
    /// A taken feed is out of the schedule until the caller sets it again
    /// (after its fetch), so it is never fetched twice at once.
    pub fn take_due(&mut self, now: DateTime<Utc>) -> Vec<i64> {
        let mut taken = Vec::new();
        while let Some(&(due, feed)) = self.by_due.first() {
            if due > now {
                break;
            }
            self.by_due.pop_first();
            self.due_of.remove(&feed);
            taken.push(feed);
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);
    const DAY: Duration = Duration::from_secs(86_400);

    #[test]
    fn hints_lengthen_never_shorten() {
        assert_eq!(delay_after_success(30 * MIN, None, DAY), 30 * MIN);
        assert_eq!(delay_after_success(30 * MIN, Some(5 * MIN), DAY), 30 * MIN);
        assert_eq!(delay_after_success(30 * MIN, Some(90 * MIN), DAY), 90 * MIN);
        assert_eq!(delay_after_success(30 * MIN, Some(365 * DAY), DAY), DAY);
    }

    #[test]
    fn backoff_doubles_and_caps_but_never_gives_up() {
        let d: Vec<_> = (1..=8)
            .map(|f| delay_after_failure(30 * MIN, f, None, DAY))
            .collect();
        assert_eq!(d[0], 30 * MIN);
        assert_eq!(d[1], 60 * MIN);
        assert_eq!(d[2], 120 * MIN);
        assert_eq!(d[7], DAY);
        assert_eq!(delay_after_failure(30 * MIN, u32::MAX, None, DAY), DAY);
        assert_eq!(delay_after_failure(MIN, 1, Some(10 * MIN), DAY), 10 * MIN);
        assert_eq!(delay_after_failure(MIN, 1, Some(400 * DAY), DAY), DAY);
    }

    #[test]
    fn jitter_stays_within_ten_percent_and_varies() {
        let samples: Vec<_> = (0..200).map(|_| with_jitter(100 * MIN)).collect();
        assert!(samples.iter().all(|d| *d >= 90 * MIN && *d <= 110 * MIN));
        assert!(samples.iter().any(|d| *d != samples[0]));
    }

    #[test]
    fn next_due_never_comes_before_retry_after_and_backs_off() {
        let t0 = Utc::now();
        let secs = |due: DateTime<Utc>| (due - t0).num_seconds();
        for _ in 0..50 {
            let asked = Attempt::Failed {
                failures: 1,
                retry_after: Some(10 * MIN),
            };
            let due = secs(next_due(t0, MIN, DAY, asked));
            assert!((600..=660).contains(&due), "{due}");
            let third = Attempt::Failed {
                failures: 3,
                retry_after: None,
            };
            let due = secs(next_due(t0, 30 * MIN, DAY, third));
            assert!((6480..=7920).contains(&due), "{due}");
            let hinted = Attempt::Succeeded {
                hint: Some(90 * MIN),
            };
            let due = secs(next_due(t0, 30 * MIN, DAY, hinted));
            assert!((4860..=5940).contains(&due), "{due}");
        }
    }

    #[test]
    fn at_start_a_feed_is_due_as_stored_but_within_one_interval() {
        let t0 = Utc::now();
        let hour = chrono::Duration::hours(1);
        assert_eq!(due_at_start(None, t0, 30 * MIN), t0);
        assert_eq!(due_at_start(Some(t0 - hour), t0, 30 * MIN), t0 - hour);
        assert_eq!(
            due_at_start(Some(t0 + hour * 48), t0, 30 * MIN),
            t0 + chrono::Duration::minutes(30)
        );
        assert_eq!(retry_after_store_failure(30 * MIN), MIN);
        assert_eq!(
            retry_after_store_failure(Duration::from_secs(20)),
            Duration::from_secs(20)
        );
    }

    #[test]
    fn schedule_hands_out_due_feeds_once() {
        let t0 = Utc::now();
        let mut s = Schedule::default();
        s.set(1, t0 + chrono::Duration::seconds(10));
        s.set(2, t0);
        s.set(3, t0 - chrono::Duration::seconds(5));
        s.set(2, t0 + chrono::Duration::seconds(1)); // moved, not duplicated
        assert_eq!(s.len(), 3);
        assert_eq!(s.take_due(t0), vec![3]);
        assert_eq!(s.take_due(t0), Vec::<i64>::new());
        assert_eq!(s.next_due(), Some(t0 + chrono::Duration::seconds(1)));
        assert_eq!(s.take_due(t0 + chrono::Duration::seconds(60)), vec![2, 1]);
        assert!(s.is_empty());
        s.set(4, t0);
        s.remove(4);
        assert!(s.take_due(t0).is_empty());
    }
}
