//! `DotFun`: live dots mapped to values (registers, remove-wins flags); `DotSet`: live dots
//! alone (set membership).

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::causal::{CausalContext, Transaction};
use crate::codec::{Decode, DotReader, DotWriter, Encode, Encoder};
use crate::digest::DigestBuilder;
use crate::error::{DecodeError, InvariantViolation};
use crate::ids::{Clock, Dot, ReplicaId, ReplicaIndex};
use crate::store::{DotStore, push_dot};

/// A value that can live in a replicated type: cloned, compared, encoded and decoded.
/// Implemented for every type with those abilities.
pub trait Value: Clone + std::fmt::Debug + PartialEq + Encode + Decode {}

impl<T: Clone + std::fmt::Debug + PartialEq + Encode + Decode> Value for T {}

/// Live dots, each with the value its change wrote, sorted by dot.
///
/// The join keeps a dot that both sides hold, or that one side holds and the other has not
/// seen. A fragment of a `DotFun` always carries every live dot (it is small: one per
/// concurrent write), so joining it replaces what the sender overwrote.
///
/// ```
/// use weft_core::store::{DotFun, DotStore};
/// use weft_core::{CausalContext, Dot, ReplicaIndex};
/// let a = Dot::new(ReplicaIndex(0), 1);
/// let b = Dot::new(ReplicaIndex(1), 1);
/// let mut mine = DotFun::from_entries(vec![(a, "x".to_string())]);
/// let mut my_context = CausalContext::default();
/// my_context.insert(a);
/// // The other side saw `a`, overwrote it with `b`.
/// let theirs = DotFun::from_entries(vec![(b, "y".to_string())]);
/// let mut their_context = my_context.clone();
/// their_context.insert(b);
/// mine.join(&my_context, theirs, &their_context);
/// assert_eq!(mine.values().collect::<Vec<_>>(), vec!["y"]);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct DotFun<T> {
    entries: SmallVec<[(Dot, T); 1]>,
}

impl<T> Default for DotFun<T> {
    fn default() -> Self {
        Self {
            entries: SmallVec::new(),
        }
    }
}

impl<T> DotFun<T> {
    /// A store holding these entries (sorted here; a later duplicate dot is dropped).
    #[must_use]
    pub fn from_entries(entries: Vec<(Dot, T)>) -> Self {
        let mut entries: SmallVec<[(Dot, T); 1]> = entries.into();
        crate::sorting::sort_by_dot(&mut entries);
        entries.dedup_by_key(|(dot, _)| *dot);
        Self { entries }
    }

    /// The live `(dot, value)` entries in dot order.
    pub fn entries(&self) -> impl Iterator<Item = (Dot, &T)> + '_ {
        self.entries.iter().map(|(dot, value)| (*dot, value))
    }

    /// The live values in dot order.
    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.entries.iter().map(|(_, value)| value)
    }

    /// The live dots in order.
    pub fn dots(&self) -> impl Iterator<Item = Dot> + '_ {
        self.entries.iter().map(|(dot, _)| *dot)
    }

    /// How many live entries there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is live.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces every live entry by `(dot, value)`: the observed entries are dropped (recorded
    /// in the transaction) and the new one is written to `delta` with them.
    pub fn overwrite(&mut self, transaction: &mut Transaction, value: T, delta: &mut Self)
    where
        T: Clone,
    {
        for (dot, _) in self.entries.drain(..) {
            transaction.drop_dot(dot);
        }
        let dot = transaction.next_dot();
        self.entries.push((dot, value));
        delta.entries.clone_from(&self.entries);
    }

    /// Drops every live entry, recording the dots in the transaction; `delta` becomes empty
    /// (which, under the transaction's context, removes them at the receiver).
    pub fn drop_all(&mut self, transaction: &mut Transaction, delta: &mut Self) {
        for (dot, _) in self.entries.drain(..) {
            transaction.drop_dot(dot);
        }
        delta.entries.clear();
    }
}

impl<T: Value> DotStore for DotFun<T> {
    const DEPENDS_ONLY_ON_REPLACED: bool = true;
    const DROPS_COVERED: bool = true;

