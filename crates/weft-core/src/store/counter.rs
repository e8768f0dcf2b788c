//! `CounterStore`: per-replica running totals, with observed resets for counters in maps.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::causal::{CausalContext, Transaction};
use crate::codec::{DotReader, DotWriter, Encoder};
use crate::digest::DigestBuilder;
use crate::error::{DecodeError, InvariantViolation};
use crate::ids::{Clock, Dot, ReplicaId, ReplicaIndex};
use crate::store::DotStore;

/// One replica's contribution to a counter.
///
/// A replica's changes to one counter form a sequence, so its contribution is summarised by
/// the counter of its latest change and its running `total` after it. An observed reset (the
/// counter's key removed from a map) records the latest change it saw as `base`; what the
/// replica adds after `base` survives the reset, what it added before does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterEntry {
    replica: ReplicaIndex,
    latest: u64,
    total: u64,
    base: u64,
    base_total: u64,
    reset_by: Option<Dot>,
}

impl CounterEntry {
    fn new(replica: ReplicaIndex) -> Self {
        Self {
            replica,
            latest: 0,
            total: 0,
            base: 0,
            base_total: 0,
            reset_by: None,
        }
    }

    /// What this replica contributes now (wrapping arithmetic, so every replica computes the
    /// same value whatever the order of changes).
    fn contribution(&self) -> u64 {
        if self.latest > self.base {
            self.total.wrapping_sub(self.base_total)
        } else {
            0
        }
    }

    fn content(&self) -> (ReplicaIndex, u64, u64, u64, u64) {
        (
            self.replica,
            self.latest,
            self.total,
            self.base,
            self.base_total,
        )
    }
}

/// The state of a counter: one [`CounterEntry`] per replica that changed it, sorted by
/// replica.
///
/// The join takes, per replica, the entry with the later change and the later reset: both are
/// maxima in a total order, so the join is a semilattice without needing the causal context.
/// The value is `Σ (total − base_total)` over the entries whose latest change is after their
/// reset, in wrapping 64-bit arithmetic (read as unsigned for `GCounter`, as two's complement
/// for `PNCounter`).
///
/// ```
/// use weft_core::store::{CounterStore, DotStore};
/// assert_eq!(CounterStore::default().value(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CounterStore {
    entries: SmallVec<[CounterEntry; 1]>,
}

impl CounterStore {
    /// The current value (wrapping sum of the contributions).
    #[must_use]
    pub fn value(&self) -> u64 {
        self.entries
            .iter()
            .fold(0u64, |sum, entry| sum.wrapping_add(entry.contribution()))
    }

    /// The contribution of each replica that contributes, as `(replica, amount)`.
    pub fn contributions(&self) -> impl Iterator<Item = (ReplicaIndex, u64)> + '_ {
        self.entries
            .iter()
            .filter(|entry| entry.latest > entry.base)
            .map(|entry| (entry.replica, entry.contribution()))
    }

    /// Adds `amount` (wrapping) as one new change of the transaction's replica.
    pub fn add(&mut self, transaction: &mut Transaction, amount: u64, delta: &mut Self) {
        let dot = transaction.next_dot();
        let entry = self.entry_mut(dot.replica);
        entry.latest = dot.counter;
        entry.total = entry.total.wrapping_add(amount);
        let (latest, total) = (entry.latest, entry.total);
        // The delta carries the new running total only: resets travel with their own change.
        let carried = delta.entry_mut(dot.replica);
        carried.latest = latest;
        carried.total = total;
    }

    fn entry_mut(&mut self, replica: ReplicaIndex) -> &mut CounterEntry {
        let position = self.position_or_insert(replica);
        &mut self.entries[position]
    }

    /// Where the entry of `replica` is, inserting an empty one if there is none.
    fn position_or_insert(&mut self, replica: ReplicaIndex) -> usize {
        match self
            .entries
            .binary_search_by_key(&replica, |entry| entry.replica)
        {
            Ok(position) => position,
            Err(position) => {
                self.entries.insert(position, CounterEntry::new(replica));
                position
            }
        }
    }

    fn join_entry(&mut self, incoming: CounterEntry) {
        absorb(self.entry_mut(incoming.replica), &incoming);
    }
}

