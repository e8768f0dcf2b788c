//! The binary codec: LEB128 varints, length-checked reads, framing with magic bytes, a
//! format version and a CRC-32, and replica tables that name each `ReplicaId` once.
//!
//! The byte-level format is specified in `docs/FORMAT.md`.

mod checksum;
mod decoder;
mod encoder;
pub mod frame;
mod primitives;
mod replicas;
mod varint;
mod version_vector;

pub use checksum::crc32;
pub use decoder::{Decoder, MAX_DEPTH, reservation};
pub use encoder::Encoder;
pub use replicas::{DotReader, DotWriter};
pub use varint::{unzigzag, zigzag};

use crate::error::DecodeError;

/// A value with a binary encoding.
///
/// ```
/// use weft_core::codec::{Decode, Encode};
/// let bytes = (7u32, String::from("x")).encode_to_vec();
/// assert_eq!(<(u32, String)>::decode_exact(&bytes)?, (7, "x".to_string()));
/// # Ok::<(), weft_core::DecodeError>(())
/// ```
pub trait Encode {
    /// Appends the encoding of `self` to `out`.
    fn encode(&self, out: &mut Encoder);

    /// The encoding of `self` alone (no frame).
    fn encode_to_vec(&self) -> Vec<u8> {
        let mut out = Encoder::new();
        self.encode(&mut out);
        out.into_bytes()
    }
}

/// A value that can be read back from untrusted bytes.
pub trait Decode: Sized {
    /// The fewest bytes any value of this type takes; decoders of collections use it to
    /// refuse counts the remaining input could not hold.
    const MIN_ENCODED_LEN: usize = 1;

    /// Reads one value.
    ///
    /// # Errors
    /// Any [`DecodeError`]; the input position is then unspecified.
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError>;

    /// Reads one value that must take all of `bytes`.
    ///
    /// # Errors
    /// Any [`DecodeError`], including [`DecodeError::TrailingBytes`].
    fn decode_exact(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut input = Decoder::new(bytes);
        let value = Self::decode(&mut input)?;
        input.finish()?;
        Ok(value)
    }
}
