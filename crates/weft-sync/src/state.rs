//! `SyncState`: what one replica knows about one peer's session.

use std::collections::VecDeque;

use weft_core::codec::frame::{self, Kind};
use weft_core::codec::{Decode, Encode};
use weft_core::{DecodeError, ReplicaId, Replicated, VersionVector};

use crate::chunk::Reassembly;
use crate::config::SyncConfig;
use crate::message::{Message, tag};

/// The sync state of one replica towards one peer: what the peer is known to hold, what was
/// sent and not yet acknowledged, the handshake and repair phases, messages waiting to be
/// sent and chunks being reassembled. Keep one per peer; feed it to
/// [`generate`](crate::generate) and [`receive`](crate::receive).
///
/// ```
/// use weft_sync::SyncState;
/// let state = SyncState::new();
/// assert!(state.peer_version().is_none()); // nothing known before the peer's hello
/// ```
#[derive(Clone, Debug)]
pub struct SyncState {
    pub(crate) config: SyncConfig,
    /// This side's session; a new one for every connection.
    pub(crate) session: u32,
    /// The `seq` of the last `Changes` sent in this session.
    pub(crate) last_seq: u64,
    /// The last chunked transfer number used in this session.
    pub(crate) last_transfer: u64,
    /// Our hello must be sent (again).
    pub(crate) hello_due: bool,
    /// The peer session that answered our current hello, once one did.
    pub(crate) answered_by: Option<u32>,
    /// The peer's current session, once known.
    pub(crate) peer_session: Option<u32>,
    /// What the peer is known to hold (from its hello, `Changes` and acks in its current
    /// session, or resumed from a saved state). `None` before anything is known.
    pub(crate) peer_has: Option<VersionVector>,
    /// What the peer will hold once everything we sent arrives: `peer_has` ⊔ versions sent.
    pub(crate) sent: VersionVector,
    /// The latest `Changes` not acknowledged yet: its `seq` and `sent` after it.
    pub(crate) in_flight: Option<(u64, VersionVector)>,
    /// Versions pushed since a reconnect and before the peer's new hello (resumed sessions).
    pub(crate) resumed_pushes: Option<VersionVector>,
    /// The peer's hello (of this session) waits for its answer.
    pub(crate) answer_due: Option<u32>,
    /// An ack is due: `(peer session, seq, with digest)`.
    pub(crate) ack_due: Option<(u32, u64, bool)>,
    pub(crate) repair: RepairPhase,
    /// The newest protocol the peer speaks (from its hello, or a saved state); 0 while unknown.
    pub(crate) peer_protocol: u8,
    /// The version of the peer's latest hello and its fingerprint: the base our versions and
    /// deltas are written against (protocol 3). `None` until the hello of its current
    /// session arrived.
    pub(crate) peer_base: Option<(u64, VersionVector)>,
    /// The versions of our latest hellos with their fingerprints, the newest last: the bases
    /// the peer may write against.
    pub(crate) our_hellos: VecDeque<(u64, VersionVector)>,
    /// Our next hello asks the peer for its whole version (we could not read its last one).
    pub(crate) full_hello_wanted: bool,
    /// The peer asked for our whole version: our next hello carries it.
    pub(crate) whole_hello_due: bool,
    /// Chunks of a large message, sent one per [`generate`](crate::generate) call.
    pub(crate) outbox: VecDeque<Message>,
    pub(crate) reassembly: Reassembly,
    /// The view to announce to the peer ([`SyncState::announce_view`]).
    pub(crate) view: Option<VersionVector>,
    /// The view last announced in this session.
    pub(crate) announced_view: Option<VersionVector>,
    /// The view the peer announced last.
    pub(crate) peer_view: Option<VersionVector>,
}

/// Where a divergence repair stands in the current session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RepairPhase {
    /// A repair was started (at most once per session).
    pub(crate) started: bool,
    /// Our complete state must be sent, asking for the peer's.
    pub(crate) request_due: bool,
    /// Our complete state must be sent in answer to the peer's request.
    pub(crate) answer_due: bool,
    /// We asked for the peer's complete state and have not received it yet.
    pub(crate) awaiting: bool,
}

impl Default for SyncState {
    fn default() -> Self {
        Self::new()
    }
}

