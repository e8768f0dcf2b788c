//! The semantics of each type under concurrency, scenario by scenario (BRIEF.md's table).

use weft::{
    AddWinsSet, GCounter, LwwRegister, Map, MvRegister, Outcome, PNCounter, RemoveWinsSet, Replica,
    ReplicaId, VersionVector,
};

fn pair<S: weft::internals::store::DotStore>() -> (Replica<S>, Replica<S>) {
    (
        Replica::new(ReplicaId::from_u128(1)),
        Replica::new(ReplicaId::from_u128(2)),
    )
}

fn sync<S: weft::internals::store::DotStore>(left: &mut Replica<S>, right: &mut Replica<S>) {
    let to_right = left.delta_since(&right.version());
    let to_left = right.delta_since(&left.version());
    right.apply(&to_right);
    left.apply(&to_left);
    assert!(
        left.same_state(right),
        "replicas differ after a two-way sync"
    );
}

#[test]
fn counters_sum_every_change() {
    let (mut a, mut b) = pair::<PNCounter>();
    a.update(|c| c.increment(10));
    b.update(|c| c.decrement(3));
    b.update(|c| c.increment(1));
    sync(&mut a, &mut b);
    assert_eq!(a.value(), 8);
    let (mut a, mut b) = pair::<GCounter>();
    a.update(|c| c.increment(u64::MAX));
    b.update(|c| c.increment(2));
    sync(&mut a, &mut b);
    assert_eq!(
        a.value(),
        1,
        "wrapping arithmetic, the same on every replica"
    );
}

#[test]
fn last_writer_wins_by_lamport_then_replica() {
    let (mut a, mut b) = pair::<LwwRegister<String>>();
    // Equal Lamport times: the larger replica id (b) wins.
    a.update(|r| r.set("a1".to_string()));
    b.update(|r| r.set("b1".to_string()));
    sync(&mut a, &mut b);
    assert_eq!(a.get(), Some(&"b1".to_string()));
    // A write that saw the winner wins next, even from the smaller id.
    a.update(|r| r.set("a2".to_string()));
    sync(&mut a, &mut b);
    assert_eq!(b.get(), Some(&"a2".to_string()));
    // A replica that wrote many times concurrently has the higher Lamport time and wins.
    b.update(|r| r.set("b2".to_string()));
    a.update(|r| r.set("a3".to_string()));
    a.update(|r| r.set("a4".to_string()));
    sync(&mut a, &mut b);
    assert_eq!(b.get(), Some(&"a4".to_string()));
}

#[test]
fn multi_value_register_keeps_concurrent_writes() {
    let (mut a, mut b) = pair::<MvRegister<u8>>();
    a.update(|r| r.set(1));
    b.update(|r| r.set(2));
    sync(&mut a, &mut b);
    let mut values: Vec<u8> = a.values().copied().collect();
    values.sort_unstable();
    assert_eq!(values, [1, 2]);
    b.update(|r| r.set(3));
    sync(&mut a, &mut b);
    assert_eq!(a.values().copied().collect::<Vec<_>>(), [3]);
}

#[test]
fn add_wins_and_remove_wins_on_concurrent_add_and_remove() {
    let (mut a, mut b) = pair::<AddWinsSet<u8>>();
    a.update(|s| s.insert(1));
    sync(&mut a, &mut b);
    a.update(|s| s.remove(&1));
    b.update(|s| s.insert(1));
    sync(&mut a, &mut b);
    assert!(a.contains(&1));

    let (mut a, mut b) = pair::<RemoveWinsSet<u8>>();
    a.update(|s| s.insert(1));
    sync(&mut a, &mut b);
    a.update(|s| s.remove(1));
    b.update(|s| s.insert(1));
    sync(&mut a, &mut b);
    assert!(!a.contains(&1));
    // An add that saw the removal brings it back.
    b.update(|s| s.insert(1));
    sync(&mut a, &mut b);
    assert!(a.contains(&1));
}

#[test]
fn removing_a_key_keeps_only_a_concurrent_update_of_a_set() {
    let (mut a, mut b) = pair::<Map<String, AddWinsSet<u8>>>();
    a.update(|m| {
        m.update("tags".into(), |s| {
            s.insert(1);
            s.insert(2);
        });
    });
    sync(&mut a, &mut b);
    a.update(|m| m.remove(&"tags".to_string()));
    b.update(|m| m.update("tags".into(), |s| s.insert(3)));
    sync(&mut a, &mut b);
    let tags = a
        .get(&"tags".to_string())
        .expect("the concurrent update keeps the key");
    assert_eq!(tags.iter().copied().collect::<Vec<_>>(), [3]);
}

