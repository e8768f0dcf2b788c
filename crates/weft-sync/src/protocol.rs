//! `generate` and `receive`: the protocol's state machine (see `docs/SYNC.md`).

use weft_core::{Outcome, Replicated, VersionVector};

use crate::chunk;
use crate::error::SyncError;
use crate::message::{Ack, Changes, Hello, Message, PROTOCOL_VERSION, Repair};
use crate::state::SyncState;

/// The oldest protocol version this build still speaks.
const OLDEST_PROTOCOL: u8 = 1;

/// What [`receive`] did.
///
/// ```
/// let received = weft_sync::Received::default();
/// assert!(!received.changed && !received.repaired);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Received {
    /// The replica's state changed: persist it (e.g. [`Log::append`](crate::Log::append)) before
    /// the next [`generate`], so that acknowledgements only cover what is stored. Also set when
    /// the replica learnt that counters of its own id are taken (see `behind_on_own_changes`),
    /// which its snapshot records.
    pub changed: bool,
    /// The message's delta waits inside the replica for changes it depends on.
    pub pending: bool,
    /// The replica merged a peer's complete state to repair divergence; its state changed
    /// without its version changing, so persist a snapshot ([`Log::compact`](crate::Log::compact)).
    pub repaired: bool,
    /// This message revealed that the two replicas hold different states under one version.
    pub divergence_detected: bool,
    /// Some peer holds changes of this replica's own id that it lacks (see
    /// [`SyncState::behind_on_own_changes`]); its next change goes under a fresh id.
    pub behind_on_own_changes: bool,
}

/// The next message to send to the peer, or `None` when there is nothing to say. Call it
/// until it returns `None` after connecting, after local changes, after [`receive`] and after
/// [`SyncState::timeout`].
///
/// In order of priority: chunks of a large message being sent, the hello, a repair, the
/// answer to the peer's hello, local changes the peer lacks, an acknowledgement.
///
/// ```
/// use weft_core::{GCounter, Replica, ReplicaId};
/// use weft_sync::{Message, SyncState, generate};
/// let replica = Replica::<GCounter>::new(ReplicaId::from_u128(1));
/// let mut state = SyncState::new();
/// assert!(matches!(generate(&mut state, &replica), Some(Message::Hello(_))));
/// assert_eq!(generate(&mut state, &replica), None);
/// ```
pub fn generate<R: Replicated>(state: &mut SyncState, replica: &R) -> Option<Message> {
    if let Some(message) = state.outbox.pop_front() {
        return Some(message);
    }
    let message = state.next_message(replica)?;
    Some(state.fit(message))
}

/// Handles a message from the peer: applies its changes or repair to `replica`, and records
/// what the peer holds and what must be answered (by the next [`generate`] calls).
///
/// ```
/// use weft_core::{GCounter, Replica, ReplicaId};
/// use weft_sync::{SyncState, generate, receive};
/// let mut a = Replica::<GCounter>::new(ReplicaId::from_u128(1));
/// let mut b = Replica::<GCounter>::new(ReplicaId::from_u128(2));
/// a.update(|c| c.increment(3));
/// let (mut a_state, mut b_state) = (SyncState::new(), SyncState::new());
/// let hello = generate(&mut b_state, &b).unwrap();
/// receive(&mut a_state, &mut a, hello).unwrap();
/// let _a_hello = generate(&mut a_state, &a).unwrap();
/// let answer = generate(&mut a_state, &a).unwrap();
/// assert!(receive(&mut b_state, &mut b, answer).unwrap().changed);
/// assert_eq!(b.value(), 3);
/// ```
///
/// # Errors
/// A [`SyncError`] if the message or the delta it carries does not decode, the peer speaks no
/// protocol version this build does, or a chunk breaks the reassembly limits. The replica is
/// unchanged then; the session may continue.
pub fn receive<R: Replicated>(
    state: &mut SyncState,
    replica: &mut R,
    message: Message,
) -> Result<Received, SyncError> {
    let floor = replica.own_counter_floor();
    let mut received = receive_message(state, replica, message)?;
    if replica.own_counter_floor() > floor && received.behind_on_own_changes {
        // The replica learnt that counters of its own id are taken: its snapshot records
        // that, so a restart from storage does not reuse them either.
        received.changed = true;
    }
    Ok(received)
}

fn receive_message<R: Replicated>(
    state: &mut SyncState,
    replica: &mut R,
    message: Message,
) -> Result<Received, SyncError> {
    match message {
        Message::Hello(hello) => state.on_hello(replica, hello),
        Message::Changes(changes) => state.on_changes(replica, changes),
        Message::Ack(ack) => Ok(state.on_ack(replica, &ack)),
        Message::Repair(repair) => state.on_repair(replica, repair),
        Message::Chunk(piece) => {
            let config = state.config;
            match state.reassembly.insert(piece, &config)? {
                None => Ok(Received::default()),
                Some(bytes) => match Message::from_bytes(&bytes)? {
                    Message::Chunk(_) => Err(SyncError::NestedChunk),
                    whole => receive_message(state, replica, whole),
                },
            }
        }
    }
}

