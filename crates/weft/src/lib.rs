//! Weft: delta-state CRDTs merged through a delta-sync protocol.
//!
//! This is the crate applications import; it re-exports the stable surface of the Weft
//! crates.
//!
//! ```
//! use weft::{AddWinsSet, Replica, ReplicaId};
//! let mut a = Replica::<AddWinsSet<u32>>::new(ReplicaId::random());
//! let mut b = Replica::<AddWinsSet<u32>>::new(ReplicaId::random());
//! b.apply(&a.update(|s| s.insert(1)));
//! assert!(b.contains(&1));
//! ```

#![forbid(unsafe_code)]

mod doc;
mod value;

pub use doc::{
    Change, ChildKey, Doc, DocDelta, DocError, Element, Entry, EntryEditor, Event, Item, Kind,
    ListContainer, ListContainerEditor, Node, Object, ObjectEditor, PathSegment, Subscription,
};
pub use value::Value;
pub use weft_core::*;
pub use weft_text::{List, ListEditor, PositionError, Text, TextEditor};

/// The sync protocol (sans IO: `SyncState`, `Message`, `generate`, `receive`) and the
/// crash-safe persistence log (`Log`), for every replicated type and for documents.
///
/// ```
/// use weft::sync::{SyncState, generate};
/// use weft::{Doc, ReplicaId};
/// let doc = Doc::new(ReplicaId::random());
/// let mut state = SyncState::new();
/// assert!(generate(&mut state, &doc).is_some()); // the hello
/// ```
pub use weft_sync as sync;

/// The editing traits, to bring every `Scope` method into scope at once:
/// `use weft::prelude::*;`.
pub mod prelude {
    pub use crate::doc::{EntryEditor, ListContainerEditor, ObjectEditor};
    pub use weft_text::{ListEditor, TextEditor};
}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
