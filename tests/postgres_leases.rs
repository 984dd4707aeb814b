//! Feed leases on PostgreSQL (issue 19, phase 4's groundwork), against a real
//! throwaway server (`support::pg`): daemons on connections of their own
//! leasing at once never hold one feed together and never exceed the
//! per-host limit, which is checked on a log of when each lease was held (on
//! the test's own clock), not by trusting the statements; an expired lease is
//! taken by another daemon and the old holder's renew and release are
//! refused by the fencing token; feeds not due, disabled or leased are never
//! leased; the host column and its slots follow the feed's URL; and
//! `feedsieve fleet` through the real binary on both engines.
//!
//! Threads here call the synchronous client directly: no test in this file
//! runs on an async runtime.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use feedsieve::store::postgres::leases::{self, Lease, Released};
use feedsieve::store::postgres::{connect, migrate};
use support::pg;

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

/// The daemons' clock: the machine's, as the database's is (a leased
/// feed's `next_fetch_at` is its lease's expiry by the database's clock).
fn now() -> DateTime<Utc> {
    Utc::now()
}

/// A time as the schedule holds it.
fn store_time(time: DateTime<Utc>) -> String {
    feedsieve::store::timestamp(time)
}

/// A fixed "now" for the test of due times, which involves no expiry.
fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

/// Due long before any test runs.
const PAST: &str = "2000-01-01T11:00:00Z";

/// Due long after the test: a feed released with it is done.
const LATER: &str = "2999-01-01T00:00:00Z";

/// A migrated database and a client on it.
fn database() -> (pg::TestDb, postgres::Client) {
    let db = pg::database();
    let mut client = connect(&db.url).unwrap();
    migrate::run(&mut client).unwrap();
    (db, client)
}

/// Inserts feeds: (url, next_fetch_at, enabled), in one statement.
fn insert_feeds(client: &mut postgres::Client, feeds: &[(String, Option<String>, bool)]) {
    let urls: Vec<&str> = feeds.iter().map(|f| f.0.as_str()).collect();
    let due: Vec<Option<&str>> = feeds.iter().map(|f| f.1.as_deref()).collect();
    let enabled: Vec<bool> = feeds.iter().map(|f| f.2).collect();
    client
        .execute(
            "INSERT INTO feeds (url, next_fetch_at, enabled, added_at)
             SELECT * , '2026-11-01T00:00:00Z'
             FROM unnest($1::text[], $2::text[], $3::boolean[])",
            &[&urls, &due, &enabled],
        )
        .unwrap();
}

/// `n` due feeds spread over `hosts` hosts (feed i on host i % hosts).
fn due_feeds(n: usize, hosts: usize) -> Vec<(String, Option<String>, bool)> {
    (0..n)
        .map(|i| {
            (
                format!("https://host{}.example/feed/{i}", i % hosts),
                Some(PAST.to_string()),
                true,
            )
        })
        .collect()
}

