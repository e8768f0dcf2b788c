//! Three `weft-server` processes on one real PostgreSQL and Redis; one is killed with
//! SIGKILL under load: its clients reconnect to the others and send again what was not
//! acknowledged, and nothing any server acknowledged is lost.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::services::{services, unique};
use common::{Client, converge, edit_board, likes};
use weft_server::SyncClient;

/// The server binary on PostgreSQL and Redis; returns it and its address.
fn spawn_server(postgres: &str, redis: &str) -> (Child, String) {
    let directory = std::env::temp_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft-server"))
        .args(["--address", "127.0.0.1:0", "--messages-per-second", "0"])
        .args([
            "--database",
            postgres,
            "--redis",
            redis,
            "--catch-up-ms",
            "500",
        ])
        .arg("--data-dir")
        .arg(directory)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_nothing_any_server_acknowledged() {
    let Some(services) = services("a_killed_server_loses_nothing_any_server_acknowledged") else {
        return;
    };
    let mut servers: Vec<(Child, String)> = (0..3)
        .map(|_| spawn_server(&services.postgres, &services.redis))
        .collect();
    let document = unique("killed");
    let url = |address: &str| format!("ws://{address}/sync/{document}");
    let mut clients: Vec<Client> = Vec::new();
    for index in 0..9 {
        clients.push(common::connect(&url(&servers[index % 3].1)).await);
    }
    for round in 0..5 {
        for (index, client) in clients.iter_mut().enumerate() {
            edit_board(client, &format!("c{index}r{round}"))
                .await
                .expect("sent");
        }
    }
    for client in clients.iter_mut() {
        client.settle().await.expect("acknowledged");
    }
    // Under load: more edits in flight, then SIGKILL of the first server.
    for (index, client) in clients.iter_mut().enumerate() {
        edit_board(client, &format!("c{index}late"))
            .await
            .expect("sent");
    }
    let (mut killed, _) = servers.remove(0);
    killed.kill().expect("SIGKILL");
    killed.wait().expect("the server ends");

    // Its clients reconnect to the others and resend; the others settle.
    let mut survivors = Vec::new();
    for (index, client) in clients.into_iter().enumerate() {
        if index % 3 == 0 {
            let (replica, mut state) = client.into_parts();
            state.reconnect();
            let address = &servers[index % 2].1;
            let client = SyncClient::connect_with_state(&url(address), replica, state)
                .await
                .expect("reconnects to another server");
            survivors.push(client);
        } else {
            survivors.push(client);
        }
    }
    converge(&mut survivors).await;
    // Every edit of every client is there: 6 each.
    assert_eq!(likes(survivors[0].replica()), 9 * 6);

    // And in the database: a fresh reader on a surviving server sees the same.
    let mut reader = common::connect(&url(&servers[0].1)).await;
    let give_up = tokio::time::Instant::now() + Duration::from_secs(10);
    while reader.replica().digest() != survivors[0].replica().digest() {
        assert!(
            tokio::time::Instant::now() < give_up,
            "the reader did not converge"
        );
        reader
            .receive_for(Duration::from_millis(50))
            .await
            .expect("the reader receives");
    }
    for (mut server, _) in servers {
        server.kill().expect("stopped");
        server.wait().expect("the server ends");
    }
}
