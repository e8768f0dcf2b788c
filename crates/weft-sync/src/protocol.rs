//! `generate` and `receive`: the protocol's state machine (see `docs/SYNC.md`).

use weft_core::{Outcome, Replicated, VersionVector};

use crate::chunk;
use crate::error::SyncError;
use crate::message::{
    Ack, Changes, Hello, Message, PROTOCOL_VERSION, RELATIVE_PROTOCOL, Repair, STABILITY_PROTOCOL,
};
use crate::relative::{Version, differences, fingerprint};
use crate::sketch::VersionSketch;
use crate::state::SyncState;

/// The oldest protocol version this build still speaks.
const OLDEST_PROTOCOL: u8 = 1;

/// Pairs a resumed hello's sketch can recover beyond our own changes since the peer's last
/// word: what the peer may have learnt meanwhile (each replica it moved on is two pairs).
const SKETCH_SLACK: usize = 8;

/// Up to this many replicas in the version, a resumed session pushes its changes beside its
/// hello, written whole; beyond, it waits for the peer's hello to write them against it.
const PUSH_WHOLE_UP_TO: usize = 64;

/// The most of our hellos' versions kept as bases the peer may write against: every hello
/// since the newest one the peer is known to have used, at most this many.
const KEPT_HELLOS: usize = 16;

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
    /// The replica merged a peer's complete state, to repair divergence or because it was
    /// below the peer's compaction point; its state changed in ways a delta since its old
    /// version does not record, so persist a snapshot ([`Log::compact`](crate::Log::compact)).
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
        Message::Stable(stable) => {
            state.on_stable(stable);
            Ok(Received::default())
        }
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
        let waits_for_peer =
            self.config.hello_after_peer && self.peer_base.is_none() && !self.full_hello_wanted;
        if self.hello_due && !waits_for_peer {
            self.hello_due = false;
            let version = replica.version();
            let mut hello =
                Hello::new(self.session, self.hello_version(&version), replica.digest())
                    .with_pending(replica.pending_tops());
            hello.full_hello_wanted = std::mem::take(&mut self.full_hello_wanted);
            let print = fingerprint(&version);
            if self
                .our_hellos
                .back()
                .is_none_or(|(newest, _)| *newest != print)
            {
                self.our_hellos.push_back((print, version));
            }
            if self.our_hellos.len() > KEPT_HELLOS {
                self.our_hellos.pop_front();
            }
            return Some(Message::Hello(hello));
        }
        if self.repair.request_due || self.repair.answer_due {
            let answer_wanted = self.repair.request_due;
            self.repair.awaiting |= answer_wanted;
            self.repair.request_due = false;
            self.repair.answer_due = false;
            return Some(Message::Repair(Repair::new(
                self.session,
                answer_wanted,
                self.outgoing(replica.version()),
                replica.encoded_delta_since(&VersionVector::new()),
            )));
        }
        if let Some(hello_session) = self.answer_due.take() {
            let version = replica.version();
            let delta = if covers(&self.sent, &version) {
                (Vec::new(), None) // the peer holds everything we hold, or will once our pushes arrive
            } else {
                self.delta_for_peer(replica)
            };
            return Some(self.changes(version, delta, Some(hello_session)));
        }
        if self.peer_has.is_some() {
            let version = replica.version();
            // A resumed session pushes beside its hello. When the version is long, a push
            // written whole would name every replica the document has known: towards a peer
            // of protocol 3 it waits for the peer's hello, to be written against it.
            let awaits_base = self.peer_protocol >= RELATIVE_PROTOCOL
                && self.peer_base.is_none()
                && version.len() > PUSH_WHOLE_UP_TO;
            if awaits_base {
                return self.ack_due.take().map(|due| self.ack(replica, due));
            }
            if let Some(stable) = self.take_stable() {
                return Some(Message::Stable(stable));
            }
            if !covers(&self.sent, &version) {
                let delta = self.delta_for_peer(replica);
                return Some(self.changes(version, delta, None));
            }
        }
        self.ack_due.take().map(|due| self.ack(replica, due))
    }

    /// The ack that is due: `(peer session, seq, with digest)`.
    fn ack<R: Replicated>(
        &self,
        replica: &R,
        (acked_session, seq, with_digest): (u32, u64, bool),
    ) -> Message {
        Message::Ack(Ack::new(
            self.session,
            acked_session,
            seq,
            self.outgoing(replica.version()),
            with_digest.then(|| replica.digest()),
        ))
    }

    fn changes(
        &mut self,
        version: VersionVector,
        (delta, complete): (Vec<u8>, Option<VersionVector>),
        answers: Option<u32>,
    ) -> Message {
        self.last_seq += 1;
        self.sent.join(&version);
        self.in_flight = Some((self.last_seq, self.sent.clone()));
        if let Some(pushed) = &mut self.resumed_pushes {
            pushed.join(&version);
        }
        let version = self.outgoing(version);
        let changes = Changes::new(self.session, self.last_seq, answers, version, delta);
        Message::Changes(match complete {
            Some(compacted) => changes.with_complete(compacted),
            None => changes,
        })
    }

    /// The base our versions and deltas are written against: the peer's latest hello, once
    /// it arrived from a peer that reads protocol 3.
    fn base(&self) -> Option<&(u64, VersionVector)> {
        self.peer_base
            .as_ref()
            .filter(|_| self.peer_protocol >= RELATIVE_PROTOCOL)
    }

    /// `version` as the next message carries it: against the base, or whole.
    fn outgoing(&self, version: VersionVector) -> Version {
        match self.base() {
            Some((print, base)) => Version::Against {
                base: *print,
                differences: differences(base, &version),
            },
            None => Version::Full(version),
        }
    }

    /// What the peer lacks (everything beyond `sent`), against the base if there is one; or,
    /// when the peer is below the replica's compaction point and reads protocol 4, the
    /// complete state and that point (a delta could not tell it of removals whose records
    /// were forgotten).
    fn delta_for_peer<R: Replicated>(&self, replica: &R) -> (Vec<u8>, Option<VersionVector>) {
        if self.peer_protocol >= STABILITY_PROTOCOL {
            let compacted = replica.compacted();
            if !covers(&self.sent, &compacted) {
                return (replica.encoded_state(), Some(compacted));
            }
        }
        let delta = match self.base() {
            Some((_, base)) => replica.encoded_delta_against(&self.sent, base),
            None => replica.encoded_delta_since(&self.sent),
        };
        (delta, None)
    }

    /// The version our hello carries: against the peer's latest hello if we have it; as a
    /// sketch when resuming (we know what the peer held) if that is smaller; else whole.
    fn hello_version(&mut self, version: &VersionVector) -> Version {
        if std::mem::take(&mut self.whole_hello_due) || self.peer_protocol < RELATIVE_PROTOCOL {
            return Version::Full(version.clone());
        }
        if let Some((print, base)) = &self.peer_base {
            return Version::Against {
                base: *print,
                differences: differences(base, version),
            };
        }
        if let Some(known) = &self.peer_has {
            let expected = 2 * differences(known, version).len() + SKETCH_SLACK;
            let sketch = VersionSketch::of(version, expected);
            if sketch.encoded_len() + 9 < 1 + version.len() * 17 {
                return Version::Sketch {
                    fingerprint: fingerprint(version),
                    sketch,
                };
            }
        }
        Version::Full(version.clone())
    }

    /// The whole vector of a version the peer sent in a message: whole, against one of our
    /// hellos, or a sketch reconciled with `replica`'s version. `None` if it cannot be told
    /// (against a hello this state no longer keeps, or a sketch that does not reconcile).
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId, VersionVector};
    /// use weft_sync::{SyncState, Version};
    /// let replica = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// let state = SyncState::new();
    /// let whole = Version::Full(VersionVector::new());
    /// assert_eq!(state.resolve_version(&whole, &replica), Some(VersionVector::new()));
    /// let against = Version::Against { base: 7, differences: Vec::new() };
    /// assert_eq!(state.resolve_version(&against, &replica), None);
    /// ```
    #[must_use]
    pub fn resolve_version<R: Replicated>(
        &self,
        version: &Version,
        replica: &R,
    ) -> Option<VersionVector> {
        let mine = match version {
            Version::Sketch { .. } => replica.version(),
            _ => VersionVector::new(),
        };
        version.resolve(|print| self.our_hello(print), &mine)
    }

    /// A message came written against a hello of ours we no longer keep: the peer took a late
    /// hello of ours for the latest (or we restarted). The message is dropped like a lost one
    /// (acks and timeouts recover it), and our hello is sent again so that the peer's next
    /// messages are written against a version we keep.
    fn unknown_base(&mut self) {
        self.hello_due = true;
    }

    /// The version of our hello with fingerprint `print`, if still kept, once the peer wrote
    /// a change against it: the peer has seen that hello, so the older ones are dropped.
    fn used_hello(&mut self, print: u64) -> Option<VersionVector> {
        let position = self
            .our_hellos
            .iter()
            .rposition(|(kept, _)| *kept == print)?;
        self.our_hellos.drain(..position);
        self.our_hellos.front().map(|(_, version)| version.clone())
    }

    /// The version of our hello with fingerprint `print`, if still kept.
    fn our_hello(&self, print: u64) -> Option<&VersionVector> {
        self.our_hellos
            .iter()
            .rev()
            .find(|(kept, _)| *kept == print)
            .map(|(_, version)| version)
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
        self.peer_protocol = hello.protocol;
        if hello.full_hello_wanted {
            // The peer could not read our last hello: it waits for our whole version.
            self.whole_hello_due = true;
            self.hello_due = true;
            self.answered_by = None;
        }
        let Some(version) = self.resolve_version(&hello.version, replica) else {
            // A sketch that does not reconcile, or a version against a hello of ours we no
            // longer keep: ask for the whole version, and answer that hello instead. What
            // the hello does say exactly still tells us which of our counters are taken.
            if let Version::Against { differences, .. } = &hello.version {
                let stated: VersionVector = differences.iter().copied().collect();
                replica.note_peer_version(&stated);
            }
            replica.note_peer_version(&hello.pending);
            self.full_hello_wanted = true;
            self.hello_due = true;
            return Ok(Received {
                behind_on_own_changes: self.behind_on_own_changes(replica),
                ..Received::default()
            });
        };
        // A peer holding our own changes beyond ours, applied or pending, means we restarted
        // from an older snapshot: the replica must not reuse those counters for new changes.
        replica.note_peer_version(&version);
        replica.note_peer_version(&hello.pending);
        let mut received = Received::default();
        if self.peer_session != Some(hello.session) {
            // A new session of the peer (or a late hello of an old one): what an earlier
            // session held is forgotten below, and if that session was the one that answered
            // our hello, this one has not seen it.
            self.announced_view = None; // the new session has not heard our view
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
        self.peer_has = Some(version.clone());
        self.sent = version.clone();
        if let Some(pushed) = self.resumed_pushes.take() {
            self.sent.join(&pushed);
        }
        self.in_flight = None;
        let equal = replica.version() == version;
        self.peer_base = Some((fingerprint(&version), version));
        if equal && replica.digest() != hello.digest {
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
        let base = match &changes.version {
            Version::Against { base, .. } => match self.used_hello(*base) {
                Some(version) => Some(version),
                None => {
                    self.unknown_base();
                    return Ok(received);
                }
            },
            _ => None,
        };
        let version = self.resolve_version(&changes.version, replica);
        if !changes.delta.is_empty() {
            let outcome = match (&changes.complete, &base) {
                (Some(compacted), _) => {
                    received.repaired = true;
                    replica.apply_encoded_state(&changes.delta, compacted)
                }
                (None, Some(base)) => replica.apply_encoded_against(&changes.delta, base),
                (None, None) => replica.apply_encoded(&changes.delta),
            };
            match outcome.map_err(SyncError::Delta)? {
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
        if self.origin(changes.session) == Origin::Current
            && let Some(version) = &version
        {
            self.peer_holds(version);
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
        let Some(version) = self.resolve_version(&ack.version, replica) else {
            self.unknown_base();
            return received;
        };
        let current = self.origin(ack.session) == Origin::Current;
        if current {
            self.peer_holds(&version);
        }
        if ack.acked_session == self.session
            && let Some((seq, to)) = &self.in_flight
            && ack.seq >= *seq
        {
            // The peer received our latest changes (and stored them, if it persists before
            // acknowledging): only such an ack settles what is in flight.
            if !covers(&version, to) {
                // It still lacks some: one was lost or overtaken. Send again what it lacks,
                // from what it says it holds now (the freshest word on it: resending from
                // anything else could miss again, and again).
                self.peer_has = Some(version.clone());
                self.sent = version.clone();
            }
            self.in_flight = None;
        }
        if current
            && let Some(digest) = ack.digest
            && version == replica.version()
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
        if self.origin(repair.session) == Origin::Current
            && let Some(version) = self.resolve_version(&repair.version, replica)
        {
            self.peer_holds(&version);
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
    match message {
        Message::Hello(hello) => FIXED + hello.version.size_bound() + 10 + hello.pending.len() * 26,
        Message::Changes(changes) => {
            FIXED
                + changes.version.size_bound()
                + changes.delta.len()
                + changes
                    .complete
                    .as_ref()
                    .map_or(0, |point| point.len() * 26)
        }
        Message::Ack(ack) => FIXED + ack.version.size_bound(),
        Message::Repair(repair) => FIXED + repair.version.size_bound() + repair.state.len(),
        Message::Chunk(piece) => FIXED + piece.bytes.len(),
        Message::Stable(stable) => FIXED + stable.version.len() * 26,
    }
}