/// How a message's session relates to the peer's session as we know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// The peer's current session (the one of its latest hello): its versions say what the
    /// peer holds.
    Current,
    /// Another session: late messages of an earlier connection, or of a newer one whose hello
    /// has not arrived yet. Their deltas are applied, their versions are not trusted.
    Other,
}

impl SyncState {
    fn next_message<R: Replicated>(&mut self, replica: &R) -> Option<Message> {
        if self.hello_due {
            self.hello_due = false;
            return Some(Message::Hello(
                Hello::new(self.session, replica.version(), replica.digest())
                    .with_pending(replica.pending_tops()),
            ));
        }
        if self.repair.request_due || self.repair.answer_due {
            let answer_wanted = self.repair.request_due;
            self.repair.awaiting |= answer_wanted;
            self.repair.request_due = false;
            self.repair.answer_due = false;
            return Some(Message::Repair(Repair::new(
                self.session,
                answer_wanted,
                replica.version(),
                replica.encoded_delta_since(&VersionVector::new()),
            )));
        }
        if let Some(hello_session) = self.answer_due.take() {
            let version = replica.version();
            let delta = if covers(&self.sent, &version) {
                Vec::new() // the peer holds everything we hold, or will once our pushes arrive
            } else {
                replica.encoded_delta_since(&self.sent)
            };
            return Some(self.changes(version, delta, Some(hello_session)));
        }
        if self.peer_has.is_some() {
            let version = replica.version();
            if !covers(&self.sent, &version) {
                let delta = replica.encoded_delta_since(&self.sent);
                return Some(self.changes(version, delta, None));
            }
        }
        if let Some((acked_session, seq, with_digest)) = self.ack_due.take() {
            return Some(Message::Ack(Ack::new(
                self.session,
                acked_session,
                seq,
                replica.version(),
                with_digest.then(|| replica.digest()),
            )));
        }
        None
    }

    fn changes(&mut self, version: VersionVector, delta: Vec<u8>, answers: Option<u32>) -> Message {
        self.last_seq += 1;
        self.sent.join(&version);
        self.in_flight = Some((self.last_seq, self.sent.clone()));
        if let Some(pushed) = &mut self.resumed_pushes {
            pushed.join(&version);
        }
        Message::Changes(Changes::new(
            self.session,
            self.last_seq,
            answers,
            version,
            delta,
        ))
    }

    /// `message` itself if its frame fits, else its first chunk (the others go to the outbox).
    fn fit(&mut self, message: Message) -> Message {
        let frame_size = self.config.frame_size();
        if upper_bound_size(&message) <= frame_size {
            return message;
        }
        let bytes = message.to_bytes();
        if bytes.len() <= frame_size {
            return message;
        }
        self.last_transfer += 1;
        let mut chunks = chunk::split(self.session, self.last_transfer, &bytes, frame_size);
        let first = chunks.remove(0);
        self.outbox.extend(chunks);
        first
    }

    fn origin(&mut self, session: u32) -> Origin {
        match self.peer_session {
            Some(current) if current == session => Origin::Current,
            Some(_) => Origin::Other,
            None => {
                self.peer_session = Some(session);
                Origin::Current
            }
        }
    }

    /// Records that the peer (in its current session) holds `version`.
    fn peer_holds(&mut self, version: &VersionVector) {
        match &mut self.peer_has {
            Some(known) => known.join(version),
            None => self.peer_has = Some(version.clone()),
        }
        self.sent.join(version);
    }

    fn start_repair(&mut self, received: &mut Received) {
        received.divergence_detected = true;
        if !self.repair.started {
            self.repair.started = true;
            self.repair.request_due = true;
        }
    }

