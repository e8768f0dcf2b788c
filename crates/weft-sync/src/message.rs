//! The messages two peers exchange, and their framed encoding (frame kind 4).
//!
//! Every message is one Weft frame: magic `"WF"`, format version, kind 4, payload, CRC-32.
//! The payload starts with a tag byte naming the message; `docs/SYNC.md` specifies each one
//! byte by byte.

use weft_core::codec::frame::{self, Kind};
use weft_core::codec::{Decode, Decoder, Encode, Encoder};
use weft_core::{DecodeError, Digest, VersionVector};

/// The sync protocol version this build speaks (carried in [`Hello`]).
///
/// ```
/// assert_eq!(weft_sync::PROTOCOL_VERSION, 2);
/// ```
pub const PROTOCOL_VERSION: u8 = 2;

/// Tag bytes of the payloads of kind 4.
pub(crate) mod tag {
    pub(crate) const HELLO: u8 = 1;
    pub(crate) const CHANGES: u8 = 2;
    pub(crate) const ACK: u8 = 3;
    pub(crate) const REPAIR: u8 = 4;
    pub(crate) const CHUNK: u8 = 5;
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
    /// The changes the sender holds.
    pub version: VersionVector,
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
    pub fn new(session: u32, version: VersionVector, digest: Digest) -> Self {
        Self {
            protocol: PROTOCOL_VERSION,
            session,
            version,
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
/// let changes = Changes::new(9, 1, Some(4), Default::default(), Vec::new());
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
    pub version: VersionVector,
    /// An encoded delta (`Replicated::encoded_delta_since`), or empty for "nothing".
    pub delta: Vec<u8>,
}

impl Changes {
    /// A `Changes` message.
    ///
    /// ```
    /// let changes = weft_sync::Changes::new(1, 2, None, Default::default(), vec![7]);
    /// assert_eq!((changes.seq, changes.answers), (2, None));
    /// ```
    #[must_use]
    pub fn new(
        session: u32,
        seq: u64,
        answers: Option<u32>,
        version: VersionVector,
        delta: Vec<u8>,
    ) -> Self {
        Self {
            session,
            seq,
            answers,
            version,
            delta,
        }
    }
}

/// Acknowledges the peer's `Changes`.
///
/// ```
/// use weft_sync::Ack;
/// let ack = Ack::new(2, 9, 1, Default::default(), None);
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
    pub version: VersionVector,
    /// The acknowledging replica's digest, sent once per session after the hello's answer.
    pub digest: Option<Digest>,
}

impl Ack {
    /// An `Ack` message.
    ///
    /// ```
    /// let ack = weft_sync::Ack::new(1, 2, 3, Default::default(), None);
    /// assert_eq!((ack.session, ack.acked_session, ack.seq), (1, 2, 3));
    /// ```
    #[must_use]
    pub fn new(
        session: u32,
        acked_session: u32,
        seq: u64,
        version: VersionVector,
        digest: Option<Digest>,
    ) -> Self {
        Self {
            session,
            acked_session,
            seq,
            version,
            digest,
        }
    }
}

/// A complete state for divergence repair.
///
/// ```
/// use weft_sync::Repair;
/// let repair = Repair::new(3, true, Default::default(), vec![1, 2, 3]);
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
    pub version: VersionVector,
    /// The sender's complete state (`encoded_delta_since` the empty version).
    pub state: Vec<u8>,
}

impl Repair {
    /// A `Repair` message.
    ///
    /// ```
    /// let repair = weft_sync::Repair::new(1, false, Default::default(), Vec::new());
    /// assert!(!repair.answer_wanted);
    /// ```
    #[must_use]
    pub fn new(session: u32, answer_wanted: bool, version: VersionVector, state: Vec<u8>) -> Self {
        Self {
            session,
            answer_wanted,
            version,
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
    /// let bytes = Message::Ack(Ack::new(1, 2, 1, Default::default(), None)).to_bytes();
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
                hello.version.encode(out);
                write_digest(out, hello.digest);
                if hello.protocol >= 2 {
                    hello.pending.encode(out);
                    out.raw(&hello.extension);
                }
            }
            Self::Changes(changes) => {
                out.u8(tag::CHANGES);
                write_session(out, changes.session);
                out.varint(changes.seq);
                write_optional_session(out, changes.answers);
                changes.version.encode(out);
                out.bytes(&changes.delta);
            }
            Self::Ack(ack) => {
                out.u8(tag::ACK);
                write_session(out, ack.session);
                write_session(out, ack.acked_session);
                out.varint(ack.seq);
                ack.version.encode(out);
                match ack.digest {
                    None => out.u8(0),
                    Some(digest) => {
                        out.u8(1);
                        write_digest(out, digest);
                    }
                }
            }
            Self::Repair(repair) => {
                out.u8(tag::REPAIR);
                write_session(out, repair.session);
                out.u8(u8::from(repair.answer_wanted));
                repair.version.encode(out);
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
        match input.u8()? {
            tag::HELLO => {
                let protocol = input.u8()?;
                let mut hello = Hello {
                    protocol,
                    session: read_session(input)?,
                    version: VersionVector::decode(input)?,
                    digest: read_digest(input)?,
                    pending: VersionVector::new(),
                    extension: Vec::new(),
                };
                if protocol >= 2 {
                    hello.pending = VersionVector::decode(input)?;
                }
                if protocol > PROTOCOL_VERSION {
                    // Fields of a newer protocol: kept, not read (the frame bounds them).
                    let rest = input.remaining();
                    hello.extension = input.raw(rest)?.to_vec();
                }
                Ok(Self::Hello(hello))
            }
            tag::CHANGES => Ok(Self::Changes(Changes {
                session: read_session(input)?,
                seq: input.varint()?,
                answers: read_optional_session(input)?,
                version: VersionVector::decode(input)?,
                delta: input.bytes()?.to_vec(),
            })),
            tag::ACK => Ok(Self::Ack(Ack {
                session: read_session(input)?,
                acked_session: read_session(input)?,
                seq: input.varint()?,
                version: VersionVector::decode(input)?,
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
            tag::REPAIR => Ok(Self::Repair(Repair {
                session: read_session(input)?,
                answer_wanted: bool::decode(input)?,
                version: VersionVector::decode(input)?,
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
