//! Transactions and scopes: how mutations allocate dots and build their delta.

use crate::causal::CausalContext;
use crate::ids::{Clock, Dot, ReplicaId, ReplicaIndex};

/// The bookkeeping of one batch of mutations by one replica: the dots it allocates, the dots
/// it overwrites or removes, and its Lamport timestamps. Everything it records becomes the
/// *exact* causal context of the batch's delta.
///
/// ```
/// use weft_core::{ReplicaId, ReplicaIndex, Transaction};
/// let mut transaction = Transaction::new(ReplicaId::from_u128(1), ReplicaIndex(0), 1, 0);
/// let first = transaction.next_dot();
/// let second = transaction.next_dot();
/// assert_eq!((first.counter, second.counter), (1, 2));
/// assert_eq!(transaction.last_dot(), Some(second));
/// ```
#[derive(Debug, Clone)]
pub struct Transaction {
    id: ReplicaId,
    replica: ReplicaIndex,
    next_counter: u64,
    /// The counter of the first dot this transaction allocates: its own dots are
    /// `first_counter..next_counter`, added to the context only when it is taken, so that
    /// allocating dots never allocates memory.
    first_counter: u64,
    lamport: u64,
    covered: CausalContext,
    /// What a receiver must have seen before applying the changes, beyond what they replace
    /// (removal records: see [`Transaction::require`]). Empty, and never allocated, otherwise.
    required: Clock,
    last: Option<Dot>,
}

impl Transaction {
    /// A transaction of the replica `id`, which has index `replica` in its table, whose first
    /// dot has counter `next_counter` and whose Lamport clock stands at `lamport`.
    #[must_use]
    pub fn new(id: ReplicaId, replica: ReplicaIndex, next_counter: u64, lamport: u64) -> Self {
        Self {
            id,
            replica,
            next_counter,
            first_counter: next_counter,
            lamport,
            covered: CausalContext::default(),
            required: Clock::default(),
            last: None,
        }
    }

    /// The id of the replica making the changes.
    #[must_use]
    pub fn id(&self) -> ReplicaId {
        self.id
    }

    /// The index of the replica making the changes.
    #[must_use]
    pub fn replica(&self) -> ReplicaIndex {
        self.replica
    }

    /// Allocates the dot of a new change.
    pub fn next_dot(&mut self) -> Dot {
        let dot = Dot::new(self.replica, self.next_counter);
        self.next_counter += 1;
        self.last = Some(dot);
        dot
    }

    /// Allocates the dots of `count` new changes made as one run (one per element of an
    /// inserted run, say) and returns the first; the others follow it in counter order.
    ///
    /// # Panics
    /// If `count` is 0.
    pub fn next_dots(&mut self, count: u64) -> Dot {
        assert!(count > 0, "allocating an empty run of dots");
        let first = Dot::new(self.replica, self.next_counter);
        let last = self.next_counter + count - 1;
        self.next_counter = last + 1;
        self.last = Some(Dot::new(self.replica, last));
        first
    }

    /// Records that the change being made overwrites or removes `dot`.
    pub fn drop_dot(&mut self, dot: Dot) {
        self.covered.insert(dot);
    }

    /// Records that the changes being made must be applied only by a replica that has seen
    /// `seen` (a removal record drops every dot `seen` covers, so its receiver must hold them
    /// all first). This transaction's own dots are left out: they travel with it.
    ///
    /// ```
    /// use weft_core::{Clock, ReplicaId, ReplicaIndex, Transaction};
    /// let mut transaction = Transaction::new(ReplicaId::from_u128(1), ReplicaIndex(0), 4, 0);
    /// transaction.next_dot();
    /// transaction.require(&Clock::from_counters(vec![4, 7]));
    /// assert_eq!(transaction.required(), &Clock::from_counters(vec![3, 7]));
    /// ```
    pub fn require(&mut self, seen: &Clock) {
        for (replica, counter) in seen.iter() {
            let counter = if replica == self.replica {
                counter.min(self.first_counter - 1)
            } else {
                counter
            };
            self.required.raise(replica, counter);
        }
    }

    /// What the changes require their receiver to have seen (see [`Transaction::require`]).
    #[must_use]
    pub fn required(&self) -> &Clock {
        &self.required
    }

    /// A new Lamport timestamp, above every one seen.
    pub fn tick_lamport(&mut self) -> u64 {
        self.lamport = self.lamport.wrapping_add(1);
        self.covered.observe_lamport(self.lamport);
        self.lamport
    }

