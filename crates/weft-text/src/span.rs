//! Spans: runs of consecutive elements of one replica, the unit of the order tree, and the
//! summaries the tree keeps per node.

use weft_core::{Dot, ReplicaIndex};

/// The top bit of [`Span`]'s length word marks a deleted span.
const DELETED: u32 = 1 << 31;

/// The longest span: lengths use 31 bits.
pub(crate) const MAX_SPAN: u32 = DELETED - 1;

/// A run of elements adjacent in document order whose dots are consecutive counters of one
/// replica, all visible or all deleted. 16 bytes, whatever the run's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// Counter of the first element.
    pub(crate) counter: u64,
    /// The replica that inserted the elements.
    pub(crate) replica: ReplicaIndex,
    /// Length in elements, with [`DELETED`] as a flag.
    word: u32,
}

impl Span {
    /// A span of `length` elements from `first`.
    pub(crate) fn new(first: Dot, length: u32, deleted: bool) -> Self {
        debug_assert!(length > 0 && length <= MAX_SPAN);
        Self {
            counter: first.counter,
            replica: first.replica,
            word: length | if deleted { DELETED } else { 0 },
        }
    }

    /// How many elements.
    pub(crate) fn len(&self) -> u32 {
        self.word & MAX_SPAN
    }

    /// Whether the elements are deleted.
    pub(crate) fn is_deleted(&self) -> bool {
        self.word & DELETED != 0
    }

    /// How many visible elements (0 or the length).
    pub(crate) fn visible(&self) -> u32 {
        if self.is_deleted() { 0 } else { self.len() }
    }

    /// The dot of element `offset`.
    pub(crate) fn dot(&self, offset: u32) -> Dot {
        Dot::new(self.replica, self.counter + u64::from(offset))
    }

    /// The counter after the last element.
    pub(crate) fn end(&self) -> u64 {
        self.counter + u64::from(self.len())
    }

    /// The offset of `dot` in the span, if it holds it.
    pub(crate) fn offset_of(&self, dot: Dot) -> Option<u32> {
        (dot.replica == self.replica && dot.counter >= self.counter && dot.counter < self.end())
            .then(|| (dot.counter - self.counter) as u32)
    }

    /// Sets the length, keeping the flag.
    pub(crate) fn set_len(&mut self, length: u32) {
        debug_assert!(length > 0 && length <= MAX_SPAN);
        self.word = (self.word & DELETED) | length;
    }

    /// Marks the span deleted.
    pub(crate) fn set_deleted(&mut self) {
        self.word |= DELETED;
    }

    /// Cuts the span at `at` (0 < at < len): `self` keeps the front, the back is returned.
    pub(crate) fn split(&mut self, at: u32) -> Self {
        debug_assert!(at > 0 && at < self.len());
        let back = Self {
            counter: self.counter + u64::from(at),
            replica: self.replica,
            word: (self.word & DELETED) | (self.len() - at),
        };
        self.set_len(at);
        back
    }

    /// Whether `next` continues this span: same replica, next counters, same state.
    pub(crate) fn continues_into(&self, next: &Self) -> bool {
        self.replica == next.replica
            && self.end() == next.counter
            && self.is_deleted() == next.is_deleted()
            && u64::from(self.len()) + u64::from(next.len()) <= u64::from(MAX_SPAN)
    }
}

/// What a node of the order tree holds: elements (deleted ones included), visible elements,
/// and the visible content measured in UTF-16 code units and UTF-8 bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Elements, deleted ones included.
    pub(crate) items: u64,
    /// Visible elements (Unicode scalar values for text).
    pub(crate) chars: u64,
    /// Visible content in UTF-16 code units.
    pub(crate) utf16: u64,
    /// Visible content in UTF-8 bytes.
    pub(crate) utf8: u64,
}

impl Summary {
    /// Adds `other`.
    pub(crate) fn add(&mut self, other: &Self) {
        self.items += other.items;
        self.chars += other.chars;
        self.utf16 += other.utf16;
        self.utf8 += other.utf8;
    }

    /// Subtracts `other` (which must be contained in `self`).
    pub(crate) fn subtract(&mut self, other: &Self) {
        self.items -= other.items;
        self.chars -= other.chars;
        self.utf16 -= other.utf16;
        self.utf8 -= other.utf8;
    }

    /// The measure of `metric`.
    pub(crate) fn get(&self, metric: Metric) -> u64 {
        match metric {
            Metric::Items => self.items,
            Metric::Chars => self.chars,
            Metric::Utf16 => self.utf16,
            Metric::Utf8 => self.utf8,
        }
    }
}

/// A way of counting positions in the sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Metric {
    /// Elements, deleted ones included (document order).
    Items,
    /// Visible elements: Unicode scalar values for text, elements for lists.
    Chars,
    /// UTF-16 code units of visible text.
    Utf16,
    /// UTF-8 bytes of visible text.
    Utf8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_continue() {
        let mut span = Span::new(Dot::new(ReplicaIndex(2), 10), 5, false);
        let back = span.split(2);
        assert_eq!((span.len(), back.len(), back.counter), (2, 3, 12));
        assert!(span.continues_into(&back));
        let mut deleted = back;
        deleted.set_deleted();
        assert!(!span.continues_into(&deleted));
        assert_eq!(deleted.visible(), 0);
        assert_eq!(span.offset_of(Dot::new(ReplicaIndex(2), 11)), Some(1));
        assert_eq!(span.offset_of(Dot::new(ReplicaIndex(2), 12)), None);
    }
}
