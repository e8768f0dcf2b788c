//! Stable cursors: positions anchored to an element of a [`List`](crate::List) or
//! [`Text`](crate::Text) (just before or just after it), or to the start or end of the
//! sequence, that resolve back to an index after any concurrent edit, also when their element
//! was deleted (deleted elements stay in the order tree as tombstones).
//!
//! The bytes form is in [`encoding`]; the JSON form is the type's serde implementation.

mod encoding;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use weft_core::ReplicaId;
use weft_core::store::Value;

use crate::element::Content;
use crate::error::PositionError;
use crate::list::List;
use crate::sequence::Sequence;
use crate::span::Metric;
use crate::text::Text;

/// The identity of one element of a sequence: the replica that inserted it and the number of
/// that change (its dot, named by the replica's id rather than a local index, so it means the
/// same on every replica).
///
/// ```
/// use weft_core::ReplicaId;
/// use weft_text::ElementId;
/// let element = ElementId { replica: ReplicaId::from_u128(7), counter: 3 };
/// assert_eq!(element.counter, 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementId {
    /// The replica that inserted the element.
    pub replica: ReplicaId,
    /// The change of that replica that inserted it (`1 ..= 2⁵³ − 1`).
    pub counter: u64,
}

/// Which side of its element a cursor sits on, and so which element anchors it.
///
/// * `Before`: the cursor sits just before the element at its index (the element to its
///   right). Text inserted exactly at the cursor goes before that element, so the cursor
///   moves right past it (it *sticks to the right*).
/// * `After`: the cursor sits just after the element before its index (the element to its
///   left). Text inserted exactly at the cursor goes after that element, so the cursor stays
///   before it (it *sticks to the left*; a caret that should not move when a peer types at it).
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{Side, Text, TextEditor};
/// let mut text = Replica::<Text>::new(ReplicaId::random());
/// text.edit(|t| t.insert(0, "ac")).unwrap();
/// let left = text.cursor_at(1, Side::After).unwrap();
/// let right = text.cursor_at(1, Side::Before).unwrap();
/// text.edit(|t| t.insert(1, "b")).unwrap();
/// assert_eq!(text.resolve_cursor(&left), Ok(1));
/// assert_eq!(text.resolve_cursor(&right), Ok(2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// Just before the element (anchored to the element at the index).
    Before,
    /// Just after the element (anchored to the element before the index).
    After,
}

/// A stable position in a [`List`](crate::List) or [`Text`](crate::Text): created from an
/// index with `cursor_at`, resolved back to an index with `resolve_cursor` after any edits,
/// local or concurrent, on any replica that holds its element.
///
/// * Anchored to an element that is still there, it resolves just before the element
///   ([`Side::Before`]) or just after it ([`Side::After`]).
/// * Anchored to an element that was deleted, it resolves to where the element would be:
///   the index of the first surviving element after it (the number of visible elements
///   before it), whichever the side.
/// * [`Cursor::Start`] always resolves to 0 and [`Cursor::End`] to the length: `cursor_at`
///   gives them for index 0 with [`Side::After`] and for the length with [`Side::Before`]
///   (no element there to anchor to).
///
/// Sent as bytes ([`Cursor::to_bytes`], 3 to 27 bytes, specified in `docs/FORMAT.md`) or as
/// JSON (serde): `{"anchor":"start"}`, `{"anchor":"end"}` or
/// `{"anchor":"element","replica":"<uuid>","counter":5,"side":"after"}`.
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{Cursor, Side, Text, TextEditor};
/// let mut alice = Replica::<Text>::new(ReplicaId::random());
/// let mut bob = Replica::<Text>::new(ReplicaId::random());
/// bob.apply(&alice.update(|t| t.insert(0, "Hello world").unwrap()));
/// // Bob's caret after "Hello", sent to Alice as bytes.
/// let caret = Cursor::from_bytes(&bob.cursor_at(5, Side::After).unwrap().to_bytes()).unwrap();
/// alice.apply(&bob.update(|t| t.insert(0, ">> ").unwrap()));
/// assert_eq!(alice.resolve_cursor(&caret), Ok(8));
/// // Deleting "o" (the anchor) leaves the caret where the "o" was.
/// alice.update(|t| t.delete(7..8).unwrap());
/// assert_eq!(alice.resolve_cursor(&caret), Ok(7));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "encoding::CursorJson", try_from = "encoding::CursorJson")]
pub enum Cursor {
    /// The start of the sequence: always index 0.
    Start,
    /// The end of the sequence: always its length.
    End,
    /// Beside an element.
    Element {
        /// The element the cursor is anchored to.
        element: ElementId,
        /// Which side of it the cursor sits on.
        side: Side,
    },
}

