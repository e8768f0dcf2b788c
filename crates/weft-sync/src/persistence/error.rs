//! Errors of the persistence log.

use thiserror::Error;
use weft_core::DecodeError;

/// Why a [`Log`](crate::Log) operation failed.
///
/// A torn or corrupted *tail* is not an error: [`Log::open`](crate::Log::open) drops it and
/// reports how many bytes it dropped.
///
/// ```
/// use weft_core::{GCounter, Replica};
/// use weft_sync::{Log, LogError, MemoryStorage};
/// let empty = Log::open::<Replica<GCounter>>(MemoryStorage::new());
/// assert!(matches!(empty, Err(LogError::Empty)));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LogError {
    /// The storage failed.
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
    /// The storage holds nothing (or only part of a header): create the log first.
    #[error("the log is empty")]
    Empty,
    /// The storage does not start with the log's magic bytes.
    #[error("not a Weft log (bad magic bytes)")]
    NotALog,
    /// The log was written by a newer format version.
    #[error("log format version {found} is not supported (this build reads up to {supported})")]
    UnsupportedVersion {
        /// The version byte found.
        found: u8,
        /// The newest version this build reads.
        supported: u8,
    },
    /// No intact snapshot record: the first record is damaged, so nothing can be replayed.
    #[error("the log holds no intact snapshot")]
    MissingSnapshot,
    /// A record with a valid checksum does not decode as the replica's type.
    #[error("the record at byte {offset} does not decode: {source}")]
    Record {
        /// Where the record starts.
        offset: u64,
        /// Why it does not decode.
        source: DecodeError,
    },
    /// A record would be longer than a record can be (4 GiB).
    #[error("a record of {length} bytes is too large")]
    RecordTooLarge {
        /// The record body's length.
        length: usize,
    },
}