fn scalar(client: &mut postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

/// When one lease was held, on this test's clock: from when the lease
/// statement returned until the holder stopped counting on it (its release
/// was sent, or its validity ran out). Each is inside the span the database
/// granted, so two that overlap mean the database granted two at once.
#[derive(Debug, Clone)]
struct Held {
    feed_id: i64,
    host: String,
    token: i64,
    start: Instant,
    end: Instant,
}

/// No feed held by two leases at once (tokens growing lease after lease),
/// and never more than `per_host` leases of one host at once.
fn assert_never_overlapping(log: &[Held], per_host: usize) {
    let mut by_feed: BTreeMap<i64, Vec<&Held>> = BTreeMap::new();
    for held in log {
        by_feed.entry(held.feed_id).or_default().push(held);
    }
    for (feed, holds) in &mut by_feed {
        holds.sort_by_key(|h| h.start);
        for pair in holds.windows(2) {
            assert!(
                pair[1].start >= pair[0].end,
                "feed {feed} held twice at once: {:?} and {:?}",
                pair[0],
                pair[1]
            );
            assert!(
                pair[1].token > pair[0].token,
                "feed {feed}: a later lease with a smaller token: {:?} then {:?}",
                pair[0],
                pair[1]
            );
        }
    }
    let mut by_host: BTreeMap<&str, Vec<(Instant, i32)>> = BTreeMap::new();
    for held in log {
        let events = by_host.entry(&held.host).or_default();
        events.push((held.start, 1));
        events.push((held.end, -1));
    }
    for (host, mut events) in by_host {
        // At one instant, an end comes before a start (-1 sorts first).
        events.sort();
        let mut at_once = 0;
        for (_, step) in events {
            at_once += step;
            assert!(
                at_once <= per_host as i32,
                "{at_once} leases of host {host:?} at once, limit {per_host}"
            );
        }
    }
}

/// What the leasing threads counted.
#[derive(Debug, Default)]
struct Counts {
    released: usize,
    superseded: usize,
    abandoned: usize,
    renewed: usize,
    released_late: usize,
}

/// One daemon: leases batches of due feeds until every feed is done, with
/// random ttls and fates: most finish within their ttl and release, some
/// renew first, some die (never release), some overrun their ttl and then
/// release (accepted only if nobody took the feed meanwhile). Every other
/// daemon's clock is 2 s fast.
fn daemon(
    url: &str,
    seed: u64,
    total: usize,
    done: &AtomicUsize,
    log: &Mutex<Vec<Held>>,
) -> Counts {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut client = connect(url).unwrap();
    let me = leases::register(&mut client, "test-machine", seed as u32).unwrap();
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut counts = Counts::default();
    let mut held = Vec::new();
    // Every other daemon's clock runs 2 s fast: it sees a leased feed due
    // before its lease ends (due times are whole seconds of the expiry),
    // which the database's clock must still refuse it.
    let skew = chrono::Duration::seconds(if seed.is_multiple_of(2) { 2 } else { 0 });
    while done.load(Ordering::SeqCst) < total {
        assert!(
            Instant::now() < deadline,
            "the feeds were not all done in time"
        );
        let ttl = Duration::from_millis(rng.u64(100..300));
        let clock = now() + skew;
        let batch = leases::lease_due(&mut client, &me, clock, rng.usize(1..8), ttl).unwrap();
        let start = Instant::now();
        if batch.is_empty() {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        for mut lease in batch {
            let fate = rng.u32(0..100);
            if fate < 3 {
                counts.abandoned += 1;
                held.push(held_span(&lease, start, lease.valid_until));
                continue;
            }
            if fate < 5 {
                std::thread::sleep(
                    lease.valid_until.saturating_duration_since(Instant::now())
                        + Duration::from_millis(20),
                );
            } else {
                std::thread::sleep(Duration::from_micros(rng.u64(0..2000)));
            }
            if (5..20).contains(&fate) {
                let renewed =
                    leases::renew(&mut client, &me, std::slice::from_mut(&mut lease), ttl).unwrap();
                // Answered while the lease was valid: nobody could have taken it.
                if Instant::now() < lease.valid_until {
                    assert_eq!(renewed, vec![lease.token], "a valid lease was not renewed");
                }
                counts.renewed += renewed.len();
            }
            let sent = Instant::now();
            let outcome = leases::release(&mut client, &lease, Some(LATER)).unwrap();
            let answered = Instant::now();
            held.push(held_span(&lease, start, sent.min(lease.valid_until)));
            match outcome {
                Released::Released => {
                    done.fetch_add(1, Ordering::SeqCst);
                    counts.released += 1;
                    if sent > lease.valid_until {
                        counts.released_late += 1;
                    }
                }
                Released::Superseded { token, .. } => {
                    assert!(
                        answered > lease.valid_until,
                        "a release answered within the lease's validity was refused"
                    );
                    assert!(token > lease.token, "superseded by an older token");
                    counts.superseded += 1;
                }
                Released::Gone => panic!("feed {} vanished", lease.feed_id),
            }
        }
    }
    log.lock().unwrap().extend(held);
    counts
}

fn held_span(lease: &Lease, start: Instant, end: Instant) -> Held {
    Held {
        feed_id: lease.feed_id,
        host: lease.host.clone(),
        token: lease.token,
        start,
        end: end.max(start),
    }
}

#[test]
fn eight_daemons_share_two_thousand_feeds_without_overlap() {
    const FEEDS: usize = 2000;
    const HOSTS: usize = 40;
    let (db, mut client) = database();
    insert_feeds(&mut client, &due_feeds(FEEDS, HOSTS));
    let done = AtomicUsize::new(0);
    let log = Mutex::new(Vec::new());
    let counts: Vec<Counts> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..8u64)
            .map(|seed| {
                let (url, done, log) = (&db.url, &done, &log);
                scope.spawn(move || daemon(url, seed + 1, FEEDS, done, log))
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let log = log.into_inner().unwrap();
    assert_never_overlapping(&log, 2);

    // Every feed was leased, and released exactly once as done.
    let leased: BTreeSet<i64> = log.iter().map(|h| h.feed_id).collect();
    assert_eq!(leased.len(), FEEDS);
    let released: usize = counts.iter().map(|c| c.released).sum();
    assert_eq!(released, FEEDS);
    assert_eq!(
        scalar(
            &mut client,
            &format!(
                "SELECT COUNT(*) FROM feed_schedule WHERE due = '{LATER}' AND lease_owner IS NULL"
            )
        ),
        FEEDS as i64
    );
    // Abandoned leases were taken over (their feeds are done), and every
    // slot is free again except those of leases abandoned last.
    let abandoned: usize = counts.iter().map(|c| c.abandoned).sum();
    assert!(abandoned > 0, "no lease was abandoned: the run proved less");
    assert!(counts.iter().map(|c| c.renewed).sum::<usize>() > 0);
    let tokens: BTreeSet<i64> = log.iter().map(|h| h.token).collect();
    assert_eq!(tokens.len(), log.len(), "a token was given twice");
    eprintln!(
        "{} leases: {released} released ({} after their ttl), {} superseded, {abandoned} abandoned",
        log.len(),
        counts.iter().map(|c| c.released_late).sum::<usize>(),
        counts.iter().map(|c| c.superseded).sum::<usize>(),
    );
}

#[test]
fn an_expired_lease_is_taken_over_and_the_old_holder_is_refused() {
    let (_db, mut client) = database();
    insert_feeds(&mut client, &due_feeds(1, 1));
    let first = leases::register(&mut client, "machine-a", 1).unwrap();
    let second = leases::register(&mut client, "machine-b", 2).unwrap();

    let mut old =
        leases::lease_due(&mut client, &first, now(), 10, Duration::from_millis(200)).unwrap();
    assert_eq!(old.len(), 1);
    // Held: the other daemon gets nothing.
    let none = leases::lease_due(&mut client, &second, now(), 10, Duration::from_secs(60));
    assert_eq!(none.unwrap(), vec![]);

    // The holder "dies" past its ttl; the other takes the feed over once it
    // is due again: at the lease's expiry, rounded up to the second.
    std::thread::sleep(Duration::from_millis(1200));
    let new = leases::lease_due(&mut client, &second, now(), 10, Duration::from_secs(60)).unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].feed_id, old[0].feed_id);
    assert!(new[0].token > old[0].token);

    // The old holder comes back: its renew and release are refused, and
    // its release changes nothing of the feed.
    assert_eq!(
        leases::renew(&mut client, &first, &mut old, Duration::from_secs(60)).unwrap(),
        Vec::<i64>::new()
    );
    assert_eq!(
        leases::release(&mut client, &old[0], Some(LATER)).unwrap(),
        Released::Superseded {
            owner: Some(second.clone()),
            token: new[0].token
        }
    );
    let row = client
        .query_one(
            "SELECT due, lease_owner, lease_token FROM feed_schedule WHERE feed_id = $1",
            &[&old[0].feed_id],
        )
        .unwrap();
    // Due when the new lease ends, as the new lease set it.
    let due: String = row.get(0);
    assert_ne!(due, LATER);
    assert!(due.as_str() >= &new[0].expires_at[..19], "{due}");
    assert_eq!(row.get::<_, Option<String>>(1), Some(second.clone()));
    assert_eq!(row.get::<_, i64>(2), new[0].token);
    assert_eq!(
        leases::held_by(&mut client, Some(&second)).unwrap()[0].token,
        new[0].token
    );

    // The new holder's release stands; the feed is due when it said.
    assert_eq!(
        leases::release(&mut client, &new[0], Some(LATER)).unwrap(),
        Released::Released
    );
    assert_eq!(
        leases::lease_due(&mut client, &first, now(), 10, Duration::from_secs(60)).unwrap(),
        vec![]
    );
    assert_eq!(leases::held_by(&mut client, None).unwrap(), vec![]);
}

#[test]
fn an_expired_lease_nobody_took_is_still_its_holders() {
    let (_db, mut client) = database();
    insert_feeds(&mut client, &due_feeds(1, 1));
    let me = leases::register(&mut client, "machine-a", 1).unwrap();
    let mut mine =
        leases::lease_due(&mut client, &me, now(), 1, Duration::from_millis(50)).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let listed = leases::held_by(&mut client, None).unwrap();
    assert!(listed[0].expired);
    // Same token: nobody held the feed meanwhile, so its renew and release stand.
    let token = mine[0].token;
    assert_eq!(
        leases::renew(&mut client, &me, &mut mine, Duration::from_secs(60)).unwrap(),
        vec![token]
    );
    assert!(!leases::held_by(&mut client, None).unwrap()[0].expired);
    assert_eq!(
        leases::release(&mut client, &mine[0], None).unwrap(),
        Released::Released
    );
    // Given back without a new due time: due again at once (to the second,
    // rounded up: a clock 2 s on sees it).
    let soon = now() + chrono::Duration::seconds(2);
    let again = leases::lease_due(&mut client, &me, soon, 1, Duration::from_secs(1)).unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].token > token);
}

