//! `MultiValueScope`: changes to a multi-value register.

use weft_core::MvRegister;

use crate::doc::entry::Entry;
use crate::doc::events::Change;
use crate::doc::kind::Kind;
use crate::doc::node::sorted;
use crate::doc::object::multi_value_part;
use crate::doc::scope::Target;
use crate::undo::Done;
use crate::value::Value;

/// A multi-value register of a document during a transaction: writes made concurrently are
/// all kept, and reading gives every one of them; a write replaces every write its replica
/// has seen. Apps use it where a conflict should be shown rather than resolved silently (a
/// value last-writer-wins would pick one of).
///
/// ```
/// use weft::{Doc, ReplicaId, Value};
/// let mut alice = Doc::new(ReplicaId::random());
/// let mut bob = Doc::new(ReplicaId::random());
/// let from_alice = alice.transact(|root| root.multi_value("colour").put("red")).delta;
/// let from_bob = bob.transact(|root| root.multi_value("colour").put("blue")).delta;
/// alice.apply(&from_bob);
/// bob.apply(&from_alice);
/// // Both concurrent writes are kept, in an order every replica agrees on.
/// assert_eq!(alice.to_json(), r#"{"colour":["red","blue"]}"#);
/// // A write that saw both replaces both.
/// let resolved = alice.transact(|root| {
///     let mut colour = root.multi_value("colour");
///     assert_eq!(colour.values().len(), 2);
///     colour.put("purple");
/// });
/// bob.apply(&resolved.delta);
/// assert_eq!(bob.to_json(), r#"{"colour":["purple"]}"#);
/// ```
pub struct MultiValueScope<'a> {
    target: Target<'a>,
}

impl<'a> MultiValueScope<'a> {
    pub(crate) fn from_target(target: Target<'a>) -> Self {
        Self { target }
    }

    /// The register as it stands (`None` while it does not exist or the entry shows another
    /// kind).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(root.multi_value("m").current().is_none()));
    /// ```
    #[must_use]
    pub fn current(&self) -> Option<&MvRegister<Value>> {
        self.target.entry().and_then(Entry::as_multi_value)
    }

    /// The concurrent values, sorted by their encoding (the order every replica agrees
    /// on): none while never written, one after a write that saw every other.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Value};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     let mut status = root.multi_value("status");
    ///     assert!(status.values().is_empty());
    ///     status.put("draft");
    ///     assert_eq!(status.values(), [Value::from("draft")]);
    /// });
    /// ```
    #[must_use]
    pub fn values(&self) -> Vec<Value> {
        sorted(
            self.current()
                .map(|register| register.values().cloned().collect()),
        )
    }

    /// Writes `value`, replacing every write this replica has seen (a concurrent write
    /// elsewhere stays beside it).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.multi_value("status").put("draft"));
    /// doc.transact(|root| root.multi_value("status").put("final"));
    /// assert_eq!(doc.to_json(), r#"{"status":["final"]}"#);
    /// ```
    pub fn put(&mut self, value: impl Into<Value>) {
        let value = value.into();
        if self.target.recording() {
            let path = self.target.path().clone();
            let old = self.values();
            let new = vec![value.clone()];
            self.target
                .remember(Done::MultiValueWritten { path, old, new });
        }
        if self.target.listening() {
            let old = self.values();
            self.target.prepare(Kind::MultiValue);
            let new = vec![value.clone()];
            if old != new {
                self.target.record(Change::MultiValue { old, new });
            }
        }
        self.target
            .apply(Kind::MultiValue, |entry| {
                multi_value_part(entry, |register| register.set(value));
            })
            .expect("a handle's path stays valid while it lives");
    }
}
