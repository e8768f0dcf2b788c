//! Replica identities: the global [`ReplicaId`] and the local [`ReplicaIndex`] that
//! stands for it inside one document's [`ReplicaTable`].

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use foldhash::fast::RandomState;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use uuid::Uuid;

/// The globally unique identity of one replica: a random 128-bit UUID (version 4).
///
/// Two live replicas must never share a `ReplicaId`: every change a replica makes is named
/// by its id and a counter, so two writers under one id would hand out the same names for
/// different changes and the replicas would silently diverge. Create a fresh id for every
/// device, tab or process that edits, and persist it together with the replica's state.
///
/// ```
/// use weft_core::ReplicaId;
/// let id = ReplicaId::random();
/// let parsed: ReplicaId = id.to_string().parse().unwrap();
/// assert_eq!(id, parsed);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReplicaId(Uuid);

impl ReplicaId {
    /// A new random (version 4) id.
    ///
    /// ```
    /// # use weft_core::ReplicaId;
    /// assert_ne!(ReplicaId::random(), ReplicaId::random());
    /// ```
    #[must_use]
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }

    /// The id made of these 16 bytes (big-endian UUID layout).
    ///
    /// ```
    /// # use weft_core::ReplicaId;
    /// let id = ReplicaId::from_bytes([7; 16]);
    /// assert_eq!(id.to_bytes(), [7; 16]);
    /// ```
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(Uuid::from_bytes(bytes))
    }

    /// The id made of this number; handy for deterministic tests and simulations.
    ///
    /// ```
    /// # use weft_core::ReplicaId;
    /// assert!(ReplicaId::from_u128(1) < ReplicaId::from_u128(2));
    /// ```
    #[must_use]
    pub const fn from_u128(value: u128) -> Self {
        Self(Uuid::from_u128(value))
    }

    /// The 16 bytes of this id, as they appear on the wire.
    ///
    /// ```
    /// # use weft_core::ReplicaId;
    /// assert_eq!(ReplicaId::from_u128(1).to_bytes()[15], 1);
    /// ```
    #[must_use]
    pub const fn to_bytes(self) -> [u8; 16] {
        *self.0.as_bytes()
    }
}

impl fmt::Display for ReplicaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl fmt::Debug for ReplicaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The last 8 hex digits are enough to tell replicas apart in logs and test output.
        let text = self.0.simple().to_string();
        write!(f, "ReplicaId(…{})", &text[24..])
    }
}

/// The text was not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a replica id (a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8): {input:?}")]
pub struct ParseReplicaIdError {
    /// The text that failed to parse (at most 64 characters of it).
    pub input: String,
}

impl FromStr for ReplicaId {
    type Err = ParseReplicaIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(text)
            .map(Self)
            .map_err(|_| ParseReplicaIdError {
                input: text.chars().take(64).collect(),
            })
    }
}

/// A small number standing for a [`ReplicaId`] inside one [`ReplicaTable`].
///
/// Indices are local: the same replica may have index 0 in one document and 5 in another,
/// so an index means nothing without its table. Deltas carry their table with them and are
/// translated into the receiver's table when they are merged.
///
/// ```
/// use weft_core::ReplicaIndex;
/// assert_eq!(ReplicaIndex(3).as_usize(), 3);
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ReplicaIndex(pub u32);

impl ReplicaIndex {
    /// The index as a `usize`, for indexing vectors.
    #[must_use]
    pub const fn as_usize(self) -> usize {
        self.0 as usize
    }
}

/// The replicas one document has seen, in the order it first saw them.
///
/// Lookups both ways are O(1). Cloning is cheap (the id list is shared until it grows), so
/// every delta can carry the table it was written against.
///
/// ```
/// use weft_core::{ReplicaId, ReplicaTable};
/// let mut table = ReplicaTable::default();
/// let a = table.intern(ReplicaId::from_u128(1));
/// let b = table.intern(ReplicaId::from_u128(2));
/// assert_eq!(table.intern(ReplicaId::from_u128(1)), a);
/// assert_eq!(table.id(b), Some(ReplicaId::from_u128(2)));
/// assert_eq!(table.len(), 2);
/// ```
#[derive(Clone, Default)]
pub struct ReplicaTable {
    ids: Arc<Vec<ReplicaId>>,
    /// Hashed with foldhash: ids are random and the hasher is seeded per process, so a
    /// hostile peer cannot aim ids at one bucket; SipHash was a third of a counter merge.
    lookup: HashMap<ReplicaId, ReplicaIndex, RandomState>,
}

