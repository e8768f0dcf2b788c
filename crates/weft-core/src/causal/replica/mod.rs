//! `Replica<S>`: one replica of a replicated type.

use std::cell::Cell;
use std::ops::Deref;
use std::sync::Arc;

use crate::causal::CausalContext;
use crate::causal::delta::Delta;
use crate::causal::transaction::{Scope, Transaction};
use crate::digest::{Digest, DigestBuilder};
use crate::error::InvariantViolation;
use crate::ids::{Clock, Dot, ReplicaId, ReplicaIndex, ReplicaTable, VersionVector};
use crate::store::DotStore;
use crate::store::push_dot;

mod snapshot;

/// What [`Replica::apply`] did with a delta.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The delta was applied (and possibly some pending deltas after it).
    Applied,
    /// The delta depends on changes not received yet; it is kept and applied when they come.
    Pending,
    /// Everything in the delta was already known; nothing changed.
    Redundant,
}

/// One replica of a replicated type `S` (a counter, register, set or map): its identity, the
/// changes it has seen, its state, and the deltas waiting for their causal predecessors.
///
/// Reads go through `Deref` to the store (`replica.contains(..)`, `replica.value()`, …).
/// Mutations go through [`Replica::update`], which returns the delta to send; several
/// mutations in one `update` make one delta.
///
/// Never give two live replicas the same [`ReplicaId`].
///
/// ```
/// use weft_core::{AddWinsSet, Replica, ReplicaId, VersionVector};
/// let mut alice = Replica::<AddWinsSet<String>>::new(ReplicaId::random());
/// let mut bob = Replica::<AddWinsSet<String>>::new(ReplicaId::random());
/// let delta = alice.update(|set| set.insert("milk".to_string()));
/// bob.apply(&delta);
/// bob.update(|set| set.remove(&"milk".to_string()));
/// // Bob asks Alice for nothing, Alice asks Bob for what she lacks.
/// alice.apply(&bob.delta_since(&alice.version()));
/// assert!(!alice.contains(&"milk".to_string()));
/// assert!(alice.same_state(&bob));
/// ```
#[derive(Clone, Debug)]
pub struct Replica<S> {
    me: ReplicaIndex,
    table: ReplicaTable,
    context: CausalContext,
    store: S,
    pending: Vec<Delta<S>>,
    /// The clock at this replica's latest mutation: entries unchanged since then need not be
    /// repeated in the next mutation's `since` (the receiver had them for the previous one).
    last_mutation: Clock,
    /// The highest counter of this replica's own id that some peer holds (learnt from deltas
    /// and from peers' versions). If it is above what this replica has, the replica was
    /// restored from an older snapshot after those changes left it.
    own_floor: u64,
    /// The highest version this replica compacted at (see [`Replica::compact`]): a replica
    /// below it may hold entries whose removal records are forgotten, so it needs the
    /// complete state, not a delta.
    compacted: VersionVector,
    /// The digest of the current state, computed on demand and forgotten at every change (a
    /// sync handshake asks for it several times in a row).
    digest_cache: Cell<Option<Digest>>,
}

impl<S: DotStore> Replica<S> {
    /// A new, empty replica named `id`.
    #[must_use]
    pub fn new(id: ReplicaId) -> Self {
        let mut table = ReplicaTable::default();
        let me = table.intern(id);
        Self {
            me,
            table,
            context: CausalContext::default(),
            store: S::default(),
            pending: Vec::new(),
            last_mutation: Clock::default(),
            own_floor: 0,
            compacted: VersionVector::new(),
            digest_cache: Cell::new(None),
        }
    }

    /// This replica's id.
    #[must_use]
    pub fn id(&self) -> ReplicaId {
        self.table.id(self.me).expect("own id is in the table")
    }

    /// The changes applied so far, per replica. Pending deltas are not counted.
    #[must_use]
    pub fn version(&self) -> VersionVector {
        VersionVector::from_clock(self.context.clock(), &self.table)
    }

    /// The causal context (indices refer to [`Replica::table`]).
    #[must_use]
    pub fn context(&self) -> &CausalContext {
        &self.context
    }

