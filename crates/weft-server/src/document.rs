//! One document's task: the server's replica of the document, a sync session per client,
//! and the document's storage. Every message of every client of the document passes
//! through here, one batch at a time:
//!
//! 1. `receive` each message into its session (changes are applied to the replica);
//! 2. if the replica changed, commit what changed to the database and wait until it is
//!    durable;
//! 3. `generate` for every session: acknowledgements (which now cover only durable
//!    changes) to the senders, the new changes to everyone else.
//!
//! A change that fails the checks of [`GuardedReplica`] (it does not decode, does not
//! round-trip, or makes the library panic on a copy) ends only its sender's session, with
//! close code 1002, before anything is applied or stored. A task that fails anyway (its
//! database fails, or it panics) logs the cause, closes every session of the document with
//! 1011 and unloads: the next session loads the document afresh from the database, which
//! holds everything that was acknowledged.
//!
//! Presence messages pass through the same task but never reach the replica or the
//! database: its [`PresenceTable`] relays them to the document's other subscribed sessions
//! and, over the bus, to the other servers (`presence` module).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use thiserror::Error;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use weft::sync::{Message, SyncConfig, SyncState, generate, receive};
use weft::{Object, Replica, ReplicaId, Replicated, VersionVector};

use crate::access::Right;
use crate::bus::{Bus, DocumentBus};
use crate::channel::{
    Control, DocumentHandle, DocumentInbox, Inbound, Incoming, LoadedDocuments, Outgoing, Peer,
    SessionId, close_code, truncate_reason,
};
use crate::document_id::DocumentId;
use crate::error::StoreError;
use crate::guard::GuardedReplica;
use crate::hooks::Hooks;
use crate::presence::{PresenceSettings, PresenceTable};
use crate::store::{Database, Piece, PieceId, PieceKind, StoredDocument, Write};
use crate::unwind;

mod presence;
mod remote;
mod stability;

use remote::next_remote;

/// What every document task needs to know.
#[derive(Clone, Debug)]
pub(crate) struct DocumentSettings {
    pub(crate) sync: SyncConfig,
    pub(crate) compact_after_bytes: u64,
    pub(crate) unload_after: Duration,
    /// How often a document reads what other servers stored (`None`: no other server
    /// writes to this database).
    pub(crate) catch_up_every: Option<Duration>,
    /// The bounds of each document's presence table.
    pub(crate) presence: PresenceSettings,
    /// How long a client that left is waited for before compaction goes past what it held.
    pub(crate) stability_expiry: Duration,
    /// How many changes the stable version must gain before the replica compacts again.
    pub(crate) compact_every_changes: u64,
}

/// What the document tasks share.
pub(crate) struct Services {
    /// The loaded documents, which a task leaves when it unloads or fails.
    pub(crate) loaded: Arc<LoadedDocuments>,
    pub(crate) database: Database,
    /// The fan-out between servers, if there are several.
    pub(crate) bus: Option<Bus>,
    /// The application's hooks, if any.
    pub(crate) hooks: Option<Arc<dyn Hooks>>,
    pub(crate) settings: DocumentSettings,
    pub(crate) shutdown: CancellationToken,
    /// Tracks the document tasks, so that a shutdown waits for them.
    pub(crate) tracker: TaskTracker,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Services")
            .field("loaded_documents", &self.loaded.lock().len())
            .field("bus", &self.bus.is_some())
            .field("hooks", &self.hooks.is_some())
            .finish_non_exhaustive()
    }
}

/// Starts the task of document `id`; returns the channels to it.
pub(crate) fn start(services: &Arc<Services>, id: DocumentId) -> DocumentHandle {
    let (handle, inbox) = DocumentHandle::open();
    let task = DocumentTask::new(id, Arc::clone(services), inbox);
    services.tracker.spawn(task.run());
    handle
}

/// The most messages handled in one batch (one commit).
const MAX_BATCH: usize = 256;

