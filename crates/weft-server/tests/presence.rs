//! Presence through the server: entries a client sends reach the document's other
//! subscribed clients (never the sender, never a client that sent no presence), a client
//! that subscribes is sent who is present, leaving and timing out relay removals, the
//! bounds hold (client ids per session, no spoofing, malformed frames, the message rate),
//! read-only tokens may publish presence and an expiring token removes it, multiplexed
//! connections carry presence per document, and two servers relay each other's clients
//! over Redis.

mod common;

use std::time::Duration;

use common::services::{services, start_server, unique};
use common::{
    RawSocket, connect, edit_board, expect_close, likes, raw_connect, send_binary, start,
};
use futures_util::{SinkExt as _, StreamExt as _};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use weft::ReplicaId;
use weft::internals::codec::frame::{self, Kind};
use weft::internals::codec::{Encode as _, Encoder};
use weft::sync::presence::{self, Entry, MAX_CLIENTS_PER_MESSAGE, PRESENCE_TAG};
use weft_server::{DocumentId, envelope};

/// How long a test waits for a frame it expects.
const WAIT: Duration = Duration::from_secs(5);

fn entry(client: u128, clock: u64, state: Option<&str>) -> Entry {
    Entry {
        client: ReplicaId::from_u128(client),
        clock,
        state: state.map(str::to_owned),
    }
}

fn sorted(mut entries: Vec<Entry>) -> Vec<Entry> {
    entries.sort_by_key(|entry| entry.client);
    entries
}

/// A client speaking presence over a raw WebSocket: on `/sync/<document>`, or on `/sync`
/// with envelopes.
struct PresencePeer {
    socket: RawSocket,
    multiplexed: bool,
}

impl PresencePeer {
    async fn open(url: &str) -> Self {
        Self {
            socket: raw_connect(url).await,
            multiplexed: false,
        }
    }

    async fn open_multiplexed(url: &str) -> Self {
        Self {
            socket: raw_connect(url).await,
            multiplexed: true,
        }
    }

    async fn send(&mut self, entries: &[Entry]) {
        let bytes = presence::encode(entries).expect("entries within the limits");
        send_binary(&mut self.socket, bytes).await;
    }

    async fn send_to(&mut self, document: &DocumentId, entries: &[Entry]) {
        let bytes = presence::encode(entries).expect("entries within the limits");
        send_binary(&mut self.socket, envelope::seal(document, &bytes)).await;
    }

    /// The next presence frame within `limit` (skipping sync frames), with its document on
    /// a multiplexed connection; `None` if none came in time.
    async fn next_within(&mut self, limit: Duration) -> Option<(Option<DocumentId>, Vec<Entry>)> {
        let read = async {
            loop {
                let message = self
                    .socket
                    .next()
                    .await
                    .expect("the connection is open")
                    .expect("a message");
                let bytes = match message {
                    WsMessage::Binary(bytes) => bytes.to_vec(),
                    WsMessage::Close(frame) => panic!("closed by the server: {frame:?}"),
                    _ => continue,
                };
                let (document, frame) = if self.multiplexed {
                    let (document, frame) = envelope::open(&bytes).expect("an envelope");
                    (Some(document), frame.to_vec())
                } else {
                    (None, bytes)
                };
                if presence::is_presence(&frame) {
                    let entries = presence::decode(&frame).expect("a valid presence frame");
                    return (document, entries);
                }
            }
        };
        tokio::time::timeout(limit, read).await.ok()
    }

    /// The next presence frame's entries.
    async fn next(&mut self) -> Vec<Entry> {
        self.next_within(WAIT)
            .await
            .expect("a presence frame in time")
            .1
    }

    /// The next presence frame's document and entries (multiplexed).
    async fn next_of_document(&mut self) -> (DocumentId, Vec<Entry>) {
        let (document, entries) = self
            .next_within(WAIT)
            .await
            .expect("a presence frame in time");
        (document.expect("an envelope"), entries)
    }

    async fn close(mut self) {
        self.socket.close(None).await.expect("the close is sent");
    }
}

