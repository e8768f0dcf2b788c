//! The public, table-independent version vector.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{Clock, Dot, ReplicaId, ReplicaTable};

/// How many changes of each replica a replica knows: `ReplicaId → counter`.
///
/// This is the form that crosses the boundary of a document (sync handshakes, `delta_since`
/// requests, the API). Inside a document the same information is a dense [`Clock`] over the
/// document's [`ReplicaTable`]. Entries are kept sorted by id and never hold a zero.
///
/// ```
/// use std::cmp::Ordering;
/// use weft_core::{ReplicaId, VersionVector};
/// let (a, b) = (ReplicaId::from_u128(1), ReplicaId::from_u128(2));
/// let mut left = VersionVector::new();
/// left.set(a, 2);
/// let mut right = VersionVector::new();
/// right.set(b, 1);
/// assert_eq!(left.partial_cmp(&right), None); // concurrent
/// let mut both = left.clone();
/// both.join(&right);
/// assert_eq!(both.partial_cmp(&left), Some(Ordering::Greater));
/// assert_eq!(both.get(a), 2);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "Vec<(ReplicaId, u64)>", into = "Vec<(ReplicaId, u64)>")]
pub struct VersionVector {
    entries: Vec<(ReplicaId, u64)>,
}

impl VersionVector {
    /// The empty version vector: nothing known.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The counter of `replica` (0 if none of its changes are known).
    #[must_use]
    pub fn get(&self, replica: ReplicaId) -> u64 {
        match self.search(replica) {
            Ok(position) => self.entries[position].1,
            Err(_) => 0,
        }
    }

    /// Sets the counter of `replica` (0 removes the entry).
    pub fn set(&mut self, replica: ReplicaId, counter: u64) {
        match (self.search(replica), counter) {
            (Ok(position), 0) => {
                self.entries.remove(position);
            }
            (Ok(position), _) => self.entries[position].1 = counter,
            (Err(_), 0) => {}
            (Err(position), _) => self.entries.insert(position, (replica, counter)),
        }
    }

    /// Whether the `counter`-th change of `replica` is known.
    #[must_use]
    pub fn contains(&self, replica: ReplicaId, counter: u64) -> bool {
        counter <= self.get(replica)
    }

    /// Pointwise maximum with `other`.
    pub fn join(&mut self, other: &Self) {
        for (replica, counter) in &other.entries {
            if self.get(*replica) < *counter {
                self.set(*replica, *counter);
            }
        }
    }

    /// The `(replica, counter)` entries, sorted by replica id.
    pub fn iter(&self) -> impl Iterator<Item = (ReplicaId, u64)> + '_ {
        self.entries.iter().copied()
    }

    /// How many replicas have a non-zero counter.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The number of changes this vector covers (the sum of its counters, saturating).
    #[must_use]
    pub fn total(&self) -> u64 {
        self.entries
            .iter()
            .fold(0u64, |sum, (_, counter)| sum.saturating_add(*counter))
    }

    /// The version vector that `clock` means under `table`.
    ///
    /// Entries whose index is outside the table are left out.
    #[must_use]
    pub fn from_clock(clock: &Clock, table: &ReplicaTable) -> Self {
        let mut entries: Vec<(ReplicaId, u64)> = clock
            .iter()
            .filter_map(|(index, counter)| table.id(index).map(|id| (id, counter)))
            .collect();
        crate::sorting::sort_by_key(&mut entries, |(id, _)| crate::sorting::replica_id_key(*id));
        Self { entries }
    }

    /// This vector as a dense clock over `table`. Replicas the table does not hold are left
    /// out: their changes are unknown to the table's owner anyway.
    #[must_use]
    pub fn to_clock(&self, table: &ReplicaTable) -> Clock {
        let mut clock = Clock::default();
        for (id, counter) in &self.entries {
            if let Some(index) = table.index(*id) {
                clock.set(index, *counter);
            }
        }
        clock
    }

    /// Whether the change `dot` (made against `table`) is known.
    #[must_use]
    pub fn contains_dot(&self, dot: Dot, table: &ReplicaTable) -> bool {
        table
            .id(dot.replica)
            .is_some_and(|id| self.contains(id, dot.counter))
    }

    fn search(&self, replica: ReplicaId) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&replica, |(id, _)| *id)
    }
}

impl PartialOrd for VersionVector {
    /// The causal order: `Less` if every counter is ≤ and one is <, `None` if concurrent.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let covers = |big: &Self, small: &Self| small.iter().all(|(id, n)| big.get(id) >= n);
        match (covers(self, other), covers(other, self)) {
            (true, true) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Greater),
            (false, true) => Some(Ordering::Less),
            (false, false) => None,
        }
    }
}

impl From<Vec<(ReplicaId, u64)>> for VersionVector {
    fn from(pairs: Vec<(ReplicaId, u64)>) -> Self {
        let mut vector = Self::new();
        for (replica, counter) in pairs {
            if vector.get(replica) < counter {
                vector.set(replica, counter);
            }
        }
        vector
    }
}

impl From<VersionVector> for Vec<(ReplicaId, u64)> {
    fn from(vector: VersionVector) -> Self {
        vector.entries
    }
}

impl FromIterator<(ReplicaId, u64)> for VersionVector {
    fn from_iter<I: IntoIterator<Item = (ReplicaId, u64)>>(pairs: I) -> Self {
        Self::from(pairs.into_iter().collect::<Vec<_>>())
    }
}

impl fmt::Debug for VersionVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(id, n)| (id, n)))
            .finish()
    }
}
