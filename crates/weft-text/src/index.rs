//! The identity index: which leaf of the order tree holds a given element.

use std::collections::BTreeMap;

use weft_core::{Dot, ReplicaIndex};

/// An interval map from element dots to leaves: the entry `(replica, counter) → leaf` says
/// that elements of `replica` from `counter` up to the next entry of that replica live in
/// `leaf`. Entries change only when spans are created or move to another leaf (a leaf
/// split), never while typing extends a span or a deletion splits one inside its leaf, so
/// local editing rarely touches it.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdIndex {
    entries: BTreeMap<(ReplicaIndex, u64), u32>,
    /// Per replica, the highest counter of an element held (0: none).
    top: Vec<u64>,
}

impl IdIndex {
    /// The leaf that holds `dot`, if the dot is below the replica's highest element. The
    /// caller checks the leaf really holds it.
    pub(crate) fn leaf_of(&self, dot: Dot) -> Option<u32> {
        if dot.counter == 0 || dot.counter > self.top(dot.replica) {
            return None;
        }
        self.entries
            .range(..=(dot.replica, dot.counter))
            .next_back()
            .filter(|((replica, _), _)| *replica == dot.replica)
            .map(|(_, leaf)| *leaf)
    }

    /// The highest counter of an element of `replica` (0: none).
    pub(crate) fn top(&self, replica: ReplicaIndex) -> u64 {
        self.top.get(replica.as_usize()).copied().unwrap_or(0)
    }

    /// Records that the elements `replica:first..end` live in `leaf`.
    pub(crate) fn assign(&mut self, replica: ReplicaIndex, first: u64, end: u64, leaf: u32) {
        let top = self.top(replica);
        // Already so when the entry covering `first` names `leaf` and reaches `end`.
        let covered = self
            .entries
            .range(..=(replica, first))
            .next_back()
            .is_some_and(|((owner, _), owner_leaf)| *owner == replica && *owner_leaf == leaf)
            && self
                .entries
                .range((replica, first + 1)..)
                .next()
                .is_none_or(|((owner, counter), _)| *owner != replica || *counter >= end);
        if covered {
            self.raise_top(replica, end - 1);
            return;
        }
        if end <= top && !self.entries.contains_key(&(replica, end)) {
            // Elements from `end` on stay where they were.
            if let Some(after) = self.leaf_of(Dot::new(replica, end)) {
                self.entries.insert((replica, end), after);
            }
        }
        while let Some((key, _)) = self
            .entries
            .range((replica, first + 1)..(replica, end))
            .next()
        {
            let key = *key;
            self.entries.remove(&key);
        }
        self.entries.insert((replica, first), leaf);
        let slot = replica.as_usize();
        if self.top.len() <= slot {
            self.top.resize(slot + 1, 0);
        }
        self.top[slot] = top.max(end - 1);
    }

    /// Records that `replica` now holds elements up to `counter` in the leaf of the elements
    /// right below it (a span grew in place).
    pub(crate) fn raise_top(&mut self, replica: ReplicaIndex, counter: u64) {
        let slot = replica.as_usize();
        if self.top.len() <= slot {
            self.top.resize(slot + 1, 0);
        }
        self.top[slot] = self.top[slot].max(counter);
    }

    /// The same index with replica `i` renamed `map[i]`.
    pub(crate) fn remap(&self, map: &[ReplicaIndex]) -> Self {
        let mut entries: Vec<((ReplicaIndex, u64), u32)> = self
            .entries
            .iter()
            .map(|((replica, counter), leaf)| ((map[replica.as_usize()], *counter), *leaf))
            .collect();
        entries.sort_unstable_by_key(|(key, _)| *key);
        let mut top = Vec::new();
        for (slot, counter) in self.top.iter().enumerate() {
            let target = map[slot].as_usize();
            if top.len() <= target {
                top.resize(target + 1, 0);
            }
            top[target] = *counter;
        }
        Self {
            entries: entries.into_iter().collect(),
            top,
        }
    }

    /// The index of spans given as `(replica, first, end, leaf)`, in any order (each span
    /// its own range): sorted once and built in bulk.
    pub(crate) fn build(mut spans: Vec<(ReplicaIndex, u64, u64, u32)>) -> Self {
        spans.sort_unstable_by_key(|(replica, first, _, _)| (*replica, *first));
        let mut top: Vec<u64> = Vec::new();
        let mut entries: Vec<((ReplicaIndex, u64), u32)> = Vec::with_capacity(spans.len());
        for (replica, first, end, leaf) in spans {
            let slot = replica.as_usize();
            if top.len() <= slot {
                top.resize(slot + 1, 0);
            }
            top[slot] = top[slot].max(end - 1);
            match entries.last() {
                Some(((last_replica, _), last_leaf))
                    if *last_replica == replica && *last_leaf == leaf => {}
                _ => entries.push(((replica, first), leaf)),
            }
        }
        Self {
            entries: entries.into_iter().collect(),
            top,
        }
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
    }
}
