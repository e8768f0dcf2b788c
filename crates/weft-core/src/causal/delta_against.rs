//! Deltas written against a version the receiver holds (frame kind 7).
//!
//! A delta since a version speaks for the sender's whole context, so written alone it names
//! every replica the document has known: 17 bytes or more each, however little changed. When
//! sender and receiver share a version exactly (the sync protocol uses the receiver's hello),
//! the delta is written against it:
//!
//! - its replica table names a replica of the base by its position in the base (a varint,
//!   position + 1) and any other replica by its id (a 0, then the 16 bytes);
//! - a FULL context leaves out every entry the base implies, `(since, advance) = (base, 0)`:
//!   a replica whose changes the delta neither needs nor adds.
//!
//! Decoding against the same base gives back the same delta: the implied entries are restored,
//! for replicas of the table and for those the bytes do not mention alike.

use std::collections::HashMap;

use crate::codec::frame::{self, Kind};
use crate::codec::{Decode, Decoder, Encoder};
use crate::error::DecodeError;
use crate::ids::{ReplicaId, ReplicaIndex, ReplicaTable, VersionVector, index_of};
use crate::store::DotStore;

use super::Delta;
use super::delta::{WrittenContext, check_schema};

impl<S: DotStore> Delta<S> {
    /// The delta as a frame (kind 7) written against `base`, a version the receiver holds
    /// exactly as the sender does; read it with [`Delta::from_bytes_against`] and the same
    /// base. A delta since the receiver's version then costs what changed, not what the
    /// document has known.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId, Delta};
    /// let mut counter = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// for id in 2..=2001u128 {
    ///     let mut other = Replica::<GCounter>::new(ReplicaId::from_u128(id));
    ///     other.update(|c| c.increment(1));
    ///     counter.merge(&other);
    /// }
    /// let known = counter.version();
    /// counter.update(|c| c.increment(5));
    /// let delta = counter.delta_since(&known);
    /// let bytes = delta.to_bytes_against(&known);
    /// assert!(bytes.len() < 100, "{}", bytes.len());
    /// assert!(delta.to_bytes().len() > 30_000);
    /// let decoded = Delta::<GCounter>::from_bytes_against(&bytes, &known)?;
    /// let mut receiver = Replica::<GCounter>::new(ReplicaId::from_u128(9));
    /// receiver.merge(&counter); // or any replica at `known`
    /// assert_eq!(decoded.since(), delta.since());
    /// # Ok::<(), weft_core::DecodeError>(())
    /// ```
    #[must_use]
    pub fn to_bytes_against(&self, base: &VersionVector) -> Vec<u8> {
        frame::seal(Kind::DeltaAgainstBase, |out| {
            S::write_schema(out);
            self.encode_body_with(out, Some(base));
        })
    }

    /// Reads a delta written by [`Delta::to_bytes_against`] with the same `base`.
    ///
    /// # Errors
    /// Any [`DecodeError`], as [`Delta::from_bytes`]; a table position outside the base is
    /// [`DecodeError::UnknownReplica`].
    pub fn from_bytes_against(bytes: &[u8], base: &VersionVector) -> Result<Self, DecodeError> {
        let mut input = frame::open(bytes, Kind::DeltaAgainstBase)?;
        check_schema::<S>(&mut input)?;
        let delta = Self::decode_body_with(&mut input, Some(base))?;
        input.finish()?;
        Ok(delta)
    }
}

/// Leaves out of `written` (a FULL context) the entries `base` implies, adds a `(0, 0)` entry
/// for every replica of the base the delta knows nothing of (appending its id to `ids`), and
/// returns the implied replicas with their base counters.
pub(super) fn reduce(
    written: &mut WrittenContext,
    ids: &mut Vec<ReplicaId>,
    base: &VersionVector,
) -> Vec<(ReplicaIndex, u64)> {
    let mut position: HashMap<ReplicaId, usize> = ids
        .iter()
        .enumerate()
        .map(|(local, id)| (*id, local))
        .collect();
    let mut explicit: HashMap<ReplicaIndex, (u64, u64)> = written
        .entries
        .drain(..)
        .map(|(replica, since, advance)| (replica, (since, advance)))
        .collect();
    let mut entries = Vec::new();
    let mut implied = Vec::new();
    for (id, counter) in base.iter() {
        let local = *position.entry(id).or_insert_with(|| {
            ids.push(id);
            ids.len() - 1
        });
        let local = index_of(local);
        match explicit.remove(&local) {
            Some((since, 0)) if since == counter => implied.push((local, counter)),
            Some((since, advance)) => entries.push((local, since, advance)),
            None => entries.push((local, 0, 0)),
        }
    }
    entries.extend(
        explicit
            .into_iter()
            .map(|(replica, (since, advance))| (replica, since, advance)),
    );
    written.entries = entries;
    implied
}

