//! `Server`: binds, serves, and shuts down without losing what it acknowledged.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use weft::sync::SyncConfig;

use crate::access::TokenKeys;
use crate::bus::Bus;
use crate::channel::LoadedDocuments;
use crate::config::Config;
use crate::document::{self, DocumentSettings, Services};
use crate::error::ServerError;
use crate::hooks::Hooks;
use crate::http::{self, AppState};
use crate::hub::Hub;
use crate::presence::PresenceSettings;
use crate::store::{Database, DocumentStore, PostgresStore, SqliteStore};

/// A running sync server.
///
/// ```no_run
/// use weft_server::{Config, Server};
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let config = Config::new("127.0.0.1:0".parse()?, "weft-data".into());
/// let server = Server::start(config).await?;
/// println!("sync at ws://{}/sync/<document>", server.local_addr());
/// server.shutdown().await?; // or server.run_until(signal).await
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Server {
    local_addr: SocketAddr,
    shutdown: CancellationToken,
    serving: JoinHandle<std::io::Result<()>>,
    hub: Arc<Hub>,
    services: Arc<Services>,
}

impl Server {
    /// Opens the database (PostgreSQL at `config.database`, else SQLite in
    /// `config.data_dir`), binds `config.address` and starts serving.
    ///
    /// # Errors
    /// [`ServerError::Store`] if the database cannot be opened, and the errors of
    /// [`Server::start_with_store`].
    pub async fn start(config: Config) -> Result<Self, ServerError> {
        Self::open_and_start(config, None).await
    }

    /// As [`Server::start`], with the application's [`Hooks`]: they authorize every
    /// connection and observe every stored change.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// struct Allow;
    /// impl weft_server::Hooks for Allow {}
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// let config = weft_server::Config::new("127.0.0.1:0".parse()?, "weft-data".into());
    /// let server = weft_server::Server::start_with_hooks(config, Arc::new(Allow)).await?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Server::start`].
    pub async fn start_with_hooks(
        config: Config,
        hooks: Arc<dyn Hooks>,
    ) -> Result<Self, ServerError> {
        Self::open_and_start(config, Some(hooks)).await
    }

    async fn open_and_start(
        config: Config,
        hooks: Option<Arc<dyn Hooks>>,
    ) -> Result<Self, ServerError> {
        if let Some(url) = config.database.clone() {
            let store = tokio::task::spawn_blocking(move || PostgresStore::connect(&url))
                .await
                .map_err(|_| ServerError::Store(crate::StoreError::Closed))??;
            return Self::launch(config, store, hooks).await;
        }
        let store = SqliteStore::open(&config.data_dir)?;
        Self::launch(config, store, hooks).await
    }

    /// As [`Server::start`], over any [`DocumentStore`] (`config.data_dir` and
    /// `config.database` are not used).
    ///
    /// # Errors
    /// [`ServerError::Bind`] if the address cannot be bound, [`ServerError::Redis`] if
    /// `config.redis` is not a Redis URL, [`ServerError::Token`] if the token key file cannot
    /// be used.
    pub async fn start_with_store(
        config: Config,
        store: impl DocumentStore,
    ) -> Result<Self, ServerError> {
        Self::launch(config, store, None).await
    }

