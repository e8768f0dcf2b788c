//! Errors at the boundaries of the core: decoding bytes and applying changes.

use thiserror::Error;

/// Why a byte string could not be decoded. Decoding never panics and never changes the
/// receiver: any input either decodes completely or yields one of these.
///
/// `UnexpectedEnd` means the input was cut short (more bytes could make it valid); every
/// other variant means the bytes are corrupt or hostile.
///
/// ```
/// use weft_core::codec::Decoder;
/// use weft_core::DecodeError;
/// let mut input = Decoder::new(&[0x80]); // a varint that promises another byte
/// assert!(matches!(input.varint(), Err(DecodeError::UnexpectedEnd { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended while `needed` more bytes were expected at `offset`.
    #[error("input ends at byte {offset}: {needed} more byte(s) needed")]
    UnexpectedEnd {
        /// Where the input ended.
        offset: usize,
        /// How many more bytes the decoder needed at least.
        needed: usize,
    },
    /// A LEB128 varint at `offset` is longer than 10 bytes or does not fit 64 bits.
    #[error("varint at byte {offset} overflows 64 bits")]
    VarintOverflow {
        /// Where the varint starts.
        offset: usize,
    },
    /// The input does not start with the Weft magic bytes.
    #[error("not a Weft encoding (bad magic bytes)")]
    BadMagic,
    /// The format version is not one this build can read.
    #[error("format version {found} is not supported (this build reads up to {supported})")]
    UnsupportedVersion {
        /// The version byte found.
        found: u8,
        /// The newest version this build reads.
        supported: u8,
    },
    /// The checksum does not match the bytes: the input was corrupted.
    #[error("checksum mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    ChecksumMismatch {
        /// The checksum stored in the frame.
        stored: u32,
        /// The checksum of the bytes received.
        computed: u32,
    },
    /// The frame holds another kind of payload than the caller asked for.
    #[error("expected a frame of kind {expected}, found kind {found}")]
    WrongKind {
        /// The kind the caller asked for.
        expected: u8,
        /// The kind in the frame.
        found: u8,
    },
    /// The payload encodes another data type than the one being decoded.
    #[error("the payload holds another data type (schema mismatch at byte {offset})")]
    SchemaMismatch {
        /// Where the schema differs.
        offset: usize,
    },
    /// A length prefix at `offset` claims more items than the remaining bytes could hold.
    #[error(
        "length {length} at byte {offset} exceeds what the remaining {remaining} byte(s) can hold"
    )]
    LengthTooLarge {
        /// Where the length prefix starts.
        offset: usize,
        /// The claimed length.
        length: u64,
        /// Bytes left after the prefix.
        remaining: usize,
    },
    /// A string at `offset` is not valid UTF-8.
    #[error("invalid UTF-8 in the string at byte {offset}")]
    InvalidUtf8 {
        /// Where the string's bytes start.
        offset: usize,
    },
    /// A replica index refers past the end of the replica table.
    #[error(
        "replica index {index} at byte {offset} is outside the table of {table_len} replica(s)"
    )]
    UnknownReplica {
        /// Where the index was read.
        offset: usize,
        /// The index read.
        index: u64,
        /// The size of the table.
        table_len: usize,
    },
    /// A replica index inside the table names a replica the message's context does not
    /// declare (the writer would not have put it in the table, and could not write it again).
    #[error("replica index {index} at byte {offset} is not declared by the message's context")]
    UndeclaredReplica {
        /// Where the index was read.
        offset: usize,
        /// The index read.
        index: u64,
    },
    /// The same replica appears twice in a replica table.
    #[error("replica {replica} appears twice in the replica table")]
    DuplicateReplica {
        /// The repeated id, as text.
        replica: String,
    },
    /// A tag byte or field at `offset` has a value this version does not define.
    #[error("invalid {what} {value} at byte {offset}")]
    InvalidValue {
        /// What was being read.
        what: &'static str,
        /// The value found.
        value: u64,
        /// Where it was read.
        offset: usize,
    },
    /// The data breaks an invariant of its type (entries out of order, a counter of 0, …).
    #[error("malformed data at byte {offset}: {reason}")]
    Malformed {
        /// What is wrong.
        reason: &'static str,
        /// Where it was noticed.
        offset: usize,
    },
    /// Nesting is deeper than the decoder allows.
    #[error("nesting deeper than {limit} levels")]
    TooDeep {
        /// The deepest nesting allowed.
        limit: u32,
    },
    /// The input continues after the encoded value.
    #[error("{count} unexpected byte(s) after the end of the value")]
    TrailingBytes {
        /// How many bytes were left over.
        count: usize,
    },
}