/// Why a cursor could not be made or resolved.
///
/// ```
/// use weft_core::{Replica, ReplicaId};
/// use weft_text::{Cursor, CursorError, ElementId, Side, Text};
/// let text = Replica::<Text>::new(ReplicaId::random());
/// let element = ElementId { replica: ReplicaId::from_u128(9), counter: 1 };
/// let cursor = Cursor::Element { element, side: Side::Before };
/// assert_eq!(text.resolve_cursor(&cursor), Err(CursorError::UnknownElement { element }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CursorError {
    /// The index given to `cursor_at` is past the end or inside a character.
    #[error(transparent)]
    Position(#[from] PositionError),
    /// This replica does not hold the cursor's element: it was made on a replica that holds
    /// changes not received here yet (resolve again after syncing), or it belongs to another
    /// sequence.
    #[error("element {}:{} is not in this sequence", .element.replica, .element.counter)]
    UnknownElement {
        /// The element the cursor is anchored to.
        element: ElementId,
    },
    /// The sequence holds an element whose replica it cannot name. A store built by Weft
    /// names every replica it holds elements of (the order of concurrent inserts depends on
    /// it), so this means the store is corrupt.
    #[error("the sequence holds an element of a replica it cannot name")]
    UnnamedReplica,
}

impl<C: Content> Sequence<C> {
    /// A cursor at visible index `index` on side `side`: one descent of the tree, O(log n).
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end; [`CursorError::UnnamedReplica`] if the
    /// store is corrupt.
    pub(crate) fn cursor_at(&self, index: u64, side: Side) -> Result<Cursor, CursorError> {
        let length = self.len();
        if index > length {
            return Err(PositionError::OutOfRange {
                position: index,
                length,
            }
            .into());
        }
        let anchor = match side {
            Side::Before if index == length => return Ok(Cursor::End),
            Side::After if index == 0 => return Ok(Cursor::Start),
            Side::Before => index,
            Side::After => index - 1,
        };
        let location = self.tree.find(Metric::Chars, anchor);
        let dot = self.tree.span(location).dot(location.offset);
        let replica = self
            .names
            .get(dot.replica.as_usize())
            .copied()
            .flatten()
            .ok_or(CursorError::UnnamedReplica)?;
        let element = ElementId {
            replica,
            counter: dot.counter,
        };
        Ok(Cursor::Element { element, side })
    }

    /// The visible index `cursor` stands for: O(log n) to find the element through the
    /// identity index (built on the first use, O(n) once) plus O(r) to find the slot of its
    /// replica among the r replicas the sequence names.
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if the sequence does not hold the element.
    pub(crate) fn resolve_cursor(&self, cursor: &Cursor) -> Result<u64, CursorError> {
        let (element, side) = match *cursor {
            Cursor::Start => return Ok(0),
            Cursor::End => return Ok(self.len()),
            Cursor::Element { element, side } => (element, side),
        };
        let location = self.locate_element(element)?;
        let before = self.tree.visible_index(location);
        let shown = !self.tree.span(location).is_deleted();
        Ok(before + u64::from(side == Side::After && shown))
    }

    /// [`Sequence::cursor_at`] with `index` in `metric`.
    ///
    /// # Errors
    /// As [`Sequence::metric_to_chars`] and [`Sequence::cursor_at`].
    pub(crate) fn cursor_at_metric(
        &self,
        metric: Metric,
        index: u64,
        side: Side,
    ) -> Result<Cursor, CursorError> {
        let chars = self.metric_to_chars(metric, index)?;
        self.cursor_at(chars, side)
    }

    /// [`Sequence::resolve_cursor`] measured in `metric`.
    ///
    /// # Errors
    /// As [`Sequence::resolve_cursor`].
    pub(crate) fn resolve_cursor_metric(
        &self,
        metric: Metric,
        cursor: &Cursor,
    ) -> Result<u64, CursorError> {
        let chars = self.resolve_cursor(cursor)?;
        Ok(self.chars_to_metric(metric, chars)?)
    }
}

