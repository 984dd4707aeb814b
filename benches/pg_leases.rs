//! What the lease statement costs with 10^6 feeds (issue 19): a throwaway
//! PostgreSQL (tests/support/pg.rs) is filled by COPY with `BENCH_FEEDS`
//! feeds (default 1,000,000) at a 30-minute interval, 1/60 of them due at
//! the start (a 30 s backlog), on hosts of three sizes: five with 1% of the
//! feeds each, 2,000 with 0.01% each, the rest two feeds a host. Then 1, 4
//! and 16 leasers, each on a connection of its own, lease batches of 50
//! (`lease_due`) while a virtual clock moves 50/555 s a call, so new feeds
//! fall due as fast as they are leased; each leaser holds its share of
//! ~1,000 leases in flight fleet-wide (as daemons fetching would), renews
//! 50 of them every 10th call, and releases the oldest with a next due time
//! 30 minutes on.
//!
//! Latency round: `BENCH_CALLS` lease calls in all (default 2,000), each
//! followed by the baseline, the cheapest read of as many due feeds (off
//! the index of unleased due feeds, no host, no lock, no write), on the same
//! connection with the same clock; p50 / p99 / max of each and
//! their ratios, and of renew (50 leases) and release (one lease).
//! Throughput round: the same without the baseline, as fast as it goes:
//! feeds leased and released per second, and statements per second.
//!
//! Server round: the same lease calls from a procedure on the server, each
//! timed there (`clock_timestamp()`), so neither the round trip nor the
//! scheduling of this process counts: the figure least moved by a loaded
//! machine.
//!
//! Run: cargo bench --bench pg_leases (BENCH_QUICK=1 for one quick run: 1
//! leaser, 2,000 calls, no throughput round; BENCH_FEEDS=100000 for a
//! smaller table; BENCH_LEASERS=4,16 for only those rounds; BENCH_BATCH=20
//! for smaller batches; BENCH_BIG_PERMILLE=10 for five hosts with 1% of the
//! feeds each, more than their two slots can serve). Each round prints a
//! `RESULT` line with the lease's p50 / p99 / max against the baseline's.

use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use feedsieve::store::postgres::leases::{self, Lease, Released};
use feedsieve::store::postgres::{connect, migrate};

// The TLS server is for the tests only.
#[allow(dead_code)]
#[path = "../tests/support/pg.rs"]
mod pg;
#[path = "support/timing.rs"]
mod timing;

use timing::{env, ms, summary};

/// How wide the name column of a summary line is.
const NAME_WIDTH: usize = 22;

const INTERVAL_SECS: i64 = 30 * 60;
/// Feeds a lease call asks for (`BENCH_BATCH`, default 50).
fn batch() -> usize {
    static BATCH: OnceLock<usize> = OnceLock::new();
    *BATCH.get_or_init(|| env("BENCH_BATCH", 50))
}
/// Leases in flight across the fleet (daemons fetching ~1,000 feeds at once).
const HELD: usize = 1_000;
const TTL: Duration = Duration::from_secs(300);

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
        .single()
        .expect("a valid time")
}

/// The baseline: the cheapest read of as many due feeds, oldest first, off
/// the index of unleased due feeds: no host, no slot, no lock, no write.
const BASELINE: &str = "SELECT feed_id FROM feed_schedule
    WHERE enabled AND lease_owner IS NULL AND due <= $1
    ORDER BY due
    LIMIT $2";

/// Feed i's host: five big hosts with `big` per mille of the feeds each
/// (1,000 feeds at 10^6 by default, within what two slots serve at one fetch
/// a 30 minutes: 2 x 1,800 s / a ~1.8 s fetch), 2,000 hosts with 0.001% each,
/// the rest two feeds a host.
fn host_of(i: usize, big: usize) -> String {
    if i % 1000 < 5 * big {
        format!("big{}.example", i % 5)
    } else if i % 100 < 2 {
        format!("mid{}.example", (i / 100) % 2_000)
    } else {
        format!("h{}.example", i / 2)
    }
}

