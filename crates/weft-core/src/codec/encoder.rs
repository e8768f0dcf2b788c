//! Writing the primitives of the wire format.

use crate::codec::varint;

/// A growing byte buffer with the primitive writers of the wire format.
///
/// ```
/// use weft_core::codec::{Decoder, Encoder};
/// let mut out = Encoder::new();
/// out.varint(300);
/// out.str("hé");
/// let bytes = out.into_bytes();
/// let mut input = Decoder::new(&bytes);
/// assert_eq!(input.varint()?, 300);
/// assert_eq!(input.str()?, "hé");
/// # Ok::<(), weft_core::DecodeError>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct Encoder {
    bytes: Vec<u8>,
}

impl Encoder {
    /// An empty buffer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes written so far.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many bytes were written.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing was written.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The finished bytes.
    #[must_use]
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// One byte.
    pub fn u8(&mut self, byte: u8) {
        self.bytes.push(byte);
    }

    /// Raw bytes, without a length prefix.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// An unsigned LEB128 varint (1 to 10 bytes).
    pub fn varint(&mut self, value: u64) {
        varint::write(&mut self.bytes, value);
    }

    /// A varint of up to 128 bits: the same bytes as [`Encoder::varint`] for a value that
    /// fits 64 bits (a dot's word, which can exceed them in a message with many replicas).
    ///
    /// ```
    /// let mut out = weft_core::codec::Encoder::new();
    /// out.wide_varint(300);
    /// assert_eq!(out.into_bytes(), [0xac, 0x02]);
    /// ```
    pub fn wide_varint(&mut self, value: u128) {
        varint::write_wide(&mut self.bytes, value);
    }

    /// A signed integer as a zigzag varint (small magnitudes take one byte).
    pub fn signed(&mut self, value: i64) {
        varint::write(&mut self.bytes, varint::zigzag(value));
    }

    /// A length or count (a varint).
    pub fn length(&mut self, length: usize) {
        self.varint(length as u64);
    }

    /// A length-prefixed byte string.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.length(bytes.len());
        self.raw(bytes);
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }
}