impl DecodeError {
    /// Whether more input could make the bytes decode (they were cut short rather than corrupt).
    ///
    /// ```
    /// # use weft_core::DecodeError;
    /// assert!(DecodeError::UnexpectedEnd { offset: 0, needed: 1 }.is_truncation());
    /// assert!(!DecodeError::BadMagic.is_truncation());
    /// ```
    #[must_use]
    pub fn is_truncation(&self) -> bool {
        matches!(self, Self::UnexpectedEnd { .. })
    }
}

/// Which internal invariant of a replica or a store is broken: what
/// [`Replica::check`](crate::Replica::check) and
/// [`DotStore::check`](crate::store::DotStore::check) report. A replica built only through
/// this crate's API never breaks one; the checks are there for tests and fuzzers.
///
/// ```
/// use weft_core::{AddWinsSet, InvariantViolation, Replica, ReplicaId};
/// let mut replica = Replica::<AddWinsSet<u8>>::new(ReplicaId::random());
/// replica.update(|set| set.insert(1));
/// assert_eq!(replica.check(), Ok(()));
/// let broken = InvariantViolation::LamportBehind { clock: 1, store: 2 };
/// assert_eq!(broken.to_string(), "the Lamport clock 1 is behind the store's 2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InvariantViolation {
    /// The store mentions the changes `first ..= last` of the replica at `replica` (an index
    /// into the replica's table) that its context does not hold.
    #[error("the changes {first}..={last} of replica index {replica} are outside the context")]
    DotsOutsideContext {
        /// The replica's index in the table.
        replica: u32,
        /// The first counter outside.
        first: u64,
        /// The last counter outside.
        last: u64,
    },
    /// The replica's Lamport clock is below a stamp its store holds.
    #[error("the Lamport clock {clock} is behind the store's {store}")]
    LamportBehind {
        /// The replica's Lamport clock.
        clock: u64,
        /// The greatest stamp in the store.
        store: u64,
    },
    /// The live writes of a `DotFun` are not sorted by dot, or one dot appears twice.
    #[error("the entries of a DotFun are not sorted by dot and unique")]
    DotFunOrder,
    /// A `Keyed` slot has no touches.
    #[error("a keyed slot has no touches")]
    SlotWithoutTouches,
    /// A `Keyed` slot's touches are not one per replica, sorted by replica.
    #[error("a keyed slot's touches are not one per replica in order")]
    TouchOrder,
    /// A `Keyed` store's index of touches does not match its slots.
    #[error("a keyed store's touch index does not match its slots")]
    TouchIndex,
    /// A `Keyed` store's count of live slots does not match its slots.
    #[error("a keyed store counts {counted} live slots, its slots hold {actual}")]
    LiveCount {
        /// The count the store keeps.
        counted: usize,
        /// The live slots it holds.
        actual: usize,
    },
    /// Counter entries are not one per replica, sorted by replica.
    #[error("counter entries are not one per replica in order")]
    CounterOrder,
    /// A counter entry's reset is after its latest change.
    #[error("a counter entry's reset {base} is after its latest change {latest}")]
    CounterReset {
        /// The counter of the reset.
        base: u64,
        /// The counter of the latest change.
        latest: u64,
    },
    /// A sequence's index tree (counts, links, the dot index or the cursor) is out of step
    /// with its elements.
    #[error("a sequence's index tree is out of step: {part}")]
    SequenceTree {
        /// The part found out of step (e.g. "leaf summary", "cursor position").
        part: &'static str,
    },
}