fn fill(url: &str, feeds: usize, big: usize) {
    let mut client = connect(url).expect("connect");
    migrate::run(&mut client).expect("migrate");
    let started = Instant::now();
    let mut rng = fastrand::Rng::with_seed(19);
    let t0 = start();
    let mut copy = client
        .copy_in("COPY feeds (url, added_at, next_fetch_at, enabled) FROM STDIN")
        .expect("COPY");
    let mut line = String::new();
    for i in 0..feeds {
        // Due between 30 s ago and 29.5 minutes from now: 1/60 due at t0.
        let offset = rng.i64(-30..INTERVAL_SECS - 30);
        let due = feedsieve::store::timestamp(t0 + chrono::Duration::seconds(offset));
        line.clear();
        line.push_str(&format!(
            "https://{}/feed/{i}\t2026-11-01T00:00:00Z\t{due}\tt\n",
            host_of(i, big)
        ));
        copy.write_all(line.as_bytes()).expect("COPY row");
    }
    copy.finish().expect("COPY finish");
    let copied = started.elapsed();
    for table in ["feeds", "feed_schedule", "lease_hosts"] {
        client
            .batch_execute(&format!("VACUUM ANALYZE {table}"))
            .expect("vacuum");
    }
    let due: i64 = client
        .query_one(
            "SELECT count(*) FROM feed_schedule WHERE due <= $1",
            &[&feedsieve::store::timestamp(t0)],
        )
        .expect("count")
        .get(0);
    let hosts: i64 = client
        .query_one("SELECT count(*) FROM lease_hosts", &[])
        .expect("count")
        .get(0);
    let size: String = client
        .query_one(
            "SELECT pg_size_pretty(pg_total_relation_size('feeds')) || ', feed_schedule ' ||
                    pg_size_pretty(pg_total_relation_size('feed_schedule')) || ', lease_hosts ' ||
                    pg_size_pretty(pg_total_relation_size('lease_hosts'))",
            &[],
        )
        .expect("size")
        .get(0);
    println!(
        "{feeds} feeds on {hosts} hosts ({due} due at the start) copied in {:.1} s, \
         vacuumed in {:.1} s more; feeds with its indexes: {size}",
        copied.as_secs_f64(),
        started.elapsed().as_secs_f64() - copied.as_secs_f64()
    );
}

#[derive(Default)]
struct Times {
    lease: Vec<Duration>,
    baseline: Vec<Duration>,
    renew: Vec<Duration>,
    release: Vec<Duration>,
    leased: usize,
    short: usize,
}

impl Times {
    fn merge(&mut self, other: Times) {
        self.lease.extend(other.lease);
        self.baseline.extend(other.baseline);
        self.renew.extend(other.renew);
        self.release.extend(other.release);
        self.leased += other.leased;
        self.short += other.short;
    }
}

/// The virtual clock: `calls` lease calls in, as long as `feeds` feeds at
/// one fetch a 30 minutes take to fall due 50 at a time (50/555 s at 10^6).
fn virtual_now(feeds: usize, calls: u64) -> DateTime<Utc> {
    let per_sec = feeds as f64 / INTERVAL_SECS as f64;
    let millis = (calls as f64 * batch() as f64 / per_sec * 1000.0) as i64;
    start() + chrono::Duration::milliseconds(millis)
}

/// One leaser's share of `calls` lease calls.
fn leaser(
    url: &str,
    feeds: usize,
    clock: &AtomicU64,
    calls: u64,
    hold: usize,
    baseline: bool,
) -> Times {
    let mut client = connect(url).expect("connect");
    let me = leases::register(&mut client, "bench", std::process::id()).expect("register");
    let mut held: VecDeque<Lease> = VecDeque::new();
    let mut times = Times::default();
    let mut n = 0u64;
    loop {
        let call = clock.fetch_add(1, Ordering::SeqCst);
        if call >= calls {
            break;
        }
        let now = virtual_now(feeds, call);
        let t = Instant::now();
        let batch = leases::lease_due(&mut client, &me, now, batch(), TTL).expect("lease");
        times.lease.push(t.elapsed());
        times.leased += batch.len();
        if batch.len() < self::batch() {
            times.short += 1;
        }
        if baseline {
            let t = Instant::now();
            let rows = client
                .query(
                    BASELINE,
                    &[&feedsieve::store::timestamp(now), &(self::batch() as i64)],
                )
                .expect("baseline");
            times.baseline.push(t.elapsed());
            std::hint::black_box(rows);
        }
        held.extend(batch);
        n += 1;
        if n.is_multiple_of(10) && !held.is_empty() {
            let take = held.len().min(self::batch());
            let mut some: Vec<Lease> = held.iter().take(take).cloned().collect();
            let t = Instant::now();
            let renewed = leases::renew(&mut client, &me, &mut some, TTL).expect("renew");
            times.renew.push(t.elapsed());
            assert_eq!(renewed.len(), take, "a held lease was lost");
        }
        let next = feedsieve::store::timestamp(now + chrono::Duration::seconds(INTERVAL_SECS));
        while held.len() > hold {
            let Some(lease) = held.pop_front() else { break };
            let t = Instant::now();
            let outcome = leases::release(&mut client, &lease, Some(&next)).expect("release");
            times.release.push(t.elapsed());
            assert_eq!(outcome, Released::Released);
        }
    }
    // Leave nothing held for the next round.
    for lease in held {
        leases::release(&mut client, &lease, None).expect("release");
    }
    leases::deregister(&mut client, &me).expect("deregister");
    times
}