/// Why a document's task failed (it then closes its sessions and unloads).
#[derive(Debug, Error)]
enum Failure {
    /// The document could not be loaded from the database.
    #[error("cannot load the document: {0}")]
    Load(#[source] StoreError),
    /// Changes could not be committed.
    #[error("cannot store changes: {0}")]
    Store(#[source] StoreError),
    /// The task panicked (a bug, in the server or in the library).
    #[error("panicked: {0}")]
    Panic(String),
}

impl Failure {
    /// The reason the document's sessions are closed with.
    fn reason(&self) -> &'static str {
        match self {
            Self::Load(_) | Self::Store(_) => "storage failure",
            Self::Panic(_) => "internal error",
        }
    }
}

/// One client's session of the document.
struct Session {
    state: SyncState,
    peer: Peer,
    right: Right,
}

/// What the database holds for the document.
#[derive(Default)]
struct Stored {
    /// The pieces of the database the replica holds (loaded, written or caught up on);
    /// a compaction replaces exactly these.
    known: BTreeSet<PieceId>,
    /// Pieces another server stored that the checks refused here: not read again, and not
    /// replaced by this server's compactions (its snapshots do not cover them).
    refused: BTreeSet<PieceId>,
    /// The version the stored pieces cover (as far as this server wrote or read them).
    version: VersionVector,
    snapshot_bytes: u64,
    delta_bytes: u64,
}

struct DocumentTask {
    id: DocumentId,
    services: Arc<Services>,
    control: mpsc::UnboundedReceiver<Control>,
    incoming: mpsc::Receiver<Incoming>,
    sessions: HashMap<SessionId, Session>,
    /// Who is present: ephemeral, never stored.
    presence: PresenceTable,
    /// Clients that left lately, waited for by compaction.
    departed: Vec<stability::Departed>,
    /// The stable version last announced to the sessions.
    announced: VersionVector,
}

impl DocumentTask {
    fn new(id: DocumentId, services: Arc<Services>, inbox: DocumentInbox) -> Self {
        let presence = PresenceTable::new(services.settings.presence);
        Self {
            id,
            services,
            control: inbox.control,
            incoming: inbox.incoming,
            sessions: HashMap::new(),
            presence,
            departed: Vec::new(),
            announced: VersionVector::new(),
        }
    }

    /// Serves the document until it unloads or the server shuts down. A failure (an error or
    /// a panic) is logged with its cause, closes every session and unloads the document, so that
    /// the next session reloads the document from the database.
    async fn run(mut self) {
        let served = std::panic::AssertUnwindSafe(self.serve())
            .catch_unwind()
            .await;
        let failure = match served {
            Ok(Ok(())) => return,
            Ok(Err(failure)) => failure,
            Err(payload) => Failure::Panic(unwind::message(payload.as_ref())),
        };
        tracing::error!(
            document = %self.id,
            cause = %failure,
            "the document failed: its sessions are closed, its next session reloads it from the database"
        );
        self.fail(failure.reason());
    }

    async fn serve(&mut self) -> Result<(), Failure> {
        // Subscribed before loading: a piece published meanwhile is not missed.
        let mut bus = match &self.services.bus {
            Some(bus) => Some(bus.subscribe(&self.id).await),
            None => None,
        };
        let (mut replica, mut stored) = self.load().await.map_err(Failure::Load)?;
        let shutdown = self.services.shutdown.clone();
        let catch_up_every = self.services.settings.catch_up_every;
        // When to read what other servers stored next (periodically, or soon after a gap).
        let mut next_catch_up = catch_up_every.map(|every| Instant::now() + every);
        // Since when no session is open: the document unloads `unload_after` later, whatever
        // else (pieces, presence or catch-ups for other servers' clients) arrives meanwhile.
        let mut idle_since: Option<Instant> = None;
        loop {
            if !self.sessions.is_empty() {
                idle_since = None;
            } else if idle_since.is_none() {
                idle_since = Some(Instant::now());
            }
            let unload_at = idle_since.map(|since| since + self.services.settings.unload_after);
            let presence_expiry = self.presence.next_expiry();
            tokio::select! {
                biased;
                () = shutdown.cancelled() => {
                    self.drain(&mut replica, &mut stored, bus.as_ref()).await;
                    return Ok(());
                }
                Some(control) = self.control.recv() => {
                    self.on_control(control, &mut replica, bus.as_ref());
                }
                () = tokio::time::sleep_until(next_catch_up.unwrap_or_else(Instant::now)),
                    if next_catch_up.is_some() =>
                {
                    self.catch_up(&mut replica, &mut stored, bus.as_ref()).await?;
                    next_catch_up = catch_up_every.map(|every| Instant::now() + every);
                }
                Some(first) = next_remote(bus.as_mut()) => {
                    let mut batch = vec![first];
                    while let Some(next) = bus.as_mut().and_then(|bus| bus.remote.try_recv().ok()) {
                        batch.push(next);
                        if batch.len() >= MAX_BATCH {
                            break;
                        }
                    }
                    let gap = self.take_remote(batch, &mut replica, &mut stored, bus.as_ref()).await?;
                    if gap {
                        let soon = Instant::now() + remote::GAP_WAIT;
                        next_catch_up = Some(next_catch_up.map_or(soon, |next| next.min(soon)));
                    }
                }
                Some(first) = self.incoming.recv() => {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match self.incoming.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    self.process(batch, &mut replica, &mut stored, bus.as_ref()).await?;
                }
                () = tokio::time::sleep_until(presence_expiry.unwrap_or_else(Instant::now)),
                    if presence_expiry.is_some() =>
                {
                    self.expire_presence(bus.as_ref());
                }
                () = tokio::time::sleep_until(unload_at.unwrap_or_else(Instant::now)),
                    if unload_at.is_some() =>
                {
                    if self.retire() {
                        tracing::debug!(document = %self.id, "unloaded");
                        return Ok(());
                    }
                }
            }
        }
    }

