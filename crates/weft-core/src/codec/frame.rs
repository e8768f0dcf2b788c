//! Frames: magic bytes, format version, payload kind, payload, CRC-32.
//!
//! ```text
//! +------+------+---------+------+-----------------+------------------+
//! | 0x57 | 0x46 | version | kind | payload ...     | CRC-32 (LE, 4 B) |
//! +------+------+---------+------+-----------------+------------------+
//! ```
//! The CRC-32 (IEEE) covers every byte before it.

use crate::codec::{Decoder, Encoder};
use crate::error::DecodeError;

/// The two bytes every Weft frame starts with: `"WF"`.
pub const MAGIC: [u8; 2] = *b"WF";

/// The format version this build writes (and the newest it reads).
pub const FORMAT_VERSION: u8 = 1;

/// Bytes a frame adds around its payload.
pub const OVERHEAD: usize = MAGIC.len() + 2 + 4;

/// What a frame's payload holds.
///
/// ```
/// use weft_core::codec::frame::{self, Kind};
/// let bytes = frame::seal(Kind::Delta, |out| out.varint(0));
/// let mut payload = frame::open(&bytes, Kind::Delta)?;
/// assert_eq!(payload.varint()?, 0);
/// # Ok::<(), weft_core::DecodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[non_exhaustive]
pub enum Kind {
    /// A delta of one replicated type (a document's included).
    Delta = 1,
    /// A full snapshot of one replicated type (a document's included).
    Snapshot = 2,
    /// A sync protocol message, or a saved sync state.
    SyncMessage = 4,
    /// A delta written against a version the receiver holds (`Delta::to_bytes_against`).
    DeltaAgainstBase = 7,
}

/// Writes a frame of `kind` whose payload `write` produces.
pub fn seal(kind: Kind, write: impl FnOnce(&mut Encoder)) -> Vec<u8> {
    let mut out = Encoder::new();
    out.raw(&MAGIC);
    out.u8(FORMAT_VERSION);
    out.u8(kind as u8);
    write(&mut out);
    let checksum = crate::codec::crc32(out.as_bytes());
    out.raw(&checksum.to_le_bytes());
    out.into_bytes()
}

/// Checks the frame around `bytes` and returns a decoder over its payload.
///
/// # Errors
/// [`DecodeError::UnexpectedEnd`] if `bytes` is shorter than a frame,
/// [`DecodeError::BadMagic`], [`DecodeError::UnsupportedVersion`],
/// [`DecodeError::ChecksumMismatch`] or [`DecodeError::WrongKind`].
pub fn open(bytes: &[u8], kind: Kind) -> Result<Decoder<'_>, DecodeError> {
    if bytes.len() < OVERHEAD {
        if !MAGIC.starts_with(&bytes[..bytes.len().min(MAGIC.len())]) {
            return Err(DecodeError::BadMagic);
        }
        return Err(DecodeError::UnexpectedEnd {
            offset: bytes.len(),
            needed: OVERHEAD - bytes.len(),
        });
    }
    if bytes[..2] != MAGIC {
        return Err(DecodeError::BadMagic);
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let computed = crate::codec::crc32(body);
    if stored != computed {
        return Err(DecodeError::ChecksumMismatch { stored, computed });
    }
    if body[2] == 0 || body[2] > FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion {
            found: body[2],
            supported: FORMAT_VERSION,
        });
    }
    if body[3] != kind as u8 {
        return Err(DecodeError::WrongKind {
            expected: kind as u8,
            found: body[3],
        });
    }
    let mut payload = Decoder::new(body);
    payload.raw(4)?;
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_bit_flip_is_detected() {
        let bytes = seal(Kind::Delta, |out| out.str("hello, weft"));
        for position in 0..bytes.len() {
            for bit in 0..8 {
                let mut corrupt = bytes.clone();
                corrupt[position] ^= 1 << bit;
                assert!(
                    open(&corrupt, Kind::Delta).is_err(),
                    "flip {position}:{bit}"
                );
            }
        }
    }

    #[test]
    fn every_truncation_is_detected() {
        let bytes = seal(Kind::Delta, |out| out.str("hello"));
        for cut in 0..bytes.len() {
            assert!(open(&bytes[..cut], Kind::Delta).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn kinds_and_versions_are_checked() {
        let bytes = seal(Kind::Delta, |_| {});
        assert_eq!(
            open(&bytes, Kind::Snapshot).unwrap_err(),
            DecodeError::WrongKind {
                expected: 2,
                found: 1
            }
        );
        let mut future = bytes[..4].to_vec();
        future[2] = FORMAT_VERSION + 1;
        let checksum = crate::codec::crc32(&future);
        future.extend_from_slice(&checksum.to_le_bytes());
        assert!(matches!(
            open(&future, Kind::Delta),
            Err(DecodeError::UnsupportedVersion { .. })
        ));
        assert_eq!(open(b"XY", Kind::Delta).unwrap_err(), DecodeError::BadMagic);
    }
}
