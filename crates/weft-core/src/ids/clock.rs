//! The local, dense form of a version vector.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::ids::{Dot, ReplicaIndex};

/// How many changes of each replica are known, indexed by local [`ReplicaIndex`].
///
/// This is the in-memory form of a version vector inside one document: a dense vector whose
/// entry `i` is the counter of replica `i`'s latest known change (0: none). Entries past the
/// end are 0. The public, table-independent form is [`VersionVector`](crate::VersionVector).
///
/// ```
/// use weft_core::{Clock, Dot, ReplicaIndex};
/// let mut clock = Clock::default();
/// clock.set(ReplicaIndex(1), 4);
/// assert!(clock.contains(Dot::new(ReplicaIndex(1), 4)));
/// assert!(!clock.contains(Dot::new(ReplicaIndex(0), 1)));
/// ```
#[derive(Default, Debug, Serialize, Deserialize)]
#[serde(from = "Vec<u64>", into = "Vec<u64>")]
pub struct Clock(Vec<u64>);

impl Clone for Clock {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }

    /// Copies `source` into this clock's memory (no allocation when it is large enough).
    fn clone_from(&mut self, source: &Self) {
        self.0.clone_from(&source.0);
    }
}

impl From<Vec<u64>> for Clock {
    fn from(counters: Vec<u64>) -> Self {
        Self::from_counters(counters)
    }
}

impl From<Clock> for Vec<u64> {
    fn from(clock: Clock) -> Self {
        clock.0
    }
}

impl Clock {
    /// A clock with these entries (entry `i` for replica `i`).
    #[must_use]
    pub fn from_counters(counters: Vec<u64>) -> Self {
        let mut clock = Self(counters);
        clock.trim();
        clock
    }

    /// The counter of `replica` (0 if unknown).
    #[must_use]
    pub fn get(&self, replica: ReplicaIndex) -> u64 {
        self.0.get(replica.as_usize()).copied().unwrap_or(0)
    }

    /// Sets the counter of `replica`.
    pub fn set(&mut self, replica: ReplicaIndex, counter: u64) {
        let slot = replica.as_usize();
        if slot >= self.0.len() {
            if counter == 0 {
                return;
            }
            self.0.resize(slot + 1, 0);
        }
        self.0[slot] = counter;
        self.trim();
    }

    /// Raises the counter of `replica` to at least `counter`.
    pub fn raise(&mut self, replica: ReplicaIndex, counter: u64) {
        if self.get(replica) < counter {
            self.set(replica, counter);
        }
    }

    /// Whether the change `dot` is covered: `dot.counter <= self[dot.replica]`.
    #[must_use]
    pub fn contains(&self, dot: Dot) -> bool {
        dot.counter <= self.get(dot.replica)
    }

    /// Pointwise maximum with `other`.
    pub fn join(&mut self, other: &Self) {
        if other.0.len() > self.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// Whether every entry of `self` is at least the matching entry of `other`.
    #[must_use]
    pub fn dominates(&self, other: &Self) -> bool {
        other
            .0
            .iter()
            .enumerate()
            .all(|(slot, counter)| self.0.get(slot).copied().unwrap_or(0) >= *counter)
    }

    /// [`Clock::dominates`] of `other` with its replica `i` renamed to `map[i]`.
    ///
    /// ```
    /// use weft_core::{Clock, ReplicaIndex};
    /// let mut mine = Clock::default();
    /// mine.set(ReplicaIndex(1), 3);
    /// let mut theirs = Clock::default();
    /// theirs.set(ReplicaIndex(0), 2);
    /// assert!(mine.dominates_mapped(&theirs, &[ReplicaIndex(1)]));
    /// assert!(!mine.dominates_mapped(&theirs, &[ReplicaIndex(0)]));
    /// ```
    #[must_use]
    pub fn dominates_mapped(&self, other: &Self, map: &[ReplicaIndex]) -> bool {
        other
            .iter()
            .all(|(replica, counter)| self.get(map[replica.as_usize()]) >= counter)
    }

    /// The partial order of version vectors: `Less`/`Greater` when one strictly dominates,
    /// `Equal` when equal, `None` when they are concurrent.
    #[must_use]
    pub fn partial_cmp_clock(&self, other: &Self) -> Option<Ordering> {
        match (self.dominates(other), other.dominates(self)) {
            (true, true) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Greater),
            (false, true) => Some(Ordering::Less),
            (false, false) => None,
        }
    }

    /// The non-zero entries as `(replica, counter)`.
    pub fn iter(&self) -> impl Iterator<Item = (ReplicaIndex, u64)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, counter)| **counter > 0)
            .map(|(slot, counter)| (index_of(slot), *counter))
    }

    /// The number of entries (the highest replica index with a non-zero counter, plus one).
    #[must_use]
    pub fn width(&self) -> usize {
        self.0.len()
    }

    /// Whether every entry is 0.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The sum of all entries: the number of changes this clock covers.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.0
            .iter()
            .fold(0u64, |sum, counter| sum.saturating_add(*counter))
    }

    /// This clock with replica `i` renamed to `map[i]`.
    #[must_use]
    pub fn remap(&self, map: &[ReplicaIndex]) -> Self {
        let mut counters: Vec<u64> = Vec::with_capacity(self.0.len());
        for (slot, counter) in self.0.iter().enumerate() {
            if *counter == 0 {
                continue;
            }
            let target = map[slot].as_usize();
            if target >= counters.len() {
                counters.resize(target + 1, 0);
            }
            counters[target] = *counter;
        }
        Self(counters)
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

impl PartialEq for Clock {
    fn eq(&self, other: &Self) -> bool {
        // Both are trimmed, so equal clocks have equal vectors.
        self.0 == other.0
    }
}

impl Eq for Clock {}

pub(crate) fn index_of(slot: usize) -> ReplicaIndex {
    ReplicaIndex(u32::try_from(slot).expect("replica tables hold at most u32::MAX replicas"))
}
