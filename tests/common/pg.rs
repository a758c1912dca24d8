//! A real PostgreSQL server for the tests: the one `FOURMI_TEST_POSTGRES` names (an address
//! where databases may be created, as `.ci/run` gives), else a throwaway cluster this test
//! process starts with the system's `initdb` and `postgres` (as the user `postgres` when the
//! tests run as root), on a socket in a temporary folder, stopped and removed when the process
//! ends. Each test gets a database of its own. Without PostgreSQL, `database()` says so once and
//! gives `None`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Server {
    /// `host=... port=... user=...` without a database.
    base: String,
    /// The shell that stops the server when our end of its input closes (the process ends).
    _stopper: Option<std::process::ChildStdin>,
}

static SERVER: OnceLock<Option<Server>> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

fn bin_dir() -> Option<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("postgres").exists() {
            return Some(dir);
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("postgres").exists() && b.join("initdb").exists())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Runs `script` with sh, as `postgres` when we are root.
fn shell(script: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }
}

fn start() -> Result<Server, String> {
    if let Ok(url) = std::env::var("FOURMI_TEST_POSTGRES") {
        return Ok(Server { base: url, _stopper: None });
    }
    cluster(None)
}

/// What a server that listens on this computer's network (127.0.0.1) is given: its certificate
/// and key (PEM; `None`: it offers no TLS). It accepts connections through TLS only when it has
/// them.
pub struct Tcp<'a> {
    pub tls: Option<(&'a str, &'a str)>,
}

/// Starts a throwaway cluster: on a socket only, or on 127.0.0.1 with `tcp`'s settings.
fn cluster(tcp: Option<Tcp>) -> Result<Server, String> {
    let bin = bin_dir().ok_or("no PostgreSQL server programs (initdb, postgres) on this machine")?;
    let dir = tempfile::Builder::new().prefix("fourmi-pg-").tempdir().map_err(|e| e.to_string())?.keep();
    if is_root() {
        let ok = Command::new("chown").args(["postgres:", &dir.display().to_string()]).status();
        if !ok.map(|s| s.success()).unwrap_or(false) {
            return Err("cannot give the temporary folder to the user postgres".into());
        }
    }
    let data = dir.join("data");
    let q = |p: &Path| format!("'{}'", p.display());
    let init = shell(&format!(
        "{} -D {} -U fourmi --auth=trust --no-sync -E UTF8 --locale=C >/dev/null",
        q(&bin.join("initdb")),
        q(&data)
    ))
    .status()
    .map_err(|e| format!("initdb: {e}"))?;
    if !init.success() {
        return Err("initdb failed".into());
    }
    let (port, listen, mut settings) = match &tcp {
        None => (20000 + (std::process::id() as usize % 30000), "''", String::new()),
        Some(_) => {
            let free = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            (free.local_addr().map_err(|e| e.to_string())?.port() as usize, "'127.0.0.1'", String::new())
        }
    };
    if let Some(Tcp { tls: Some((cert, key)) }) = &tcp {
        // Written by us, copied by the server's user (the key must be its own, readable by it only).
        std::fs::write(dir.join("given.crt"), cert).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("given.key"), key).map_err(|e| e.to_string())?;
        let copied = shell(&format!(
            "cp {d}/given.crt {d}/data/server.crt && cp {d}/given.key {d}/data/server.key && chmod 600 {d}/data/server.key \
             && printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n' > {d}/data/pg_hba.conf",
            d = q(&dir)
        ))
        .status()
        .map_err(|e| e.to_string())?;
        if !copied.success() {
            return Err("cannot give the server its certificate".into());
        }
        settings = "-c ssl=on".into();
    }
    // The server runs until our end of the shell's input closes: then it is stopped and its
    // folder removed, however this test process ends.
    let mut child = shell(&format!(
        "{} -D {} -p {port} -k {} -c listen_addresses={listen} {settings} -c fsync=off -c max_connections=200 >{} 2>&1 & pid=$!; read _; kill -INT $pid; wait $pid; rm -rf {}",
        q(&bin.join("postgres")),
        q(&data),
        q(&dir),
        q(&dir.join("log")),
        q(&dir)
    ))
    .stdin(Stdio::piped())
    .spawn()
    .map_err(|e| format!("postgres: {e}"))?;
    let stdin = child.stdin.take();
    let socket = format!("host={} port={port} user=fourmi", dir.display());
    for _ in 0..300 {
        if postgres::Client::connect(&format!("{socket} dbname=postgres"), postgres::NoTls).is_ok() {
            let base = if tcp.is_some() { format!("host=localhost port={port} user=fourmi") } else { socket };
            return Ok(Server { base, _stopper: stdin });
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
    Err(format!("the server did not start: {log}"))
}

/// A server of its own on 127.0.0.1 (see [`Tcp`]), running while the value lives: its address
/// without a database (`host=localhost port=... user=fourmi`), or why none could be started.
pub struct Listening {
    pub base: String,
    _server: Server,
}

pub fn listening(tcp: Tcp) -> Result<Listening, String> {
    let server = cluster(Some(tcp))?;
    Ok(Listening { base: server.base.clone(), _server: server })
}

/// The address of a new, empty database on the test server, or `None` (said once) without one.
pub fn database() -> Option<String> {
    let server = server()?;
    let name = format!("fourmi_t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let mut admin = postgres::Client::connect(&format!("{} dbname=postgres", server.base), postgres::NoTls)
        .expect("the test server accepts connections");
    admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("a test database");
    Some(format!("{} dbname={name}", server.base))
}

/// A new database, after dropping the ones this process made before (benchmarks, whose 1M-record
/// databases would fill the disk; not for tests, which run at once, each in its own).
#[allow(dead_code)]
pub fn fresh_database() -> Option<String> {
    let server = server()?;
    let mut admin = postgres::Client::connect(&format!("{} dbname=postgres", server.base), postgres::NoTls)
        .expect("the test server accepts connections");
    let made = NEXT.load(Ordering::SeqCst);
    for n in 0..made {
        let name = format!("fourmi_t{}_{n}", std::process::id());
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).expect("dropping a database");
    }
    database()
}

/// Runs SQL on the test server's database `url` as `user`, for tests that play an analyst.
pub fn connect_as(url: &str, user: &str) -> Result<postgres::Client, postgres::Error> {
    let mut parts: Vec<String> = url.split(' ').filter(|p| !p.starts_with("user=")).map(String::from).collect();
    parts.push(format!("user={user}"));
    postgres::Client::connect(&parts.join(" "), postgres::NoTls)
}

/// Whether a PostgreSQL server is there for the tests (started on first use).
pub fn available() -> bool {
    server().is_some()
}

fn server() -> Option<&'static Server> {
    SERVER
        .get_or_init(|| match start() {
            Ok(s) => Some(s),
            Err(why) => {
                eprintln!(
                    "SKIPPED on PostgreSQL: no PostgreSQL server could be started ({why}); these tests ran on SQLite only"
                );
                None
            }
        })
        .as_ref()
}
