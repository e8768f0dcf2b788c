//! Several weft-server instances on one real PostgreSQL and one real Redis (started by
//! `scripts/services`): clients spread over the servers converge, through the bus, through
//! catching up from the database when the bus drops messages or Redis goes away, and two
//! servers compacting one document at once lose nothing.

mod common;

use std::time::Duration;

use common::services::{services, start_server, unique};
use common::{Client, connect, converge, edit_board, likes};

/// Random edits of `clients` (client `i` on document `i % documents`) for `rounds`;
/// returns the edits made per document.
async fn edit_at_random(clients: &mut [Client], documents: usize, rounds: usize) -> Vec<i64> {
    let mut edits = vec![0; documents];
    for round in 0..rounds {
        for (index, client) in clients.iter_mut().enumerate() {
            // A pseudo-random half of the clients edit each round.
            if (index * 7 + round * 13) % 5 < 3 {
                edit_board(client, &format!("c{index}r{round}"))
                    .await
                    .expect("an edit is sent");
                edits[index % documents] += 1;
            }
        }
        for client in clients.iter_mut() {
            client
                .receive_for(Duration::from_millis(5))
                .await
                .expect("the client receives");
        }
    }
    edits
}

/// Every client of each document holds the same state with every edit made to it.
async fn converge_by_document(clients: Vec<Client>, documents: usize, edits: &[i64]) {
    let mut by_document: Vec<Vec<Client>> = (0..documents).map(|_| Vec::new()).collect();
    for (index, client) in clients.into_iter().enumerate() {
        by_document[index % documents].push(client);
    }
    for (document, clients) in by_document.iter_mut().enumerate() {
        converge(clients).await;
        assert_eq!(
            likes(clients[0].replica()),
            edits[document],
            "document {document}: edits lost"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_clients_on_three_servers_converge() {
    let Some(services) = services("thirty_clients_on_three_servers_converge") else {
        return;
    };
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(start_server(&services.postgres, &services.redis, |_| {}).await);
    }
    let prefix = unique("three");
    let documents = 5;
    let mut clients = Vec::new();
    for index in 0..30 {
        let server = &servers[index % 3];
        let document = format!("{prefix}-{}", index % documents);
        clients.push(connect(&server.sync_url(&document)).await);
    }
    let edits = edit_at_random(&mut clients, documents, 12).await;
    converge_by_document(clients, documents, &edits).await;
    for server in servers {
        server.shutdown().await.expect("a clean shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_bus_messages_are_caught_up_from_the_database() {
    let Some(services) = services("dropped_bus_messages_are_caught_up_from_the_database") else {
        return;
    };
    let mut servers = Vec::new();
    for _ in 0..3 {
        let server = start_server(&services.postgres, &services.redis, |_| {}).await;
        assert!(server.drop_bus_messages(40));
        servers.push(server);
    }
    let prefix = unique("drops");
    let documents = 2;
    let mut clients = Vec::new();
    for index in 0..9 {
        let document = format!("{prefix}-{}", index % documents);
        clients.push(connect(&servers[index % 3].sync_url(&document)).await);
    }
    let edits = edit_at_random(&mut clients, documents, 10).await;
    converge_by_document(clients, documents, &edits).await;
    for server in servers {
        server.shutdown().await.expect("a clean shutdown");
    }
}

/// A Redis of the test's own, to stop and start again.
struct OwnRedis {
    binary: String,
    port: u16,
    child: std::process::Child,
}

impl OwnRedis {
    fn start(binary: &str, port: u16) -> Self {
        let child = std::process::Command::new(binary)
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--save",
                "",
            ])
            .args(["--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server starts");
        Self {
            binary: binary.to_string(),
            port,
            child,
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        self.child.kill().expect("redis-server stops");
        self.child.wait().expect("redis-server ends");
    }

    fn restart(&mut self) {
        *self = Self::start(&self.binary, self.port);
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_keep_serving_while_redis_is_down_and_catch_up_after() {
    let test = "servers_keep_serving_while_redis_is_down_and_catch_up_after";
    let Some(services) = services(test) else {
        return;
    };
    let binary = services
        .redis_server
        .clone()
        .expect("WEFT_TEST_REDIS_SERVER names the redis-server binary");
    let mut redis = OwnRedis::start(&binary, free_port());
    common::services::eventually("Redis starts", Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", redis.port)).is_ok()
    })
    .await;
    let mut servers = Vec::new();
    for _ in 0..2 {
        servers.push(
            start_server(&services.postgres, &redis.url(), |config| {
                config.storage.catch_up_ms = 60_000; // only the bus and its reconnection
            })
            .await,
        );
    }
    let document = unique("outage");
    let mut clients = Vec::new();
    for index in 0..6 {
        clients.push(connect(&servers[index % 2].sync_url(&document)).await);
    }
    let mut edits = edit_at_random(&mut clients, 1, 4).await[0];
    converge(&mut clients).await;

    redis.stop();
    // Each server serves its own clients meanwhile: they converge among themselves.
    edits += edit_at_random(&mut clients, 1, 4).await[0];
    for client in clients.iter_mut() {
        client.settle().await.expect("acknowledged without Redis");
    }
    redis.restart();
    edits += edit_at_random(&mut clients, 1, 2).await[0];
    converge(&mut clients).await;
    assert_eq!(likes(clients[0].replica()), edits);
    for server in servers {
        server.shutdown().await.expect("a clean shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_compacting_one_document_lose_nothing() {
    let Some(services) = services("two_servers_compacting_one_document_lose_nothing") else {
        return;
    };
    // Every commit that outweighs the snapshot compacts: here nearly every one, on both.
    let compact_always = |config: &mut weft_server::Config| config.storage.compact_after_bytes = 0;
    let first = start_server(&services.postgres, &services.redis, compact_always).await;
    let second = start_server(&services.postgres, &services.redis, compact_always).await;
    let document = unique("compact");
    let mut clients = Vec::new();
    for index in 0..6 {
        let server = if index % 2 == 0 { &first } else { &second };
        clients.push(connect(&server.sync_url(&document)).await);
    }
    let edits = edit_at_random(&mut clients, 1, 15).await[0];
    converge(&mut clients).await;
    assert_eq!(likes(clients[0].replica()), edits);
    first.shutdown().await.expect("a clean shutdown");
    second.shutdown().await.expect("a clean shutdown");

    // A fresh server loads the document from what the compactions left.
    let third = start_server(&services.postgres, &services.redis, |_| {}).await;
    let mut reader = connect(&third.sync_url(&document)).await;
    reader.settle().await.expect("the reader settles");
    assert_eq!(likes(reader.replica()), edits);
    assert_eq!(reader.replica().digest(), clients[0].replica().digest());
    third.shutdown().await.expect("a clean shutdown");
}