#[test]
fn removing_a_key_keeps_only_a_concurrent_increment() {
    let (mut a, mut b) = pair::<Map<String, PNCounter>>();
    a.update(|m| m.update("likes".into(), |c| c.increment(5)));
    b.update(|m| m.update("likes".into(), |c| c.increment(7)));
    sync(&mut a, &mut b);
    assert_eq!(a.get(&"likes".to_string()).map(PNCounter::value), Some(12));
    a.update(|m| m.remove(&"likes".to_string()));
    b.update(|m| m.update("likes".into(), |c| c.increment(1)));
    sync(&mut a, &mut b);
    assert_eq!(a.get(&"likes".to_string()).map(PNCounter::value), Some(1));
    // Removed again by a replica that saw everything: gone everywhere.
    b.update(|m| m.remove(&"likes".to_string()));
    sync(&mut a, &mut b);
    assert!(a.get(&"likes".to_string()).is_none() && a.is_empty());
}

#[test]
fn nested_maps_remove_what_the_remover_saw() {
    type Doc = Map<String, Map<String, LwwRegister<u32>>>;
    let (mut a, mut b) = pair::<Doc>();
    a.update(|m| {
        m.update("user".into(), |u| {
            u.update("age".into(), |r| r.set(30));
            u.update("zip".into(), |r| r.set(1000));
        });
    });
    sync(&mut a, &mut b);
    a.update(|m| m.remove(&"user".to_string()));
    b.update(|m| m.update("user".into(), |u| u.update("age".into(), |r| r.set(31))));
    sync(&mut a, &mut b);
    let user = a
        .get(&"user".to_string())
        .expect("kept by the concurrent write");
    assert_eq!(
        user.get(&"age".to_string()).and_then(LwwRegister::get),
        Some(&31)
    );
    assert!(user.get(&"zip".to_string()).is_none());
}

#[test]
fn removals_and_overwrites_reach_replicas_that_hold_the_old_dots() {
    let (mut a, mut b) = pair::<AddWinsSet<u8>>();
    a.update(|s| {
        s.insert(1);
        s.insert(2);
    });
    sync(&mut a, &mut b);
    a.update(|s| s.remove(&1));
    a.update(|s| s.insert(2)); // a re-add supersedes the dot b holds
    b.apply(&a.delta_since(&b.version()));
    assert!(!b.contains(&1));
    assert!(b.same_state(&a));

    let (mut a, mut b) = pair::<MvRegister<u8>>();
    a.update(|r| r.set(1));
    sync(&mut a, &mut b);
    a.update(|r| r.set(2));
    b.apply(&a.delta_since(&b.version()));
    assert_eq!(b.values().copied().collect::<Vec<_>>(), [2]);
}

#[test]
fn out_of_order_deltas_wait_for_their_predecessors() {
    let (mut a, mut b) = pair::<AddWinsSet<u8>>();
    let first = a.update(|s| s.insert(1));
    let second = a.update(|s| s.remove(&1));
    let third = a.update(|s| s.insert(3));
    assert_eq!(b.apply(&third), Outcome::Pending);
    assert_eq!(b.apply(&second), Outcome::Pending);
    assert!(
        b.version().is_empty(),
        "the version claims nothing that was not applied"
    );
    assert!(b.is_empty());
    assert_eq!(b.apply(&first), Outcome::Applied);
    assert_eq!(b.pending_len(), 0);
    assert!(b.same_state(&a));
    assert_eq!(b.apply(&second), Outcome::Redundant);
}

#[test]
fn causal_dependencies_across_replicas_are_respected() {
    let mut a = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(2));
    let mut c = Replica::<AddWinsSet<u8>>::new(ReplicaId::from_u128(3));
    let from_a = a.update(|s| s.insert(1));
    b.apply(&from_a);
    // b removes what it saw of a's change: c must not apply this before a's add.
    let from_b = b.update(|s| s.remove(&1));
    assert_eq!(c.apply(&from_b), Outcome::Pending);
    assert_eq!(c.apply(&from_a), Outcome::Applied);
    assert!(!c.contains(&1));
    assert!(c.same_state(&b));
}

