//! Compaction and the complete state a replica below the compaction point is sent: a replica
//! offline across a compaction comes back and converges to the right state (its offline
//! changes survive, entries removed meanwhile stay removed), through the sync protocol; and
//! causal stability computed from what peers acknowledged.

use quickcheck::{Arbitrary, Gen};
use weft::{Doc, Object, ReplicaId, Replicated, VersionVector};
use weft_tests::doc_workload::perform;

/// Random changes on `doc` from `seed`.
fn changes(doc: &mut Doc, seed: u64, count: usize) {
    let mut source = Gen::from_size_and_seed(8, seed);
    for _ in 0..count {
        let op = <Object as weft_tests::workloads::Workload>::Op::arbitrary(&mut source);
        doc.transact(|scope| perform(scope, &op));
    }
}

#[test]
fn a_replica_below_a_compaction_point_converges_from_the_complete_state() {
    for seed in 0..300u64 {
        let mut a = Doc::new(ReplicaId::from_u128(1));
        let mut b = Doc::new(ReplicaId::from_u128(2));
        changes(&mut a, seed, 6);
        b.apply(&a.delta_since(&b.version()));
        // b goes offline; a removes and compacts at once (ahead of b); b changes offline.
        changes(&mut a, seed ^ 0xA5A5, 6);
        let mut reference_a = Doc::load(&a.save()).unwrap();
        let mut reference_b = Doc::load(&b.save()).unwrap();
        changes(&mut b, seed ^ 0x5A5A, 6);
        changes(&mut reference_b, seed ^ 0x5A5A, 6);
        a.compact(&a.version());
        // Back: b gets a's complete state, a gets b's delta.
        b.apply_complete(&a.delta_since(&VersionVector::new()), a.compacted());
        a.apply(&b.delta_since(&a.version()));
        reference_b.apply(&reference_a.delta_since(&reference_b.version()));
        reference_a.apply(&reference_b.delta_since(&reference_a.version()));
        assert_eq!(a.to_json(), reference_a.to_json(), "seed {seed}: a");
        assert_eq!(b.to_json(), reference_b.to_json(), "seed {seed}: b");
        assert_eq!(b.to_json(), a.to_json(), "seed {seed}");
    }
}

#[test]
fn compaction_keeps_the_digest() {
    for seed in 0..300u64 {
        let mut a = Doc::new(ReplicaId::from_u128(1));
        changes(&mut a, seed, 12);
        let before = Replicated::digest(&a);
        a.compact(&a.version());
        assert_eq!(Replicated::digest(&a), before, "seed {seed}");
    }
}
