//! What a received fragment changes, as retain / insert / delete runs: read from the fragment
//! and the order tree before and after the join, never by comparing contents.
//!
//! Before the join, [`Sequence::incoming`] lists the elements the fragment inserts that this
//! replica lacks and the visible elements it deletes. After the join,
//! [`Sequence::splices`] finds each of them in the tree (one index lookup per run piece) and
//! orders them into runs over the sequence as it was: cost O(runs · log n), whatever the
//! length of the sequence.

use weft_core::{Dot, ReplicaId, ReplicaTable};

use crate::element::Content;
use crate::history::Run;
use crate::sequence::Sequence;
use crate::span::Metric;
use crate::tree::Location;

/// What a fragment will change, read before it is joined. Replicas are named by id, so it
/// stays valid while the join adds replicas to the table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Incoming<C> {
    /// Element runs the fragment inserts that this replica does not hold:
    /// `(replica, first counter, length)`.
    inserted: Vec<(ReplicaId, u64, u32)>,
    /// Visible element runs the fragment deletes, with their content: `(replica, first
    /// counter, content)`.
    deleted: Vec<(ReplicaId, u64, C)>,
    /// Mark operations the fragment carries that this replica does not hold:
    /// `(replica, counter)`.
    pub(crate) marked: Vec<(ReplicaId, u64)>,
}

impl<C> Default for Incoming<C> {
    fn default() -> Self {
        Self {
            inserted: Vec::new(),
            deleted: Vec::new(),
            marked: Vec::new(),
        }
    }
}

impl<C> Incoming<C> {
    /// Whether the fragment changes nothing visible here (as far as can be told before the
    /// join: new elements may still turn out deleted).
    pub(crate) fn is_empty(&self) -> bool {
        self.inserted.is_empty() && self.deleted.is_empty() && self.marked.is_empty()
    }
}

/// One run of a change to a sequence, read left to right over the sequence as it was: keep
/// `Retain` elements, insert the `Insert` content, remove the `Delete` content.
///
/// ```
/// use weft_text::Splice;
/// let typed: Splice<String> = Splice::Insert("hi".into());
/// assert_ne!(typed, Splice::Retain(2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Splice<T> {
    /// This many elements kept (visible before and after).
    Retain(usize),
    /// Elements inserted here.
    Insert(T),
    /// Elements removed here (what they held).
    Delete(T),
}

/// A piece of a change found in the tree after the join.
struct Piece<C> {
    /// Position among all elements, deleted ones included (a total order of both kinds).
    order: u64,
    /// Visible elements before it after the join.
    visible_before: u64,
    change: PieceChange<C>,
}

enum PieceChange<C> {
    Insert(C),
    Delete(C),
}

impl<C: Content> Sequence<C> {
    /// The runs of `fragment` (named by `replicas`, the fragment's table) that insert elements
    /// this sequence lacks or delete elements it shows, read before the join.
    pub(crate) fn incoming(
        &self,
        fragment: &Self,
        replicas: &[ReplicaId],
        table: &ReplicaTable,
    ) -> Incoming<C> {
        let mut incoming = Incoming::default();
        let mut runs = if fragment.tree.is_empty() {
            Vec::new()
        } else {
            Self::runs_of(
                &fragment.tree,
                &fragment.history,
                &weft_core::Clock::default(),
            )
        };
        runs.extend(fragment.loose.iter().cloned());
        for op in fragment.marks.iter() {
            let Some(&author) = replicas.get(op.dot.replica.as_usize()) else {
                continue;
            };
            let held = table
                .index(author)
                .is_some_and(|index| self.marks.contains(Dot::new(index, op.dot.counter)));
            if !held {
                incoming.marked.push((author, op.dot.counter));
            }
        }
        for loose in runs {
            let Some(&author) = replicas.get(loose.replica.as_usize()) else {
                continue;
            };
            match loose.run {
                Run::Insert { counter, len, .. } => {
                    self.unknown_pieces(author, counter, len, table, &mut incoming.inserted);
                }
                Run::Delete {
                    len,
                    target,
                    backward,
                    ..
                } => {
                    let Some(&owner) = replicas.get(target.replica.as_usize()) else {
                        continue;
                    };
                    let first = if backward {
                        target
                            .counter
                            .saturating_add(1)
                            .saturating_sub(u64::from(len))
                    } else {
                        target.counter
                    };
                    self.visible_pieces(owner, first, len, table, &mut incoming.deleted);
                }
            }
        }
        incoming
    }

    /// Pushes the parts of `first..first + len` of `replica` that the tree does not hold.
    fn unknown_pieces(
        &self,
        replica: ReplicaId,
        first: u64,
        len: u32,
        table: &ReplicaTable,
        out: &mut Vec<(ReplicaId, u64, u32)>,
    ) {
        let Some(index) = table.index(replica) else {
            out.push((replica, first, len));
            return;
        };
        let mut offset = 0u32;
        while offset < len {
            let dot = Dot::new(index, first + u64::from(offset));
            match self.tree.locate(dot) {
                Some(location) => {
                    let span = self.tree.span(location);
                    offset += (span.len() - location.offset).min(len - offset);
                }
                None => {
                    // Counters of one replica not in the tree: up to the next held one.
                    let mut end = offset + 1;
                    while end < len
                        && self
                            .tree
                            .locate(Dot::new(index, first + u64::from(end)))
                            .is_none()
                    {
                        end += 1;
                    }
                    out.push((replica, first + u64::from(offset), end - offset));
                    offset = end;
                }
            }
        }
    }

