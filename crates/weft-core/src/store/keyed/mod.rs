//! `Keyed`: a map from keys to nested dot stores, with an index of which keys each change
//! touched so that `delta_since` costs what it returns.

use std::collections::BTreeSet;
use std::hash::Hash;

use foldhash::fast::RandomState;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::causal::{CausalContext, Transaction};
use crate::codec::{Decode, DotReader, DotWriter, Encode, Encoder};
use crate::digest::DigestBuilder;
use crate::error::{DecodeError, InvariantViolation};
use crate::ids::{Clock, Dot, ReplicaId, ReplicaIndex, index_of};
use crate::sorting;
use crate::store::DotStore;
use crate::store::removal;

mod codec;

/// A key that can index a replicated map or set: hashed, compared, encoded and decoded.
/// Implemented for every type with those abilities.
pub trait Key: Clone + std::fmt::Debug + Eq + Hash + Encode + Decode {}

impl<K: Clone + std::fmt::Debug + Eq + Hash + Encode + Decode> Key for K {}

/// One key's entry: its nested store, the latest change of each replica that touched it, and
/// the removal record of the key, if it was removed (see [`Keyed::remove`]).
///
/// `touches` holds at most one dot per replica, sorted by replica.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Slot<V> {
    touches: SmallVec<[Dot; 1]>,
    value: V,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    removal: Option<Clock>,
}

/// Where [`Keyed::with_slot`] is editing, and what it needs to finish.
struct SlotEdit {
    position: usize,
    created: bool,
    delta_position: usize,
    delta_created: bool,
    /// The transaction's latest dot before the change.
    before: Option<Dot>,
    was_live: bool,
}

impl<V> Slot<V> {
    /// The latest change of each replica that touched this entry.
    #[must_use]
    pub fn touches(&self) -> &[Dot] {
        &self.touches
    }

    /// The nested store.
    #[must_use]
    pub fn value(&self) -> &V {
        &self.value
    }

    /// The removal record: every dot under this key that it covers is removed, wherever and
    /// whenever it arrives. `None` if the key was never removed this way (or the record was
    /// compacted).
    #[must_use]
    pub fn removal(&self) -> Option<&Clock> {
        self.removal.as_ref()
    }
}

/// A map from keys to nested dot stores: the OR-map of the δ-CRDT paper, and (with
/// [`DotSet`](crate::store::DotSet) values) the observed-remove set.
///
/// A key is present while its nested store holds a live dot. Keys whose store became empty
/// stay as *dead slots* that remember which change emptied them, so that a later
/// `delta_since` can tell a replica that still holds the old dots to drop them; they cost one
/// entry per key, not one per change. `compact` forgets dead slots every replica has seen.
///
/// ```
/// use weft_core::store::{DotSet, DotStore, Keyed};
/// let keyed: Keyed<String, DotSet> = Keyed::default();
/// assert!(keyed.is_bottom());
/// assert_eq!(keyed.len(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct Keyed<K, V> {
    /// Hashed with foldhash (fast, and seeded per process, so keys chosen by a hostile peer
    /// cannot be aimed at one bucket).
    slots: IndexMap<K, Slot<V>, RandomState>,
    /// Per replica: `(counter, slot position)` for every touch of that replica.
    index: Vec<BTreeSet<(u64, u32)>>,
    /// Whether `index` is kept. Fragments that are only encoded or joined into a replica
    /// (`delta_since` output, decoded deltas) skip it; a replica's own store always keeps it.
    indexed: bool,
    live: usize,
}

impl<K, V> Default for Keyed<K, V> {
    fn default() -> Self {
        Self {
            slots: IndexMap::default(),
            index: Vec::new(),
            indexed: true,
            live: 0,
        }
    }
}

impl<K: Key, V: DotStore> Keyed<K, V> {
    /// The nested store of `key`, if the key is present.
    #[must_use]
    pub fn get(&self, key: &K) -> Option<&V> {
        self.slots
            .get(key)
            .map(|slot| &slot.value)
            .filter(|value| !value.is_bottom())
    }

