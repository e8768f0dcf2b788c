//! The causal core of Weft: replica identities, version vectors, causal contexts, the
//! delta-state replicated types (counters, registers, sets, maps) and their binary codec.
//!
//! Most users import the `weft` crate, which re-exports this one.
//!
//! # Quick start
//! Two replicas of a set and a counter, each changing offline, then exchanging deltas:
//!
//! ```
//! use weft_core::{AddWinsSet, GCounter, Replica, ReplicaId};
//!
//! let mut phone = Replica::<AddWinsSet<String>>::new(ReplicaId::random());
//! let mut laptop = Replica::<AddWinsSet<String>>::new(ReplicaId::random());
//! let from_phone = phone.update(|tags| tags.insert("urgent".into()));
//! let from_laptop = laptop.update(|tags| tags.insert("home".into()));
//! // Deltas are bytes on the wire.
//! laptop.apply(&weft_core::Delta::from_bytes(&from_phone.to_bytes()).unwrap());
//! phone.apply(&from_laptop);
//! assert!(phone.same_state(&laptop));
//! assert_eq!(phone.len(), 2);
//!
//! let mut likes = Replica::<GCounter>::new(ReplicaId::random());
//! likes.update(|c| c.increment(1));
//! assert_eq!(likes.value(), 1);
//! ```
//!
//! # Model
//! Every type is a dot store under a causal context (see [`store`] and
//! `docs/ARCHITECTURE.md`). A mutation returns a [`Delta`]; [`Replica::delta_since`] returns
//! what a replica at a given [`VersionVector`] lacks; [`Replica::apply`] merges a delta once
//! the changes it depends on are present, and keeps it pending until then.

#![forbid(unsafe_code)]

mod causal;
pub mod codec;
mod digest;
mod error;
mod ids;
mod schema;
pub mod sorting;
pub mod store;
mod types;

pub use causal::{CausalContext, Delta, Outcome, Replica, Replicated, Scope, Transaction};
pub use digest::{Digest, DigestBuilder};
pub use error::{DecodeError, InvariantViolation};
pub use ids::{
    Clock, Dot, MAX_COUNTER, ParseReplicaIdError, ReplicaId, ReplicaIndex, ReplicaTable,
    VersionVector,
};
pub use store::{Key, Value};
pub use types::{
    AddWinsSet, GCounter, GSet, LwwRegister, Map, MvRegister, PNCounter, RemoveWinsSet, Stamp,
};
