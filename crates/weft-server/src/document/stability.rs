//! Causal stability of a document, as its task sees it, and compaction.
//!
//! A server alone with its database knows every replica that syncs the document: each open
//! session's client (what it acknowledged or announced, in its `SyncState`), and the clients
//! that left within the last `stability_expiry` (what they held when they left). The meet of
//! those versions and the server's own is held by every replica that will sync, bar one that
//! has been away longer than the expiry: the server does not wait for it, and when it comes
//! back below the compaction point its hello shows it, and it is sent the complete state
//! (`docs/SYNC.md`), which removes what it still holds of the forgotten entries.
//!
//! With several servers (`--redis`, or a shared `--database`) a server does not know the
//! other servers' clients: it announces its view but never compacts.

use tokio::time::Instant;
use weft::sync::meet;
use weft::{Replicated, VersionVector};

use super::{DocumentTask, Stored};
use crate::bus::DocumentBus;
use crate::error::StoreError;
use crate::guard::GuardedReplica;

/// How many changes the stable version gains before the sessions are told it again (not at
/// every keystroke: a view is only worth a message when it lets a client compact).
const ANNOUNCE_EVERY: u64 = 256;

/// How many changes `newer` holds beyond `older`.
fn gained(newer: &VersionVector, older: &VersionVector) -> u64 {
    newer
        .iter()
        .map(|(id, counter)| counter.saturating_sub(older.get(id)))
        .sum()
}

/// A client that left: when, and what it held.
pub(super) struct Departed {
    pub(super) at: Instant,
    pub(super) version: VersionVector,
}

impl DocumentTask {
    /// Remembers what a leaving session's client held, until the expiry.
    pub(super) fn depart(&mut self, version: Option<&VersionVector>) {
        if let Some(version) = version {
            self.departed.push(Departed {
                at: Instant::now(),
                version: version.clone(),
            });
        }
    }

    /// The version every known replica holds: the server's, every session's client's (empty
    /// while one has not said), and every client's that left within the expiry.
    pub(super) fn stable_version(&mut self, replica: &GuardedReplica) -> VersionVector {
        let expiry = self.services.settings.stability_expiry;
        self.departed
            .retain(|departed| departed.at.elapsed() < expiry);
        let own = replica.version();
        let sessions = self
            .sessions
            .values()
            .map(|entry| entry.state.peer_version().cloned().unwrap_or_default());
        let departed = self
            .departed
            .iter()
            .map(|departed| departed.version.clone());
        sessions
            .chain(departed)
            .fold(own, |stable, version| meet(&stable, &version))
    }

    /// Announces the stable version to every session and, when the server is the document's
    /// only writer and it covers enough new changes, compacts the replica and stores the
    /// compacted state as a snapshot.
    pub(super) async fn stabilize(
        &mut self,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        bus: Option<&DocumentBus>,
    ) -> Result<(), StoreError> {
        let stable = self.stable_version(replica);
        if gained(&stable, &self.announced) >= ANNOUNCE_EVERY {
            self.announced.clone_from(&stable);
            for entry in self.sessions.values_mut() {
                entry.state.announce_view(stable.clone());
            }
        }
        let every = self.services.settings.compact_every_changes;
        if bus.is_some() || every == 0 || gained(&stable, &replica.compacted()) < every {
            return Ok(());
        }
        let forgotten = replica.compact(&stable);
        tracing::debug!(document = %self.id, forgotten, "compacted");
        self.persist(replica, stored, true, bus).await
    }
}