    /// The document from the database (the join of its pieces), or a new one.
    async fn load(&self) -> Result<(GuardedReplica, Stored), StoreError> {
        let document = self
            .services
            .database
            .read(&self.id, BTreeSet::new())
            .await?;
        let replica = join_pieces(&self.id, &document)?;
        let (snapshot_bytes, delta_bytes) = document.byte_size();
        let stored = Stored {
            known: document.ids.iter().copied().collect(),
            refused: BTreeSet::new(),
            version: replica.version(),
            snapshot_bytes,
            delta_bytes,
        };
        tracing::debug!(document = %self.id, pieces = document.ids.len(), "loaded");
        Ok((GuardedReplica::new(replica), stored))
    }

    fn on_control(
        &mut self,
        control: Control,
        replica: &mut GuardedReplica,
        bus: Option<&DocumentBus>,
    ) {
        match control {
            Control::Join {
                session,
                peer,
                right,
            } => {
                // Clients say hello first; the server's hello then says only what differs.
                let config = self.services.settings.sync.with_hello_after_peer(true);
                let mut state = SyncState::with_config(config, random_session());
                state.announce_view(self.announced.clone());
                self.sessions
                    .insert(session, Session { state, peer, right });
                self.flush(session, replica);
            }
            Control::Leave { session } => {
                let left = self.sessions.remove(&session);
                self.depart(left.as_ref().and_then(|entry| entry.state.peer_version()));
                self.leave_presence(session, bus);
            }
            #[cfg(feature = "fault-injection")]
            Control::Fault(fault) => match fault {
                crate::fault::Fault::PanicNow => panic!("injected fault: the task panics"),
                crate::fault::Fault::PanicInNextChange => replica.panic_in_next_change(),
            },
        }
    }

    /// Receives a batch, makes what changed durable, then answers every session.
    async fn process(
        &mut self,
        batch: Vec<Incoming>,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        bus: Option<&DocumentBus>,
    ) -> Result<(), Failure> {
        let mut changed = false;
        let mut repaired = false;
        for Incoming { session, message } in batch {
            let message = match message {
                Inbound::Sync(message) => message,
                Inbound::Presence(entries) => {
                    self.receive_presence(session, entries, bus);
                    continue;
                }
            };
            let Some(entry) = self.sessions.get_mut(&session) else {
                continue; // it left; its client sends again what was not acknowledged
            };
            let Some(message) = admit(entry.right, message, &entry.state, replica) else {
                tracing::info!(document = %self.id, "closing a read-only session that sent a change");
                self.leave_presence(session, bus);
                if let Some(entry) = self.sessions.remove(&session) {
                    entry.peer.send(Outgoing::Close {
                        code: close_code::READ_ONLY,
                        reason: "read only: this token does not allow changes".to_string(),
                    });
                }
                continue;
            };
            let refused = match unwind::catch(|| receive(&mut entry.state, replica, message)) {
                Ok(Ok(received)) => {
                    changed |= received.changed;
                    repaired |= received.repaired;
                    continue;
                }
                Ok(Err(error)) => replica.explain(&error),
                // A panic outside a change of the replica (in the protocol's own decoding,
                // say) spoils only this session, which closes. A change may have completed
                // before it: persist as if one did (a snapshot), so that no acknowledgement
                // covers anything that is not durable.
                Err(message) if replica.is_intact() => {
                    changed = true;
                    repaired = true;
                    (
                        format!("the protocol panicked: {message}"),
                        "protocol error: the message breaks the protocol".to_string(),
                    )
                }
                Err(message) => {
                    return Err(Failure::Panic(format!(
                        "while changing the replica: {message}"
                    )));
                }
            };
            let (cause, reason) = refused;
            tracing::warn!(document = %self.id, %cause, "closing a session: protocol error");
            self.leave_presence(session, bus);
            if let Some(entry) = self.sessions.remove(&session) {
                entry.peer.send(Outgoing::Close {
                    code: close_code::PROTOCOL_ERROR,
                    reason: truncate_reason(&reason),
                });
            }
        }
        if changed {
            self.persist(replica, stored, repaired, bus)
                .await
                .map_err(Failure::Store)?;
        }
        self.stabilize(replica, stored, bus)
            .await
            .map_err(Failure::Store)?;
        self.flush_all(replica);
        Ok(())
    }