#[test]
fn snapshots_restore_state_and_pending() {
    let (mut a, mut b) = pair::<Map<String, PNCounter>>();
    let first = a.update(|m| m.update("x".into(), |c| c.increment(2)));
    let second = a.update(|m| m.update("x".into(), |c| c.increment(3)));
    b.update(|m| m.update("y".into(), |c| c.increment(1)));
    b.apply(&second);
    let restored = Replica::<Map<String, PNCounter>>::load(&b.save()).expect("loads");
    assert_eq!(restored.id(), b.id());
    assert_eq!(restored.pending_len(), 1);
    assert!(restored.same_state(&b));
    let mut restored = restored;
    restored.apply(&first);
    assert_eq!(
        restored.get(&"x".to_string()).map(PNCounter::value),
        Some(5)
    );
    // Bytes of another type are refused.
    assert!(Replica::<Map<String, GCounter>>::load(&b.save()).is_err());
}

#[test]
fn a_replica_restored_from_an_older_snapshot_never_reuses_its_counters() {
    let (mut a, mut b) = pair::<GCounter>();
    a.update(|c| c.increment(1));
    let old_snapshot = a.save();
    a.update(|c| c.increment(1));
    a.update(|c| c.increment(1));
    b.apply(&a.delta_since(&b.version()));
    assert_eq!(b.value(), 3);
    // `a` restarts from the older snapshot: it holds one increment, `b` holds three of them.
    let mut restored = Replica::<GCounter>::load(&old_snapshot).expect("loads");
    let old_id = restored.id();
    restored.note_peer_version(&b.version());
    assert!(restored.is_behind_own_changes());
    let delta = restored.update(|c| c.increment(10));
    assert_ne!(restored.id(), old_id, "new changes go under a fresh id");
    b.apply(&delta);
    restored.apply(&b.delta_since(&restored.version()));
    assert!(restored.same_state(&b));
    assert_eq!(b.value(), 13, "nothing lost, nothing counted twice");

    // Learning it from a delta works too (a peer sends the replica its own later changes).
    let (mut a, mut b) = pair::<AddWinsSet<u8>>();
    a.update(|s| s.insert(1));
    let old_snapshot = a.save();
    a.update(|s| s.insert(2));
    b.apply(&a.delta_since(&b.version()));
    let mut restored = Replica::<AddWinsSet<u8>>::load(&old_snapshot).expect("loads");
    restored.apply(&b.delta_since(&VersionVector::new()));
    assert!(
        !restored.is_behind_own_changes(),
        "caught up: the same id may go on"
    );
    let before = restored.id();
    restored.update(|s| s.insert(3));
    assert_eq!(restored.id(), before);
}

/// A removal of a key holding a set arrives before the elements it removed (they were
/// delivered late): it waits for them, then removes exactly them; a concurrent add under the
/// key survives; adding again after the removal brings the element back.
#[test]
fn a_key_removal_arriving_before_the_removed_elements_waits_for_them() {
    type Sets = Map<String, AddWinsSet<u8>>;
    let key = || "k".to_string();
    let mut a = Replica::<Sets>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<Sets>::new(ReplicaId::from_u128(2));
    let mut c = Replica::<Sets>::new(ReplicaId::from_u128(3));
    let adds = a.update(|m| m.update(key(), |s| (1..=3).for_each(|e| s.insert(e))));
    b.apply(&adds);
    let from_b = b.update(|m| m.update(key(), |s| s.insert(4)));
    a.apply(&from_b);
    let removal = a.update(|m| {
        m.remove(&key());
    });
    let concurrent = b.update(|m| m.update(key(), |s| s.insert(5)));
    assert_eq!(
        c.apply(&removal),
        Outcome::Pending,
        "it needs what it removes"
    );
    assert_eq!(c.apply(&concurrent), Outcome::Pending);
    // b's own adds depend on nothing else: they apply (the concurrent one after them).
    assert_eq!(c.apply(&from_b), Outcome::Applied);
    assert_eq!(
        c.pending_len(),
        1,
        "the removal still waits for a's elements"
    );
    assert_eq!(c.apply(&adds), Outcome::Applied);
    assert_eq!(c.pending_len(), 0);
    assert_eq!(
        c.apply(&removal),
        Outcome::Redundant,
        "a duplicate changes nothing"
    );
    let survivors = |r: &Replica<Sets>| -> Vec<u8> {
        let mut elements: Vec<u8> = r
            .get(&key())
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        elements.sort_unstable();
        elements
    };
    assert_eq!(survivors(&c), [5]);
    a.apply(&concurrent);
    b.apply(&removal);
    assert_eq!(survivors(&a), [5]);
    assert_eq!(survivors(&b), [5]);
    assert!(a.same_state(&b) && b.same_state(&c));
    // Re-adding after the removal (an element it removed) brings it back everywhere.
    let again = c.update(|m| m.update(key(), |s| s.insert(2)));
    a.apply(&again);
    b.apply(&again);
    for replica in [&a, &b, &c] {
        assert_eq!(survivors(replica), [2, 5]);
    }
}