#[test]
fn a_renewed_lease_outlives_its_first_ttl() {
    let (_db, mut client) = database();
    insert_feeds(&mut client, &due_feeds(1, 1));
    let first = leases::register(&mut client, "machine-a", 1).unwrap();
    let second = leases::register(&mut client, "machine-b", 2).unwrap();
    let mut mine =
        leases::lease_due(&mut client, &first, now(), 1, Duration::from_millis(300)).unwrap();
    let before = client
        .query_one(
            "SELECT heartbeat_at::text FROM daemons WHERE id = $1",
            &[&first],
        )
        .unwrap()
        .get::<_, String>(0);
    std::thread::sleep(Duration::from_millis(100));
    let token = mine[0].token;
    assert_eq!(
        leases::renew(&mut client, &first, &mut mine, Duration::from_secs(30)).unwrap(),
        vec![token]
    );
    assert!(mine[0].valid_until > Instant::now() + Duration::from_secs(20));
    // Past the first ttl, the feed is still held.
    std::thread::sleep(Duration::from_millis(350));
    assert_eq!(
        leases::lease_due(&mut client, &second, now(), 1, Duration::from_secs(1)).unwrap(),
        vec![]
    );
    let after = client
        .query_one(
            "SELECT heartbeat_at::text FROM daemons WHERE id = $1",
            &[&first],
        )
        .unwrap()
        .get::<_, String>(0);
    assert!(after > before, "renew did not beat the heartbeat");
    // Another daemon cannot renew it, even naming its token.
    assert_eq!(
        leases::renew(
            &mut client,
            &second,
            &mut mine.clone(),
            Duration::from_secs(30)
        )
        .unwrap(),
        Vec::<i64>::new()
    );
    // A daemon that leaves is gone from the list; its heartbeat says so.
    assert!(leases::heartbeat(&mut client, &second).unwrap());
    leases::deregister(&mut client, &second).unwrap();
    assert!(!leases::heartbeat(&mut client, &second).unwrap());
    let listed: Vec<String> = leases::daemons(&mut client)
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(listed, vec![first.clone()]);
    // A feed deleted while leased: its release says so.
    client
        .execute("DELETE FROM feeds WHERE id = $1", &[&mine[0].feed_id])
        .unwrap();
    assert_eq!(
        leases::release(&mut client, &mine[0], Some(LATER)).unwrap(),
        Released::Gone
    );
}

