//! Dot stores: the state of a causal CRDT, without its causal context.
//!
//! Every replicated type is a *dot store* `S` paired with a [`CausalContext`] `C`: the
//! set of changes (dots) the replica has seen. Following Almeida, Shoker and Baquero
//! (*Delta State Replicated Data Types*), the join of two pairs keeps a live dot if both sides
//! hold it, or if one side holds it and the other has never seen it:
//!
//! ```text
//! (s₁, c₁) ⊔ (s₂, c₂) = ((s₁ ∩ s₂) ∪ (s₁ ∖ c₂) ∪ (s₂ ∖ c₁),  c₁ ∪ c₂)
//! ```
//!
//! A dot in `c` but in no live entry of `s` is therefore a change that was overwritten or
//! removed, and stays so forever. Stores nest (a map's values are stores) and all levels
//! share the one context of the replica that owns them.
//!
//! A *fragment* is a store that speaks only for the entries it holds: an entry present in the
//! fragment is joined by the rule above, an entry absent is left alone. Mutations and
//! `delta_since` produce fragments; see `docs/ARCHITECTURE.md` for why this keeps deltas
//! proportional to the changes they carry, removals included.

mod counter;
mod dot_fun;
mod keyed;
mod removal;

pub use counter::{CounterEntry, CounterStore};
pub use dot_fun::{DotFun, DotSet, Value};
pub use keyed::{Key, Keyed, Slot};

use std::fmt::Debug;

use crate::causal::{CausalContext, Transaction};
use crate::codec::{DotReader, DotWriter, Encoder};
use crate::digest::DigestBuilder;
use crate::error::{DecodeError, InvariantViolation};
use crate::ids::{Clock, Dot, ReplicaId, ReplicaIndex};

/// The state of a causal CRDT (or a fragment of it), under a causal context kept elsewhere.
///
/// Implementations must make [`DotStore::join`] a join-semilattice operation per entry
/// (idempotent, commutative, associative) and must only ever hold live dots that are in the
/// context of the replica that owns them.
pub trait DotStore: Clone + Default + Debug {
    /// Whether a change to this type depends only on the changes it replaces (the dots it
    /// drops). Then a mutation's delta only waits for those (and for its author's previous
    /// change), so a set insertion stays ~40 bytes however many replicas the author has heard
    /// from. Types whose changes refer to other changes in other ways (a text insertion refers
    /// to its neighbours) keep the default, `false`: their deltas wait for the author's whole
    /// causal past.
    const DEPENDS_ONLY_ON_REPLACED: bool = false;

    /// Whether [`DotStore::join_mapped`] renames as it joins (rather than joining a renamed
    /// copy), so that joining a delta the caller owns through it costs no copy.
    const JOINS_MAPPED: bool = false;
    /// Whether [`DotStore::drop_covered`] is implemented: then removing a map key holding this
    /// store ships a removal record of O(replicas) bytes instead of an entry per element
    /// (see [`Keyed::remove`]). The default, `false`, keeps the general path
    /// ([`DotStore::clear`]).
    const DROPS_COVERED: bool = false;

    /// Writes the type's schema: a tag per nesting level, checked when decoding so that bytes
    /// of one type are never read as another.
    fn write_schema(out: &mut Encoder);

    /// Whether the store holds no live dot (the bottom element ⊥; an empty map entry is
    /// treated as absent).
    fn is_bottom(&self) -> bool;

    /// Joins the fragment `other`, seen under `other_context`, into `self`, seen under
    /// `context`. Both must use the same replica table.
    fn join(&mut self, context: &CausalContext, other: Self, other_context: &CausalContext);

    /// [`DotStore::join`] of `other` with its replica `i` renamed to `map[i]`; `other_context`
    /// is in `other`'s numbering. Stores that can rename as they join override it and skip the
    /// renamed copy.
    fn join_mapped(
        &mut self,
        context: &CausalContext,
        other: &Self,
        other_context: &CausalContext,
        map: &[ReplicaIndex],
    ) {
        self.join(context, other.remapped(map), &other_context.remap(map));
    }

    /// Joins `other`, a *complete* state seen under `other_context` (everything its sender
    /// holds, not a fragment): entries of `self` that `other` lacks are joined with nothing
    /// too, so those whose dots `other_context` covers are dropped. A replica below a
    /// compaction point learns that way of removals whose records were forgotten (see
    /// [`DotStore::compact`]). The default is [`DotStore::join`], right for every store
    /// whose join already visits all its own dots (leaves, counters, sequences).
    fn join_complete(&mut self, context: &CausalContext, other: Self, other_context: &CausalContext)
    where
        Self: Sized,
    {
        self.join(context, other, other_context);
    }

    /// The fragment a replica that has seen `since` lacks: every entry touched by a change
    /// outside `since`, with enough of its state that joining it under the sender's full
    /// context reproduces the sender's entry. Cost proportional to the entries returned.
    fn delta_since(&self, since: &Clock) -> Self;

    /// Removes every live dot (an observed remove of everything), marks what it touched with
    /// `event`, and writes the resulting fragment into `delta`.
    fn clear(&mut self, transaction: &mut Transaction, event: Dot, delta: &mut Self);

