//! What a sequence holds and how: UTF-8 text for [`Text`](crate::Text), values for
//! [`List`](crate::List). A [`Content`] buffer holds the visible elements of a leaf of the
//! order tree (or of a run carried by a delta), addressed by element index.

use std::fmt::Debug;
use std::ops::Range;

use weft_core::DecodeError;
use weft_core::codec::{Decoder, Encoder};
use weft_core::store::Value;

use crate::span::Metric;

/// The visible content of a run of elements, addressed by element index.
pub(crate) trait Content: Clone + Debug + Default + PartialEq {
    /// Whether a sequence of this content may hold rich-text marks (text only).
    const HAS_MARKS: bool;

    /// A borrowed run of elements: `str` for text, `[T]` for lists.
    type Slice: ?Sized + Debug + PartialEq;

    /// How many elements.
    fn len(&self) -> usize;

    /// All the elements.
    fn as_slice(&self) -> &Self::Slice;

    /// The elements of `range`.
    fn slice(&self, range: Range<usize>) -> &Self::Slice;

    /// The first `elements` elements of `slice` and the rest.
    fn split_slice(slice: &Self::Slice, elements: usize) -> (&Self::Slice, &Self::Slice);

    /// How many elements `slice` holds.
    fn count(slice: &Self::Slice) -> usize;

    /// The width of `slice` in UTF-16 code units and UTF-8 bytes.
    fn widths(slice: &Self::Slice) -> (u64, u64);

    /// A buffer holding `slice` (of `count` elements).
    fn from_slice(slice: &Self::Slice, count: usize) -> Self {
        let mut content = Self::default();
        content.insert(0, slice, count);
        content
    }

    /// Inserts `slice` (of `count` elements) before element `at`.
    fn insert(&mut self, at: usize, slice: &Self::Slice, count: usize);

    /// Removes the elements of `range`; returns their widths.
    fn remove(&mut self, range: Range<usize>) -> (u64, u64);

    /// Moves the elements from `at` on into a new buffer.
    fn split_off(&mut self, at: usize) -> Self;

    /// Gives back spare capacity beyond `spare` elements' worth.
    fn trim(&mut self, spare: usize);

    /// How many elements come before position `units` of `metric` (UTF-16 or UTF-8, at most
    /// the width of the buffer), or `None` if the position falls inside an element.
    fn elements_before(&self, metric: Metric, units: u64) -> Option<usize>;

    /// The width in `metric` of the first `elements` elements.
    fn measure_prefix(&self, metric: Metric, elements: usize) -> u64;

    /// Writes `content` as one column.
    fn write_column(content: &Self, out: &mut Encoder);

    /// Reads a column of exactly `count` elements written by [`Content::write_column`].
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are malformed or hold another number of elements.
    fn read_column(input: &mut Decoder<'_>, count: usize) -> Result<Self, DecodeError>;
}

/// Grows `vec` for `extra` more items: doubling while small, then by halves, never less
/// than 16 (a leaf grows to its size in a few steps, with little slack).
fn grow<T>(vec: &mut Vec<T>, extra: usize) {
    let needed = vec.len() + extra;
    if needed > vec.capacity() {
        let capacity = vec.capacity();
        let step = if capacity < 256 {
            capacity.max(16)
        } else {
            capacity / 2
        };
        vec.reserve_exact((needed - vec.len()).max(capacity + step - vec.len()));
    }
}

/// UTF-8 text with its count of scalar values: element `i` is the `i`-th scalar. While the
/// text is ASCII (bytes = scalars) an element index is a byte index, so addressing costs
/// nothing; otherwise it costs a scan of the buffer (a leaf: bounded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TextBuf {
    text: String,
    chars: usize,
}

impl TextBuf {
    /// The byte offset of scalar `at` (at most the scalar count).
    fn byte_of(&self, at: usize) -> usize {
        if self.text.len() == self.chars {
            at
        } else {
            byte_of(&self.text, at)
        }
    }

    /// The character at scalar `index`.
    pub(crate) fn char_at(&self, index: usize) -> Option<char> {
        self.text[self.byte_of(index)..].chars().next()
    }
}

