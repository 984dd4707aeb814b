//! Everyday use of the real binary: which commands may create a database,
//! reading one that cannot be written (another user's, a backup), reading
//! with a broken config, `~` and folders in paths.
//!
//! Permission tests need a user that file modes apply to: the tests run as
//! root here, which bypasses them, so the binary is run as `nobody` through
//! `setpriv` (util-linux) when the test runs as root. Without `setpriv` the
//! check is skipped with a message; as another user the binary runs as is.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{Route, Server};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

fn story(n: usize) -> (String, String, String) {
    (
        format!("s{n}"),
        format!("Harbour story number {n}"),
        format!(
            "<p>The harbour master said on Monday that story {n} concerns the new ferry \
             schedule, which adds a winter run between the island and the mainland.</p>"
        ),
    )
}

/// A loopback server with three stories at `/feed.xml`.
async fn harbour_server() -> Server {
    let server = Server::start().await;
    let stories: Vec<_> = (0..3).map(story).collect();
    let items: Vec<(&str, &str, &str)> = stories
        .iter()
        .map(|(g, t, b)| (g.as_str(), t.as_str(), b.as_str()))
        .collect();
    server.route("/feed.xml", Route::rss(support::rss("Harbour", &items)));
    server
}

/// A folder with a config listing one loopback feed, and the database
/// `run --once` built from it.
struct Built {
    dir: tempfile::TempDir,
    _server: Server,
}

impl Built {
    async fn new() -> Built {
        let server = harbour_server().await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("state")).unwrap();
        std::fs::write(
            dir.path().join("feedsieve.toml"),
            format!(
                "[storage]\ndatabase = \"state/f.db\"\n\n[[feed]]\nurl = \"{}\"\n",
                server.url("/feed.xml")
            ),
        )
        .unwrap();
        let built = Built {
            dir,
            _server: server,
        };
        let out = built.run(&["run", "--once"]).await;
        assert!(out.status.success(), "{out:?}");
        built
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    async fn run(&self, args: &[&str]) -> Output {
        let mut command = feedsieve(&self.path("feedsieve.toml"), args);
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }
}

/// The binary with this config, the environment's logging and database
/// settings left out.
fn feedsieve(config: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE");
    command
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_run_creates_a_database() {
    let built = Built::new().await;
    let typo = built.path("state/typo.db");
    let typo = typo.to_str().unwrap();
    let before = files_in(&built.path("state"));
    for args in [
        &["stories"][..],
        &["search", "harbour"],
        &["feeds"],
        &["export"],
        &["vacuum"],
        &["reclean"],
        &["rededup"],
    ] {
        let mut all = vec!["--database", typo];
        all.extend_from_slice(args);
        let out = built.run(&all).await;
        assert!(!out.status.success(), "{args:?}: {out:?}");
        assert!(
            stderr(&out).contains(&format!("no database at {typo}")),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(files_in(&built.path("state")), before, "{args:?}");
    }
    // The config's own database is found without --database.
    let out = built.run(&["stories", "--json"]).await;
    let stories: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stories.as_array().map(Vec::len), Some(3), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_commands_need_only_the_database() {
    let built = Built::new().await;
    std::fs::write(built.path("feedsieve.toml"), "[[feed]\nurl = \"x\n").unwrap();
    let db = built.path("state/f.db");
    let db = db.to_str().unwrap();
    for args in [
        &["stories", "--json"][..],
        &["search", "--json", "ferry"],
        &["feeds", "--json"],
        &["export", "--format", "json"],
    ] {
        let mut all = vec!["--database", db];
        all.extend_from_slice(args);
        let out = built.run(&all).await;
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    // Without --database the config is needed, and its error is shown.
    let out = built.run(&["stories"]).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("feedsieve.toml:1:"), "{out:?}");
}

/// Runs the binary as `nobody` (file modes apply to it), or as is when the
/// tests do not run as root; `None` when that cannot be arranged here.
fn as_another_user(args: &[&str]) -> Option<Output> {
    let root = unsafe_geteuid() == 0;
    let mut command = if root {
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("setpriv is not installed: the read-only checks cannot drop root");
            return None;
        }
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--",
            BIN,
        ]);
        c
    } else {
        Command::new(BIN)
    };
    command
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE");
    Some(command.output().unwrap())
}