    /// Whether `key` is present.
    #[must_use]
    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// The present keys and their stores, in the order the keys were first seen.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> + '_ {
        self.slots
            .iter()
            .filter(|(_, slot)| !slot.value.is_bottom())
            .map(|(key, slot)| (key, &slot.value))
    }

    /// The present keys.
    pub fn keys(&self) -> impl Iterator<Item = &K> + '_ {
        self.iter().map(|(key, _)| key)
    }

    /// How many keys are present.
    #[must_use]
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no key is present.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Every slot, dead ones included (the bookkeeping view).
    pub fn slots(&self) -> impl Iterator<Item = (&K, &Slot<V>)> + '_ {
        self.slots.iter()
    }

    /// Runs `change` on the store of `key` (created if absent) in `self` and in `delta`, then,
    /// if the transaction made a change, touches the slot in both with the latest dot.
    pub fn with_slot<R>(
        &mut self,
        delta: &mut Self,
        transaction: &mut Transaction,
        key: K,
        change: impl FnOnce(&mut V, &mut V, &mut Transaction) -> R,
    ) -> R {
        // The work around `change` is in two functions generic over `K` and `V` only: this
        // shell is compiled once per closure, and there are many closures.
        let edit = self.begin_slot_edit(delta, transaction, key);
        let result = change(
            &mut self.slots[edit.position].value,
            &mut delta.slots[edit.delta_position].value,
            transaction,
        );
        self.finish_slot_edit(delta, transaction, &edit);
        result
    }

    /// The first half of [`Keyed::with_slot`]: the slots of `key`, made if absent.
    #[inline(never)]
    fn begin_slot_edit(&mut self, delta: &mut Self, transaction: &Transaction, key: K) -> SlotEdit {
        let (position, created) = self.position_or_insert(key.clone());
        let (delta_position, delta_created) = delta.position_or_insert(key);
        SlotEdit {
            position,
            created,
            delta_position,
            delta_created,
            before: transaction.last_dot(),
            was_live: !self.slots[position].value.is_bottom(),
        }
    }

    /// The second half of [`Keyed::with_slot`]: touches the slots if the transaction made a
    /// change, or forgets the slots made for the occasion.
    #[inline(never)]
    fn finish_slot_edit(&mut self, delta: &mut Self, transaction: &Transaction, edit: &SlotEdit) {
        if let Some(dot) = transaction
            .last_dot()
            .filter(|dot| Some(*dot) != edit.before)
        {
            self.touch_local(edit.position, dot);
            delta.touch_local(edit.delta_position, dot);
            self.recount(edit.position, edit.was_live);
            delta.live = delta.count_live();
        } else {
            // Nothing changed: forget the slots made for the occasion (they are the last ones).
            if edit.created {
                self.slots.pop();
            }
            if edit.delta_created {
                delta.slots.pop();
            }
        }
    }

    /// Removes `key` (an observed remove of everything its store holds) with one new change.
    /// Returns whether the key was present.
    ///
    /// When the nested store can drop what a clock covers ([`DotStore::can_drop_covered`]), the
    /// removal is a *removal record*: the slot keeps the clock of everything its store
    /// mentioned, the delta carries that clock and requires its receiver to have seen it
    /// ([`Transaction::require`]), so the delta costs O(replicas) bytes however many elements
    /// the key held. Otherwise every nested entry is cleared and shipped ([`DotStore::clear`]).
    pub fn remove(&mut self, delta: &mut Self, transaction: &mut Transaction, key: &K) -> bool {
        let Some(position) = self.slots.get_index_of(key) else {
            return false;
        };
        if self.slots[position].value.is_bottom() {
            return false;
        }
        let event = transaction.next_dot();
        let (delta_position, _) = delta.position_or_insert(key.clone());
        let record = self.slots[position].value.can_drop_covered().then(|| {
            let slot = &self.slots[position];
            let mut seen = removal::seen_by(&slot.value);
            for touch in &slot.touches {
                seen.raise(touch.replica, touch.counter);
            }
            seen
        });
        // A record costs an entry per replica: for a value of a few dots (a register) the
        // general path, which ships those dots in the context, is as small or smaller.
        let record = record.filter(|seen| {
            removal::mentions_more_than(&self.slots[position].value, seen.iter().count())
        });
        if let Some(seen) = record {
            let slot = &mut self.slots[position];
            removal::join_record(&mut slot.removal, &seen);
            slot.value.drop_covered(&seen);
            let in_delta = &mut delta.slots[delta_position];
            removal::join_record(&mut in_delta.removal, &seen);
            in_delta.value = V::default();
            transaction.require(&seen);
        } else {
            self.slots[position].value.clear(
                transaction,
                event,
                &mut delta.slots[delta_position].value,
            );
        }
        self.touch_local(position, event);
        delta.touch_local(delta_position, event);
        self.recount(position, true);
        delta.live = delta.count_live();
        true
    }

    /// Forgets dead slots whose every touch is in `stable` (not those of nested stores: see
    /// [`DotStore::compact`] for the recursive version): use only with a version that every
    /// replica that will ever sync has reached (causal stability), or a replica still holding
    /// the old dots would never learn they were removed. Returns how many slots went.
    pub fn compact(&mut self, stable: &Clock) -> usize {
        let before = self.slots.len();
        self.slots.retain(|_, slot| {
            !slot.value.is_bottom()
                || !removal::covers_dots(stable, &slot.touches)
                || slot
                    .removal
                    .as_ref()
                    .is_some_and(|record| !stable.dominates(record))
        });
        let removed = before - self.slots.len();
        if removed > 0 {
            self.rebuild_index();
        }
        removed
    }

    /// The position of `key`'s slot, creating an empty one if needed; and whether it did.
    /// An empty store that keeps no touch index (for fragments).
    fn unindexed() -> Self {
        Self {
            indexed: false,
            ..Self::default()
        }
    }

    fn position_or_insert(&mut self, key: K) -> (usize, bool) {
        let before = self.slots.len();
        let entry = self.slots.entry(key);
        let position = entry.index();
        entry.or_default();
        (position, self.slots.len() > before)
    }

    fn recount(&mut self, position: usize, was_live: bool) {
        let is_live = !self.slots[position].value.is_bottom();
        match (was_live, is_live) {
            (false, true) => self.live += 1,
            (true, false) => self.live -= 1,
            _ => {}
        }
    }

    fn count_live(&self) -> usize {
        self.slots
            .values()
            .filter(|slot| !slot.value.is_bottom())
            .count()
    }

    /// Records a local change of the slot. Touches of other replicas are kept: a replica may
    /// hold this change without the ones it saw (types that depend only on what they replace
    /// are applied without their author's whole past), and must still be sent those.
    fn touch_local(&mut self, position: usize, dot: Dot) {
        self.merge_touches(position, &[dot]);
    }

    fn merge_touches(&mut self, position: usize, incoming: &[Dot]) {
        let slot_id = position as u32;
        for dot in incoming {
            let touches = &mut self.slots[position].touches;
            match touches.binary_search_by_key(&dot.replica, |touch| touch.replica) {
                Ok(at) if touches[at].counter >= dot.counter => {}
                Ok(at) => {
                    let old = std::mem::replace(&mut touches[at], *dot);
                    if self.indexed {
                        self.index[old.replica.as_usize()].remove(&(old.counter, slot_id));
                    }
                    self.index_insert(*dot, slot_id);
                }
                Err(at) => {
                    touches.insert(at, *dot);
                    self.index_insert(*dot, slot_id);
                }
            }
        }
    }

    fn index_insert(&mut self, dot: Dot, slot_id: u32) {
        if !self.indexed {
            return;
        }
        let replica = dot.replica.as_usize();
        if self.index.len() <= replica {
            self.index.resize_with(replica + 1, BTreeSet::new);
        }
        self.index[replica].insert((dot.counter, slot_id));
    }

    fn rebuild_index(&mut self) {
        self.index.clear();
        self.indexed = true;
        let touches: Vec<(Dot, u32)> = self
            .slots
            .values()
            .enumerate()
            .flat_map(|(position, slot)| {
                slot.touches.iter().map(move |dot| (*dot, position as u32))
            })
            .collect();
        for (dot, slot_id) in touches {
            self.index_insert(dot, slot_id);
        }
        self.live = self.count_live();
    }

    fn insert_slot(&mut self, key: K, slot: Slot<V>) -> bool {
        let live = !slot.value.is_bottom();
        let touches = slot.touches.clone();
        let (position, previous) = self.slots.insert_full(key, slot);
        if previous.is_some() {
            return false;
        }
        for dot in touches {
            self.index_insert(dot, position as u32);
        }
        self.live += usize::from(live);
        true
    }
}

