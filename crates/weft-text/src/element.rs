//! What a sequence holds: characters for [`Text`](crate::Text), values for
//! [`List`](crate::List).

use std::fmt::Debug;

use weft_core::DecodeError;
use weft_core::codec::{Decoder, Encoder};
use weft_core::store::Value;

/// An element of a sequence: measured (for text positions) and written as a column.
pub(crate) trait Element: Clone + Debug + PartialEq {
    /// Whether the widths of [`Element::widths`] differ from 1 (text): positions in UTF-16
    /// and UTF-8 only mean something for measured elements.
    const MEASURED: bool;

    /// The element's width in UTF-16 code units and UTF-8 bytes.
    fn widths(&self) -> (u64, u64);

    /// Writes `items` as one column.
    fn write_column(items: &[Self], out: &mut Encoder);

    /// Reads a column of exactly `count` elements written by [`Element::write_column`].
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are malformed or hold another number of elements.
    fn read_column(input: &mut Decoder<'_>, count: usize) -> Result<Vec<Self>, DecodeError>;
}

impl Element for char {
    const MEASURED: bool = true;

    fn widths(&self) -> (u64, u64) {
        (self.len_utf16() as u64, self.len_utf8() as u64)
    }

    fn write_column(items: &[Self], out: &mut Encoder) {
        let text: String = items.iter().collect();
        out.str(&text);
    }

    fn read_column(input: &mut Decoder<'_>, count: usize) -> Result<Vec<Self>, DecodeError> {
        let text = input.str()?;
        let chars: Vec<char> = text.chars().collect();
        if chars.len() == count {
            Ok(chars)
        } else {
            Err(input.malformed("text column length differs from the visible elements"))
        }
    }
}

/// A list element: any [`Value`], one position wide.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry<T>(pub(crate) T);

impl<T: Value> Element for Entry<T> {
    const MEASURED: bool = false;

    fn widths(&self) -> (u64, u64) {
        (1, 1)
    }

    fn write_column(items: &[Self], out: &mut Encoder) {
        for item in items {
            item.0.encode(out);
        }
    }

    fn read_column(input: &mut Decoder<'_>, count: usize) -> Result<Vec<Self>, DecodeError> {
        let minimum = T::MIN_ENCODED_LEN.max(1);
        if count > input.remaining() / minimum {
            return Err(input.malformed("list column longer than the input"));
        }
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            items.push(Entry(input.nested(T::decode)?));
        }
        Ok(items)
    }
}
