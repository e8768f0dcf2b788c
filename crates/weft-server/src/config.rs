//! The server's configuration: flags with environment fallbacks (clap).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser};

const DEFAULT_MAX_MESSAGE_BYTES: usize = 1 << 20;
const DEFAULT_MAX_DOCUMENT_BYTES: usize = 64 << 20;
const DEFAULT_MAX_DOCUMENTS_PER_CONNECTION: usize = 16;
const DEFAULT_MESSAGES_PER_SECOND: u32 = 500;
const DEFAULT_MESSAGE_BURST: u32 = 1000;
const DEFAULT_MAX_CONNECTIONS: usize = 4096;
const DEFAULT_COMPACT_AFTER_BYTES: u64 = 256 << 10;
const DEFAULT_UNLOAD_AFTER_SECONDS: u64 = 30;
const DEFAULT_MAX_QUEUED_MESSAGES: usize = 4096;
const DEFAULT_CATCH_UP_MS: u64 = 2000;
const DEFAULT_PRESENCE_CLIENTS_PER_SESSION: usize = 4;
const DEFAULT_PRESENCE_TIMEOUT_MS: u64 = weft::sync::presence::DEFAULT_TIMEOUT_MS;

/// How the server runs. Every flag has an environment fallback (`WEFT_*`).
///
/// ```
/// use clap::Parser;
/// use weft_server::Config;
/// let config = Config::parse_from(["weft-server", "--address", "127.0.0.1:0", "--token", "s3cret"]);
/// assert_eq!(config.address.port(), 0);
/// assert_eq!(config.token.as_deref(), Some("s3cret"));
/// assert_eq!(config.limits.max_documents_per_connection, 16);
/// ```
#[derive(Clone, Debug, Parser)]
#[command(name = "weft-server", version, about = "Weft sync server and demo app")]
#[non_exhaustive]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "WEFT_ADDRESS", default_value = "127.0.0.1:8787")]
    pub address: SocketAddr,

    /// Directory of the database (created if absent).
    #[arg(long, env = "WEFT_DATA_DIR", default_value = "weft-data")]
    pub data_dir: PathBuf,

    /// Directory of static files served at `/` (the demo app's build).
    #[arg(long, env = "WEFT_DEMO_DIR")]
    pub demo_dir: Option<PathBuf>,

    /// PostgreSQL database shared by several servers (`postgres://user:password@host/db`),
    /// instead of SQLite in `--data-dir`. The server creates and migrates its schema.
    #[arg(long, env = "WEFT_DATABASE", hide_env_values = true)]
    pub database: Option<String>,

    /// Redis server of the fan-out between servers (`redis://host:port`): each committed
    /// change is published there for the other servers holding the document.
    #[arg(long, env = "WEFT_REDIS", hide_env_values = true)]
    pub redis: Option<String>,

    /// Shared secret the sync endpoints require, as `?token=` or `Authorization: Bearer`:
    /// it grants every document, read and write.
    #[arg(long, env = "WEFT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Signed per-document tokens.
    #[command(flatten)]
    pub access: AccessSettings,

    /// Limits on clients.
    #[command(flatten)]
    pub limits: Limits,

    /// Storage tuning.
    #[command(flatten)]
    pub storage: StorageSettings,
}

impl Config {
    /// The default configuration with `address` and `data_dir`, environment ignored (tests
    /// and embedding).
    ///
    /// ```
    /// let config = weft_server::Config::new("127.0.0.1:0".parse()?, "data".into());
    /// assert!(config.token.is_none());
    /// # Ok::<(), std::net::AddrParseError>(())
    /// ```
    #[must_use]
    pub fn new(address: SocketAddr, data_dir: PathBuf) -> Self {
        Self {
            address,
            data_dir,
            demo_dir: None,
            database: None,
            redis: None,
            token: None,
            access: AccessSettings::default(),
            limits: Limits::default(),
            storage: StorageSettings::default(),
        }
    }
}

/// Keys of signed tokens (JWT): a token presented as `?token=` or `Authorization: Bearer`
/// and signed with one of them grants what its claims say (see [`TokenKeys`](crate::TokenKeys)).
#[derive(Clone, Debug, Default, Args)]
#[non_exhaustive]
pub struct AccessSettings {
    /// Secret of HS256 tokens.
    #[arg(long, env = "WEFT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// File of the Ed25519 public key (PEM) of EdDSA tokens.
    #[arg(long, env = "WEFT_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<PathBuf>,
}

/// Limits on what one client may do.
#[derive(Clone, Debug, Args)]
#[non_exhaustive]
pub struct Limits {
    /// Largest WebSocket message accepted, in bytes. Larger sync messages travel as chunks of
    /// the protocol, each within this size.
    #[arg(long, env = "WEFT_MAX_MESSAGE_BYTES", default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,

    /// Largest message reassembled from chunks (a whole document's state, for a repair).
    #[arg(long, env = "WEFT_MAX_DOCUMENT_BYTES", default_value_t = DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,

    /// Documents one multiplexed connection (`/sync`) may open.
    #[arg(long, env = "WEFT_MAX_DOCUMENTS_PER_CONNECTION", default_value_t = DEFAULT_MAX_DOCUMENTS_PER_CONNECTION)]
    pub max_documents_per_connection: usize,

