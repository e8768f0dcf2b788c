//! The messages two peers exchange, and their framed encoding (frame kind 4).
//!
//! Every message is one Weft frame: magic `"WF"`, format version, kind 4, payload, CRC-32.
//! The payload starts with a tag byte naming the message; `docs/SYNC.md` specifies each one
//! byte by byte.

use weft_core::codec::frame::{self, Kind};
use weft_core::codec::{Decode, Decoder, Encode, Encoder};
use weft_core::{DecodeError, Digest, VersionVector};

use crate::relative::Version;

/// The sync protocol version this build speaks (carried in [`Hello`]).
///
/// ```
/// assert_eq!(weft_sync::PROTOCOL_VERSION, 4);
/// ```
pub const PROTOCOL_VERSION: u8 = 4;

/// The first protocol that reads complete states in `Changes` and `Stable` views.
pub(crate) const STABILITY_PROTOCOL: u8 = 4;

/// The first protocol whose messages may carry versions against a base or as a sketch.
pub(crate) const RELATIVE_PROTOCOL: u8 = 3;

/// Hello flag (protocol 3): the sender wants the receiver's whole version.
const HELLO_FULL_WANTED: u8 = 1;
/// Hello flag (protocol 3): the version follows as a version field, not whole.
const HELLO_COMPACT: u8 = 2;

/// Tag bytes of the payloads of kind 4.
pub(crate) mod tag {
    pub(crate) const HELLO: u8 = 1;
    pub(crate) const CHANGES: u8 = 2;
    pub(crate) const ACK: u8 = 3;
    pub(crate) const REPAIR: u8 = 4;
    pub(crate) const CHUNK: u8 = 5;
    /// `Changes`, `Ack` and `Repair` whose version is not whole (protocol 3).
    pub(crate) const CHANGES_RELATIVE: u8 = 6;
    pub(crate) const ACK_RELATIVE: u8 = 7;
    pub(crate) const REPAIR_RELATIVE: u8 = 8;
    /// `Changes` carrying a complete state (protocol 4).
    pub(crate) const CHANGES_COMPLETE: u8 = 10;
    /// [`Stable`](crate::Stable) (protocol 4).
    pub(crate) const STABLE: u8 = 11;
    /// A saved [`SyncState`](crate::SyncState), not a message.
    pub(crate) const SAVED_STATE: u8 = 16;
}

/// One message of the sync protocol. Produced by [`generate`](crate::generate), consumed by
/// [`receive`](crate::receive), carried as bytes by [`Message::to_bytes`] and
/// [`Message::from_bytes`].
///
/// ```
/// use weft_core::{Digest, VersionVector};
/// use weft_sync::{Hello, Message, PROTOCOL_VERSION};
/// let hello = Message::Hello(Hello::new(7, VersionVector::new(), Digest(0)));
/// let bytes = hello.to_bytes();
/// assert_eq!(&bytes[..2], b"WF");
/// assert_eq!(Message::from_bytes(&bytes).unwrap(), hello);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message {
    /// Opens a session: "this is what I hold; send me what I lack".
    Hello(Hello),
    /// A delta, in answer to a hello or pushed after local changes.
    Changes(Changes),
    /// "I received your changes up to `seq`; this is what I hold now."
    Ack(Ack),
    /// A complete state, to repair replicas that hold different states under one version.
    Repair(Repair),
    /// A piece of a message too large for one frame.
    Chunk(Chunk),
    /// "Every replica I sync with directly holds this version" (protocol 4).
    Stable(Stable),
}

/// The sender's view of causal stability (protocol 4): the meet of its own version and the
/// versions of the peers it syncs with directly (see
/// [`SyncState::view`](crate::SyncState::view)). A relay such as the server knows every
/// client, so its view is what all of them hold.
///
/// ```
/// use weft_sync::{Message, Stable};
/// let stable = Message::Stable(Stable::new(3, weft_core::VersionVector::new()));
/// assert_eq!(Message::from_bytes(&stable.to_bytes()).unwrap(), stable);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stable {
    /// The sender's session.
    pub session: u32,
    /// A version every replica the sender syncs with directly holds.
    pub version: VersionVector,
}

impl Stable {
    /// A `Stable` message.
    ///
    /// ```
    /// let stable = weft_sync::Stable::new(1, weft_core::VersionVector::new());
    /// assert_eq!(stable.session, 1);
    /// ```
    #[must_use]
    pub fn new(session: u32, version: VersionVector) -> Self {
        Self { session, version }
    }
}

