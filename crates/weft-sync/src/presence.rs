//! Presence: ephemeral awareness state (user name, colour, cursor), never stored in a document.
//!
//! Each client publishes a small JSON text under its [`ReplicaId`] with a clock; the newest
//! clock per client wins, a removal is a null state with a higher clock. A presence message is
//! a frame of kind 4 whose payload starts with tag 9 (see `docs/SYNC.md`): a peer that does not
//! know the tag gets an "unknown sync message tag" decode error from
//! [`Message::from_bytes`](crate::Message::from_bytes) before anything changes (what it does
//! then is the transport's choice: a weft-server from before presence relaying closes the
//! connection, so presence is sent only to peers known to speak it; [`is_presence`] routes a
//! frame to [`decode`] instead). weft-server relays presence to the sessions of a document
//! that sent presence themselves (`docs/SYNC.md`, "Presence through the server").
//! Time is always passed in, as milliseconds (wasm32 has no clock).

use std::collections::BTreeMap;

use thiserror::Error;
use weft_core::codec::frame::{self, Kind};
use weft_core::codec::{Decode, Encode, Encoder};
use weft_core::{DecodeError, ReplicaId};

/// The payload tag of a presence message inside a frame of kind 4.
pub const PRESENCE_TAG: u8 = 9;
/// The largest state, in bytes of JSON text.
pub const MAX_STATE_LEN: usize = 4096;
/// The most clients one presence message may carry.
pub const MAX_CLIENTS_PER_MESSAGE: usize = 64;
/// The default time after which a silent client is dropped, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// Why a presence state or message was refused. Nothing changes when one is refused.
///
/// ```
/// use weft_sync::presence::{Presence, PresenceError};
/// let mut presence = Presence::new(weft_core::ReplicaId::from_u128(1));
/// let big = "x".repeat(5000);
/// assert!(matches!(presence.set_local(Some(&big)), Err(PresenceError::StateTooLarge { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PresenceError {
    /// The bytes are not a valid presence frame.
    #[error("the presence message does not decode: {0}")]
    Decode(#[from] DecodeError),
    /// A state is longer than [`MAX_STATE_LEN`].
    #[error("a presence state of {length} bytes exceeds the limit of {limit} bytes")]
    StateTooLarge {
        /// The state's length in bytes.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// A message carries more than [`MAX_CLIENTS_PER_MESSAGE`] clients.
    #[error("a presence message of {count} clients exceeds the limit of {limit}")]
    TooManyClients {
        /// The number of clients the message claims.
        count: u64,
        /// The limit.
        limit: usize,
    },
}

/// One client's entry in a presence message: its clock and its state (`None`: it left).
///
/// ```
/// let entry = weft_sync::presence::Entry { client: weft_core::ReplicaId::from_u128(2), clock: 1, state: None };
/// assert!(entry.state.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The client the entry is about.
    pub client: ReplicaId,
    /// The client's clock: a higher one replaces a lower one.
    pub clock: u64,
    /// The client's JSON text, or `None` for a removal.
    pub state: Option<String>,
}

/// Encodes entries as one presence frame.
///
/// ```
/// use weft_sync::presence::{decode, encode, Entry};
/// let entries = vec![Entry { client: weft_core::ReplicaId::from_u128(3), clock: 2, state: Some("{}".into()) }];
/// let bytes = encode(&entries).unwrap();
/// assert_eq!(decode(&bytes).unwrap(), entries);
/// ```
///
/// # Errors
/// [`PresenceError::TooManyClients`] or [`PresenceError::StateTooLarge`] if a limit is exceeded.
pub fn encode(entries: &[Entry]) -> Result<Vec<u8>, PresenceError> {
    if entries.len() > MAX_CLIENTS_PER_MESSAGE {
        return Err(PresenceError::TooManyClients {
            count: entries.len() as u64,
            limit: MAX_CLIENTS_PER_MESSAGE,
        });
    }
    for entry in entries {
        check_state(entry.state.as_deref())?;
    }
    Ok(frame::seal(Kind::SyncMessage, |out: &mut Encoder| {
        out.u8(PRESENCE_TAG);
        out.length(entries.len());
        for entry in entries {
            entry.client.encode(out);
            out.varint(entry.clock);
            match &entry.state {
                None => out.u8(0),
                Some(state) => {
                    out.u8(1);
                    out.str(state);
                }
            }
        }
    }))
}

