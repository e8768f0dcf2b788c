//! `RemoveWinsSetScope`: changes to a remove-wins set.

use weft_core::RemoveWinsSet;

use crate::doc::entry::Entry;
use crate::doc::events::Change;
use crate::doc::kind::Kind;
use crate::doc::object::remove_wins_set_part;
use crate::doc::scope::Target;
use crate::undo::Done;
use crate::value::Value;

/// A remove-wins set of values of a document during a transaction: an addition concurrent
/// with a removal of the same value loses (the opposite of [`SetScope`](crate::SetScope)'s
/// add-wins set). An addition made after seeing the removal puts the value back.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut alice = Doc::new(ReplicaId::random());
/// let mut bob = Doc::new(ReplicaId::random());
/// let added = alice.transact(|root| root.remove_wins_set("blocked").insert("mallory")).delta;
/// bob.apply(&added);
/// let again = alice.transact(|root| root.remove_wins_set("blocked").insert("mallory")).delta;
/// let removed = bob.transact(|root| root.remove_wins_set("blocked").remove(&"mallory".into()));
/// alice.apply(&removed.delta);
/// bob.apply(&again);
/// // Alice's second addition and Bob's removal were concurrent: the removal wins.
/// assert_eq!(alice.to_json(), r#"{"blocked":[]}"#);
/// assert_eq!(bob.to_json(), alice.to_json());
/// ```
pub struct RemoveWinsSetScope<'a> {
    target: Target<'a>,
}

impl<'a> RemoveWinsSetScope<'a> {
    pub(crate) fn from_target(target: Target<'a>) -> Self {
        Self { target }
    }

    /// The set as it stands (`None` while it does not exist or the entry shows another kind).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(root.remove_wins_set("s").current().is_none()));
    /// ```
    #[must_use]
    pub fn current(&self) -> Option<&RemoveWinsSet<Value>> {
        self.target.entry().and_then(Entry::as_remove_wins_set)
    }

    /// Whether the set holds `value`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(!root.remove_wins_set("s").contains(&1i64.into())));
    /// ```
    #[must_use]
    pub fn contains(&self, value: &Value) -> bool {
        self.current().is_some_and(|set| set.contains(value))
    }

    /// Adds `value`, replacing the additions and removals of it this replica has seen.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.remove_wins_set("s").insert(1i64));
    /// assert_eq!(doc.to_json(), r#"{"s":[1]}"#);
    /// ```
    pub fn insert(&mut self, value: impl Into<Value>) {
        let value = value.into();
        if !self.contains(&value) && self.target.recording() {
            let path = self.target.path().clone();
            self.target
                .remember(Done::set_changed(path, true, Some(&value), None));
        }
        if self.target.listening() {
            let present = self.contains(&value);
            self.target.prepare(Kind::RemoveWinsSet);
            if !present {
                self.target.record(Change::Set {
                    added: vec![value.clone()],
                    removed: Vec::new(),
                });
            }
        }
        self.target
            .apply(Kind::RemoveWinsSet, |entry| {
                remove_wins_set_part(entry, |set| set.insert(value));
            })
            .expect("a handle's path stays valid while it lives");
    }

    /// Removes `value`, replacing the additions and removals of it this replica has seen;
    /// returns whether it was there. The removal is recorded even when the value is absent
    /// here, so that an addition of it made concurrently elsewhere loses.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.remove_wins_set("s").insert(1i64));
    /// assert!(doc.transact(|root| root.remove_wins_set("s").remove(&1i64.into())).result);
    /// assert_eq!(doc.to_json(), r#"{"s":[]}"#);
    /// ```
    pub fn remove(&mut self, value: &Value) -> bool {
        let present = self.contains(value);
        if present && self.target.recording() {
            let path = self.target.path().clone();
            self.target
                .remember(Done::set_changed(path, true, None, Some(value)));
        }
        if self.target.listening() {
            self.target.prepare(Kind::RemoveWinsSet);
            if present {
                self.target.record(Change::Set {
                    added: Vec::new(),
                    removed: vec![value.clone()],
                });
            }
        }
        let value = value.clone();
        self.target
            .apply(Kind::RemoveWinsSet, |entry| {
                remove_wins_set_part(entry, |set| set.remove(value));
            })
            .expect("a handle's path stays valid while it lives");
        present
    }
}