/// Opens a session. Both peers send one when they connect.
///
/// ```
/// use weft_core::{Digest, VersionVector};
/// use weft_sync::Hello;
/// let hello = Hello::new(1, VersionVector::new(), Digest(0));
/// assert_eq!(hello.protocol, weft_sync::PROTOCOL_VERSION);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hello {
    /// The newest protocol version the sender speaks.
    pub protocol: u8,
    /// The sender's session (a new one for every connection).
    pub session: u32,
    /// The changes the sender holds: whole, against the receiver's hello, or (resuming) as a
    /// sketch the receiver reconciles with its own version (protocol 3).
    pub version: Version,
    /// The sender could not read the receiver's last hello (a sketch that did not reconcile,
    /// or against a version it no longer keeps): the receiver's next hello must be whole
    /// (protocol 3).
    pub full_hello_wanted: bool,
    /// The digest of the sender's state (equal versions with different digests mean divergence).
    pub digest: Digest,
    /// The highest change per replica that the sender holds only pending, where beyond
    /// `version` (protocol 2; empty in a protocol-1 hello): a peer restored from an older
    /// snapshot learns from it which of its own counters are taken.
    pub pending: VersionVector,
    /// The fields of a newer protocol version than this build's, kept as bytes so that the
    /// hello encodes back as it came (empty unless `protocol` is above [`PROTOCOL_VERSION`]).
    pub extension: Vec<u8>,
}

impl Hello {
    /// A hello of this build's protocol version.
    ///
    /// ```
    /// use weft_core::{Digest, VersionVector};
    /// let hello = weft_sync::Hello::new(3, VersionVector::new(), Digest(9));
    /// assert_eq!((hello.session, hello.digest), (3, Digest(9)));
    /// ```
    #[must_use]
    pub fn new(session: u32, version: impl Into<Version>, digest: Digest) -> Self {
        Self {
            protocol: PROTOCOL_VERSION,
            session,
            version: version.into(),
            full_hello_wanted: false,
            digest,
            pending: VersionVector::new(),
            extension: Vec::new(),
        }
    }

    /// This hello with `pending` as the sender's pending tops.
    ///
    /// ```
    /// use weft_core::{Digest, ReplicaId, VersionVector};
    /// let pending: VersionVector = [(ReplicaId::from_u128(1), 3)].into_iter().collect();
    /// let hello = weft_sync::Hello::new(1, VersionVector::new(), Digest(0)).with_pending(pending);
    /// assert_eq!(hello.pending.get(ReplicaId::from_u128(1)), 3);
    /// ```
    #[must_use]
    pub fn with_pending(mut self, pending: VersionVector) -> Self {
        self.pending = pending;
        self
    }
}

/// A delta for the peer.
///
/// ```
/// use weft_sync::{Changes, Message};
/// let changes = Changes::new(9, 1, Some(4), weft_core::VersionVector::new(), Vec::new());
/// assert!(changes.delta.is_empty()); // "nothing you lack"
/// let bytes = Message::Changes(changes.clone()).to_bytes();
/// assert_eq!(Message::from_bytes(&bytes).unwrap(), Message::Changes(changes));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Changes {
    /// The sender's session.
    pub session: u32,
    /// Numbers the sender's `Changes` within its session, from 1.
    pub seq: u64,
    /// The receiver's session whose hello this answers, if it answers one.
    pub answers: Option<u32>,
    /// The sender's version once this delta is applied: the receiver learns what the sender
    /// holds and need not send it back.
    pub version: Version,
    /// An encoded delta (`Replicated::encoded_delta_since`, or when `version` is against a
    /// base, `Replicated::encoded_delta_against` the same base), or empty for "nothing";
    /// when `complete` is set, the sender's complete state (`Replicated::encoded_state`).
    pub delta: Vec<u8>,
    /// Set when `delta` is the sender's complete state (protocol 4): the sender's compaction
    /// point, which the receiver's version does not include (it may hold entries whose
    /// removal the sender forgot), to apply it with `Replicated::apply_encoded_state`.
    pub complete: Option<VersionVector>,
}

impl Changes {
    /// A `Changes` message.
    ///
    /// ```
    /// let changes = weft_sync::Changes::new(1, 2, None, weft_core::VersionVector::new(), vec![7]);
    /// assert_eq!((changes.seq, changes.answers), (2, None));
    /// ```
    #[must_use]
    pub fn new(
        session: u32,
        seq: u64,
        answers: Option<u32>,
        version: impl Into<Version>,
        delta: Vec<u8>,
    ) -> Self {
        Self {
            session,
            seq,
            answers,
            version: version.into(),
            delta,
            complete: None,
        }
    }

