//! The channels between connections and document tasks, and the messages they carry. The
//! hub (which opens sessions) and the document tasks (which serve them) both speak these
//! types and know nothing of each other.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use weft::sync::Message;
use weft::sync::presence::Entry;

use crate::access::Right;
use crate::document_id::DocumentId;

/// Numbers the sessions of the whole server.
pub(crate) type SessionId = u64;

/// WebSocket close codes the server uses.
pub(crate) mod close_code {
    /// A normal closure.
    pub(crate) const NORMAL: u16 = 1000;
    /// The server is going away (shutdown).
    pub(crate) const GOING_AWAY: u16 = 1001;
    /// The client broke the protocol.
    pub(crate) const PROTOCOL_ERROR: u16 = 1002;
    /// The client sent a kind of data the server does not accept (text).
    pub(crate) const UNSUPPORTED_DATA: u16 = 1003;
    /// The client broke a limit.
    pub(crate) const POLICY_VIOLATION: u16 = 1008;
    /// A message larger than the limit.
    pub(crate) const MESSAGE_TOO_BIG: u16 = 1009;
    /// The server failed (its database).
    pub(crate) const INTERNAL_ERROR: u16 = 1011;
    /// The connection's token has expired: get a new one and reconnect.
    pub(crate) const TOKEN_EXPIRED: u16 = 4401;
    /// The connection's token does not allow changes (read only): they are refused.
    pub(crate) const READ_ONLY: u16 = 4403;
}

/// A WebSocket close reason fits 123 bytes.
pub(crate) fn truncate_reason(reason: &str) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_string()
}

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
    pub(crate) message: Inbound,
}

/// What a client's frame carried, decoded by its connection.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A sync protocol message.
    Sync(Message),
    /// A presence message (tag 9): at most `MAX_CLIENTS_PER_MESSAGE` entries, each state
    /// within `MAX_STATE_LEN`.
    Presence(Vec<Entry>),
}

/// Messages queued for one document before connections wait.
const INCOMING_CAPACITY: usize = 1024;

/// The sending ends of the channels to one document's task.
#[derive(Clone, Debug)]
pub(crate) struct DocumentHandle {
    pub(crate) control: mpsc::UnboundedSender<Control>,
    pub(crate) incoming: mpsc::Sender<Incoming>,
}

/// The receiving ends, held by the document's task.
#[derive(Debug)]
pub(crate) struct DocumentInbox {
    pub(crate) control: mpsc::UnboundedReceiver<Control>,
    pub(crate) incoming: mpsc::Receiver<Incoming>,
}

impl DocumentHandle {
    /// The channels to a new document task.
    pub(crate) fn open() -> (Self, DocumentInbox) {
        let (control, control_receiver) = mpsc::unbounded_channel();
        let (incoming, incoming_receiver) = mpsc::channel(INCOMING_CAPACITY);
        let inbox = DocumentInbox {
            control: control_receiver,
            incoming: incoming_receiver,
        };
        (Self { control, incoming }, inbox)
    }

    /// Hands `message` of `session` to the document; false if the document's task is gone.
    pub(crate) async fn send(&self, session: SessionId, message: Inbound) -> bool {
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

/// The loaded documents: the channels to each document's task. The hub adds a document
/// when its first session opens; the task removes it when it unloads or fails.
#[derive(Debug, Default)]
pub(crate) struct LoadedDocuments(Mutex<HashMap<DocumentId, DocumentHandle>>);

impl LoadedDocuments {
    /// The map, locked. A task removes itself only under the lock with no join queued, and
    /// the hub queues a join under the lock.
    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<DocumentId, DocumentHandle>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
