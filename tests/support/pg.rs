//! A throwaway PostgreSQL for tests: [`database`] gives each test a fresh
//! database of its own.
//!
//! When `$FEEDSIEVE_TEST_POSTGRES` names a server (`postgres://user@host/db`,
//! a user allowed to create databases), the databases are made there and
//! dropped after the test. Otherwise one private cluster per test binary is
//! made and started: `initdb` once into a template kept under the build's
//! temporary folder (later binaries copy it, ~0.1 s instead of ~2 s), then
//! `pg_ctl start` with trust authentication, a private port, its unix socket
//! in its own folder and no TCP listener, fsync off. As root, both run as the
//! `postgres` user (`runuser`), which PostgreSQL requires. The cluster is
//! stopped and removed when the last test holding a [`TestDb`] drops it, and
//! by a watcher process if the test binary dies first.
//!
//! [`tls_server`] starts a cluster of its own that takes TCP connections on
//! 127.0.0.1 over TLS only, with a certificate signed by a test CA.
//!
//! PostgreSQL missing is a test failure saying what to install, never a skip.
//!
//! Every call into the synchronous client runs on a thread of its own, as
//! the tests may be on a tokio runtime's thread, where it must not block.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

/// The server one test's database lives on; shared by the tests running at once.
struct Server {
    /// The URL of the server's own `postgres` database, for CREATE DATABASE.
    admin_url: String,
    /// A cluster this binary started (`None`: `$FEEDSIEVE_TEST_POSTGRES`).
    cluster: Option<Cluster>,
}

struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_postgres: bool,
}

/// A fresh, empty database for one test; the server stays up while it lives.
pub struct TestDb {
    pub url: String,
    name: String,
    server: Arc<Server>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.server.cluster.is_none() {
            let admin = self.server.admin_url.clone();
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = off_runtime(move || {
                postgres::Client::connect(&admin, postgres::NoTls)?.batch_execute(&sql)
            });
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-s", "stop"])
            .output();
    }
}

impl Cluster {
    /// One of PostgreSQL's programs, as the `postgres` user when we are root.
    fn command(&self, program: &str) -> Command {
        command(&self.bin, program, self.as_postgres)
    }
}

fn command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(program));
        c
    } else {
        Command::new(bin.join(program))
    }
}

/// Runs `f` on a thread of its own (the synchronous client must not block a
/// runtime thread).
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .expect("PostgreSQL helper thread panicked")
    })
}

/// One value of a PostgreSQL query, as text: "" for NULL or no row, and
/// before a daemon made the schema (so a test can poll a database the binary
/// is still creating).
pub fn value(url: &str, sql: &str) -> String {
    let (url, sql) = (url.to_string(), sql.to_string());
    off_runtime(move || {
        let Ok(mut client) = feedsieve::store::postgres::connect(&url) else {
            return String::new();
        };
        match client.query_opt(sql.as_str(), &[]) {
            Ok(Some(row)) => row.get::<_, Option<String>>(0).unwrap_or_default(),
            _ => String::new(),
        }
    })
}

static SERVER: Mutex<Weak<Server>> = Mutex::new(Weak::new());
static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh database on the shared server (started if none is up).
pub fn database() -> TestDb {
    let server = {
        let mut shared = SERVER.lock().unwrap_or_else(|e| e.into_inner());
        match shared.upgrade() {
            Some(server) => server,
            None => {
                let server = Arc::new(start());
                *shared = Arc::downgrade(&server);
                server
            }
        }
    };
    let name = format!(
        "feedsieve_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let admin = server.admin_url.clone();
    let sql = format!("CREATE DATABASE {name}");
    off_runtime(move || {
        postgres::Client::connect(&admin, postgres::NoTls).and_then(|mut c| c.batch_execute(&sql))
    })
    .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
    TestDb {
        url: with_database(&server.admin_url, &name),
        name,
        server,
    }
}

/// `url` naming database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The server: `$FEEDSIEVE_TEST_POSTGRES`, or a cluster of our own.
fn start() -> Server {
    if let Some(url) = std::env::var("FEEDSIEVE_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return Server {
            admin_url: url,
            cluster: None,
        };
    }
    let started = Instant::now();
    let (cluster, port) = start_cluster(None);
    eprintln!(
        "throwaway PostgreSQL up in {:.2} s (port {port})",
        started.elapsed().as_secs_f64()
    );
    let host = cluster.dir.path().display().to_string().replace('/', "%2F");
    Server {
        admin_url: format!("postgres://postgres@{host}:{port}/postgres"),
        cluster: Some(cluster),
    }
}