#[test]
fn feeds_not_due_disabled_or_held_are_never_leased() {
    let (_db, mut client) = database();
    let feed = |url: &str, due: Option<&str>, enabled: bool| {
        (url.to_string(), due.map(String::from), enabled)
    };
    insert_feeds(
        &mut client,
        &[
            feed("https://a.example/due", Some("2026-12-01T11:59:59Z"), true),
            feed(
                "https://b.example/exactly-now",
                Some("2026-12-01T12:00:00Z"),
                true,
            ),
            feed("https://c.example/never-fetched", None, true),
            feed(
                "https://d.example/not-yet",
                Some("2026-12-01T12:00:01Z"),
                true,
            ),
            feed(
                "https://e.example/disabled",
                Some("2026-12-01T11:00:00Z"),
                false,
            ),
            feed("https://f.example/disabled-new", None, false),
        ],
    );
    let me = leases::register(&mut client, "machine-a", 1).unwrap();
    let leased = leases::lease_due(&mut client, &me, noon(), 100, Duration::from_secs(60)).unwrap();
    let urls: BTreeSet<&str> = leased.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        BTreeSet::from([
            "https://a.example/due",
            "https://b.example/exactly-now",
            "https://c.example/never-fetched"
        ])
    );
    // Oldest due first: the never-fetched feed leads.
    assert_eq!(leased[0].url, "https://c.example/never-fetched");
    // Held now: a second call finds nothing.
    assert_eq!(
        leases::lease_due(&mut client, &me, noon(), 100, Duration::from_secs(60)).unwrap(),
        vec![]
    );
    // A second later the next feed is due.
    let later = noon() + chrono::Duration::seconds(1);
    let next = leases::lease_due(&mut client, &me, later, 100, Duration::from_secs(60)).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].url, "https://d.example/not-yet");
}