    /// This message with `delta` a complete state of a replica compacted up to `compacted`.
    ///
    /// ```
    /// use weft_core::VersionVector;
    /// use weft_sync::{Changes, Message};
    /// let changes = Changes::new(1, 1, None, VersionVector::new(), vec![7])
    ///     .with_complete(VersionVector::new());
    /// let bytes = Message::Changes(changes.clone()).to_bytes();
    /// assert_eq!(Message::from_bytes(&bytes).unwrap(), Message::Changes(changes));
    /// ```
    #[must_use]
    pub fn with_complete(mut self, compacted: VersionVector) -> Self {
        self.complete = Some(compacted);
        self
    }
}

/// Acknowledges the peer's `Changes`.
///
/// ```
/// use weft_sync::Ack;
/// let ack = Ack::new(2, 9, 1, weft_core::VersionVector::new(), None);
/// assert_eq!(ack.seq, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ack {
    /// The acknowledging replica's session.
    pub session: u32,
    /// The session of the peer whose `Changes` are acknowledged.
    pub acked_session: u32,
    /// The highest `seq` of that session received.
    pub seq: u64,
    /// The acknowledging replica's version (what it holds, pending deltas excluded).
    pub version: Version,
    /// The acknowledging replica's digest, sent once per session after the hello's answer.
    pub digest: Option<Digest>,
}

impl Ack {
    /// An `Ack` message.
    ///
    /// ```
    /// let ack = weft_sync::Ack::new(1, 2, 3, weft_core::VersionVector::new(), None);
    /// assert_eq!((ack.session, ack.acked_session, ack.seq), (1, 2, 3));
    /// ```
    #[must_use]
    pub fn new(
        session: u32,
        acked_session: u32,
        seq: u64,
        version: impl Into<Version>,
        digest: Option<Digest>,
    ) -> Self {
        Self {
            session,
            acked_session,
            seq,
            version: version.into(),
            digest,
        }
    }
}

/// A complete state for divergence repair.
///
/// ```
/// use weft_sync::Repair;
/// let repair = Repair::new(3, true, weft_core::VersionVector::new(), vec![1, 2, 3]);
/// assert!(repair.answer_wanted);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Repair {
    /// The sender's session.
    pub session: u32,
    /// Whether the receiver should answer with its own complete state.
    pub answer_wanted: bool,
    /// The sender's version.
    pub version: Version,
    /// The sender's complete state (`encoded_delta_since` the empty version).
    pub state: Vec<u8>,
}

impl Repair {
    /// A `Repair` message.
    ///
    /// ```
    /// let repair = weft_sync::Repair::new(1, false, weft_core::VersionVector::new(), Vec::new());
    /// assert!(!repair.answer_wanted);
    /// ```
    #[must_use]
    pub fn new(
        session: u32,
        answer_wanted: bool,
        version: impl Into<Version>,
        state: Vec<u8>,
    ) -> Self {
        Self {
            session,
            answer_wanted,
            version: version.into(),
            state,
        }
    }
}

/// A piece of the bytes of a message larger than one frame.
///
/// ```
/// use weft_sync::Chunk;
/// let chunk = Chunk::new(3, 1, 10, 0, vec![0; 4]);
/// assert_eq!(chunk.total, 10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Chunk {
    /// The sender's session.
    pub session: u32,
    /// Which chunked message this belongs to (numbered by the sender within its session).
    pub transfer: u64,
    /// The length of the whole message's bytes.
    pub total: u64,
    /// Where these bytes start in the whole message.
    pub offset: u64,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Chunk {
    /// A `Chunk` message.
    ///
    /// ```
    /// let chunk = weft_sync::Chunk::new(1, 1, 8, 4, vec![0; 4]);
    /// assert_eq!(chunk.offset + chunk.bytes.len() as u64, chunk.total);
    /// ```
    #[must_use]
    pub fn new(session: u32, transfer: u64, total: u64, offset: u64, bytes: Vec<u8>) -> Self {
        Self {
            session,
            transfer,
            total,
            offset,
            bytes,
        }
    }
}

/// The most bytes a chunk's frame adds around the bytes it carries.
pub(crate) const CHUNK_OVERHEAD: usize = frame::OVERHEAD + 1 + 4 + 3 * 10 + 10;