/// The byte offset of scalar `at` in `text` (the length when `at` is the scalar count).
///
/// Scalars start at every byte that is not a UTF-8 continuation byte (`0b10xx_xxxx`), so the
/// scan counts them eight bytes at a time and finishes byte by byte in the last word: a
/// leaf holding one non-ASCII character costs about a tenth of decoding it scalar by scalar.
fn byte_of(text: &str, at: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let bytes = text.as_bytes();
    let mut byte = 0;
    let mut starts = 0;
    while let Some(word) = bytes.get(byte..byte + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // Bit 7 of each continuation byte (bit 7 set, bit 6 clear), moved to bit 0.
        let continuation = ((word & !(word << 1)) & HIGH) >> 7;
        let in_word = 8 - (continuation.wrapping_mul(ONES) >> 56) as usize;
        if starts + in_word > at {
            break;
        }
        starts += in_word;
        byte += 8;
    }
    for (offset, value) in bytes[byte..].iter().enumerate() {
        if (*value as i8) >= -64 {
            if starts == at {
                return byte + offset;
            }
            starts += 1;
        }
    }
    bytes.len()
}

/// Grows `text` for `extra` more bytes, as [`grow`] does.
fn grow_string(text: &mut String, extra: usize) {
    let needed = text.len() + extra;
    if needed > text.capacity() {
        let capacity = text.capacity();
        let step = if capacity < 256 {
            capacity.max(16)
        } else {
            capacity / 2
        };
        text.reserve_exact((needed - text.len()).max(capacity + step - text.len()));
    }
}

impl Content for TextBuf {
    const HAS_MARKS: bool = true;

    type Slice = str;

    fn len(&self) -> usize {
        self.chars
    }

    fn as_slice(&self) -> &str {
        &self.text
    }

    fn slice(&self, range: Range<usize>) -> &str {
        if self.text.len() == self.chars {
            &self.text[range]
        } else {
            let start = byte_of(&self.text, range.start);
            let end = start + byte_of(&self.text[start..], range.end - range.start);
            &self.text[start..end]
        }
    }

    fn split_slice(slice: &str, elements: usize) -> (&str, &str) {
        // ASCII up to there: the element index is the byte index.
        if slice
            .as_bytes()
            .get(..elements)
            .is_some_and(<[u8]>::is_ascii)
        {
            return slice.split_at(elements);
        }
        slice.split_at(byte_of(slice, elements))
    }

    fn count(slice: &str) -> usize {
        if slice.is_ascii() {
            slice.len()
        } else {
            slice.chars().count()
        }
    }

    fn widths(slice: &str) -> (u64, u64) {
        let utf8 = slice.len() as u64;
        if slice.is_ascii() {
            return (utf8, utf8);
        }
        let utf16 = slice.chars().map(|c| c.len_utf16() as u64).sum();
        (utf16, utf8)
    }

    fn insert(&mut self, at: usize, slice: &str, count: usize) {
        let byte = self.byte_of(at);
        grow_string(&mut self.text, slice.len());
        if byte == self.text.len() {
            self.text.push_str(slice);
        } else {
            self.text.insert_str(byte, slice);
        }
        self.chars += count;
    }

    fn remove(&mut self, range: Range<usize>) -> (u64, u64) {
        let count = range.len();
        self.chars -= count;
        if self.text.len() == self.chars + count {
            // ASCII: one byte, one unit per element.
            if count == 1 {
                self.text.remove(range.start);
            } else {
                self.text.drain(range);
            }
            return (count as u64, count as u64);
        }
        let start = byte_of(&self.text, range.start);
        let end = start + byte_of(&self.text[start..], count);
        let widths = Self::widths(&self.text[start..end]);
        self.text.drain(start..end);
        widths
    }

    fn split_off(&mut self, at: usize) -> Self {
        let byte = self.byte_of(at);
        let mut text = String::with_capacity(self.text.len() - byte + 32);
        text.push_str(&self.text[byte..]);
        self.text.truncate(byte);
        let moved = self.chars - at;
        self.chars = at;
        Self { text, chars: moved }
    }

    fn trim(&mut self, spare: usize) {
        self.text.shrink_to(self.text.len() + spare);
    }

    fn elements_before(&self, metric: Metric, units: u64) -> Option<usize> {
        if self.text.len() == self.chars {
            return Some(units as usize);
        }
        let mut rest = units;
        for (index, character) in self.text.chars().enumerate() {
            if rest == 0 {
                return Some(index);
            }
            let width = match metric {
                Metric::Utf16 => character.len_utf16() as u64,
                Metric::Utf8 => character.len_utf8() as u64,
                Metric::Items | Metric::Chars => 1,
            };
            if width > rest {
                return None;
            }
            rest -= width;
        }
        (rest == 0).then_some(self.chars)
    }

