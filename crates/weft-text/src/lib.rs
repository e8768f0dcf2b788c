//! Sequence CRDTs of Weft: [`List<T>`] and [`Text`].
//!
//! Both are delta-state CRDTs under the contract of `weft-core`: a mutation inside
//! [`Replica::update`](weft_core::Replica::update) returns a delta, `merge` is idempotent,
//! commutative and associative, [`Replica::delta_since`](weft_core::Replica::delta_since)
//! costs what it returns (deletions included), and a delta that arrives before what it
//! depends on waits. Concurrent inserts at one position never interleave, typing forward or
//! backward: the order is FugueMax (Weidner and Kleppmann, *The Art of the Fugue*, 2023),
//! computed with the YjsMod integration rule.
//!
//! # Quick start
//! ```
//! use weft_core::{Delta, Replica, ReplicaId, VersionVector};
//! use weft_text::{Text, TextEditor};
//!
//! let mut phone = Replica::<Text>::new(ReplicaId::random());
//! let mut laptop = Replica::<Text>::new(ReplicaId::random());
//! // Typing on the fast path builds no delta per keystroke...
//! for (position, character) in "draft".chars().enumerate() {
//!     phone.edit(|text| text.insert(position, &character.to_string())).unwrap();
//! }
//! // ...and the laptop asks for what it lacks.
//! let bytes = phone.delta_since(&laptop.version()).to_bytes();
//! laptop.apply(&Delta::from_bytes(&bytes).unwrap());
//! // A change made inside `update` comes back as a delta to send at once.
//! let delta = laptop.update(|text| text.insert(0, "A ").unwrap());
//! phone.apply(&delta);
//! assert_eq!(phone.to_string(), "A draft");
//! assert!(phone.same_state(&laptop));
//! ```
//!
//! # Design
//! Elements live in an order tree (a B-tree of run-length spans counting scalars, UTF-16
//! units and UTF-8 bytes), every change is kept in a per-replica history of runs, and an
//! interval map finds an element's leaf from its dot. See `docs/TEXT.md`.

#![forbid(unsafe_code)]

mod codec;
mod cursor;
mod edit;
mod element;
mod elements;
mod error;
mod history;
mod index;
mod integrate;
mod list;
mod marks;
mod observe;
mod schema;
mod sequence;
mod shared;
mod span;
mod store;
mod text;
mod tree;

pub use cursor::{Cursor, CursorError, ElementId, Side};
pub use elements::{ElementRun, Placed};
pub use error::PositionError;
pub use list::{List, ListEditor, ListIncoming};
pub use marks::{
    Attributes, DeltaOp, Expand, Format, MAX_MARK_NAME, MAX_MARK_VALUE, Mark, MarkError, MarkValue,
    TextRun, check_delta, check_mark,
};
pub use observe::Splice;
pub use text::{Text, TextEditor, TextIncoming};
