//! `Sequence<E>`: the state shared by `List` and `Text`: the order tree, the history and the
//! names of the replicas that inserted, plus the runs received before what they depend on.

use weft_core::{Dot, ReplicaId, ReplicaIndex, Transaction};

use crate::element::Content;
use crate::error::PositionError;
use crate::history::{History, NO_DOT, Run};
use crate::marks::MarkSet;
use crate::span::{MAX_SPAN, Metric, Span};
use crate::tree::{Found, Location, MAX_VISIBLE_SPAN, Tree};

/// A run carried by a delta (or waiting for what it depends on): an insert with its content,
/// or a deletion.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Loose<C> {
    /// The replica that made the run.
    pub(crate) replica: ReplicaIndex,
    /// The run.
    pub(crate) run: Run,
    /// For an insert: the content of the elements not listed in `gone`, in order.
    pub(crate) content: C,
    /// For an insert: `(offset, length)` of elements deleted before the run was sent, whose
    /// content is not carried (the deletions travel with it).
    pub(crate) gone: Vec<(u32, u32)>,
}

/// The state of a sequence (or a fragment of one: a delta holds only loose runs).
#[derive(Clone, Debug)]
pub(crate) struct Sequence<C> {
    pub(crate) tree: Tree<C>,
    pub(crate) history: History,
    pub(crate) loose: Vec<Loose<C>>,
    /// Per replica index, the id of the replica (used to order concurrent inserts the same
    /// way on every replica, whatever its table).
    pub(crate) names: Vec<Option<ReplicaId>>,
    /// Rich-text marks (texts only; empty, and allocating nothing, until the first mark).
    pub(crate) marks: MarkSet,
}

impl<C> Default for Sequence<C> {
    fn default() -> Self {
        Self {
            tree: Tree::default(),
            history: History::default(),
            loose: Vec::new(),
            names: Vec::new(),
            marks: MarkSet::default(),
        }
    }
}

/// Where a local insert goes and what it is inserted between.
pub(crate) struct Gap {
    pub(crate) location: Location,
    pub(crate) left: Dot,
    pub(crate) right: Dot,
    /// The span of `left` when `left` is the last element of its span.
    pub(crate) left_at_end: Option<Found>,
    /// The index in the leaf's content of the first visible element after the gap, when
    /// the gap was found by position (it costs nothing then).
    pub(crate) content: Option<usize>,
}

impl<C: Content> Sequence<C> {
    /// Visible elements.
    pub(crate) fn len(&self) -> u64 {
        self.tree.total().chars
    }

    /// Records the name of `replica`.
    pub(crate) fn name(&mut self, replica: ReplicaIndex, id: ReplicaId) {
        let slot = replica.as_usize();
        if self.names.len() <= slot {
            self.names.resize(slot + 1, None);
        }
        self.names[slot] = Some(id);
    }

    /// Makes sure this delta's context mentions the replica of `dot` (an origin or a target
    /// of a change by `me`), so that the delta's replica table names it: once per replica.
    pub(crate) fn declare(
        &mut self,
        dot: Dot,
        me: ReplicaIndex,
        names: &[Option<ReplicaId>],
        transaction: &mut Transaction,
    ) {
        if dot == NO_DOT || dot.replica == me || self.name_of(dot.replica).is_some() {
            return;
        }
        transaction.drop_dot(dot);
        if let Some(id) = names.get(dot.replica.as_usize()).copied().flatten() {
            self.name(dot.replica, id);
        }
    }

    pub(crate) fn name_of(&self, replica: ReplicaIndex) -> Option<ReplicaId> {
        self.names.get(replica.as_usize()).copied().flatten()
    }