fn round(
    url: &str,
    feeds: usize,
    leasers: usize,
    calls: u64,
    clock: &AtomicU64,
    baseline: bool,
) -> (Times, Duration) {
    let hold = HELD / leasers;
    let end = clock.load(Ordering::SeqCst) + calls;
    let all = Mutex::new(Times::default());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..leasers {
            scope.spawn(|| {
                let times = leaser(url, feeds, clock, end, hold, baseline);
                all.lock().unwrap_or_else(|e| e.into_inner()).merge(times);
            });
        }
    });
    let wall = started.elapsed();
    // The clock overshot by one call per leaser; the next round starts here.
    clock.store(end, Ordering::SeqCst);
    (all.into_inner().unwrap_or_else(|e| e.into_inner()), wall)
}

/// How many feeds are due now (every lease released), and how many of those
/// are the big hosts' (their backlog when two slots cannot keep up).
fn backlog(url: &str, feeds: usize, clock: &AtomicU64) {
    let mut client = connect(url).expect("connect");
    let now = feedsieve::store::timestamp(virtual_now(feeds, clock.load(Ordering::SeqCst)));
    let row = client
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE h.host LIKE 'big%')
             FROM feed_schedule s JOIN lease_hosts h ON h.id = s.host_id
             WHERE s.enabled AND s.lease_owner IS NULL AND s.due <= $1",
            &[&now],
        )
        .expect("backlog");
    let (due, big): (i64, i64) = (row.get(0), row.get(1));
    println!("  due now: {due}, of which {big} on the five big hosts");
}

/// The server's own time for the lease statement, which the machine's load
/// on the client side (scheduling of the bench's threads, the round trip)
/// does not reach: a procedure on the server leases `calls` batches one
/// transaction each on the same virtual clock, timing each call with
/// `clock_timestamp()`, holding ~1,000 leases and releasing the oldest as
/// the leasers do. Returns the times, sorted.
const SERVER_ROUND: &str = r#"
CREATE TABLE IF NOT EXISTS bench_held (iter INT, feed_id BIGINT, token BIGINT, host TEXT, slot BIGINT);
CREATE TABLE IF NOT EXISTS bench_times (kind TEXT, micros DOUBLE PRECISION);
CREATE OR REPLACE PROCEDURE bench_server_round(a_owner TEXT, a_first BIGINT, a_calls INT,
    a_start TIMESTAMPTZ, a_step_ms DOUBLE PRECISION, a_batch BIGINT, a_keep INT)
LANGUAGE plpgsql AS $$
DECLARE
    t0 TIMESTAMPTZ;
    due TEXT;
    next_due TEXT;
BEGIN
    FOR i IN 1..a_calls LOOP
        due := feedsieve_due_text(a_start + (a_first + i) * a_step_ms * interval '1 millisecond');
        next_due := feedsieve_due_text(a_start + (a_first + i) * a_step_ms * interval '1 millisecond'
                                       + interval '30 minutes');
        t0 := clock_timestamp();
        INSERT INTO bench_held
        SELECT i, l.feed_id, l.token, l.host, l.slot
        FROM feedsieve_lease(a_owner, due, a_batch, 300000, NULL) l;
        INSERT INTO bench_times VALUES ('lease', extract(epoch FROM clock_timestamp() - t0) * 1e6);
        COMMIT;
        t0 := clock_timestamp();
        PERFORM feedsieve_release(h.feed_id, h.token, h.host, h.slot, next_due)
        FROM bench_held h WHERE h.iter <= i - a_keep;
        INSERT INTO bench_times
        SELECT 'release', extract(epoch FROM clock_timestamp() - t0) * 1e6 / count(*)
        FROM bench_held h WHERE h.iter <= i - a_keep HAVING count(*) > 0;
        DELETE FROM bench_held WHERE iter <= i - a_keep;
        COMMIT;
    END LOOP;
    PERFORM feedsieve_release(h.feed_id, h.token, h.host, h.slot, NULL) FROM bench_held h;
    DELETE FROM bench_held;
END
$$;
"#;

