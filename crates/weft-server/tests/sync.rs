//! End to end through the server: convergence, restarts, offline clients, multiplexing.

mod common;

use std::time::Duration;

use common::{connect, converge, edit_board, json, likes, replica, start, start_in};
use futures_util::StreamExt as _;
use weft::sync::{Message, SyncState, generate, receive};
use weft::{Object, Replica};
use weft_server::{DocumentId, SyncClient, envelope};

#[tokio::test]
async fn concurrent_edits_of_three_clients_converge() {
    let (server, _directory) = start(|_| {}).await;
    let url = server.sync_url("board");
    let mut clients = vec![
        connect(&url).await,
        connect(&url).await,
        connect(&url).await,
    ];
    for round in 0..5 {
        for (index, client) in clients.iter_mut().enumerate() {
            edit_board(client, &format!("c{index}r{round}"))
                .await
                .expect("the edit is sent");
        }
    }
    converge(&mut clients).await;
    let board = clients[0].replica();
    assert_eq!(likes(board), 15);
    assert_eq!(
        board.store().get_set("tags").map(|tags| tags.len()),
        Some(15)
    );
    assert_eq!(
        board.store().get_text("note").map(|note| note.len()),
        Some(15 * "c0r0;".len())
    );
    // A newcomer receives the whole board in its handshake.
    let mut newcomer = connect(&url).await;
    newcomer.settle().await.expect("the newcomer settles");
    assert_eq!(json(newcomer.replica()), json(board));
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_restart_loses_nothing_acknowledged_and_compaction_keeps_everything() {
    let directory = tempfile::tempdir().expect("a directory");
    // Compact as soon as the deltas outweigh the snapshot.
    let compact_early = |config: &mut weft_server::Config| {
        config.storage.compact_after_bytes = 0;
    };
    let server = start_in(&directory, compact_early).await;
    let url = server.sync_url("board");
    let mut alice = connect(&url).await;
    let mut bob = connect(&url).await;
    for round in 0..40 {
        edit_board(&mut alice, &format!("a{round}"))
            .await
            .expect("sent");
        edit_board(&mut bob, &format!("b{round}"))
            .await
            .expect("sent");
    }
    alice
        .settle()
        .await
        .expect("alice's edits are acknowledged");
    bob.settle().await.expect("bob's edits are acknowledged");
    let mut both = [alice, bob];
    converge(&mut both).await;
    let before = json(both[0].replica());
    server.shutdown().await.expect("a clean shutdown");

    // Compaction left a snapshot and few deltas, not one per edit.
    let database = rusqlite::Connection::open(directory.path().join(weft_server::DATABASE_FILE))
        .expect("the database opens");
    let deltas: i64 = database
        .query_row(
            "SELECT COUNT(*) FROM pieces WHERE snapshot = 0",
            [],
            |row| row.get(0),
        )
        .expect("a count");
    assert!(deltas < 40, "{deltas} deltas after 80 edits: no compaction");
    drop(database);

    let server = start_in(&directory, compact_early).await;
    let mut reader = connect(&server.sync_url("board")).await;
    reader.settle().await.expect("the reader settles");
    assert_eq!(json(reader.replica()), before);
    assert_eq!(likes(reader.replica()), 80);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_client_offline_for_a_while_converges_when_it_reconnects() {
    let directory = tempfile::tempdir().expect("a directory");
    let server = start_in(&directory, |_| {}).await;
    let url = server.sync_url("board");
    let mut online = connect(&url).await;
    let mut traveller = connect(&url).await;
    edit_board(&mut traveller, "before the trip")
        .await
        .expect("sent");
    traveller.settle().await.expect("acknowledged");

    // The traveller goes offline and keeps editing; the others edit too, and the server
    // restarts meanwhile.
    let (mut offline, mut state) = traveller.into_parts();
    for round in 0..10 {
        offline.update(|root| {
            Object::edit(root, |root| {
                root.text("note")
                    .insert(0, &format!("offline {round};"))
                    .expect("an insertion");
                root.counter("likes").increment(1);
            });
        });
        edit_board(&mut online, &format!("online {round}"))
            .await
            .expect("sent");
    }
    online.settle().await.expect("acknowledged");
    drop(online);
    server.shutdown().await.expect("a clean shutdown");
    let server = start_in(&directory, |_| {}).await;
    let url = server.sync_url("board");
    let online = connect(&url).await;

    state.reconnect();
    let traveller = SyncClient::connect_with_state(&url, offline, state)
        .await
        .expect("the traveller reconnects");
    let mut clients = [online, traveller];
    converge(&mut clients).await;
    assert_eq!(likes(clients[0].replica()), 1 + 10 + 10);
    let note = clients[1]
        .replica()
        .store()
        .get_text("note")
        .expect("a note");
    assert!(note.chars().collect::<String>().contains("offline 9;"));
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn documents_are_independent() {
    let (server, _directory) = start(|_| {}).await;
    let mut first = connect(&server.sync_url("first")).await;
    let mut second = connect(&server.sync_url("second")).await;
    edit_board(&mut first, "one").await.expect("sent");
    first.settle().await.expect("acknowledged");
    second.settle().await.expect("settled");
    assert_eq!(likes(second.replica()), 0);
    assert_eq!(server.loaded_documents(), 2);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn documents_unload_when_idle_and_reload_from_the_database() {
    let (server, _directory) = start(|config| config.storage.unload_after_seconds = 0).await;
    let url = server.sync_url("board");
    let mut client = connect(&url).await;
    edit_board(&mut client, "kept").await.expect("sent");
    client.settle().await.expect("acknowledged");
    client.close().await.expect("closed");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while server.loaded_documents() > 0 {
        assert!(tokio::time::Instant::now() < deadline, "never unloaded");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut again = connect(&url).await;
    again.settle().await.expect("settled");
    assert_eq!(likes(again.replica()), 1);
    server.shutdown().await.expect("a clean shutdown");
}

/// A client of several documents over one multiplexed connection (`/sync`).
struct Multiplexed {
    socket: common::RawSocket,
    documents: Vec<(DocumentId, SyncState, Replica<Object>)>,
}

impl Multiplexed {
    async fn flush(&mut self) {
        for (document, state, replica) in &mut self.documents {
            while let Some(message) = generate(state, &*replica) {
                common::send_binary(
                    &mut self.socket,
                    envelope::seal(document, &message.to_bytes()),
                )
                .await;
            }
        }
    }

    async fn receive_one(&mut self) {
        let message = tokio::time::timeout(Duration::from_secs(10), self.socket.next())
            .await
            .expect("a message in time")
            .expect("the connection is open")
            .expect("a message");
        let bytes = message.into_data();
        let (document, frame) = envelope::open(&bytes).expect("an envelope");
        let (_, state, replica) = self
            .documents
            .iter_mut()
            .find(|(id, _, _)| *id == document)
            .expect("a document of this connection");
        receive(state, replica, Message::from_bytes(frame).expect("a frame")).expect("received");
        self.flush().await;
    }

    async fn settle(&mut self) {
        self.flush().await;
        while !self
            .documents
            .iter()
            .all(|(_, state, replica)| state.is_idle(replica))
        {
            self.receive_one().await;
        }
    }
}

#[tokio::test]
async fn one_multiplexed_connection_syncs_several_documents() {
    let (server, _directory) = start(|_| {}).await;
    let address = server.local_addr();
    let mut documents = Vec::new();
    for (name, amount) in [("left", 2), ("right", 5)] {
        let mut replica = replica();
        replica.update(|root| Object::edit(root, |root| root.counter("likes").increment(amount)));
        documents.push((
            DocumentId::parse(name).expect("an id"),
            SyncState::new(),
            replica,
        ));
    }
    let mut multiplexed = Multiplexed {
        socket: common::raw_connect(&format!("ws://{address}/sync")).await,
        documents,
    };
    multiplexed.settle().await;
    for (name, expected) in [("left", 2), ("right", 5)] {
        let mut reader = connect(&server.sync_url(name)).await;
        reader.settle().await.expect("settled");
        assert_eq!(likes(reader.replica()), expected, "{name}");
    }
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_multiplexed_connection_is_limited_in_documents() {
    let (server, _directory) = start(|config| config.limits.max_documents_per_connection = 2).await;
    let address = server.local_addr();
    let mut socket = common::raw_connect(&format!("ws://{address}/sync")).await;
    for name in ["a", "b", "c"] {
        let replica = replica();
        let hello = generate(&mut SyncState::new(), &replica).expect("a hello");
        let document = DocumentId::parse(name).expect("an id");
        common::send_binary(&mut socket, envelope::seal(&document, &hello.to_bytes())).await;
    }
    let (code, reason) = common::expect_close(&mut socket).await;
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("too many documents"), "{reason}");
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn shutdown_closes_sessions_with_going_away() {
    let (server, _directory) = start(|_| {}).await;
    let mut client = connect(&server.sync_url("board")).await;
    edit_board(&mut client, "last words").await.expect("sent");
    client.settle().await.expect("acknowledged");
    let shutdown = tokio::spawn(server.shutdown());
    let error = loop {
        if let Err(error) = client.receive().await {
            break error;
        }
    };
    assert!(
        matches!(error, weft_server::ClientError::Closed { code: 1001, .. }),
        "{error}"
    );
    shutdown.await.expect("joined").expect("a clean shutdown");
}
