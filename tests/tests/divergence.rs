//! Digests and divergence repair: replicas with equal states have equal digests whatever the
//! order they learned things in; a replica that claims a version without holding its effects
//! (the failure y-crdt #632 describes) is detected by its digest and repaired.

use quickcheck::{Gen, QuickCheck};
use weft::internals::codec::frame;
use weft::{AddWinsSet, Delta, Map, PNCounter, Replica, ReplicaId, VersionVector};
use weft_tests::{Step, run_script};

type Sets = Map<u8, AddWinsSet<u8>>;
type Script = Vec<Step<<Sets as weft_tests::Workload>::Op>>;

#[test]
fn equal_states_have_equal_digests() {
    fn property(script: Script) -> bool {
        let (replicas, _) = run_script::<Map<u8, AddWinsSet<u8>>>(3, &script);
        let mut merged: Vec<Replica<Map<u8, AddWinsSet<u8>>>> = replicas.clone();
        for (index, replica) in merged.iter_mut().enumerate() {
            for other in replicas.iter().cycle().skip(index + 1).take(2) {
                replica.merge(other);
            }
        }
        let same_digest = merged
            .windows(2)
            .all(|pair| pair[0].digest() == pair[1].digest());
        let distinct_when_different = replicas
            .windows(2)
            .all(|pair| pair[0].same_state(&pair[1]) == (pair[0].digest() == pair[1].digest()));
        same_digest && distinct_when_different
    }
    QuickCheck::new()
        .tests(1_000)
        .rng(Gen::new(40))
        .quickcheck(property as fn(Script) -> bool);
}

/// A delta from `author` claiming its change `counter` with no effect: what a replica that
/// lost a change but kept its version looks like.
fn forged_claim(author: ReplicaId, counter: u64) -> Vec<u8> {
    frame::seal(frame::Kind::Delta, |out| {
        out.u8(0x40); // Map
        out.u8(0x11); // of PNCounter
        out.varint(1);
        out.raw(&author.to_bytes());
        out.u8(0); // exact context
        out.varint(1);
        out.varint(0); // the author
        out.varint(counter - 1);
        out.varint(1);
        out.varint(0); // an empty store
    })
}

#[test]
fn a_replica_that_lost_a_change_is_detected_and_repaired() {
    let mut a = Replica::<Map<String, PNCounter>>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<Map<String, PNCounter>>::new(ReplicaId::from_u128(2));
    let first = a.update(|m| m.update("x".into(), |c| c.increment(1)));
    b.apply(&first);
    b.update(|m| m.update("y".into(), |c| c.increment(10)));
    a.apply(&b.delta_since(&a.version()));
    a.update(|m| m.update("x".into(), |c| c.increment(5)));
    // b "receives" a's second change but loses its effect.
    let forged = Delta::from_bytes(&forged_claim(a.id(), 2)).expect("well-formed");
    b.apply(&forged);
    assert_eq!(a.version(), b.version(), "both claim the same changes");
    assert_ne!(a.digest(), b.digest(), "the digest tells them apart");
    // Repair: each merges the other's complete state.
    let from_a = a.delta_since(&VersionVector::new());
    let from_b = b.delta_since(&VersionVector::new());
    a.repair(&from_b);
    b.repair(&from_a);
    assert_eq!(a.check(), Ok(()));
    assert_eq!(b.check(), Ok(()));
    assert_eq!(a.digest(), b.digest());
    assert!(a.same_state(&b));
    assert_eq!(
        b.get(&"x".to_string()).map(PNCounter::value),
        Some(6),
        "nothing lost"
    );
    assert_eq!(b.get(&"y".to_string()).map(PNCounter::value), Some(10));
}

#[test]
fn a_replica_that_missed_a_removal_is_repaired_by_the_later_change() {
    let mut a = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(2));
    b.apply(&a.update(|s| {
        s.insert(1);
        s.insert(2);
    }));
    a.update(|s| s.remove(&1));
    // b claims the removal without applying it.
    let forged = frame::seal(frame::Kind::Delta, |out| {
        out.u8(0x31);
        out.varint(1);
        out.raw(&a.id().to_bytes());
        out.u8(0);
        out.varint(1);
        out.varint(0);
        out.varint(2);
        out.varint(1);
        out.varint(0);
    });
    b.apply(&Delta::from_bytes(&forged).expect("well-formed"));
    assert_eq!(a.version(), b.version());
    assert_ne!(a.digest(), b.digest());
    let (from_a, from_b) = (
        a.delta_since(&VersionVector::new()),
        b.delta_since(&VersionVector::new()),
    );
    a.repair(&from_b);
    b.repair(&from_a);
    assert!(a.same_state(&b));
    assert!(
        !b.contains(&1),
        "the removal, a later change of that element, wins"
    );
    assert!(b.contains(&2));
}
