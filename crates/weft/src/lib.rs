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

pub use weft_core::*;
pub use weft_text::{List, ListEditor, PositionError, Text, TextEditor};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
