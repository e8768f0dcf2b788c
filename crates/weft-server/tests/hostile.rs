//! Clients that break the rules: malformed frames, text, oversized messages, missing tokens,
//! bad document ids, too many connections, floods. Each is refused; the server keeps serving
//! the others.

mod common;

use std::time::{Duration, Instant};

use common::{connect, edit_board, expect_close, likes, raw_connect, replica, send_binary, start};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use weft::sync::{Changes, Message, SyncState, generate};

/// Frames the protocol refuses, each for a different reason.
fn malformed_frames() -> Vec<(&'static str, Vec<u8>)> {
    let hello = generate(&mut SyncState::new(), &replica())
        .expect("a hello")
        .to_bytes();
    let mut bad_checksum = hello.clone();
    let last = bad_checksum.len() - 1;
    bad_checksum[last] ^= 0xff;
    let mut wrong_kind = hello.clone();
    wrong_kind[3] = 1;
    vec![
        ("garbage", b"definitely not a weft frame".to_vec()),
        ("empty", Vec::new()),
        ("truncated", hello[..hello.len() / 2].to_vec()),
        ("bad checksum", bad_checksum),
        ("wrong frame kind", wrong_kind),
        ("huge length prefix", {
            let mut bytes = b"WF\x01\x04".to_vec();
            bytes.extend_from_slice(&[0xff; 12]);
            bytes
        }),
    ]
}

#[tokio::test]
async fn malformed_frames_end_only_their_connection() {
    let (server, _directory) = start(|_| {}).await;
    let url = server.sync_url("board");
    let mut honest = connect(&url).await;
    edit_board(&mut honest, "before").await.expect("sent");
    honest.settle().await.expect("acknowledged");
    for (what, bytes) in malformed_frames() {
        let mut attacker = raw_connect(&url).await;
        send_binary(&mut attacker, bytes).await;
        let (code, reason) = expect_close(&mut attacker).await;
        assert_eq!(code, 1002, "{what}: {reason}");
        assert!(reason.starts_with("protocol error"), "{what}: {reason}");
        // The honest client goes on as if nothing happened.
        edit_board(&mut honest, what).await.expect("sent");
        honest.settle().await.expect("acknowledged");
    }
    let mut newcomer = connect(&url).await;
    newcomer.settle().await.expect("settled");
    assert_eq!(
        likes(newcomer.replica()),
        1 + malformed_frames().len() as i64
    );
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_well_framed_message_with_a_corrupt_delta_is_a_protocol_error() {
    let (server, _directory) = start(|_| {}).await;
    let url = server.sync_url("board");
    let mut attacker = raw_connect(&url).await;
    let lie = Message::Changes(Changes::new(
        7,
        1,
        None,
        weft::VersionVector::new(),
        b"not a delta".to_vec(),
    ));
    send_binary(&mut attacker, lie.to_bytes()).await;
    let (code, reason) = expect_close(&mut attacker).await;
    assert_eq!(code, 1002, "{reason}");
    let mut honest = connect(&url).await;
    edit_board(&mut honest, "still here").await.expect("sent");
    honest.settle().await.expect("acknowledged");
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn text_messages_are_refused() {
    let (server, _directory) = start(|_| {}).await;
    let mut socket = raw_connect(&server.sync_url("board")).await;
    socket
        .send(WsMessage::Text("hello?".into()))
        .await
        .expect("sent");
    let (code, _) = expect_close(&mut socket).await;
    assert_eq!(code, 1003);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn messages_over_the_size_limit_are_refused() {
    let (server, _directory) = start(|config| config.limits.max_message_bytes = 4096).await;
    let mut socket = raw_connect(&server.sync_url("board")).await;
    send_binary(&mut socket, vec![0; 10_000]).await;
    let (code, _) = expect_close(&mut socket).await;
    assert_eq!(code, 1009);
    // Large changes still get through as chunks of the protocol.
    let mut client = connect(&server.sync_url("board")).await;
    client
        .edit(|root| {
            weft::Object::edit(root, |root| {
                root.text("note")
                    .insert(0, &"x".repeat(50_000))
                    .expect("an insertion");
            });
        })
        .await
        .expect("sent");
    client.settle().await.expect("acknowledged");
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_token_is_required_when_set() {
    let (server, _directory) = start(|config| config.token = Some("s3cret".to_string())).await;
    let url = server.sync_url("board");
    for refused in [url.clone(), format!("{url}?token=wrong")] {
        let error = weft_server::SyncClient::connect(&refused, replica())
            .await
            .expect_err("refused");
        assert_eq!(error.http_status(), Some(401), "{refused}: {error}");
    }
    let mut with_query =
        weft_server::SyncClient::connect(&format!("{url}?token=s3cret"), replica())
            .await
            .expect("accepted with ?token=");
    with_query.settle().await.expect("settled");

    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let mut request = url.as_str().into_client_request().expect("a request");
    request
        .headers_mut()
        .insert("Authorization", "Bearer s3cret".parse().expect("a header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("accepted with a bearer header");
    let hello = generate(&mut SyncState::new(), &replica()).expect("a hello");
    send_binary(&mut socket, hello.to_bytes()).await;
    let answer = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("an answer in time");
    assert!(matches!(answer, Some(Ok(WsMessage::Binary(_)))));
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn invalid_document_ids_are_refused() {
    let (server, _directory) = start(|_| {}).await;
    let address = server.local_addr();
    let error =
        weft_server::SyncClient::connect(&format!("ws://{address}/sync/bad%20id"), replica())
            .await
            .expect_err("refused");
    assert_eq!(error.http_status(), Some(400));
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn connections_beyond_the_limit_are_refused() {
    let (server, _directory) = start(|config| config.limits.max_connections = 1).await;
    let url = server.sync_url("board");
    let mut first = connect(&url).await;
    first.settle().await.expect("settled");
    let error = weft_server::SyncClient::connect(&url, replica())
        .await
        .expect_err("refused");
    assert_eq!(error.http_status(), Some(503));
    first.close().await.expect("closed");
    // The slot frees when the first connection ends.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match weft_server::SyncClient::connect(&url, replica()).await {
            Ok(_) => break,
            Err(error) => {
                assert!(Instant::now() < deadline, "{error}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_flood_is_slowed_to_the_message_rate() {
    let (server, _directory) = start(|config| {
        config.limits.messages_per_second = 20;
        config.limits.message_burst = 1;
    })
    .await;
    let mut socket = raw_connect(&server.sync_url("board")).await;
    let replica = replica();
    let started = Instant::now();
    let hellos = 11;
    for _ in 0..hellos {
        let hello = generate(&mut SyncState::new(), &replica).expect("a hello");
        send_binary(&mut socket, hello.to_bytes()).await;
    }
    // Every hello is answered (a `Changes` that answers it), at most 20 per second.
    let mut answers = 0;
    while answers < hellos {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("answers keep coming")
            .expect("open")
            .expect("a message");
        if let Ok(Message::Changes(changes)) = Message::from_bytes(&message.into_data())
            && changes.answers.is_some()
        {
            answers += 1;
        }
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
    server.shutdown().await.expect("a clean shutdown");
}
