//! A document task that fails (it panics, or its database fails) is logged with its cause,
//! closes its sessions with 1011, and the document's next session is served by a fresh task
//! loaded from the database: nothing acknowledged is lost, and clients that reconnect send
//! again what was not.
//!
//! Panics are injected with `Server::inject_fault`, which exists only with the
//! `fault-injection` feature (enabled by this crate's dev-dependency on itself), so no normal
//! build can be made to panic that way. Database errors come from a test `DocumentStore`.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use common::{Client, converge, edit_board, likes, replica};
use weft_server::{
    ClientError, Config, DocumentId, DocumentStore, Fault, MemoryStore, PieceId, Server,
    StoreError, StoredDocument, SyncClient, Write,
};

/// Everything the server logs in this test binary (each test uses its own document).
fn log() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let writer = Arc::clone(&log);
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter("weft_server=debug")
            .with_writer(move || LogWriter(Arc::clone(&writer)))
            .init();
        log
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The log lines that mention `document`.
fn logged_about(document: &str) -> Vec<String> {
    let bytes = log().lock().unwrap_or_else(PoisonError::into_inner).clone();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|line| line.contains(&format!("document={document}")))
        .map(str::to_string)
        .collect()
}

/// A store whose commits fail while `failing` is set.
#[derive(Clone, Default)]
struct FlakyStore {
    inner: MemoryStore,
    failing: Arc<AtomicBool>,
}

impl DocumentStore for FlakyStore {
    fn read(
        &mut self,
        document: &DocumentId,
        known: &BTreeSet<PieceId>,
    ) -> Result<StoredDocument, StoreError> {
        self.inner.read(document, known)
    }

    fn commit(&mut self, writes: &[Write]) -> Result<Vec<PieceId>, StoreError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(rusqlite::Error::InvalidQuery.into());
        }
        self.inner.commit(writes)
    }
}

async fn start(store: FlakyStore) -> Server {
    log();
    let config = Config::new("127.0.0.1:0".parse().expect("an address"), "unused".into());
    Server::start_with_store(config, store)
        .await
        .expect("the server starts")
}

/// Receives until the server closes the connection; returns the close code.
async fn closed(client: &mut Client) -> u16 {
    let wait = async {
        loop {
            match client.receive().await {
                Ok(_) => {}
                Err(ClientError::Closed { code, .. }) => return code,
                Err(error) => panic!("not a close: {error}"),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .expect("the server closes the connection")
}

/// The client's replica and state, reconnected to `url`.
async fn reconnect(client: Client, url: &str) -> Client {
    let (replica, mut state) = client.into_parts();
    state.reconnect();
    SyncClient::connect_with_state(url, replica, state)
        .await
        .expect("reconnects")
}

/// After the failure of `document` (caused by `fail`, with `cause` in the log): the clients
/// are closed with 1011, a newcomer gets what was acknowledged, and the old client's
/// unacknowledged edit (if `fail` made one) arrives once it reconnects, for
/// `likes_in_the_end` likes.
async fn a_failed_task_is_logged_and_the_document_reloads(
    document: &str,
    fail: impl AsyncFnOnce(&Server, &mut FlakyStore, &mut Client),
    cause: &str,
    likes_in_the_end: i64,
) {
    let mut store = FlakyStore::default();
    let server = start(store.clone()).await;
    let url = server.sync_url(document);
    let mut writer = common::connect(&url).await;
    let watcher = common::connect(&url).await;
    edit_board(&mut writer, "acknowledged").await.expect("sent");
    writer.settle().await.expect("acknowledged");
    // The watcher takes in the edit now: a frame still unread when the server closes would
    // be answered into a closed socket (an I/O error, not the close code).
    let mut both = [writer, watcher];
    converge(&mut both).await;
    let [mut writer, mut watcher] = both;

    fail(&server, &mut store, &mut writer).await;
    assert_eq!(closed(&mut writer).await, 1011);
    assert_eq!(closed(&mut watcher).await, 1011);
    let logged = logged_about(document);
    assert!(
        logged
            .iter()
            .any(|line| line.contains("the document failed") && line.contains(cause)),
        "no failure with {cause:?} logged: {logged:#?}"
    );
    store.failing.store(false, Ordering::SeqCst);

    // A newcomer is served by a fresh task, loaded from the database.
    let mut newcomer = common::connect(&url).await;
    newcomer.settle().await.expect("the newcomer syncs");
    assert_eq!(likes(newcomer.replica()), 1, "what was acknowledged");
    let writer = reconnect(writer, &url).await;
    let mut clients = [writer, newcomer];
    converge(&mut clients).await;
    assert_eq!(likes(clients[1].replica()), likes_in_the_end);
    edit_board(&mut clients[1], "after").await.expect("sent");
    clients[1].settle().await.expect("acknowledged");
    converge(&mut clients).await;
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_task_that_panics_is_logged_and_the_document_reloads() {
    a_failed_task_is_logged_and_the_document_reloads(
        "panics",
        async |server, _, _| {
            let document = DocumentId::parse("panics").expect("an id");
            assert!(server.inject_fault(&document, Fault::PanicNow));
        },
        "injected fault: the task panics",
        1,
    )
    .await;
}

#[tokio::test]
async fn a_panic_while_changing_the_replica_drops_the_replica_and_reloads() {
    a_failed_task_is_logged_and_the_document_reloads(
        "breaks",
        async |server, _, writer| {
            let document = DocumentId::parse("breaks").expect("an id");
            assert!(server.inject_fault(&document, Fault::PanicInNextChange));
            // This edit passes the checks, then the replica panics applying it: it is
            // never acknowledged, and the writer sends it again once it reconnects.
            edit_board(writer, "lost in the panic").await.expect("sent");
        },
        "while changing the replica: injected fault",
        2,
    )
    .await;
}

#[tokio::test]
async fn a_task_whose_database_fails_is_logged_and_the_document_reloads() {
    a_failed_task_is_logged_and_the_document_reloads(
        "storage",
        async |_, store, writer| {
            store.failing.store(true, Ordering::SeqCst);
            edit_board(writer, "not stored").await.expect("sent");
        },
        "cannot store changes",
        2,
    )
    .await;
}

#[tokio::test]
async fn the_log_names_the_cause_of_a_refused_change() {
    let server = start(FlakyStore::default()).await;
    let url = server.sync_url("refused");
    let mut socket = common::raw_connect(&url).await;
    let lie = weft::sync::Message::Changes(weft::sync::Changes::new(
        7,
        1,
        None,
        weft::VersionVector::new(),
        b"not a delta".to_vec(),
    ));
    common::send_binary(&mut socket, lie.to_bytes()).await;
    let (code, _) = common::expect_close(&mut socket).await;
    assert_eq!(code, 1002);
    let logged = logged_about("refused");
    assert!(
        logged
            .iter()
            .any(|line| line.contains("closing a session") && line.contains("does not decode")),
        "{logged:#?}"
    );
    let mut honest = SyncClient::connect(&url, replica())
        .await
        .expect("connects");
    edit_board(&mut honest, "fine").await.expect("sent");
    honest.settle().await.expect("acknowledged");
    server.shutdown().await.expect("a clean shutdown");
}
