//! Causal stability from what peers acknowledged: the versions every known replica holds.
//!
//! A replica knows its direct peers' versions (their hellos, `Changes` and acks, kept in each
//! [`SyncState`]). Its *view* is the meet of its own version and those: every replica it
//! syncs with directly holds the view. It announces the view to its peers ([`Stable`]); a
//! peer's stable version is then the meet of its own view and the views its peers announced,
//! so behind a relay (the server, which syncs with every client) each client learns what all
//! the others hold. Views are computed from versions only, never from announced views, so
//! nothing feeds on itself (no two replicas hold each other's stability down).

use weft_core::VersionVector;

use crate::message::Stable;
use crate::state::SyncState;

/// The meet of two versions: per replica, the smaller counter (0 when either lacks it).
///
/// ```
/// use weft_core::{ReplicaId, VersionVector};
/// let (a, b) = (ReplicaId::from_u128(1), ReplicaId::from_u128(2));
/// let x: VersionVector = [(a, 3), (b, 1)].into_iter().collect();
/// let y: VersionVector = [(a, 2)].into_iter().collect();
/// assert_eq!(weft_sync::meet(&x, &y), [(a, 2)].into_iter().collect());
/// ```
#[must_use]
pub fn meet(left: &VersionVector, right: &VersionVector) -> VersionVector {
    left.iter()
        .filter_map(|(replica, counter)| {
            let lowest = counter.min(right.get(replica));
            (lowest > 0).then_some((replica, lowest))
        })
        .collect()
}

impl SyncState {
    /// The view of a replica at version `own` syncing with the peers of `peers`: the meet of
    /// `own` and every peer's [`peer_version`](SyncState::peer_version) (empty if a peer's is
    /// not known yet: a peer that has not spoken blocks stability). Announce it to each peer
    /// with [`SyncState::announce_view`].
    ///
    /// ```
    /// use weft_core::{ReplicaId, VersionVector};
    /// use weft_sync::SyncState;
    /// let own: VersionVector = [(ReplicaId::from_u128(1), 4)].into_iter().collect();
    /// assert_eq!(SyncState::view(&own, []), own); // alone, everything is stable
    /// assert!(SyncState::view(&own, [&SyncState::new()]).is_empty());
    /// ```
    #[must_use]
    pub fn view<'a>(
        own: &VersionVector,
        peers: impl IntoIterator<Item = &'a SyncState>,
    ) -> VersionVector {
        peers
            .into_iter()
            .fold(own.clone(), |view, peer| match &peer.peer_has {
                Some(version) => meet(&view, version),
                None => VersionVector::new(),
            })
    }

    /// The causally stable version of a replica at `own` syncing with `peers`: its
    /// [`view`](SyncState::view), met with the views those peers announced (a peer that
    /// announces none, as a protocol-3 peer, counts for its own version only). Every replica
    /// known directly or through a peer's view holds it: pass it to `Doc::note_stable` or
    /// `Replica::compact`.
    ///
    /// ```
    /// use weft_core::{ReplicaId, VersionVector};
    /// use weft_sync::SyncState;
    /// let own: VersionVector = [(ReplicaId::from_u128(1), 4)].into_iter().collect();
    /// assert_eq!(SyncState::stable_version(&own, []), own);
    /// ```
    #[must_use]
    pub fn stable_version<'a>(
        own: &VersionVector,
        peers: impl IntoIterator<Item = &'a SyncState> + Clone,
    ) -> VersionVector {
        let view = Self::view(own, peers.clone());
        peers
            .into_iter()
            .filter_map(|peer| peer.peer_view.as_ref())
            .fold(view, |stable, theirs| meet(&stable, theirs))
    }

    /// The view the peer announced last (see [`SyncState::view`]), if it did.
    ///
    /// ```
    /// assert!(weft_sync::SyncState::new().peer_view().is_none());
    /// ```
    #[must_use]
    pub fn peer_view(&self) -> Option<&VersionVector> {
        self.peer_view.as_ref()
    }

    /// Sets the view to announce to this peer (a [`Stable`] message, sent by the next
    /// [`generate`](crate::generate) once the peer speaks protocol 4 and only when it differs
    /// from the last one sent in this session, so a steady view costs nothing).
    ///
    /// ```
    /// let mut state = weft_sync::SyncState::new();
    /// state.announce_view(weft_core::VersionVector::new());
    /// ```
    pub fn announce_view(&mut self, view: VersionVector) {
        self.view = Some(view);
    }

    /// The `Stable` message due, if any.
    pub(crate) fn stable_due(&self) -> bool {
        self.peer_protocol >= crate::message::STABILITY_PROTOCOL
            && self.peer_has.is_some()
            && self.view.is_some()
            && self.view != self.announced_view
    }

    /// Takes the `Stable` message due.
    pub(crate) fn take_stable(&mut self) -> Option<Stable> {
        if !self.stable_due() {
            return None;
        }
        self.announced_view.clone_from(&self.view);
        self.view
            .clone()
            .map(|view| Stable::new(self.session, view))
    }

    /// Records a peer's announced view (any session: a view stays true).
    pub(crate) fn on_stable(&mut self, stable: Stable) {
        self.peer_view = Some(stable.version);
    }
}
