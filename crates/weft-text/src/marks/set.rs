//! `MarkSet`: the mark operations a text holds, a grow-only set keyed by dot.

use std::collections::BTreeMap;

use weft_core::sorting::{dot_key, sort_by_key};
use weft_core::{CausalContext, Clock, Dot, ReplicaIndex};

use crate::marks::{Anchor, MarkValue};

/// One mark operation: set `name` to `value` (or clear it, `None`) over the characters
/// between `start` and `end`, stamped with a Lamport time for last-writer-wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MarkOp {
    /// The operation's identity, from the text's counter space.
    pub(crate) dot: Dot,
    /// Its Lamport time.
    pub(crate) lamport: u64,
    /// Where it starts.
    pub(crate) start: Anchor,
    /// Where it ends.
    pub(crate) end: Anchor,
    /// The mark's name.
    pub(crate) name: Box<str>,
    /// The value, `None` to clear the mark.
    pub(crate) value: Option<MarkValue>,
}

/// The mark operations of a text, sorted by dot (replica index, then counter), each once.
/// Merging is the union, so it is idempotent, commutative and associative.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MarkSet {
    ops: Vec<MarkOp>,
    /// Every element an anchor of some op sits on, with the sides taken
    /// ([`BEFORE`] | [`AFTER`]): a function of `ops`, kept for inserts at mark boundaries.
    anchors: BTreeMap<(u32, u64), u8>,
}

/// An anchor just before the element.
pub(crate) const BEFORE: u8 = 1;
/// An anchor just after the element.
pub(crate) const AFTER: u8 = 2;

/// Records the anchors of `op` in `anchors`.
fn index(anchors: &mut BTreeMap<(u32, u64), u8>, op: &MarkOp) {
    for anchor in [op.start, op.end] {
        let (dot, side) = match anchor {
            Anchor::Before(dot) => (dot, BEFORE),
            Anchor::After(dot) => (dot, AFTER),
            Anchor::Start | Anchor::End => continue,
        };
        *anchors.entry(key(dot)).or_default() |= side;
    }
}

/// The anchor index of `ops`.
fn index_all(ops: &[MarkOp]) -> BTreeMap<(u32, u64), u8> {
    let mut anchors = BTreeMap::new();
    for op in ops {
        index(&mut anchors, op);
    }
    anchors
}

fn key(dot: Dot) -> (u32, u64) {
    (dot.replica.0, dot.counter)
}

impl MarkSet {
    /// The set of `ops` (sorted here; of two with one dot the first is kept).
    pub(crate) fn from_ops(mut ops: Vec<MarkOp>) -> Self {
        sort_by_key(&mut ops, |op| dot_key(op.dot));
        ops.dedup_by_key(|op| key(op.dot));
        let anchors = index_all(&ops);
        Self { ops, anchors }
    }

    /// Whether the set holds no operation.
    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// How many operations it holds.
    pub(crate) fn len(&self) -> usize {
        self.ops.len()
    }

    /// The operations, sorted by dot.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, MarkOp> {
        self.ops.iter()
    }

    /// Adds `op` unless an operation with its dot is held already. Returns whether it was
    /// added.
    pub(crate) fn insert(&mut self, op: MarkOp) -> bool {
        match self
            .ops
            .binary_search_by_key(&key(op.dot), |held| key(held.dot))
        {
            Ok(_) => false,
            Err(at) => {
                index(&mut self.anchors, &op);
                self.ops.insert(at, op);
                true
            }
        }
    }

    /// Adds every operation of `other` whose dot is outside `context` (what the receiver
    /// has seen: a dot it has seen is held already, or was another change).
    pub(crate) fn join(&mut self, context: &CausalContext, other: Self) {
        let fresh = other
            .ops
            .into_iter()
            .filter(|op| !context.includes_range(op.dot.replica, op.dot.counter, op.dot.counter));
        if self.ops.is_empty() {
            self.ops = fresh.collect();
            self.anchors = index_all(&self.ops);
            return;
        }
        for op in fresh {
            self.insert(op);
        }
    }

    /// Whether the set holds the operation `dot`.
    pub(crate) fn contains(&self, dot: Dot) -> bool {
        self.ops
            .binary_search_by_key(&key(dot), |held| key(held.dot))
            .is_ok()
    }

    /// The operations above `since`: O(replicas · log m + returned).
    pub(crate) fn since(&self, since: &Clock) -> Self {
        let mut ops = Vec::new();
        let mut at = 0;
        while at < self.ops.len() {
            let replica = self.ops[at].dot.replica;
            let group_end = at + self.ops[at..].partition_point(|op| op.dot.replica.0 <= replica.0);
            let seen = since.get(replica);
            let group = &self.ops[at..group_end];
            let first_unseen = group.partition_point(|op| op.dot.counter <= seen);
            ops.extend_from_slice(&group[first_unseen..]);
            at = group_end;
        }
        let anchors = index_all(&ops);
        Self { ops, anchors }
    }

    /// Renames replica `i` to `map[i]` in every dot and anchor.
    pub(crate) fn remap(&mut self, map: &[ReplicaIndex]) {
        if self.ops.is_empty() {
            return;
        }
        let rename = |dot: Dot| Dot::new(map[dot.replica.as_usize()], dot.counter);
        for op in &mut self.ops {
            op.dot = rename(op.dot);
            op.start = op.start.map_dot(rename);
            op.end = op.end.map_dot(rename);
        }
        sort_by_key(&mut self.ops, |op| dot_key(op.dot));
        self.anchors = index_all(&self.ops);
    }

    /// Calls `visit` with the operations' dots, consecutive counters of a replica as one run.
    /// The anchored elements of `replica` with counters in `first..first + len`, in counter
    /// order, with their sides ([`BEFORE`] | [`AFTER`]).
    pub(crate) fn anchors_in(
        &self,
        replica: ReplicaIndex,
        first: u64,
        len: u64,
    ) -> impl Iterator<Item = (u64, u8)> + '_ {
        self.anchors
            .range((replica.0, first)..(replica.0, first.saturating_add(len)))
            .map(|(&(_, counter), &sides)| (counter, sides))
    }

    pub(crate) fn visit_ranges(&self, visit: &mut dyn FnMut(ReplicaIndex, u64, u64)) {
        let mut run: Option<(ReplicaIndex, u64, u64)> = None;
        for op in &self.ops {
            match &mut run {
                Some((replica, _, last))
                    if *replica == op.dot.replica && *last + 1 == op.dot.counter =>
                {
                    *last = op.dot.counter;
                }
                _ => {
                    if let Some((replica, first, last)) = run {
                        visit(replica, first, last);
                    }
                    run = Some((op.dot.replica, op.dot.counter, op.dot.counter));
                }
            }
        }
        if let Some((replica, first, last)) = run {
            visit(replica, first, last);
        }
    }

    /// The highest Lamport time held (0 when empty).
    pub(crate) fn max_lamport(&self) -> u64 {
        self.ops.iter().map(|op| op.lamport).max().unwrap_or(0)
    }
}