/// Whether `bytes` look like a presence message rather than another sync message: a frame
/// of kind 4 whose payload starts with [`PRESENCE_TAG`]. Only the header is looked at (a
/// transport routes on it); [`decode`] checks the rest.
///
/// ```
/// use weft_sync::presence::{is_presence, Presence};
/// let presence = Presence::new(weft_core::ReplicaId::from_u128(1));
/// assert!(is_presence(&presence.encode_local()));
/// assert!(!is_presence(b"WF"));
/// ```
#[must_use]
pub fn is_presence(bytes: &[u8]) -> bool {
    matches!(bytes, [first, second, _, kind, tag, ..]
        if [*first, *second] == frame::MAGIC && *kind == Kind::SyncMessage as u8 && *tag == PRESENCE_TAG)
}

/// Decodes a presence frame from untrusted bytes.
///
/// ```
/// assert!(weft_sync::presence::decode(b"WF").is_err());
/// ```
///
/// # Errors
/// [`PresenceError::Decode`] if the frame is damaged, not of kind 4, not tagged 9, a field
/// is invalid, or a varint is longer than needed; [`PresenceError::TooManyClients`] or [`PresenceError::StateTooLarge`] if a limit
/// is exceeded.
pub fn decode(bytes: &[u8]) -> Result<Vec<Entry>, PresenceError> {
    let mut input = frame::open(bytes, Kind::SyncMessage)?;
    let offset = input.position();
    let found = input.u8()?;
    if found != PRESENCE_TAG {
        return Err(input
            .invalid("presence tag", u64::from(found), offset)
            .into());
    }
    let count = input.varint()?;
    if count > MAX_CLIENTS_PER_MESSAGE as u64 {
        return Err(PresenceError::TooManyClients {
            count,
            limit: MAX_CLIENTS_PER_MESSAGE,
        });
    }
    let mut entries = Vec::new();
    for _ in 0..count {
        let client = ReplicaId::decode(&mut input)?;
        let clock = input.varint()?;
        let flag_offset = input.position();
        let state = match input.u8()? {
            0 => None,
            1 => {
                let text = input.str()?;
                check_state(Some(text))?;
                Some(text.to_owned())
            }
            other => {
                return Err(input
                    .invalid("state flag", u64::from(other), flag_offset)
                    .into());
            }
        };
        entries.push(Entry {
            client,
            clock,
            state,
        });
    }
    input.finish()?;
    // Varints written longer than needed decode too; only the encoder's own bytes are taken,
    // so that whatever decodes encodes back identically.
    if encode(&entries)? != bytes {
        return Err(input
            .malformed("a presence message not in canonical form")
            .into());
    }
    Ok(entries)
}

fn check_state(state: Option<&str>) -> Result<(), PresenceError> {
    match state {
        Some(text) if text.len() > MAX_STATE_LEN => Err(PresenceError::StateTooLarge {
            length: text.len(),
            limit: MAX_STATE_LEN,
        }),
        _ => Ok(()),
    }
}

/// What an applied message, an expiry or a removal changed, by client.
///
/// ```
/// let change = weft_sync::presence::PresenceChange::default();
/// assert!(change.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresenceChange {
    /// Clients seen for the first time (or again after they left).
    pub added: Vec<ReplicaId>,
    /// Clients whose state changed.
    pub updated: Vec<ReplicaId>,
    /// Clients that left.
    pub removed: Vec<ReplicaId>,
}

impl PresenceChange {
    /// Whether nothing changed.
    ///
    /// ```
    /// assert!(weft_sync::presence::PresenceChange::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.updated.is_empty() && self.removed.is_empty()
    }
}

#[derive(Debug, Clone)]
struct Known {
    clock: u64,
    state: Option<String>,
    last_seen_ms: u64,
}

/// The presence of every client one peer knows, its own included.
///
/// ```
/// use weft_core::ReplicaId;
/// use weft_sync::presence::Presence;
/// let (mut alice, mut bob) = (Presence::new(ReplicaId::from_u128(1)), Presence::new(ReplicaId::from_u128(2)));
/// alice.set_local(Some(r#"{"name":"Alice"}"#))?;
/// let change = bob.apply(&alice.encode_local(), 0)?;
/// assert_eq!(change.added, vec![ReplicaId::from_u128(1)]);
/// assert_eq!(bob.states().len(), 1); // bob has set no state of his own
/// # Ok::<(), weft_sync::presence::PresenceError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Presence {
    client: ReplicaId,
    clock: u64,
    local: Option<String>,
    others: BTreeMap<ReplicaId, Known>,
}

impl Presence {
    /// An empty presence for the client `client`, with no local state.
    ///
    /// ```
    /// let presence = weft_sync::presence::Presence::new(weft_core::ReplicaId::from_u128(1));
    /// assert!(presence.local().is_none());
    /// ```
    #[must_use]
    pub fn new(client: ReplicaId) -> Self {
        Self {
            client,
            clock: 0,
            local: None,
            others: BTreeMap::new(),
        }
    }

