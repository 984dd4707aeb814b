//! A fleet of daemons on one PostgreSQL database (issue 19), against real
//! parts: the real binary, a throwaway PostgreSQL, and feeds served over
//! HTTP on 127.0.0.1 by a server that records, per feed, the requests in
//! flight, so that two fetches of one feed at once are seen.
//!
//! * Three daemons share the feeds while one of them is SIGKILLed every few
//!   seconds and started again; a final `run --once` follows. Every entry is
//!   stored exactly once, every feed was fetched, and no feed was ever
//!   fetched by two daemons at once.
//! * Two daemons' pipelines place copies of one wire story arriving on two
//!   feeds at the same moment, 50 times: one story each time.

#[path = "support/http.rs"]
mod http;
#[path = "support/shared.rs"]
mod shared;
#[path = "support/site.rs"]
mod site;
mod support;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use support::pg::{self, off_runtime};
use support::signal;

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

/// How long a test waits for what a daemon does before it fails.
const WAIT: Duration = Duration::from_secs(20);

/// What the server saw of one feed.
#[derive(Debug, Default, Clone)]
struct FeedLog {
    hits: usize,
    in_flight: usize,
    /// Requests that arrived while another of the same feed was in flight.
    overlaps: usize,
}

/// Serves `bodies(path)` after `delay`, recording each path's requests: a
/// request is in flight from when it arrives until its answer is sent or
/// its client closes the connection.
struct OverlapServer {
    addr: std::net::SocketAddr,
    log: Arc<Mutex<HashMap<String, FeedLog>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for OverlapServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Bodies = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// How long the server holds a request for a path before it answers.
type Hold = Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

impl OverlapServer {
    /// Answers each request after `delay`.
    async fn start(delay: Duration, bodies: Bodies) -> OverlapServer {
        let hold: Hold = Arc::new(move |_| Box::pin(tokio::time::sleep(delay)));
        OverlapServer::start_holding(hold, bodies).await
    }

    /// Answers each request once `hold` for its path has finished.
    async fn start_holding(hold: Hold, bodies: Bodies) -> OverlapServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log: Arc<Mutex<HashMap<String, FeedLog>>> = Arc::default();
        let shared = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    continue;
                };
                let (log, bodies, hold) = (shared.clone(), bodies.clone(), hold.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let path = text.split_whitespace().nth(1).unwrap_or("").to_string();
                    {
                        let mut log = log.lock().unwrap();
                        let feed = log.entry(path.clone()).or_default();
                        feed.hits += 1;
                        if feed.in_flight > 0 {
                            feed.overlaps += 1;
                        }
                        feed.in_flight += 1;
                    }
                    // A fetcher that gives up (stopped, killed) closes its
                    // end: its request is no longer in flight from then.
                    let gone = tokio::select! {
                        _ = hold(path.clone()) => false,
                        read = socket.read(&mut buf) => matches!(read, Ok(0) | Err(_)),
                    };
                    if gone {
                        log.lock().unwrap().entry(path).or_default().in_flight -= 1;
                        return;
                    }
                    let response = match bodies(&path) {
                        Some(body) => format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: {}\r\n\
                             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            if body.starts_with("<?xml") {
                                "application/rss+xml"
                            } else {
                                "text/html; charset=utf-8"
                            },
                            body.len()
                        ),
                        None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\
                                 Connection: close\r\n\r\n"
                            .to_string(),
                    };
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                    log.lock().unwrap().entry(path).or_default().in_flight -= 1;
                });
            }
        });
        OverlapServer { addr, log, task }
    }

    fn log(&self) -> HashMap<String, FeedLog> {
        self.log.lock().unwrap().clone()
    }
}

/// Text as XML character data.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The real binary on `config`, off the async runtime.
async fn feedsieve(config: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--config".to_string(), config.display().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    support::run_binary(BIN, all).await
}

fn daemon(config: &std::path::Path) -> Child {
    support::spawn_daemon(BIN, config, Stdio::piped())
}

