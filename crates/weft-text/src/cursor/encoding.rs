//! The bytes and JSON forms of a [`Cursor`].
//!
//! ```text
//! cursor  := 0x43 ('C')  version:u8 (= 1)  anchor
//! anchor  := 0x00                                start of the sequence
//!          | 0x01                                end of the sequence
//!          | 0x02  replica:ReplicaId counter:varint   just before the element
//!          | 0x03  replica:ReplicaId counter:varint   just after the element
//! ```
//! The replica is its 16-byte id (no replica table: a cursor travels alone), the counter is
//! in `1 ..= 2⁵³ − 1`. See `docs/FORMAT.md`, "Stable cursors".

use serde::{Deserialize, Serialize};
use weft_core::codec::{Decode, Decoder, Encode, Encoder};
use weft_core::{DecodeError, MAX_COUNTER, ReplicaId};

use super::{Cursor, ElementId, Side};

/// The first byte of an encoded cursor.
const MAGIC: u8 = b'C';
/// The version of the cursor encoding this build writes (and the newest it reads).
const VERSION: u8 = 1;

const START: u8 = 0x00;
const END: u8 = 0x01;
const BEFORE: u8 = 0x02;
const AFTER: u8 = 0x03;

impl Cursor {
    /// The bytes form: 3 bytes for the start or the end, at most 27 for an element.
    ///
    /// ```
    /// use weft_text::Cursor;
    /// assert_eq!(Cursor::Start.to_bytes(), [0x43, 0x01, 0x00]);
    /// assert_eq!(Cursor::from_bytes(&Cursor::End.to_bytes()), Ok(Cursor::End));
    /// ```
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Encoder::new();
        out.u8(MAGIC);
        out.u8(VERSION);
        match self {
            Self::Start => out.u8(START),
            Self::End => out.u8(END),
            Self::Element { element, side } => {
                out.u8(match side {
                    Side::Before => BEFORE,
                    Side::After => AFTER,
                });
                element.replica.encode(&mut out);
                out.varint(element.counter);
            }
        }
        out.into_bytes()
    }

    /// Reads the bytes form, distrusting every byte.
    ///
    /// ```
    /// use weft_core::DecodeError;
    /// use weft_text::Cursor;
    /// assert_eq!(Cursor::from_bytes(b"X\x01\x00"), Err(DecodeError::BadMagic));
    /// assert!(Cursor::from_bytes(&[0x43, 0x01, 0x02, 0x00]).unwrap_err().is_truncation());
    /// ```
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedEnd`] if the bytes stop early, [`DecodeError::BadMagic`] if
    /// they do not start with `0x43`, [`DecodeError::UnsupportedVersion`],
    /// [`DecodeError::InvalidValue`] for an unknown anchor tag, [`DecodeError::Malformed`]
    /// for a counter outside `1 ..= 2⁵³ − 1`, [`DecodeError::VarintOverflow`] and
    /// [`DecodeError::TrailingBytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut input = Decoder::new(bytes);
        if input.u8()? != MAGIC {
            return Err(DecodeError::BadMagic);
        }
        let version = input.u8()?;
        if version == 0 || version > VERSION {
            return Err(DecodeError::UnsupportedVersion {
                found: version,
                supported: VERSION,
            });
        }
        let offset = input.position();
        let cursor = match input.u8()? {
            START => Self::Start,
            END => Self::End,
            tag @ (BEFORE | AFTER) => {
                let replica = ReplicaId::decode(&mut input)?;
                let counter = input.varint()?;
                if counter == 0 || counter > MAX_COUNTER {
                    return Err(input.malformed("cursor counter outside 1 ..= 2^53 - 1"));
                }
                let side = if tag == BEFORE {
                    Side::Before
                } else {
                    Side::After
                };
                Self::Element {
                    element: ElementId { replica, counter },
                    side,
                }
            }
            tag => return Err(input.invalid("cursor anchor", tag.into(), offset)),
        };
        input.finish()?;
        Ok(cursor)
    }
}

/// The JSON shape of a cursor.
#[derive(Serialize, Deserialize)]
#[serde(tag = "anchor", rename_all = "camelCase")]
pub(super) enum CursorJson {
    Start,
    End,
    Element {
        replica: ReplicaId,
        counter: u64,
        side: Side,
    },
}

impl From<Cursor> for CursorJson {
    fn from(cursor: Cursor) -> Self {
        match cursor {
            Cursor::Start => Self::Start,
            Cursor::End => Self::End,
            Cursor::Element { element, side } => Self::Element {
                replica: element.replica,
                counter: element.counter,
                side,
            },
        }
    }
}

/// Why a JSON cursor was refused: its counter is outside `1 ..= 2⁵³ − 1`.
#[derive(Debug)]
pub(super) struct CounterOutOfRange(u64);

impl std::fmt::Display for CounterOutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cursor counter {} is outside 1 ..= 2^53 - 1", self.0)
    }
}

impl TryFrom<CursorJson> for Cursor {
    type Error = CounterOutOfRange;

    fn try_from(json: CursorJson) -> Result<Self, Self::Error> {
        Ok(match json {
            CursorJson::Start => Self::Start,
            CursorJson::End => Self::End,
            CursorJson::Element {
                replica,
                counter,
                side,
            } => {
                if counter == 0 || counter > MAX_COUNTER {
                    return Err(CounterOutOfRange(counter));
                }
                Self::Element {
                    element: ElementId { replica, counter },
                    side,
                }
            }
        })
    }
}
