//! Errors of the sync protocol.

use thiserror::Error;
use weft_core::DecodeError;

/// Why [`receive`](crate::receive) refused a message. Nothing changes in the replica when a
/// message is refused, except that a refused chunk drops the partial message it belonged to.
///
/// ```
/// use weft_sync::{Message, SyncError};
/// let error = Message::from_bytes(b"not a frame").map_err(SyncError::from).unwrap_err();
/// assert!(matches!(error, SyncError::Decode(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The message (or a message reassembled from chunks) is not a valid frame.
    #[error("the message does not decode: {0}")]
    Decode(#[from] DecodeError),
    /// The delta or state the message carries is not a valid encoding of the replica's type.
    #[error("the peer's delta does not decode: {0}")]
    Delta(DecodeError),
    /// The peer speaks only protocol versions this build does not.
    #[error("protocol version {found} is not supported (this build speaks {supported})")]
    UnsupportedProtocol {
        /// The newest protocol the peer speaks.
        found: u8,
        /// The protocol this build speaks.
        supported: u8,
    },
    /// A chunked message claims to be larger than [`SyncConfig::max_message_size`](crate::SyncConfig).
    #[error("a chunked message of {length} bytes exceeds the limit of {limit} bytes")]
    MessageTooLarge {
        /// The length the chunk claims for the whole message.
        length: u64,
        /// The configured limit.
        limit: usize,
    },
    /// Buffering this chunk would exceed the reassembly limits (bytes or chunks).
    #[error("reassembly limit reached: {buffered} buffered, limit {limit} ({what})")]
    ReassemblyFull {
        /// What is limited: `"bytes"` or `"chunks"`.
        what: &'static str,
        /// What is buffered already.
        buffered: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A chunk lies outside the message it belongs to, or overlaps another chunk of it.
    #[error("chunk at offset {offset} ({length} bytes) does not fit a message of {total} bytes")]
    ChunkOutOfBounds {
        /// Where the chunk starts in the message.
        offset: u64,
        /// The chunk's length.
        length: usize,
        /// The message length the chunk claims.
        total: u64,
    },
    /// Two chunks of one message disagree on the message's length.
    #[error("chunks of one message claim lengths {first} and {second}")]
    ChunkLengthMismatch {
        /// The length claimed by the first chunk received.
        first: u64,
        /// The length claimed by this chunk.
        second: u64,
    },
    /// A message reassembled from chunks is itself a chunk.
    #[error("a reassembled message is itself a chunk")]
    NestedChunk,
}