    fn drop_covered(&mut self, seen: &Clock) {
        self.entries.retain(|(dot, _)| !seen.contains(*dot));
    }

    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::DOT_FUN);
    }

    fn is_bottom(&self) -> bool {
        self.entries.is_empty()
    }

    fn join(&mut self, context: &CausalContext, other: Self, other_context: &CausalContext) {
        let mine = std::mem::take(&mut self.entries);
        let mut merged = SmallVec::with_capacity(mine.len().max(other.entries.len()));
        let mut mine = mine.into_iter().peekable();
        let mut theirs = other.entries.into_iter().peekable();
        loop {
            match (mine.peek(), theirs.peek()) {
                (Some((left, _)), Some((right, _))) if left == right => {
                    merged.push(mine.next().expect("peeked"));
                    theirs.next();
                }
                (Some((left, _)), Some((right, _))) if left < right => {
                    let entry = mine.next().expect("peeked");
                    if !other_context.contains(entry.0) {
                        merged.push(entry);
                    }
                }
                (Some(_), Some(_)) | (None, Some(_)) => {
                    let entry = theirs.next().expect("peeked");
                    if !context.contains(entry.0) {
                        merged.push(entry);
                    }
                }
                (Some(_), None) => {
                    let entry = mine.next().expect("peeked");
                    if !other_context.contains(entry.0) {
                        merged.push(entry);
                    }
                }
                (None, None) => break,
            }
        }
        self.entries = merged;
    }

    fn delta_since(&self, _since: &Clock) -> Self {
        self.clone()
    }

    fn clear(&mut self, transaction: &mut Transaction, _event: Dot, delta: &mut Self) {
        self.drop_all(transaction, delta);
    }

    fn remap(&mut self, map: &[ReplicaIndex]) {
        for (dot, _) in &mut self.entries {
            *dot = dot.remap(map);
        }
        crate::sorting::sort_by_dot(&mut self.entries);
    }

    fn visit_dots(&self, visit: &mut dyn FnMut(Dot)) {
        for (dot, _) in &self.entries {
            visit(*dot);
        }
    }

    fn content_eq(&self, other: &Self) -> bool {
        self == other
    }

    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut DigestBuilder) {
        for (dot, value) in &self.entries {
            let mut atom = path.clone();
            push_dot(&mut atom, names, *dot);
            atom.extend_from_slice(&value.encode_to_vec());
            out.add(&atom);
        }
    }

    fn encode(&self, out: &mut DotWriter) {
        out.length(self.entries.len());
        for (dot, value) in &self.entries {
            out.dot(*dot);
            value.encode(out);
        }
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        let count = input.length(1 + T::MIN_ENCODED_LEN)?;
        let mut entries = SmallVec::with_capacity(count);
        for _ in 0..count {
            let dot = input.dot()?;
            let value = input.nested(T::decode)?;
            entries.push((dot, value));
        }
        // Written in the sender's replica order; sorted here in the message's.
        crate::sorting::sort_by_dot(&mut entries);
        if entries.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            return Err(input.malformed("a dot appears twice"));
        }
        Ok(Self { entries })
    }

    fn check(&self) -> Result<(), InvariantViolation> {
        if self.entries.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            Ok(())
        } else {
            Err(InvariantViolation::DotFunOrder)
        }
    }
}

/// Live dots without values: the membership of one set element.
///
/// ```
/// use weft_core::store::{DotSet, DotStore};
/// use weft_core::{Dot, ReplicaIndex};
/// let dot = Dot::new(ReplicaIndex(0), 1);
/// let set = DotSet::implied(&[dot]).unwrap();
/// assert!(set.implied_by(&[dot]));
/// assert!(!set.is_bottom());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DotSet(DotFun<()>);

impl DotSet {
    /// The live dots in order.
    pub fn dots(&self) -> impl Iterator<Item = Dot> + '_ {
        self.0.dots()
    }

    /// How many live dots there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no dot is live.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Replaces every live dot by a new one (drops what was observed).
    pub fn renew(&mut self, transaction: &mut Transaction, delta: &mut Self) {
        self.0.overwrite(transaction, (), &mut delta.0);
    }

    /// Drops every live dot.
    pub fn drop_all(&mut self, transaction: &mut Transaction, delta: &mut Self) {
        self.0.drop_all(transaction, &mut delta.0);
    }
}

impl DotStore for DotSet {
    const DEPENDS_ONLY_ON_REPLACED: bool = true;
    const DROPS_COVERED: bool = true;

    fn drop_covered(&mut self, seen: &Clock) {
        self.0.drop_covered(seen);
    }

    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::DOT_SET);
    }

    fn is_bottom(&self) -> bool {
        self.0.is_bottom()
    }

    fn join(&mut self, context: &CausalContext, other: Self, other_context: &CausalContext) {
        self.0.join(context, other.0, other_context);
    }

    fn delta_since(&self, since: &Clock) -> Self {
        Self(self.0.delta_since(since))
    }

    fn clear(&mut self, transaction: &mut Transaction, event: Dot, delta: &mut Self) {
        self.0.clear(transaction, event, &mut delta.0);
    }

    fn remap(&mut self, map: &[ReplicaIndex]) {
        self.0.remap(map);
    }

    fn visit_dots(&self, visit: &mut dyn FnMut(Dot)) {
        self.0.visit_dots(visit);
    }

    fn visit_dot_ranges(&self, visit: &mut dyn FnMut(ReplicaIndex, u64, u64)) {
        self.0.visit_dot_ranges(visit);
    }

    fn content_eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }

    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut DigestBuilder) {
        self.0.digest(names, path, out);
    }

    fn repair_join(&mut self, other: Self) {
        self.0.repair_join(other.0);
    }

    fn encode(&self, out: &mut DotWriter) {
        self.0.encode(out);
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        DotFun::decode(input).map(Self)
    }

    fn implied_by(&self, touches: &[Dot]) -> bool {
        self.0.entries.len() == touches.len()
            && self
                .0
                .entries
                .iter()
                .zip(touches)
                .all(|((dot, ()), touch)| dot == touch)
    }

    fn implied(touches: &[Dot]) -> Option<Self> {
        Some(Self(DotFun::from_entries(
            touches.iter().map(|dot| (*dot, ())).collect(),
        )))
    }

    fn check(&self) -> Result<(), InvariantViolation> {
        self.0.check()
    }
}