impl<K: Key, V: DotStore> DotStore for Keyed<K, V> {
    const DEPENDS_ONLY_ON_REPLACED: bool = V::DEPENDS_ONLY_ON_REPLACED;
    const DROPS_COVERED: bool = V::DROPS_COVERED;

    fn drop_covered(&mut self, seen: &Clock) {
        for slot in self.slots.values_mut() {
            slot.value.drop_covered(seen);
        }
        // Dead slots the clock speaks for are forgotten: a replica that lacks their changes
        // lacks the record's too, and is sent the record.
        let before = self.slots.len();
        self.slots.retain(|_, slot| {
            !slot.value.is_bottom()
                || !removal::covers_dots(seen, &slot.touches)
                || slot
                    .removal
                    .as_ref()
                    .is_some_and(|record| !seen.dominates(record))
        });
        if self.slots.len() != before && self.indexed {
            self.rebuild_index();
        }
        self.live = self.count_live();
    }

    /// Every slot counts, dead ones too: [`DotStore::drop_covered`] forgets dead slots, so
    /// their bookkeeping must be of a kind a record speaks for.
    fn can_drop_covered(&self) -> bool {
        V::DROPS_COVERED
            && self
                .slots
                .values()
                .all(|slot| slot.value.can_drop_covered())
    }