impl Message {
    /// The message as one frame (kind 4).
    ///
    /// ```
    /// use weft_sync::{Ack, Message};
    /// let bytes = Message::Ack(Ack::new(1, 2, 1, weft_core::VersionVector::new(), None)).to_bytes();
    /// assert_eq!(bytes[3], 4); // the frame kind of sync messages
    /// ```
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        frame::seal(Kind::SyncMessage, |out| self.encode_payload(out))
    }

    /// Reads a message from untrusted bytes.
    ///
    /// ```
    /// use weft_sync::Message;
    /// assert!(Message::from_bytes(&[0x57, 0x46, 1, 4]).is_err());
    /// ```
    ///
    /// # Errors
    /// A [`DecodeError`] if the frame is damaged or of another kind, the tag is unknown, or a
    /// field is invalid.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut input = frame::open(bytes, Kind::SyncMessage)?;
        let message = Self::decode_payload(&mut input)?;
        input.finish()?;
        Ok(message)
    }

    fn encode_payload(&self, out: &mut Encoder) {
        match self {
            Self::Hello(hello) => {
                out.u8(tag::HELLO);
                out.u8(hello.protocol);
                write_session(out, hello.session);
                match &hello.version {
                    Version::Full(version) => version.encode(out),
                    _ => VersionVector::new().encode(out),
                }
                write_digest(out, hello.digest);
                if hello.protocol >= 2 {
                    hello.pending.encode(out);
                }
                if hello.protocol >= RELATIVE_PROTOCOL {
                    let compact = !hello.version.is_full();
                    out.u8(if hello.full_hello_wanted {
                        HELLO_FULL_WANTED
                    } else {
                        0
                    } | if compact { HELLO_COMPACT } else { 0 });
                    if compact {
                        hello.version.encode(out);
                    }
                }
                if hello.protocol >= 2 {
                    out.raw(&hello.extension);
                }
            }
            Self::Changes(Changes {
                session,
                seq,
                answers,
                version,
                delta,
                complete: Some(compacted),
            }) => {
                out.u8(tag::CHANGES_COMPLETE);
                write_session(out, *session);
                out.varint(*seq);
                write_optional_session(out, *answers);
                version.encode(out);
                compacted.encode(out);
                out.bytes(delta);
            }
            Self::Stable(stable) => {
                out.u8(tag::STABLE);
                write_session(out, stable.session);
                stable.version.encode(out);
            }
            Self::Changes(changes) => {
                out.u8(relative_tag(
                    &changes.version,
                    tag::CHANGES,
                    tag::CHANGES_RELATIVE,
                ));
                write_session(out, changes.session);
                out.varint(changes.seq);
                write_optional_session(out, changes.answers);
                write_version(out, &changes.version);
                out.bytes(&changes.delta);
            }
            Self::Ack(ack) => {
                out.u8(relative_tag(&ack.version, tag::ACK, tag::ACK_RELATIVE));
                write_session(out, ack.session);
                write_session(out, ack.acked_session);
                out.varint(ack.seq);
                write_version(out, &ack.version);
                match ack.digest {
                    None => out.u8(0),
                    Some(digest) => {
                        out.u8(1);
                        write_digest(out, digest);
                    }
                }
            }
            Self::Repair(repair) => {
                out.u8(relative_tag(
                    &repair.version,
                    tag::REPAIR,
                    tag::REPAIR_RELATIVE,
                ));
                write_session(out, repair.session);
                out.u8(u8::from(repair.answer_wanted));
                write_version(out, &repair.version);
                out.bytes(&repair.state);
            }
            Self::Chunk(chunk) => {
                out.u8(tag::CHUNK);
                write_session(out, chunk.session);
                out.varint(chunk.transfer);
                out.varint(chunk.total);
                out.varint(chunk.offset);
                out.bytes(&chunk.bytes);
            }
        }
    }

    fn decode_payload(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        let found = input.u8()?;
        // Protocol 3 writes a not-whole version under its own tag, as a form byte and fields.
        let relative = matches!(
            found,
            tag::CHANGES_RELATIVE | tag::ACK_RELATIVE | tag::REPAIR_RELATIVE
        );
        let version = |input: &mut Decoder<'_>| -> Result<Version, DecodeError> {
            if !relative {
                return VersionVector::decode(input).map(Version::Full);
            }
            let offset = input.position();
            let version = Version::decode(input)?;
            if version.is_full() {
                // The encoder writes a whole version under the protocol-2 tag.
                return Err(input.invalid("version form", 0, offset));
            }
            Ok(version)
        };
        match found {
            tag::HELLO => Self::decode_hello(input).map(Self::Hello),
            tag::CHANGES | tag::CHANGES_RELATIVE => Ok(Self::Changes(Changes {
                session: read_session(input)?,
                seq: input.varint()?,
                answers: read_optional_session(input)?,
                version: version(input)?,
                delta: input.bytes()?.to_vec(),
                complete: None,
            })),
            tag::CHANGES_COMPLETE => Ok(Self::Changes(Changes {
                session: read_session(input)?,
                seq: input.varint()?,
                answers: read_optional_session(input)?,
                version: Version::decode(input)?,
                complete: Some(VersionVector::decode(input)?),
                delta: input.bytes()?.to_vec(),
            })),
            tag::STABLE => Ok(Self::Stable(Stable {
                session: read_session(input)?,
                version: VersionVector::decode(input)?,
            })),
            tag::ACK | tag::ACK_RELATIVE => Ok(Self::Ack(Ack {
                session: read_session(input)?,
                acked_session: read_session(input)?,
                seq: input.varint()?,
                version: version(input)?,
                digest: {
                    let flag_offset = input.position();
                    match input.u8()? {
                        0 => None,
                        1 => Some(read_digest(input)?),
                        other => {
                            return Err(input.invalid(
                                "digest flag",
                                u64::from(other),
                                flag_offset,
                            ));
                        }
                    }
                },
            })),
            tag::REPAIR | tag::REPAIR_RELATIVE => Ok(Self::Repair(Repair {
                session: read_session(input)?,
                answer_wanted: bool::decode(input)?,
                version: version(input)?,
                state: input.bytes()?.to_vec(),
            })),
            tag::CHUNK => Ok(Self::Chunk(Chunk {
                session: read_session(input)?,
                transfer: input.varint()?,
                total: input.varint()?,
                offset: input.varint()?,
                bytes: input.bytes()?.to_vec(),
            })),
            other => Err(input.invalid("sync message tag", u64::from(other), offset)),
        }
    }

    fn decode_hello(input: &mut Decoder<'_>) -> Result<Hello, DecodeError> {
        let protocol = input.u8()?;
        let session = read_session(input)?;
        let whole = VersionVector::decode(input)?;
        let whole_is_empty = whole.is_empty();
        let mut hello = Hello {
            protocol,
            session,
            version: Version::Full(whole),
            full_hello_wanted: false,
            digest: read_digest(input)?,
            pending: VersionVector::new(),
            extension: Vec::new(),
        };
        if protocol >= 2 {
            hello.pending = VersionVector::decode(input)?;
        }
        if protocol >= RELATIVE_PROTOCOL {
            let offset = input.position();
            let flags = input.u8()?;
            if flags & !(HELLO_FULL_WANTED | HELLO_COMPACT) != 0 {
                return Err(input.invalid("hello flags", u64::from(flags), offset));
            }
            hello.full_hello_wanted = flags & HELLO_FULL_WANTED != 0;
            if flags & HELLO_COMPACT != 0 {
                let compact = Version::decode(input)?;
                if compact.is_full() || !whole_is_empty {
                    // The encoder writes a whole version in the protocol-2 field only, and
                    // leaves that field empty beside a compact one.
                    return Err(input.malformed("a hello with two versions"));
                }
                hello.version = compact;
            }
        }
        if protocol > PROTOCOL_VERSION {
            // Fields of a newer protocol: kept, not read (the frame bounds them).
            let rest = input.remaining();
            hello.extension = input.raw(rest)?.to_vec();
        }
        Ok(hello)
    }
}