/// Feeds in the fleet test, entries each, and how far apart their entries
/// appear (a feed grows while the daemons run and die).
const FEEDS: usize = 10;
const ENTRIES: usize = 5;
const APPEAR_EVERY: Duration = Duration::from_millis(1500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_daemons_one_killed_again_and_again_fetch_every_entry_once_and_never_a_feed_twice_at_once()
 {
    let articles = site::ground_truth(&shared::shared_dir(), 0, FEEDS * ENTRIES);
    assert_eq!(articles.len(), FEEDS * ENTRIES);
    let started = Instant::now();
    let bodies: Bodies = Arc::new(move |path: &str| {
        let feed: usize = path
            .strip_prefix("/feed-")?
            .strip_suffix(".xml")?
            .parse()
            .ok()?;
        let shown = (1 + started.elapsed().as_millis() / APPEAR_EVERY.as_millis()) as usize;
        let items: Vec<(String, String, String)> = articles[feed * ENTRIES..][..ENTRIES]
            .iter()
            .take(shown.min(ENTRIES))
            .enumerate()
            .map(|(i, a)| {
                let body: String = a.paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
                (format!("f{feed}-e{i}"), escape(&a.title), body)
            })
            .collect();
        (feed < FEEDS).then(|| support::rss(&format!("Feed {feed}"), &items))
    });
    let server = OverlapServer::start(Duration::from_millis(150), bodies).await;
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!(
        "[storage]\ndatabase = \"{}\"\n[fetch]\ndefault_interval = \"2s\"\n\
         lease = \"2s\"\nper_host = 6\nfull_text = \"never\"\n",
        db.url
    );
    for feed in 0..FEEDS {
        text.push_str(&format!(
            "[[feed]]\nurl = \"http://{}/feed-{feed}.xml\"\n",
            server.addr
        ));
    }
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(&config, text).unwrap();

    let mut daemons: Vec<Child> = (0..3).map(|_| daemon(&config)).collect();
    let mut kills = 0;
    while started.elapsed() < APPEAR_EVERY * (ENTRIES as u32 + 3) {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let victim = kills % daemons.len();
        daemons[victim].kill().unwrap();
        daemons[victim].wait().unwrap();
        kills += 1;
        daemons[victim] = daemon(&config);
    }
    // While they ran, `feedsieve fleet` listed the three running (and
    // those killed after they registered: a killed daemon cannot leave).
    let running: Vec<String> = daemons.iter().map(|d| d.id().to_string()).collect();
    let registered = || pg::value(&db.url, "SELECT string_agg(pid::text, ' ') FROM daemons");
    let waited = Instant::now();
    while !running
        .iter()
        .all(|pid| registered().split(' ').any(|p| p == pid))
    {
        assert!(waited.elapsed() < Duration::from_secs(20), "not registered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let fleet = feedsieve(&config, &["fleet", "--json"]).await;
    assert!(fleet.status.success(), "{}", support::text(&fleet));
    let listed: serde_json::Value = serde_json::from_slice(&fleet.stdout).unwrap();
    let pids: Vec<String> = listed["daemons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["pid"].to_string())
        .collect();
    assert!(running.iter().all(|pid| pids.contains(pid)), "{pids:?}");
    let killed = pids.len() - 3;
    assert!(killed <= kills, "{pids:?}");
    for mut child in daemons {
        signal(&child, "TERM");
        let out = tokio::task::spawn_blocking(move || {
            let start = Instant::now();
            while child.try_wait().unwrap().is_none() {
                assert!(
                    start.elapsed() < Duration::from_secs(15),
                    "no stop on SIGTERM"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        let log = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{log}");
        assert!(!log.contains("ERROR"), "{log}");
    }
    // The daemons that stopped cleanly left the list; the killed stay.
    let count = |sql: &str| pg::value(&db.url, &format!("SELECT ({sql})::text"));
    assert_eq!(count("SELECT COUNT(*) FROM daemons"), killed.to_string());
    let once = feedsieve(&config, &["run", "--once"]).await;
    assert!(once.status.success(), "{}", support::text(&once));

    let log = server.log();
    let overlapping: Vec<(&String, usize)> = log
        .iter()
        .filter(|(_, f)| f.overlaps > 0)
        .map(|(path, f)| (path, f.overlaps))
        .collect();
    assert!(
        overlapping.is_empty(),
        "fetched twice at once: {overlapping:?}"
    );
    for feed in 0..FEEDS {
        let hits = log.get(&format!("/feed-{feed}.xml")).map_or(0, |f| f.hits);
        assert!(hits >= 2, "feed {feed} fetched {hits} times");
    }
    assert_eq!(
        count("SELECT COUNT(*) FROM entries"),
        (FEEDS * ENTRIES).to_string()
    );
    assert_eq!(
        count("SELECT COUNT(DISTINCT guid) FROM entries"),
        (FEEDS * ENTRIES).to_string()
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM entries WHERE story_id IS NULL"),
        "0"
    );
    // Every lease ended: nothing is held after the last daemon stopped.
    assert_eq!(
        count("SELECT COUNT(*) FROM feed_schedule WHERE lease_owner IS NOT NULL"),
        "0"
    );
    assert!(kills >= 3, "{kills} kills");
}

/// Copies of one story arriving at two daemons at the same moment.
const ROUNDS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_story_arriving_at_two_daemons_at_once_is_one_story_every_time() {
    let articles = site::ground_truth(&shared::shared_dir(), 0, ROUNDS);
    assert_eq!(articles.len(), ROUNDS);
    // The round being served: both feeds carry the same story, each under
    // its own guid and link (a wire story syndicated by two sites).
    let round = Arc::new(Mutex::new(0usize));
    let served = round.clone();
    let bodies: Bodies = Arc::new(move |path: &str| {
        let site = path.strip_prefix("/")?.strip_suffix(".xml")?.to_string();
        let r = *served.lock().unwrap();
        let a = &articles[r];
        let body: String = a.paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
        let item = (format!("{site}-{r}"), escape(&a.title), body);
        Some(support::rss(&site, &[item]))
    });
    let server = OverlapServer::start(Duration::from_millis(5), bodies).await;
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[storage]\ndatabase = \"{}\"\n[fetch]\nfull_text = \"never\"\n\
         [[feed]]\nurl = \"http://{addr}/a.xml\"\n[[feed]]\nurl = \"http://{addr}/b.xml\"\n",
        db.url,
        addr = server.addr
    );
    let path = dir.path().join("feedsieve.toml");
    std::fs::write(&path, text).unwrap();
    let config = feedsieve::config::load(&path).unwrap();
    // Two daemons' pipelines: each its own store (its own sessions) and its
    // own de-duplicator (its own in-memory window), as two processes have;
    // they share only the database, and `run_feed` is the daemon's path.
    let first = feedsieve::pipeline::Pipeline::new(&config).await.unwrap();
    let second = feedsieve::pipeline::Pipeline::new(&config).await.unwrap();
    let states = first.store.sync_feeds(&config.feeds).await.unwrap();
    let job = |site: &str| {
        let state = states.iter().find(|s| s.url.ends_with(site)).unwrap();
        let feed = config
            .feeds
            .iter()
            .find(|f| f.url.as_str() == state.url)
            .unwrap();
        feedsieve::pipeline::FeedJob::new(state.id, feed, &config)
    };
    let (a, b) = (job("/a.xml"), job("/b.xml"));
    for r in 0..ROUNDS {
        *round.lock().unwrap() = r;
        // Alternate which daemon reads which feed.
        let (x, y) = if r % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let (one, two) = tokio::join!(first.run_feed(x), second.run_feed(y));
        let (one, two) = (one.unwrap(), two.unwrap());
        assert_eq!((one.error, two.error), (None, None));
        assert_eq!((one.inserted, two.inserted), (1, 1), "round {r}");
        let stories = pg::value(
            &db.url,
            &format!(
                "SELECT COUNT(DISTINCT story_id)::text FROM entries \
                 WHERE guid IN ('a-{r}', 'b-{r}')"
            ),
        );
        assert_eq!(stories, "1", "round {r}: the two copies made two stories");
    }
    let stories = pg::value(&db.url, "SELECT COUNT(*)::text FROM stories");
    assert_eq!(stories, ROUNDS.to_string());
}

/// Config files for daemons that each fetch feeds of their own from one
/// shared list: a file per daemon (`head` and its feeds), then a file of
/// every feed, each applied by a `run --once` in that order. The database's
/// list is then the whole one, and a daemon started on its own file (applied
/// before) follows it. Each feed sends a header whose value only its own
/// daemon's file (and the whole list's) gives: header values are never
/// stored, so only that daemon fetches it (README: "Whose feed list
/// applies"); any daemon would fetch a feed of the list otherwise. Returns
/// the daemons' files.
async fn own_feed_files(
    dir: &std::path::Path,
    head: &str,
    feeds: &[&[String]],
) -> Vec<std::path::PathBuf> {
    let file = |name: &str, urls: &[(usize, &String)]| {
        let mut text = head.to_string();
        for (daemon, url) in urls {
            text.push_str(&format!(
                "[[feed]]\nurl = \"{url}\"\nheaders = {{ \"X-Fetched-By\" = \"daemon-{daemon}\" }}\n"
            ));
        }
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut files: Vec<std::path::PathBuf> = feeds
        .iter()
        .enumerate()
        .map(|(n, own)| {
            let own: Vec<_> = own.iter().map(|url| (n, url)).collect();
            file(&format!("daemon-{n}.toml"), &own)
        })
        .collect();
    let all: Vec<_> = feeds
        .iter()
        .enumerate()
        .flat_map(|(n, own)| own.iter().map(move |url| (n, url)))
        .collect();
    files.push(file("all.toml", &all));
    for path in &files {
        let out = feedsieve(path, &["run", "--once"]).await;
        assert!(out.status.success(), "{}", support::text(&out));
    }
    files.pop();
    files
}

/// `run --once` on each of `configs`, all at once: each must succeed
/// (`what` names the case in a failure).
async fn run_once_together(configs: Vec<std::path::PathBuf>, what: &str) {
    let runs: Vec<_> = configs
        .into_iter()
        .map(|config| tokio::spawn(async move { feedsieve(&config, &["run", "--once"]).await }))
        .collect();
    for run in runs {
        let out = run.await.unwrap();
        assert!(out.status.success(), "{what}: {}", support::text(&out));
    }
}

/// An item of a feed: guid, title (escaped) and HTML body.
type Item = (String, String, String);

/// `article` as an item of `site`'s feed: its paragraphs and the site's own
/// line under them, as two sites carry one wire story.
fn wire_copy(site: &str, guid: &str, article: &site::Article) -> Item {
    let mut body: String = article
        .paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    body.push_str(&format!(
        "<p>Read more from {site} every morning in our newsletter.</p>"
    ));
    (guid.to_string(), escape(&article.title), body)
}

/// Rounds of the story race between two daemon processes.
const PROCESS_ROUNDS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_story_arriving_at_two_daemon_processes_at_once_is_one_story_every_time() {
    let articles = site::ground_truth(&shared::shared_dir(), 0, PROCESS_ROUNDS);
    assert_eq!(articles.len(), PROCESS_ROUNDS);
    // The round served (none while the files are applied: empty feeds) and
    // how many of its requests arrived. Each of the two feeds, one a daemon,
    // carries the round's story under its own guid, link and last line;
    // the server holds each request until both have arrived, then answers
    // both at once.
    let gate: Arc<Mutex<(Option<usize>, usize)>> = Arc::default();
    let served = gate.clone();
    let bodies: Bodies = Arc::new(move |path: &str| {
        let site = path.strip_prefix("/")?.strip_suffix(".xml")?.to_string();
        let items: Vec<Item> = match served.lock().unwrap().0 {
            Some(r) => vec![wire_copy(&site, &format!("{site}-{r}"), &articles[r])],
            None => Vec::new(),
        };
        Some(support::rss(&site, &items))
    });
    let held = gate.clone();
    let hold: Hold = Arc::new(move |_| {
        let gate = held.clone();
        Box::pin(async move {
            let armed = {
                let mut gate = gate.lock().unwrap();
                gate.1 += 1;
                gate.0.is_some()
            };
            let waited = Instant::now();
            while armed && gate.lock().unwrap().1 < 2 && waited.elapsed() < Duration::from_secs(20)
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    });
    let server = OverlapServer::start_holding(hold, bodies).await;
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let head = format!(
        "[storage]\ndatabase = \"{}\"\n[fetch]\nfull_text = \"never\"\n",
        db.url
    );
    let feed = |site: &str| vec![format!("http://{}/{site}.xml", server.addr)];
    let files = own_feed_files(dir.path(), &head, &[&feed("a"), &feed("b")]).await;
    let count = |sql: &str| pg::value(&db.url, &format!("SELECT ({sql})::text"));
    for r in 0..PROCESS_ROUNDS {
        *gate.lock().unwrap() = (Some(r), 0);
        run_once_together(files.clone(), &format!("round {r}")).await;
        assert_eq!(
            gate.lock().unwrap().1,
            2,
            "round {r}: the fetches did not meet"
        );
        let both = format!("guid IN ('a-{r}', 'b-{r}')");
        assert_eq!(
            count(&format!("SELECT COUNT(*) FROM entries WHERE {both}")),
            "2",
            "round {r}"
        );
        assert_eq!(
            count(&format!(
                "SELECT COUNT(DISTINCT story_id) FROM entries WHERE {both}"
            )),
            "1",
            "round {r}: the two copies made two stories"
        );
    }
    assert_eq!(
        count("SELECT COUNT(*) FROM stories"),
        PROCESS_ROUNDS.to_string()
    );
}

/// The stories of a database as a partition of its entries' guids.
type Partition = std::collections::BTreeSet<Vec<String>>;

fn partition(rows: Vec<(String, i64)>) -> Partition {
    let mut stories: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for (guid, story) in rows {
        stories.entry(story).or_default().push(guid);
    }
    stories
        .into_values()
        .map(|mut guids| {
            guids.sort();
            guids
        })
        .collect()
}

const GUIDS_AND_STORIES: &str = "SELECT guid, story_id FROM entries ORDER BY guid";

fn pg_partition(url: &str) -> Partition {
    let url = url.to_string();
    partition(off_runtime(move || {
        let mut client = feedsieve::store::postgres::connect(&url).unwrap();
        client
            .query(GUIDS_AND_STORIES, &[])
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect()
    }))
}

fn sqlite_partition(path: &std::path::Path) -> Partition {
    let conn = support::sql::connect_read_only(path).unwrap();
    let mut select = conn.prepare(GUIDS_AND_STORIES).unwrap();
    let rows = select
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    partition(rows)
}

/// Stops a daemon with SIGTERM; it must exit cleanly, logging no error.
async fn stop(child: Child) {
    signal(&child, "TERM");
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
}

/// The feeds of the edit scenario: what `/one.xml` and `/two.xml` serve now.
#[derive(Default)]
struct EditFeeds {
    one: Vec<Item>,
    two: Vec<Item>,
}

async fn edit_server(feeds: Arc<Mutex<EditFeeds>>) -> OverlapServer {
    let bodies: Bodies = Arc::new(move |path: &str| {
        let feeds = feeds.lock().unwrap();
        match path {
            "/one.xml" => Some(support::rss("one", &feeds.one)),
            "/two.xml" => Some(support::rss("two", &feeds.two)),
            _ => None,
        }
    });
    OverlapServer::start(Duration::ZERO, bodies).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_edited_by_one_daemon_is_placed_against_by_another_as_one_daemon_would() {
    // X is stored with story T1 and W, a copy of it, joins it; Z is another
    // story. Then X is edited into story T2 (leaving W), and Y, a copy of
    // T2, arrives. Y belongs with X: found only through X's new text.
    let articles = site::ground_truth(&shared::shared_dir(), 0, 3);
    let (t1, t2, t3) = (&articles[0], &articles[1], &articles[2]);
    let x1 = wire_copy("one", "x", t1);
    let x2 = wire_copy("one", "x", t2);
    let w = wire_copy("two", "w", t1);
    let z = wire_copy("two", "z", t3);
    let y = wire_copy("two", "y", t2);
    let expected: Partition = [vec!["w"], vec!["x", "y"], vec!["z"]]
        .into_iter()
        .map(|s| s.into_iter().map(String::from).collect())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let interval = "[fetch]\ndefault_interval = \"1s\"\nfull_text = \"never\"\n";

    // Two daemons on PostgreSQL: A, running, fetches two.xml; B, a `run
    // --once` each time, fetches one.xml.
    let feeds: Arc<Mutex<EditFeeds>> = Arc::default();
    feeds.lock().unwrap().one = vec![x1.clone()];
    let server = edit_server(feeds.clone()).await;
    let db = pg::database();
    let url = |name: &str| vec![format!("http://{}/{name}.xml", server.addr)];
    let head = format!("[storage]\ndatabase = \"{}\"\n{interval}", db.url);
    let files = own_feed_files(dir.path(), &head, &[&url("two"), &url("one")]).await;
    let (a, b) = (&files[0], &files[1]);
    let count = |sql: &str| pg::value(&db.url, &format!("SELECT ({sql})::text"));
    let entries = || count("SELECT COUNT(*) FROM entries");
    assert_eq!(entries(), "1");
    feeds.lock().unwrap().two = vec![w.clone(), z.clone()];
    let daemon_a = daemon(a);
    support::wait_until("W and Z stored by A", WAIT, || entries() == "3").await;
    let story = |guid: &str| {
        count(&format!(
            "SELECT story_id FROM entries WHERE guid = '{guid}'"
        ))
    };
    assert_eq!(story("w"), story("x"), "W did not join X");
    feeds.lock().unwrap().one = vec![x2.clone()];
    let out = feedsieve(b, &["run", "--once"]).await;
    assert!(out.status.success(), "{}", support::text(&out));
    assert_ne!(
        story("w"),
        story("x"),
        "X was not edited into another story"
    );
    feeds.lock().unwrap().two = vec![w.clone(), z.clone(), y.clone()];
    support::wait_until("Y stored by A", WAIT, || entries() == "4").await;
    stop(daemon_a).await;
    let fleet = pg_partition(&db.url);

    // One daemon on SQLite, fetching both feeds, through the same steps.
    let feeds: Arc<Mutex<EditFeeds>> = Arc::default();
    feeds.lock().unwrap().one = vec![x1];
    let server = edit_server(feeds.clone()).await;
    let file = dir.path().join("one.db");
    let config = dir.path().join("sqlite.toml");
    std::fs::write(
        &config,
        format!(
            "[storage]\ndatabase = \"{}\"\n{interval}\
             [[feed]]\nurl = \"http://{addr}/one.xml\"\n[[feed]]\nurl = \"http://{addr}/two.xml\"\n",
            file.display(),
            addr = server.addr
        ),
    )
    .unwrap();
    let value = |sql: &str| -> Option<String> {
        let conn = support::sql::connect_read_only(&file).ok()?;
        conn.query_row(sql, [], |row| row.get::<_, Option<String>>(0))
            .ok()
            .flatten()
    };
    let entries = || value("SELECT CAST(COUNT(*) AS TEXT) FROM entries");
    let one_daemon = daemon(&config);
    support::wait_until("X stored", WAIT, || entries().as_deref() == Some("1")).await;
    feeds.lock().unwrap().two = vec![w.clone(), z.clone()];
    support::wait_until("W and Z stored", WAIT, || entries().as_deref() == Some("3")).await;
    let x_hash = || value("SELECT CAST(raw_hash AS TEXT) FROM entries WHERE guid = 'x'");
    let first = x_hash();
    feeds.lock().unwrap().one = vec![x2];
    support::wait_until("X edited", WAIT, || x_hash() != first).await;
    feeds.lock().unwrap().two = vec![w, z, y];
    support::wait_until("Y stored", WAIT, || entries().as_deref() == Some("4")).await;
    stop(one_daemon).await;
    let alone = sqlite_partition(&file);

    assert_eq!(alone, expected, "one daemon's stories");
    assert_eq!(fleet, alone, "the fleet's stories differ from one daemon's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_longer_than_its_lease_is_renewed_not_taken_over() {
    // Each fetch takes four leases' time: only renewals keep the other
    // daemon off the feed. A lease of 2 s, renewed every half second: with
    // 1 s, a renewal delayed by a starved 2-core machine (the suite's
    // other daemons and PostgreSQL) let the other daemon in once.
    let bodies: Bodies = Arc::new(|_: &str| {
        Some(support::rss(
            "Slow",
            &[("s1", "Slow", "<p>A slow server sends this one item.</p>")],
        ))
    });
    let server = OverlapServer::start(Duration::from_secs(8), bodies).await;
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[storage]\ndatabase = \"{}\"\n[fetch]\ndefault_interval = \"1s\"\n\
         lease = \"2s\"\nfull_text = \"never\"\n[[feed]]\nurl = \"http://{}/slow.xml\"\n",
        db.url, server.addr
    );
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(&config, text).unwrap();
    let daemons: Vec<Child> = (0..2).map(|_| daemon(&config)).collect();
    tokio::time::sleep(Duration::from_secs(19)).await;
    for mut child in daemons {
        signal(&child, "TERM");
        tokio::task::spawn_blocking(move || child.wait().unwrap())
            .await
            .unwrap();
    }
    let log = server.log();
    let slow = log.get("/slow.xml").cloned().unwrap_or_default();
    assert!(slow.hits >= 2, "{slow:?}");
    assert_eq!(slow.overlaps, 0, "{slow:?}");
    let entries = pg::value(&db.url, "SELECT COUNT(*)::text FROM entries");
    assert_eq!(entries, "1", "{slow:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_the_leases_held_and_the_fleets_due_feeds_and_health_the_database() {
    // Two slow feeds of one host, one lease a host: while one is fetched
    // the other waits, due and leased by nobody.
    let bodies: Bodies = Arc::new(|path: &str| {
        let name = path.trim_start_matches('/');
        Some(support::rss(
            name,
            &[(name, "Slow", "<p>A slow server sends this one item.</p>")],
        ))
    });
    let server = OverlapServer::start(Duration::from_secs(3), bodies).await;
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let listen = http::free_address();
    let text = format!(
        "[storage]\ndatabase = \"{}\"\n[serve]\nlisten = \"{listen}\"\n\
         [fetch]\nper_host = 1\nfull_text = \"never\"\n\
         [[feed]]\nurl = \"http://{addr}/one.xml\"\n[[feed]]\nurl = \"http://{addr}/two.xml\"\n",
        db.url,
        addr = server.addr
    );
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(&config, text).unwrap();
    let mut child = daemon(&config);
    let metrics = scrape_until(&listen, "a lease held and a feed due", |m| {
        m.contains("feedsieve_leases_held 1\n") && m.contains("feedsieve_feeds_due 1\n")
    })
    .await;
    assert!(
        metrics.contains("# TYPE feedsieve_leases_held gauge\n"),
        "{metrics}"
    );
    let (status, body) = get(&listen, "/healthz").await.unwrap();
    let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["database"], "ok", "{health}");
    // Both fetched one after the other: nothing due, nothing held.
    scrape_until(&listen, "both feeds fetched", |m| {
        m.contains("feedsieve_leases_held 0\n")
            && m.contains("feedsieve_fetches_total{outcome=\"ok\"} 2\n")
    })
    .await;
    signal(&child, "TERM");
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let log = server.log();
    assert_eq!(log.values().map(|f| f.overlaps).sum::<usize>(), 0);
}

/// `GET path` from the daemon's `[serve]` at `listen`, off the runtime.
async fn get(listen: &str, path: &'static str) -> Option<(u16, Vec<u8>)> {
    let listen = listen.to_string();
    tokio::task::spawn_blocking(move || http::http_get(&listen, path))
        .await
        .unwrap()
}

/// Scrapes `/metrics` until `done` holds for an answer (20 s at most).
async fn scrape_until(listen: &str, what: &str, done: impl Fn(&str) -> bool) -> String {
    let waited = Instant::now();
    let mut metrics = String::new();
    while !done(&metrics) {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "never saw {what} in:\n{metrics}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Some((200, body)) = get(listen, "/metrics").await {
            metrics = String::from_utf8_lossy(&body).into_owned();
        }
    }
    metrics
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daemons_with_different_feed_lists_do_not_flap_and_the_last_edit_wins() {
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=4 {
        std::fs::write(
            dir.path().join(format!("{n}.xml")),
            support::rss(
                &format!("Feed {n}"),
                &[(format!("g{n}"), "One", "<p>One item of a local feed.</p>")],
            ),
        )
        .unwrap();
    }
    let write = |name: &str, feeds: &[u32]| {
        let mut text = format!(
            "[storage]\ndatabase = \"{}\"\n[fetch]\ndefault_interval = \"1s\"\nlease = \"2s\"\n",
            db.url
        );
        for n in feeds {
            text.push_str(&format!("[[feed]]\nurl = \"file://{n}.xml\"\n"));
        }
        let path = dir.path().join(name);
        let tmp = dir.path().join(format!("{name}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        path
    };
    let enabled = || {
        pg::value(
            &db.url,
            "SELECT coalesce(string_agg(regexp_replace(url, '^.*/', ''), ' ' ORDER BY url), '') \
             FROM feeds WHERE enabled",
        )
    };
    let versions = || pg::value(&db.url, "SELECT COUNT(*)::text FROM feed_lists");
    let wait_until = |what: &str, done: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !done() {
            assert!(start.elapsed() < Duration::from_secs(20), "never {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    // Watches the list for `secs`: it must not change.
    let steady = |secs: u64, expected: &str| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(secs) {
            assert_eq!(enabled(), expected);
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let a = write("a.toml", &[1, 2]);
    let b = write("b.toml", &[2, 3]);
    let mut first = daemon(&a);
    wait_until("A's list applied", &|| enabled() == "1.xml 2.xml");
    let second = daemon(&b);
    // B's file is new to the database: its list wins, once.
    wait_until("B's list applied", &|| enabled() == "2.xml 3.xml");
    steady(3, "2.xml 3.xml");
    assert_eq!(versions(), "2");
    // A restarted with its file unchanged follows the database.
    first.kill().unwrap();
    first.wait().unwrap();
    let first = daemon(&a);
    wait_until("A registered again", &|| {
        pg::value(&db.url, "SELECT COUNT(*)::text FROM daemons") == "3"
    });
    steady(3, "2.xml 3.xml");
    assert_eq!(versions(), "2");
    // An edit of A's file wins, once; B, running, does not undo it.
    write("a.toml", &[1, 2, 4]);
    wait_until("A's edit applied", &|| enabled() == "1.xml 2.xml 4.xml");
    steady(3, "1.xml 2.xml 4.xml");
    assert_eq!(versions(), "3");
    // Every feed of the database's list is fetched, each by a daemon
    // whose file lists it (4 only by A, the others by either).
    wait_until("every listed feed fetched", &|| {
        pg::value(
            &db.url,
            "SELECT COUNT(*)::text FROM feeds WHERE enabled AND last_fetched_at IS NOT NULL",
        ) == "3"
    });
    for mut child in [first, second] {
        signal(&child, "TERM");
        child.wait().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daemons_started_at_once_on_an_empty_database_all_start_and_share_one_run() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..6 {
        std::fs::write(
            dir.path().join(format!("{n}.xml")),
            support::rss(
                &format!("Feed {n}"),
                &[(
                    format!("g{n}"),
                    format!("Item {n}"),
                    format!(
                        "<p>Item {n} of a local feed, with words of its own: {}.</p>",
                        n * 7919
                    ),
                )],
            ),
        )
        .unwrap();
    }
    // Fresh databases, four `run --once` at once on each: they migrate the
    // empty database together, then lease the feeds among themselves.
    for round in 0..4 {
        let db = pg::database();
        let mut text = format!("[storage]\ndatabase = \"{}\"\n", db.url);
        for n in 0..6 {
            text.push_str(&format!("[[feed]]\nurl = \"file://{n}.xml\"\n"));
        }
        let config = dir.path().join(format!("round-{round}.toml"));
        std::fs::write(&config, text).unwrap();
        run_once_together(vec![config; 4], &format!("round {round}")).await;
        let count = |sql: &str| pg::value(&db.url, &format!("SELECT ({sql})::text"));
        assert_eq!(count("SELECT COUNT(*) FROM entries"), "6", "round {round}");
        assert_eq!(
            count("SELECT COUNT(*) FROM feeds WHERE last_fetched_at IS NOT NULL"),
            "6"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teasers_page_step_outlives_the_lease_its_write_ended() {
    // The feed's write ends its lease; the page behind its teaser, slower
    // than a lease, is then fetched unleased, and not stopped as "lost".
    let addr: Arc<Mutex<String>> = Arc::default();
    let base = addr.clone();
    let article = site::ground_truth(&shared::shared_dir(), 0, 1).remove(0);
    let bodies: Bodies = Arc::new(move |path: &str| {
        let base = base.lock().unwrap().clone();
        match path {
            "/feed.xml" => Some(
                support::rss(
                    "Teasers",
                    &[("t1", escape(&article.title), escape(&article.teaser()))],
                )
                .replace("https://example.org/t1", &format!("{base}/article")),
            ),
            "/article" => Some(site::page(&base, &article, &[])),
            _ => None,
        }
    });
    let server = OverlapServer::start(Duration::from_secs(3), bodies).await;
    *addr.lock().unwrap() = format!("http://{}", server.addr);
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[storage]\ndatabase = \"{}\"\n[fetch]\nlease = \"1s\"\nfull_text = \"always\"\n\
         [[feed]]\nurl = \"http://{}/feed.xml\"\n",
        db.url, server.addr
    );
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(&config, text).unwrap();
    let mut child = daemon(&config);
    let start = Instant::now();
    while pg::value(&db.url, "SELECT page_fetched_at FROM entries").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(30), "no page stored");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    signal(&child, "TERM");
    let out = tokio::task::spawn_blocking(move || {
        child.wait().unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!log.contains("lost") && !log.contains("stopped,"), "{log}");
    assert_eq!(
        pg::value(&db.url, "SELECT coalesce(page_error, '') FROM entries"),
        ""
    );
}
