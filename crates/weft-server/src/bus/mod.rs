//! The fan-out between servers over Redis pub/sub: after committing a piece of a document,
//! a server publishes it on the document's channel (`weft:doc:<id>`); every server holding
//! the document is subscribed and hands the piece to the document's task, which applies it
//! (through the same checks as a client's change) and pushes it to its clients.
//!
//! Pub/sub, not streams: the database is the source of truth and every piece is committed
//! before it is published, so the bus needs no memory of its own. A message the bus drops
//! (a server disconnected from Redis, a full queue) costs latency, never data: each document's
//! task catches up from the database when it sees a gap (a delta waiting for one it never
//! got), periodically, and after every reconnection to Redis.
//!
//! Presence travels on the same channels: the entries a server accepted from its own
//! sessions (and their removals when they leave), best effort — a message lost is repaired
//! by the client's next refresh (every 15 s), and a server that dies stops refreshing, so
//! the others time its clients out.

mod message;
mod subscriber;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use redis::AsyncCommands as _;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use weft::sync::presence::{self, Entry, MAX_CLIENTS_PER_MESSAGE};

use crate::document_id::DocumentId;
use crate::store::Piece;

pub(crate) use message::Origin;
use message::Published;

/// What the bus hands a document's task.
#[derive(Debug)]
pub(crate) enum Remote {
    /// A piece another server committed.
    Piece(Piece),
    /// Messages may have been missed (a reconnection to Redis): read the database.
    CatchUp,
    /// Presence entries another server accepted from its sessions.
    Presence {
        /// The server that published them.
        origin: Origin,
        /// At most `MAX_CLIENTS_PER_MESSAGE`, each state within `MAX_STATE_LEN`.
        entries: Vec<Entry>,
    },
}

/// Pieces queued for one document before the bus drops them (the document catches up).
const REMOTE_CAPACITY: usize = 1024;
/// Pieces queued for publishing before they are dropped.
const PUBLISH_CAPACITY: usize = 4096;
/// How long a publish may take before it is given up.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(1);

/// A document's subscription: where its pieces go, and which subscription it is (a document
/// unloaded and loaded again subscribes anew).
#[derive(Debug)]
struct Subscription {
    number: u64,
    remote: mpsc::Sender<Remote>,
}

#[derive(Debug, Default)]
struct Subscriptions {
    documents: HashMap<DocumentId, Subscription>,
    last_number: u64,
}

/// Commands to the subscriber task, which owns the Redis subscription connection.
#[derive(Debug)]
enum Command {
    Subscribe {
        document: DocumentId,
        done: oneshot::Sender<()>,
    },
    Unsubscribe {
        document: DocumentId,
    },
}

/// The bus of one server: a subscriber task and a publisher task over one Redis server.
#[derive(Clone, Debug)]
pub(crate) struct Bus {
    origin: Origin,
    subscriptions: Arc<Mutex<Subscriptions>>,
    commands: mpsc::UnboundedSender<Command>,
    publish: mpsc::Sender<(DocumentId, Published)>,
    #[cfg(feature = "fault-injection")]
    drops: Arc<std::sync::atomic::AtomicU64>,
}

/// A document's end of the bus: its pieces arrive here; dropping it unsubscribes.
#[derive(Debug)]
pub(crate) struct DocumentBus {
    bus: Bus,
    document: DocumentId,
    number: u64,
    pub(crate) remote: mpsc::Receiver<Remote>,
}

impl Drop for DocumentBus {
    fn drop(&mut self) {
        let mut subscriptions = self.bus.subscriptions();
        if subscriptions
            .documents
            .get(&self.document)
            .is_some_and(|subscription| subscription.number == self.number)
        {
            subscriptions.documents.remove(&self.document);
            let _ = self.bus.commands.send(Command::Unsubscribe {
                document: self.document.clone(),
            });
        }
    }
}

impl DocumentBus {
    /// Publishes `piece` (just committed) to the other servers; dropped if the queue is full
    /// (they catch up from the database).
    pub(crate) fn publish(&self, piece: Piece) {
        if self
            .bus
            .publish
            .try_send((self.document.clone(), Published::Piece(piece)))
            .is_err()
        {
            tracing::debug!(document = %self.document, "publish queue full: a piece is not published");
        }
    }

    /// Publishes presence entries this server accepted from its sessions (or their
    /// removals), in frames of at most [`MAX_CLIENTS_PER_MESSAGE`] entries; dropped if the
    /// queue is full (the clients refresh their entries).
    pub(crate) fn publish_presence(&self, entries: &[Entry]) {
        for chunk in entries.chunks(MAX_CLIENTS_PER_MESSAGE) {
            let frame = match presence::encode(chunk) {
                Ok(frame) => frame,
                Err(error) => {
                    tracing::warn!(document = %self.document, %error, "presence not published");
                    continue;
                }
            };
            if self
                .bus
                .publish
                .try_send((self.document.clone(), Published::Presence(frame)))
                .is_err()
            {
                tracing::debug!(document = %self.document, "publish queue full: presence is not published");
            }
        }
    }
}

