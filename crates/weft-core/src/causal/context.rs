//! The causal context: every change a replica has seen, compressed.

use serde::{Deserialize, Serialize};

use crate::ids::{Clock, Dot, ReplicaIndex};

/// The set of changes (dots) a replica has seen, plus its Lamport clock.
///
/// Stored as a [`Clock`] (all dots `(r, 1..=clock[r])`) and a *cloud* of dots seen out of
/// order, above the clock, kept as disjoint ranges per replica. Inserting the dot right above
/// the clock absorbs whatever part of the cloud becomes contiguous, so the cloud stays empty
/// when changes arrive in causal order, and a range of any length costs one entry.
///
/// The context is also the authority of a state fragment: a dot that is in the context but in
/// no live entry of the store is a change whose effect has been overwritten or removed.
///
/// ```
/// use weft_core::{CausalContext, Dot, ReplicaIndex};
/// let r = ReplicaIndex(0);
/// let mut context = CausalContext::default();
/// context.insert(Dot::new(r, 2)); // out of order: kept in the cloud
/// assert_eq!(context.clock().get(r), 0);
/// assert!(context.contains(Dot::new(r, 2)));
/// context.insert(Dot::new(r, 1)); // fills the gap: both move into the clock
/// assert_eq!(context.clock().get(r), 2);
/// assert!(context.cloud_is_empty());
/// ```
#[derive(Clone, Default, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CausalContext {
    clock: Clock,
    /// Sorted by replica, no replica twice, none without ranges. Per replica: sorted,
    /// disjoint, non-adjacent inclusive ranges, all above `clock + 1`. (A sorted vector rather
    /// than a `BTreeMap`: few replicas are ever in the cloud, and the WebAssembly build saves
    /// a B-tree instantiation; serde still sees a map.)
    #[serde(with = "cloud_as_map")]
    cloud: Vec<(ReplicaIndex, Vec<(u64, u64)>)>,
    lamport: u64,
}

impl CausalContext {
    /// The context covering exactly the dots of `clock`.
    #[must_use]
    pub fn from_clock(clock: Clock) -> Self {
        Self {
            clock,
            cloud: Vec::new(),
            lamport: 0,
        }
    }

