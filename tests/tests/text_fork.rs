//! `Replica::fork` of a `Text`, whose order tree shares its leaves (and its identity index
//! its per-replica entries) copy-on-write with the replica it was forked from: edits on
//! either side after a fork leave the other unchanged, and a fork is the same replica as
//! a merge into a new one.

use quickcheck::{QuickCheck, TestResult};
use weft::{Delta, Replica, ReplicaId, Text, TextEditor};
use weft_tests::SplitMix64;

fn replica(id: u128) -> Replica<Text> {
    Replica::new(ReplicaId::from_u128(id))
}

/// A random insert or deletion, returned as its delta.
fn random_edit(random: &mut SplitMix64, text: &mut Replica<Text>) -> Delta<Text> {
    let length = text.len();
    if length > 0 && random.chance(35) {
        let start = random.index(length);
        let end = (start + 1 + random.index(40)).min(length);
        text.update(|t| t.delete(start..end).unwrap())
    } else {
        let position = random.index(length + 1);
        let word: String = (0..1 + random.below(60))
            .map(|_| char::from(b'a' + random.below(26) as u8))
            .collect();
        text.update(|t| t.insert(position, &word).unwrap())
    }
}

/// Checks the replica's invariants and that it still reads `expected`.
fn unchanged(text: &Replica<Text>, expected: &str) -> bool {
    text.check().is_ok() && text.to_string() == expected
}

#[test]
fn edits_after_a_fork_leave_the_other_side_unchanged() {
    let mut alice = replica(1);
    // Enough text for many leaves, so the fork shares more than one.
    let mut random = SplitMix64::new(7);
    for _ in 0..400 {
        random_edit(&mut random, &mut alice);
    }
    let before = alice.to_string();
    let mut bob = alice.fork(ReplicaId::from_u128(2));
    assert_eq!(bob.id(), ReplicaId::from_u128(2));
    assert!(bob.same_state(&alice));
    bob.update(|t| {
        t.insert(0, "bob ").unwrap();
        t.delete(10..30).unwrap();
    });
    assert!(unchanged(&alice, &before));
    let bob_text = bob.to_string();
    alice.update(|t| t.insert(alice_middle(&before), " alice ").unwrap());
    assert!(unchanged(&bob, &bob_text));
    // Both sides converge once they exchange.
    let for_bob = alice.delta_since(&bob.version());
    let for_alice = bob.delta_since(&alice.version());
    bob.apply(&for_bob);
    alice.apply(&for_alice);
    assert_eq!(alice.to_string(), bob.to_string());
    assert!(alice.same_state(&bob));
}

fn alice_middle(text: &str) -> usize {
    text.chars().count() / 2
}

#[test]
fn a_fork_is_a_merge_into_a_new_replica() {
    let mut random = SplitMix64::new(11);
    let mut alice = replica(1);
    let mut carol = replica(3);
    for _ in 0..200 {
        let delta = random_edit(&mut random, &mut carol);
        alice.apply(&delta);
        random_edit(&mut random, &mut alice);
    }
    let forked = alice.fork(ReplicaId::from_u128(2));
    let mut merged = replica(2);
    merged.merge(&alice);
    assert!(forked.same_state(&merged));
    assert_eq!(forked.version(), merged.version());
    // The same next change on both gives the same delta's effect.
    let mut forked = forked;
    let a = forked.update(|t| t.insert(5, "xyz").unwrap());
    let b = merged.update(|t| t.insert(5, "xyz").unwrap());
    let mut left = alice.clone();
    left.apply(&a);
    let mut right = alice.clone();
    right.apply(&b);
    assert!(left.same_state(&right));
}

#[test]
fn forking_a_replica_whose_changes_it_holds_continues_its_counters() {
    let mut alice = replica(1);
    let mut bob = replica(2);
    let first = bob.update(|t| t.insert(0, "bob").unwrap());
    alice.apply(&first);
    alice.update(|t| t.insert(3, "+alice").unwrap());
    // Bob's replica is replaced by a fork of Alice's, which holds Bob's first change.
    let mut bob = alice.fork(ReplicaId::from_u128(2));
    let next = bob.update(|t| t.insert(0, ">").unwrap());
    assert_eq!(alice.apply(&next), weft::Outcome::Applied);
    assert_eq!(alice.to_string(), ">bob+alice");
}

/// Random sessions: a replica edits, forks, then both sides edit in turns (with partial
/// syncs between them and a third replica): after every edit the other side reads what it
/// read before, every replica passes its checks, and everything converges at the end.
#[test]
fn quickcheck_forks_are_independent_and_converge() {
    fn property(seed: u64) -> TestResult {
        let mut random = SplitMix64::new(seed);
        let mut origin = replica(1);
        for _ in 0..random.below(120) {
            random_edit(&mut random, &mut origin);
        }
        let mut replicas = [origin.fork(ReplicaId::from_u128(2)), origin, replica(3)];
        for _ in 0..40 {
            let writer = random.index(3);
            if random.chance(10) {
                // Fork again, as the trace replay does: the writer is replaced by a fork of
                // another replica, completed with what the writer held.
                let source = random.index(3);
                let mut fork = replicas[source].fork(replicas[writer].id());
                fork.apply(&replicas[writer].delta_since(&fork.version()));
                if !fork.same_state(&replicas[writer])
                    && fork.version() == replicas[writer].version()
                {
                    return TestResult::failed();
                }
                replicas[writer] = fork;
                continue;
            }
            let others: Vec<String> = replicas.iter().map(|text| text.to_string()).collect();
            random_edit(&mut random, &mut replicas[writer]);
            for (index, text) in replicas.iter().enumerate() {
                if index != writer && !unchanged(text, &others[index]) {
                    return TestResult::failed();
                }
            }
            if random.chance(30) {
                let source = random.index(3);
                let delta = replicas[source].delta_since(&replicas[writer].version());
                replicas[writer].apply(&delta);
            }
        }
        for _ in 0..2 {
            for from in 0..3 {
                for to in 0..3 {
                    if from != to {
                        let delta = replicas[from].delta_since(&replicas[to].version());
                        replicas[to].apply(&delta);
                    }
                }
            }
        }
        TestResult::from_bool(
            replicas.iter().all(|text| text.check().is_ok())
                && replicas[0].same_state(&replicas[1])
                && replicas[1].same_state(&replicas[2]),
        )
    }
    QuickCheck::new()
        .tests(300)
        .quickcheck(property as fn(u64) -> TestResult);
}