    /// Messages per second one connection may send (sustained); faster senders are slowed
    /// down (the server stops reading until the bucket refills).
    #[arg(long, env = "WEFT_MESSAGES_PER_SECOND", default_value_t = DEFAULT_MESSAGES_PER_SECOND)]
    pub messages_per_second: u32,

    /// Messages one connection may send in a burst above the sustained rate.
    #[arg(long, env = "WEFT_MESSAGE_BURST", default_value_t = DEFAULT_MESSAGE_BURST)]
    pub message_burst: u32,

    /// Open WebSocket connections at once; more are refused with 503.
    #[arg(long, env = "WEFT_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Messages queued for one connection before it is dropped as too slow.
    #[arg(long, env = "WEFT_MAX_QUEUED_MESSAGES", default_value_t = DEFAULT_MAX_QUEUED_MESSAGES)]
    pub max_queued_messages: usize,

    /// Presence client ids one session (a connection's session of one document) may publish
    /// at once: a tab or two of one user. Entries about more are dropped, not relayed (0:
    /// sessions only receive presence).
    #[arg(long, env = "WEFT_PRESENCE_CLIENTS_PER_SESSION", default_value_t = DEFAULT_PRESENCE_CLIENTS_PER_SESSION)]
    pub presence_clients_per_session: usize,

    /// Milliseconds after which a presence entry not refreshed is dropped and its removal
    /// relayed (clients resend their entry every 15 s).
    #[arg(long, env = "WEFT_PRESENCE_TIMEOUT_MS", default_value_t = DEFAULT_PRESENCE_TIMEOUT_MS)]
    pub presence_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            max_documents_per_connection: DEFAULT_MAX_DOCUMENTS_PER_CONNECTION,
            messages_per_second: DEFAULT_MESSAGES_PER_SECOND,
            message_burst: DEFAULT_MESSAGE_BURST,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_queued_messages: DEFAULT_MAX_QUEUED_MESSAGES,
            presence_clients_per_session: DEFAULT_PRESENCE_CLIENTS_PER_SESSION,
            presence_timeout_ms: DEFAULT_PRESENCE_TIMEOUT_MS,
        }
    }
}

/// When documents are compacted and unloaded.
#[derive(Clone, Debug, Args)]
#[non_exhaustive]
pub struct StorageSettings {
    /// Compact a document (one snapshot replaces snapshot and deltas) once its deltas take
    /// more bytes than its snapshot and than this.
    #[arg(long, env = "WEFT_COMPACT_AFTER_BYTES", default_value_t = DEFAULT_COMPACT_AFTER_BYTES)]
    pub compact_after_bytes: u64,

    /// Seconds a document stays in memory after its last session closed.
    #[arg(long, env = "WEFT_UNLOAD_AFTER_SECONDS", default_value_t = DEFAULT_UNLOAD_AFTER_SECONDS)]
    pub unload_after_seconds: u64,

    /// With `--database` or `--redis` (other servers write the documents too): milliseconds
    /// between two reads of what other servers stored, per loaded document. The bus brings
    /// changes sooner; this bounds the delay of one it dropped. 0: only after a gap the bus
    /// shows (a change waiting for one that never came) and after a reconnection to Redis.
    #[arg(long, env = "WEFT_CATCH_UP_MS", default_value_t = DEFAULT_CATCH_UP_MS)]
    pub catch_up_ms: u64,

    /// Forget a document's removed entries (and store the compacted snapshot) once every
    /// client known to it holds this many changes beyond the last such compaction: the
    /// clients connected, and those that left within `--stability-expiry-seconds`. 0: never. Only a
    /// server alone with its storage compacts (not with `--database` or `--redis`).
    #[arg(long, env = "WEFT_COMPACT_EVERY_CHANGES", default_value_t = weft::DEFAULT_COMPACTION_THRESHOLD)]
    pub compact_every_changes: u64,

    /// Seconds a client that left is waited for by compaction: one away longer comes back
    /// below the compaction point and is sent the complete state.
    #[arg(long, env = "WEFT_STABILITY_EXPIRY_SECONDS", default_value_t = DEFAULT_STABILITY_EXPIRY_SECONDS)]
    pub stability_expiry_seconds: u64,
}

/// The default of [`StorageSettings::stability_expiry_seconds`]: a day.
const DEFAULT_STABILITY_EXPIRY_SECONDS: u64 = 24 * 60 * 60;

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            compact_after_bytes: DEFAULT_COMPACT_AFTER_BYTES,
            unload_after_seconds: DEFAULT_UNLOAD_AFTER_SECONDS,
            catch_up_ms: DEFAULT_CATCH_UP_MS,
            compact_every_changes: weft::DEFAULT_COMPACTION_THRESHOLD,
            stability_expiry_seconds: DEFAULT_STABILITY_EXPIRY_SECONDS,
        }
    }
}

impl StorageSettings {
    /// [`StorageSettings::unload_after_seconds`] as a duration.
    ///
    /// ```
    /// let config = weft_server::Config::new("127.0.0.1:0".parse()?, "data".into());
    /// assert_eq!(config.storage.unload_after().as_secs(), 30);
    /// # Ok::<(), std::net::AddrParseError>(())
    /// ```
    #[must_use]
    pub fn unload_after(&self) -> Duration {
        Duration::from_secs(self.unload_after_seconds)
    }
}