    fn on_hello<R: Replicated>(
        &mut self,
        replica: &mut R,
        hello: Hello,
    ) -> Result<Received, SyncError> {
        if hello.protocol < OLDEST_PROTOCOL {
            return Err(SyncError::UnsupportedProtocol {
                found: hello.protocol,
                supported: PROTOCOL_VERSION,
            });
        }
        // A peer holding our own changes beyond ours, applied or pending, means we restarted
        // from an older snapshot: the replica must not reuse those counters for new changes.
        replica.note_peer_version(&hello.version);
        replica.note_peer_version(&hello.pending);
        let mut received = Received::default();
        if self.peer_session != Some(hello.session) {
            // A new session of the peer (or a late hello of an old one): what an earlier
            // session held is forgotten below, and if that session was the one that answered
            // our hello, this one has not seen it.
            if self.peer_session.replace(hello.session).is_some()
                && self.answered_by.is_some_and(|by| by != hello.session)
            {
                self.answered_by = None;
                self.hello_due = true;
            }
        }
        if !self.repair.awaiting && !self.repair.request_due && !self.repair.answer_due {
            // Each hello (a new session, or a `resync`) may start one repair.
            self.repair = Default::default();
        }
        // A hello says exactly what its sender holds now: it replaces whatever we believed
        // (the peer may have restarted from an older snapshot), and the answer sends what it
        // lacks from there.
        self.peer_has = Some(hello.version.clone());
        self.sent = hello.version.clone();
        if let Some(pushed) = self.resumed_pushes.take() {
            self.sent.join(&pushed);
        }
        self.in_flight = None;
        if replica.version() == hello.version && replica.digest() != hello.digest {
            self.start_repair(&mut received);
        }
        self.answer_due = Some(hello.session);
        received.behind_on_own_changes = self.behind_on_own_changes(replica);
        Ok(received)
    }

    fn on_changes<R: Replicated>(
        &mut self,
        replica: &mut R,
        changes: Changes,
    ) -> Result<Received, SyncError> {
        let mut received = Received::default();
        if !changes.delta.is_empty() {
            match replica
                .apply_encoded(&changes.delta)
                .map_err(SyncError::Delta)?
            {
                Outcome::Applied => received.changed = true,
                Outcome::Pending => received.pending = true,
                Outcome::Redundant => {}
            }
        }
        let with_digest = changes.answers == Some(self.session);
        if with_digest {
            // An answer to our current hello comes from a session that is alive now: if a
            // late hello made us take an older session for the current one, this corrects it.
            self.answered_by = Some(changes.session);
            self.peer_session = Some(changes.session);
        }
        if self.origin(changes.session) == Origin::Current {
            self.peer_holds(&changes.version);
        }
        self.ack_due = Some(match self.ack_due {
            Some((session, seq, digest)) if session == changes.session => {
                (session, seq.max(changes.seq), digest || with_digest)
            }
            _ => (changes.session, changes.seq, with_digest),
        });
        received.behind_on_own_changes = self.behind_on_own_changes(replica);
        Ok(received)
    }

    fn on_ack<R: Replicated>(&mut self, replica: &R, ack: &Ack) -> Received {
        let mut received = Received::default();
        let current = self.origin(ack.session) == Origin::Current;
        if current {
            self.peer_holds(&ack.version);
        }
        if ack.acked_session == self.session
            && let Some((seq, to)) = &self.in_flight
            && ack.seq >= *seq
        {
            // The peer received our latest changes (and stored them, if it persists before
            // acknowledging): only such an ack settles what is in flight.
            if !covers(&ack.version, to) {
                // It still lacks some: one was lost or overtaken. Send again what it lacks,
                // from what it says it holds now (the freshest word on it: resending from
                // anything else could miss again, and again).
                self.peer_has = Some(ack.version.clone());
                self.sent = ack.version.clone();
            }
            self.in_flight = None;
        }
        if current
            && let Some(digest) = ack.digest
            && ack.version == replica.version()
            && digest != replica.digest()
        {
            self.start_repair(&mut received);
        }
        received.behind_on_own_changes = self.behind_on_own_changes(replica);
        received
    }

    fn on_repair<R: Replicated>(
        &mut self,
        replica: &mut R,
        repair: Repair,
    ) -> Result<Received, SyncError> {
        replica
            .repair_encoded(&repair.state)
            .map_err(SyncError::Delta)?;
        let mut received = Received {
            changed: true,
            repaired: true,
            ..Received::default()
        };
        if self.origin(repair.session) == Origin::Current {
            self.peer_holds(&repair.version);
        }
        // Whatever session it comes from, a repair request is answered (unless ours crossed
        // it): a request that waits for an answer that never comes would be resent forever.
        self.repair.started = true;
        if repair.answer_wanted && !self.repair.awaiting {
            self.repair.answer_due = true;
        }
        self.repair.awaiting = false;
        received.behind_on_own_changes = self.behind_on_own_changes(replica);
        Ok(received)
    }
}

/// Whether `known` includes every change of `version`.
fn covers(known: &VersionVector, version: &VersionVector) -> bool {
    version <= known
}

/// An upper bound of the size of `message`'s frame, computed without encoding it.
fn upper_bound_size(message: &Message) -> usize {
    const FIXED: usize = 64;
    let version = |version: &VersionVector| 10 + version.len() * (16 + 10);
    match message {
        Message::Hello(hello) => FIXED + version(&hello.version),
        Message::Changes(changes) => FIXED + version(&changes.version) + changes.delta.len(),
        Message::Ack(ack) => FIXED + version(&ack.version),
        Message::Repair(repair) => FIXED + version(&repair.version) + repair.state.len(),
        Message::Chunk(piece) => FIXED + piece.bytes.len(),
    }
}
