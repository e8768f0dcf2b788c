//! The load benchmark: the `weft-server` binary (a separate process, so its memory is its
//! own) on loopback, many Rust clients editing a few documents, then convergence, a graceful
//! restart and a check that nothing is lost. Prints a Markdown table for BENCHMARKS.md.
//!
//! ```text
//! cargo bench -p weft-server --bench load -- --clients 200 --documents 20 --seconds 30
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
}

fn arguments() -> Arguments {
    let mut parsed = Arguments {
        clients: 200,
        documents: 20,
        seconds: 30,
        pause_ms: 5,
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
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    parsed
}

/// The server binary on a free loopback port; returns it and its address.
fn spawn_server(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft-server"))
        .args([
            "--address",
            "127.0.0.1:0",
            "--messages-per-second",
            "0",
            "--data-dir",
        ])
        .arg(data_dir)
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

fn stop(mut child: Child) {
    // SIGTERM: a graceful shutdown.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

fn main() {
    let arguments = arguments();
    let directory = tempfile::tempdir().expect("a directory");
    let (server, address) = spawn_server(directory.path());
    let pid = server.id();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let options = LoadOptions {
        clients: arguments.clients,
        documents: arguments.documents,
        duration: Duration::from_secs(arguments.seconds),
        pause: Duration::from_millis(arguments.pause_ms),
    };
    let url_address = address.clone();
    let report = runtime.block_on(load::run(
        move |document| format!("ws://{url_address}/sync/load-{document}"),
        options,
    ));
    let rss = memory_kib(pid, "VmRSS");
    let peak = memory_kib(pid, "VmHWM");
    stop(server);
    let database = std::fs::metadata(directory.path().join(weft_server::DATABASE_FILE))
        .map(|metadata| metadata.len())
        .unwrap_or(0);

    let (server, address) = spawn_server(directory.path());
    runtime.block_on(load::verify(
        move |document| format!("ws://{address}/sync/load-{document}"),
        &report,
    ));
    stop(server);

    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "| clients | documents | seconds | edits | edits/s | ack p50 | ack p99 | propagation p50 | propagation p99 | converged after | server RSS (peak) | database |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {:.0} | {:.1?} | {:.1?} | {:.1?} | {:.1?} | {:.1?} | {:.1} MiB ({:.1} MiB) | {:.1} MiB |",
        arguments.clients,
        arguments.documents,
        arguments.seconds,
        report.edits,
        report.throughput(),
        percentile(&report.acknowledgement, 50.0),
        percentile(&report.acknowledgement, 99.0),
        percentile(&report.propagation, 50.0),
        percentile(&report.propagation, 99.0),
        report.convergence,
        rss as f64 / 1024.0,
        peak as f64 / 1024.0,
        database as f64 / (1024.0 * 1024.0),
    );
    let _ = writeln!(
        out,
        "every client converged; after a restart the server holds every edit ({} documents checked)",
        report.documents.len()
    );
}
