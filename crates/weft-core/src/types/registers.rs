//! `LwwRegister` and `MvRegister`.

use serde::{Deserialize, Serialize};

use crate::causal::{CausalContext, Scope, Transaction};
use crate::codec::{Decode, Decoder, DotReader, DotWriter, Encode, Encoder};
use crate::error::DecodeError;
use crate::ids::{Clock, Dot, ReplicaId, ReplicaIndex};
use crate::store::{DotFun, DotStore, Value};
use crate::types::{delegate_codec, delegate_dot_store};

/// A value written at a Lamport time by a replica: the order of last-writer-wins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stamp<T> {
    /// The Lamport timestamp of the write.
    pub lamport: u64,
    /// The replica that wrote it (breaks ties between equal timestamps).
    pub writer: ReplicaId,
    /// The value written.
    pub value: T,
}

impl<T> Stamp<T> {
    fn order(&self) -> (u64, ReplicaId) {
        (self.lamport, self.writer)
    }
}

impl<T: Encode> Encode for Stamp<T> {
    fn encode(&self, out: &mut Encoder) {
        out.varint(self.lamport);
        self.writer.encode(out);
        self.value.encode(out);
    }
}

impl<T: Decode> Decode for Stamp<T> {
    const MIN_ENCODED_LEN: usize = 17;

    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            lamport: input.varint()?,
            writer: ReplicaId::decode(input)?,
            value: T::decode(input)?,
        })
    }
}

/// A register where the write with the highest `(Lamport timestamp, ReplicaId)` wins.
///
/// Concurrent writes are all kept until a later write replaces them, and the value is the
/// greatest of them; the greatest write ever made is never replaced by a smaller one (a write
/// that saw it has a higher timestamp), so this is exactly last-writer-wins.
///
/// ```
/// use weft_core::{LwwRegister, Replica, ReplicaId};
/// let mut a = Replica::<LwwRegister<String>>::new(ReplicaId::from_u128(1));
/// let mut b = Replica::<LwwRegister<String>>::new(ReplicaId::from_u128(2));
/// let from_a = a.update(|r| r.set("from a".to_string()));
/// let from_b = b.update(|r| r.set("from b".to_string()));
/// a.apply(&from_b);
/// b.apply(&from_a);
/// // Same timestamp: the larger replica id wins, everywhere.
/// assert_eq!(a.get(), Some(&"from b".to_string()));
/// assert_eq!(b.get(), Some(&"from b".to_string()));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct LwwRegister<T>(DotFun<Stamp<T>>);

impl<T> Default for LwwRegister<T> {
    fn default() -> Self {
        Self(DotFun::default())
    }
}

impl<T> LwwRegister<T> {
    /// The winning write, if any write was made.
    #[must_use]
    pub fn stamp(&self) -> Option<&Stamp<T>> {
        self.0.values().max_by_key(|stamp| stamp.order())
    }

    /// The winning value, if any write was made.
    #[must_use]
    pub fn get(&self) -> Option<&T> {
        self.stamp().map(|stamp| &stamp.value)
    }
}

impl<T: Value> Scope<'_, LwwRegister<T>> {
    /// Writes `value`, replacing every write this replica has seen.
    pub fn set(&mut self, value: T) {
        let (store, delta, transaction) = self.parts();
        let stamp = Stamp {
            lamport: transaction.tick_lamport(),
            writer: transaction.id(),
            value,
        };
        store.0.overwrite(transaction, stamp, &mut delta.0);
    }

    /// The winning value.
    #[must_use]
    pub fn get(&self) -> Option<&T> {
        self.current().get()
    }
}

impl<T: Value> DotStore for LwwRegister<T> {
    const DEPENDS_ONLY_ON_REPLACED: bool = true;
    const DROPS_COVERED: bool = true;

    fn drop_covered(&mut self, seen: &Clock) {
        self.0.drop_covered(seen);
    }

    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::LWW_REGISTER);
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

    fn max_lamport(&self) -> u64 {
        self.0
            .values()
            .map(|stamp| stamp.lamport)
            .max()
            .unwrap_or(0)
    }

    fn content_eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }

    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut crate::DigestBuilder) {
        self.0.digest(names, path, out);
    }

    fn repair_join(&mut self, other: Self) {
        self.0.repair_join(other.0);
    }

    /// Entries as `(dot, lamport, value)`: the writer is the dot's replica, named once in the
    /// message's replica table.
    fn encode(&self, out: &mut DotWriter) {
        out.length(self.0.len());
        for (dot, stamp) in self.0.entries() {
            out.dot(dot);
            out.varint(stamp.lamport);
            stamp.value.encode(out);
        }
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        let count = input.length(2 + T::MIN_ENCODED_LEN)?;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            let dot = input.dot()?;
            let lamport = input.varint()?;
            let value = input.nested(T::decode)?;
            let writer = input.table()[dot.replica.as_usize()];
            entries.push((
                dot,
                Stamp {
                    lamport,
                    writer,
                    value,
                },
            ));
        }
        let length = entries.len();
        let register = DotFun::from_entries(entries);
        if register.len() != length {
            return Err(input.malformed("a dot appears twice"));
        }
        Ok(Self(register))
    }

    fn check(&self) -> Result<(), crate::InvariantViolation> {
        self.0.check()
    }
}

/// A multi-value register: concurrent writes are all kept; a write replaces the ones it saw.
///
/// ```
/// use weft_core::{MvRegister, Replica, ReplicaId};
/// let mut a = Replica::<MvRegister<u8>>::new(ReplicaId::random());
/// let mut b = Replica::<MvRegister<u8>>::new(ReplicaId::random());
/// let from_a = a.update(|r| r.set(1));
/// let from_b = b.update(|r| r.set(2));
/// a.apply(&from_b);
/// let mut values: Vec<u8> = a.values().copied().collect();
/// values.sort();
/// assert_eq!(values, vec![1, 2]);
/// // A write that saw both replaces both.
/// let resolved = a.update(|r| r.set(3));
/// b.apply(&from_a);
/// b.apply(&resolved);
/// assert_eq!(b.values().copied().collect::<Vec<_>>(), vec![3]);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct MvRegister<T>(DotFun<T>);

impl<T> Default for MvRegister<T> {
    fn default() -> Self {
        Self(DotFun::default())
    }
}

impl<T> MvRegister<T> {
    /// The values of the concurrent latest writes (empty if never written).
    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.0.values()
    }
}

impl<T: Value> Scope<'_, MvRegister<T>> {
    /// Writes `value`, replacing every write this replica has seen.
    pub fn set(&mut self, value: T) {
        let (store, delta, transaction) = self.parts();
        store.0.overwrite(transaction, value, &mut delta.0);
    }
}

impl<T: Value> DotStore for MvRegister<T> {
    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::MV_REGISTER);
    }

    delegate_dot_store!(DotFun<T>);
    delegate_codec!();
}