/// The reference model of a map of add-wins sets: an add survives unless an element removal
/// or a key removal observed it (its remover had applied it).
#[derive(Default)]
struct MapOfSetsModel {
    /// `(key, element, author, counter)` of every add.
    adds: Vec<(u8, u8, ReplicaId, u64)>,
    /// `(key, element or None for the whole key, the remover's version before it removed)`.
    removals: Vec<(u8, Option<u8>, VersionVector)>,
}

impl MapOfSetsModel {
    fn expected(&self) -> std::collections::BTreeMap<u8, std::collections::BTreeSet<u8>> {
        let mut map: std::collections::BTreeMap<u8, std::collections::BTreeSet<u8>> =
            std::collections::BTreeMap::new();
        for (key, element, author, counter) in &self.adds {
            let observed = self.removals.iter().any(|(removed, which, seen)| {
                removed == key
                    && which.is_none_or(|removed| removed == *element)
                    && seen.get(*author) >= *counter
            });
            if !observed {
                map.entry(*key).or_default().insert(*element);
            }
        }
        map
    }
}

/// Random adds, element removals and key removals on three replicas, their deltas delivered
/// out of order and twice (and sometimes as `delta_since` instead), against the model.
#[test]
fn key_removals_remove_what_the_remover_saw_in_any_delivery_order() {
    type Sets = Map<u8, AddWinsSet<u8>>;
    for seed in 0..40 {
        let mut random = weft_tests::SplitMix64::new(seed);
        let ids = [1, 2, 3].map(ReplicaId::from_u128);
        let mut replicas = ids.map(Replica::<Sets>::new);
        let mut model = MapOfSetsModel::default();
        let mut in_flight: Vec<(usize, weft::Delta<Sets>)> = Vec::new();
        for _ in 0..60 {
            let at = random.index(3);
            let key = random.below(3) as u8;
            let element = random.below(4) as u8;
            let seen = replicas[at].version();
            let next = seen.get(ids[at]) + 1;
            let delta = match random.below(10) {
                0..=5 => {
                    model.adds.push((key, element, ids[at], next));
                    replicas[at].update(|m| m.update(key, |s| s.insert(element)))
                }
                6 | 7 => {
                    model.removals.push((key, Some(element), seen));
                    replicas[at].update(|m| {
                        m.update(key, |s| {
                            s.remove(&element);
                        });
                    })
                }
                _ => {
                    model.removals.push((key, None, seen));
                    replicas[at].update(|m| {
                        m.remove(&key);
                    })
                }
            };
            for to in 0..3 {
                if to != at {
                    in_flight.push((to, delta.clone()));
                }
            }
            // Deliver a few deltas in flight, in random order, sometimes twice.
            for _ in 0..random.below(4) {
                if in_flight.is_empty() {
                    break;
                }
                let pick = random.index(in_flight.len());
                let (to, delta) = if random.chance(20) {
                    in_flight[pick].clone()
                } else {
                    in_flight.swap_remove(pick)
                };
                replicas[to].apply(&delta);
                assert_eq!(replicas[to].check(), Ok(()));
            }
            if random.chance(10) {
                let (from, to) = (random.index(3), random.index(3));
                let catch_up = replicas[from].delta_since(&replicas[to].version());
                replicas[to].apply(&catch_up);
            }
        }
        for (to, delta) in in_flight {
            replicas[to].apply(&delta);
        }
        let expected = model.expected();
        for replica in &replicas {
            assert_eq!(replica.pending_len(), 0, "seed {seed}: everything applied");
            let actual: std::collections::BTreeMap<u8, std::collections::BTreeSet<u8>> = replica
                .iter()
                .map(|(key, set)| (*key, set.iter().copied().collect()))
                .collect();
            assert_eq!(actual, expected, "seed {seed}");
            assert!(replica.same_state(&replicas[0]), "seed {seed}: converged");
        }
    }
}