impl Text {
    /// A cursor at scalar index `index`, on side `side` of it: O(log n).
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Cursor, Side, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "ab")).unwrap();
    /// assert_eq!(text.cursor_at(0, Side::After), Ok(Cursor::Start));
    /// assert_eq!(text.cursor_at(2, Side::Before), Ok(Cursor::End));
    /// assert!(text.cursor_at(3, Side::Before).is_err());
    /// ```
    ///
    /// # Errors
    /// [`CursorError::Position`] past the end.
    pub fn cursor_at(&self, index: usize, side: Side) -> Result<Cursor, CursorError> {
        self.0.cursor_at(index as u64, side)
    }

    /// A cursor at UTF-16 position `units` (a JavaScript string index): O(log n).
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Side, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "😀!")).unwrap();
    /// let cursor = text.cursor_at_utf16(2, Side::Before).unwrap();
    /// assert_eq!(text.resolve_cursor(&cursor), Ok(1));
    /// assert!(text.cursor_at_utf16(1, Side::Before).is_err()); // inside the pair
    /// ```
    ///
    /// # Errors
    /// [`CursorError::Position`] past the end or inside a surrogate pair.
    pub fn cursor_at_utf16(&self, units: usize, side: Side) -> Result<Cursor, CursorError> {
        self.0.cursor_at_metric(Metric::Utf16, units as u64, side)
    }

    /// The scalar index `cursor` stands for now: O(log n + r) for r replicas.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Side, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "world")).unwrap();
    /// let cursor = text.cursor_at(0, Side::Before).unwrap();
    /// text.edit(|t| t.insert(0, "hello ")).unwrap();
    /// assert_eq!(text.resolve_cursor(&cursor), Ok(6));
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if this text does not hold the cursor's element.
    pub fn resolve_cursor(&self, cursor: &Cursor) -> Result<usize, CursorError> {
        self.0.resolve_cursor(cursor).map(|index| index as usize)
    }

    /// The UTF-16 position `cursor` stands for now: O(log n + r) for r replicas.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Side, Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "!")).unwrap();
    /// let cursor = text.cursor_at(0, Side::Before).unwrap();
    /// text.edit(|t| t.insert(0, "😀")).unwrap();
    /// assert_eq!(text.resolve_cursor_utf16(&cursor), Ok(2));
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if this text does not hold the cursor's element.
    pub fn resolve_cursor_utf16(&self, cursor: &Cursor) -> Result<usize, CursorError> {
        self.0
            .resolve_cursor_metric(Metric::Utf16, cursor)
            .map(|units| units as usize)
    }
}

impl<T: Value> List<T> {
    /// A cursor at index `index`, on side `side` of it: O(log n).
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{List, ListEditor, Side};
    /// let mut list = Replica::<List<u32>>::new(ReplicaId::random());
    /// list.edit(|l| l.insert_all(0, [1, 3]).unwrap());
    /// let cursor = list.cursor_at(1, Side::Before).unwrap(); // before 3
    /// list.edit(|l| l.insert(1, 2).unwrap());
    /// assert_eq!(list.resolve_cursor(&cursor), Ok(2));
    /// ```
    ///
    /// # Errors
    /// [`CursorError::Position`] past the end.
    pub fn cursor_at(&self, index: usize, side: Side) -> Result<Cursor, CursorError> {
        self.0.cursor_at(index as u64, side)
    }

    /// The index `cursor` stands for now: O(log n + r) for r replicas.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{List, ListEditor, Side};
    /// let mut list = Replica::<List<u32>>::new(ReplicaId::random());
    /// list.edit(|l| l.insert_all(0, [1, 2, 3]).unwrap());
    /// let cursor = list.cursor_at(2, Side::After).unwrap(); // after 2
    /// list.edit(|l| l.delete(1..2).unwrap());
    /// assert_eq!(list.resolve_cursor(&cursor), Ok(1)); // where 2 was
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if this list does not hold the cursor's element.
    pub fn resolve_cursor(&self, cursor: &Cursor) -> Result<usize, CursorError> {
        self.0.resolve_cursor(cursor).map(|index| index as usize)
    }
}