    async fn launch(
        config: Config,
        store: impl DocumentStore,
        hooks: Option<Arc<dyn Hooks>>,
    ) -> Result<Self, ServerError> {
        let mut keys = TokenKeys::default();
        if let Some(secret) = config
            .access
            .jwt_secret
            .as_deref()
            .filter(|secret| !secret.is_empty())
        {
            keys = keys.with_secret(secret.as_bytes());
        }
        if let Some(path) = &config.access.jwt_public_key {
            keys = keys.with_public_key_file(path)?;
        }
        let listener = TcpListener::bind(config.address)
            .await
            .map_err(ServerError::Bind)?;
        let local_addr = listener.local_addr().map_err(ServerError::Bind)?;
        let shutdown = CancellationToken::new();
        let limits = config.limits;
        let sync = SyncConfig::default()
            .with_max_frame_size(limits.max_message_bytes)
            .with_max_message_size(limits.max_document_bytes)
            .with_reassembly_limits(limits.max_document_bytes, 65_536, 4);
        let shared = config.database.is_some() || config.redis.is_some();
        let settings = DocumentSettings {
            sync,
            compact_after_bytes: config.storage.compact_after_bytes,
            unload_after: config.storage.unload_after(),
            catch_up_every: (shared && config.storage.catch_up_ms > 0)
                .then(|| Duration::from_millis(config.storage.catch_up_ms)),
            presence: PresenceSettings {
                clients_per_session: limits.presence_clients_per_session,
                timeout: Duration::from_millis(limits.presence_timeout_ms),
            },
            stability_expiry: Duration::from_secs(config.storage.stability_expiry_seconds),
            // Other servers' clients are unknown here: only a server alone compacts.
            compact_every_changes: if shared {
                0
            } else {
                config.storage.compact_every_changes
            },
        };
        let tracker = TaskTracker::new();
        let bus = match &config.redis {
            Some(url) => {
                Some(Bus::start(url, shutdown.clone(), &tracker).map_err(ServerError::Redis)?)
            }
            None => None,
        };
        let loaded = Arc::new(LoadedDocuments::default());
        let services = Arc::new(Services {
            loaded: Arc::clone(&loaded),
            database: Database::start(store),
            bus,
            hooks: hooks.clone(),
            settings,
            shutdown: shutdown.clone(),
            tracker: tracker.clone(),
        });
        let start = {
            let services = Arc::clone(&services);
            Box::new(move |id| document::start(&services, id))
        };
        let hub = Arc::new(Hub::new(loaded, start, shutdown.clone()));
        let state = AppState {
            hub: Arc::clone(&hub),
            tracker,
            connections: Arc::new(Semaphore::new(limits.max_connections)),
            limits: Arc::new(limits),
            // An empty token (`WEFT_TOKEN=`) means none.
            token: config
                .token
                .filter(|token| !token.is_empty())
                .map(Arc::from),
            keys,
            hooks,
        };
        let router = http::router(state, config.demo_dir.as_deref());
        let stop = shutdown.clone();
        let serving = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await
        });
        tracing::info!(address = %local_addr, "listening");
        Ok(Self {
            local_addr,
            shutdown,
            serving,
            hub,
            services,
        })
    }

    /// The address the server listens on (with the port chosen when binding port 0).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The WebSocket URL of `document`'s sync endpoint.
    ///
    /// ```no_run
    /// # async fn f(server: weft_server::Server) {
    /// assert!(server.sync_url("board").ends_with("/sync/board"));
    /// # }
    /// ```
    #[must_use]
    pub fn sync_url(&self, document: &str) -> String {
        format!("ws://{}/sync/{document}", self.local_addr)
    }

    /// How many documents are loaded in memory.
    #[must_use]
    pub fn loaded_documents(&self) -> usize {
        self.hub.loaded_documents()
    }

    /// Test-only (feature `fault-injection`): makes the task of `document` suffer `fault`.
    /// Returns whether the document was loaded (only a loaded document has a task).
    ///
    /// ```no_run
    /// # async fn f(server: weft_server::Server) -> Result<(), weft_server::InvalidDocumentId> {
    /// let board = weft_server::DocumentId::parse("board")?;
    /// assert!(server.inject_fault(&board, weft_server::Fault::PanicNow));
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "fault-injection")]
    #[must_use]
    pub fn inject_fault(&self, document: &crate::DocumentId, fault: crate::Fault) -> bool {
        self.hub.inject_fault(document, fault)
    }

    /// Test-only (feature `fault-injection`): drops `percent` of the messages this server
    /// receives from the bus (they are caught up from the database). Returns whether the
    /// server has a bus.
    ///
    /// ```no_run
    /// # fn f(server: weft_server::Server) {
    /// assert!(server.drop_bus_messages(30));
    /// # }
    /// ```
    #[cfg(feature = "fault-injection")]
    #[must_use]
    pub fn drop_bus_messages(&self, percent: u64) -> bool {
        self.services
            .bus
            .as_ref()
            .map(|bus| bus.drop_messages(percent))
            .is_some()
    }

    /// Serves until `signal` completes, then shuts down gracefully.
    ///
    /// # Errors
    /// As [`Server::shutdown`].
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> Result<(), ServerError> {
        tokio::select! {
            () = signal => {}
            () = self.shutdown.cancelled() => {}
        }
        self.shutdown().await
    }

    /// Shuts down gracefully: stops accepting connections, lets every document make durable
    /// and answer what it already received, closes the sessions (close code 1001), and
    /// closes the database. Nothing acknowledged is lost, shutdown or not: acknowledgements
    /// only ever cover committed changes.
    ///
    /// # Errors
    /// [`ServerError::Serve`] if the HTTP server failed, [`ServerError::Store`] if the
    /// database failed to close.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        tracing::info!("shutting down");
        self.shutdown.cancel();
        let served = self.serving.await;
        self.services.tracker.close();
        self.services.tracker.wait().await;
        let database = self.services.database.clone();
        tokio::task::spawn_blocking(move || database.close())
            .await
            .map_err(|error| ServerError::Serve(std::io::Error::other(error)))??;
        match served {
            Ok(result) => result.map_err(ServerError::Serve),
            Err(error) => Err(ServerError::Serve(std::io::Error::other(error))),
        }
    }
}
