//! `CounterScope` and `SetScope`: changes to a counter and to an add-wins set.

use weft_core::{AddWinsSet, PNCounter};

use crate::doc::entry::Entry;
use crate::doc::events::Change;
use crate::doc::kind::Kind;
use crate::doc::object::{counter_part, set_part};
use crate::doc::scope::Target;
use crate::undo::Done;
use crate::value::Value;

/// A counter of a document during a transaction: its value is the sum of every increment and
/// decrement of every replica.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// doc.transact(|root| {
///     let mut likes = root.counter("likes");
///     likes.increment(3);
///     likes.decrement(1);
///     assert_eq!(likes.value(), 2);
/// });
/// ```
pub struct CounterScope<'a> {
    target: Target<'a>,
}

impl<'a> CounterScope<'a> {
    pub(crate) fn from_target(target: Target<'a>) -> Self {
        Self { target }
    }

    /// The value as it stands (0 while the counter does not exist).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert_eq!(root.counter("c").value(), 0));
    /// ```
    #[must_use]
    pub fn value(&self) -> i64 {
        self.target
            .entry()
            .and_then(Entry::as_counter)
            .map_or(0, PNCounter::value)
    }

    /// Adds `amount` (which may be negative).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.counter("c").increment(-2));
    /// assert_eq!(doc.to_json(), r#"{"c":-2}"#);
    /// ```
    pub fn increment(&mut self, amount: i64) {
        self.change(amount);
    }

    /// Subtracts `amount`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.counter("c").decrement(2));
    /// assert_eq!(doc.to_json(), r#"{"c":-2}"#);
    /// ```
    pub fn decrement(&mut self, amount: i64) {
        self.change(amount.wrapping_neg());
    }

    fn change(&mut self, amount: i64) {
        if amount != 0 && self.target.recording() {
            let path = self.target.path().clone();
            self.target.remember(Done::Counted { path, amount });
        }
        if self.target.listening() {
            let old = self.value();
            self.target.prepare(Kind::Counter);
            if amount != 0 {
                self.target
                    .record(Change::Counter(old, old.wrapping_add(amount)));
            }
        }
        self.target
            .apply(Kind::Counter, |entry| {
                counter_part(entry, |counter| counter.increment(amount))
            })
            .expect("a handle's path stays valid while it lives");
    }
}

/// An add-wins set of values of a document during a transaction: an addition concurrent with
/// a removal of the same value wins.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// doc.transact(|root| {
///     let mut tags = root.add_wins_set("tags");
///     tags.insert("home");
///     tags.insert("urgent");
///     assert!(tags.remove(&"home".into()));
///     assert!(tags.contains(&"urgent".into()));
/// });
/// assert_eq!(doc.to_json(), r#"{"tags":["urgent"]}"#);
/// ```
pub struct SetScope<'a> {
    target: Target<'a>,
}

impl<'a> SetScope<'a> {
    pub(crate) fn from_target(target: Target<'a>) -> Self {
        Self { target }
    }

    /// The set as it stands (`None` while it does not exist or the entry shows another kind).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(root.add_wins_set("s").current().is_none()));
    /// ```
    #[must_use]
    pub fn current(&self) -> Option<&AddWinsSet<Value>> {
        self.target.entry().and_then(Entry::as_set)
    }

    /// Whether the set holds `value`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(!root.add_wins_set("s").contains(&1i64.into())));
    /// ```
    #[must_use]
    pub fn contains(&self, value: &Value) -> bool {
        self.current().is_some_and(|set| set.contains(value))
    }

    /// Adds `value`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.add_wins_set("s").insert(1i64));
    /// assert_eq!(doc.to_json(), r#"{"s":[1]}"#);
    /// ```
    pub fn insert(&mut self, value: impl Into<Value>) {
        let value = value.into();
        if !self.contains(&value) && self.target.recording() {
            let path = self.target.path().clone();
            self.target
                .remember(Done::set_changed(path, false, Some(&value), None));
        }
        if self.target.listening() {
            let present = self.contains(&value);
            self.target.prepare(Kind::Set);
            if !present {
                self.target.record(Change::Set {
                    added: vec![value.clone()],
                    removed: Vec::new(),
                });
            }
        }
        self.target
            .apply(Kind::Set, |entry| set_part(entry, |set| set.insert(value)))
            .expect("a handle's path stays valid while it lives");
    }

    /// Removes `value` as this replica sees it; returns whether it was there.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.add_wins_set("s").insert(1i64));
    /// assert!(doc.transact(|root| root.add_wins_set("s").remove(&1i64.into())).result);
    /// ```
    pub fn remove(&mut self, value: &Value) -> bool {
        if !self.contains(value) {
            return false;
        }
        if self.target.recording() {
            let path = self.target.path().clone();
            self.target
                .remember(Done::set_changed(path, false, None, Some(value)));
        }
        if self.target.listening() {
            self.target.record(Change::Set {
                added: Vec::new(),
                removed: vec![value.clone()],
            });
        }
        self.target
            .apply(Kind::Set, |entry| set_part(entry, |set| set.remove(value)))
            .expect("a handle's path stays valid while it lives")
    }
}
