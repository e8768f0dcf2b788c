//! `Map`: keys to nested replicated values (the OR-map).

use serde::{Deserialize, Serialize};

use crate::causal::Scope;
use crate::codec::Encoder;
use crate::store::{DotStore, Key, Keyed};
use crate::types::{delegate_codec, delegate_dot_store};

/// A map from keys to nested replicated values: counters, registers, sets or maps.
///
/// A key is present while its value holds a live change. Removing a key removes what the
/// remover saw of its value; an update made concurrently elsewhere survives with only its own
/// effect (a concurrent set addition keeps the key holding just that element; a concurrent
/// increment keeps the key counting just that increment).
///
/// ```
/// use weft_core::{AddWinsSet, Map, PNCounter, Replica, ReplicaId};
/// let mut a = Replica::<Map<String, Map<String, PNCounter>>>::new(ReplicaId::random());
/// let delta = a.update(|m| {
///     m.update("scores".to_string(), |scores| {
///         scores.update("alice".to_string(), |c| c.increment(3));
///     });
/// });
/// let mut b = Replica::<Map<String, Map<String, PNCounter>>>::new(ReplicaId::random());
/// b.apply(&delta);
/// let alice = b.get(&"scores".to_string()).and_then(|s| s.get(&"alice".to_string()));
/// assert_eq!(alice.map(PNCounter::value), Some(3));
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(bound(
    serialize = "K: Key + Serialize, V: DotStore + Serialize",
    deserialize = "K: Key + Deserialize<'de>, V: DotStore + Deserialize<'de>"
))]
#[serde(transparent)]
pub struct Map<K, V>(Keyed<K, V>);

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Self(Keyed::default())
    }
}

impl<K: Key, V: DotStore> Map<K, V> {
    /// The value of `key`, if present.
    #[must_use]
    pub fn get(&self, key: &K) -> Option<&V> {
        self.0.get(key)
    }

    /// Whether `key` is present.
    #[must_use]
    pub fn contains_key(&self, key: &K) -> bool {
        self.0.contains_key(key)
    }

    /// The present keys and values, in the order this replica first saw the keys.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> + '_ {
        self.0.iter()
    }

    /// The present keys.
    pub fn keys(&self) -> impl Iterator<Item = &K> + '_ {
        self.0.keys()
    }

    /// How many keys are present.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no key is present.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The underlying keyed store, dead entries included.
    #[must_use]
    pub fn keyed(&self) -> &Keyed<K, V> {
        &self.0
    }

    /// Forgets removed keys whose removal every replica has seen (`stable` must be a version
    /// every replica that will ever sync has reached). Returns how many.
    pub fn compact(&mut self, stable: &crate::Clock) -> usize {
        self.0.compact(stable)
    }
}

impl<K: Key, V: DotStore> Scope<'_, Map<K, V>> {
    /// Changes the value of `key` (creating it if absent) through `change`.
    pub fn update<R>(&mut self, key: K, change: impl FnOnce(&mut Scope<'_, V>) -> R) -> R {
        let (store, delta, transaction) = self.parts();
        store.0.with_slot(
            &mut delta.0,
            transaction,
            key,
            |value, delta, transaction| change(&mut Scope::new(value, delta, transaction)),
        )
    }

    /// Removes `key` as this replica has seen it. Returns whether it was present.
    pub fn remove(&mut self, key: &K) -> bool {
        let (store, delta, transaction) = self.parts();
        store.0.remove(&mut delta.0, transaction, key)
    }

    /// The value of `key`, if present.
    #[must_use]
    pub fn get_value(&self, key: &K) -> Option<&V> {
        self.current().get(key)
    }
}

impl<K: Key, V: DotStore> DotStore for Map<K, V> {
    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::MAP);
        V::write_schema(out);
    }

    delegate_dot_store!(Keyed<K, V>);
    delegate_codec!();
}

impl<K: Key, V: DotStore> PartialEq for Map<K, V> {
    /// Equal live content, within one replica table.
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