#[test]
fn the_per_host_limit_holds_fleet_wide() {
    let (db, mut client) = database();
    // One busy host and a quiet one.
    let mut feeds: Vec<_> = (0..300)
        .map(|i| {
            (
                format!("https://busy.example/{i}"),
                Some(PAST.to_string()),
                true,
            )
        })
        .collect();
    feeds.push((
        "https://quiet.example/feed".into(),
        Some("2000-01-01T11:30:00Z".into()),
        true,
    ));
    insert_feeds(&mut client, &feeds);
    leases::set_per_host(&mut client, 3).unwrap();
    let first = leases::register(&mut client, "machine-a", 1).unwrap();
    let second = leases::register(&mut client, "machine-b", 2).unwrap();

    // Three of the busy host at most, though 50 are asked for; the quiet
    // host's feed, due after the busy host's whole backlog, is not starved
    // behind it: the lease walks hosts, not feeds.
    let a = leases::lease_due(&mut client, &first, now(), 50, Duration::from_secs(60)).unwrap();
    assert_eq!(a.len(), 4);
    let busy: Vec<&Lease> = a.iter().filter(|l| l.host == "busy.example").collect();
    assert_eq!(busy.len(), 3);
    assert_eq!(a[3].host, "quiet.example", "oldest due first");
    // A host whose slots are all taken leaves the queue until one frees:
    // its 297 other due feeds cost the next calls nothing.
    let ready = |client: &mut postgres::Client, host: &str| -> Option<String> {
        client
            .query_one("SELECT ready FROM lease_hosts WHERE host = $1", &[&host])
            .unwrap()
            .get(0)
    };
    let busy_ready = ready(&mut client, "busy.example").unwrap();
    assert!(busy_ready > store_time(now()), "{busy_ready}");
    assert_eq!(
        leases::lease_due(&mut client, &second, now(), 50, Duration::from_secs(60)).unwrap(),
        vec![]
    );
    // One released: one slot for the other daemon, the same slot, and the
    // host is back in the queue at once.
    assert_eq!(
        leases::release(&mut client, busy[0], Some(LATER)).unwrap(),
        Released::Released
    );
    assert_eq!(ready(&mut client, "busy.example").as_deref(), Some(PAST));
    let b = leases::lease_due(&mut client, &second, now(), 50, Duration::from_secs(60)).unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].host, "busy.example");
    assert_eq!(b[0].slot, busy[0].slot);
    for lease in a.iter().filter(|l| l.token != busy[0].token).chain(&b) {
        assert_eq!(
            leases::release(&mut client, lease, Some(LATER)).unwrap(),
            Released::Released
        );
    }

    // Then 8 daemons at once over the rest: never more than 3 in flight.
    let remaining = scalar(
        &mut client,
        &format!("SELECT COUNT(*) FROM feed_schedule WHERE due <> '{LATER}'"),
    ) as usize;
    let done = AtomicUsize::new(0);
    let log = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for seed in 0..8u64 {
            let (url, done, log) = (&db.url, &done, &log);
            scope.spawn(move || daemon(url, 100 + seed, remaining, done, log));
        }
    });
    let log = log.into_inner().unwrap();
    assert_never_overlapping(&log, 3);
    assert_eq!(done.load(Ordering::SeqCst), remaining);

    // Lowered to one while three leases are held: none is stranded. Each
    // is renewed and released as before, and the host takes no new lease
    // until its live leases number fewer than one. (A release sets when the
    // feed may be leased again, not the feed's `next_fetch_at`: the write
    // of its fetch does. Here the feed list's write makes them all due.)
    client
        .execute(
            "UPDATE feeds SET next_fetch_at = '2000-01-01T10:00:00Z'",
            &[],
        )
        .unwrap();
    let mut three =
        leases::lease_due(&mut client, &first, now(), 3, Duration::from_secs(60)).unwrap();
    assert_eq!(three.len(), 3);
    assert!(three.iter().all(|l| l.host == "busy.example"));
    leases::set_per_host(&mut client, 1).unwrap();
    let tokens: BTreeSet<i64> = three.iter().map(|l| l.token).collect();
    let renewed = leases::renew(&mut client, &first, &mut three, Duration::from_secs(60)).unwrap();
    assert_eq!(renewed.into_iter().collect::<BTreeSet<_>>(), tokens);
    let others =
        leases::lease_due(&mut client, &second, now(), 50, Duration::from_secs(60)).unwrap();
    let hosts: Vec<&str> = others.iter().map(|l| l.host.as_str()).collect();
    assert_eq!(
        hosts,
        ["quiet.example"],
        "the busy host is over its new limit"
    );
    // The highest slots first: the host stays full while one lease is held.
    three.sort_by_key(|l| std::cmp::Reverse(l.slot));
    for (i, lease) in three.iter().enumerate() {
        assert_eq!(
            leases::release(&mut client, lease, None).unwrap(),
            Released::Released
        );
        let got =
            leases::lease_due(&mut client, &second, now(), 50, Duration::from_secs(60)).unwrap();
        if i + 1 < three.len() {
            assert_eq!(
                got,
                vec![],
                "a lease past the limit of one after {} releases",
                i + 1
            );
        } else {
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].host, "busy.example");
            assert_eq!(got[0].slot, 0);
        }
    }
    // Slots past the limit are dropped once free.
    assert_eq!(
        scalar(
            &mut client,
            "SELECT count(*) FROM lease_hosts, unnest(slot_tokens) t
             WHERE host = 'busy.example' AND t IS NOT NULL"
        ),
        1
    );
}