fn unsafe_geteuid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_commands_work_on_a_database_that_cannot_be_written() {
    let built = Built::new().await;
    let state = built.path("state");
    let db = built.path("state/f.db");
    let db_arg = db.to_str().unwrap().to_string();
    // A backup is the database alone, without the daemon's lock file.
    std::fs::remove_file(built.path("state/f.db.lock")).unwrap();
    // nobody must reach the folder, and may not write in it or the file.
    chmod(built.dir.path(), 0o755);
    chmod(&state, 0o555);
    chmod(&db, 0o444);
    let check = |when: &str| -> bool {
        let Some(out) = as_another_user(&["--database", &db_arg, "stories", "--json"]) else {
            return false;
        };
        assert!(out.status.success(), "{when}: stories: {}", stderr(&out));
        let stories: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(stories.as_array().map(Vec::len), Some(3), "{when}");
        let out = as_another_user(&["--database", &db_arg, "search", "--json", "ferry"]).unwrap();
        assert!(out.status.success(), "{when}: search: {}", stderr(&out));
        assert!(stdout(&out).contains("Harbour story"), "{when}");
        for args in [&["feeds"][..], &["export"]] {
            let mut all = vec!["--database", db_arg.as_str()];
            all.extend_from_slice(args);
            let out = as_another_user(&all).unwrap();
            assert!(out.status.success(), "{when}: {args:?}: {}", stderr(&out));
        }
        // A maintenance command that must write says why it cannot.
        let out =
            as_another_user(&["--database", &db_arg, "--config", "/dev/null", "vacuum"]).unwrap();
        assert!(
            stderr(&out).contains("permission denied: cannot write database"),
            "{when}: {}",
            stderr(&out)
        );
        true
    };
    // A backup: no WAL beside it, and none can be made in the folder.
    assert_eq!(files_in(&state), ["f.db"]);
    if !check("closed, read-only folder") {
        return;
    }
    assert_eq!(files_in(&state), ["f.db"], "a read left files behind");

    // A live database: another connection holds its WAL and WAL index open.
    chmod(&state, 0o755);
    let live = rusqlite::Connection::open(&db).unwrap();
    live.execute_batch(
        "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1);",
    )
    .unwrap();
    chmod(&state, 0o555);
    assert!(files_in(&state).contains(&"f.db-shm".to_string()));
    check("open elsewhere, WAL present");
    drop(live);

    // Truly unreadable: said so.
    chmod(&state, 0o755);
    chmod(&db, 0o000);
    let out = as_another_user(&["--database", &db_arg, "stories"]).unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("permission denied: cannot read database {db_arg}")),
        "{}",
        stderr(&out)
    );
    chmod(&db, 0o644);

    // Made by an older feedsieve (its last migration not applied): a
    // read-only open cannot migrate it, and says what to do.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
            [],
        )
        .unwrap();
    chmod(&db, 0o444);
    let out = as_another_user(&["--database", &db_arg, "stories"]).unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("was made by an older feedsieve and needs migrating"),
        "{}",
        stderr(&out)
    );
    chmod(&db, 0o644);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_expands_home_and_creates_only_the_database_folder() {
    let built = Built::new().await;
    let home = built.path("home");
    std::fs::create_dir(&home).unwrap();
    let run = |db: &str| {
        Command::new(BIN)
            .arg("--config")
            .arg(built.path("feedsieve.toml"))
            .args(["run", "--once"])
            .env("HOME", &home)
            .env("FEEDSIEVE_DATABASE", db)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let out = tokio::task::block_in_place(|| run("~/feedsieve/f.db"));
    assert!(out.status.success(), "{out:?}");
    assert!(home.join("feedsieve/f.db").is_file());
    assert!(!built.path("~").exists(), "a folder named ~ was made");
    assert!(
        stderr(&out).contains("created the database's folder"),
        "{}",
        stderr(&out)
    );
    // A typo deeper in the path is an error, and nothing is created.
    let out = tokio::task::block_in_place(|| run("~/feedsieeve/state/f.db"));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("does not exist, nor does the folder above it"),
        "{}",
        stderr(&out)
    );
    assert!(!home.join("feedsieeve").exists());
}

#[test]
fn installed_config_names_the_database_the_service_writes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let unit = std::fs::read_to_string(format!("{root}/systemd/feedsieve.service")).unwrap();
    let service_db = unit
        .lines()
        .find_map(|l| l.strip_prefix("Environment=FEEDSIEVE_DATABASE="))
        .expect("the unit sets FEEDSIEVE_DATABASE")
        .replace("%S", "/var/lib");
    // The README's install steps that edit the installed config, run on a copy.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feedsieve.toml");
    std::fs::copy(format!("{root}/config/feedsieve.toml"), &config).unwrap();
    let edits: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("sudo sed ") && l.contains("/etc/feedsieve/feedsieve.toml"))
        .collect();
    assert!(
        !edits.is_empty(),
        "README's install steps never set the database"
    );
    for edit in edits {
        let edit = edit
            .trim_start_matches("sudo ")
            .replace("/etc/feedsieve/feedsieve.toml", config.to_str().unwrap());
        let status = Command::new("sh").arg("-c").arg(&edit).status().unwrap();
        assert!(status.success(), "{edit}");
    }
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("check")
        .env_remove("FEEDSIEVE_DATABASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains(&format!("database {service_db})")),
        "`feedsieve stories` on a service host would read another database than {service_db}: {}",
        stdout(&out)
    );
}

