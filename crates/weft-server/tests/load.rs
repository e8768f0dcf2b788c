//! A short, bounded load test for CI: 50 clients edit 10 documents for 5 seconds through a
//! server on loopback; every client converges, nothing is lost, and a restarted server
//! holds the same states. The full run (200 clients, 20 documents, 30 s, server memory) is
//! `cargo bench -p weft-server --bench load`.

mod common;
#[path = "common/load.rs"]
mod load;

use std::time::Duration;

use load::{LoadOptions, percentile};

#[tokio::test(flavor = "multi_thread")]
async fn fifty_clients_for_five_seconds_converge_and_lose_nothing() {
    let directory = tempfile::tempdir().expect("a directory");
    let loosen = |config: &mut weft_server::Config| config.limits.messages_per_second = 0;
    let server = common::start_in(&directory, loosen).await;
    let address = server.local_addr();
    let url_of =
        move |_client: usize, document: usize| format!("ws://{address}/sync/load-{document}");
    let options = LoadOptions {
        clients: 50,
        documents: 10,
        duration: Duration::from_secs(5),
        pause: Duration::from_millis(5),
        servers: 1,
    };
    let report = load::run(url_of, options).await;
    assert!(report.edits > 0);
    eprintln!(
        "load: {} edits in {:.1?} = {:.0}/s; acknowledgement p50 {:.1?} p99 {:.1?}; \
         propagation p50 {:.1?} p99 {:.1?}; converged in {:.1?}",
        report.edits,
        report.elapsed,
        report.throughput(),
        percentile(&report.acknowledgement, 50.0),
        percentile(&report.acknowledgement, 99.0),
        percentile(&report.propagation, 50.0),
        percentile(&report.propagation, 99.0),
        report.convergence,
    );
    server.shutdown().await.expect("a clean shutdown");

    let server = common::start_in(&directory, loosen).await;
    let address = server.local_addr();
    load::verify(
        move |document| format!("ws://{address}/sync/load-{document}"),
        &report,
    )
    .await;
    server.shutdown().await.expect("a clean shutdown");
}