#[test]
fn the_host_follows_the_url_a_fetch_goes_to() {
    let (_db, mut client) = database();
    let feed = |url: &str| (url.to_string(), None, true);
    insert_feeds(
        &mut client,
        &[
            feed("HTTPS://User:secret@News.Example.COM:8443/rss?x=1"),
            feed("http://[2001:db8::1]:8080/feed"),
            feed("file:///srv/feeds/local.xml"),
            feed("https://old.example/feed"),
        ],
    );
    let hosts: Vec<String> = client
        .query("SELECT host FROM feeds ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        hosts,
        ["news.example.com", "[2001:db8::1]", "", "old.example"]
    );
    // A permanent redirect recorded: the fetch goes elsewhere, and the new
    // host has its slots.
    client
        .execute(
            "UPDATE feeds SET fetch_url = 'https://New.Example/feed' WHERE url = 'https://old.example/feed'",
            &[],
        )
        .unwrap();
    assert_eq!(
        scalar(
            &mut client,
            "SELECT COUNT(*) FROM lease_hosts WHERE host = 'new.example'"
        ),
        1
    );
    let me = leases::register(&mut client, "machine-a", 1).unwrap();
    let leased = leases::lease_due(&mut client, &me, now(), 10, Duration::from_secs(60)).unwrap();
    let moved = leased
        .iter()
        .find(|l| l.url == "https://old.example/feed")
        .unwrap();
    assert_eq!(moved.host, "new.example");
    assert_eq!(moved.fetch_url.as_deref(), Some("https://New.Example/feed"));
    assert_eq!(leased.len(), 4);
}