    /// This peer's client id.
    ///
    /// ```
    /// let id = weft_core::ReplicaId::from_u128(4);
    /// assert_eq!(weft_sync::presence::Presence::new(id).client(), id);
    /// ```
    #[must_use]
    pub fn client(&self) -> ReplicaId {
        self.client
    }

    /// The local state, if any.
    ///
    /// ```
    /// let mut presence = weft_sync::presence::Presence::new(weft_core::ReplicaId::from_u128(1));
    /// presence.set_local(Some("{}")).unwrap();
    /// assert_eq!(presence.local(), Some("{}"));
    /// ```
    #[must_use]
    pub fn local(&self) -> Option<&str> {
        self.local.as_deref()
    }

    /// Sets the local state (JSON text), or `None` to leave; bumps the local clock.
    ///
    /// ```
    /// let mut presence = weft_sync::presence::Presence::new(weft_core::ReplicaId::from_u128(1));
    /// presence.set_local(None).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`PresenceError::StateTooLarge`] if the text is longer than [`MAX_STATE_LEN`].
    pub fn set_local(&mut self, state: Option<&str>) -> Result<(), PresenceError> {
        check_state(state)?;
        self.local = state.map(str::to_owned);
        self.clock = self.clock.saturating_add(1);
        Ok(())
    }

    /// The local entry as a presence message (to send on open, on change and periodically).
    ///
    /// ```
    /// let presence = weft_sync::presence::Presence::new(weft_core::ReplicaId::from_u128(1));
    /// assert_eq!(weft_sync::presence::decode(&presence.encode_local()).unwrap().len(), 1);
    /// ```
    #[must_use]
    pub fn encode_local(&self) -> Vec<u8> {
        let entry = Entry {
            client: self.client,
            clock: self.clock,
            state: self.local.clone(),
        };
        frame_of(&[entry])
    }

    /// Every known present client, the local one included, as presence messages of at most
    /// [`MAX_CLIENTS_PER_MESSAGE`] entries each (for a peer that just joined).
    ///
    /// ```
    /// let presence = weft_sync::presence::Presence::new(weft_core::ReplicaId::from_u128(1));
    /// assert_eq!(presence.encode_all().len(), 1);
    /// ```
    #[must_use]
    pub fn encode_all(&self) -> Vec<Vec<u8>> {
        let mut entries = vec![Entry {
            client: self.client,
            clock: self.clock,
            state: self.local.clone(),
        }];
        entries.extend(
            self.others
                .iter()
                .filter(|(_, known)| known.state.is_some())
                .map(|(client, known)| Entry {
                    client: *client,
                    clock: known.clock,
                    state: known.state.clone(),
                }),
        );
        entries
            .chunks(MAX_CLIENTS_PER_MESSAGE)
            .map(frame_of)
            .collect()
    }

    /// Applies a presence message received at `now_ms`: the newer clock wins per client. An
    /// entry about this peer's own id with a higher clock is not taken; the local clock moves
    /// past it so that the next [`encode_local`](Self::encode_local) re-asserts the local state.
    ///
    /// ```
    /// use weft_core::ReplicaId;
    /// use weft_sync::presence::Presence;
    /// let mut alice = Presence::new(ReplicaId::from_u128(1));
    /// alice.set_local(Some("{}"))?;
    /// let mut bob = Presence::new(ReplicaId::from_u128(2));
    /// bob.apply(&alice.encode_local(), 0)?;
    /// alice.set_local(None)?;
    /// assert_eq!(bob.apply(&alice.encode_local(), 1)?.removed, vec![ReplicaId::from_u128(1)]);
    /// # Ok::<(), weft_sync::presence::PresenceError>(())
    /// ```
    ///
    /// # Errors
    /// The errors of [`decode`]; nothing changes then.
    pub fn apply(&mut self, bytes: &[u8], now_ms: u64) -> Result<PresenceChange, PresenceError> {
        Ok(self.apply_entries(decode(bytes)?, now_ms))
    }