    /// The contiguous part: for each replica, all dots up to this counter have been seen.
    #[must_use]
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Dots seen above the contiguous part, as `(replica, first, last)` inclusive ranges.
    pub fn cloud(&self) -> impl Iterator<Item = (ReplicaIndex, u64, u64)> + '_ {
        self.cloud.iter().flat_map(|(replica, ranges)| {
            ranges
                .iter()
                .map(move |(first, last)| (*replica, *first, *last))
        })
    }

    /// The highest counter of `replica` seen (0 if none), in or above the clock.
    #[must_use]
    pub fn top(&self, replica: ReplicaIndex) -> u64 {
        let top = self.clock.get(replica);
        // Cloud ranges are sorted and above the clock: the last one ends highest.
        self.ranges(replica)
            .and_then(|ranges| ranges.last())
            .map_or(top, |(_, last)| top.max(*last))
    }

    /// Whether no dot was seen out of order.
    #[must_use]
    pub fn cloud_is_empty(&self) -> bool {
        self.cloud.is_empty()
    }

    /// The highest Lamport timestamp seen.
    #[must_use]
    pub fn lamport(&self) -> u64 {
        self.lamport
    }

    /// Raises the Lamport clock to at least `lamport`.
    pub fn observe_lamport(&mut self, lamport: u64) {
        self.lamport = self.lamport.max(lamport);
    }

    /// Advances the Lamport clock and returns the new timestamp.
    pub fn tick_lamport(&mut self) -> u64 {
        self.lamport = self.lamport.wrapping_add(1);
        self.lamport
    }

    /// Whether `dot` has been seen.
    #[must_use]
    pub fn contains(&self, dot: Dot) -> bool {
        self.clock.contains(dot)
            || self.ranges(dot.replica).is_some_and(|ranges| {
                let after = ranges.partition_point(|(first, _)| *first <= dot.counter);
                after > 0 && ranges[after - 1].1 >= dot.counter
            })
    }

    /// Records `dot` as seen.
    pub fn insert(&mut self, dot: Dot) {
        self.insert_range(dot.replica, dot.counter, dot.counter);
    }

    /// Records all dots `(replica, first..=last)` as seen. Cost: O(cloud ranges of `replica`),
    /// whatever the length of the range.
    #[inline]
    pub fn insert_range(&mut self, replica: ReplicaIndex, first: u64, last: u64) {
        // The common case (a replica's own next changes, nothing seen out of order) inline.
        if self.cloud.is_empty() && first >= 1 && first <= last {
            let top = self.clock.get(replica);
            if first == top + 1 {
                self.clock.set(replica, last);
                return;
            }
        }
        self.insert_range_in_general(replica, first, last);
    }

    /// [`CausalContext::insert_range`] in every case.
    fn insert_range_in_general(&mut self, replica: ReplicaIndex, first: u64, last: u64) {
        let first = first.max(1);
        let top = self.clock.get(replica);
        if first > last || last <= top {
            return;
        }
        if first <= top.saturating_add(1) {
            self.clock.set(replica, last);
            if !self.cloud.is_empty() {
                self.absorb(replica);
            }
            return;
        }
        let ranges = match self.position(replica) {
            Ok(position) => &mut self.cloud[position].1,
            Err(position) => {
                self.cloud.insert(position, (replica, Vec::new()));
                &mut self.cloud[position].1
            }
        };
        // Merge [first, last] with every range it overlaps or touches.
        let start = ranges.partition_point(|(_, end)| end.saturating_add(1) < first);
        let mut merged = (first, last);
        let mut stop = start;
        while stop < ranges.len() && ranges[stop].0 <= last.saturating_add(1) {
            merged.0 = merged.0.min(ranges[stop].0);
            merged.1 = merged.1.max(ranges[stop].1);
            stop += 1;
        }
        ranges.splice(start..stop, [merged]);
    }

    /// The next dot of `replica` after everything seen in the clock:
    /// `(replica, clock[replica] + 1)`. Records it as seen.
    pub fn next_dot(&mut self, replica: ReplicaIndex) -> Dot {
        let dot = Dot::new(replica, self.clock.get(replica) + 1);
        self.insert(dot);
        dot
    }

    /// Adds everything `other` has seen.
    pub fn join(&mut self, other: &Self) {
        if self.cloud.is_empty() && other.cloud.is_empty() {
            // Two dense contexts (the usual case): their join is the entrywise maximum.
            self.clock.join(&other.clock);
            self.lamport = self.lamport.max(other.lamport);
            return;
        }
        for (replica, counter) in other.clock.iter() {
            self.insert_range(replica, 1, counter);
        }
        for (replica, first, last) in other.cloud() {
            self.insert_range(replica, first, last);
        }
        self.lamport = self.lamport.max(other.lamport);
    }

    /// [`CausalContext::join`] of `other` with its replica `i` renamed to `map[i]`, without
    /// building the renamed copy.
    ///
    /// ```
    /// use weft_core::{CausalContext, Dot, ReplicaIndex};
    /// let mut mine = CausalContext::default();
    /// let mut theirs = CausalContext::default();
    /// theirs.insert_range(ReplicaIndex(0), 1, 2);
    /// mine.join_mapped(&theirs, &[ReplicaIndex(1)]);
    /// assert!(mine.contains(Dot::new(ReplicaIndex(1), 2)));
    /// assert!(!mine.contains(Dot::new(ReplicaIndex(0), 1)));
    /// ```
    pub fn join_mapped(&mut self, other: &Self, map: &[ReplicaIndex]) {
        for (replica, counter) in other.clock.iter() {
            let replica = map[replica.as_usize()];
            if self.cloud.is_empty() {
                self.clock.raise(replica, counter);
            } else {
                self.insert_range(replica, 1, counter);
            }
        }
        for (replica, first, last) in other.cloud() {
            self.insert_range(map[replica.as_usize()], first, last);
        }
        self.lamport = self.lamport.max(other.lamport);
    }

    /// Whether every dot of `other` is in `self`.
    #[must_use]
    pub fn includes(&self, other: &Self) -> bool {
        self.clock.dominates(&other.clock)
            && other
                .cloud()
                .all(|(replica, first, last)| self.includes_range(replica, first, last))
    }

    /// Whether `self` holds every dot of `other` once `other`'s replica `i` is renamed to
    /// `map[i]`: [`CausalContext::includes`] of `other.remap(map)`, without building it.
    ///
    /// ```
    /// use weft_core::{CausalContext, ReplicaIndex};
    /// let mut mine = CausalContext::default();
    /// mine.insert_range(ReplicaIndex(1), 1, 3);
    /// let mut theirs = CausalContext::default();
    /// theirs.insert_range(ReplicaIndex(0), 1, 2);
    /// assert!(mine.includes_mapped(&theirs, &[ReplicaIndex(1)]));
    /// assert!(!mine.includes_mapped(&theirs, &[ReplicaIndex(0)]));
    /// ```
    #[must_use]
    pub fn includes_mapped(&self, other: &Self, map: &[ReplicaIndex]) -> bool {
        other
            .clock
            .iter()
            .all(|(replica, counter)| self.includes_range(map[replica.as_usize()], 1, counter))
            && other.cloud().all(|(replica, first, last)| {
                self.includes_range(map[replica.as_usize()], first, last)
            })
    }

    /// Whether all dots `(replica, first..=last)` are in `self`.
    #[must_use]
    pub fn includes_range(&self, replica: ReplicaIndex, first: u64, last: u64) -> bool {
        if last <= self.clock.get(replica) {
            return true;
        }
        let first = first.max(self.clock.get(replica) + 1);
        self.ranges(replica).is_some_and(|ranges| {
            ranges
                .iter()
                .any(|(from, to)| *from <= first && last <= *to)
        })
    }

    /// This context with replica `i` renamed to `map[i]`.
    #[must_use]
    pub fn remap(&self, map: &[ReplicaIndex]) -> Self {
        let mut out = Self::from_clock(self.clock.remap(map));
        out.lamport = self.lamport;
        for (replica, first, last) in self.cloud() {
            out.insert_range(map[replica.as_usize()], first, last);
        }
        out
    }

    /// Whether nothing has been seen.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.clock.is_empty() && self.cloud.is_empty()
    }

    /// Where `replica` is in the cloud (`Ok`), or where it would go (`Err`).
    fn position(&self, replica: ReplicaIndex) -> Result<usize, usize> {
        self.cloud.binary_search_by_key(&replica, |(held, _)| *held)
    }

    /// The cloud ranges of `replica`, if it has any.
    fn ranges(&self, replica: ReplicaIndex) -> Option<&Vec<(u64, u64)>> {
        let position = self.position(replica).ok()?;
        Some(&self.cloud[position].1)
    }

    fn absorb(&mut self, replica: ReplicaIndex) {
        let Ok(position) = self.position(replica) else {
            return;
        };
        let ranges = &mut self.cloud[position].1;
        let mut top = self.clock.get(replica);
        let mut consumed = 0;
        for (first, last) in ranges.iter() {
            if *first > top.saturating_add(1) {
                break;
            }
            top = top.max(*last);
            consumed += 1;
        }
        ranges.drain(..consumed);
        if ranges.is_empty() {
            self.cloud.remove(position);
        }
        self.clock.set(replica, top);
    }
}