/// Puts the entries in the order of their ids, so that the bytes written against a base do
/// not depend on the order of the sender's table.
pub(super) fn order_by_id(written: &mut WrittenContext, ids: &[ReplicaId]) {
    crate::sorting::sort_by_key(&mut written.entries, |entry| {
        crate::sorting::replica_id_key(ids[entry.0.as_usize()])
    });
}

/// Writes `table` (sorted ids): its length, then per id its position in `base` plus one, or 0
/// and the id.
pub(super) fn write_table(out: &mut Encoder, table: &[ReplicaId], base: &VersionVector) {
    let base_ids: Vec<ReplicaId> = base.iter().map(|(id, _)| id).collect();
    out.length(table.len());
    for id in table {
        match base_ids.binary_search(id) {
            Ok(position) => out.varint(position as u64 + 1),
            Err(_) => {
                out.varint(0);
                out.raw(&id.to_bytes());
            }
        }
    }
}

/// Reads a table written by [`write_table`]; it must be sorted by id.
pub(super) fn read_table(
    input: &mut Decoder<'_>,
    base: &VersionVector,
) -> Result<Vec<ReplicaId>, DecodeError> {
    let base_ids: Vec<ReplicaId> = base.iter().map(|(id, _)| id).collect();
    let count = input.length(1)?;
    let mut ids: Vec<ReplicaId> = Vec::with_capacity(count);
    for _ in 0..count {
        let offset = input.position();
        let reference = input.varint()?;
        let id = if reference == 0 {
            ReplicaId::decode(input)?
        } else {
            usize::try_from(reference - 1)
                .ok()
                .and_then(|position| base_ids.get(position))
                .copied()
                .ok_or(DecodeError::UnknownReplica {
                    offset,
                    index: reference - 1,
                    table_len: base_ids.len(),
                })?
        };
        if let Some(previous) = ids.last()
            && *previous > id
        {
            return Err(input.malformed("replica table out of order"));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// The replicas of `table` without an entry of their own that `base` implies one for.
pub(super) fn implied_in_table(
    table: &[ReplicaId],
    explicit: &[bool],
    base: &VersionVector,
) -> Vec<(ReplicaIndex, u64)> {
    table
        .iter()
        .enumerate()
        .filter(|(position, _)| !explicit[*position])
        .filter_map(|(position, id)| {
            let counter = base.get(*id);
            (counter > 0).then(|| (index_of(position), counter))
        })
        .collect()
}

/// Adds to `delta` the implied entries of the base's replicas its table does not hold.
pub(super) fn imply_outside_table<S: DotStore>(delta: &mut Delta<S>, base: &VersionVector) {
    let missing: Vec<(ReplicaId, u64)> = base
        .iter()
        .filter(|(id, _)| delta.replicas.binary_search(id).is_err())
        .collect();
    if missing.is_empty() {
        return;
    }
    let mut merged: Vec<ReplicaId> = delta.replicas.to_vec();
    merged.extend(missing.iter().map(|(id, _)| *id));
    crate::sorting::sort_by_key(&mut merged, |id| crate::sorting::replica_id_key(*id));
    let table = ReplicaTable::from_ids(merged).unwrap_or_default();
    let map: Vec<ReplicaIndex> = delta
        .replicas
        .iter()
        .map(|id| table.index(*id).unwrap_or_default())
        .collect();
    delta.since = delta.since.remap(&map);
    delta.context = delta.context.remap(&map);
    delta.store.remap(&map);
    for (id, counter) in missing {
        let replica = table.index(id).unwrap_or_default();
        delta.since.set(replica, counter);
        delta.context.insert_range(replica, 1, counter);
    }
    delta.replicas = table.shared_ids();
}
