//! `Replicated`: what the sync protocol and persistence need from a replicated object.

use crate::causal::{Delta, Outcome, Replica};
use crate::digest::Digest;
use crate::error::DecodeError;
use crate::ids::{ReplicaId, VersionVector};
use crate::store::DotStore;

/// A replicated object seen through bytes: its version, its deltas, its digest, its snapshot.
/// [`Replica<S>`] implements it for every type, and so does a document; the sync protocol and
/// the persistence log are written against this trait only.
///
/// ```
/// use weft_core::{AddWinsSet, Replica, ReplicaId, Replicated};
/// let mut a = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(1));
/// let mut b = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(2));
/// a.update(|s| s.insert(1));
/// let bytes = a.encoded_delta_since(&Replicated::version(&b));
/// b.apply_encoded(&bytes).unwrap();
/// assert_eq!(Replicated::digest(&a), Replicated::digest(&b));
/// ```
pub trait Replicated {
    /// The id of this replica.
    fn replica_id(&self) -> ReplicaId;

    /// The changes applied so far.
    fn version(&self) -> VersionVector;

    /// An order-independent digest of the state.
    fn digest(&self) -> Digest;

    /// What a replica at `since` lacks, encoded.
    fn encoded_delta_since(&self, since: &VersionVector) -> Vec<u8>;

    /// What a replica at `since` lacks, encoded against `base`, a version the receiver holds
    /// exactly (see [`Delta::to_bytes_against`]).
    fn encoded_delta_against(&self, since: &VersionVector, base: &VersionVector) -> Vec<u8>;

    /// Decodes and applies a delta (kept pending if it depends on changes not received yet).
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are not a valid delta of this type; nothing changes then.
    fn apply_encoded(&mut self, bytes: &[u8]) -> Result<Outcome, DecodeError>;

    /// Decodes a delta written by [`Replicated::encoded_delta_against`] with the same `base`,
    /// and applies it.
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are not a valid delta of this type against `base`;
    /// nothing changes then.
    fn apply_encoded_against(
        &mut self,
        bytes: &[u8],
        base: &VersionVector,
    ) -> Result<Outcome, DecodeError>;

    /// Decodes a complete state (a delta since the empty version) and repairs divergence with
    /// it (see [`Replica::repair`]).
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are not a valid delta of this type; nothing changes then.
    fn repair_encoded(&mut self, bytes: &[u8]) -> Result<(), DecodeError>;

    /// The highest version this replica compacted at (see [`Replica::compacted`]): a peer
    /// whose version does not include it is sent [`Replicated::encoded_state`], not a delta.
    /// The default (a type that never compacts) is the empty version.
    fn compacted(&self) -> VersionVector {
        VersionVector::new()
    }

    /// The complete state, encoded (a delta since the empty version).
    fn encoded_state(&self) -> Vec<u8> {
        self.encoded_delta_since(&VersionVector::new())
    }

    /// Decodes and applies a complete state written by [`Replicated::encoded_state`] by a
    /// replica that compacted up to `compacted` (see [`Replica::apply_complete`]). The
    /// default applies it as a delta (right for a type that never compacts).
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are not a valid delta of this type; nothing changes then.
    fn apply_encoded_state(
        &mut self,
        bytes: &[u8],
        compacted: &VersionVector,
    ) -> Result<Outcome, DecodeError> {
        let _ = compacted;
        self.apply_encoded(bytes)
    }

    /// How many received deltas wait for their predecessors.
    fn pending_len(&self) -> usize;

    /// The highest counter per replica held only in pending deltas, where beyond the version
    /// (see [`Replica::pending_tops`]).
    fn pending_tops(&self) -> VersionVector;

    /// Learns what a peer holds (its version, or its pending tops): if the peer holds changes
    /// of this replica's own id that this replica lacks (it restarted from an older snapshot),
    /// its next change must not reuse their counters (see [`Replica::note_peer_version`]).
    fn note_peer_version(&mut self, version: &VersionVector);

    /// The highest counter of this replica's own id known to be held anywhere (see
    /// [`Replica::own_counter_floor`]).
    fn own_counter_floor(&self) -> u64;

    /// The whole replica as a snapshot.
    fn save(&self) -> Vec<u8>;

    /// A replica restored from [`Replicated::save`].
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are not a valid snapshot of this type.
    fn load(bytes: &[u8]) -> Result<Self, DecodeError>
    where
        Self: Sized;
}

impl<S: DotStore> Replicated for Replica<S> {
    fn replica_id(&self) -> ReplicaId {
        self.id()
    }

    fn version(&self) -> VersionVector {
        Replica::version(self)
    }

    fn digest(&self) -> Digest {
        Replica::digest(self)
    }

    fn encoded_delta_since(&self, since: &VersionVector) -> Vec<u8> {
        self.delta_since(since).to_bytes()
    }

    fn encoded_delta_against(&self, since: &VersionVector, base: &VersionVector) -> Vec<u8> {
        self.delta_since(since).to_bytes_against(base)
    }

    fn apply_encoded(&mut self, bytes: &[u8]) -> Result<Outcome, DecodeError> {
        let delta = Delta::<S>::from_bytes(bytes)?;
        Ok(self.apply(&delta))
    }

    fn apply_encoded_against(
        &mut self,
        bytes: &[u8],
        base: &VersionVector,
    ) -> Result<Outcome, DecodeError> {
        let delta = Delta::<S>::from_bytes_against(bytes, base)?;
        Ok(self.apply(&delta))
    }

    fn repair_encoded(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let delta = Delta::<S>::from_bytes(bytes)?;
        self.repair(&delta);
        Ok(())
    }

    fn compacted(&self) -> VersionVector {
        Replica::compacted(self).clone()
    }

    fn apply_encoded_state(
        &mut self,
        bytes: &[u8],
        compacted: &VersionVector,
    ) -> Result<Outcome, DecodeError> {
        let delta = Delta::<S>::from_bytes(bytes)?;
        Ok(self.apply_complete(&delta, compacted))
    }

    fn pending_len(&self) -> usize {
        Replica::pending_len(self)
    }

    fn pending_tops(&self) -> VersionVector {
        Replica::pending_tops(self)
    }

    fn note_peer_version(&mut self, version: &VersionVector) {
        Replica::note_peer_version(self, version);
    }

    fn own_counter_floor(&self) -> u64 {
        Replica::own_counter_floor(self)
    }

    fn save(&self) -> Vec<u8> {
        Replica::save(self)
    }

    fn load(bytes: &[u8]) -> Result<Self, DecodeError> {
        Replica::load(bytes)
    }
}