    /// Sends every session what is due.
    fn flush_all(&mut self, replica: &GuardedReplica) {
        let sessions: Vec<SessionId> = self.sessions.keys().copied().collect();
        for session in sessions {
            self.flush(session, replica);
        }
    }

    /// Commits what the database lacks: a delta, or a snapshot when the document is new,
    /// was repaired (its state changed under the same version) or has enough deltas; then
    /// publishes it to the other servers.
    async fn persist(
        &self,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        repaired: bool,
        bus: Option<&DocumentBus>,
    ) -> Result<(), StoreError> {
        // Prepared before the await: a `&Replica` may not be held across it (the replica
        // is `Send` but not `Sync`).
        let Some((write, version)) = self.prepare(replica, stored, repaired) else {
            return Ok(());
        };
        // What the other servers are sent (a snapshot too large for the bus they read from
        // the database at their next catch-up).
        let hooks = self.services.hooks.as_deref();
        let published = (bus.is_some() || hooks.is_some()).then(|| match &write {
            Write::Snapshot { snapshot, .. } => (PieceKind::Snapshot, snapshot.clone()),
            Write::Append { delta, .. } => (PieceKind::Delta, delta.clone()),
        });
        let ids = self.services.database.commit(vec![write]).await?;
        let id = *ids.first().ok_or(StoreError::Closed)?;
        stored.version = version;
        stored.known.insert(id);
        if let Some((kind, bytes)) = published {
            let piece = Piece::new(id, kind, bytes);
            if let Some(hooks) = hooks {
                hooks.stored(&self.id, &piece);
            }
            if let Some(bus) = bus
                && piece.bytes.len() <= remote::MAX_PUBLISHED_BYTES
            {
                bus.publish(piece);
            }
        }
        Ok(())
    }

    fn prepare(
        &self,
        replica: &GuardedReplica,
        stored: &mut Stored,
        repaired: bool,
    ) -> Option<(Write, VersionVector)> {
        let version = replica.version();
        let compact = stored.delta_bytes
            > stored
                .snapshot_bytes
                .max(self.services.settings.compact_after_bytes);
        let write = if stored.known.is_empty() || repaired || compact {
            let snapshot = replica.save();
            stored.snapshot_bytes = snapshot.len() as u64;
            stored.delta_bytes = 0;
            // The snapshot covers every piece the replica holds: those go with it.
            let replaces = std::mem::take(&mut stored.known).into_iter().collect();
            Write::Snapshot {
                document: self.id.clone(),
                snapshot,
                replaces,
            }
        } else if version <= stored.version {
            return None; // only pending deltas arrived: nothing to acknowledge yet
        } else {
            let delta = replica.encoded_delta_since(&stored.version);
            stored.delta_bytes += delta.len() as u64;
            Write::Append {
                document: self.id.clone(),
                delta,
            }
        };
        Some((write, version))
    }

    /// Sends `session` every message due.
    fn flush(&mut self, session: SessionId, replica: &GuardedReplica) {
        let Some(entry) = self.sessions.get_mut(&session) else {
            return;
        };
        while let Some(message) = generate(&mut entry.state, replica) {
            let sent = entry.peer.send(Outgoing::Frame {
                document: self.id.clone(),
                bytes: message.to_bytes(),
            });
            if !sent {
                self.sessions.remove(&session);
                return;
            }
        }
    }