#[test]
fn migrations_3_and_5_carry_existing_feeds_and_a_held_lease_over() {
    let db = pg::database();
    let mut client = connect(&db.url).unwrap();
    migrate::run_up_to(&mut client, 2).unwrap();
    client
        .batch_execute(
            "INSERT INTO feeds (url, added_at, next_fetch_at) VALUES
             ('https://a.example/1', 'x', NULL), ('https://a.example/2', 'x', NULL),
             ('https://b.example/1', 'x', NULL)",
        )
        .unwrap();
    assert_eq!(migrate::run_up_to(&mut client, 4).unwrap(), 2);
    // A lease version 3 granted, held across the upgrade.
    client
        .batch_execute(
            "UPDATE feeds SET lease_owner = 'old-daemon', lease_token = 7,
                 lease_expires_at = now() + interval '1 hour',
                 next_fetch_at = '2999-01-01T00:00:00Z'
             WHERE url = 'https://a.example/1';
             UPDATE host_slots SET feed_id = (SELECT id FROM feeds WHERE url = 'https://a.example/1'),
                 token = 7, expires_at = now() + interval '1 hour'
             WHERE host = 'a.example' AND slot = 0",
        )
        .unwrap();
    assert_eq!(migrate::run_up_to(&mut client, 5).unwrap(), 1);
    let held = leases::held_by(&mut client, None).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!((held[0].owner.as_str(), held[0].token), ("old-daemon", 7));
    // The other two feeds are leased; the held one's slot stays taken.
    let me = leases::register(&mut client, "machine-a", 1).unwrap();
    let leased = leases::lease_due(&mut client, &me, now(), 10, Duration::from_secs(60)).unwrap();
    let urls: BTreeSet<&str> = leased.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        BTreeSet::from(["https://a.example/2", "https://b.example/1"])
    );
    let on_a = leased.iter().find(|l| l.host == "a.example").unwrap();
    assert_eq!(on_a.slot, 1);
    // The old holder ends its lease as before.
    let old = Lease {
        feed_id: held[0].feed_id,
        url: held[0].url.clone(),
        fetch_url: None,
        host: "a.example".into(),
        slot: 0,
        token: 7,
        expires_at: held[0].expires_at.clone(),
        valid_until: Instant::now(),
    };
    assert_eq!(
        leases::release(&mut client, &old, None).unwrap(),
        Released::Released
    );
    let again = leases::lease_due(
        &mut client,
        &me,
        now() + chrono::Duration::seconds(2),
        10,
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].url, "https://a.example/1");
    assert_eq!(again[0].slot, 0);
}

