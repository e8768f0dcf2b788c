//! One poisonous message must never take a document down. The bytes are those of the issue
//! "bytes the decoder accepts, the encoder then panics on": a `Doc` delta (a `todo` list in a
//! document) that the decoder accepted while its re-encoding panicked. Sent in a `Changes`
//! after a hello, by a client without a token and by one with a valid token, to a server that
//! compacts as early as it can: the sender gets 1002, nothing of it is stored, and the
//! document's honest clients, before and after, go on.

mod common;

use common::{
    RawSocket, connect, converge, edit_board, expect_close, json, likes, raw_connect, replica,
    send_binary, start_in,
};
use weft::sync::{Changes, Chunk, Message, Repair, SyncState, generate};
use weft::{Object, Replica, Replicated as _, VersionVector};
use weft_server::{Config, DocumentId, DocumentStore as _, PieceKind, SqliteStore, SyncClient};

/// The issue's `Doc` delta: it decoded, and encoding it (or a replica holding it) panicked.
const POISONOUS_DOC_DELTA: &str = "57460101610200000000000000002468acf13579bde90000000000000000369d0369d0369cda0202011d0200000001010b030104746f646f020908020100001300000000000000010000011e0103000002ae0100000142dd81e1af8d9f8e864d592f695f7bc80201040104646f6e65020100495e8a49";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).expect("hex"))
        .collect()
}

/// The server compacts whenever the deltas outweigh the snapshot (the earliest it does), and
/// a new document's first commit is a snapshot: the poison would reach both encoders.
fn compact_early(token: Option<&str>) -> impl FnOnce(&mut Config) {
    let token = token.map(str::to_string);
    move |config: &mut Config| {
        config.storage.compact_after_bytes = 0;
        config.token = token;
    }
}

/// The document's sync URL, with the token if there is one.
fn url_of(server: &weft_server::Server, document: &str, token: Option<&str>) -> String {
    let url = server.sync_url(document);
    match token {
        Some(token) => format!("{url}?token={token}"),
        None => url,
    }
}

/// Connects raw, says hello, sends the poison in a `Changes`; returns the close it gets.
async fn poison(url: &str) -> (u16, String) {
    let mut attacker: RawSocket = raw_connect(url).await;
    let mut state = SyncState::new();
    let hello = generate(&mut state, &replica()).expect("a hello");
    send_binary(&mut attacker, hello.to_bytes()).await;
    let changes = Message::Changes(Changes::new(
        7,
        1,
        None,
        VersionVector::new(),
        hex(POISONOUS_DOC_DELTA),
    ));
    send_binary(&mut attacker, changes.to_bytes()).await;
    expect_close(&mut attacker).await
}

/// What the database holds of `document`, loaded as the server loads it.
fn stored(directory: &tempfile::TempDir, document: &str) -> Replica<Object> {
    let mut store = SqliteStore::open(directory.path()).expect("the database opens");
    let stored = store
        .read(
            &DocumentId::parse(document).expect("an id"),
            &std::collections::BTreeSet::new(),
        )
        .expect("reads");
    assert!(stored.exists(), "the document is stored");
    let mut replica: Option<Replica<Object>> = None;
    for piece in &stored.pieces {
        match (piece.kind, replica.as_mut()) {
            (PieceKind::Snapshot, None) => {
                replica = Some(Replica::load(&piece.bytes).expect("the snapshot decodes"));
            }
            (PieceKind::Snapshot, Some(replica)) => {
                replica.merge(&Replica::load(&piece.bytes).expect("the snapshot decodes"));
            }
            (PieceKind::Delta, _) => {
                replica
                    .get_or_insert_with(common::replica)
                    .apply_encoded(&piece.bytes)
                    .expect("a stored delta decodes");
            }
        }
    }
    replica.expect("the document has pieces")
}

