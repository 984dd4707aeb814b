//! The systemd integration: the unit file verifies, and the daemon speaks the
//! sd_notify protocol (READY=1 once running, watchdog pings, STOPPING=1).

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

#[test]
fn unit_file_verifies_with_systemd_analyze() {
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/systemd/feedsieve.service"
    ))
    .unwrap();
    for key in [
        "Type=notify",
        "DynamicUser=yes",
        "StateDirectory=feedsieve",
        "ConfigurationDirectory=feedsieve",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "SystemCallFilter=@system-service",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "WatchdogSec=",
    ] {
        assert!(unit.contains(key), "unit lacks {key}");
    }
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed here; only the unit's keys were checked");
        return;
    };
    assert!(probe.status.success());
    // Verify the real unit, pointed at the binary just built.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedsieve.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/feedsieve", BIN)).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.trim().is_empty(),
        "systemd-analyze verify:\n{text}"
    );
}

#[test]
fn daemon_notifies_ready_pings_the_watchdog_and_says_stopping() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feedsieve.toml"),
        "[storage]\ndatabase = \"f.db\"\n",
    )
    .unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut daemon = Command::new(BIN)
        .arg("--config")
        .arg(dir.path().join("feedsieve.toml"))
        .arg("run")
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "400000")
        .env_remove("WATCHDOG_PID")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let mut seen = Vec::new();
    let start = Instant::now();
    let mut buf = [0u8; 512];
    while start.elapsed() < Duration::from_secs(15) {
        if let Ok(n) = socket.recv(&mut buf) {
            seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
        if seen.iter().any(|m| m.contains("READY=1"))
            && seen.iter().filter(|m| m.contains("WATCHDOG=1")).count() >= 2
        {
            break;
        }
    }
    let ready_at = seen.iter().position(|m| m.contains("READY=1"));
    assert!(ready_at.is_some(), "no READY=1 in {seen:?}");
    assert!(
        seen.iter().filter(|m| m.contains("WATCHDOG=1")).count() >= 2,
        "no watchdog pings in {seen:?}"
    );
    assert!(
        dir.path().join("f.db").exists(),
        "READY=1 before the database was opened"
    );

    Command::new("kill")
        .arg("-TERM")
        .arg(daemon.id().to_string())
        .status()
        .unwrap();
    let status = daemon.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut stopping = false;
    while let Ok(n) = socket.recv(&mut buf) {
        stopping |= String::from_utf8_lossy(&buf[..n]).contains("STOPPING=1");
    }
    assert!(stopping, "no STOPPING=1 after SIGTERM");
}