impl SyncState {
    /// A state for a new connection to a peer, with the default [`SyncConfig`] and a random
    /// session.
    ///
    /// ```
    /// assert_ne!(weft_sync::SyncState::new().session(), weft_sync::SyncState::new().session());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::with_config(SyncConfig::default(), random_session())
    }

    /// A state for a new connection with `config` and the given `session` number. Sessions
    /// tell a connection's messages from late messages of an earlier one: never reuse one
    /// towards the same peer (pass a random number; tests pass fixed ones to be reproducible).
    ///
    /// ```
    /// use weft_sync::{SyncConfig, SyncState};
    /// let state = SyncState::with_config(SyncConfig::default(), 42);
    /// assert_eq!(state.session(), 42);
    /// ```
    #[must_use]
    pub fn with_config(config: SyncConfig, session: u32) -> Self {
        Self {
            config,
            session,
            last_seq: 0,
            last_transfer: 0,
            hello_due: true,
            answered_by: None,
            peer_session: None,
            peer_has: None,
            sent: VersionVector::new(),
            in_flight: None,
            resumed_pushes: None,
            answer_due: None,
            ack_due: None,
            repair: RepairPhase::default(),
            peer_protocol: 0,
            peer_base: None,
            our_hellos: VecDeque::new(),
            full_hello_wanted: false,
            whole_hello_due: false,
            outbox: VecDeque::new(),
            reassembly: Reassembly::default(),
            view: None,
            announced_view: None,
            peer_view: None,
        }
    }

    /// This side's current session.
    ///
    /// ```
    /// let mut state = weft_sync::SyncState::with_config(Default::default(), 7);
    /// state.reconnect();
    /// assert_eq!(state.session(), 8);
    /// ```
    #[must_use]
    pub fn session(&self) -> u32 {
        self.session
    }

    /// The configuration.
    ///
    /// ```
    /// assert_eq!(weft_sync::SyncState::new().config().max_frame_size, 64 * 1024);
    /// ```
    #[must_use]
    pub fn config(&self) -> &SyncConfig {
        &self.config
    }

    /// What the peer is known to hold: its version as it last told us (hello, acks, changes),
    /// or as resumed from [`SyncState::save`]. `None` before the peer's hello.
    ///
    /// ```
    /// assert_eq!(weft_sync::SyncState::new().peer_version(), None);
    /// ```
    #[must_use]
    pub fn peer_version(&self) -> Option<&VersionVector> {
        self.peer_has.as_ref()
    }

    /// How many bytes of partially received chunked messages are held.
    ///
    /// ```
    /// assert_eq!(weft_sync::SyncState::new().buffered_bytes(), 0);
    /// ```
    #[must_use]
    pub fn buffered_bytes(&self) -> usize {
        self.reassembly.buffered_bytes()
    }

    /// Whether nothing is waiting to be sent or acknowledged: no hello, answer, ack, repair
    /// or chunk due, nothing in flight, and `replica` holds nothing the peer lacks.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// let replica = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// assert!(!weft_sync::SyncState::new().is_idle(&replica)); // the hello is due
    /// ```
    #[must_use]
    pub fn is_idle<R: Replicated>(&self, replica: &R) -> bool {
        !self.hello_due
            && self.answered_by.is_some()
            && self.answer_due.is_none()
            && self.ack_due.is_none()
            && self.in_flight.is_none()
            && self.outbox.is_empty()
            && !self.stable_due()
            && !self.repair.request_due
            && !self.repair.answer_due
            && !self.repair.awaiting
            && self.peer_has.is_some()
            && replica.version() <= self.sent
    }

    /// Whether a peer holds changes of `replica`'s own id (applied or pending) that `replica`
    /// lacks: the replica was restored from an older snapshot after those changes left it.
    /// Writing meanwhile is safe: the replica's next change is made under a fresh id, so no
    /// counter is ever reused, and the lost changes come back from any peer that has them.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// let replica = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// assert!(!weft_sync::SyncState::new().behind_on_own_changes(&replica));
    /// ```
    #[must_use]
    pub fn behind_on_own_changes<R: Replicated>(&self, replica: &R) -> bool {
        replica.own_counter_floor() > replica.version().get(replica.replica_id())
    }

    /// Starts a new session over a new connection to the same peer (call it on both sides
    /// when a connection is re-established). What the peer acknowledged is kept, so changes
    /// made meanwhile are pushed at once, without waiting for the peer's hello, and nothing
    /// the peer acknowledged is sent again.
    ///
    /// ```
    /// let mut state = weft_sync::SyncState::with_config(Default::default(), 1);
    /// state.reconnect();
    /// assert_eq!(state.session(), 2);
    /// ```
    pub fn reconnect(&mut self) {
        let mut next = Self::with_config(self.config, self.session.wrapping_add(1));
        next.peer_protocol = self.peer_protocol;
        // Late messages of the old connection may be written against our old hellos.
        next.our_hellos = std::mem::take(&mut self.our_hellos);
        next.sent = self.peer_has.clone().unwrap_or_default();
        next.resumed_pushes = self.peer_has.as_ref().map(|_| VersionVector::new());
        next.peer_has = self.peer_has.take();
        next.view = self.view.take();
        next.peer_view = self.peer_view.take();
        *self = next;
    }

    /// Sends the hello again, as at the start of the session: the peer answers with what this
    /// replica lacks and compares digests again. Periodic anti-entropy: cheap (a version
    /// vector each way when nothing is missing), and it corrects anything either side
    /// wrongly believes the other holds.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// use weft_sync::{Message, SyncState, generate};
    /// let replica = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// let mut state = SyncState::new();
    /// generate(&mut state, &replica);
    /// state.resync();
    /// assert!(matches!(generate(&mut state, &replica), Some(Message::Hello(_))));
    /// ```
    pub fn resync(&mut self) {
        self.hello_due = true;
        self.answered_by = None;
    }

    /// Call when the peer has been silent for a while (no message for a few round-trip
    /// times): messages that may have been lost are sent again by the next
    /// [`generate`](crate::generate) calls — the hello if unanswered, the changes not
    /// acknowledged, a repair request not answered. Partial chunked messages are dropped.
    /// Does nothing when nothing is outstanding, so calling it on a timer cannot loop.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// let replica = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// let mut state = weft_sync::SyncState::new();
    /// let hello = weft_sync::generate(&mut state, &replica); // lost on the way
    /// assert!(hello.is_some());
    /// assert!(weft_sync::generate(&mut state, &replica).is_none());
    /// state.timeout();
    /// assert!(weft_sync::generate(&mut state, &replica).is_some()); // the hello again
    /// ```
    pub fn timeout(&mut self) {
        if self.answered_by.is_none() {
            self.hello_due = true;
        }
        if self.in_flight.take().is_some() {
            self.sent = self.peer_has.clone().unwrap_or_default();
        }
        if self.repair.awaiting {
            self.repair.request_due = true;
        }
        self.reassembly.clear();
    }

    /// What to keep across restarts so that a later session resumes where this one stopped:
    /// the version the peer acknowledged, and the protocol it speaks. A frame of kind 4
    /// (tag 16, see `docs/SYNC.md`).
    ///
    /// ```
    /// use weft_sync::SyncState;
    /// let saved = SyncState::new().save();
    /// let resumed = SyncState::resume(&saved).unwrap();
    /// assert_eq!(resumed.peer_version(), None);
    /// ```
    #[must_use]
    pub fn save(&self) -> Vec<u8> {
        frame::seal(Kind::SyncMessage, |out| {
            out.u8(tag::SAVED_STATE);
            self.peer_has.encode(out);
            if self.peer_protocol > 0 || !self.our_hellos.is_empty() {
                out.u8(self.peer_protocol);
                // The newest hellos only: the peer writes against the latest it received.
                let kept = self.our_hellos.len().min(SAVED_HELLOS);
                out.length(kept);
                for (_, version) in self.our_hellos.iter().skip(self.our_hellos.len() - kept) {
                    version.encode(out);
                }
            }
        })
    }

    /// A state for a new connection that resumes from [`SyncState::save`], with the default
    /// configuration and a random session.
    ///
    /// # Errors
    /// A [`DecodeError`] if `bytes` are not a saved state.
    ///
    /// ```
    /// assert!(weft_sync::SyncState::resume(b"nonsense").is_err());
    /// ```
    pub fn resume(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::resume_with_config(bytes, SyncConfig::default(), random_session())
    }

    /// [`SyncState::resume`] with a configuration and session of your choice.
    ///
    /// # Errors
    /// A [`DecodeError`] if `bytes` are not a saved state.
    ///
    /// ```
    /// use weft_sync::SyncState;
    /// let saved = SyncState::new().save();
    /// let state = SyncState::resume_with_config(&saved, Default::default(), 5).unwrap();
    /// assert_eq!(state.session(), 5);
    /// ```
    pub fn resume_with_config(
        bytes: &[u8],
        config: SyncConfig,
        session: u32,
    ) -> Result<Self, DecodeError> {
        let mut input = frame::open(bytes, Kind::SyncMessage)?;
        let offset = input.position();
        let found = input.u8()?;
        if found != tag::SAVED_STATE {
            return Err(input.invalid("saved sync state tag", u64::from(found), offset));
        }
        let peer_has = Option::<VersionVector>::decode(&mut input)?;
        let mut peer_protocol = 0;
        let mut our_hellos = VecDeque::new();
        if !input.is_at_end() {
            // Written since protocol 3 (a state saved before ends after the version): the
            // peer's protocol, and our latest hellos' versions, which the peer's messages
            // may be written against.
            peer_protocol = input.u8()?;
            let offset = input.position();
            let count = input.length(1)?;
            if count > SAVED_HELLOS || (peer_protocol == 0 && count == 0) {
                return Err(input.invalid("saved hellos", count as u64, offset));
            }
            for _ in 0..count {
                let version = VersionVector::decode(&mut input)?;
                our_hellos.push_back((crate::relative::fingerprint(&version), version));
            }
        }
        input.finish()?;
        let mut state = Self::with_config(config, session);
        state.peer_protocol = peer_protocol;
        state.our_hellos = our_hellos;
        state.sent = peer_has.clone().unwrap_or_default();
        state.resumed_pushes = peer_has.as_ref().map(|_| VersionVector::new());
        state.peer_has = peer_has;
        Ok(state)
    }
}

/// How many of our latest hellos a saved state keeps.
const SAVED_HELLOS: usize = 2;

fn random_session() -> u32 {
    let bytes = ReplicaId::random().to_bytes();
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}