    /// Applies entries already decoded (by [`decode`]) at `now_ms`, as [`apply`](Self::apply)
    /// does: for a transport that looks at the entries itself (whom it hears) without
    /// decoding twice.
    ///
    /// ```
    /// use weft_core::ReplicaId;
    /// use weft_sync::presence::{decode, Presence};
    /// let mut alice = Presence::new(ReplicaId::from_u128(1));
    /// alice.set_local(Some("{}"))?;
    /// let entries = decode(&alice.encode_local())?;
    /// let mut bob = Presence::new(ReplicaId::from_u128(2));
    /// assert_eq!(bob.apply_entries(entries, 0).added, vec![ReplicaId::from_u128(1)]);
    /// # Ok::<(), weft_sync::presence::PresenceError>(())
    /// ```
    pub fn apply_entries(&mut self, entries: Vec<Entry>, now_ms: u64) -> PresenceChange {
        let mut change = PresenceChange::default();
        for entry in entries {
            if entry.client == self.client {
                if entry.clock >= self.clock {
                    self.clock = entry.clock.saturating_add(1);
                }
                continue;
            }
            let known = self.others.get_mut(&entry.client);
            match known {
                Some(known) if entry.clock <= known.clock => {
                    if entry.clock == known.clock {
                        known.last_seen_ms = known.last_seen_ms.max(now_ms);
                    }
                }
                Some(known) => {
                    match (&known.state, &entry.state) {
                        (None, Some(_)) => change.added.push(entry.client),
                        (Some(_), None) => change.removed.push(entry.client),
                        (Some(old), Some(new)) if old != new => change.updated.push(entry.client),
                        _ => {}
                    }
                    *known = Known {
                        clock: entry.clock,
                        state: entry.state,
                        last_seen_ms: now_ms,
                    };
                }
                None => {
                    if entry.state.is_some() {
                        change.added.push(entry.client);
                    }
                    self.others.insert(
                        entry.client,
                        Known {
                            clock: entry.clock,
                            state: entry.state,
                            last_seen_ms: now_ms,
                        },
                    );
                }
            }
        }
        change
    }

    /// Drops the clients not heard from for more than `timeout_ms` before `now_ms`, and
    /// returns those that were present. Their clocks are kept for another `timeout_ms`, so
    /// an older message about them still in flight does not bring them back; then they are
    /// forgotten, so a long-lived page does not keep an entry for every client that ever left.
    ///
    /// ```
    /// use weft_core::ReplicaId;
    /// use weft_sync::presence::{DEFAULT_TIMEOUT_MS, Presence};
    /// let mut alice = Presence::new(ReplicaId::from_u128(1));
    /// alice.set_local(Some("{}"))?;
    /// let mut bob = Presence::new(ReplicaId::from_u128(2));
    /// bob.apply(&alice.encode_local(), 1_000)?;
    /// assert!(bob.expire(20_000, DEFAULT_TIMEOUT_MS).is_empty());
    /// assert_eq!(bob.expire(40_000, DEFAULT_TIMEOUT_MS), vec![ReplicaId::from_u128(1)]);
    /// # Ok::<(), weft_sync::presence::PresenceError>(())
    /// ```
    pub fn expire(&mut self, now_ms: u64, timeout_ms: u64) -> Vec<ReplicaId> {
        let mut expired = Vec::new();
        for (client, known) in &mut self.others {
            if known.state.is_some() && now_ms.saturating_sub(known.last_seen_ms) > timeout_ms {
                known.state = None;
                expired.push(*client);
            }
        }
        let forget_after = timeout_ms.saturating_mul(2);
        self.others.retain(|_, known| {
            known.state.is_some() || now_ms.saturating_sub(known.last_seen_ms) <= forget_after
        });
        expired
    }

    /// Removes clients a transport knows have left (a closed connection).
    ///
    /// ```
    /// use weft_core::ReplicaId;
    /// use weft_sync::presence::Presence;
    /// let mut alice = Presence::new(ReplicaId::from_u128(1));
    /// alice.set_local(Some("{}"))?;
    /// let mut bob = Presence::new(ReplicaId::from_u128(2));
    /// bob.apply(&alice.encode_local(), 0)?;
    /// assert_eq!(bob.remove_clients(&[ReplicaId::from_u128(1)]).removed.len(), 1);
    /// # Ok::<(), weft_sync::presence::PresenceError>(())
    /// ```
    pub fn remove_clients(&mut self, clients: &[ReplicaId]) -> PresenceChange {
        let mut change = PresenceChange::default();
        for client in clients {
            if let Some(known) = self.others.get_mut(client)
                && known.state.take().is_some()
            {
                change.removed.push(*client);
            }
        }
        change
    }

    /// The state of every present client, the local one included (if set).
    ///
    /// ```
    /// let mut presence = weft_sync::presence::Presence::new(weft_core::ReplicaId::from_u128(1));
    /// presence.set_local(Some("{}")).unwrap();
    /// assert_eq!(presence.states().len(), 1);
    /// ```
    #[must_use]
    pub fn states(&self) -> BTreeMap<ReplicaId, &str> {
        let mut states = BTreeMap::new();
        for (client, known) in &self.others {
            if let Some(state) = known.state.as_deref() {
                states.insert(*client, state);
            }
        }
        if let Some(local) = &self.local {
            states.insert(self.client, local);
        }
        states
    }
}

/// Entries already checked against the limits, as one frame.
fn frame_of(entries: &[Entry]) -> Vec<u8> {
    encode(entries).unwrap_or_default()
}

#[cfg(test)]
mod tests;
