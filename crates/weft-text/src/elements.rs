//! Element identities by range: which elements a range of a sequence shows, and where a run of
//! elements is now, visible or deleted. What an undo manager needs to undo an insertion (delete
//! the elements it made that are still there) or a deletion (insert again where the deleted
//! elements stood, which tombstones still mark).

use std::ops::Range;

use weft_core::store::Value;
use weft_core::{Dot, ReplicaIndex};

use crate::cursor::{CursorError, ElementId};
use crate::element::Content;
use crate::error::PositionError;
use crate::list::List;
use crate::sequence::Sequence;
use crate::span::Metric;
use crate::text::Text;
use crate::tree::Location;

/// Consecutive elements inserted by one replica: the changes `first.counter ..
/// first.counter + length` of `first.replica`, in the sequence's order.
///
/// ```
/// use weft_core::ReplicaId;
/// use weft_text::{ElementId, ElementRun};
/// let run = ElementRun { first: ElementId { replica: ReplicaId::from_u128(1), counter: 4 }, length: 3 };
/// assert_eq!(run.element(2).counter, 6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ElementRun {
    /// The first element.
    pub first: ElementId,
    /// How many elements (at least 1).
    pub length: u64,
}

impl ElementRun {
    /// The element at `offset` in the run.
    ///
    /// ```
    /// use weft_core::ReplicaId;
    /// use weft_text::{ElementId, ElementRun};
    /// let first = ElementId { replica: ReplicaId::from_u128(1), counter: 9 };
    /// assert_eq!(ElementRun { first, length: 1 }.element(0), first);
    /// ```
    #[must_use]
    pub fn element(&self, offset: u64) -> ElementId {
        ElementId {
            replica: self.first.replica,
            counter: self.first.counter + offset,
        }
    }
}

/// Where part of an [`ElementRun`] stands now: `length` elements from the run's `offset`, all
/// visible or all deleted, the first of them at visible index `index` (for deleted elements,
/// the number of visible elements before them).
///
/// ```
/// use weft_text::Placed;
/// let placed = Placed { offset: 0, length: 2, index: 5, visible: true };
/// assert!(placed.visible);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    /// The offset in the run of the first element.
    pub offset: u64,
    /// How many elements.
    pub length: u64,
    /// The visible index of the first (visible) or of where they stand (deleted).
    pub index: u64,
    /// Whether they are visible.
    pub visible: bool,
}

impl<C: Content> Sequence<C> {
    /// The runs of the visible elements at `range`: O(log n + spans covered).
    fn element_runs(&self, range: Range<u64>) -> Result<Vec<ElementRun>, CursorError> {
        let length = self.len();
        if range.start > range.end {
            return Err(PositionError::Reversed {
                start: range.start,
                end: range.end,
            }
            .into());
        }
        if range.end > length {
            return Err(PositionError::OutOfRange {
                position: range.end,
                length,
            }
            .into());
        }
        let mut runs: Vec<ElementRun> = Vec::new();
        if range.is_empty() {
            return Ok(runs);
        }
        let location = self.tree.find(Metric::Chars, range.start);
        let mut remaining = range.end - range.start;
        let mut leaf = location.leaf;
        let mut span_index = location.span;
        let mut offset = location.offset;
        while remaining > 0 {
            let spans = &self.tree.leaf(leaf).spans;
            if span_index >= spans.len() {
                leaf = self.tree.next_leaf(leaf).ok_or(PositionError::OutOfRange {
                    position: range.end,
                    length,
                })?;
                span_index = 0;
                offset = 0;
                continue;
            }
            let span = spans[span_index];
            span_index += 1;
            if span.is_deleted() {
                offset = 0;
                continue;
            }
            let taken = u64::from(span.len() - offset).min(remaining);
            let dot = span.dot(offset);
            offset = 0;
            remaining -= taken;
            let first = ElementId {
                replica: self.replica_name(dot.replica)?,
                counter: dot.counter,
            };
            match runs.last_mut() {
                Some(last)
                    if last.first.replica == first.replica
                        && last.first.counter + last.length == first.counter =>
                {
                    last.length += taken;
                }
                _ => runs.push(ElementRun {
                    first,
                    length: taken,
                }),
            }
        }
        Ok(runs)
    }