impl Bus {
    /// Starts the bus tasks on `url` (`redis://host:port`). Redis need not be up: the tasks
    /// connect when it is, and meanwhile the server serves its own clients.
    ///
    /// # Errors
    /// The client's error if `url` is not a Redis URL.
    pub(crate) fn start(
        url: &str,
        shutdown: CancellationToken,
        tracker: &TaskTracker,
    ) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let (commands, command_receiver) = mpsc::unbounded_channel();
        let (publish, publish_receiver) = mpsc::channel(PUBLISH_CAPACITY);
        let bus = Self {
            origin: Origin::random(),
            subscriptions: Arc::default(),
            commands,
            publish,
            #[cfg(feature = "fault-injection")]
            drops: Arc::default(),
        };
        tracker.spawn(subscriber::run(
            client.clone(),
            bus.clone(),
            command_receiver,
            shutdown.clone(),
        ));
        tracker.spawn(publish_pieces(
            client,
            bus.origin,
            publish_receiver,
            shutdown,
        ));
        Ok(bus)
    }

    /// Subscribes `document`; returns once Redis confirmed (or at once if Redis is not
    /// reachable: the document catches up after the reconnection).
    pub(crate) async fn subscribe(&self, document: &DocumentId) -> DocumentBus {
        let (remote_sender, remote) = mpsc::channel(REMOTE_CAPACITY);
        let number = {
            let mut subscriptions = self.subscriptions();
            subscriptions.last_number += 1;
            let number = subscriptions.last_number;
            let subscription = Subscription {
                number,
                remote: remote_sender,
            };
            subscriptions
                .documents
                .insert(document.clone(), subscription);
            number
        };
        let (done, confirmed) = oneshot::channel();
        let subscribe = Command::Subscribe {
            document: document.clone(),
            done,
        };
        if self.commands.send(subscribe).is_ok() {
            let _ = confirmed.await;
        }
        DocumentBus {
            bus: self.clone(),
            document: document.clone(),
            number,
            remote,
        }
    }

    /// Test-only: drops `percent` of the messages this server receives from the bus.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn drop_messages(&self, percent: u64) {
        self.drops
            .store(percent, std::sync::atomic::Ordering::Relaxed);
    }

    /// Test-only: whether to drop the next message received (see [`Bus::drop_messages`]).
    #[cfg(feature = "fault-injection")]
    fn drops_this_message(&self) -> bool {
        use std::sync::atomic::Ordering;
        let percent = self.drops.load(Ordering::Relaxed);
        percent > 0 && u64::from(weft::ReplicaId::random().to_bytes()[0]) * 100 < percent * 256
    }

    fn subscriptions(&self) -> MutexGuard<'_, Subscriptions> {
        self.subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `remote` to `document`'s task, if it is subscribed; dropped if its queue is full.
    fn deliver(&self, document: &DocumentId, remote: Remote) {
        if let Some(subscription) = self.subscriptions().documents.get(document)
            && subscription.remote.try_send(remote).is_err()
        {
            tracing::debug!(%document, "a document's bus queue is full: it will catch up");
        }
    }

    /// Tells every subscribed document to catch up from the database.
    fn catch_up_all(&self) {
        for subscription in self.subscriptions().documents.values() {
            let _ = subscription.remote.try_send(Remote::CatchUp);
        }
    }
}

/// The channel of `document`.
fn channel(document: &DocumentId) -> String {
    format!("weft:doc:{document}")
}

/// Publishes what the documents hand over, on one multiplexed connection, reconnecting
/// when it breaks; pieces that cannot be published are dropped (logged).
async fn publish_pieces(
    client: redis::Client,
    origin: Origin,
    mut pieces: mpsc::Receiver<(DocumentId, Published)>,
    shutdown: CancellationToken,
) {
    let mut connection: Option<redis::aio::MultiplexedConnection> = None;
    loop {
        let next = tokio::select! {
            () = shutdown.cancelled() => return,
            next = pieces.recv() => next,
        };
        let Some((document, published)) = next else {
            return;
        };
        if connection.is_none() {
            let connecting = client.get_multiplexed_async_connection();
            connection = match tokio::time::timeout(PUBLISH_TIMEOUT, connecting).await {
                Ok(Ok(connection)) => Some(connection),
                _ => None,
            };
        }
        let Some(open) = connection.as_mut() else {
            tracing::debug!(%document, "Redis unreachable: a piece is not published");
            continue;
        };
        let payload = message::encode(origin, &published);
        let published = open.publish::<_, _, i64>(channel(&document), payload);
        match tokio::time::timeout(PUBLISH_TIMEOUT, published).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::warn!(%document, %error, "publishing failed: reconnecting to Redis");
                connection = None;
            }
            Err(_) => {
                tracing::warn!(%document, "publishing timed out: reconnecting to Redis");
                connection = None;
            }
        }
    }
}
