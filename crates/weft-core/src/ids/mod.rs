//! Identities and versions: the replica that made a change ([`ReplicaId`], and the local
//! [`ReplicaIndex`] into a [`ReplicaTable`]), the change itself ([`Dot`]), the dense local
//! version ([`Clock`]) and the table-independent [`VersionVector`] used at the boundary.

mod clock;
mod dot;
mod replica;
mod version_vector;

pub use clock::Clock;
pub(crate) use clock::index_of;
pub use dot::{Dot, MAX_COUNTER};
pub use replica::{ParseReplicaIdError, ReplicaId, ReplicaIndex, ReplicaTable};
pub use version_vector::VersionVector;
