//! The load benchmark: the `weft-server` binary (a separate process, so its memory is its
//! own) on loopback, many Rust clients editing a few documents, then convergence, a graceful
//! restart and a check that nothing is lost. Prints a Markdown table for BENCHMARKS.md.
//!
//! ```text
//! cargo bench -p weft-server --bench load -- --clients 200 --documents 20 --seconds 30
//! ```
//!
//! With `--servers N` the clients are spread over N server processes on the PostgreSQL and
//! Redis of `WEFT_TEST_POSTGRES` and `WEFT_TEST_REDIS` (`eval "$(scripts/services start)"`),
//! client `i` on server `i % N`: the propagation figures then include the fan-out from a
//! write on one server to clients of the others.
//!
//! ```text
//! cargo bench -p weft-server --bench load -- --servers 3 --clients 200 --documents 20 --seconds 30
//! ```

#[path = "../tests/common/load.rs"]
mod load;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use load::{LoadOptions, percentile};

struct Arguments {
    clients: usize,
    documents: usize,
    seconds: u64,
    pause_ms: u64,
    servers: usize,
}

fn arguments() -> Arguments {
    let mut parsed = Arguments {
        clients: 200,
        documents: 20,
        seconds: 30,
        pause_ms: 5,
        servers: 1,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut value = || -> u64 {
            words
                .next()
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{word} needs a number"))
        };
        match word.as_str() {
            "--clients" => parsed.clients = value() as usize,
            "--documents" => parsed.documents = value() as usize,
            "--seconds" => parsed.seconds = value(),
            "--pause-ms" => parsed.pause_ms = value(),
            "--servers" => parsed.servers = value() as usize,
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    parsed
}

/// Where the servers keep the documents: SQLite in a directory, or PostgreSQL and Redis.
enum Storage {
    Sqlite(tempfile::TempDir),
    Shared { postgres: String, redis: String },
}

/// The server binary on a free loopback port; returns it and its address.
fn spawn_server(storage: &Storage) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_weft-server"));
    command.args(["--address", "127.0.0.1:0", "--messages-per-second", "0"]);
    match storage {
        Storage::Sqlite(directory) => {
            command.arg("--data-dir").arg(directory.path());
        }
        Storage::Shared { postgres, redis } => {
            command.args(["--database", postgres, "--redis", redis]);
        }
    }
    let mut child = command
        .env_remove("WEFT_TOKEN")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server prints its address");
    let address = line
        .trim()
        .strip_prefix("Weft sync: ws://")
        .and_then(|rest| rest.strip_suffix("/sync/<document>"))
        .expect("the sync line")
        .to_string();
    (child, address)
}

/// Kibibytes of a `/proc/<pid>/status` field (`VmRSS`, `VmHWM`).
fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Server processes, killed if the benchmark panics before stopping them.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn stop(mut child: Child) {
    // SIGTERM: a graceful shutdown.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// A percentile of the propagation between servers, or "–" with one server.
fn cross_server(report: &load::LoadReport, p: f64) -> String {
    if report.cross_server.is_empty() {
        return "–".to_string();
    }
    format!("{:.1?}", percentile(&report.cross_server, p))
}

fn main() {
    let arguments = arguments();
    let storage = if arguments.servers > 1 {
        Storage::Shared {
            postgres: std::env::var("WEFT_TEST_POSTGRES")
                .expect("WEFT_TEST_POSTGRES for --servers"),
            redis: std::env::var("WEFT_TEST_REDIS").expect("WEFT_TEST_REDIS for --servers"),
        }
    } else {
        Storage::Sqlite(tempfile::tempdir().expect("a directory"))
    };
    // Names no earlier run used (a shared database keeps them).
    let run = std::process::id();
    let (mut servers, mut addresses) = (Servers(Vec::new()), Vec::new());
    for _ in 0..arguments.servers.max(1) {
        let (server, address) = spawn_server(&storage);
        servers.0.push(server);
        addresses.push(address);
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let options = LoadOptions {
        clients: arguments.clients,
        documents: arguments.documents,
        duration: Duration::from_secs(arguments.seconds),
        pause: Duration::from_millis(arguments.pause_ms),
        servers: arguments.servers.max(1),
    };
    let url_addresses = addresses.clone();
    let report = runtime.block_on(load::run(
        move |client, document| {
            let address = &url_addresses[client % url_addresses.len()];
            format!("ws://{address}/sync/load-{run}-{document}")
        },
        options,
    ));
    let rss: u64 = servers
        .0
        .iter()
        .map(|server| memory_kib(server.id(), "VmRSS"))
        .sum();
    let peak: u64 = servers
        .0
        .iter()
        .map(|server| memory_kib(server.id(), "VmHWM"))
        .sum();
    for server in std::mem::take(&mut servers.0) {
        stop(server);
    }
    let database = match &storage {
        Storage::Sqlite(directory) => {
            std::fs::metadata(directory.path().join(weft_server::DATABASE_FILE))
                .map(|metadata| metadata.len())
                .unwrap_or(0)
        }
        Storage::Shared { .. } => 0,
    };

    let (server, address) = spawn_server(&storage);
    let mut restarted = Servers(vec![server]);
    runtime.block_on(load::verify(
        move |document| format!("ws://{address}/sync/load-{run}-{document}"),
        &report,
    ));
    for server in std::mem::take(&mut restarted.0) {
        stop(server);
    }

    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "| servers | clients | documents | seconds | edits | edits/s | ack p50 | ack p99 | propagation p50 | propagation p99 | across servers p50 | across servers p99 | converged after | servers' RSS (peak) | database |"
    );
    let _ = writeln!(
        out,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {:.0} | {:.1?} | {:.1?} | {:.1?} | {:.1?} | {} | {} | {:.1?} | {:.1} MiB ({:.1} MiB) | {} |",
        arguments.servers.max(1),
        arguments.clients,
        arguments.documents,
        arguments.seconds,
        report.edits,
        report.throughput(),
        percentile(&report.acknowledgement, 50.0),
        percentile(&report.acknowledgement, 99.0),
        percentile(&report.propagation, 50.0),
        percentile(&report.propagation, 99.0),
        cross_server(&report, 50.0),
        cross_server(&report, 99.0),
        report.convergence,
        rss as f64 / 1024.0,
        peak as f64 / 1024.0,
        match storage {
            Storage::Sqlite(_) => format!("SQLite {:.1} MiB", database as f64 / (1024.0 * 1024.0)),
            Storage::Shared { .. } => "PostgreSQL + Redis".to_string(),
        },
    );
    let _ = writeln!(
        out,
        "every client converged; after a restart the server holds every edit ({} documents checked)",
        report.documents.len()
    );
}
