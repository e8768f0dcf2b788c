//! Versions relative to what the receiver knows: with 2,000 replicas known (a document edited
//! from 2,000 page loads), a delta with nothing in it stays under 100 bytes, a resumed hello
//! under 1 KB, and a keystroke pushed in a session costs what it changed, not what the
//! document has known. Every exchange here runs the real protocol between two documents, and
//! checks that they end equal.

use weft::{Doc, ReplicaId, VersionVector};
use weft_sync::{Message, SyncConfig, SyncState, Version, generate, receive};

/// A document that 2,000 replicas wrote to, one change each, and a copy of it elsewhere.
fn document_of_many_replicas() -> (Doc, Doc) {
    let mut server = Doc::new(ReplicaId::from_u128(1));
    for id in 0..2_000u128 {
        let mut visitor = Doc::new(ReplicaId::from_u128(0x1000 + id * 7919));
        visitor.transact(|root| root.counter("visits").increment(1));
        server.merge(&visitor);
    }
    let mut client = Doc::new(ReplicaId::from_u128(2));
    client.merge(&server);
    assert_eq!(client.version().len(), 2_000);
    (server, client)
}

/// Runs both sides until neither has anything to say; returns the bytes of every message
/// each side sent, in order.
fn exchange(
    (client, client_state): (&mut Doc, &mut SyncState),
    (server, server_state): (&mut Doc, &mut SyncState),
) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let (mut from_client, mut from_server) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let mut to_server = Vec::new();
        while let Some(message) = generate(client_state, client) {
            to_server.push(message.to_bytes());
        }
        let mut to_client = Vec::new();
        while let Some(message) = generate(server_state, server) {
            to_client.push(message.to_bytes());
        }
        if to_server.is_empty() && to_client.is_empty() {
            return (from_client, from_server);
        }
        for bytes in &to_server {
            let message = Message::from_bytes(bytes).expect("decodes");
            receive(server_state, server, message).expect("received");
        }
        for bytes in &to_client {
            let message = Message::from_bytes(bytes).expect("decodes");
            receive(client_state, client, message).expect("received");
        }
        from_client.extend(to_server);
        from_server.extend(to_client);
    }
    panic!("the exchange did not settle");
}

fn hello_len(messages: &[Vec<u8>]) -> usize {
    messages
        .iter()
        .find(|bytes| matches!(Message::from_bytes(bytes), Ok(Message::Hello(_))))
        .map(Vec::len)
        .expect("a hello")
}

#[test]
fn a_delta_with_nothing_in_it_is_small_however_many_replicas_are_known() {
    let (server, mut other) = document_of_many_replicas();
    let nothing = weft::Replicated::encoded_delta_since(&server, &other.version());
    assert!(nothing.len() < 100, "{} bytes", nothing.len());
    assert_eq!(
        weft::Replicated::apply_encoded(&mut other, &nothing),
        Ok(weft::Outcome::Redundant)
    );
}

#[test]
fn a_resumed_session_says_what_differs_not_what_the_document_has_known() {
    let (mut server, mut client) = document_of_many_replicas();
    let mut client_state = SyncState::with_config(SyncConfig::default(), 10);
    let mut server_state =
        SyncState::with_config(SyncConfig::default().with_hello_after_peer(true), 20);

    // The first connection: whole versions, once.
    let (first_client, first_server) = exchange(
        (&mut client, &mut client_state),
        (&mut server, &mut server_state),
    );
    assert!(hello_len(&first_client) > 30_000);
    assert!(client.same_state(&server));
    // The server's hello waited for the client's and says only what differs from it.
    assert!(
        hello_len(&first_server) < 200,
        "{}",
        hello_len(&first_server)
    );

    // Live: a keystroke costs what it changed.
    client.transact(|root| root.text("notes").insert(0, "a"));
    let push = generate(&mut client_state, &client).expect("the change");
    let push_len = push.to_bytes().len();
    assert!(push_len < 150, "a keystroke push of {push_len} bytes");
    let Message::Changes(changes) = &push else {
        panic!("a change")
    };
    assert!(matches!(changes.version, Version::Against { .. }));
    receive(&mut server_state, &mut server, push).expect("received");
    let ack = generate(&mut server_state, &server).expect("the ack");
    assert!(
        ack.to_bytes().len() < 100,
        "an ack of {}",
        ack.to_bytes().len()
    );
    receive(&mut client_state, &mut client, ack).expect("received");
    assert!(client.same_state(&server));

    // The client goes away, edits offline, and comes back resuming its saved state; the
    // server meets it as a new connection.
    let saved = client_state.save();
    client.transact(|root| root.text("notes").insert(1, "b"));
    let mut resumed = SyncState::resume_with_config(&saved, SyncConfig::default(), 11).unwrap();
    let mut fresh_server =
        SyncState::with_config(SyncConfig::default().with_hello_after_peer(true), 21);
    let (from_client, from_server) = exchange(
        (&mut client, &mut resumed),
        (&mut server, &mut fresh_server),
    );
    let client_hello = hello_len(&from_client);
    let server_hello = hello_len(&from_server);
    assert!(
        client_hello < 1024,
        "a resumed hello of {client_hello} bytes"
    );
    assert!(
        server_hello < 1024,
        "the server's hello of {server_hello} bytes"
    );
    for bytes in from_client.iter().chain(&from_server) {
        assert!(bytes.len() < 1024, "a message of {} bytes", bytes.len());
    }
    assert!(client.same_state(&server));
    assert_eq!(server.to_json(), r#"{"notes":"ab","visits":2000}"#);
}

#[test]
fn a_sketch_that_cannot_reconcile_falls_back_to_the_whole_version() {
    let (mut server, mut client) = document_of_many_replicas();
    let mut client_state = SyncState::with_config(SyncConfig::default(), 30);
    let mut server_state = SyncState::with_config(SyncConfig::default(), 40);
    exchange(
        (&mut client, &mut client_state),
        (&mut server, &mut server_state),
    );
    let saved = client_state.save();
    // Meanwhile 300 other replicas move on at the server: more than a sketch sized for the
    // client's own changes can tell apart.
    for id in 0..300u128 {
        let mut visitor = Doc::new(ReplicaId::from_u128(0x1000 + id * 7919));
        visitor.merge(&server);
        visitor.transact(|root| root.counter("visits").increment(1));
        server.merge(&visitor);
    }
    let mut resumed = SyncState::resume_with_config(&saved, SyncConfig::default(), 31).unwrap();
    let mut fresh_server = SyncState::with_config(SyncConfig::default(), 41);
    exchange(
        (&mut client, &mut resumed),
        (&mut server, &mut fresh_server),
    );
    assert!(client.same_state(&server));
    assert_eq!(client.version(), server.version());
    assert_ne!(client.version(), VersionVector::new());
}