#[tokio::test]
async fn presence_is_relayed_to_subscribers_and_removed_when_a_client_leaves() {
    let (server, _directory) = start(|_| {}).await;
    let url = server.sync_url("board");
    // An older client: it never sends presence, so it must never be sent any (its decoder
    // would refuse tag 9, which `SyncClient` reports as an error).
    let mut older = connect(&url).await;
    edit_board(&mut older, "older").await.expect("sent");
    older.settle().await.expect("acknowledged");

    let mut bob = PresencePeer::open(&url).await;
    bob.send(&[]).await; // subscribes, publishes nothing
    let mut alice = PresencePeer::open(&url).await;
    let alice_state = entry(1, 1, Some(r#"{"name":"Alice"}"#));
    alice.send(std::slice::from_ref(&alice_state)).await;
    assert_eq!(bob.next().await, vec![alice_state.clone()]);

    let bob_state = entry(2, 1, Some(r#"{"name":"Bob","cursor":3}"#));
    bob.send(std::slice::from_ref(&bob_state)).await;
    // Alice's next presence frame is Bob's: she was not sent her own entry back (it would
    // have been queued before).
    assert_eq!(alice.next().await, vec![bob_state.clone()]);

    let mut carol = PresencePeer::open(&url).await;
    let carol_state = entry(3, 1, Some(r#"{"name":"Carol"}"#));
    carol.send(std::slice::from_ref(&carol_state)).await;
    assert_eq!(
        sorted(carol.next().await),
        vec![alice_state.clone(), bob_state.clone()],
        "a client that subscribes is sent who is present"
    );
    assert_eq!(alice.next().await, vec![carol_state.clone()]);
    assert_eq!(bob.next().await, vec![carol_state.clone()]);

    alice.close().await;
    let alice_left = entry(1, 2, None);
    for peer in [&mut bob, &mut carol] {
        let (_, removal) = peer
            .next_within(Duration::from_secs(1))
            .await
            .expect("the removal within a second");
        assert_eq!(removal, vec![alice_left.clone()]);
    }

    // The older client's sync goes on; any presence frame queued for it would come before
    // this acknowledgement and fail its decoder.
    edit_board(&mut older, "after presence")
        .await
        .expect("sent");
    older
        .settle()
        .await
        .expect("acknowledged, no presence received");
    let mut newcomer = connect(&url).await;
    newcomer.settle().await.expect("settled");
    assert_eq!(likes(newcomer.replica()), 2);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_session_owns_few_client_ids_and_cannot_move_anyone_else() {
    let (server, _directory) = start(|_| {}).await;
    let url = server.sync_url("board");
    let mut observer = PresencePeer::open(&url).await;
    observer.send(&[]).await;
    let mut bob = PresencePeer::open(&url).await;
    let bob_state = entry(2, 1, Some(r#"{"name":"Bob"}"#));
    bob.send(std::slice::from_ref(&bob_state)).await;
    assert_eq!(observer.next().await, vec![bob_state.clone()]);

    let mut greedy = PresencePeer::open(&url).await;
    let claimed: Vec<Entry> = (10..15)
        .map(|client| entry(client, 1, Some("{}")))
        .collect();
    greedy.send(&claimed).await;
    assert_eq!(
        observer.next().await,
        claimed[..4].to_vec(),
        "only four client ids per session"
    );
    assert_eq!(bob.next().await, claimed[..4].to_vec());

    let mut spoofer = PresencePeer::open(&url).await;
    spoofer
        .send(&[
            entry(2, 99, Some(r#"{"name":"Mallory"}"#)),
            entry(2, 100, None),
        ])
        .await;
    let spoofer_state = entry(20, 1, Some(r#"{"name":"Eve"}"#));
    spoofer.send(std::slice::from_ref(&spoofer_state)).await;
    assert_eq!(
        observer.next().await,
        vec![spoofer_state.clone()],
        "nothing of the entries about Bob"
    );
    let mut late = PresencePeer::open(&url).await;
    late.send(&[]).await;
    let mut expected = vec![bob_state.clone(), spoofer_state];
    expected.extend_from_slice(&claimed[..4]);
    assert_eq!(sorted(late.next().await), sorted(expected));
    server.shutdown().await.expect("a clean shutdown");
}

/// A presence frame with `count` entries of `state`, whatever the limits.
fn hand_built(count: usize, state: &str) -> Vec<u8> {
    frame::seal(Kind::SyncMessage, |out: &mut Encoder| {
        out.u8(PRESENCE_TAG);
        out.length(count);
        for client in 0..count {
            ReplicaId::from_u128(100 + client as u128).encode(out);
            out.varint(1);
            out.u8(1);
            out.str(state);
        }
    })
}

#[tokio::test]
async fn malformed_presence_frames_close_only_their_connection() {
    let (server, _directory) = start(|_| {}).await;
    let url = server.sync_url("board");
    let mut older = connect(&url).await;
    let mut alice = PresencePeer::open(&url).await;
    alice.send(&[entry(1, 1, Some("{}"))]).await;
    let mut bob = PresencePeer::open(&url).await;
    bob.send(&[]).await;
    assert_eq!(bob.next().await, vec![entry(1, 1, Some("{}"))]);

    let valid = presence::encode(&[entry(9, 1, Some("{}"))]).expect("a valid frame");
    let mut bad_checksum = valid.clone();
    let last = bad_checksum.len() - 1;
    bad_checksum[last] ^= 0xff;
    let mut bad_flag = hand_built(1, "{}");
    // The flag, before the state (a length byte and "{}") and the CRC.
    let flag = bad_flag.len() - 4 - 3 - 1;
    bad_flag[flag] = 2;
    let bad_flag = {
        let body = &bad_flag[..bad_flag.len() - 4];
        let mut resealed = body.to_vec();
        resealed.extend_from_slice(&weft::internals::codec::crc32(body).to_le_bytes());
        resealed
    };
    let malformed = [
        ("bad checksum", bad_checksum),
        ("truncated", valid[..valid.len() - 6].to_vec()),
        (
            "too many clients",
            hand_built(MAX_CLIENTS_PER_MESSAGE + 1, "{}"),
        ),
        (
            "too large a state",
            hand_built(1, &"x".repeat(presence::MAX_STATE_LEN + 1)),
        ),
        ("bad state flag", bad_flag),
    ];
    for (round, (what, bytes)) in malformed.into_iter().enumerate() {
        assert!(presence::is_presence(&bytes), "{what}: routed as presence");
        assert!(presence::decode(&bytes).is_err(), "{what}: refused");
        let mut attacker = raw_connect(&url).await;
        send_binary(&mut attacker, bytes).await;
        let (code, reason) = expect_close(&mut attacker).await;
        assert_eq!(code, 1002, "{what}: {reason}");
        assert!(reason.starts_with("protocol error"), "{what}: {reason}");
        // The others go on: Bob's next frame is Alice's update, nothing of the attacker.
        let update = entry(1, 2 + round as u64, Some(what));
        alice.send(std::slice::from_ref(&update)).await;
        assert_eq!(bob.next().await, vec![update], "{what}");
        edit_board(&mut older, what).await.expect("sent");
        older.settle().await.expect("acknowledged");
    }
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_silent_client_times_out_and_a_late_subscriber_does_not_see_it() {
    let (server, _directory) = start(|config| config.limits.presence_timeout_ms = 300).await;
    let url = server.sync_url("board");
    let mut watcher = PresencePeer::open(&url).await;
    watcher.send(&[]).await;
    let mut silent = PresencePeer::open(&url).await;
    silent.send(&[entry(1, 4, Some("{}"))]).await;
    assert_eq!(watcher.next().await, vec![entry(1, 4, Some("{}"))]);
    assert_eq!(
        watcher.next().await,
        vec![entry(1, 5, None)],
        "removed after the timeout"
    );
    let mut late = PresencePeer::open(&url).await;
    late.send(&[]).await;
    let watcher_state = entry(2, 1, Some("{}"));
    watcher.send(std::slice::from_ref(&watcher_state)).await;
    assert_eq!(
        late.next().await,
        vec![watcher_state],
        "the timed-out client is not sent"
    );
    drop(silent);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn presence_counts_against_the_message_rate() {
    let (server, _directory) = start(|config| {
        config.limits.messages_per_second = 20;
        config.limits.message_burst = 1;
    })
    .await;
    let url = server.sync_url("board");
    let mut watcher = PresencePeer::open(&url).await;
    watcher.send(&[]).await;
    let mut flooder = PresencePeer::open(&url).await;
    let started = std::time::Instant::now();
    let updates = 11;
    for clock in 1..=updates {
        flooder.send(&[entry(1, clock, Some("{}"))]).await;
    }
    for clock in 1..=updates {
        assert_eq!(watcher.next().await, vec![entry(1, clock, Some("{}"))]);
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn read_only_clients_publish_presence_until_their_token_expires() {
    const SECRET: &str = "a test secret of more than thirty-two bytes";
    let (server, _directory) = start(|config| {
        config.access.jwt_secret = Some(SECRET.to_string());
    })
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let token = |right: &str, expiry: u64| {
        let claims = serde_json::json!({ "exp": expiry, "docs": ["board"], "right": right });
        let key = EncodingKey::from_secret(SECRET.as_bytes());
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("a token")
    };
    let url = |right: &str, expiry: u64| {
        format!(
            "{}?token={}",
            server.sync_url("board"),
            token(right, expiry)
        )
    };
    // Presence opens a document on a multiplexed connection with the same grant checks.
    let address = server.local_addr();
    let multiplexed = format!("ws://{address}/sync?token={}", token("read", now + 600));
    let mut stranger = PresencePeer::open_multiplexed(&multiplexed).await;
    let other = DocumentId::parse("other").expect("an id");
    stranger.send_to(&other, &[entry(6, 1, Some("{}"))]).await;
    let (code, reason) = expect_close(&mut stranger.socket).await;
    assert_eq!(code, 4403, "{reason}");
    let mut writer = PresencePeer::open(&url("write", now + 600)).await;
    writer.send(&[]).await;
    // A viewer whose token ends within two seconds.
    let mut viewer = PresencePeer::open(&url("read", now + 2)).await;
    let cursor = entry(5, 1, Some(r#"{"cursor":7}"#));
    viewer.send(std::slice::from_ref(&cursor)).await;
    assert_eq!(writer.next().await, vec![cursor]);
    // The token expires: the connection closes (4401) and the viewer's cursor goes.
    assert_eq!(writer.next().await, vec![entry(5, 2, None)]);
    let (code, reason) = expect_close(&mut viewer.socket).await;
    assert_eq!(code, 4401, "{reason}");
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_multiplexed_connection_carries_presence_per_document() {
    let (server, _directory) = start(|_| {}).await;
    let address = server.local_addr();
    let left = DocumentId::parse("left").expect("an id");
    let right = DocumentId::parse("right").expect("an id");
    let mut on_left = PresencePeer::open(&server.sync_url("left")).await;
    on_left.send(&[]).await;
    let mut right_watch = PresencePeer::open(&server.sync_url("right")).await;
    right_watch.send(&[]).await;
    let mut on_right = PresencePeer::open(&server.sync_url("right")).await;
    let right_state = entry(2, 1, Some(r#"{"name":"Right"}"#));
    on_right.send(std::slice::from_ref(&right_state)).await;
    // Relayed, or sent as who is present: either way the document holds it now.
    assert_eq!(right_watch.next().await, vec![right_state.clone()]);

    let mut both = PresencePeer::open_multiplexed(&format!("ws://{address}/sync")).await;
    let left_mine = entry(10, 1, Some(r#"{"at":"left"}"#));
    let right_mine = entry(11, 1, Some(r#"{"at":"right"}"#));
    both.send_to(&left, std::slice::from_ref(&left_mine)).await;
    both.send_to(&right, std::slice::from_ref(&right_mine))
        .await;
    assert_eq!(
        both.next_of_document().await,
        (right.clone(), vec![right_state.clone()]),
        "subscribing to the right document brings who is present there"
    );
    assert_eq!(on_left.next().await, vec![left_mine.clone()]);
    assert_eq!(on_right.next().await, vec![right_mine.clone()]);

    // Leaving the left document (an empty frame) removes its client there only.
    send_binary(&mut both.socket, envelope::seal(&left, &[])).await;
    assert_eq!(on_left.next().await, vec![entry(10, 2, None)]);
    let update = entry(2, 2, Some(r#"{"name":"Right again"}"#));
    on_right.send(std::slice::from_ref(&update)).await;
    assert_eq!(both.next_of_document().await, (right.clone(), vec![update]));
    both.socket
        .send(WsMessage::Close(None))
        .await
        .expect("the close is sent");
    assert_eq!(on_right.next().await, vec![entry(11, 2, None)]);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_crosses_servers_over_the_bus() {
    let Some(services) = services("presence_crosses_servers_over_the_bus") else {
        return;
    };
    let first = start_server(&services.postgres, &services.redis, |_| {}).await;
    let second = start_server(&services.postgres, &services.redis, |_| {}).await;
    let document = unique("presence");
    let mut there = PresencePeer::open(&second.sync_url(&document)).await;
    there.send(&[]).await;
    let mut here = PresencePeer::open(&first.sync_url(&document)).await;
    let state = entry(1, 1, Some(r#"{"name":"Alice"}"#));
    send_until_relayed(&mut here, &mut there, &state).await;
    here.close().await;
    assert_eq!(
        next_after_refreshes(&mut there, &state).await,
        vec![entry(1, 2, None)]
    );
    first.shutdown().await.expect("a clean shutdown");
    second.shutdown().await.expect("a clean shutdown");
}

/// Sends `state` from `here` until `there` relays it (the receiving server subscribes to the
/// document's channel as it loads the document), as a client refreshes its entry.
async fn send_until_relayed(here: &mut PresencePeer, there: &mut PresencePeer, state: &Entry) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        here.send(std::slice::from_ref(state)).await;
        if let Some((_, entries)) = there.next_within(Duration::from_millis(200)).await {
            assert_eq!(entries, vec![state.clone()]);
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "presence never crossed"
        );
    }
}

/// The next presence frame of `peer` that is not a refresh of `state` still in flight.
async fn next_after_refreshes(peer: &mut PresencePeer, state: &Entry) -> Vec<Entry> {
    loop {
        let entries = peer.next().await;
        if entries != vec![state.clone()] {
            return entries;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clients_of_a_server_that_stops_time_out_on_the_others() {
    let Some(services) = services("the_clients_of_a_server_that_stops_time_out_on_the_others")
    else {
        return;
    };
    let first = start_server(&services.postgres, &services.redis, |_| {}).await;
    let second = start_server(&services.postgres, &services.redis, |config| {
        config.limits.presence_timeout_ms = 600;
    })
    .await;
    let document = unique("presence-stop");
    let mut there = PresencePeer::open(&second.sync_url(&document)).await;
    there.send(&[]).await;
    let mut here = PresencePeer::open(&first.sync_url(&document)).await;
    let state = entry(1, 3, Some(r#"{"name":"Alice"}"#));
    send_until_relayed(&mut here, &mut there, &state).await;
    let relayed_at = std::time::Instant::now();
    // A shutdown publishes no removal: the second server times the client out, no sooner
    // than its timeout after the last refresh it relayed.
    first.shutdown().await.expect("a clean shutdown");
    assert_eq!(
        next_after_refreshes(&mut there, &state).await,
        vec![entry(1, 4, None)]
    );
    let elapsed = relayed_at.elapsed();
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    drop(here);
    second.shutdown().await.expect("a clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_from_other_servers_does_not_keep_a_document_loaded() {
    let Some(services) = services("presence_from_other_servers_does_not_keep_a_document_loaded")
    else {
        return;
    };
    let first = start_server(&services.postgres, &services.redis, |_| {}).await;
    let second = start_server(&services.postgres, &services.redis, |config| {
        config.storage.unload_after_seconds = 1;
    })
    .await;
    let document = unique("presence-unload");
    let mut there = PresencePeer::open(&second.sync_url(&document)).await;
    there.send(&[]).await;
    let mut here = PresencePeer::open(&first.sync_url(&document)).await;
    let state = entry(1, 1, Some("{}"));
    send_until_relayed(&mut here, &mut there, &state).await;
    there.close().await;
    // The first server's client keeps refreshing (and the second server keeps catching up
    // from the database); the second server still unloads the document it has no session of.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while second.loaded_documents() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the document stayed loaded"
        );
        here.send(std::slice::from_ref(&state)).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.shutdown().await.expect("a clean shutdown");
    second.shutdown().await.expect("a clean shutdown");
}
