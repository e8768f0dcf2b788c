//! The document as the sync protocol sees it ([`Replicated`]), and compaction run by itself
//! once enough of the document is causally stable.

use weft_core::{DecodeError, Digest, Outcome, ReplicaId, Replicated, VersionVector};

use super::{Doc, DocDelta};

/// How many changes the stable version must have advanced by, beyond the last compaction,
/// before [`Doc::note_stable`] compacts again (the default of
/// [`Doc::set_compaction_threshold`]).
pub const DEFAULT_COMPACTION_THRESHOLD: u64 = 1_000;

/// When a document compacts by itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AutoCompaction {
    /// Changes the stable version must gain before the next compaction; 0: never.
    threshold: u64,
}

impl Default for AutoCompaction {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_COMPACTION_THRESHOLD,
        }
    }
}

impl Doc {
    /// Learns `stable`, a version every replica that will sync with this one is known to hold
    /// (causal stability, as [`weft_sync::SyncState::stable_version`] computes it from what
    /// peers acknowledged), and compacts ([`Doc::compact`]) once it covers at least
    /// [`Doc::set_compaction_threshold`] changes (1,000 by default) beyond the last compaction:
    /// the cost of a compaction (a pass over the document's entries) is amortised over that
    /// many changes. Returns how many entries were forgotten (0 when it did not compact).
    /// A peer found below the compaction point later gets the complete state, not a delta
    /// (see `docs/SYNC.md`), so an early compaction costs bytes, never correctness.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, VersionVector};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.set_compaction_threshold(1);
    /// doc.transact(|root| root.put("x", 1i64));
    /// doc.transact(|root| root.delete("x"));
    /// assert_eq!(doc.note_stable(&VersionVector::new()), 0); // nothing stable yet
    /// assert_eq!(doc.note_stable(&doc.version()), 1);
    /// assert_eq!(doc.compacted(), &doc.version());
    /// ```
    pub fn note_stable(&mut self, stable: &VersionVector) -> usize {
        let threshold = self.compaction.threshold;
        if threshold == 0 {
            return 0;
        }
        let version = self.version();
        let compacted = self.replica.compacted();
        let gained: u64 = stable
            .iter()
            .map(|(replica, counter)| {
                counter
                    .min(version.get(replica))
                    .saturating_sub(compacted.get(replica))
            })
            .sum();
        if gained < threshold {
            return 0;
        }
        self.compact(stable)
    }

    /// Sets how many changes the stable version must gain before [`Doc::note_stable`]
    /// compacts again; 0 turns automatic compaction off.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.set_compaction_threshold(0);
    /// doc.transact(|root| root.put("x", 1i64));
    /// doc.transact(|root| root.delete("x"));
    /// assert_eq!(doc.note_stable(&doc.version()), 0);
    /// ```
    pub fn set_compaction_threshold(&mut self, changes: u64) {
        self.compaction.threshold = changes;
    }

    /// The highest version this document compacted at (see [`weft_core::Replica::compacted`]).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// assert!(Doc::new(ReplicaId::random()).compacted().is_empty());
    /// ```
    #[must_use]
    pub fn compacted(&self) -> &VersionVector {
        self.replica.compacted()
    }

    /// Applies `complete`, the whole state of a replica that compacted up to `compacted`
    /// (see [`weft_core::Replica::apply_complete`]): entries it removed and forgot are dropped
    /// here too, changes it has not seen survive. Observers hear one reload.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, VersionVector};
    /// let mut a = Doc::new(ReplicaId::random());
    /// let mut b = Doc::new(ReplicaId::random());
    /// b.apply(&a.transact(|root| root.put("x", 1i64)).delta);
    /// a.transact(|root| root.delete("x"));
    /// a.compact(&a.version());
    /// b.transact(|root| root.put("y", 2i64));
    /// b.apply_complete(&a.delta_since(&VersionVector::new()), a.compacted());
    /// assert_eq!(b.to_json(), r#"{"y":2}"#);
    /// ```
    pub fn apply_complete(&mut self, complete: &DocDelta, compacted: &VersionVector) -> Outcome {
        let outcome = self.replica.apply_complete(complete, compacted);
        if outcome == Outcome::Applied {
            self.reload();
        }
        outcome
    }
}

impl Replicated for Doc {
    fn replica_id(&self) -> ReplicaId {
        self.id()
    }

    fn version(&self) -> VersionVector {
        Doc::version(self)
    }

    fn digest(&self) -> Digest {
        Doc::digest(self)
    }

    fn encoded_delta_since(&self, since: &VersionVector) -> Vec<u8> {
        self.delta_since(since).to_bytes()
    }

    fn encoded_delta_against(&self, since: &VersionVector, base: &VersionVector) -> Vec<u8> {
        self.delta_since(since).to_bytes_against(base)
    }

    fn apply_encoded(&mut self, bytes: &[u8]) -> Result<Outcome, DecodeError> {
        let delta = DocDelta::from_bytes(bytes)?;
        Ok(self.apply(&delta))
    }

    fn apply_encoded_against(
        &mut self,
        bytes: &[u8],
        base: &VersionVector,
    ) -> Result<Outcome, DecodeError> {
        let delta = DocDelta::from_bytes_against(bytes, base)?;
        Ok(self.apply(&delta))
    }

    fn repair_encoded(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let delta = DocDelta::from_bytes(bytes)?;
        self.repair(&delta);
        Ok(())
    }

    fn compacted(&self) -> VersionVector {
        Doc::compacted(self).clone()
    }

    fn apply_encoded_state(
        &mut self,
        bytes: &[u8],
        compacted: &VersionVector,
    ) -> Result<Outcome, DecodeError> {
        let delta = DocDelta::from_bytes(bytes)?;
        Ok(self.apply_complete(&delta, compacted))
    }

    fn pending_len(&self) -> usize {
        Doc::pending_len(self)
    }

    fn pending_tops(&self) -> VersionVector {
        self.replica.pending_tops()
    }

    fn note_peer_version(&mut self, version: &VersionVector) {
        self.replica.note_peer_version(version);
    }

    fn own_counter_floor(&self) -> u64 {
        self.replica.own_counter_floor()
    }

    fn save(&self) -> Vec<u8> {
        Doc::save(self)
    }

    fn load(bytes: &[u8]) -> Result<Self, DecodeError> {
        Doc::load(bytes)
    }
}