    /// The replicas this replica has heard of.
    #[must_use]
    pub fn table(&self) -> &ReplicaTable {
        &self.table
    }

    /// The state.
    #[must_use]
    pub fn store(&self) -> &S {
        &self.store
    }

    /// How many received deltas wait for changes they depend on.
    #[must_use]
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// The received deltas that wait for changes they depend on, in no particular order.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// let mut a = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// let mut b = Replica::<GCounter>::new(ReplicaId::from_u128(2));
    /// a.update(|c| c.increment(1)); // never sent
    /// b.apply(&a.update(|c| c.increment(1)));
    /// assert_eq!(b.pending().len(), 1);
    /// ```
    #[must_use]
    pub fn pending(&self) -> &[Delta<S>] {
        &self.pending
    }

    /// Makes changes through `change` and returns them as one delta.
    ///
    /// ```
    /// use weft_core::{PNCounter, Replica, ReplicaId};
    /// let mut counter = Replica::<PNCounter>::new(ReplicaId::random());
    /// let delta = counter.update(|c| {
    ///     c.increment(5);
    ///     c.decrement(2);
    /// });
    /// assert_eq!(counter.value(), 3);
    /// assert!(!delta.is_empty());
    /// ```
    /// Whatever `change` returns is dropped; read it from the state afterwards if needed.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut Scope<'_, S>) -> R) -> Delta<S> {
        let next = self.renew_identity_if_behind();
        let me = self.me;
        let mut transaction = Transaction::new(self.id(), me, next, self.context.lamport());
        let mut delta_store = S::default();
        self.digest_cache.set(None);
        change(&mut Scope::new(
            &mut self.store,
            &mut delta_store,
            &mut transaction,
        ));
        if transaction.is_empty() {
            return Delta::empty();
        }
        let required = transaction.required().clone();
        let covered = transaction.into_context();
        let mut since = Clock::default();
        since.set(me, next - 1);
        if S::DEPENDS_ONLY_ON_REPLACED {
            // Wait only for what the changes replaced (their context beside the new dots).
            for (replica, last) in covered.clock().iter() {
                if replica != me {
                    since.raise(replica, last);
                }
            }
            for (replica, _, last) in covered.cloud() {
                if replica != me {
                    since.raise(replica, last);
                }
            }
        } else {
            for (replica, counter) in self.context.clock().iter() {
                if replica != me && self.last_mutation.get(replica) != counter {
                    since.set(replica, counter);
                }
            }
        }
        // A removal record requires its receiver to hold what the remover saw under the key.
        since.join(&required);
        self.context.join(&covered);
        self.last_mutation.clone_from(self.context.clock());
        Delta {
            replicas: self.table.shared_ids(),
            since,
            context: covered,
            store: delta_store,
        }
    }

    /// Makes changes through `change` without building a delta, and returns what `change`
    /// returns: the fast path for local editing (a keystroke costs no allocation). The
    /// changes reach other replicas through [`Replica::delta_since`], or with the next
    /// [`Replica::update`]'s delta as a dependency.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId, VersionVector};
    /// let mut counter = Replica::<GCounter>::new(ReplicaId::random());
    /// counter.edit(|c| c.increment(2));
    /// let mut other = Replica::<GCounter>::new(ReplicaId::random());
    /// other.apply(&counter.delta_since(&VersionVector::new()));
    /// assert_eq!(other.value(), 2);
    /// ```
    pub fn edit<R>(&mut self, change: impl FnOnce(&mut Scope<'_, S>) -> R) -> R {
        // The work around `change` is in two functions generic over `S` only. On WebAssembly
        // they stay out of line, so this shell, compiled once per closure (there are many),
        // stays small; natively they are inlined (a keystroke is ~100 instructions cheaper).
        let mut transaction = self.begin_edit();
        let result = change(&mut Scope::without_delta(&mut self.store, &mut transaction));
        self.finish_edit(transaction);
        result
    }

    /// The first half of [`Replica::edit`]: the transaction of the next local change.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn begin_edit(&mut self) -> Transaction {
        let next = self.renew_identity_if_behind();
        let me = self.me;
        self.digest_cache.set(None);
        Transaction::new(self.id(), me, next, self.context.lamport())
    }

    /// The second half of [`Replica::edit`]: records the dots `transaction` made and replaced.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn finish_edit(&mut self, transaction: Transaction) {
        let (own, covered) = transaction.into_parts();
        if let Some((replica, first, last)) = own {
            self.context.insert_range(replica, first, last);
        }
        // Most local edits replace nothing: no context to join (a keystroke stays cheap).
        if !covered.is_empty() || covered.lamport() > self.context.lamport() {
            self.context.join(&covered);
        }
    }

    /// Applies `delta` if this replica has every change it depends on; otherwise keeps it
    /// until they arrive. Applying a delta twice, or deltas in any order, gives the same state.
    pub fn apply(&mut self, delta: &Delta<S>) -> Outcome {
        if delta.is_empty() {
            return Outcome::Redundant;
        }
        // Check redundancy on the (small) context before copying the (large) store.
        let map = self.table.translate_from(&delta.replicas);
        if self.context.includes_mapped(&delta.context, &map) {
            return Outcome::Redundant;
        }
        if is_identity(&map) {
            return self.apply_translated(delta.clone(), &map);
        }
        if let Some(outcome) = self.join_if_ready(delta, &map) {
            return outcome;
        }
        // Renamed while copied: one pass over the delta instead of a copy, then a rename.
        let renamed = Delta {
            replicas: Arc::clone(&delta.replicas),
            since: delta.since.remap(&map),
            context: delta.context.remap(&map),
            store: delta.store.remapped(&map),
        };
        self.apply_renamed(renamed)
    }

    /// [`Replica::apply`] for a delta the caller gives away (no copy of the state).
    fn apply_owned(&mut self, delta: Delta<S>) -> Outcome {
        if delta.is_empty() {
            return Outcome::Redundant;
        }
        let map = self.table.translate_from(&delta.replicas);
        if S::JOINS_MAPPED && !is_identity(&map) {
            if self.context.includes_mapped(&delta.context, &map) {
                return Outcome::Redundant;
            }
            if let Some(outcome) = self.join_if_ready(&delta, &map) {
                return outcome;
            }
        }
        self.apply_translated(delta, &map)
    }

    /// Joins `delta` (not redundant; its replica `i` is this replica's `map[i]`) straight
    /// from the borrowed delta, renaming as it goes, if this replica has everything it
    /// depends on; `None` (nothing done) if not.
    fn join_if_ready(&mut self, delta: &Delta<S>, map: &[ReplicaIndex]) -> Option<Outcome> {
        if !self.context.clock().dominates_mapped(&delta.since, map) {
            return None;
        }
        self.note_own_changes(&delta.context, map);
        self.digest_cache.set(None);
        self.store
            .join_mapped(&self.context, &delta.store, &delta.context, map);
        self.context.join_mapped(&delta.context, map);
        self.drain_pending();
        Some(Outcome::Applied)
    }

    /// Applies `delta`, whose replica `i` is this replica's `map[i]`.
    fn apply_translated(&mut self, mut delta: Delta<S>, map: &[ReplicaIndex]) -> Outcome {
        if !is_identity(map) {
            delta.since = delta.since.remap(map);
            delta.context = delta.context.remap(map);
            delta.store.remap(map);
        }
        self.apply_renamed(delta)
    }

    /// Applies `delta`, whose indices are already this replica's.
    fn apply_renamed(&mut self, mut delta: Delta<S>) -> Outcome {
        delta.replicas = self.table.shared_ids();
        self.note_own_changes(&delta.context, &[]);
        if self.context.includes(&delta.context) {
            return Outcome::Redundant;
        }
        if !self.context.clock().dominates(&delta.since) {
            self.pending.push(delta);
            return Outcome::Pending;
        }
        self.join(delta);
        self.drain_pending();
        Outcome::Applied
    }

    /// Everything a replica at version `since` lacks, in size and time proportional to the
    /// changes since then plus the number of replicas.
    #[must_use]
    pub fn delta_since(&self, since: &VersionVector) -> Delta<S> {
        let requested = since.to_clock(&self.table);
        // Ask only for what we have: the receiver is at least at `since`, so at least at the
        // meet of `since` and our clock.
        let mut base = Clock::default();
        for (replica, counter) in requested.iter() {
            base.set(replica, counter.min(self.context.clock().get(replica)));
        }
        let clock = self.context.clock();
        if clock.iter().all(|(replica, top)| top <= base.get(replica))
            && self
                .context
                .cloud()
                .all(|(replica, _, last)| last <= base.get(replica))
        {
            // Nothing beyond `since`: the delta that says nothing, whatever the context's size.
            return Delta::empty();
        }
        Delta {
            replicas: self.table.shared_ids(),
            store: self.store.delta_since(&base),
            since: base,
            context: self.context.clone(),
        }
    }

    /// Merges everything `other` knows: its whole state (a state-based merge) and the
    /// deltas it holds pending.
    pub fn merge(&mut self, other: &Self) -> Outcome {
        let outcome = self.apply_owned(other.delta_since(&VersionVector::new()));
        for delta in &other.pending {
            self.apply(delta);
        }
        outcome
    }

    /// A new replica named `id` holding exactly what this one holds (its state, context and
    /// pending deltas): the same as [`merge`](Replica::merge) into `Replica::new(id)`, without
    /// encoding the state as a delta or renaming its replicas (the fork keeps this replica's
    /// table, with `id` added if it is not there). Its cost is the state's `clone` (stores
    /// that share their parts copy-on-write, like `Text`, copy only pointers then). If `id`
    /// already made changes this replica holds, the fork's next change follows them.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// let mut alice = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// alice.update(|c| c.increment(2));
    /// let mut bob = alice.fork(ReplicaId::from_u128(2));
    /// bob.update(|c| c.increment(3));
    /// assert_eq!((alice.value(), bob.value()), (2, 5));
    /// alice.apply(&bob.delta_since(&alice.version()));
    /// assert!(alice.same_state(&bob));
    /// ```
    #[must_use]
    pub fn fork(&self, id: ReplicaId) -> Self {
        let mut table = self.table.clone();
        let me = table.intern(id);
        let own_floor = self.context.top(me);
        Self {
            me,
            table,
            context: self.context.clone(),
            store: self.store.clone(),
            pending: self.pending.clone(),
            last_mutation: Clock::default(),
            own_floor,
            compacted: self.compacted.clone(),
            digest_cache: Cell::new(None),
        }
    }

    /// Forgets removed entries whose removal every replica has seen. `stable` must be a version
    /// that every replica which will ever sync with this one has reached (causal stability,
    /// e.g. the meet of the versions all known peers acknowledged): a replica below it that
    /// still held a removed entry would never learn of the removal. Returns how many entries
    /// went.
    pub fn compact(&mut self, stable: &VersionVector) -> usize {
        let stable = stable.to_clock(&self.table);
        let mut bounded = Clock::default();
        for (replica, counter) in stable.iter() {
            bounded.set(replica, counter.min(self.context.clock().get(replica)));
        }
        self.digest_cache.set(None);
        let forgotten = self.store.compact(&bounded);
        self.compacted
            .join(&VersionVector::from_clock(&bounded, &self.table));
        forgotten
    }

    /// The highest version this replica compacted at, or inherited from a complete state it
    /// applied ([`Replica::apply_complete`]): a replica whose version does not include it may
    /// hold removed entries that [`Replica::delta_since`] can no longer tell it to drop, and
    /// must be sent the complete state instead. Empty until the first compaction.
    ///
    /// ```
    /// use weft_core::{AddWinsSet, Replica, ReplicaId};
    /// let mut set = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(1));
    /// set.update(|s| s.insert(1));
    /// set.update(|s| s.remove(&1));
    /// assert!(set.compacted().is_empty());
    /// set.compact(&set.version());
    /// assert_eq!(set.compacted(), &set.version());
    /// ```
    #[must_use]
    pub fn compacted(&self) -> &VersionVector {
        &self.compacted
    }

    /// Applies `complete`, the whole state of a replica ([`Replica::delta_since`] the empty
    /// version) that may have compacted up to `compacted`: entries of this replica whose dots
    /// the state's context covers and whose keys it lacks are dropped (the sender removed
    /// them and forgot the record), while this replica's changes the sender has not seen
    /// survive. The compaction point is inherited, so this replica in turn sends complete
    /// states to replicas below it. A state that depends on changes this replica lacks is
    /// applied as a delta.
    ///
    /// ```
    /// use weft_core::{AddWinsSet, Replica, ReplicaId, VersionVector};
    /// let mut a = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(1));
    /// let mut b = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(2));
    /// b.apply(&a.update(|s| s.insert(1)));
    /// a.update(|s| s.remove(&1));
    /// a.compact(&a.version()); // too early: b never saw the removal
    /// b.update(|s| s.insert(2)); // offline
    /// let mut by_delta = b.clone();
    /// by_delta.apply(&a.delta_since(&by_delta.version()));
    /// assert!(by_delta.contains(&1)); // a delta cannot say it any more
    /// b.apply_complete(&a.delta_since(&VersionVector::new()), a.compacted());
    /// assert!(!b.contains(&1) && b.contains(&2));
    /// ```
    pub fn apply_complete(&mut self, complete: &Delta<S>, compacted: &VersionVector) -> Outcome {
        let outcome = self.join_complete_state(complete);
        // Inherited up to what this replica now holds (a compaction point is always within
        // the version of the replica that has it).
        let version = self.version();
        for (replica, counter) in compacted.iter() {
            let reached = counter.min(version.get(replica));
            if reached > self.compacted.get(replica) {
                self.compacted.set(replica, reached);
            }
        }
        outcome
    }

    fn join_complete_state(&mut self, complete: &Delta<S>) -> Outcome {
        if complete.is_empty() {
            return Outcome::Redundant;
        }
        let mut delta = complete.clone();
        let map = self.table.translate_from(&delta.replicas);
        if !delta.since.is_empty() || self.context.includes_mapped(&delta.context, &map) {
            return self.apply_translated(delta, &map);
        }
        delta.since = delta.since.remap(&map);
        delta.context = delta.context.remap(&map);
        delta.store.remap(&map);
        let own_top = delta
            .context
            .cloud()
            .filter(|(replica, _, _)| *replica == self.me)
            .map(|(_, _, last)| last)
            .fold(delta.context.clock().get(self.me), u64::max);
        self.own_floor = self.own_floor.max(own_top);
        self.digest_cache.set(None);
        self.store
            .join_complete(&self.context, delta.store, &delta.context);
        self.context.join(&delta.context);
        self.drain_pending();
        Outcome::Applied
    }

    /// Repairs divergence: merges `complete`, the whole state of a replica that claims the same
    /// version as this one but whose [`digest`](Replica::digest) differs (one of them lost or
    /// corrupted part of its state). Entries are merged by [`DotStore::repair_join`]: nothing
    /// live on either side is dropped unless the other shows a later change of that entry, so
    /// two replicas that repair from each other end with the same state and digest.
    ///
    /// A complete state depends on nothing. A delta that depends on changes this replica lacks
    /// is not a complete state: it is applied as any delta is (kept pending until they come),
    /// so that nothing it names is left outside this replica's context.
    pub fn repair(&mut self, complete: &Delta<S>) {
        let mut delta = complete.clone();
        let map = self.table.translate_from(&delta.replicas);
        if !self.context.clock().dominates(&delta.since.remap(&map)) {
            self.apply_translated(delta, &map);
            return;
        }
        delta.since = delta.since.remap(&map);
        delta.context = delta.context.remap(&map);
        delta.store.remap(&map);
        self.digest_cache.set(None);
        self.store.repair_join(delta.store);
        self.context.join(&delta.context);
        self.drain_pending();
    }

    /// An order-independent digest of the context and the live state: two replicas with the
    /// same digest hold the same state (with overwhelming probability), whatever their replica
    /// tables and the order in which they received changes.
    #[must_use]
    pub fn digest(&self) -> Digest {
        if let Some(digest) = self.digest_cache.get() {
            return digest;
        }
        let names = self.table.ids();
        let mut out = DigestBuilder::default();
        for (replica, counter) in self.context.clock().iter() {
            let mut atom = b"clock".to_vec();
            push_dot(&mut atom, names, Dot::new(replica, counter));
            out.add(&atom);
        }
        for (replica, first, last) in self.context.cloud() {
            let mut atom = b"cloud".to_vec();
            push_dot(&mut atom, names, Dot::new(replica, first));
            push_dot(&mut atom, names, Dot::new(replica, last));
            out.add(&atom);
        }
        self.store.digest(names, &mut Vec::new(), &mut out);
        let digest = out.finish();
        self.digest_cache.set(Some(digest));
        digest
    }

    /// Whether `self` and `other` hold the same changes and the same state, whatever their
    /// replica tables and bookkeeping.
    #[must_use]
    pub fn same_state(&self, other: &Self) -> bool {
        let mut table = self.table.clone();
        let map = table.translate_from(other.table.ids());
        let mut theirs = other.store.clone();
        theirs.remap(&map);
        let their_context = other.context.remap(&map);
        self.context.clock() == their_context.clock()
            && self.context.includes(&their_context)
            && their_context.includes(&self.context)
            && self.store.content_eq(&theirs)
    }

    /// Checks the internal invariants: the store's own (sortedness, indices, see
    /// [`DotStore::check`]), every dot the store mentions is in the context, and the Lamport
    /// clock is at least every stamp in the store. A replica changed only through this API
    /// always passes; tests and fuzzers call it after every step.
    ///
    /// ```
    /// use weft_core::{PNCounter, Replica, ReplicaId};
    /// let mut replica = Replica::<PNCounter>::new(ReplicaId::random());
    /// replica.update(|counter| counter.increment(3));
    /// assert_eq!(replica.check(), Ok(()));
    /// ```
    ///
    /// # Errors
    /// The first [`InvariantViolation`] found.
    pub fn check(&self) -> Result<(), InvariantViolation> {
        self.store.check()?;
        let mut outside = None;
        self.store.visit_dot_ranges(&mut |replica, first, last| {
            if outside.is_none() && !self.context.includes_range(replica, first, last) {
                outside = Some(InvariantViolation::DotsOutsideContext {
                    replica: replica.0,
                    first,
                    last,
                });
            }
        });
        if let Some(violation) = outside {
            return Err(violation);
        }
        let (clock, store) = (self.context.lamport(), self.store.max_lamport());
        if store > clock {
            return Err(InvariantViolation::LamportBehind { clock, store });
        }
        Ok(())
    }

    /// Records that a peer holds the changes of this replica's own id up to `version`'s entry
    /// for it (the sync protocol calls this with every peer version it learns). A replica
    /// restored from an older snapshot thereby learns that counters above its own are taken.
    pub fn note_peer_version(&mut self, version: &VersionVector) {
        self.own_floor = self.own_floor.max(version.get(self.id()));
    }

    /// The highest counter of each replica that this replica holds only in pending deltas
    /// (changes it has received but cannot apply yet), for the replicas where that is beyond
    /// its [`version`](Replica::version). A hello carries it, so that a peer restored from an
    /// older snapshot learns of its own changes that this replica holds in any form.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId};
    /// let mut a = Replica::<GCounter>::new(ReplicaId::from_u128(1));
    /// let mut b = Replica::<GCounter>::new(ReplicaId::from_u128(2));
    /// a.update(|c| c.increment(1)); // lost in transit
    /// let second = a.update(|c| c.increment(1));
    /// b.apply(&second); // waits for the first
    /// assert_eq!(b.version().get(a.id()), 0);
    /// assert_eq!(b.pending_tops().get(a.id()), 2);
    /// ```
    #[must_use]
    pub fn pending_tops(&self) -> VersionVector {
        let mut tops = Clock::default();
        for delta in &self.pending {
            for (replica, counter) in delta.context.clock().iter() {
                tops.raise(replica, counter);
            }
            for (replica, _, last) in delta.context.cloud() {
                tops.raise(replica, last);
            }
        }
        let mut beyond = Clock::default();
        for (replica, counter) in tops.iter() {
            if counter > self.context.clock().get(replica) {
                beyond.set(replica, counter);
            }
        }
        VersionVector::from_clock(&beyond, &self.table)
    }

    /// The highest counter of this replica's own id that this replica or a peer is known to
    /// hold. Above the replica's own changes, it means the replica was restored from an older
    /// snapshot, and its next change is made under a fresh id.
    ///
    /// ```
    /// use weft_core::{GCounter, Replica, ReplicaId, VersionVector};
    /// let id = ReplicaId::from_u128(1);
    /// let mut counter = Replica::<GCounter>::new(id);
    /// counter.note_peer_version(&[(id, 4)].into_iter().collect::<VersionVector>());
    /// assert_eq!(counter.own_counter_floor(), 4);
    /// ```
    #[must_use]
    pub fn own_counter_floor(&self) -> u64 {
        self.own_floor
    }

    /// The own-id floor that the state and the pending deltas imply by themselves.
    fn implied_own_floor(&self) -> u64 {
        self.pending
            .iter()
            .flat_map(|delta| {
                let clock = delta.context.clock().get(self.me);
                delta
                    .context
                    .cloud()
                    .filter(|(replica, _, _)| *replica == self.me)
                    .map(|(_, _, last)| last)
                    .chain([clock])
            })
            .fold(self.context.top(self.me), u64::max)
    }

    /// Whether some peer holds changes of this replica's id that this replica lacks (it was
    /// restored from an older snapshot). The next change is then made under a fresh id (see
    /// [`Replica::update`]), so that no counter is ever reused.
    #[must_use]
    pub fn is_behind_own_changes(&self) -> bool {
        self.own_floor >= self.next_counter()
    }

    /// A replica restored from an older snapshot must not number new changes with counters its
    /// earlier incarnation already used (peers hold those changes): if it is behind its own
    /// changes, it continues under a fresh random id. The old id's changes stay what they are;
    /// they reach this replica like anyone else's. Returns the counter of the next change.
    #[inline]
    fn renew_identity_if_behind(&mut self) -> u64 {
        let next = self.next_counter();
        if self.own_floor < next {
            return next;
        }
        self.me = self.table.intern(ReplicaId::random());
        self.last_mutation = Clock::default();
        self.own_floor = 0;
        self.next_counter()
    }

    /// Raises the own-id floor to the highest change of this replica's own id in `context`,
    /// whose replica `i` is this replica's `map[i]` (an empty `map`: the same numbering).
    fn note_own_changes(&mut self, context: &CausalContext, map: &[ReplicaIndex]) {
        let rename =
            |replica: ReplicaIndex| map.get(replica.as_usize()).copied().unwrap_or(replica);
        let own_top = context
            .clock()
            .iter()
            .chain(context.cloud().map(|(replica, _, last)| (replica, last)))
            .filter(|(replica, _)| rename(*replica) == self.me)
            .map(|(_, counter)| counter)
            .fold(0, u64::max);
        self.own_floor = self.own_floor.max(own_top);
    }

    fn next_counter(&self) -> u64 {
        self.context.top(self.me) + 1
    }

    fn join(&mut self, delta: Delta<S>) {
        self.digest_cache.set(None);
        self.store.join(&self.context, delta.store, &delta.context);
        self.context.join(&delta.context);
    }

    fn drain_pending(&mut self) {
        loop {
            let mut progressed = false;
            let mut index = 0;
            while index < self.pending.len() {
                if self.context.includes(&self.pending[index].context) {
                    self.pending.swap_remove(index);
                } else if self.context.clock().dominates(&self.pending[index].since) {
                    let delta = self.pending.swap_remove(index);
                    self.join(delta);
                    progressed = true;
                } else {
                    index += 1;
                }
            }
            if !progressed {
                return;
            }
        }
    }
}

/// Whether `map` renames no replica.
fn is_identity(map: &[ReplicaIndex]) -> bool {
    map.iter()
        .enumerate()
        .all(|(from, to)| from == to.as_usize())
}

impl<S> Deref for Replica<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.store
    }
}