#[test]
fn a_living_daemon_removes_the_dead_from_the_fleet() {
    let (_db, mut client) = database();
    insert_feeds(&mut client, &due_feeds(1, 1));
    // One daemon renews with a 100 ms ttl, then dies silently.
    let dead = leases::register(&mut client, "machine-a", 1).unwrap();
    let mut held =
        leases::lease_due(&mut client, &dead, now(), 1, Duration::from_millis(100)).unwrap();
    assert_eq!(
        leases::renew(&mut client, &dead, &mut held, Duration::from_millis(100)).unwrap(),
        vec![held[0].token]
    );
    // Another never renewed anything: its ttl is unknown, so only a long
    // silence (ten minutes) counts as death.
    let quiet = leases::register(&mut client, "machine-b", 2).unwrap();
    let living = leases::register(&mut client, "machine-c", 3).unwrap();
    let ids = |client: &mut postgres::Client| -> BTreeSet<String> {
        leases::daemons(client)
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(ids(&mut client).len(), 3);
    // Silent for less than four of its ttls: still listed.
    std::thread::sleep(Duration::from_millis(250));
    assert!(leases::heartbeat(&mut client, &living).unwrap());
    assert!(ids(&mut client).contains(&dead));
    // Past four ttls: a living daemon's heartbeat removes it.
    std::thread::sleep(Duration::from_millis(250));
    assert!(leases::heartbeat(&mut client, &living).unwrap());
    assert_eq!(
        ids(&mut client),
        BTreeSet::from([quiet.clone(), living.clone()])
    );
    assert!(!leases::heartbeat(&mut client, &dead).unwrap());
    // Its lease expired long ago; another daemon takes the feed over.
    let taken = leases::lease_due(
        &mut client,
        &living,
        now() + chrono::Duration::seconds(2),
        1,
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(taken.len(), 1);
    // A register removes the dead too, as a renew does.
    client
        .execute(
            "UPDATE daemons SET heartbeat_at = now() - interval '11 minutes' WHERE id = $1",
            &[&quiet],
        )
        .unwrap();
    let newcomer = leases::register(&mut client, "machine-d", 4).unwrap();
    assert_eq!(
        ids(&mut client),
        BTreeSet::from([living.clone(), newcomer.clone()])
    );
    client
        .execute(
            "UPDATE daemons SET heartbeat_at = now() - interval '1 second', lease_ttl_ms = 100
             WHERE id = $1",
            &[&living],
        )
        .unwrap();
    // ...and a renew (this one renews nothing: the lease is another's).
    let mut theirs = taken;
    leases::renew(&mut client, &newcomer, &mut theirs, Duration::from_secs(60)).unwrap();
    assert_eq!(ids(&mut client), BTreeSet::from([newcomer]));
}

fn feedsieve(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE")
        .env_remove("FEEDSIEVE_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn fleet_lists_daemons_and_their_leases_through_the_binary() {
    let (db, mut client) = database();
    insert_feeds(&mut client, &due_feeds(5, 5));
    let first = leases::register(&mut client, "machine-a", 4242).unwrap();
    let second = leases::register(&mut client, "machine-b", 77).unwrap();
    let a = leases::lease_due(&mut client, &first, now(), 3, Duration::from_secs(600)).unwrap();
    let b = leases::lease_due(&mut client, &second, now(), 1, Duration::from_millis(1)).unwrap();
    std::thread::sleep(Duration::from_millis(20));

    let out = feedsieve(&["fleet", "--database", &db.url, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let daemons = json["daemons"].as_array().unwrap();
    assert_eq!(daemons.len(), 2);
    assert_eq!(daemons[0]["id"], first.as_str());
    assert_eq!(daemons[0]["host_name"], "machine-a");
    assert_eq!(daemons[0]["pid"], 4242);
    assert_eq!(json["per_host"], 2);
    let listed = json["leases"].as_array().unwrap();
    assert_eq!(listed.len(), 4);
    let of = |owner: &str| -> Vec<i64> {
        listed
            .iter()
            .filter(|l| l["owner"] == owner)
            .map(|l| l["feed_id"].as_i64().unwrap())
            .collect()
    };
    let mut expected: Vec<i64> = a.iter().map(|l| l.feed_id).collect();
    expected.sort();
    assert_eq!(of(&first), expected);
    assert_eq!(of(&second), vec![b[0].feed_id]);
    let expired: Vec<bool> = listed
        .iter()
        .map(|l| l["expired"].as_bool().unwrap())
        .collect();
    assert_eq!(expired.iter().filter(|e| **e).count(), 1);

    // The table names each daemon with its machine and counts its leases.
    let out = feedsieve(&["fleet", "--database", &db.url]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("machine-a"), "{text}");
    assert!(text.contains("4242"), "{text}");
    assert!(text.contains(&a[0].url), "{text}");
    assert!(text.contains("expired"), "{text}");
    // Read-only: nothing changed.
    assert_eq!(leases::held_by(&mut client, None).unwrap().len(), 4);

    // The README's query of the leases held now finds the live ones.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let query = readme
        .split("### Several daemons on one PostgreSQL database")
        .nth(1)
        .and_then(|s| s.split("```sql").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("README's lease query");
    let rows = client
        .query(query.trim().trim_end_matches(';'), &[])
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.get::<_, String>(0) == "machine-a"));
}

#[test]
fn fleet_on_a_sqlite_database_says_it_has_one_daemon() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeds.db");
    let out = feedsieve(&["fleet", "--database", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SQLite"), "{text}");
    assert!(text.contains("one daemon"), "{text}");
    assert!(!path.exists(), "fleet created a database");
}