/// The protocol-2 tag for a whole version, the protocol-3 one otherwise.
fn relative_tag(version: &Version, whole: u8, relative: u8) -> u8 {
    if version.is_full() { whole } else { relative }
}

/// A version field: a whole vector as protocol 2 writes it, or a protocol-3 version field.
fn write_version(out: &mut Encoder, version: &Version) {
    match version {
        Version::Full(whole) => whole.encode(out),
        relative => relative.encode(out),
    }
}

fn write_session(out: &mut Encoder, session: u32) {
    out.raw(&session.to_le_bytes());
}

fn read_session(input: &mut Decoder<'_>) -> Result<u32, DecodeError> {
    input.array::<4>().map(u32::from_le_bytes)
}

fn write_optional_session(out: &mut Encoder, session: Option<u32>) {
    match session {
        None => out.u8(0),
        Some(session) => {
            out.u8(1);
            write_session(out, session);
        }
    }
}

fn read_optional_session(input: &mut Decoder<'_>) -> Result<Option<u32>, DecodeError> {
    let offset = input.position();
    match input.u8()? {
        0 => Ok(None),
        1 => read_session(input).map(Some),
        other => Err(input.invalid("session flag", u64::from(other), offset)),
    }
}

fn write_digest(out: &mut Encoder, digest: Digest) {
    out.raw(&digest.0.to_be_bytes());
}

fn read_digest(input: &mut Decoder<'_>) -> Result<Digest, DecodeError> {
    input
        .array::<16>()
        .map(|bytes| Digest(u128::from_be_bytes(bytes)))
}

#[cfg(test)]
mod tests;