/// The cloud through serde as the map `replica ↦ ranges` it was when it was a `BTreeMap`.
mod cloud_as_map {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use crate::ids::ReplicaIndex;

    type Cloud = Vec<(ReplicaIndex, Vec<(u64, u64)>)>;

    pub(super) fn serialize<S: Serializer>(
        cloud: &Cloud,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(cloud.iter().map(|(replica, ranges)| (replica, ranges)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Cloud, D::Error> {
        let map = BTreeMap::<ReplicaIndex, Vec<(u64, u64)>>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_sees_the_cloud_as_a_map() {
        let mut context = CausalContext::default();
        context.insert(Dot::new(ReplicaIndex(2), 5));
        context.insert(Dot::new(ReplicaIndex(0), 3));
        context.insert(Dot::new(ReplicaIndex(0), 4));
        let json = serde_json::to_string(&context).expect("serializes");
        assert!(
            json.contains(r#""cloud":{"0":[[3,4]],"2":[[5,5]]}"#),
            "{json}"
        );
        let back: CausalContext = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, context);
    }

    /// A context from arbitrary ranges of replicas 0..4, and a renaming of those replicas
    /// (a permutation of 0..6, so that some land past the others).
    fn context_and_map(ranges: &[(u8, u8, u8)], seed: u64) -> (CausalContext, Vec<ReplicaIndex>) {
        let mut context = CausalContext::default();
        for (replica, first, span) in ranges {
            let first = u64::from(*first % 20) + 1;
            context.insert_range(
                ReplicaIndex(u32::from(replica % 4)),
                first,
                first + u64::from(span % 5),
            );
        }
        context.observe_lamport(seed % 100);
        let mut map: Vec<ReplicaIndex> = (0..6).map(ReplicaIndex).collect();
        let mut state = seed | 1;
        for slot in (1..map.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            map.swap(slot, (state % (slot as u64 + 1)) as usize);
        }
        (context, map)
    }

    quickcheck::quickcheck! {
        fn join_mapped_is_the_join_of_the_renamed_context(
            mine: Vec<(u8, u8, u8)>,
            theirs: Vec<(u8, u8, u8)>,
            seed: u64
        ) -> bool {
            let (mut direct, _) = context_and_map(&mine, 1);
            let (other, map) = context_and_map(&theirs, seed);
            let mut renamed = direct.clone();
            renamed.join(&other.remap(&map));
            direct.join_mapped(&other, &map);
            direct == renamed
        }

        fn dense_join_is_the_join_range_by_range(mine: Vec<(u8, u8)>, theirs: Vec<(u8, u8)>) -> bool {
            let dense = |counters: &[(u8, u8)]| {
                let mut context = CausalContext::default();
                for (replica, last) in counters {
                    context.insert_range(ReplicaIndex(u32::from(replica % 5)), 1, u64::from(*last));
                }
                context
            };
            let (mut fast, other) = (dense(&mine), dense(&theirs));
            let mut slow = fast.clone();
            for (replica, counter) in other.clock().iter() {
                slow.insert_range(replica, 1, counter);
            }
            fast.join(&other);
            fast == slow
        }
    }
}