#[test]
fn import_opml_treats_one_feed_written_two_ways_as_one_and_keeps_the_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(&config, "[[feed]]\nurl = \"http://news.example/a.xml\"\n").unwrap();
    // The service reads its config through its group.
    let gid = if unsafe_geteuid() == 0 {
        65534
    } else {
        std::fs::metadata(&config).unwrap().gid()
    };
    std::os::unix::fs::chown(&config, None, Some(gid)).unwrap();
    chmod(&config, 0o640);
    let opml = dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        r##"<?xml version="1.0"?><opml version="2.0"><body>
<outline text="A" xmlUrl="HTTP://NEWS.example/a.xml#latest"/>
<outline text="B" xmlUrl="https://other.example/b.xml#frag"/>
<outline text="B again" xmlUrl="HTTPS://Other.Example/b.xml"/>
</body></opml>"##,
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("import-opml")
        .arg(&opml)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("added 1 feed, skipped 2 (1 already listed, 1 repeated"),
        "{}",
        stdout(&out)
    );
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["export-opml"])
        .output()
        .unwrap();
    let listed = stdout(&out);
    assert!(
        listed.contains("xmlUrl=\"https://other.example/b.xml\""),
        "{listed}"
    );
    assert!(!listed.contains("%23") && !listed.contains('#'), "{listed}");
    let meta = std::fs::metadata(&config).unwrap();
    assert_eq!(meta.gid(), gid, "import-opml changed the config's group");
    assert_eq!(meta.mode() & 0o777, 0o640);
}

/// Every place a feed's URL or settings show up, as text.
fn everything_shown(dir: &Path, binary: &dyn Fn(&[&str]) -> Command, run: &Output) -> String {
    let mut shown = format!("{}{}", stdout(run), stderr(run));
    for args in [
        &["feeds", "--json"][..],
        &["feeds"],
        &["export-opml"],
        &["check"],
    ] {
        let out = binary(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        shown.push_str(&stdout(&out));
        shown.push_str(&stderr(&out));
    }
    for file in files_in(dir) {
        if file.starts_with("f.db") {
            shown.push_str(&String::from_utf8_lossy(
                &std::fs::read(dir.join(file)).unwrap(),
            ));
        }
    }
    shown
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_sent_and_never_shown_or_stored() {
    use base64::Engine as _;
    let server = Server::start().await;
    let items = [(
        "a1",
        "Private story",
        "<p>Only for subscribers of this feed.</p>",
    )];
    server.route("/in-url.xml", Route::rss(support::rss("In URL", &items)));
    server.route("/fields.xml", Route::rss(support::rss("Fields", &items)));
    let port = server
        .url("/")
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(
        &config,
        format!(
            r#"[storage]
database = "f.db"

[[feed]]
url = "http://reader:p%40ss-in-url@127.0.0.1:{port}/in-url.xml"

[[feed]]
url = "http://127.0.0.1:{port}/fields.xml"
username = "bob"
password = {{ env = "FEEDSIEVE_TEST_PASSWORD" }}
headers = {{ "X-Api-Key" = {{ env = "FEEDSIEVE_TEST_KEY" }}, "X-Plain" = "plain-header-secret" }}
"#
        ),
    )
    .unwrap();
    let binary = |args: &[&str]| {
        let mut command = feedsieve(&config, args);
        command
            .env("FEEDSIEVE_TEST_PASSWORD", "pw-from-env")
            .env("FEEDSIEVE_TEST_KEY", "key-from-env");
        command
    };
    let mut run = binary(&["-vv", "run", "--once"]);
    // -vv logs reqwest's and hyper's own lines too.
    run.env("RUST_LOG", "trace");
    let run = tokio::task::spawn_blocking(move || run.output().unwrap())
        .await
        .unwrap();
    assert!(stdout(&run).contains("0 failed"), "{run:?}");

    let basic = |user_pass: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_pass)
        )
    };
    let in_url = &server.requests_to("/in-url.xml")[0];
    assert_eq!(
        in_url.header("authorization"),
        Some(basic("reader:p@ss-in-url").as_str())
    );
    let fields = &server.requests_to("/fields.xml")[0];
    assert_eq!(
        fields.header("authorization"),
        Some(basic("bob:pw-from-env").as_str())
    );
    assert_eq!(fields.header("x-api-key"), Some("key-from-env"));
    assert_eq!(fields.header("x-plain"), Some("plain-header-secret"));

    let shown = tokio::task::block_in_place(|| everything_shown(dir.path(), &binary, &run));
    for secret in [
        "p%40ss-in-url",
        "p@ss-in-url",
        "pw-from-env",
        "key-from-env",
        "plain-header-secret",
        &basic("reader:p@ss-in-url")["Basic ".len()..],
        &basic("bob:pw-from-env")["Basic ".len()..],
    ] {
        assert!(!shown.contains(secret), "{secret} was shown or stored");
    }
    assert!(shown.contains(&format!("http://127.0.0.1:{port}/in-url.xml")));

    // A variable that is not set is a config problem at its value.
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("check")
        .env_remove("FEEDSIEVE_TEST_PASSWORD")
        .env_remove("FEEDSIEVE_TEST_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "feedsieve.toml:10:12: password: environment variable FEEDSIEVE_TEST_PASSWORD is not set"
        ),
        "{}",
        stderr(&out)
    );
}

