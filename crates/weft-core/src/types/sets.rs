//! `GSet`, `AddWinsSet` and `RemoveWinsSet`.

use serde::{Deserialize, Serialize};

use crate::causal::Scope;
use crate::codec::Encoder;
use crate::store::{DotFun, DotSet, DotStore, Key, Keyed};
use crate::types::{delegate_codec, delegate_dot_store};

/// A grow-only set.
///
/// ```
/// use weft_core::{GSet, Replica, ReplicaId};
/// let mut a = Replica::<GSet<u32>>::new(ReplicaId::random());
/// let mut b = Replica::<GSet<u32>>::new(ReplicaId::random());
/// b.apply(&a.update(|s| s.insert(1)));
/// a.apply(&b.update(|s| s.insert(2)));
/// assert_eq!(a.len(), 2);
/// assert!(b.contains(&1) && b.contains(&2));
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(bound(
    serialize = "T: Key + Serialize",
    deserialize = "T: Key + Deserialize<'de>"
))]
#[serde(transparent)]
pub struct GSet<T>(Keyed<T, DotSet>);

/// An observed-remove set where a concurrent add and remove of one element keep it.
///
/// A remove takes away the additions it has seen; an addition it has not seen survives.
///
/// ```
/// use weft_core::{AddWinsSet, Replica, ReplicaId};
/// let mut a = Replica::<AddWinsSet<u8>>::new(ReplicaId::random());
/// let mut b = Replica::<AddWinsSet<u8>>::new(ReplicaId::random());
/// b.apply(&a.update(|s| s.insert(7)));
/// let removal = a.update(|s| s.remove(&7));
/// let concurrent_add = b.update(|s| s.insert(7));
/// a.apply(&concurrent_add);
/// b.apply(&removal);
/// assert!(a.contains(&7) && b.contains(&7));
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(bound(
    serialize = "T: Key + Serialize",
    deserialize = "T: Key + Deserialize<'de>"
))]
#[serde(transparent)]
pub struct AddWinsSet<T>(Keyed<T, DotSet>);

/// An observed-remove set where a concurrent add and remove of one element take it away.
///
/// Each element keeps the latest concurrent additions and removals; it is present when at least
/// one addition and no removal survive. A remove is recorded even for an absent element, so
/// that it wins over additions made concurrently elsewhere.
///
/// ```
/// use weft_core::{RemoveWinsSet, Replica, ReplicaId};
/// let mut a = Replica::<RemoveWinsSet<u8>>::new(ReplicaId::random());
/// let mut b = Replica::<RemoveWinsSet<u8>>::new(ReplicaId::random());
/// b.apply(&a.update(|s| s.insert(7)));
/// let removal = a.update(|s| s.remove(7));
/// let concurrent_add = b.update(|s| s.insert(7));
/// a.apply(&concurrent_add);
/// b.apply(&removal);
/// assert!(!a.contains(&7) && !b.contains(&7));
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(bound(
    serialize = "T: Key + Serialize",
    deserialize = "T: Key + Deserialize<'de>"
))]
#[serde(transparent)]
pub struct RemoveWinsSet<T>(Keyed<T, DotFun<bool>>);

macro_rules! observed_set_reads {
    ($name:ident) => {
        impl<T> Default for $name<T> {
            fn default() -> Self {
                Self(Keyed::default())
            }
        }

        impl<T: Key> $name<T> {
            /// Whether `element` is in the set.
            #[must_use]
            pub fn contains(&self, element: &T) -> bool {
                self.0.contains_key(element)
            }

            /// The elements, in the order this replica first saw them.
            pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
                self.0.keys()
            }

            /// How many elements the set holds.
            #[must_use]
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether the set is empty.
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            /// Forgets removed elements whose removal every replica has seen (`stable` must be
            /// a version every replica that will ever sync has reached). Returns how many.
            pub fn compact(&mut self, stable: &crate::Clock) -> usize {
                self.0.compact(stable)
            }
        }

        impl<T: Key> Scope<'_, $name<T>> {
            /// Whether `element` is in the set.
            #[must_use]
            pub fn contains(&self, element: &T) -> bool {
                self.current().contains(element)
            }
        }
    };
}

