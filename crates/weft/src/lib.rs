//! Weft: delta-state CRDTs merged through a delta-sync protocol.
//!
//! This is the crate applications import. It has two layers:
//!
//! - **[`Doc`]**, a JSON-like document of named containers — maps, lists, texts, counters,
//!   add-wins and remove-wins sets, multi-value registers and values, nested as deep as
//!   needed — that apps edit in transactions through scoped handles ([`MapScope`],
//!   [`ListScope`], [`TextScope`], [`CounterScope`], [`SetScope`], [`RemoveWinsSetScope`],
//!   [`MultiValueScope`]), observe per container with origins, save, load and sync. Start
//!   here.
//! - **[`Replica<T>`]**, one typed replicated value (`Replica<AddWinsSet<String>>`,
//!   `Replica<Text>`, `Replica<GCounter>`, …): the low level a document is built on, for apps
//!   that replicate one value.
//!
//! Both are delta-state CRDTs: a change returns the delta to send, `delta_since(version)`
//! returns what a replica at that version lacks, `apply` merges in any order. The sync
//! protocol is in [`sync`]; the building blocks for new replicated types in [`internals`].
//!
//! ```
//! use weft::{Doc, ReplicaId};
//!
//! let mut phone = Doc::new(ReplicaId::random());
//! let mut laptop = Doc::new(ReplicaId::random());
//! let delta = phone.transact(|root| {
//!     root.text("title").insert(0, "Groceries")?;
//!     root.list("items").push("milk");
//!     Ok::<(), weft::DocError>(())
//! }).delta;
//! laptop.apply(&delta);
//! assert_eq!(laptop.to_json(), r#"{"items":["milk"],"title":"Groceries"}"#);
//! ```

#![forbid(unsafe_code)]

mod doc;
mod undo;
mod value;

pub use doc::{
    Change, ChildKey, ContainerPath, CounterScope, DEFAULT_COMPACTION_THRESHOLD, Doc, DocDelta,
    DocError, Element, Entry, Event, ExpandRules, Item, KeyChange, Kind, ListContainer, ListDelta,
    ListScope, MapScope, MultiValueScope, Node, Object, Origin, PathSegment, RemoveWinsSetScope,
    SetScope, Step, Subscription, TextDelta, TextScope, Transacted,
};
pub use undo::{Reverted, TrackedOrigins, UndoConfig, UndoEvent, UndoManager, UndoStack};
pub use value::Value;
pub use weft_core::{
    AddWinsSet, DecodeError, Delta, Digest, GCounter, GSet, InvariantViolation, LwwRegister, Map,
    MvRegister, Outcome, PNCounter, ParseReplicaIdError, RemoveWinsSet, Replica, ReplicaId,
    Replicated, Scope, Stamp, VersionVector,
};
pub use weft_text::{
    Attributes, Cursor, CursorError, DeltaOp, ElementId, ElementRun, Expand, Format, List,
    ListEditor, ListIncoming, Mark, MarkError, MarkValue, Placed, PositionError, Side, Splice,
    Text, TextEditor, TextIncoming, TextRun,
};

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

/// The engine's building blocks, for implementing new replicated types and tools over the
/// wire format: causal contexts, clocks, dots, the dot stores ([`internals::store`]), the
/// binary codec ([`internals::codec`]), replica tables. Applications do not need them.
///
/// ```
/// use weft::internals::store::DotStore;
/// use weft::internals::{CausalContext, Clock};
/// let empty = CausalContext::from_clock(Clock::default());
/// assert!(empty.is_empty());
/// assert!(weft::Object::default().is_bottom());
/// ```
pub use weft_core as internals;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
