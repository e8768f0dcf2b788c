//! The server binary killed with SIGKILL in the middle of a session loses nothing it
//! acknowledged: acknowledgements only cover committed changes.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use common::{connect, edit_board, likes};

/// Starts the `weft-server` binary on a free loopback port; returns it and its sync URL of
/// the `board` document.
fn spawn_server(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft-server"))
        .args(["--address", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("WEFT_TOKEN")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the server prints its address");
    let url = line
        .trim()
        .strip_prefix("Weft sync: ")
        .expect("the sync line")
        .replace("<document>", "board");
    (child, url)
}

#[tokio::test]
async fn a_killed_server_loses_nothing_it_acknowledged() {
    let directory = tempfile::tempdir().expect("a directory");
    let (mut server, url) = spawn_server(directory.path());
    let mut client = connect(&url).await;
    for round in 0..20 {
        edit_board(&mut client, &format!("edit {round}"))
            .await
            .expect("sent");
    }
    client.settle().await.expect("acknowledged");
    let acknowledged = common::json(client.replica());
    // More edits, not waited for: they may or may not survive.
    for round in 20..25 {
        edit_board(&mut client, &format!("edit {round}"))
            .await
            .expect("sent");
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("the server ends");

    let (mut server, url) = spawn_server(directory.path());
    let mut reader = connect(&url).await;
    reader.settle().await.expect("settled");
    let recovered = likes(reader.replica());
    assert!(
        (20..=25).contains(&recovered),
        "{recovered} likes recovered"
    );
    if recovered == 20 {
        assert_eq!(common::json(reader.replica()), acknowledged);
    }
    // The client that lost its connection reconnects and sends what was not acknowledged.
    let (replica, mut state) = client.into_parts();
    state.reconnect();
    let client = weft_server::SyncClient::connect_with_state(&url, replica, state)
        .await
        .expect("reconnects");
    let mut clients = [client, reader];
    common::converge(&mut clients).await;
    assert_eq!(likes(clients[1].replica()), 25);
    server.kill().expect("stopped");
    server.wait().expect("the server ends");
}