/// The README's "Ready queries" statement that follows `comment`.
fn ready_query(comment: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let after = readme.split(comment).nth(1).expect("README has the query");
    after.split(';').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_small_things_a_new_user_meets() {
    let server = harbour_server().await;
    let long_name = "A feed whose name is much longer than sixty characters, to be shown whole";
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feedsieve.toml");
    let write_config = |enabled: bool, extra: &str| {
        std::fs::write(
            &config,
            format!(
                "[storage]\ndatabase = \"f.db\"\nkeep = \"30d\"\n\n[[feed]]\nurl = \"{}\"\nname = \"{long_name}\"\nenabled = {enabled}\n{extra}\n\
                 [[feed]]\nurl = \"{}\"\n",
                server.url("/feed.xml"),
                server.url("/missing.xml"),
            ),
        )
        .unwrap();
    };
    write_config(true, "");
    let binary = |args: &[&str]| feedsieve(&config, args);
    let run = |args: &'static [&'static str]| {
        let mut command = binary(args);
        tokio::task::spawn_blocking(move || command.output().unwrap())
    };

    // Counts in words, and the stories indexed with retention on.
    let out = run(&["-v", "run", "--once"]).await.unwrap();
    assert!(
        stdout(&out).contains(
            "fetched 2 feeds: 1 failed, 3 new entries, 0 updated; 3 stories indexed for search"
        ),
        "{out:?}"
    );
    // -v: one INFO line per fetch.
    assert!(
        stderr(&out).contains("INFO feedsieve::fetches: fetched"),
        "{}",
        stderr(&out)
    );
    let out = run(&["run", "--once"]).await.unwrap();
    assert!(
        !stderr(&out).contains("feedsieve::fetches"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("fetched 2 feeds: 1 failed, 0 new entries"),
        "{}",
        stdout(&out)
    );
    // -vv: debug, but not a line per SQL statement.
    let out = run(&["-vv", "run", "--once"]).await.unwrap();
    assert!(stderr(&out).contains("DEBUG"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("sqlx::query"),
        "-vv logs SQL statements"
    );

    // Piped, a table shows whole cells.
    let out = run(&["feeds"]).await.unwrap();
    assert!(stdout(&out).contains(long_name), "{}", stdout(&out));

    // A feed failing since a minute ago is not "failing for over a day".
    let db = dir.path().join("f.db");
    let query = ready_query(
        "-- Feeds failing for over a day (or never successful after a day), with the reason.",
    );
    let failing = |db: &Path| -> usize {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut select = conn.prepare(&query).unwrap();
        select.query_map([], |_| Ok(())).unwrap().count()
    };
    assert_eq!(failing(&db), 0);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE feeds SET added_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 days')",
            [],
        )
        .unwrap();
    assert_eq!(failing(&db), 1, "a feed failing for two days is listed");

    // A disabled feed is not due; an interval under a minute is accepted with a warning.
    write_config(false, "interval = \"10s\"");
    let out = run(&["check"]).await.unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        stderr(&out).contains("feedsieve.toml:9:12: interval 10s is under a minute"),
        "{}",
        stderr(&out)
    );
    assert!(run(&["run", "--once"]).await.unwrap().status.success());
    let out = run(&["feeds", "--json"]).await.unwrap();
    let feeds: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let disabled = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["enabled"] == false)
        .expect("the disabled feed is listed");
    assert!(disabled["next_fetch_at"].is_null(), "{disabled}");

    // --json and --limit explain themselves.
    for (command, flags) in [
        ("search", &["--json", "--limit"][..]),
        ("stories", &["--json"]),
        ("feeds", &["--json"]),
    ] {
        let help = binary(&[command, "--help"]).output().unwrap();
        for flag in flags {
            let line = stdout(&help)
                .lines()
                .find(|l| l.trim_start().starts_with(flag))
                .map(str::to_string)
                .unwrap_or_default();
            assert!(
                line.trim().len() > flag.len() + 8,
                "{command} {flag}: {line:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_says_running_only_once_serve_has_bound() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(
        &config,
        format!(
            "[storage]\ndatabase = \"f.db\"\n[serve]\nlisten = \"{}\"\n",
            taken.local_addr().unwrap()
        ),
    )
    .unwrap();
    let mut daemon = Command::new(BIN);
    daemon
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE")
        .env_remove("NOTIFY_SOCKET");
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        tokio::task::spawn_blocking(move || daemon.output().unwrap()),
    )
    .await
    .expect("the daemon should stop when it cannot listen")
    .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot listen on"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("feedsieve running"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_info_stored_before_is_taken_out_of_feed_urls() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let store = feedsieve::store::Store::open(&db).await.unwrap();
    store.close().await;
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DELETE FROM _sqlx_migrations WHERE version = 13;
             INSERT INTO feeds (url, fetch_url, added_at) VALUES
               ('http://reader:s3cret@news.example/a.xml', 'https://reader:s3cret@cdn.example/a.xml', '2026-01-01T00:00:00Z'),
               ('https://tok3n@other.example/b.xml', NULL, '2026-01-01T00:00:00Z'),
               ('https://both.example/c.xml', NULL, '2026-01-01T00:00:00Z'),
               ('https://me:pw9@both.example/c.xml', NULL, '2026-01-01T00:00:00Z'),
               ('https://plain.example/at@sign.xml', NULL, '2026-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    // Opening again applies the migration.
    let store = feedsieve::store::Store::open(&db).await.unwrap();
    store.close().await;
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: Vec<(String, Option<String>)> = conn
        .prepare("SELECT url, fetch_url FROM feeds ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let urls: Vec<&str> = rows.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        [
            "http://news.example/a.xml",
            "https://other.example/b.xml",
            "https://both.example/c.xml",
            "https://***@both.example/c.xml",
            "https://plain.example/at@sign.xml",
        ]
    );
    assert_eq!(rows[0].1.as_deref(), Some("https://cdn.example/a.xml"));
}

