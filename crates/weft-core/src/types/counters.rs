//! `GCounter` and `PNCounter`.

use serde::{Deserialize, Serialize};

use crate::causal::Scope;
use crate::codec::Encoder;
use crate::store::{CounterStore, DotStore};
use crate::types::{delegate_codec, delegate_dot_store};

/// A grow-only counter: its value is the sum of every increment ever made, by any replica.
///
/// ```
/// use weft_core::{GCounter, Replica, ReplicaId};
/// let mut a = Replica::<GCounter>::new(ReplicaId::random());
/// let mut b = Replica::<GCounter>::new(ReplicaId::random());
/// let from_a = a.update(|c| c.increment(2));
/// let from_b = b.update(|c| c.increment(3));
/// a.apply(&from_b);
/// b.apply(&from_a);
/// assert_eq!((a.value(), b.value()), (5, 5));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GCounter(CounterStore);

impl GCounter {
    /// The sum of all increments (wrapping at 2⁶⁴).
    #[must_use]
    pub fn value(&self) -> u64 {
        self.0.value()
    }
}

impl Scope<'_, GCounter> {
    /// Adds `amount`.
    pub fn increment(&mut self, amount: u64) {
        let (store, delta, transaction) = self.parts();
        store.0.add(transaction, amount, &mut delta.0);
    }

    /// The current value.
    #[must_use]
    pub fn value(&self) -> u64 {
        self.current().value()
    }
}

impl DotStore for GCounter {
    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::GROW_COUNTER);
    }

    delegate_dot_store!(CounterStore);
    delegate_codec!();
}

/// A counter that goes up and down: its value is the sum of all increments minus all
/// decrements, by any replica.
///
/// Inside a [`Map`](crate::Map), removing the counter's key resets what the remover saw; an
/// increment made concurrently with the removal survives, and only it.
///
/// ```
/// use weft_core::{PNCounter, Replica, ReplicaId};
/// let mut a = Replica::<PNCounter>::new(ReplicaId::random());
/// let mut b = Replica::<PNCounter>::new(ReplicaId::random());
/// let from_a = a.update(|c| c.increment(10));
/// let from_b = b.update(|c| c.decrement(4));
/// a.apply(&from_b);
/// b.apply(&from_a);
/// assert_eq!((a.value(), b.value()), (6, 6));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PNCounter(CounterStore);

impl PNCounter {
    /// The sum of all increments minus all decrements (wrapping two's complement).
    #[must_use]
    pub fn value(&self) -> i64 {
        self.0.value() as i64
    }
}

impl Scope<'_, PNCounter> {
    /// Adds `amount` (which may be negative).
    pub fn increment(&mut self, amount: i64) {
        let (store, delta, transaction) = self.parts();
        store.0.add(transaction, amount as u64, &mut delta.0);
    }

    /// Subtracts `amount`.
    pub fn decrement(&mut self, amount: i64) {
        self.increment(amount.wrapping_neg());
    }

    /// The current value.
    #[must_use]
    pub fn value(&self) -> i64 {
        self.current().value()
    }
}

impl DotStore for PNCounter {
    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::PN_COUNTER);
    }

    delegate_dot_store!(CounterStore);
    delegate_codec!();
}