    /// The dot of the latest change made, if any.
    #[must_use]
    pub fn last_dot(&self) -> Option<Dot> {
        self.last
    }

    /// Whether no change was made.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// The exact causal context of the changes made: their dots and the dots they replaced.
    #[must_use]
    pub fn into_context(self) -> CausalContext {
        let (own, mut covered) = self.into_parts();
        if let Some((replica, first, last)) = own {
            covered.insert_range(replica, first, last);
        }
        covered
    }

    /// The transaction's own dots as `(replica, first, last)` (if any), and the context of
    /// the dots it replaced, kept apart so that a replica can add its own run without
    /// building a context for it.
    pub(crate) fn into_parts(self) -> (Option<(ReplicaIndex, u64, u64)>, CausalContext) {
        let own = (self.next_counter > self.first_counter)
            .then(|| (self.replica, self.first_counter, self.next_counter - 1));
        (own, self.covered)
    }
}

/// Mutable access to one store (possibly nested in a map) during a transaction: the store
/// itself, the delta being built for it, and the transaction.
///
/// Each replicated type implements its mutations on `Scope<'_, ItsStore>`, so the same code
/// serves a standalone replica and a value nested in a map or document.
#[derive(Debug)]
pub struct Scope<'a, S> {
    store: &'a mut S,
    delta: DeltaSlot<'a, S>,
    transaction: &'a mut Transaction,
    records_delta: bool,
}

/// Where a scope's delta goes.
#[derive(Debug)]
enum DeltaSlot<'a, S> {
    /// The delta being built (or the part of an outer scope's delta for a nested store).
    Borrowed(&'a mut S),
    /// A delta nobody reads ([`Replica::edit`](crate::Replica::edit)), made only if a
    /// mutation asks for it through [`Scope::parts`]: a keystroke that builds no delta
    /// neither makes nor drops an empty store.
    Scratch(Option<S>),
}

impl<'a, S> Scope<'a, S> {
    /// A scope over `store`, recording into `delta` and `transaction`.
    pub fn new(store: &'a mut S, delta: &'a mut S, transaction: &'a mut Transaction) -> Self {
        Self {
            store,
            delta: DeltaSlot::Borrowed(delta),
            transaction,
            records_delta: true,
        }
    }

    /// A scope over a store nested in another scope's store, recording its delta only if the
    /// outer scope does (`records_delta`, from [`Scope::records_delta`]).
    pub fn nested(
        store: &'a mut S,
        delta: &'a mut S,
        transaction: &'a mut Transaction,
        records_delta: bool,
    ) -> Self {
        Self {
            store,
            delta: DeltaSlot::Borrowed(delta),
            transaction,
            records_delta,
        }
    }

    /// A scope whose delta nobody will read (see [`Replica::edit`](crate::Replica::edit)):
    /// types may skip writing it ([`Scope::recording_parts`]); one that asks for it through
    /// [`Scope::parts`] gets an empty store, dropped at the end of the scope.
    pub fn without_delta(store: &'a mut S, transaction: &'a mut Transaction) -> Self {
        Self {
            store,
            delta: DeltaSlot::Scratch(None),
            transaction,
            records_delta: false,
        }
    }

    /// Whether the delta being built will be used. Mutations may skip building it when it
    /// is not (the changes are then shipped later by `delta_since`); writing it anyway is
    /// harmless.
    #[must_use]
    pub fn records_delta(&self) -> bool {
        self.records_delta
    }

    /// The current state of the store.
    #[must_use]
    pub fn current(&self) -> &S {
        self.store
    }

    /// The store, the delta when it is recorded (`None` when [`Scope::records_delta`] is
    /// false) and the transaction: for mutations that skip the delta nobody reads.
    pub fn recording_parts(&mut self) -> (&mut S, Option<&mut S>, &mut Transaction) {
        let delta = match &mut self.delta {
            DeltaSlot::Borrowed(delta) if self.records_delta => Some(&mut **delta),
            _ => None,
        };
        (self.store, delta, self.transaction)
    }
}

impl<S: Default> Scope<'_, S> {
    /// The store, its delta and the transaction, for implementing mutations.
    pub fn parts(&mut self) -> (&mut S, &mut S, &mut Transaction) {
        let delta = match &mut self.delta {
            DeltaSlot::Borrowed(delta) => &mut **delta,
            DeltaSlot::Scratch(scratch) => scratch.get_or_insert_with(S::default),
        };
        (self.store, delta, self.transaction)
    }
}