    fn raise_seen(&self, seen: &mut Clock) {
        for slot in self.slots.values() {
            for dot in &slot.touches {
                seen.raise(dot.replica, dot.counter);
            }
            if let Some(record) = &slot.removal {
                seen.join(record);
            }
            slot.value.raise_seen(seen);
        }
    }

    fn compact(&mut self, stable: &Clock) -> usize {
        let nested: usize = self
            .slots
            .values_mut()
            .map(|slot| slot.value.compact(stable))
            .sum();
        nested + Keyed::compact(self, stable)
    }

    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::KEYED);
        V::write_schema(out);
    }

    fn is_bottom(&self) -> bool {
        self.live == 0
    }

    fn join(&mut self, context: &CausalContext, other: Self, other_context: &CausalContext) {
        for (key, incoming) in other.slots {
            let (position, _) = self.position_or_insert(key);
            let was_live = !self.slots[position].value.is_bottom();
            let slot = &mut self.slots[position];
            let mut value = incoming.value;
            let grew = incoming
                .removal
                .as_ref()
                .is_some_and(|record| removal::join_record(&mut slot.removal, record));
            // What a record covers is dropped whenever it arrives: from the incoming part
            // alone while the record stands (the rest was dropped before), from everything
            // when it grew.
            if let (Some(record), false) = (&slot.removal, grew) {
                value.drop_covered(record);
            }
            slot.value.join(context, value, other_context);
            if let (Some(record), true) = (&slot.removal, grew) {
                slot.value.drop_covered(record);
            }
            self.merge_touches(position, &incoming.touches);
            self.recount(position, was_live);
        }
    }

    fn join_complete(
        &mut self,
        context: &CausalContext,
        mut other: Self,
        other_context: &CausalContext,
    ) {
        // Every slot of ours is joined with what the complete state holds of its key, or with
        // nothing: dots the state's context covers and its store lacks were removed there.
        for position in 0..self.slots.len() {
            let key = self.slots.get_index(position).expect("in range").0;
            let incoming = other.slots.swap_remove(key);
            let was_live = !self.slots[position].value.is_bottom();
            let (touches, value) = match incoming {
                Some(slot) => (slot.touches, slot.value),
                None => (SmallVec::new(), V::default()),
            };
            self.slots[position]
                .value
                .join_complete(context, value, other_context);
            self.merge_touches(position, &touches);
            self.recount(position, was_live);
        }
        self.join(context, other, other_context);
    }

    fn delta_since(&self, since: &Clock) -> Self {
        debug_assert!(self.indexed, "delta_since on a fragment");
        let mut positions: Vec<u32> = Vec::new();
        for (replica, touched) in self.index.iter().enumerate() {
            let seen = since.get(index_of(replica));
            positions.extend(touched.range((seen + 1, 0)..).map(|(_, slot)| *slot));
        }
        sorting::sort_by_key(&mut positions, |position| u128::from(*position));
        positions.dedup();
        let mut fragment = Self::unindexed();
        for position in positions {
            let (key, slot) = self
                .slots
                .get_index(position as usize)
                .expect("index refers to existing slots");
            fragment.insert_slot(
                key.clone(),
                Slot {
                    touches: slot.touches.clone(),
                    value: slot.value.delta_since(since),
                    removal: slot.removal.clone(),
                },
            );
        }
        fragment
    }

    fn clear(&mut self, transaction: &mut Transaction, event: Dot, delta: &mut Self) {
        for position in 0..self.slots.len() {
            if self.slots[position].value.is_bottom() {
                continue;
            }
            let key = self.slots.get_index(position).expect("in range").0.clone();
            let (delta_position, _) = delta.position_or_insert(key);
            self.slots[position].value.clear(
                transaction,
                event,
                &mut delta.slots[delta_position].value,
            );
            self.touch_local(position, event);
            delta.touch_local(delta_position, event);
        }
        self.live = self.count_live();
        delta.live = delta.count_live();
    }

    fn remap(&mut self, map: &[ReplicaIndex]) {
        for slot in self.slots.values_mut() {
            for dot in &mut slot.touches {
                *dot = dot.remap(map);
            }
            if let Some(record) = &mut slot.removal {
                *record = record.remap(map);
            }
            sorting::sort_by_key(&mut slot.touches, |dot| sorting::dot_key(*dot));
            slot.value.remap(map);
        }
        // Slots keep their positions: the per-replica index only moves to the new replicas.
        let mut index = Vec::new();
        for (replica, touched) in std::mem::take(&mut self.index).into_iter().enumerate() {
            let target = map[replica].as_usize();
            if index.len() <= target {
                index.resize_with(target + 1, BTreeSet::new);
            }
            index[target] = touched;
        }
        self.index = index;
    }

    fn visit_dots(&self, visit: &mut dyn FnMut(Dot)) {
        for slot in self.slots.values() {
            for dot in &slot.touches {
                visit(*dot);
            }
            slot.value.visit_dots(visit);
        }
    }

    fn visit_dot_ranges(&self, visit: &mut dyn FnMut(ReplicaIndex, u64, u64)) {
        for slot in self.slots.values() {
            for dot in &slot.touches {
                visit(dot.replica, dot.counter, dot.counter);
            }
            slot.value.visit_dot_ranges(visit);
        }
    }

    fn max_lamport(&self) -> u64 {
        self.slots
            .values()
            .map(|slot| slot.value.max_lamport())
            .max()
            .unwrap_or(0)
    }

    fn content_eq(&self, other: &Self) -> bool {
        self.live == other.live
            && self.iter().all(|(key, value)| {
                other
                    .get(key)
                    .is_some_and(|theirs| value.content_eq(theirs))
            })
    }

    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut DigestBuilder) {
        for (key, value) in self.iter() {
            let depth = path.len();
            path.extend_from_slice(&key.encode_to_vec());
            value.digest(names, path, out);
            path.truncate(depth);
        }
    }

    /// Key by key: a slot whose touches show changes the other side's slot lacks wins whole;
    /// otherwise the values are repaired recursively.
    fn repair_join(&mut self, other: Self) {
        for (key, incoming) in other.slots {
            let Some(position) = self.slots.get_index_of(&key) else {
                // Rebuilt through a join so that nested stores are indexed like ours.
                let mut value = V::default();
                value.repair_join(incoming.value);
                if let Some(record) = &incoming.removal {
                    value.drop_covered(record);
                }
                self.insert_slot(
                    key,
                    Slot {
                        touches: incoming.touches,
                        value,
                        removal: incoming.removal,
                    },
                );
                continue;
            };
            let was_live = !self.slots[position].value.is_bottom();
            let mine = &self.slots[position].touches;
            let theirs = &incoming.touches;
            if covers(theirs, mine) && !covers(mine, theirs) {
                let mut value = V::default();
                value.repair_join(incoming.value);
                self.slots[position].value = value;
            } else if !covers(mine, theirs) || mine == theirs {
                self.slots[position].value.repair_join(incoming.value);
            }
            let slot = &mut self.slots[position];
            if let Some(record) = &incoming.removal {
                removal::join_record(&mut slot.removal, record);
            }
            if let Some(record) = &slot.removal {
                slot.value.drop_covered(record);
            }
            self.merge_touches(position, &incoming.touches);
            self.recount(position, was_live);
        }
    }

    fn encode(&self, out: &mut DotWriter) {
        self.encode_slots(out);
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        Self::decode_slots(input)
    }

    fn implied_by(&self, _touches: &[Dot]) -> bool {
        false
    }

    fn check(&self) -> Result<(), InvariantViolation> {
        let mut expected: Vec<BTreeSet<(u64, u32)>> = Vec::new();
        for (position, slot) in self.slots.values().enumerate() {
            if slot.touches.is_empty() {
                return Err(InvariantViolation::SlotWithoutTouches);
            }
            if !slot
                .touches
                .windows(2)
                .all(|pair| pair[0].replica < pair[1].replica)
            {
                return Err(InvariantViolation::TouchOrder);
            }
            for dot in &slot.touches {
                let replica = dot.replica.as_usize();
                if expected.len() <= replica {
                    expected.resize_with(replica + 1, BTreeSet::new);
                }
                expected[replica].insert((dot.counter, position as u32));
            }
            slot.value.check()?;
        }
        if self.indexed {
            let mut actual = self.index.clone();
            while actual.last().is_some_and(BTreeSet::is_empty) {
                actual.pop();
            }
            if actual != expected {
                return Err(InvariantViolation::TouchIndex);
            }
        } else if !self.index.iter().all(BTreeSet::is_empty) {
            // An unindexed store (a fragment) keeps no index.
            return Err(InvariantViolation::TouchIndex);
        }
        let actual = self.count_live();
        if self.live != actual {
            return Err(InvariantViolation::LiveCount {
                counted: self.live,
                actual,
            });
        }
        Ok(())
    }
}

/// Whether every touch in `small` is matched by a touch of the same replica in `big` that is at
/// least as recent.
fn covers(big: &[Dot], small: &[Dot]) -> bool {
    small.iter().all(|touch| {
        big.iter()
            .any(|other| other.replica == touch.replica && other.counter >= touch.counter)
    })
}

impl<K: Key, V: DotStore> PartialEq for Keyed<K, V> {
    /// Equal live content (bookkeeping aside), within one replica table.
    fn eq(&self, other: &Self) -> bool {
        self.content_eq(other)
    }
}

impl<K: Key + Serialize, V: DotStore + Serialize> Serialize for Keyed<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.slots.iter())
    }
}

impl<'de, K: Key + Deserialize<'de>, V: DotStore + Deserialize<'de>> Deserialize<'de>
    for Keyed<K, V>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs: Vec<(K, Slot<V>)> = Vec::deserialize(deserializer)?;
        let mut keyed = Self::default();
        for (key, slot) in pairs {
            if slot.touches.is_empty() {
                return Err(serde::de::Error::custom("slot without touches"));
            }
            if !keyed.insert_slot(key, slot) {
                return Err(serde::de::Error::custom("a key appears twice"));
            }
        }
        Ok(keyed)
    }
}
