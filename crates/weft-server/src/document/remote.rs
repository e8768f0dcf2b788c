//! What other servers stored: pieces arriving on the bus, and catching up from the database
//! (on a gap, periodically, after a reconnection to Redis). Each piece goes through the same
//! checks as a client's change ([`GuardedReplica`]) before it reaches the replica.

use std::collections::BTreeSet;
use std::time::Duration;

use weft::{Outcome, Replicated};

use super::{DocumentTask, Failure, Stored};
use crate::bus::{DocumentBus, Remote};
use crate::guard::GuardedReplica;
use crate::store::{Piece, PieceKind};

/// How long after a gap (a delta from the bus waiting for one it depends on) the document
/// reads the database: long enough for a reordered message to arrive first.
pub(super) const GAP_WAIT: Duration = Duration::from_millis(100);

/// Larger pieces are not published; the other servers read them at their next catch-up.
pub(super) const MAX_PUBLISHED_BYTES: usize = 4 << 20;

/// The next message from the bus, or never without one.
pub(super) async fn next_remote(bus: Option<&mut DocumentBus>) -> Option<Remote> {
    match bus {
        Some(bus) => bus.remote.recv().await,
        None => std::future::pending().await,
    }
}

/// What taking in other servers' pieces did.
#[derive(Default)]
struct Taken {
    /// The replica changed.
    changed: bool,
    /// A delta waits for one this server has not got: the bus dropped or reordered one.
    gap: bool,
}

impl DocumentTask {
    /// Applies pieces from the bus (or catches up if one asks it); returns whether a gap was
    /// seen, so that the task catches up soon.
    pub(super) async fn take_remote(
        &mut self,
        batch: Vec<Remote>,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        bus: Option<&DocumentBus>,
    ) -> Result<bool, Failure> {
        let durable = is_durable(replica, stored);
        let mut taken = Taken::default();
        let mut catch_up = false;
        for remote in batch {
            match remote {
                Remote::CatchUp => catch_up = true,
                Remote::Piece(piece) => self.take(&piece, replica, stored, &mut taken),
                Remote::Presence { origin, entries } => {
                    self.receive_remote_presence(origin, entries);
                }
            }
        }
        self.settle(replica, stored, durable, taken.changed, bus)
            .await?;
        if catch_up {
            self.catch_up(replica, stored, bus).await?;
        }
        Ok(taken.gap)
    }

    /// Reads the pieces of the document this server does not hold yet and applies them.
    pub(super) async fn catch_up(
        &mut self,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        bus: Option<&DocumentBus>,
    ) -> Result<(), Failure> {
        let asked: BTreeSet<_> = stored.known.union(&stored.refused).copied().collect();
        let found = self
            .services
            .database
            .read(&self.id, asked)
            .await
            .map_err(Failure::Store)?;
        let durable = is_durable(replica, stored);
        let mut taken = Taken::default();
        for piece in &found.pieces {
            self.take(piece, replica, stored, &mut taken);
        }
        // Forget pieces another server's compaction replaced (its snapshot holds them).
        let existing: BTreeSet<_> = found.ids.iter().copied().collect();
        stored.known.retain(|id| existing.contains(id));
        stored.refused.retain(|id| existing.contains(id));
        if !found.pieces.is_empty() {
            tracing::debug!(document = %self.id, pieces = found.pieces.len(), "caught up");
        }
        self.settle(replica, stored, durable, taken.changed, bus)
            .await
    }

    /// Applies one piece another server stored, unless the replica holds it already.
    fn take(
        &self,
        piece: &Piece,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        taken: &mut Taken,
    ) {
        if stored.known.contains(&piece.id) || stored.refused.contains(&piece.id) {
            return;
        }
        let applied = match piece.kind {
            PieceKind::Snapshot => replica.merge_snapshot(&piece.bytes),
            PieceKind::Delta => replica.apply_stored(&piece.bytes),
        };
        match applied {
            Ok(outcome) => {
                stored.known.insert(piece.id);
                taken.changed |= outcome != Outcome::Redundant;
                taken.gap |= outcome == Outcome::Pending;
                let size = piece.bytes.len() as u64;
                match piece.kind {
                    // Another server compacted: its snapshot replaced the deltas.
                    PieceKind::Snapshot => {
                        stored.snapshot_bytes = size;
                        stored.delta_bytes = 0;
                    }
                    PieceKind::Delta => stored.delta_bytes += size,
                }
            }
            Err(refusal) => {
                tracing::error!(document = %self.id, piece = piece.id, %refusal,
                    "a piece another server stored is refused by the checks");
                stored.refused.insert(piece.id);
            }
        }
    }

    /// After other servers' pieces changed the replica: if everything the replica held
    /// before was durable, so is everything now (the pieces came from the database);
    /// otherwise commit what is not. Then push the changes to the clients.
    async fn settle(
        &mut self,
        replica: &mut GuardedReplica,
        stored: &mut Stored,
        durable: bool,
        changed: bool,
        bus: Option<&DocumentBus>,
    ) -> Result<(), Failure> {
        if !changed {
            return Ok(());
        }
        if durable {
            stored.version = replica.version();
        } else {
            self.persist(replica, stored, false, bus)
                .await
                .map_err(Failure::Store)?;
        }
        self.flush_all(replica);
        Ok(())
    }
}

/// Whether all the replica holds is in the database: its version is the stored one and no
/// client's delta waits in it.
fn is_durable(replica: &GuardedReplica, stored: &Stored) -> bool {
    replica.pending_len() == 0 && replica.version() == stored.version
}