    fn measure_prefix(&self, metric: Metric, elements: usize) -> u64 {
        let prefix = &self.text[..self.byte_of(elements)];
        match metric {
            Metric::Utf16 => Self::widths(prefix).0,
            Metric::Utf8 => prefix.len() as u64,
            Metric::Items | Metric::Chars => elements as u64,
        }
    }

    fn write_column(content: &Self, out: &mut Encoder) {
        out.str(&content.text);
    }

    fn read_column(input: &mut Decoder<'_>, count: usize) -> Result<Self, DecodeError> {
        let text = input.str()?;
        if Self::count(text) == count {
            Ok(Self {
                text: text.to_string(),
                chars: count,
            })
        } else {
            Err(input.malformed("text column length differs from the visible elements"))
        }
    }
}

/// List elements: any [`Value`], one position wide.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ListBuf<T>(pub(crate) Vec<T>);

impl<T> Default for ListBuf<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: Value> Content for ListBuf<T> {
    const HAS_MARKS: bool = false;

    type Slice = [T];

    fn len(&self) -> usize {
        self.0.len()
    }

    fn as_slice(&self) -> &[T] {
        &self.0
    }

    fn slice(&self, range: Range<usize>) -> &[T] {
        &self.0[range]
    }

    fn split_slice(slice: &[T], elements: usize) -> (&[T], &[T]) {
        slice.split_at(elements)
    }

    fn count(slice: &[T]) -> usize {
        slice.len()
    }

    fn widths(slice: &[T]) -> (u64, u64) {
        (slice.len() as u64, slice.len() as u64)
    }

    fn insert(&mut self, at: usize, slice: &[T], _count: usize) {
        grow(&mut self.0, slice.len());
        self.0.splice(at..at, slice.iter().cloned());
    }

    fn remove(&mut self, range: Range<usize>) -> (u64, u64) {
        let count = range.len() as u64;
        self.0.drain(range);
        (count, count)
    }

    fn split_off(&mut self, at: usize) -> Self {
        let mut moved = Vec::with_capacity(self.0.len() - at + 8);
        moved.extend(self.0.drain(at..));
        Self(moved)
    }

    fn trim(&mut self, spare: usize) {
        self.0.shrink_to(self.0.len() + spare);
    }

    fn elements_before(&self, _metric: Metric, units: u64) -> Option<usize> {
        Some(units as usize)
    }

    fn measure_prefix(&self, _metric: Metric, elements: usize) -> u64 {
        elements as u64
    }

    fn write_column(content: &Self, out: &mut Encoder) {
        for item in &content.0 {
            item.encode(out);
        }
    }

    fn read_column(input: &mut Decoder<'_>, count: usize) -> Result<Self, DecodeError> {
        let minimum = T::MIN_ENCODED_LEN.max(1);
        if count > input.remaining() / minimum {
            return Err(input.malformed("list column longer than the input"));
        }
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            items.push(input.nested(T::decode)?);
        }
        Ok(Self(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_buffers_address_scalars() {
        let mut text = TextBuf::from_slice("héllo", 5);
        assert_eq!(text.slice(1..3), "él");
        text.insert(5, "😀", 1);
        text.insert(0, "a", 1);
        assert_eq!(text.as_slice(), "ahéllo😀");
        assert_eq!(text.remove(2..3), (1, 2));
        assert_eq!(text.as_slice(), "ahllo😀");
        assert_eq!(text.elements_before(Metric::Utf16, 7), Some(6));
        assert_eq!(text.elements_before(Metric::Utf16, 6), None);
        assert_eq!(text.measure_prefix(Metric::Utf8, 6), 9);
        let back = text.split_off(4);
        assert_eq!((text.as_slice(), back.as_slice()), ("ahll", "o😀"));
        assert_eq!((text.len(), back.len()), (4, 2));
        assert_eq!(TextBuf::split_slice("é😀x", 2), ("é😀", "x"));
        assert_eq!(back.char_at(1), Some('😀'));
    }

    #[test]
    fn byte_offsets_of_scalars_match_decoding() {
        let samples = [
            "",
            "ascii only, longer than one word of eight bytes",
            "é",
            "aé😀bc",
            "0123456é89abcdef😀😀😀xyz—–«»日本語のテキスト",
            "😀😀😀😀😀😀😀😀😀😀",
            "1234567😀",
        ];
        for text in samples {
            let expected: Vec<usize> = text
                .char_indices()
                .map(|(byte, _)| byte)
                .chain([text.len()])
                .collect();
            for (at, byte) in expected.iter().enumerate() {
                assert_eq!(byte_of(text, at), *byte, "{text:?} at {at}");
            }
        }
    }
}
