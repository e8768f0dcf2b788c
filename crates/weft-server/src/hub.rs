//! The hub: which documents are loaded, and the channels to each document's task.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use weft_sync::{Message, SyncConfig};

use crate::access::Right;
use crate::bus::Bus;
use crate::document::DocumentTask;
use crate::document_id::DocumentId;
use crate::hooks::Hooks;
use crate::store::Database;

/// Numbers the sessions of the whole server.
pub(crate) type SessionId = u64;

/// What a document's task sends to a connection.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// A sync frame of `document`'s session.
    Frame {
        document: DocumentId,
        bytes: Vec<u8>,
    },
    /// Close the connection with this WebSocket close code and reason.
    Close { code: u16, reason: String },
}

/// A connection's end of a session: where its frames go, and how to drop the connection.
#[derive(Clone, Debug)]
pub(crate) struct Peer {
    pub(crate) outbox: mpsc::Sender<Outgoing>,
    /// Cancelled to drop the connection when its outbox is full (a client too slow to read).
    pub(crate) connection: CancellationToken,
}

impl Peer {
    /// Queues `outgoing`; a full queue drops the connection. Returns whether it was queued.
    pub(crate) fn send(&self, outgoing: Outgoing) -> bool {
        match self.outbox.try_send(outgoing) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!("dropping a connection too slow to read its messages");
                self.connection.cancel();
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

/// Session membership changes, handled before any frame.
#[derive(Debug)]
pub(crate) enum Control {
    Join {
        session: SessionId,
        peer: Peer,
        right: Right,
    },
    Leave {
        session: SessionId,
    },
    /// Test-only: a failure to suffer (see [`crate::fault`]).
    #[cfg(feature = "fault-injection")]
    Fault(crate::fault::Fault),
}

/// A message from a session's client.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub(crate) session: SessionId,
    pub(crate) message: Message,
}

/// The channels to one document's task.
#[derive(Clone, Debug)]
pub(crate) struct DocumentHandle {
    pub(crate) control: mpsc::UnboundedSender<Control>,
    pub(crate) incoming: mpsc::Sender<Incoming>,
}

impl DocumentHandle {
    /// Hands `message` of `session` to the document; false if the document's task is gone.
    pub(crate) async fn send(&self, session: SessionId, message: Message) -> bool {
        self.incoming
            .send(Incoming { session, message })
            .await
            .is_ok()
    }

    /// Ends `session`.
    pub(crate) fn leave(&self, session: SessionId) {
        let _ = self.control.send(Control::Leave { session });
    }
}

/// What every document task needs to know.
#[derive(Clone, Debug)]
pub(crate) struct DocumentSettings {
    pub(crate) sync: SyncConfig,
    pub(crate) compact_after_bytes: u64,
    pub(crate) unload_after: Duration,
    /// How often a document reads what other servers stored (`None`: no other server
    /// writes to this database).
    pub(crate) catch_up_every: Option<Duration>,
}

/// Messages queued for one document before connections wait.
const INCOMING_CAPACITY: usize = 1024;

/// The loaded documents and what their tasks share.
pub(crate) struct Hub {
    documents: Mutex<HashMap<DocumentId, DocumentHandle>>,
    pub(crate) database: Database,
    /// The fan-out between servers, if there are several.
    pub(crate) bus: Option<Bus>,
    /// The application's hooks, if any.
    pub(crate) hooks: Option<Arc<dyn Hooks>>,
    pub(crate) settings: DocumentSettings,
    pub(crate) shutdown: CancellationToken,
    pub(crate) tracker: TaskTracker,
    next_session: AtomicU64,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Hub")
            .field("loaded_documents", &self.loaded_documents())
            .field("bus", &self.bus.is_some())
            .field("hooks", &self.hooks.is_some())
            .finish_non_exhaustive()
    }
}

impl Hub {
    pub(crate) fn new(
        database: Database,
        bus: Option<Bus>,
        hooks: Option<Arc<dyn Hooks>>,
        settings: DocumentSettings,
        shutdown: CancellationToken,
        tracker: TaskTracker,
    ) -> Arc<Self> {
        Arc::new(Self {
            documents: Mutex::new(HashMap::new()),
            database,
            bus,
            hooks,
            settings,
            shutdown,
            tracker,
            next_session: AtomicU64::new(1),
        })
    }

    /// Opens a session of `document` for `peer` with `right`, loading the document if
    /// needed. `None` when the server is shutting down.
    pub(crate) fn join(
        self: &Arc<Self>,
        document: &DocumentId,
        peer: Peer,
        right: Right,
    ) -> Option<(SessionId, DocumentHandle)> {
        if self.shutdown.is_cancelled() {
            return None;
        }
        let session = self.next_session.fetch_add(1, Ordering::Relaxed);
        let mut documents = self.documents();
        let handle = documents
            .entry(document.clone())
            .or_insert_with(|| self.spawn_document(document.clone()))
            .clone();
        // Sent under the lock: a task retires only under the lock with no join queued.
        handle
            .control
            .send(Control::Join {
                session,
                peer,
                right,
            })
            .ok()?;
        Some((session, handle))
    }

    /// Test-only: hands `fault` to `document`'s task; false if the document is not loaded.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn inject_fault(&self, document: &DocumentId, fault: crate::fault::Fault) -> bool {
        self.documents()
            .get(document)
            .is_some_and(|handle| handle.control.send(Control::Fault(fault)).is_ok())
    }

    /// How many documents are loaded.
    pub(crate) fn loaded_documents(&self) -> usize {
        self.documents().len()
    }

    /// The map of loaded documents, locked. Document tasks lock it to retire.
    pub(crate) fn documents(&self) -> MutexGuard<'_, HashMap<DocumentId, DocumentHandle>> {
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn spawn_document(self: &Arc<Self>, document: DocumentId) -> DocumentHandle {
        let (control, control_receiver) = mpsc::unbounded_channel();
        let (incoming, incoming_receiver) = mpsc::channel(INCOMING_CAPACITY);
        let task = DocumentTask::new(
            document,
            Arc::clone(self),
            control_receiver,
            incoming_receiver,
        );
        self.tracker.spawn(task.run());
        DocumentHandle { control, incoming }
    }
}
