//! Where a mark starts and ends: just before or just after a character (which stays in the
//! order as a tombstone once deleted), or the text's start or end.

use weft_core::Dot;

use crate::cursor::{Cursor, ElementId, Side};
use crate::element::Content;
use crate::marks::Expand;
use crate::sequence::Sequence;
use crate::span::Metric;

/// A mark's boundary in the order of all elements, deleted ones included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Before every element.
    Start,
    /// After every element.
    End,
    /// Just before the element.
    Before(Dot),
    /// Just after the element.
    After(Dot),
}

impl Anchor {
    /// The element the anchor names, if any.
    pub(crate) fn dot(self) -> Option<Dot> {
        match self {
            Self::Start | Self::End => None,
            Self::Before(dot) | Self::After(dot) => Some(dot),
        }
    }

    /// The anchor with its element renamed by `rename`.
    pub(crate) fn map_dot(self, rename: impl Fn(Dot) -> Dot) -> Self {
        match self {
            Self::Start | Self::End => self,
            Self::Before(dot) => Self::Before(rename(dot)),
            Self::After(dot) => Self::After(rename(dot)),
        }
    }
}

impl<C: Content> Sequence<C> {
    /// The dot of the visible element at `index` (below the length).
    fn visible_dot(&self, index: u64) -> Dot {
        let location = self.tree.find(Metric::Chars, index);
        self.tree.span(location).dot(location.offset)
    }

    /// The anchors of a mark over the visible elements `start..end` (not empty, within the
    /// length) under the expand rule `expand`.
    pub(crate) fn anchors(&self, start: u64, end: u64, expand: Expand) -> (Anchor, Anchor) {
        let length = self.len();
        let before_first = || Anchor::Before(self.visible_dot(start));
        let after_previous = || {
            if start == 0 {
                Anchor::Start
            } else {
                Anchor::After(self.visible_dot(start - 1))
            }
        };
        let after_last = || Anchor::After(self.visible_dot(end - 1));
        let before_next = || {
            if end == length {
                Anchor::End
            } else {
                Anchor::Before(self.visible_dot(end))
            }
        };
        match expand {
            Expand::After => (before_first(), before_next()),
            Expand::None => (before_first(), after_last()),
            Expand::Before => (after_previous(), after_last()),
            Expand::Both => (after_previous(), before_next()),
        }
    }

    /// The visible index `anchor` stands at (the visible elements before it), or `None` if
    /// its element is not in the order tree (yet).
    pub(crate) fn boundary(&self, anchor: Anchor) -> Option<u64> {
        let (dot, after) = match anchor {
            Anchor::Start => return Some(0),
            Anchor::End => return Some(self.len()),
            Anchor::Before(dot) => (dot, false),
            Anchor::After(dot) => (dot, true),
        };
        let location = self.tree.locate(dot)?;
        let before = self.tree.visible_index(location);
        let shown = !self.tree.span(location).is_deleted();
        Some(before + u64::from(after && shown))
    }

    /// `anchor` as a [`Cursor`] (replicas named by id), or `None` if its replica is unnamed.
    pub(crate) fn anchor_cursor(&self, anchor: Anchor) -> Option<Cursor> {
        let (dot, side) = match anchor {
            Anchor::Start => return Some(Cursor::Start),
            Anchor::End => return Some(Cursor::End),
            Anchor::Before(dot) => (dot, Side::Before),
            Anchor::After(dot) => (dot, Side::After),
        };
        let replica = self.names.get(dot.replica.as_usize()).copied().flatten()?;
        Some(Cursor::Element {
            element: ElementId {
                replica,
                counter: dot.counter,
            },
            side,
        })
    }
}
