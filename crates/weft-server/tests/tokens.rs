//! Signed per-document tokens (JWT, HS256 and EdDSA): a read-only client receives changes
//! but every change it sends is refused (4403) and never stored; a token for another
//! document gets 403; missing, expired and tampered tokens get 401; a token that expires
//! on an open connection closes it (4401). The application hook authorizes connections and
//! observes stored changes.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{edit_board, likes, replica};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use weft_server::{ClientError, Config, Server, SyncClient};

const SECRET: &str = "a test secret of more than thirty-two bytes";

/// A throw-away Ed25519 key pair (made with `openssl genpkey -algorithm ed25519`).
const ED_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEICPpEqeKkQ8SAjvLpuSWdy0xuMdVhLiqqy4F7hw7akQk
-----END PRIVATE KEY-----
";
const ED_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEACgXWk/rRNqNszF+gQ5m7OUxoMXsWiY0Mha7VL/MG+S4=
-----END PUBLIC KEY-----
";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn claims(documents: &[&str], right: &str, exp: u64) -> serde_json::Value {
    serde_json::json!({ "exp": exp, "docs": documents, "right": right })
}

fn hs256(claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("a token")
}

fn eddsa(claims: &serde_json::Value) -> String {
    let key = EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).expect("the private key");
    jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), claims, &key).expect("a token")
}

async fn start() -> (Server, tempfile::TempDir) {
    let directory = tempfile::tempdir().expect("a directory");
    let key = directory.path().join("public.pem");
    std::fs::write(&key, ED_PUBLIC).expect("the key file");
    let mut config = Config::new(
        "127.0.0.1:0".parse().expect("an address"),
        directory.path().join("data"),
    );
    config.access.jwt_secret = Some(SECRET.to_string());
    config.access.jwt_public_key = Some(key);
    let server = Server::start(config).await.expect("the server starts");
    (server, directory)
}

fn url(server: &Server, document: &str, token: &str) -> String {
    format!("{}?token={token}", server.sync_url(document))
}

async fn refused_status(url: &str) -> Option<u16> {
    match SyncClient::connect(url, replica()).await {
        Ok(_) => None,
        Err(error) => error.http_status(),
    }
}