    /// The visible content, leaf by leaf, in order.
    pub(crate) fn slices(&self) -> impl Iterator<Item = &C::Slice> + '_ {
        self.tree
            .leaves_in_order()
            .map(|leaf| leaf.content.as_slice())
    }

    /// The leaf content holding the visible element `index`, and the element's index in it.
    pub(crate) fn get(&self, index: u64) -> Option<(&C, usize)> {
        if index >= self.len() {
            return None;
        }
        let location = self.tree.find(Metric::Chars, index);
        let at = self.tree.content_index(location.leaf, location.span) + location.offset as usize;
        Some((&self.tree.leaf(location.leaf).content, at))
    }

    /// Converts a position in `metric` to visible elements.
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end, [`PositionError::NotOnBoundary`] inside
    /// a character.
    pub(crate) fn metric_to_chars(
        &self,
        metric: Metric,
        position: u64,
    ) -> Result<u64, PositionError> {
        let length = self.tree.total().get(metric);
        if position > length {
            return Err(PositionError::OutOfRange { position, length });
        }
        if metric == Metric::Chars {
            return Ok(position);
        }
        self.tree
            .metric_to_chars(metric, position)
            .ok_or(PositionError::NotOnBoundary { position })
    }

    /// Converts visible elements to a position in `metric`.
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end.
    pub(crate) fn chars_to_metric(&self, metric: Metric, chars: u64) -> Result<u64, PositionError> {
        let length = self.len();
        if chars > length {
            return Err(PositionError::OutOfRange {
                position: chars,
                length,
            });
        }
        Ok(if metric == Metric::Chars {
            chars
        } else {
            self.tree.chars_to_metric(metric, chars)
        })
    }

    /// Inserts `content` (`count` elements) at visible index `position` as changes of
    /// `transaction`, and records them in `delta` when given.
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] past the end; nothing changes then.
    pub(crate) fn insert_local(
        &mut self,
        transaction: &mut Transaction,
        position: u64,
        content: &C::Slice,
        count: usize,
        delta: Option<&mut Self>,
    ) -> Result<(), PositionError> {
        let length = self.len();
        if position > length {
            return Err(PositionError::OutOfRange { position, length });
        }
        if count == 0 {
            return Ok(());
        }
        let mut gap = self.gap_at(position);
        if !self.marks.is_empty()
            && let Some(past) = self.gap_past_mark_ends(&gap)
        {
            gap = past;
        }
        self.insert_in_gap(transaction, gap, position, content, count, delta);
        Ok(())
    }

    /// Inserts `content` (`count` elements) just before the element `before` — visible or
    /// deleted — as changes of `transaction`, and records them in `delta` when given. Returns
    /// the visible index of the first inserted element.
    pub(crate) fn insert_local_before(
        &mut self,
        transaction: &mut Transaction,
        before: Dot,
        content: &C::Slice,
        count: usize,
        delta: Option<&mut Self>,
    ) -> Option<u64> {
        let location = self.tree.locate(before)?;
        let position = self.tree.visible_index(location);
        if count == 0 {
            return Some(position);
        }
        let left = if location.offset > 0 {
            self.tree.span(location).dot(location.offset - 1)
        } else {
            match self.tree.doc_index(location).checked_sub(1) {
                Some(previous) => {
                    let found = self.tree.find(Metric::Items, previous);
                    self.tree.span(found).dot(found.offset)
                }
                None => NO_DOT,
            }
        };
        let gap = Gap {
            location,
            left,
            right: before,
            left_at_end: None,
            content: None,
        };
        self.insert_in_gap(transaction, gap, position, content, count, delta);
        Some(position)
    }

    /// Inserts `content` into `gap`, whose visible index is `position`.
    fn insert_in_gap(
        &mut self,
        transaction: &mut Transaction,
        gap: Gap,
        position: u64,
        content: &C::Slice,
        count: usize,
        delta: Option<&mut Self>,
    ) {
        let me = transaction.replica();
        if self.name_of(me).is_none() {
            self.name(me, transaction.id());
        }
        let first = transaction.next_dots(count as u64);
        let run = Run::Insert {
            counter: first.counter,
            len: count as u32,
            left: gap.left,
            right: gap.right,
        };
        if let Some(delta) = delta {
            // The delta names the replicas of its origins through its context (one dot of
            // each is enough; they are known to any replica that can apply it).
            for origin in [gap.left, gap.right] {
                delta.declare(origin, me, &self.names, transaction);
            }
            delta.name(me, transaction.id());
            delta.push_loose(Loose {
                replica: me,
                run,
                content: C::from_slice(content, count),
                gone: Vec::new(),
            });
        }
        if let Some(end) = &gap.left_at_end {
            let span = self.tree.span(end.location);
            let typing_on = span.replica == me
                && span.end() == first.counter
                && !span.is_deleted()
                && span.len() as usize + count <= MAX_VISIBLE_SPAN as usize
                && self
                    .history
                    .continue_insert(me, first.counter, gap.right, count as u32);
            if typing_on {
                self.tree.extend(end, content, count);
                return;
            }
        }
        if count <= MAX_VISIBLE_SPAN as usize {
            // One new span: straight into the tree, at the content index known from the
            // search when there is one.
            let span = Span::new(first, count as u32, false);
            let chars = Some(position);
            self.tree
                .insert(gap.location, span, content, count, chars, gap.content);
        } else {
            self.place(gap.location, first, content, &[], Some(position));
        }
        self.history.push(me, run);
    }

    /// Deletes `count` visible elements from visible index `position` as changes of
    /// `transaction`, recorded in `delta` when given.
    ///
    /// # Errors
    /// [`PositionError::OutOfRange`] if the range passes the end; nothing changes then.
    pub(crate) fn delete_local(
        &mut self,
        transaction: &mut Transaction,
        position: u64,
        count: u64,
        mut delta: Option<&mut Self>,
    ) -> Result<(), PositionError> {
        let length = self.len();
        let end = position.saturating_add(count);
        if end > length {
            return Err(PositionError::OutOfRange {
                position: end,
                length,
            });
        }
        if count == 0 {
            return Ok(());
        }
        let me = transaction.replica();
        let mut dot = transaction.next_dots(count).counter;
        let mut remaining = count;
        while remaining > 0 {
            let found = self.tree.find_visible(position);
            let span = self.tree.span(found.location);
            let target = span.dot(found.location.offset);
            let piece = remaining.min(u64::from(span.len() - found.location.offset)) as u32;
            self.tree.delete(found.location, piece, Some(&found));
            let run = Run::Delete {
                counter: dot,
                len: piece,
                target,
                backward: false,
            };
            self.history.push(me, run);
            if let Some(delta) = delta.as_deref_mut() {
                delta.declare(target, me, &self.names, transaction);
                delta.push_loose(Loose {
                    replica: me,
                    run,
                    content: C::default(),
                    gone: Vec::new(),
                });
            }
            dot += u64::from(piece);
            remaining -= u64::from(piece);
        }
        Ok(())
    }

    /// Where an insert at visible index `position` goes: after the visible element before it,
    /// before whatever (deleted or not) follows that element.
    fn gap_at(&self, position: u64) -> Gap {
        if position == 0 {
            let right = self.tree.first_dot().unwrap_or(NO_DOT);
            return Gap {
                location: Location {
                    leaf: 0,
                    span: 0,
                    offset: 0,
                },
                left: NO_DOT,
                right,
                left_at_end: None,
                content: Some(0),
            };
        }
        let found = self.tree.find_visible(position - 1);
        let mut gap = self.gap_after(found.location);
        gap.content = Some(found.content + found.location.offset as usize + 1);
        if gap.location.offset == 0 {
            // `left` ends its span: typing on may extend that span.
            gap.left_at_end = Some(found);
        }
        gap
    }

    /// The gap just after the element at `location` (visible or deleted), before whatever
    /// follows it.
    pub(crate) fn gap_after(&self, location: Location) -> Gap {
        let span = self.tree.span(location);
        let left = span.dot(location.offset);
        if location.offset + 1 < span.len() {
            let after = Location {
                offset: location.offset + 1,
                ..location
            };
            return Gap {
                location: after,
                left,
                right: span.dot(location.offset + 1),
                left_at_end: None,
                content: None,
            };
        }
        let leaf = self.tree.leaf(location.leaf);
        let after = Location {
            leaf: location.leaf,
            span: location.span + 1,
            offset: 0,
        };
        let right = match leaf.spans.get(location.span + 1) {
            Some(next) => next.dot(0),
            None => self
                .tree
                .next_leaf(location.leaf)
                .and_then(|next| self.tree.leaf(next).spans.first())
                .map_or(NO_DOT, |span| span.dot(0)),
        };
        Gap {
            location: after,
            left,
            right,
            left_at_end: None,
            content: None,
        }
    }

    /// Puts the elements `first..` with `content` (visible ones) at `location`, the elements
    /// listed in `gone` (sorted, disjoint `(offset, length)`) as deleted. `chars`, for a local
    /// insert, is the visible position of the first element.
    pub(crate) fn place(
        &mut self,
        mut location: Location,
        first: Dot,
        content: &C::Slice,
        gone: &[(u32, u32)],
        mut chars: Option<u64>,
    ) {
        let visible = C::count(content) as u64;
        let total = visible + gone.iter().map(|(_, len)| u64::from(*len)).sum::<u64>();
        let mut offset: u64 = 0;
        let mut rest = content;
        let mut gone_index = 0;
        while offset < total {
            let next_gone = gone
                .get(gone_index)
                .map(|(start, len)| (u64::from(*start), u64::from(*len)));
            let (length, deleted) = match next_gone {
                Some((start, len)) if start <= offset => {
                    let left = start + len - offset;
                    if left <= u64::from(MAX_SPAN) {
                        gone_index += 1;
                    }
                    (left.min(u64::from(MAX_SPAN)), true)
                }
                Some((start, _)) => ((start - offset).min(u64::from(MAX_VISIBLE_SPAN)), false),
                None => ((total - offset).min(u64::from(MAX_VISIBLE_SPAN)), false),
            };
            let dot = Dot::new(first.replica, first.counter + offset);
            let span = Span::new(dot, length as u32, deleted);
            let (piece, count) = if deleted {
                (C::split_slice(rest, 0).0, 0)
            } else {
                let (piece, tail) = C::split_slice(rest, length as usize);
                rest = tail;
                (piece, length as usize)
            };
            let placed = self.tree.insert(location, span, piece, count, chars, None);
            chars = chars.map(|chars| chars + count as u64);
            location = Location {
                leaf: placed.leaf,
                span: placed.span + 1,
                offset: 0,
            };
            offset += length;
        }
    }

    /// Adds a loose run, merged with the previous one when it continues it.
    pub(crate) fn push_loose(&mut self, loose: Loose<C>) {
        if let Some(last) = self.loose.last_mut()
            && last.replica == loose.replica
            && last.gone.is_empty()
            && loose.gone.is_empty()
        {
            let mut run = last.run;
            if run.absorb(loose.replica, &loose.run) {
                last.run = run;
                let at = last.content.len();
                last.content
                    .insert(at, loose.content.as_slice(), loose.content.len());
                return;
            }
        }
        self.loose.push(loose);
    }
}