observed_set_reads!(GSet);
observed_set_reads!(AddWinsSet);

impl<T: Key> Scope<'_, GSet<T>> {
    /// Adds `element` (a no-op if present).
    pub fn insert(&mut self, element: T) {
        if self.contains(&element) {
            return;
        }
        let (store, delta, transaction) = self.parts();
        store.0.with_slot(
            &mut delta.0,
            transaction,
            element,
            |dots, delta, transaction| {
                dots.renew(transaction, delta);
            },
        );
    }
}

impl<T: Key> Scope<'_, AddWinsSet<T>> {
    /// Adds `element`. Adding a present element renews it: a concurrent remove of it
    /// elsewhere then leaves it in.
    pub fn insert(&mut self, element: T) {
        let (store, delta, transaction) = self.parts();
        store.0.with_slot(
            &mut delta.0,
            transaction,
            element,
            |dots, delta, transaction| {
                dots.renew(transaction, delta);
            },
        );
    }

    /// Removes `element` as this replica has seen it. Returns whether it was present.
    pub fn remove(&mut self, element: &T) -> bool {
        let (store, delta, transaction) = self.parts();
        store.0.remove(&mut delta.0, transaction, element)
    }
}

impl<T: Key> DotStore for GSet<T> {
    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::GROW_SET);
    }

    delegate_dot_store!(Keyed<T, DotSet>);
    delegate_codec!();
}

impl<T: Key> DotStore for AddWinsSet<T> {
    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::ADD_WINS_SET);
    }

    delegate_dot_store!(Keyed<T, DotSet>);
    delegate_codec!();
}

impl<T> Default for RemoveWinsSet<T> {
    fn default() -> Self {
        Self(Keyed::default())
    }
}

fn present(marks: &DotFun<bool>) -> bool {
    !marks.is_empty() && marks.values().all(|added| *added)
}

impl<T: Key> RemoveWinsSet<T> {
    /// Whether `element` is in the set.
    #[must_use]
    pub fn contains(&self, element: &T) -> bool {
        self.0.get(element).is_some_and(present)
    }

    /// The elements, in the order this replica first saw them.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.0
            .iter()
            .filter(|(_, marks)| present(marks))
            .map(|(element, _)| element)
    }

    /// How many elements the set holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl<T: Key> Scope<'_, RemoveWinsSet<T>> {
    /// Adds `element`, replacing the additions and removals of it this replica has seen.
    pub fn insert(&mut self, element: T) {
        self.mark(element, true);
    }

    /// Removes `element`, replacing the additions and removals of it this replica has seen.
    /// Recorded even if the element is absent, so that concurrent additions lose.
    pub fn remove(&mut self, element: T) {
        self.mark(element, false);
    }

    /// Whether `element` is in the set.
    #[must_use]
    pub fn contains(&self, element: &T) -> bool {
        self.current().contains(element)
    }

    fn mark(&mut self, element: T, added: bool) {
        let (store, delta, transaction) = self.parts();
        store.0.with_slot(
            &mut delta.0,
            transaction,
            element,
            |marks, delta, transaction| {
                marks.overwrite(transaction, added, delta);
            },
        );
    }
}

impl<T: Key> DotStore for RemoveWinsSet<T> {
    fn write_schema(out: &mut Encoder) {
        out.u8(crate::schema::REMOVE_WINS_SET);
    }

    delegate_dot_store!(Keyed<T, DotFun<bool>>);
    delegate_codec!();
}

impl<T: Key> PartialEq for GSet<T> {
    /// Equal live content, within one replica table.
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Key> PartialEq for AddWinsSet<T> {
    /// Equal live content, within one replica table.
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Key> PartialEq for RemoveWinsSet<T> {
    /// Equal live content, within one replica table.
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