/// A cluster of our own, started; with `tls`, it also listens on
/// 127.0.0.1 with TLS only, with the certificate and key given.
fn start_cluster(tls: Option<(&Path, &Path)>) -> (Cluster, u16) {
    let bin = find_bin().unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed: these tests need its server programs (initdb, pg_ctl). \
             Install them (Debian/Ubuntu: `apt-get install -y postgresql`), or set \
             FEEDSIEVE_TEST_POSTGRES=postgres://user@host/db to a server where that user may \
             create databases."
        )
    });
    // SAFETY of the check: geteuid only reads the process's user id.
    let as_postgres = unsafe { libc::geteuid() } == 0;
    let dir = tempfile::Builder::new()
        .prefix("feedsieve-pg-")
        .tempdir()
        .expect("temporary folder for PostgreSQL");
    if as_postgres {
        chown_postgres(dir.path());
    }
    let data = dir.path().join("data");
    copy_template(&bin, as_postgres, &data);
    let port = free_port();
    let cluster = Cluster {
        bin: bin.clone(),
        dir,
        as_postgres,
    };
    let socket = cluster.dir.path().to_path_buf();
    let mut options = format!(
        "-p {port} -k {} -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=50",
        socket.display()
    );
    match tls {
        None => options.push_str(" -c listen_addresses=''"),
        Some((cert, key)) => {
            // The key must be the server's own and private to it.
            for (from, name) in [(cert, "server.crt"), (key, "server.key")] {
                std::fs::copy(from, data.join(name)).expect("copy the TLS files");
            }
            if as_postgres {
                chown_postgres(&data);
            }
            let _ = Command::new("chmod")
                .arg("600")
                .arg(data.join("server.key"))
                .output();
            options.push_str(" -c listen_addresses=127.0.0.1 -c ssl=on");
            // TCP connections must use TLS: trust only over hostssl.
            let hba = "local all all trust\nhostssl all all 127.0.0.1/32 trust\n";
            std::fs::write(data.join("pg_hba.conf"), hba).expect("write pg_hba.conf");
        }
    }
    let log = cluster.dir.path().join("log");
    let out = cluster
        .command("pg_ctl")
        .arg("-D")
        .arg(&data)
        .args(["-w", "-s", "-l"])
        .arg(&log)
        .args(["-o", &options, "start"])
        .output()
        .expect("run pg_ctl");
    assert!(
        out.status.success(),
        "pg_ctl start failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    watch(&bin, as_postgres, &data, cluster.dir.path());
    (cluster, port)
}

/// A server of its own that takes TCP connections on 127.0.0.1 over TLS
/// only, with a certificate for `localhost` signed by a test CA (made with
/// the `openssl` program, which PostgreSQL's packages bring).
pub struct TlsServer {
    /// `postgres://postgres@localhost:PORT/postgres`, without an sslmode.
    pub url: String,
    /// The CA's certificate (PEM), for `SSL_CERT_FILE`.
    pub ca: PathBuf,
    _certs: tempfile::TempDir,
    _cluster: Cluster,
}

pub fn tls_server() -> TlsServer {
    let certs = tempfile::tempdir().expect("folder for certificates");
    let at = |name: &str| certs.path().join(name);
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(certs.path())
            .output()
            .unwrap_or_else(|e| {
                panic!("the openssl program is needed to make test certificates: {e}")
            });
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        at("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    )
    .expect("write server.ext");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=feedsieve test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    let (cluster, port) = start_cluster(Some((&at("server.crt"), &at("server.key"))));
    TlsServer {
        url: format!("postgres://postgres@localhost:{port}/postgres"),
        ca: at("ca.pem"),
        _certs: certs,
        _cluster: cluster,
    }
}

/// The newest installed PostgreSQL's programs (`$PG_BIN` first).
fn find_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("PG_BIN").map(PathBuf::from) {
        return bin.join("initdb").exists().then_some(bin);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn chown_postgres(path: &Path) {
    let out = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(path)
        .output()
        .expect("run chown");
    assert!(out.status.success(), "chown postgres {}", path.display());
}

/// A fresh cluster in `data`: a copy of the initdb'd template, made once.
fn copy_template(bin: &Path, as_postgres: bool, data: &Path) {
    let version = bin
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("pg");
    let root = template_root();
    let template = root.join(format!("pg{version}-template"));
    if !template.join("PG_VERSION").exists() {
        // initdb into a folder of its own, then rename: binaries starting at
        // once never see half a template.
        let staging = tempfile::Builder::new()
            .prefix("pg-initdb-")
            .tempdir_in(&root)
            .expect("staging folder for initdb");
        let fresh = staging.path().join("data");
        if as_postgres {
            chown_postgres(staging.path());
            // The postgres user must reach the folder through its parents.
            let _ = Command::new("chmod")
                .args(["o+x"])
                .arg(staging.path())
                .output();
        }
        let out = command(bin, "initdb", as_postgres)
            .arg("-D")
            .arg(&fresh)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .args(["--no-sync", "--no-instructions"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed (is {} readable by the postgres user?): {}",
            fresh.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::rename(&fresh, &template);
    }
    let out = Command::new("cp")
        .arg("-a")
        .arg(&template)
        .arg(data)
        .output()
        .expect("run cp");
    assert!(out.status.success(), "copy the PostgreSQL template");
    if as_postgres {
        chown_postgres(data);
    }
}

/// Where the template is kept: the build's folder for tests' files (examples
/// that include this module have none, and use the system's temporary folder).
fn template_root() -> PathBuf {
    let root = option_env!("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let _ = std::fs::create_dir_all(&root);
    root
}

/// A port nobody listens on now (the socket file's name carries it).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A shell that waits for this process to end, however it ends, then stops
/// the cluster and removes its folder: a killed test binary leaves no server.
fn watch(bin: &Path, as_postgres: bool, data: &Path, dir: &Path) {
    let stop = command(bin, "pg_ctl", as_postgres);
    let mut stop_line: Vec<String> = std::iter::once(stop.get_program())
        .chain(stop.get_args())
        .map(|a| shell_quote(&a.to_string_lossy()))
        .collect();
    stop_line.extend(
        [
            "-D",
            &data.to_string_lossy(),
            "-m",
            "immediate",
            "-s",
            "stop",
        ]
        .iter()
        .map(|a| shell_quote(a)),
    );
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {} >/dev/null 2>&1; rm -rf {}",
        stop_line.join(" "),
        shell_quote(&dir.to_string_lossy()),
        pid = std::process::id()
    );
    let _ = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
