//! A dot names one change: the replica that made it and that replica's counter.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::ReplicaIndex;

/// The largest counter a dot may have: 2⁵³ − 1, so that every counter survives a round trip
/// through a JavaScript number, and so that hostile input cannot push a replica's counter to
/// the edge of `u64` (where the next change would overflow). Decoders refuse larger ones.
pub const MAX_COUNTER: u64 = (1 << 53) - 1;

/// One change made by one replica: the `counter`-th change of `replica` (counters start at 1).
///
/// The replica is a local [`ReplicaIndex`]; a dot only means something together with the
/// [`ReplicaTable`](crate::ReplicaTable) it was made against.
///
/// ```
/// use weft_core::{Dot, ReplicaIndex};
/// let dot = Dot::new(ReplicaIndex(0), 3);
/// assert_eq!(dot.counter, 3);
/// assert!(Dot::new(ReplicaIndex(0), 2) < dot);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dot {
    /// The replica that made the change.
    pub replica: ReplicaIndex,
    /// Its position in that replica's sequence of changes, from 1.
    pub counter: u64,
}

impl Dot {
    /// The dot of `replica`'s `counter`-th change.
    #[must_use]
    pub const fn new(replica: ReplicaIndex, counter: u64) -> Self {
        Self { replica, counter }
    }

    /// The same change with its replica index translated through `map`
    /// (index `i` of the old table becomes `map[i]`).
    ///
    /// # Panics
    /// If `map` is shorter than this dot's replica index; maps are built from the full table
    /// the dot was made against, so this is a logic error.
    #[must_use]
    pub fn remap(self, map: &[ReplicaIndex]) -> Self {
        Self {
            replica: map[self.replica.as_usize()],
            counter: self.counter,
        }
    }
}

impl fmt::Debug for Dot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.replica.0, self.counter)
    }
}