impl ReplicaTable {
    /// A table holding exactly these ids, in this order.
    ///
    /// # Errors
    /// Returns the first id that appears twice.
    ///
    /// ```
    /// # use weft_core::{ReplicaId, ReplicaTable};
    /// let id = ReplicaId::from_u128(9);
    /// assert!(ReplicaTable::from_ids(vec![id, id]).is_err());
    /// ```
    pub fn from_ids(ids: Vec<ReplicaId>) -> Result<Self, ReplicaId> {
        let mut lookup = HashMap::with_capacity_and_hasher(ids.len(), RandomState::default());
        for (position, id) in ids.iter().enumerate() {
            let index = ReplicaIndex(u32::try_from(position).map_err(|_| *id)?);
            if lookup.insert(*id, index).is_some() {
                return Err(*id);
            }
        }
        Ok(Self {
            ids: Arc::new(ids),
            lookup,
        })
    }

    /// The index of `id`, adding it at the end if the table has not seen it yet.
    pub fn intern(&mut self, id: ReplicaId) -> ReplicaIndex {
        if let Some(index) = self.lookup.get(&id) {
            return *index;
        }
        let index = ReplicaIndex(
            u32::try_from(self.ids.len()).expect("more than 4 billion replicas in one table"),
        );
        Arc::make_mut(&mut self.ids).push(id);
        self.lookup.insert(id, index);
        index
    }

    /// The index of `id` if the table holds it.
    #[must_use]
    pub fn index(&self, id: ReplicaId) -> Option<ReplicaIndex> {
        self.lookup.get(&id).copied()
    }

    /// The id at `index` if the table is that long.
    #[must_use]
    pub fn id(&self, index: ReplicaIndex) -> Option<ReplicaId> {
        self.ids.get(index.as_usize()).copied()
    }

    /// The ids in index order.
    #[must_use]
    pub fn ids(&self) -> &[ReplicaId] {
        &self.ids
    }

    /// A shared handle on the id list, as deltas keep it.
    #[must_use]
    pub fn shared_ids(&self) -> Arc<Vec<ReplicaId>> {
        Arc::clone(&self.ids)
    }

    /// How many replicas the table holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the table holds no replica.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// For each id of `other` (in `other`'s index order), its index in `self`, interning
    /// the ids `self` has not seen. The result translates indices of `other` into `self` (held
    /// inline for up to 16 replicas, the usual case, so that a merge allocates nothing for it).
    pub fn translate_from(&mut self, other: &[ReplicaId]) -> SmallVec<[ReplicaIndex; SCANNED]> {
        if self.ids.starts_with(other) {
            // The same numbering (a table shared with or copied from this one): no lookups.
            return (0..other.len() as u32).map(ReplicaIndex).collect();
        }
        if self.ids.len() <= SCANNED {
            // A small table: comparing ids in place beats hashing them, and deltas often list
            // their replicas in an order close to this table's.
            let mut hint = 0;
            let mut map = SmallVec::with_capacity(other.len());
            for id in other {
                let held = &self.ids[..];
                let slot = if held.get(hint) == Some(id) {
                    Some(hint)
                } else {
                    held.iter().position(|candidate| candidate == id)
                };
                map.push(match slot {
                    Some(slot) => {
                        hint = slot + 1;
                        ReplicaIndex(slot as u32)
                    }
                    None => self.intern(*id),
                });
            }
            return map;
        }
        other.iter().map(|id| self.intern(*id)).collect()
    }
}

/// Tables up to this many replicas translate incoming ids by scanning, not hashing.
const SCANNED: usize = 16;

impl fmt::Debug for ReplicaTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.ids.iter()).finish()
    }
}

impl PartialEq for ReplicaTable {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids
    }
}

impl Eq for ReplicaTable {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distinct ids drawn from a pool of 48 (so that small and large tables both occur).
    fn ids(picks: &[u8]) -> Vec<ReplicaId> {
        let mut ids: Vec<ReplicaId> = Vec::new();
        for pick in picks {
            let id = ReplicaId::from_u128(u128::from(pick % 48) + 1);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    quickcheck::quickcheck! {
        fn translation_names_the_same_ids_as_interning(held: Vec<u8>, incoming: Vec<u8>) -> bool {
            let incoming = ids(&incoming);
            let mut scanned = ReplicaTable::from_ids(ids(&held)).expect("distinct ids");
            let mut hashed = scanned.clone();
            let map = scanned.translate_from(&incoming);
            let interned: Vec<ReplicaIndex> = incoming.iter().map(|id| hashed.intern(*id)).collect();
            map[..] == interned[..]
                && scanned == hashed
                && incoming.iter().zip(&map).all(|(id, index)| scanned.id(*index) == Some(*id))
        }
    }
}
