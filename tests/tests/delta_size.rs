//! Deltas ship what changed, not what happened: after a long history full of removals and
//! overwrites, catching up on 10 changes costs under 1 KB, and 10× more history costs nothing
//! more.

use weft::{AddWinsSet, LwwRegister, Map, Replica, ReplicaId};

/// Builds a set with `history` changes (half insertions, half removals of earlier elements),
/// lets a peer catch up, makes 10 more changes and returns the size of the delta the peer
/// needs, encoded.
fn set_catch_up_bytes(history: u64) -> usize {
    let mut writer = Replica::<AddWinsSet<u64>>::new(ReplicaId::from_u128(1));
    let mut reader = Replica::<AddWinsSet<u64>>::new(ReplicaId::from_u128(2));
    let half = history / 2;
    for element in 0..half {
        writer.update(|set| set.insert(element));
    }
    for element in 0..half {
        writer.update(|set| set.remove(&element));
    }
    writer.update(|set| set.insert(half)); // one element alive before the 10 changes
    reader.apply(&writer.delta_since(&reader.version()));
    assert!(reader.same_state(&writer));
    let old_version = reader.version();
    for step in 0..5 {
        writer.update(|set| set.insert(history + step));
        writer.update(|set| set.remove(&(history + step)));
    }
    writer.update(|set| set.remove(&half));
    let delta = writer.delta_since(&old_version);
    let bytes = delta.to_bytes();
    reader.apply(&weft::Delta::from_bytes(&bytes).expect("decodes"));
    assert!(
        reader.same_state(&writer),
        "the small delta brings the reader level"
    );
    assert!(reader.is_empty());
    bytes.len()
}

/// The same for a map of registers where half of the history overwrites earlier values.
fn map_catch_up_bytes(history: u64) -> usize {
    let mut writer = Replica::<Map<u64, LwwRegister<u64>>>::new(ReplicaId::from_u128(1));
    let mut reader = Replica::<Map<u64, LwwRegister<u64>>>::new(ReplicaId::from_u128(2));
    let half = history / 2;
    for key in 0..half {
        writer.update(|map| map.update(key, |register| register.set(key)));
    }
    for key in 0..half {
        writer.update(|map| map.update(key, |register| register.set(key + 1)));
    }
    reader.apply(&writer.delta_since(&reader.version()));
    let old_version = reader.version();
    for key in 0..5 {
        writer.update(|map| map.update(key, |register| register.set(0)));
        writer.update(|map| map.remove(&(half - 1 - key)));
    }
    let bytes = writer.delta_since(&old_version).to_bytes();
    reader.apply(&weft::Delta::from_bytes(&bytes).expect("decodes"));
    assert!(reader.same_state(&writer));
    assert_eq!(reader.len() as u64, half - 5);
    bytes.len()
}

#[test]
fn add_wins_set_catch_up_is_independent_of_history() {
    let small = set_catch_up_bytes(100_000);
    let large = set_catch_up_bytes(1_000_000);
    assert!(small < 1024, "10 changes after 100,000 cost {small} bytes");
    assert!(
        large <= small + 16,
        "10× the history grew the delta from {small} to {large} bytes"
    );
}

#[test]
fn map_catch_up_is_independent_of_history() {
    let small = map_catch_up_bytes(100_000);
    let large = map_catch_up_bytes(1_000_000);
    assert!(small < 1024, "10 changes after 100,000 cost {small} bytes");
    assert!(
        large <= small + 16,
        "10× the history grew the delta from {small} to {large} bytes"
    );
}
