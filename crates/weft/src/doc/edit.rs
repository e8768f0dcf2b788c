//! `Doc::edit_entry`: local changes to one root entry without building a delta — the fast
//! path for typing, and what the JavaScript bindings batch transactions with.

use weft_core::Scope;

use crate::doc::{Doc, Entry, ObjectEditor};

impl Doc {
    /// Changes the root entry `name` through `change` without building a delta (like
    /// [`Replica::edit`](weft_core::Replica::edit)): a keystroke costs no allocation for a
    /// delta. Listeners hear of the change as of a local transaction.
    ///
    /// The changes reach other replicas through [`Doc::delta_since`] — e.g. with the version
    /// read before a batch of edits, `delta_since(&before)` is one delta holding the batch — or
    /// as a dependency of the next [`Doc::transact`] delta.
    ///
    /// ```
    /// use weft::prelude::*;
    /// use weft::{Doc, ReplicaId};
    /// let mut phone = Doc::new(ReplicaId::random());
    /// let before = phone.version();
    /// phone.edit_entry("notes", |notes| notes.text(|t| t.insert(0, "hi"))).unwrap();
    /// phone.edit_entry("notes", |notes| notes.text(|t| t.insert(2, "!"))).unwrap();
    /// let mut laptop = Doc::new(ReplicaId::random());
    /// laptop.apply(&phone.delta_since(&before));
    /// assert_eq!(laptop.to_json(), r#"{"notes":"hi!"}"#);
    /// ```
    pub fn edit_entry<R>(
        &mut self,
        name: &str,
        change: impl FnOnce(&mut Scope<'_, Entry>) -> R,
    ) -> R {
        let result = self.replica.edit(|root| root.entry(name, change));
        if self.view.is_some() {
            self.notify(Some(vec![name.to_owned()]), true);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use weft_core::{ReplicaId, VersionVector};

    use crate::doc::{Change, Doc, EntryEditor, ListContainerEditor};
    use crate::prelude::TextEditor;

    #[test]
    fn edits_travel_through_delta_since_and_notify_listeners() {
        let mut doc = Doc::new(ReplicaId::from_u128(1));
        let heard = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&heard);
        doc.subscribe(move |events| sink.borrow_mut().extend_from_slice(events));
        doc.edit_entry("todo", |todo| todo.list(|list| list.push("milk")));
        doc.edit_entry("count", |count| count.counter(|c| c.increment(2)));
        doc.edit_entry("title", |title| title.text(|t| t.insert(0, "ab")))
            .unwrap();
        let heard = heard.borrow();
        assert_eq!(heard.len(), 3);
        assert!(heard.iter().all(|event| event.local));
        assert!(matches!(heard[2].change, Change::Map { .. }));

        let mut other = Doc::new(ReplicaId::from_u128(2));
        other.apply(&doc.delta_since(&VersionVector::new()));
        assert_eq!(other.to_json(), doc.to_json());
        assert!(other.same_state(&doc));
        doc.check();
    }

    #[test]
    fn a_refused_edit_changes_nothing_on_an_existing_text() {
        let mut doc = Doc::new(ReplicaId::from_u128(1));
        doc.edit_entry("t", |t| t.text(|t| t.insert(0, "x")))
            .unwrap();
        let version = doc.version();
        assert!(
            doc.edit_entry("t", |t| t.text(|t| t.insert(5, "y")))
                .is_err()
        );
        assert_eq!(doc.version(), version);
        assert_eq!(doc.to_json(), r#"{"t":"x"}"#);
    }
}