/// Joins `incoming` (an entry of the same replica) into `entry`: the later change, and the
/// later reset.
fn absorb(entry: &mut CounterEntry, incoming: &CounterEntry) {
    if incoming.latest > entry.latest {
        entry.latest = incoming.latest;
        entry.total = incoming.total;
    }
    if incoming.base > entry.base
        || (incoming.base == entry.base && incoming.reset_by > entry.reset_by)
    {
        entry.base = incoming.base;
        entry.base_total = incoming.base_total;
        entry.reset_by = incoming.reset_by;
    }
}

impl DotStore for CounterStore {
    const DEPENDS_ONLY_ON_REPLACED: bool = true;
    const JOINS_MAPPED: bool = true;

    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::COUNTER);
    }

    fn is_bottom(&self) -> bool {
        self.entries.iter().all(|entry| entry.latest <= entry.base)
    }

    fn join(&mut self, _context: &CausalContext, other: Self, _other_context: &CausalContext) {
        // Both entry lists are sorted by replica: one walk through both, inserting the
        // replicas this store lacks where they belong.
        let mut position = 0;
        for incoming in other.entries {
            while position < self.entries.len() && self.entries[position].replica < incoming.replica
            {
                position += 1;
            }
            match self.entries.get_mut(position) {
                Some(entry) if entry.replica == incoming.replica => absorb(entry, &incoming),
                _ => self.entries.insert(position, incoming),
            }
            position += 1;
        }
    }

    fn join_mapped(
        &mut self,
        _context: &CausalContext,
        other: &Self,
        _other_context: &CausalContext,
        map: &[ReplicaIndex],
    ) {
        // Renaming mostly keeps the order: try the slot after the last one first.
        let mut hint = 0;
        for incoming in &other.entries {
            let renamed = CounterEntry {
                replica: map[incoming.replica.as_usize()],
                reset_by: incoming.reset_by.map(|dot| dot.remap(map)),
                ..*incoming
            };
            let position = match self.entries.get(hint) {
                Some(entry) if entry.replica == renamed.replica => hint,
                _ => self.position_or_insert(renamed.replica),
            };
            absorb(&mut self.entries[position], &renamed);
            hint = position + 1;
        }
    }

    fn delta_since(&self, since: &Clock) -> Self {
        Self {
            entries: self
                .entries
                .iter()
                .filter(|entry| {
                    entry.latest > since.get(entry.replica)
                        || entry.reset_by.is_some_and(|dot| !since.contains(dot))
                })
                .copied()
                .collect(),
        }
    }

    fn clear(&mut self, transaction: &mut Transaction, event: Dot, delta: &mut Self) {
        for entry in &mut self.entries {
            if entry.latest > entry.base {
                // The reset observed this change: the delta's context must say so.
                transaction.drop_dot(Dot::new(entry.replica, entry.latest));
                entry.base = entry.latest;
                entry.base_total = entry.total;
                entry.reset_by = Some(event);
                let copy = *entry;
                delta.join_entry(copy);
            }
        }
    }

    fn remap(&mut self, map: &[ReplicaIndex]) {
        for entry in &mut self.entries {
            entry.replica = map[entry.replica.as_usize()];
            entry.reset_by = entry.reset_by.map(|dot| dot.remap(map));
        }
        crate::sorting::sort_by_key(&mut self.entries, |entry| {
            crate::sorting::replica_index_key(entry.replica)
        });
    }

    fn remapped(&self, map: &[ReplicaIndex]) -> Self {
        let mut entries: SmallVec<[CounterEntry; 1]> = self
            .entries
            .iter()
            .map(|entry| CounterEntry {
                replica: map[entry.replica.as_usize()],
                reset_by: entry.reset_by.map(|dot| dot.remap(map)),
                ..*entry
            })
            .collect();
        crate::sorting::sort_by_key(&mut entries, |entry| {
            crate::sorting::replica_index_key(entry.replica)
        });
        Self { entries }
    }

    fn visit_dots(&self, visit: &mut dyn FnMut(Dot)) {
        for entry in &self.entries {
            if entry.latest > 0 {
                visit(Dot::new(entry.replica, entry.latest));
            }
            if let Some(dot) = entry.reset_by {
                visit(dot);
            }
        }
    }

    fn content_eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|(mine, theirs)| mine.content() == theirs.content())
    }

    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut DigestBuilder) {
        for entry in &self.entries {
            let mut atom = Encoder::new();
            atom.raw(path);
            atom.raw(&names[entry.replica.as_usize()].to_bytes());
            for number in [entry.latest, entry.total, entry.base, entry.base_total] {
                atom.varint(number);
            }
            out.add(atom.as_bytes());
        }
    }

    fn encode(&self, out: &mut DotWriter) {
        out.length(self.entries.len());
        for entry in &self.entries {
            out.replica(entry.replica);
            out.varint(entry.latest);
            out.varint(entry.total);
            match entry.reset_by {
                None => out.u8(0),
                Some(dot) => {
                    out.u8(1);
                    out.varint(entry.base);
                    out.varint(entry.base_total);
                    out.dot(dot);
                }
            }
        }
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        let count = input.length(4)?;
        let mut entries: SmallVec<[CounterEntry; 1]> = SmallVec::with_capacity(count);
        for _ in 0..count {
            let mut entry = CounterEntry::new(input.replica()?);
            entry.latest = input.varint()?;
            entry.total = input.varint()?;
            let offset = input.position();
            match input.u8()? {
                0 => {}
                1 => {
                    entry.base = input.varint()?;
                    entry.base_total = input.varint()?;
                    entry.reset_by = Some(input.dot()?);
                }
                other => return Err(input.invalid("counter reset flag", other.into(), offset)),
            }
            if entry.latest == 0
                || entry.base > entry.latest
                || entry.latest > crate::ids::MAX_COUNTER
            {
                return Err(input.malformed("counter entry out of range"));
            }
            entries.push(entry);
        }
        // Written in the sender's replica order; sorted here in the message's.
        crate::sorting::sort_by_key(&mut entries, |entry| {
            crate::sorting::replica_index_key(entry.replica)
        });
        if entries
            .windows(2)
            .any(|pair| pair[0].replica == pair[1].replica)
        {
            return Err(input.malformed("two counter entries for one replica"));
        }
        Ok(Self { entries })
    }

    fn check(&self) -> Result<(), InvariantViolation> {
        if !self
            .entries
            .windows(2)
            .all(|pair| pair[0].replica < pair[1].replica)
        {
            return Err(InvariantViolation::CounterOrder);
        }
        match self.entries.iter().find(|entry| entry.base > entry.latest) {
            Some(entry) => Err(InvariantViolation::CounterReset {
                base: entry.base,
                latest: entry.latest,
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store from arbitrary entries of replicas 0..6 (some reset by a dot of another).
    fn store(entries: &[(u8, u8, u64, bool)]) -> CounterStore {
        let mut store = CounterStore::default();
        for (replica, latest, total, reset) in entries {
            let replica = ReplicaIndex(u32::from(replica % 6));
            let latest = u64::from(*latest) + 1;
            let mut entry = CounterEntry::new(replica);
            entry.latest = latest;
            entry.total = *total;
            if *reset {
                entry.base = latest / 2;
                entry.base_total = total / 2;
                entry.reset_by = Some(Dot::new(ReplicaIndex((replica.0 + 1) % 6), latest));
            }
            store.join_entry(entry);
        }
        store
    }

    quickcheck::quickcheck! {
        fn join_mapped_is_the_join_of_the_renamed_store(
            mine: Vec<(u8, u8, u64, bool)>,
            theirs: Vec<(u8, u8, u64, bool)>,
            rotation: u8
        ) -> bool {
            let map: Vec<ReplicaIndex> =
                (0..6).map(|slot| ReplicaIndex((slot + u32::from(rotation)) % 7)).collect();
            let context = CausalContext::default();
            let (mut direct, other) = (store(&mine), store(&theirs));
            let mut renamed = direct.clone();
            renamed.join(&context, other.remapped(&map), &context);
            direct.join_mapped(&context, &other, &context, &map);
            direct.check().is_ok() && direct == renamed && renamed == {
                let mut copy = other.clone();
                copy.remap(&map);
                let mut again = store(&mine);
                again.join(&context, copy, &context);
                again
            }
        }
    }
}