    /// At shutdown: takes in the joins and messages already queued, makes them durable,
    /// answers, and lets the sessions go (their connections close once their queues drain).
    async fn drain(
        &mut self,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        bus: Option<&DocumentBus>,
    ) {
        while let Ok(control) = self.control.try_recv() {
            self.on_control(control, replica, bus);
        }
        let mut batch = Vec::new();
        while let Ok(incoming) = self.incoming.try_recv() {
            batch.push(incoming);
        }
        if let Err(error) = self.process(batch, replica, stored, bus).await {
            tracing::error!(document = %self.id, %error, "cannot store the last changes");
        }
        for (_, entry) in self.sessions.drain() {
            entry.peer.send(Outgoing::Close {
                code: close_code::GOING_AWAY,
                reason: "server shutting down".to_string(),
            });
        }
    }

    /// Unloads the document if no session is open or about to open. Returns whether it did.
    fn retire(&mut self) -> bool {
        let mut documents = self.services.loaded.lock();
        if !self.sessions.is_empty() || !self.control.is_empty() || !self.incoming.is_empty() {
            return false;
        }
        documents.remove(&self.id);
        true
    }

    /// After a failure: unloads the document (the next session reloads it from what is
    /// durable) and closes every session, including those about to open, with `reason`.
    fn fail(&mut self, reason: &str) {
        self.services.loaded.lock().remove(&self.id);
        while let Ok(control) = self.control.try_recv() {
            if let Control::Join {
                session,
                peer,
                right,
            } = control
            {
                self.sessions.insert(
                    session,
                    Session {
                        state: SyncState::new(),
                        peer,
                        right,
                    },
                );
            }
        }
        for (_, entry) in self.sessions.drain() {
            entry.peer.send(Outgoing::Close {
                code: close_code::INTERNAL_ERROR,
                reason: reason.to_string(),
            });
        }
    }
}

/// The replica the pieces of `document` join to: the first snapshot as saved (with its
/// replica id), the others merged, the deltas applied (in id order; one that depends on a
/// later one waits for it).
fn join_pieces(id: &DocumentId, document: &StoredDocument) -> Result<Replica<Object>, StoreError> {
    let corrupt = |source| StoreError::Corrupt {
        document: id.to_string(),
        source,
    };
    let mut replica: Option<Replica<Object>> = None;
    for piece in &document.pieces {
        match (piece.kind, replica.as_mut()) {
            (PieceKind::Snapshot, None) => {
                replica = Some(Replica::load(&piece.bytes).map_err(corrupt)?);
            }
            (PieceKind::Snapshot, Some(replica)) => {
                replica.merge(&Replica::load(&piece.bytes).map_err(corrupt)?);
            }
            (PieceKind::Delta, _) => {
                replica
                    .get_or_insert_with(|| Replica::new(ReplicaId::random()))
                    .apply_encoded(&piece.bytes)
                    .map_err(corrupt)?;
            }
        }
    }
    Ok(replica.unwrap_or_else(|| Replica::new(ReplicaId::random())))
}

/// What of `message` a session with `right` may hand to the document: all of it with the
/// right to write; without it, no change — a `Changes` whose delta holds nothing beyond the
/// server's version passes without its delta, anything else that carries a change (a
/// `Changes` beyond it, a `Repair`, a chunk of either) refuses the session (`None`).
fn admit(
    right: Right,
    message: Message,
    state: &SyncState,
    replica: &GuardedReplica,
) -> Option<Message> {
    if right == Right::Write {
        return Some(message);
    }
    match message {
        Message::Changes(mut changes) => {
            if changes.delta.is_empty() {
                return Some(Message::Changes(changes));
            }
            if state
                .resolve_version(&changes.version, replica)
                .is_some_and(|version| version <= replica.version())
            {
                changes.delta = Vec::new();
                return Some(Message::Changes(changes));
            }
            None
        }
        Message::Repair(_) | Message::Chunk(_) => None,
        other => Some(other),
    }
}

/// A random session number, so that sessions differ across server restarts.
fn random_session() -> u32 {
    let bytes = ReplicaId::random().to_bytes();
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}