    /// Where the elements of `run` stand now, in pieces of equal visibility: O(log n + r) per
    /// piece for r replicas.
    fn place_run(&self, run: &ElementRun) -> Result<Vec<Placed>, CursorError> {
        let mut pieces = Vec::new();
        let mut offset = 0;
        while offset < run.length {
            let location = self.locate_element(run.element(offset))?;
            let span = self.tree.span(location);
            let length = u64::from(span.len() - location.offset).min(run.length - offset);
            pieces.push(Placed {
                offset,
                length,
                index: self.tree.visible_index(location),
                visible: !span.is_deleted(),
            });
            offset += length;
        }
        Ok(pieces)
    }

    /// The dot of `element` here.
    pub(crate) fn dot_of(&self, element: ElementId) -> Result<Dot, CursorError> {
        let location = self.locate_element(element)?;
        Ok(self.tree.span(location).dot(location.offset))
    }

    /// Where `element` is in the order tree: O(r) to find the slot of its replica among the r
    /// replicas the sequence names, plus O(log n) through the identity index.
    pub(crate) fn locate_element(&self, element: ElementId) -> Result<Location, CursorError> {
        let unknown = CursorError::UnknownElement { element };
        let slot = self
            .names
            .iter()
            .position(|name| *name == Some(element.replica))
            .ok_or(unknown)?;
        let replica = ReplicaIndex(u32::try_from(slot).map_err(|_| unknown)?);
        self.tree
            .locate(Dot::new(replica, element.counter))
            .ok_or(unknown)
    }

    fn replica_name(&self, replica: ReplicaIndex) -> Result<weft_core::ReplicaId, CursorError> {
        self.names
            .get(replica.as_usize())
            .copied()
            .flatten()
            .ok_or(CursorError::UnnamedReplica)
    }
}

impl Text {
    /// The runs of elements showing the characters `range` (scalar indices), in order.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "hello")).unwrap();
    /// let runs = text.element_runs(1..4).unwrap();
    /// assert_eq!(runs.len(), 1);
    /// assert_eq!(runs[0].length, 3);
    /// ```
    ///
    /// # Errors
    /// [`CursorError::Position`] if the range is reversed or passes the end.
    pub fn element_runs(&self, range: Range<usize>) -> Result<Vec<ElementRun>, CursorError> {
        self.0.element_runs(range.start as u64..range.end as u64)
    }

    /// Where the elements of `run` are now, visible or deleted (scalar indices).
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{Text, TextEditor};
    /// let mut text = Replica::<Text>::new(ReplicaId::random());
    /// text.edit(|t| t.insert(0, "abc")).unwrap();
    /// let run = text.element_runs(0..3).unwrap()[0];
    /// text.edit(|t| t.delete(1..2)).unwrap();
    /// let placed = text.place(&run).unwrap();
    /// assert_eq!(placed.iter().map(|p| (p.length, p.visible)).collect::<Vec<_>>(),
    ///            [(1, true), (1, false), (1, true)]);
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if the text does not hold an element of the run.
    pub fn place(&self, run: &ElementRun) -> Result<Vec<Placed>, CursorError> {
        self.0.place_run(run)
    }
}

impl<T: Value> List<T> {
    /// The runs of the elements at `range`, in order.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{List, ListEditor};
    /// let mut list = Replica::<List<u8>>::new(ReplicaId::random());
    /// list.edit(|l| l.insert_all(0, [1, 2, 3]).unwrap());
    /// assert_eq!(list.element_runs(0..3).unwrap()[0].length, 3);
    /// ```
    ///
    /// # Errors
    /// [`CursorError::Position`] if the range is reversed or passes the end.
    pub fn element_runs(&self, range: Range<usize>) -> Result<Vec<ElementRun>, CursorError> {
        self.0.element_runs(range.start as u64..range.end as u64)
    }

    /// Where the elements of `run` are now, visible or deleted.
    ///
    /// ```
    /// use weft_core::{Replica, ReplicaId};
    /// use weft_text::{List, ListEditor};
    /// let mut list = Replica::<List<u8>>::new(ReplicaId::random());
    /// list.edit(|l| l.insert_all(0, [1, 2]).unwrap());
    /// let run = list.element_runs(0..2).unwrap()[0];
    /// list.edit(|l| l.insert(0, 0).unwrap());
    /// assert_eq!(list.place(&run).unwrap()[0].index, 1);
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if the list does not hold an element of the run.
    pub fn place(&self, run: &ElementRun) -> Result<Vec<Placed>, CursorError> {
        self.0.place_run(run)
    }
}
