//! The replicas the simulator drives ([`SimReplica`]) and forged deltas for its corruptions.

use quickcheck::{Arbitrary, Gen};
use weft::internals::ReplicaIndex;
use weft::internals::codec::DotWriter;
use weft::internals::codec::frame::{self, Kind};
use weft::internals::store::DotStore;
use weft::{Doc, Object, Replica, ReplicaId, Replicated, VersionVector};

use crate::workloads::Workload;

/// A replica the simulator can drive: the sync protocol's view of it, plus random changes.
pub trait SimReplica: Replicated + Sized {
    /// A new, empty replica.
    fn create(id: ReplicaId) -> Self;

    /// Makes one random local change chosen by `seed`.
    fn random_change(&mut self, seed: u64);

    /// Corrupts the replica on purpose: it claims change `counter` of `author` without its
    /// effect (a replica that lost a change but kept its version, y-crdt #632). Returns
    /// whether the claim was applied.
    fn corrupt(&mut self, author: ReplicaId, counter: u64) -> bool;

    /// The deltas the replica holds pending, encoded.
    fn pending_deltas(&self) -> Vec<Vec<u8>>;

    /// Forgets removed entries whose removal is in `point` (see `Replica::compact`); returns
    /// how many went.
    fn compact_to(&mut self, point: &VersionVector) -> usize;
}

/// A delta of `S` that claims change `counter` of `author` and carries nothing (an empty
/// store): what a replica that lost a change but kept its version sends.
pub fn forged_claim<S: DotStore>(author: ReplicaId, counter: u64) -> Vec<u8> {
    forged::<S>(author, counter - 1, 1)
}

/// A delta of `S` that claims changes `1..=changes` of `author` and carries nothing: a cheap
/// way to a replica whose counters are high.
pub fn forged_history<S: DotStore>(author: ReplicaId, changes: u64) -> Vec<u8> {
    forged::<S>(author, 0, changes)
}

/// A delta of `S` whose context holds `advance` changes of `author` after `since`, with an
/// empty store.
fn forged<S: DotStore>(author: ReplicaId, since: u64, advance: u64) -> Vec<u8> {
    frame::seal(Kind::Delta, |out| {
        S::write_schema(out);
        out.varint(1);
        out.raw(&author.to_bytes());
        out.u8(0); // an exact context
        out.varint(1);
        out.varint(0); // the author
        out.varint(since);
        out.varint(advance);
        let (mut store, _) = DotWriter::new(&[author], std::iter::once(ReplicaIndex(0)));
        S::default().encode(&mut store);
        out.raw(store.finish().as_bytes());
    })
}

impl<S: Workload> SimReplica for Replica<S> {
    fn create(id: ReplicaId) -> Self {
        Replica::new(id)
    }

    fn random_change(&mut self, seed: u64) {
        let op = S::Op::arbitrary(&mut Gen::from_size_and_seed(8, seed));
        self.update(|scope| S::perform(scope, &op));
    }

    fn corrupt(&mut self, author: ReplicaId, counter: u64) -> bool {
        self.apply_encoded(&forged_claim::<S>(author, counter))
            .is_ok_and(|outcome| outcome == weft::Outcome::Applied)
    }

    fn pending_deltas(&self) -> Vec<Vec<u8>> {
        self.pending().iter().map(weft::Delta::to_bytes).collect()
    }

    fn compact_to(&mut self, point: &VersionVector) -> usize {
        self.compact(point)
    }
}

impl SimReplica for Doc {
    fn create(id: ReplicaId) -> Self {
        Doc::new(id)
    }

    fn random_change(&mut self, seed: u64) {
        let op = <Object as Workload>::Op::arbitrary(&mut Gen::from_size_and_seed(8, seed));
        self.transact(|scope| crate::doc_workload::perform(scope, &op));
    }

    fn corrupt(&mut self, author: ReplicaId, counter: u64) -> bool {
        self.apply_encoded(&forged_claim::<Object>(author, counter))
            .is_ok_and(|outcome| outcome == weft::Outcome::Applied)
    }

    fn pending_deltas(&self) -> Vec<Vec<u8>> {
        self.replica()
            .pending()
            .iter()
            .map(weft::Delta::to_bytes)
            .collect()
    }

    fn compact_to(&mut self, point: &VersionVector) -> usize {
        self.compact(point)
    }
}