    /// Pushes the visible parts of `first..first + len` of `replica`, with their content.
    fn visible_pieces(
        &self,
        replica: ReplicaId,
        first: u64,
        len: u32,
        table: &ReplicaTable,
        out: &mut Vec<(ReplicaId, u64, C)>,
    ) {
        let Some(index) = table.index(replica) else {
            return;
        };
        let mut offset = 0u32;
        while offset < len {
            let counter = first + u64::from(offset);
            let Some(location) = self.tree.locate(Dot::new(index, counter)) else {
                offset += 1;
                continue;
            };
            let span = self.tree.span(location);
            let piece = (span.len() - location.offset).min(len - offset);
            if !span.is_deleted() {
                let content = C::from_slice(self.tree.content_of(location, piece), piece as usize);
                out.push((replica, counter, content));
            }
            offset += piece;
        }
    }

    /// The change `incoming` (read before the join) made, as runs over the sequence as it
    /// was, read after the join. Each run carries its UTF-16 width beside it.
    pub(crate) fn splices(
        &self,
        incoming: &Incoming<C>,
        table: &ReplicaTable,
    ) -> Vec<(Splice<C>, u64)> {
        let mut pieces: Vec<Piece<C>> = Vec::new();
        for &(replica, first, len) in &incoming.inserted {
            let Some(index) = table.index(replica) else {
                continue;
            };
            self.each_piece(
                Dot::new(index, first),
                len,
                |location, _, piece, visible| {
                    if visible {
                        let content =
                            C::from_slice(self.tree.content_of(location, piece), piece as usize);
                        pieces.push(self.piece(location, PieceChange::Insert(content)));
                    }
                },
            );
        }
        for (replica, first, content) in &incoming.deleted {
            let Some(index) = table.index(*replica) else {
                continue;
            };
            let len = content.len() as u32;
            self.each_piece(
                Dot::new(index, *first),
                len,
                |location, offset, piece, visible| {
                    if !visible {
                        let range = offset as usize..(offset + piece) as usize;
                        let gone = C::from_slice(content.slice(range), piece as usize);
                        pieces.push(self.piece(location, PieceChange::Delete(gone)));
                    }
                },
            );
        }
        weft_core::sorting::sort_by_key(&mut pieces, |piece| u128::from(piece.order));
        let mut runs: Vec<(Splice<C>, u64)> = Vec::new();
        let mut consumed = 0u64;
        for piece in pieces {
            let gap = piece.visible_before.saturating_sub(consumed);
            if gap > 0 {
                let from = self.tree.chars_to_metric(Metric::Utf16, consumed);
                let to = self
                    .tree
                    .chars_to_metric(Metric::Utf16, piece.visible_before);
                push_run(&mut runs, Splice::Retain(gap as usize), to - from);
                consumed = piece.visible_before;
            }
            match piece.change {
                PieceChange::Insert(content) => {
                    consumed += content.len() as u64;
                    let (utf16, _) = C::widths(content.as_slice());
                    push_run(&mut runs, Splice::Insert(content), utf16);
                }
                PieceChange::Delete(content) => {
                    let (utf16, _) = C::widths(content.as_slice());
                    push_run(&mut runs, Splice::Delete(content), utf16);
                }
            }
        }
        runs
    }

    fn piece(&self, location: Location, change: PieceChange<C>) -> Piece<C> {
        Piece {
            order: self.tree.doc_index(location),
            visible_before: self.tree.visible_index(location),
            change,
        }
    }

    /// Calls `visit(location, offset in the run, length, visible)` for each span piece of
    /// `first..first + len` held in the tree.
    fn each_piece(&self, first: Dot, len: u32, mut visit: impl FnMut(Location, u32, u32, bool)) {
        let mut offset = 0u32;
        while offset < len {
            let dot = Dot::new(first.replica, first.counter + u64::from(offset));
            let Some(location) = self.tree.locate(dot) else {
                offset += 1;
                continue;
            };
            let span = self.tree.span(location);
            let piece = (span.len() - location.offset).min(len - offset);
            visit(location, offset, piece, !span.is_deleted());
            offset += piece;
        }
    }
}

/// Appends `run`, merging it into the last run of the same kind.
fn push_run<C: Content>(runs: &mut Vec<(Splice<C>, u64)>, run: Splice<C>, width: u64) {
    if let Some((last, last_width)) = runs.last_mut() {
        let merged = match (last, &run) {
            (Splice::Retain(kept), Splice::Retain(more)) => {
                *kept += more;
                true
            }
            (Splice::Delete(gone), Splice::Delete(more)) => {
                let at = gone.len();
                gone.insert(at, more.as_slice(), more.len());
                true
            }
            (Splice::Insert(content), Splice::Insert(more)) => {
                let at = content.len();
                content.insert(at, more.as_slice(), more.len());
                true
            }
            _ => false,
        };
        if merged {
            *last_width += width;
            return;
        }
    }
    runs.push((run, width));
}
