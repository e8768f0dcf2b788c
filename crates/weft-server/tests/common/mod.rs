//! Helpers shared by the server's integration tests.

#![allow(dead_code, unreachable_pub)] // each test file uses a part

pub mod services;

use std::time::Duration;

use tempfile::TempDir;
use weft::{Node, Object, Replica, ReplicaId};
use weft_server::{ClientError, Config, Server, SyncClient};

pub type Client = SyncClient<Replica<Object>>;

/// A server on a free loopback port over SQLite in a fresh directory.
pub async fn start(configure: impl FnOnce(&mut Config)) -> (Server, TempDir) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let server = start_in(&directory, configure).await;
    (server, directory)
}

/// A server on a free loopback port over SQLite in `directory`.
pub async fn start_in(directory: &TempDir, configure: impl FnOnce(&mut Config)) -> Server {
    let mut config = Config::new(
        "127.0.0.1:0".parse().expect("an address"),
        directory.path().to_path_buf(),
    );
    configure(&mut config);
    Server::start(config).await.expect("the server starts")
}

pub fn replica() -> Replica<Object> {
    Replica::new(ReplicaId::random())
}

pub async fn connect(url: &str) -> Client {
    SyncClient::connect(url, replica())
        .await
        .expect("the client connects")
}

pub fn json(replica: &Replica<Object>) -> String {
    Node::of_object(replica.store()).to_json()
}

pub fn likes(replica: &Replica<Object>) -> i64 {
    replica
        .store()
        .get_counter("likes")
        .map_or(0, |likes| likes.value())
}

/// A notes-board edit: a line of the note, a todo, a tag and a like.
pub async fn edit_board(client: &mut Client, name: &str) -> Result<(), ClientError> {
    client
        .edit(|root| {
            Object::edit(root, |root| {
                let mut note = root.text("note");
                let end = note.len();
                note.insert(end, &format!("{name};"))
                    .expect("an insertion at the end");
                let mut todos = root.list("todos");
                let mut todo = todos.insert_map(0).expect("an insertion at the start");
                todo.put("text", format!("todo of {name}"));
                todo.put("done", false);
                root.add_wins_set("tags").insert(name);
                root.counter("likes").increment(1);
            });
        })
        .await
}

/// Lets every client handle what the server sends until all hold the same state (or the
/// deadline passes), then checks they do.
pub async fn converge(clients: &mut [Client]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    for client in clients.iter_mut() {
        client.settle().await.expect("the client settles");
    }
    loop {
        let first = clients[0].replica().digest();
        if clients
            .iter()
            .all(|client| client.replica().digest() == first)
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "clients did not converge: {:?}",
            clients
                .iter()
                .map(|c| json(c.replica()))
                .collect::<Vec<_>>()
        );
        for client in clients.iter_mut() {
            client
                .receive_for(Duration::from_millis(20))
                .await
                .expect("the client receives");
        }
    }
}

pub type RawSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A bare WebSocket to the server, for messages no well-behaved client sends.
pub async fn raw_connect(url: &str) -> RawSocket {
    tokio_tungstenite::connect_async(url)
        .await
        .expect("the raw client connects")
        .0
}

/// Reads until the server closes; returns the close code and reason.
pub async fn expect_close(socket: &mut RawSocket) -> (u16, String) {
    use futures_util::StreamExt as _;
    use tokio_tungstenite::tungstenite::Message;
    let read = async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Close(Some(frame))) => {
                    return (u16::from(frame.code), frame.reason.to_string());
                }
                Ok(Message::Close(None)) => return (1005, String::new()),
                Ok(_) => {}
                Err(error) => return (1006, error.to_string()),
            }
        }
        (1006, "ended without a close frame".to_string())
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the server closes the connection")
}

/// Sends binary `bytes` on a raw socket.
pub async fn send_binary(socket: &mut RawSocket, bytes: Vec<u8>) {
    use futures_util::SinkExt as _;
    socket
        .send(tokio_tungstenite::tungstenite::Message::Binary(
            bytes.into(),
        ))
        .await
        .expect("the message is sent");
}