/// Runs [`SERVER_ROUND`] for `calls` calls from the clock's reading on, and
/// prints the server's p50 / p99 / max of a lease and of a release.
fn server_round(url: &str, feeds: usize, calls: u64, clock: &AtomicU64) {
    let mut client = connect(url).expect("connect");
    client.batch_execute(SERVER_ROUND).expect("procedure");
    client
        .batch_execute("TRUNCATE bench_times")
        .expect("truncate");
    let me = leases::register(&mut client, "bench-server", std::process::id()).expect("register");
    let first = clock.load(Ordering::SeqCst);
    let per_sec = feeds as f64 / INTERVAL_SECS as f64;
    let step_ms = batch() as f64 / per_sec * 1000.0;
    let keep = (HELD / batch()).max(1) as i32;
    let started = feedsieve::store::timestamp(start());
    let wall = Instant::now();
    client
        .execute(
            "CALL bench_server_round($1, $2, $3, $4::text::timestamptz, $5, $6, $7)",
            &[
                &me,
                &(first as i64),
                &(calls as i32),
                &started,
                &step_ms,
                &(batch() as i64),
                &keep,
            ],
        )
        .expect("server round");
    clock.store(first + calls, Ordering::SeqCst);
    println!(
        "server-side, 1 session, {calls} calls of {} in {:.1} s (each timed on the server; \
         no round trip, no client):",
        batch(),
        wall.elapsed().as_secs_f64()
    );
    for kind in ["lease", "release"] {
        let row = client
            .query_one(
                "SELECT count(*),
                        percentile_disc(0.5) WITHIN GROUP (ORDER BY micros),
                        percentile_disc(0.99) WITHIN GROUP (ORDER BY micros),
                        max(micros)
                 FROM bench_times WHERE kind = $1",
                &[&kind],
            )
            .expect("times");
        let (n, p50, p99, max): (i64, Option<f64>, Option<f64>, Option<f64>) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        println!(
            "  {:<22} n={n:<6} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
            if kind == "lease" {
                format!("lease({})", batch())
            } else {
                "release(1)".to_string()
            },
            p50.unwrap_or(0.0) / 1000.0,
            p99.unwrap_or(0.0) / 1000.0,
            max.unwrap_or(0.0) / 1000.0
        );
    }
    leases::deregister(&mut client, &me).expect("deregister");
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    // BENCH_QUICK=1: one leaser, 2,000 calls, no throughput round.
    let quick = env("BENCH_QUICK", 0) == 1;
    let feeds = env("BENCH_FEEDS", 1_000_000);
    let calls = env("BENCH_CALLS", 2_000) as u64;
    let big = env("BENCH_BIG_PERMILLE", 1);
    println!(
        "pg_leases: {feeds} feeds, big hosts {big} per mille each, batch {}, {calls} calls a round{}; \
         load average {}",
        batch(),
        if quick { ", quick (1 leaser)" } else { "" },
        load_average()
    );
    let db = pg::database();
    fill(&db.url, feeds, big);
    let clock = AtomicU64::new(0);
    let counts: Vec<usize> = if quick {
        vec![1]
    } else {
        std::env::var("BENCH_LEASERS")
            .ok()
            .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![1, 4, 16])
    };
    for leasers in counts {
        let load = load_average();
        let (mut t, _) = round(&db.url, feeds, leasers, calls, &clock, true);
        println!(
            "{leasers} leaser(s), {calls} calls of {}, {} leased ({} calls short), with the baseline \
             (load average {load} before, {} after):",
            batch(),
            t.leased,
            t.short,
            load_average()
        );
        let (lease50, lease99) =
            summary(&format!("lease_due({})", batch()), NAME_WIDTH, &mut t.lease);
        let (base50, base99) = summary("baseline SELECT", NAME_WIDTH, &mut t.baseline);
        summary(&format!("renew({})", batch()), NAME_WIDTH, &mut t.renew);
        summary("release(1)", NAME_WIDTH, &mut t.release);
        println!(
            "  lease / baseline: p50 {:.2}x, p99 {:.2}x",
            ms(lease50) / ms(base50),
            ms(lease99) / ms(base99)
        );
        println!(
            "  RESULT leasers={leasers} batch={} lease p50={:.3} p99={:.3} max={:.3} ms; \
             baseline p50={:.3} p99={:.3} ms; target p99 < 5 ms: {}",
            batch(),
            ms(lease50),
            ms(lease99),
            ms(t.lease.last().copied().unwrap_or_default()),
            ms(base50),
            ms(base99),
            if ms(lease99) < 5.0 { "met" } else { "NOT met" }
        );
        backlog(&db.url, feeds, &clock);
        if quick {
            continue;
        }
        let (t, wall) = round(&db.url, feeds, leasers, calls, &clock, false);
        let statements = t.lease.len() + t.renew.len() + t.release.len();
        println!(
            "  throughput without the baseline: {} leased and {} released in {:.2} s: \
             {:.0} feeds/s through lease and release, {:.0} statements/s",
            t.leased,
            t.release.len(),
            wall.as_secs_f64(),
            t.release.len() as f64 / wall.as_secs_f64(),
            statements as f64 / wall.as_secs_f64()
        );
    }
    server_round(&db.url, feeds, calls, &clock);
    backlog(&db.url, feeds, &clock);
}
