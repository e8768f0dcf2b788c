//! The identity index: which leaf of the order tree holds a given element.

use std::collections::BTreeMap;
use std::sync::Arc;

use weft_core::{Dot, ReplicaIndex};

use crate::span::Span;

/// The entries of one replica: `counter → leaf` says that its elements from `counter` up to
/// the next entry live in `leaf`; `top` is the highest counter of an element held (0: none).
#[derive(Clone, Debug, Default)]
struct Entries {
    map: BTreeMap<u64, u32>,
    top: u64,
}

/// An interval map from element dots to leaves, per replica (so that renaming replicas moves
/// whole maps). Entries change only when spans are created or move to another leaf (a leaf
/// split), never while typing extends a span or a deletion splits one inside its leaf. Each
/// replica's entries are shared copy-on-write with the indexes cloned from this one (a
/// replica's fork copies pointers; a write copies that replica's entries only).
#[derive(Clone, Debug, Default)]
pub(crate) struct IdIndex {
    replicas: Vec<Arc<Entries>>,
}

impl IdIndex {
    fn entries(&mut self, replica: ReplicaIndex) -> &mut Entries {
        let slot = replica.as_usize();
        if self.replicas.len() <= slot {
            self.replicas.resize_with(slot + 1, Arc::default);
        }
        crate::shared::unique(&mut self.replicas[slot])
    }

    /// The leaf that holds `dot`, if the dot is below the replica's highest element. The
    /// caller checks the leaf really holds it.
    pub(crate) fn leaf_of(&self, dot: Dot) -> Option<u32> {
        let entries = self.replicas.get(dot.replica.as_usize())?;
        if dot.counter == 0 || dot.counter > entries.top {
            return None;
        }
        entries
            .map
            .range(..=dot.counter)
            .next_back()
            .map(|(_, leaf)| *leaf)
    }

    /// Records that the elements `replica:first..end` live in `leaf`.
    pub(crate) fn assign(&mut self, replica: ReplicaIndex, first: u64, end: u64, leaf: u32) {
        let entries = self.entries(replica);
        let top = entries.top;
        entries.top = top.max(end - 1);
        let map = &mut entries.map;
        let before = map.range(..=first).next_back().map(|(_, leaf)| *leaf);
        // Already so when the entry covering `first` names `leaf` and reaches `end`.
        if before == Some(leaf) && map.range(first + 1..end).next().is_none() {
            return;
        }
        if end <= top && !map.contains_key(&end) {
            // Elements from `end` on stay where they were.
            let after = map.range(..end).next_back().map(|(_, leaf)| *leaf);
            if let Some(after) = after {
                map.insert(end, after);
            }
        }
        while let Some((key, _)) = map.range(first + 1..end).next() {
            let key = *key;
            map.remove(&key);
        }
        map.insert(first, leaf);
    }

    /// Records that the elements of `spans` (a leaf's spans, moved together) live in `leaf`:
    /// the ranges of one replica that continue each other are assigned as one.
    pub(crate) fn assign_spans(&mut self, spans: &[Span], leaf: u32) {
        let mut ranges: Vec<(ReplicaIndex, u64, u64)> = spans
            .iter()
            .map(|span| (span.replica, span.counter, span.end()))
            .collect();
        ranges.sort_unstable_by_key(|(replica, first, _)| (*replica, *first));
        let mut merged = ranges.iter().copied();
        let Some(mut current) = merged.next() else {
            return;
        };
        for (replica, first, end) in merged {
            if replica == current.0 && first == current.2 {
                current.2 = end;
            } else {
                self.assign(current.0, current.1, current.2, leaf);
                current = (replica, first, end);
            }
        }
        self.assign(current.0, current.1, current.2, leaf);
    }

    /// Records that `replica` now holds elements up to `counter` in the leaf of the elements
    /// right below it (a span grew in place).
    pub(crate) fn raise_top(&mut self, replica: ReplicaIndex, counter: u64) {
        if self
            .replicas
            .get(replica.as_usize())
            .is_some_and(|entries| entries.top >= counter)
        {
            return;
        }
        let entries = self.entries(replica);
        entries.top = entries.top.max(counter);
    }

    /// Renames replica `i` to `map[i]` (moves whole maps).
    pub(crate) fn remap(&mut self, map: &[ReplicaIndex]) {
        let old = std::mem::take(&mut self.replicas);
        for (slot, entries) in old.into_iter().enumerate() {
            if !entries.map.is_empty() || entries.top > 0 {
                let target = map[slot].as_usize();
                if self.replicas.len() <= target {
                    self.replicas.resize_with(target + 1, Arc::default);
                }
                self.replicas[target] = entries;
            }
        }
    }

    /// The index of spans given as `(replica, first, end, leaf)`, in any order (each span
    /// its own range): sorted once and built in bulk.
    pub(crate) fn build(mut spans: Vec<(ReplicaIndex, u64, u64, u32)>) -> Self {
        // Each span is its own range, so no two share a first dot.
        weft_core::sorting::sort_by_key(&mut spans, |(replica, first, _, _)| {
            weft_core::sorting::dot_key(weft_core::Dot::new(*replica, *first))
        });
        let mut index = Self::default();
        let mut start = 0;
        while start < spans.len() {
            let replica = spans[start].0;
            let stop = start + spans[start..].partition_point(|span| span.0 == replica);
            let mut entries: Vec<(u64, u32)> = Vec::with_capacity(stop - start);
            let mut top = 0;
            for (_, first, end, leaf) in &spans[start..stop] {
                top = top.max(end - 1);
                if entries.last().is_none_or(|(_, last)| last != leaf) {
                    entries.push((*first, *leaf));
                }
            }
            let slot = index.entries(replica);
            // Inserted one by one: `collect()` would compile a sort for these pairs.
            for (first, leaf) in entries {
                slot.map.insert(first, leaf);
            }
            slot.top = top;
            start = stop;
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_split_and_keep_the_rest() {
        let r = ReplicaIndex(0);
        let mut index = IdIndex::default();
        index.assign(r, 1, 11, 0);
        index.assign(r, 16, 21, 3);
        index.assign(r, 5, 11, 7);
        assert_eq!(index.leaf_of(Dot::new(r, 4)), Some(0));
        assert_eq!(index.leaf_of(Dot::new(r, 5)), Some(7));
        assert_eq!(index.leaf_of(Dot::new(r, 10)), Some(7));
        assert_eq!(index.leaf_of(Dot::new(r, 18)), Some(3));
        assert_eq!(index.leaf_of(Dot::new(r, 21)), None);
        index.assign(r, 2, 4, 9);
        assert_eq!(index.leaf_of(Dot::new(r, 1)), Some(0));
        assert_eq!(index.leaf_of(Dot::new(r, 3)), Some(9));
        assert_eq!(index.leaf_of(Dot::new(r, 4)), Some(0));
        assert_eq!(index.leaf_of(Dot::new(ReplicaIndex(1), 4)), None);
        index.remap(&[ReplicaIndex(2), ReplicaIndex(0)]);
        assert_eq!(index.leaf_of(Dot::new(ReplicaIndex(2), 3)), Some(9));
        assert_eq!(index.leaf_of(Dot::new(r, 3)), None);
    }
}
