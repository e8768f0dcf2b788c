//! The Weft sync server: WebSocket sessions of the weft-sync protocol for many documents,
//! stored in SQLite (or PostgreSQL, shared by several servers fanned out over Redis), and the
//! demo app's static files.
//!
//! # What it does
//! - `ws://HOST/sync/<document>`: one document per connection; each binary WebSocket message
//!   is one weft-sync frame. This is what the npm package's `WebSocketSync` speaks.
//! - `ws://HOST/sync`: several documents per connection (at most
//!   [`Limits::max_documents_per_connection`]); each message is a frame in an [`envelope`]
//!   naming its document.
//! - `/healthz` answers `ok`; every other path is a static file of `--demo-dir`.
//!
//! The server is one more peer of the protocol: per document it keeps a replica, and per
//! connection and document a [`SyncState`](weft::sync::SyncState). Changes one client sends
//! are applied to the server's replica, **committed to the database, and only then
//! acknowledged**; the other clients' sessions push them on. A restart (or a crash) loses
//! nothing a client saw acknowledged, and a client that was not acknowledged sends again.
//!
//! A malformed frame, a delta that does not decode, a text message or a broken envelope ends
//! the connection with close code 1002 (protocol error) or 1003 and a reason; other
//! connections are not affected. So does a delta that decodes but would harm the document:
//! before a change reaches the server's replica it must re-encode to the same bytes, survive
//! a snapshot on its own, and apply to a shadow copy of the replica, each step guarded
//! against panics of the library; a change that fails closes its sender's connection (1002)
//! and is neither applied nor stored.
//!
//! A document's task that fails anyway — its database fails, or it panics — logs the cause
//! (`tracing`, target `weft_server`), closes every session of the document with 1011 and
//! leaves: the document's next session gets a fresh task loaded from the database, which
//! holds everything that was acknowledged; clients reconnect and send again what was not.
//! (The `fault-injection` feature, for the crate's own tests only, adds
//! `Server::inject_fault` to make a task panic on demand.) With a token set (`--token`/`WEFT_TOKEN`), upgrades without
//! it (`?token=` or `Authorization: Bearer`) get 401.
//!
//! # Storage
//! Per document a set of pieces, snapshots and deltas ([`DocumentStore`]), in SQLite
//! ([`SqliteStore`], the default) or PostgreSQL ([`PostgresStore`], `--database`, shared by
//! several servers): each batch of changes appends one delta (`encoded_delta_since` what is
//! stored); once the deltas outweigh the snapshot (and
//! [`StorageSettings::compact_after_bytes`]) the next commit writes a new snapshot and drops
//! the pieces it covers, in one transaction. Commits of all documents go through one
//! database thread that groups whatever is waiting into one transaction ([`Database`]).
//!
//! # Presence
//! Presence messages (tag 9, `weft::sync::presence`: a user's name, colour, cursor) are
//! relayed per document, never stored: to the document's other sessions that sent presence
//! themselves (so older clients are never sent one), with each session owning at most
//! [`Limits::presence_clients_per_session`] client ids and none of anyone else's; a
//! session's clients are removed when it leaves, and entries not refreshed within
//! [`Limits::presence_timeout_ms`] time out. With `--redis` the servers relay each other's
//! (`docs/SYNC.md`, "Presence through the server").
//!
//! # Several servers
//! With `--redis`, a server publishes every piece it commits on the document's Redis
//! channel; the other servers holding the document apply it (through the same checks as a
//! client's change) and push it to their clients, and catch up from the database when the
//! bus drops a message, periodically, and after Redis comes back (`docs/SCALING.md`).
//!
//! # Access
//! Without a token configured every client may read and write. `--token` is one shared
//! secret that grants everything; `--jwt-secret` (HS256) and `--jwt-public-key` (EdDSA)
//! accept signed tokens whose claims name documents and a right ([`TokenKeys`], [`Grant`]).
//! A bad, expired or tampered token gets 401, a token for another document 403; a read-only
//! session's change closes it with 4403; an expiring token closes its connection with 4401.
//!
//! # Choices
//! - **postgres** (the blocking face of tokio-postgres, one project, well kept) for
//!   PostgreSQL: the store runs on the database thread that groups commits, where a
//!   blocking client is the simple fit; sqlx would add a macro layer and a pool this
//!   single connection does not need.
//! - **redis** (redis-rs, tokio) for the bus: pub/sub with split sink and stream, so
//!   subscriptions change while messages are read.
//! - **jsonwebtoken** (`rust_crypto`: pure Rust, no C toolchain) for HS256 and EdDSA tokens.
//! - **axum** (with `ws`) over hyper and tokio-tungstenite: routing, extractors, the upgrade
//!   and static files (tower-http) from the tokio project's own stack, maintained alongside
//!   tokio and hyper; raw tokio-tungstenite + hyper would mean writing the HTTP routing,
//!   the static file server and the upgrade handshake by hand.
//! - **SQLite** (rusqlite, `bundled`) over redb: the schema (`documents`, `deltas`) is plain
//!   SQL that moves as it is to PostgreSQL when a deployment outgrows one machine
//!   (`docs/SCALING.md`); write-ahead logging with `synchronous = FULL` makes each commit
//!   durable, and one transaction per batch amortises the `fsync`; the file opens in the
//!   `sqlite3` shell for inspection and backup (`.backup`). `bundled` compiles SQLite in, so
//!   nothing is needed on the host. redb is pure Rust and fast, but a key-value file that
//!   only Rust reads, and it offers no path to a shared database.
//!
//! # Example
//! A server on a free loopback port, and a Rust client that syncs a document through it:
//!
//! ```
//! use weft::{Object, Replica, ReplicaId};
//! use weft_server::{Config, MemoryStore, Server, SyncClient};
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let config = Config::new("127.0.0.1:0".parse()?, "unused".into());
//! let server = Server::start_with_store(config, MemoryStore::default()).await?;
//! let url = server.sync_url("board");
//!
//! let mut alice = SyncClient::connect(&url, Replica::<Object>::new(ReplicaId::random())).await?;
//! alice.edit(|root| Object::edit(root, |root| root.counter("likes").increment(2))).await?;
//! alice.settle().await?; // acknowledged: durable on the server
//!
//! let mut bob = SyncClient::connect(&url, Replica::<Object>::new(ReplicaId::random())).await?;
//! bob.settle().await?;
//! assert_eq!(bob.replica().store().get_counter("likes").map(|likes| likes.value()), Some(2));
//! server.shutdown().await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod access;
mod bus;
mod channel;
pub mod client;
mod config;
mod connection;
mod document;
mod document_id;
pub mod envelope;
mod error;
#[cfg(feature = "fault-injection")]
mod fault;
mod guard;
mod hooks;
mod http;
mod hub;
mod presence;
mod rate;
mod server;
mod store;
mod unwind;

pub use access::{Grant, Right, TokenError, TokenKeys};
pub use client::{ClientError, SyncClient};
pub use config::{AccessSettings, Config, Limits, StorageSettings};
pub use document_id::{DocumentId, MAX_DOCUMENT_ID_LENGTH};
pub use error::{EnvelopeError, InvalidDocumentId, ServerError, StoreError};
#[cfg(feature = "fault-injection")]
pub use fault::Fault;
pub use hooks::{ConnectionRequest, HookFuture, Hooks};
pub use server::Server;
pub use store::{
    DATABASE_FILE, Database, DocumentStore, MemoryStore, Piece, PieceId, PieceKind, PostgresStore,
    SqliteStore, StoredDocument, Write,
};