/// Receives until the server closes; returns the close code.
async fn close_code(client: &mut common::Client) -> u16 {
    let wait = async {
        loop {
            match client.receive().await {
                Ok(_) => {}
                Err(ClientError::Closed { code, .. }) => return code,
                Err(error) => panic!("not a close: {error}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the server closes the connection")
}

#[tokio::test]
async fn a_read_only_client_receives_but_cannot_change() {
    let (server, _directory) = start().await;
    let writer_token = hs256(&claims(&["board"], "write", now() + 600));
    let reader_token = eddsa(&claims(&["bo*"], "read", now() + 600));
    let mut writer = common::connect(&url(&server, "board", &writer_token)).await;
    edit_board(&mut writer, "writer").await.expect("sent");
    writer.settle().await.expect("acknowledged");

    let mut reader = common::connect(&url(&server, "board", &reader_token)).await;
    reader.settle().await.expect("the reader settles");
    assert_eq!(likes(reader.replica()), 1);
    edit_board(&mut writer, "writer again").await.expect("sent");
    writer.settle().await.expect("acknowledged");
    common::converge(&mut [writer, reader]).await;

    // Its own change is refused and never stored.
    let mut reader = common::connect(&url(&server, "board", &reader_token)).await;
    reader.settle().await.expect("the reader settles");
    edit_board(&mut reader, "reader").await.expect("sent");
    assert_eq!(close_code(&mut reader).await, 4403);
    let mut auditor = common::connect(&url(&server, "board", &writer_token)).await;
    auditor.settle().await.expect("settled");
    assert_eq!(likes(auditor.replica()), 2);
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn bad_tokens_get_401_and_other_documents_403() {
    let (server, _directory) = start().await;
    let good = hs256(&claims(&["board"], "write", now() + 600));
    assert_eq!(
        refused_status(&server.sync_url("board")).await,
        Some(401),
        "missing"
    );
    let expired = hs256(&claims(&["board"], "write", now() - 10));
    assert_eq!(
        refused_status(&url(&server, "board", &expired)).await,
        Some(401),
        "expired"
    );
    // Tampered: the claims changed (another document), the signature kept.
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    let other = hs256(&claims(&["*"], "write", now() + 600));
    parts[1] = other.split('.').nth(1).expect("claims").to_string();
    let tampered = parts.join(".");
    assert_eq!(
        refused_status(&url(&server, "board", &tampered)).await,
        Some(401),
        "tampered"
    );
    let wrong_key = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(&["board"], "write", now() + 600),
        &EncodingKey::from_secret(b"another secret of thirty-two bytes or more"),
    )
    .expect("a token");
    assert_eq!(
        refused_status(&url(&server, "board", &wrong_key)).await,
        Some(401),
        "wrong key"
    );
    assert_eq!(
        refused_status(&url(&server, "board", "garbage")).await,
        Some(401),
        "garbage"
    );
    assert_eq!(
        refused_status(&url(&server, "notes", &good)).await,
        Some(403),
        "another document"
    );
    assert_eq!(
        refused_status(&url(&server, "board", &good)).await,
        None,
        "the right one"
    );
    server.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_token_that_expires_closes_its_connection() {
    let (server, _directory) = start().await;
    let short = hs256(&claims(&["board"], "write", now() + 2));
    let mut client = common::connect(&url(&server, "board", &short)).await;
    client.settle().await.expect("settled");
    let started = tokio::time::Instant::now();
    assert_eq!(close_code(&mut client).await, 4401);
    assert!(started.elapsed() < Duration::from_secs(4));
    server.shutdown().await.expect("a clean shutdown");
}

/// An application hook that refuses the document `closed`, makes `archive-*` read only
/// whatever the token says, and records the documents of stored changes.
#[derive(Default)]
struct App {
    stored: std::sync::Mutex<Vec<String>>,
}

impl weft_server::Hooks for App {
    fn authorize<'a>(
        &'a self,
        request: weft_server::ConnectionRequest<'a>,
        grant: weft_server::Grant,
    ) -> weft_server::HookFuture<'a, Option<weft_server::Grant>> {
        let document = request
            .document
            .map(|document| document.as_str().to_string());
        Box::pin(async move {
            match document.as_deref() {
                Some("closed") => None,
                Some(name) if name.starts_with("archive-") => Some(weft_server::Grant::named(
                    [name],
                    weft_server::Right::Read,
                    grant.expires(),
                )),
                _ => Some(grant),
            }
        })
    }

    fn stored(&self, document: &weft_server::DocumentId, _piece: &weft_server::Piece) {
        self.stored
            .lock()
            .expect("the list")
            .push(document.as_str().to_string());
    }
}

#[tokio::test]
async fn the_application_hook_authorizes_and_observes() {
    let directory = tempfile::tempdir().expect("a directory");
    let config = Config::new(
        "127.0.0.1:0".parse().expect("an address"),
        directory.path().to_path_buf(),
    );
    let app = std::sync::Arc::new(App::default());
    let server = Server::start_with_hooks(config, app.clone())
        .await
        .expect("the server starts");
    assert_eq!(refused_status(&server.sync_url("closed")).await, Some(403));

    let mut writer = common::connect(&server.sync_url("board")).await;
    edit_board(&mut writer, "writer").await.expect("sent");
    writer.settle().await.expect("acknowledged");
    assert_eq!(
        *app.stored.lock().expect("the list"),
        vec!["board".to_string()]
    );

    let mut archived = common::connect(&server.sync_url("archive-2025")).await;
    archived.settle().await.expect("settled");
    edit_board(&mut archived, "late").await.expect("sent");
    assert_eq!(close_code(&mut archived).await, 4403);
    assert_eq!(
        app.stored.lock().expect("the list").len(),
        1,
        "nothing stored"
    );
    server.shutdown().await.expect("a clean shutdown");
}