/// The migration record of `db`: version, checksum, installed_on, execution_time.
fn migration_record(db: &std::path::Path) -> Vec<(i64, Vec<u8>, String, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.prepare(
        "SELECT version, checksum, installed_on, execution_time FROM _sqlx_migrations ORDER BY version",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// tests/fixtures/made_by_sqlx.db was made by `feedsieve run --once` of
/// main at 8e13b3e, whose migrations ran through sqlx, on a two-item feed.
/// The rusqlite runner takes its record as it is (same checksums: nothing
/// applied again), reads its rows, and applies a migration it lacks with
/// the checksum sqlx gave it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_migrated_by_sqlx_opens_and_upgrades_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    std::fs::copy("tests/fixtures/made_by_sqlx.db", &db).unwrap();
    let before = migration_record(&db);
    assert_eq!(before.len(), 14);

    let store = feedsieve::store::Store::open_with(&db, feedsieve::store::Access::Existing)
        .await
        .unwrap();
    let feeds = store.feed_overview().await.unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].entries, 2);
    store.close().await;
    // Its own records untouched; the migrations made after it applied.
    let upgraded = migration_record(&db);
    assert_eq!(upgraded[..before.len()], before[..]);
    assert!(upgraded[before.len()..].iter().all(|m| m.0 > 15));

    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("DELETE FROM _sqlx_migrations WHERE version = 13", [])
        .unwrap();
    let store = feedsieve::store::Store::open(&db).await.unwrap();
    store.close().await;
    let after = migration_record(&db);
    assert_eq!(after.len(), upgraded.len());
    let thirteen = |r: &[(i64, Vec<u8>, String, i64)]| {
        r.iter().find(|m| m.0 == 13).map(|m| m.1.clone()).unwrap()
    };
    assert_eq!(thirteen(&after), thirteen(&before));
    assert!(after.iter().find(|m| m.0 == 13).unwrap().3 >= 0);
}