async fn a_poisonous_change_ends_only_its_sender(token: Option<&str>) {
    let directory = tempfile::tempdir().expect("a directory");
    let server = start_in(&directory, compact_early(token)).await;
    let url = url_of(&server, "board", token);

    // An honest client before: the document exists, the poison would be appended.
    let mut before = SyncClient::connect(&url, replica())
        .await
        .expect("connects");
    edit_board(&mut before, "before").await.expect("sent");
    before.settle().await.expect("acknowledged");

    let (code, reason) = poison(&url).await;
    assert_eq!(code, 1002, "{reason}");
    assert!(reason.starts_with("protocol error"), "{reason}");

    // The honest client's later writes are acknowledged, a newcomer syncs, both converge.
    edit_board(&mut before, "after the attack")
        .await
        .expect("sent");
    before
        .settle()
        .await
        .expect("acknowledged after the attack");
    let mut after = SyncClient::connect(&url, replica())
        .await
        .expect("a newcomer connects");
    after.settle().await.expect("the newcomer syncs");
    edit_board(&mut after, "newcomer").await.expect("sent");
    after.settle().await.expect("the newcomer is acknowledged");
    let mut clients = [before, after];
    converge(&mut clients).await;
    assert_eq!(likes(clients[0].replica()), 3);

    // The poison as a new document's very first change (its commit would be a snapshot).
    let fresh = url_of(&server, "fresh", token);
    let (code, reason) = poison(&fresh).await;
    assert_eq!(code, 1002, "{reason}");
    let mut first = SyncClient::connect(&fresh, replica())
        .await
        .expect("connects");
    edit_board(&mut first, "first").await.expect("sent");
    first.settle().await.expect("acknowledged");

    let board = json(clients[0].replica());
    let board_version = clients[0].replica().version();
    let fresh_board = json(first.replica());
    let fresh_version = first.replica().version();
    drop((clients, first));
    server.shutdown().await.expect("a clean shutdown");

    // Nothing of the attacker is stored: the database holds exactly the honest changes.
    for (document, json_expected, version) in [
        ("board", &board, &board_version),
        ("fresh", &fresh_board, &fresh_version),
    ] {
        let replica = stored(&directory, document);
        assert_eq!(&replica.version(), version, "{document}");
        assert_eq!(&common::json(&replica), json_expected, "{document}");
        assert_eq!(replica.pending_len(), 0, "{document}");
    }

    // After a restart, a new client of the document syncs the honest state.
    let server = start_in(&directory, compact_early(token)).await;
    let mut reader = connect(&url_of(&server, "board", token)).await;
    reader.settle().await.expect("settled after the restart");
    assert_eq!(json(reader.replica()), board);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_poisonous_change_from_a_client_without_a_token_ends_only_its_connection() {
    a_poisonous_change_ends_only_its_sender(None).await;
}

#[tokio::test]
async fn a_poisonous_change_from_an_authenticated_client_ends_only_its_connection() {
    a_poisonous_change_ends_only_its_sender(Some("s3cret")).await;
}

#[tokio::test]
async fn the_poison_in_a_repair_or_in_chunks_is_refused_too() {
    let directory = tempfile::tempdir().expect("a directory");
    let server = start_in(&directory, compact_early(None)).await;
    let url = server.sync_url("board");
    let mut honest = connect(&url).await;
    edit_board(&mut honest, "honest").await.expect("sent");
    honest.settle().await.expect("acknowledged");

    // As a repair (a whole state merged to heal divergence).
    let mut attacker = raw_connect(&url).await;
    let repair = Message::Repair(Repair::new(
        7,
        false,
        VersionVector::new(),
        hex(POISONOUS_DOC_DELTA),
    ));
    send_binary(&mut attacker, repair.to_bytes()).await;
    let (code, reason) = expect_close(&mut attacker).await;
    assert_eq!(code, 1002, "repair: {reason}");

    // In chunks: the protocol reassembles them before the delta is applied.
    let mut attacker = raw_connect(&url).await;
    let changes = Message::Changes(Changes::new(
        7,
        1,
        None,
        VersionVector::new(),
        hex(POISONOUS_DOC_DELTA),
    ));
    let whole = changes.to_bytes();
    let total = whole.len() as u64;
    for (index, piece) in whole.chunks(64).enumerate() {
        let offset = (index * 64) as u64;
        let chunk = Message::Chunk(Chunk::new(7, 1, total, offset, piece.to_vec()));
        send_binary(&mut attacker, chunk.to_bytes()).await;
    }
    let (code, reason) = expect_close(&mut attacker).await;
    assert_eq!(code, 1002, "chunks: {reason}");

    edit_board(&mut honest, "still honest").await.expect("sent");
    honest.settle().await.expect("acknowledged");
    let mut newcomer = connect(&url).await;
    newcomer.settle().await.expect("settled");
    assert_eq!(likes(newcomer.replica()), 2);
    server.shutdown().await.expect("a clean shutdown");
}
