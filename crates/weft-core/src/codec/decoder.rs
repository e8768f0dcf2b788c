//! Reading the primitives of the wire format from untrusted bytes.

use crate::codec::varint;
use crate::error::DecodeError;

/// The deepest nesting a decoder follows (maps in maps, lists in maps, …). Bounded so that
/// hostile input cannot exhaust the stack (the wasm32 stack is 1 MiB).
pub const MAX_DEPTH: u32 = 64;

/// A cursor over untrusted bytes.
///
/// Every read checks what remains first: a read past the end returns
/// [`DecodeError::UnexpectedEnd`], a varint cannot overflow, a length prefix is checked
/// against the bytes that remain before anything is allocated (see [`Decoder::length`]),
/// strings are validated as UTF-8 and nesting is bounded by [`MAX_DEPTH`].
///
/// ```
/// use weft_core::codec::Decoder;
/// use weft_core::DecodeError;
/// // A length prefix of 2^40 with 1 byte behind it is refused before any allocation.
/// let mut input = Decoder::new(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0]);
/// assert!(matches!(input.length(1), Err(DecodeError::LengthTooLarge { .. })));
/// ```
#[derive(Debug, Clone)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
    position: usize,
    depth: u32,
}

impl<'a> Decoder<'a> {
    /// A decoder at the start of `bytes`.
    #[must_use]
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            position: 0,
            depth: 0,
        }
    }

    /// The offset of the next byte to read.
    #[must_use]
    pub fn position(&self) -> usize {
        self.position
    }

    /// How many bytes are left.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    /// Whether every byte has been read.
    #[must_use]
    pub fn is_at_end(&self) -> bool {
        self.remaining() == 0
    }

    /// Succeeds if every byte has been read.
    ///
    /// # Errors
    /// [`DecodeError::TrailingBytes`] if bytes are left over.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes { count }),
        }
    }

    /// One byte.
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedEnd`] at the end of the input.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let byte = *self.bytes.get(self.position).ok_or_else(|| self.end(1))?;
        self.position += 1;
        Ok(byte)
    }

    /// The next `count` bytes.
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedEnd`] if fewer remain.
    pub fn raw(&mut self, count: usize) -> Result<&'a [u8], DecodeError> {
        if count > self.remaining() {
            return Err(self.end(count - self.remaining()));
        }
        let slice = &self.bytes[self.position..self.position + count];
        self.position += count;
        Ok(slice)
    }

    /// Exactly `N` bytes.
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedEnd`] if fewer remain.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.raw(N)?);
        Ok(out)
    }

    /// An unsigned LEB128 varint.
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedEnd`] if the input ends inside it,
    /// [`DecodeError::VarintOverflow`] if it does not fit 64 bits.
    #[inline]
    pub fn varint(&mut self) -> Result<u64, DecodeError> {
        // One byte (a value below 128), the common case, inline.
        if let Some(&byte) = self.bytes.get(self.position)
            && byte < 0x80
        {
            self.position += 1;
            return Ok(u64::from(byte));
        }
        self.long_varint()
    }

    /// [`Decoder::varint`] in every case.
    fn long_varint(&mut self) -> Result<u64, DecodeError> {
        self.read_varint(varint::read)
    }

    /// A varint read by `read` (narrow or wide), with the decoder's errors.
    fn read_varint<T>(&mut self, read: fn(&[u8]) -> varint::Read<T>) -> Result<T, DecodeError> {
        match read(&self.bytes[self.position..]) {
            Ok((value, used)) => {
                self.position += used;
                Ok(value)
            }
            Err(None) => Err(self.end(1)),
            Err(Some(())) => Err(DecodeError::VarintOverflow {
                offset: self.position,
            }),
        }
    }

    /// A varint of up to 128 bits (see [`Encoder::wide_varint`](crate::codec::Encoder::wide_varint)).
    ///
    /// ```
    /// let mut input = weft_core::codec::Decoder::new(&[0xac, 0x02]);
    /// assert_eq!(input.wide_varint()?, 300);
    /// # Ok::<(), weft_core::DecodeError>(())
    /// ```
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedEnd`], or [`DecodeError::VarintOverflow`] past 128 bits.
    pub fn wide_varint(&mut self) -> Result<u128, DecodeError> {
        self.read_varint(varint::read_wide)
    }

    /// A varint that must fit 32 bits.
    ///
    /// # Errors
    /// As [`Decoder::varint`], and [`DecodeError::InvalidValue`] above `u32::MAX`.
    pub fn varint_u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let offset = self.position;
        let value = self.varint()?;
        u32::try_from(value).map_err(|_| DecodeError::InvalidValue {
            what,
            value,
            offset,
        })
    }

    /// A zigzag-encoded signed varint.
    ///
    /// # Errors
    /// As [`Decoder::varint`].
    pub fn signed(&mut self) -> Result<i64, DecodeError> {
        self.varint().map(varint::unzigzag)
    }

    /// A count of items, each taking at least `min_item_size` bytes (0 counts as 1): the count
    /// is refused unless the remaining input could hold that many items, so a caller may
    /// allocate `count` items without trusting the sender.
    ///
    /// # Errors
    /// [`DecodeError::LengthTooLarge`] if the remaining bytes cannot hold the items, or the
    /// errors of [`Decoder::varint`].
    pub fn length(&mut self, min_item_size: usize) -> Result<usize, DecodeError> {
        let offset = self.position;
        let length = self.varint()?;
        let remaining = self.remaining();
        let capacity = remaining / min_item_size.max(1);
        match usize::try_from(length) {
            Ok(count) if count <= capacity => Ok(count),
            _ => Err(DecodeError::LengthTooLarge {
                offset,
                length,
                remaining,
            }),
        }
    }

    /// A length-prefixed byte string.
    ///
    /// # Errors
    /// As [`Decoder::length`] and [`Decoder::raw`].
    pub fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let length = self.length(1)?;
        self.raw(length)
    }

    /// A length-prefixed UTF-8 string.
    ///
    /// # Errors
    /// As [`Decoder::bytes`], and [`DecodeError::InvalidUtf8`].
    pub fn str(&mut self) -> Result<&'a str, DecodeError> {
        let offset = self.position;
        let bytes = self.bytes()?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8 { offset })
    }

    /// Runs `read` one nesting level deeper.
    ///
    /// # Errors
    /// [`DecodeError::TooDeep`] beyond [`MAX_DEPTH`] levels, or whatever `read` returns.
    pub fn nested<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.enter()?;
        let result = read(self);
        self.leave();
        result
    }

    /// Goes one nesting level deeper; pair with [`Decoder::leave`].
    ///
    /// # Errors
    /// [`DecodeError::TooDeep`] beyond [`MAX_DEPTH`] levels.
    pub fn enter(&mut self) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep { limit: MAX_DEPTH });
        }
        self.depth += 1;
        Ok(())
    }

    /// Comes back one nesting level.
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A [`DecodeError::InvalidValue`] for the value just read at `offset`.
    #[must_use]
    pub fn invalid(&self, what: &'static str, value: u64, offset: usize) -> DecodeError {
        DecodeError::InvalidValue {
            what,
            value,
            offset,
        }
    }

    /// A [`DecodeError::Malformed`] at the current position.
    #[must_use]
    pub fn malformed(&self, reason: &'static str) -> DecodeError {
        DecodeError::Malformed {
            reason,
            offset: self.position,
        }
    }

    fn end(&self, needed: usize) -> DecodeError {
        DecodeError::UnexpectedEnd {
            offset: self.bytes.len(),
            needed,
        }
    }
}

/// How many items of `T` to reserve for `count` items announced by a length prefix. The
/// prefix is already bounded by the bytes present ([`Decoder::length`]), but an item can
/// take far more memory than its encoding (a pending delta, a map slot), so the reservation
/// is also capped at 1 MiB; the vector grows past it only as items actually decode.
///
/// ```
/// assert_eq!(weft_core::codec::reservation::<u8>(10), 10);
/// assert_eq!(weft_core::codec::reservation::<[u8; 1024]>(1 << 20), 1024);
/// ```
#[must_use]
pub fn reservation<T>(count: usize) -> usize {
    const BYTES: usize = 1 << 20;
    count.min(BYTES / std::mem::size_of::<T>().max(1))
}