    /// Drops every live dot that `seen` covers, recording nothing: the effect of a removal
    /// record whose remover had seen `seen` (see [`Keyed::remove`]). Entries left empty whose
    /// bookkeeping `seen` covers too are forgotten (the record speaks for them). Only called
    /// when [`DotStore::DROPS_COVERED`] is `true`; the default does nothing.
    fn drop_covered(&mut self, _seen: &Clock) {}

    /// Whether [`DotStore::drop_covered`] drops every live dot of this store that a clock
    /// covers (so a removal of it can be a removal record). The default is
    /// [`DotStore::DROPS_COVERED`]; products with parts that cannot (a document entry holding
    /// a text) answer from their content.
    fn can_drop_covered(&self) -> bool {
        Self::DROPS_COVERED
    }

    /// Raises `seen` to cover every dot the store mentions and every removal record it holds
    /// (what a removal of the store records). The default visits the dots.
    fn raise_seen(&self, seen: &mut Clock) {
        self.visit_dot_ranges(&mut |replica, _, last| seen.raise(replica, last));
    }

    /// Renames replica `i` to `map[i]` everywhere.
    fn remap(&mut self, map: &[ReplicaIndex]);

    /// A copy with replica `i` renamed to `map[i]` everywhere: [`DotStore::remap`] of a
    /// clone, which stores may build in one pass.
    #[must_use]
    fn remapped(&self, map: &[ReplicaIndex]) -> Self {
        let mut copy = self.clone();
        copy.remap(map);
        copy
    }

    /// Calls `visit` with every dot the store mentions (live dots and bookkeeping dots).
    fn visit_dots(&self, visit: &mut dyn FnMut(Dot));

    /// Calls `visit` with every dot the store mentions as inclusive runs
    /// `(replica, first, last)`: the same dots as [`DotStore::visit_dots`], in fewer calls
    /// for run-length stores (sequences), which should override it.
    fn visit_dot_ranges(&self, visit: &mut dyn FnMut(ReplicaIndex, u64, u64)) {
        self.visit_dots(&mut |dot| visit(dot.replica, dot.counter, dot.counter));
    }

    /// The highest Lamport timestamp held (0 for types without timestamps).
    fn max_lamport(&self) -> u64 {
        0
    }

    /// Whether the live content equals `other`'s, ignoring bookkeeping (which may differ
    /// between replicas that hold the same state).
    fn content_eq(&self, other: &Self) -> bool;

    /// Writes the store. Dots go through `out` so that they are named against the message's
    /// replica table.
    fn encode(&self, out: &mut DotWriter);

    /// Reads a store written by [`DotStore::encode`].
    ///
    /// # Errors
    /// Any [`DecodeError`]; nothing is allocated beyond what the input can justify.
    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError>;

    /// Whether this store is exactly what [`DotStore::implied`] rebuilds from `touches`, so a
    /// map can encode it as one flag.
    fn implied_by(&self, _touches: &[Dot]) -> bool {
        false
    }

    /// The store whose only live dots are `touches`, for types where that is meaningful.
    fn implied(_touches: &[Dot]) -> Option<Self> {
        None
    }

    /// Adds the atoms of the live content to `out` (see [`Digest`](crate::Digest)): each atom
    /// starts with `path` (the keys leading here) and names replicas by id through `names`.
    /// The default covers which dots are live; stores with values override it.
    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut DigestBuilder) {
        self.visit_dots(&mut |dot| {
            let mut atom = path.clone();
            push_dot(&mut atom, names, dot);
            out.add(&atom);
        });
    }

    /// Merges `other`, the complete state of a replica that claims to have seen the same
    /// changes, when the two states differ (divergence repair). Nothing live on either side is
    /// dropped unless the other side shows a later change of the same entry. The default is the
    /// union of live content.
    fn repair_join(&mut self, other: Self) {
        let nothing = CausalContext::default();
        self.join(&nothing, other, &nothing);
    }

    /// Forgets bookkeeping that every replica has seen: entries removed by changes all in
    /// `stable` (a version every replica that will ever sync has reached). Returns how many
    /// entries went. The default forgets nothing.
    fn compact(&mut self, _stable: &Clock) -> usize {
        0
    }

    /// Checks internal invariants (sortedness, index consistency). Meant for tests and
    /// fuzzers: a store built through this crate's API always passes. The default checks
    /// nothing.
    ///
    /// ```
    /// use weft_core::store::{DotSet, DotStore};
    /// assert_eq!(DotSet::default().check(), Ok(()));
    /// ```
    ///
    /// # Errors
    /// The first [`InvariantViolation`] found.
    fn check(&self) -> Result<(), InvariantViolation> {
        Ok(())
    }
}

/// Appends the table-independent name of `dot` to `atom`: the replica's 16-byte id, then the
/// counter as a varint.
pub fn push_dot(atom: &mut Vec<u8>, names: &[ReplicaId], dot: Dot) {
    atom.extend_from_slice(&names[dot.replica.as_usize()].to_bytes());
    let mut counter = Encoder::new();
    counter.varint(dot.counter);
    atom.extend_from_slice(counter.as_bytes());
}
