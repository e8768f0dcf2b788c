//! The record format of the persistence log, shared by every [`Storage`](crate::Storage)
//! (files here, IndexedDB in the browser later).
//!
//! ```text
//! header   "WFLG" (0x57 0x46 0x4C 0x47), format version (1)
//! record   length: u32 LE (of the body)
//!          kind:   u8 (1 snapshot, 2 delta)
//!          body:   `length` bytes (a Weft frame: a snapshot or a delta)
//!          crc:    u32 LE, CRC-32 (IEEE) of length, kind and body
//! ```
//!
//! ```
//! use weft_sync::persistence::record::{self, Kind, Read};
//! let bytes = record::encode(Kind::Delta, b"body").unwrap();
//! assert_eq!(bytes.len(), record::OVERHEAD + 4);
//! match record::read(&bytes, 0) {
//!     Read::Record { kind, body, next } => {
//!         assert_eq!((kind, body, next), (Kind::Delta, &b"body"[..], bytes.len()));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! assert_eq!(record::read(&bytes[..bytes.len() - 1], 0), Read::Torn);
//! ```

/// The bytes every log starts with: magic `"WFLG"` and the format version.
///
/// ```
/// assert_eq!(&weft_sync::persistence::record::HEADER[..4], b"WFLG");
/// ```
pub const HEADER: [u8; 5] = [b'W', b'F', b'L', b'G', FORMAT_VERSION];

/// The log format version this build writes (and the newest it reads).
///
/// ```
/// assert_eq!(weft_sync::persistence::record::FORMAT_VERSION, 1);
/// ```
pub const FORMAT_VERSION: u8 = 1;

/// Bytes a record adds around its body: length, kind, checksum.
///
/// ```
/// assert_eq!(weft_sync::persistence::record::OVERHEAD, 9);
/// ```
pub const OVERHEAD: usize = 4 + 1 + 4;

/// What a record holds.
///
/// ```
/// use weft_sync::persistence::record::{self, Kind};
/// assert_eq!(record::encode(Kind::Snapshot, b"").unwrap()[4], 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[non_exhaustive]
pub enum Kind {
    /// A snapshot of the whole replica (`Replicated::save`); replay starts at the last one.
    Snapshot = 1,
    /// A delta (`Replicated::encoded_delta_since`), applied in order after the snapshot.
    Delta = 2,
}

/// The outcome of reading one record.
///
/// ```
/// use weft_sync::persistence::record::{self, Read};
/// assert_eq!(record::read(b"", 0), Read::End);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read<'a> {
    /// An intact record; the next one starts at `next`.
    Record {
        /// What it holds.
        kind: Kind,
        /// Its body.
        body: &'a [u8],
        /// Where the next record starts.
        next: usize,
    },
    /// No bytes left: the log ends cleanly here.
    End,
    /// The bytes end inside a record: a write was cut short.
    Torn,
    /// The record's checksum or kind is wrong: the bytes were damaged.
    Corrupt,
}

/// A record of `kind` holding `body`; `None` if the body is 4 GiB or more.
///
/// ```
/// use weft_sync::persistence::record::{self, Kind};
/// assert_eq!(record::encode(Kind::Snapshot, b"").unwrap().len(), record::OVERHEAD);
/// ```
#[must_use]
pub fn encode(kind: Kind, body: &[u8]) -> Option<Vec<u8>> {
    let length = u32::try_from(body.len()).ok()?;
    let mut out = Vec::with_capacity(body.len() + OVERHEAD);
    out.extend_from_slice(&length.to_le_bytes());
    out.push(kind as u8);
    out.extend_from_slice(body);
    let checksum = weft_core::codec::crc32(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    Some(out)
}

/// Reads the record at `offset` of `bytes`. Nothing is allocated: the length a record claims
/// is checked against the bytes present.
///
/// ```
/// use weft_sync::persistence::record::{self, Read};
/// assert_eq!(record::read(&[], 0), Read::End);
/// assert_eq!(record::read(&[0xff; 12], 0), Read::Torn); // claims 4 GiB
/// assert_eq!(record::read(&[0; 9], 0), Read::Corrupt); // zeros: the checksum fails
/// ```
#[must_use]
pub fn read(bytes: &[u8], offset: usize) -> Read<'_> {
    let Some(rest) = bytes.get(offset..) else {
        return Read::Torn;
    };
    if rest.is_empty() {
        return Read::End;
    }
    if rest.len() < OVERHEAD {
        return Read::Torn;
    }
    let length = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    if rest.len() - OVERHEAD < length {
        return Read::Torn;
    }
    let covered = &rest[..5 + length];
    let trailer = &rest[5 + length..OVERHEAD + length];
    let stored = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    if weft_core::codec::crc32(covered) != stored {
        return Read::Corrupt;
    }
    let kind = match rest[4] {
        1 => Kind::Snapshot,
        2 => Kind::Delta,
        _ => return Read::Corrupt,
    };
    Read::Record {
        kind,
        body: &rest[5..5 + length],
        next: offset + OVERHEAD + length,
    }
}
