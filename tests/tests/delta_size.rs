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

/// Elements under the key removed in the removal tests.
const ELEMENTS: u64 = 10_000;

type MapOfSets = Map<String, AddWinsSet<u64>>;

/// Three replicas: `a` fills a set of [`ELEMENTS`] elements under the key "big" (with a few
/// elements from `b` and `c`), everyone levels; returns them.
fn map_of_sets_level() -> [Replica<MapOfSets>; 3] {
    let mut replicas = [1, 2, 3].map(|id| Replica::<MapOfSets>::new(ReplicaId::from_u128(id)));
    replicas[0].update(|map| {
        map.update("big".to_string(), |set| {
            for element in 0..ELEMENTS {
                set.insert(element);
            }
        });
    });
    for (index, element) in [(1, ELEMENTS), (2, ELEMENTS + 1)] {
        replicas[index].update(|map| map.update("big".to_string(), |set| set.insert(element)));
    }
    level(&mut replicas);
    replicas
}

fn level(replicas: &mut [Replica<MapOfSets>]) {
    for _ in 0..2 {
        for from in 0..replicas.len() {
            for to in 0..replicas.len() {
                if from != to {
                    let delta = replicas[from].delta_since(&replicas[to].version());
                    replicas[to].apply(&delta);
                }
            }
        }
    }
}

#[test]
fn removing_a_map_key_ships_a_removal_record_not_its_elements() {
    let [mut a, mut b, mut c] = map_of_sets_level();
    let before = b.version();
    let delta = a.update(|map| {
        map.remove(&"big".to_string());
    });
    let bytes = delta.to_bytes();
    assert!(
        bytes.len() < 100,
        "removing a key holding {ELEMENTS} elements: a mutation delta of {} bytes",
        bytes.len()
    );
    b.apply(&weft::Delta::from_bytes(&bytes).expect("decodes"));
    assert!(b.is_empty());
    assert!(b.same_state(&a));
    // A peer that missed the removal is sent the record, not the elements.
    let catch_up = a.delta_since(&before).to_bytes();
    assert!(
        catch_up.len() < 100,
        "delta_since after the removal: {} bytes",
        catch_up.len()
    );
    c.apply(&weft::Delta::from_bytes(&catch_up).expect("decodes"));
    assert!(c.is_empty());
    assert!(c.same_state(&a));
}

#[test]
fn a_removal_pushed_through_sync_costs_a_record() {
    use weft_sync::{Message, SyncState, generate, receive};
    let [mut a, mut b, _] = map_of_sets_level();
    let (mut a_state, mut b_state) = (SyncState::new(), SyncState::new());
    // Handshake until both sides are quiet.
    loop {
        let to_b: Vec<Message> = std::iter::from_fn(|| generate(&mut a_state, &a)).collect();
        let to_a: Vec<Message> = std::iter::from_fn(|| generate(&mut b_state, &b)).collect();
        if to_b.is_empty() && to_a.is_empty() {
            break;
        }
        for message in to_b {
            receive(&mut b_state, &mut b, message).expect("valid");
        }
        for message in to_a {
            receive(&mut a_state, &mut a, message).expect("valid");
        }
    }
    a.update(|map| {
        map.remove(&"big".to_string());
    });
    let push = generate(&mut a_state, &a).expect("the removal is pushed");
    let bytes = push.to_bytes();
    assert!(
        bytes.len() < 100,
        "the pushed removal of a key holding {ELEMENTS} elements: {} bytes",
        bytes.len()
    );
    receive(
        &mut b_state,
        &mut b,
        Message::from_bytes(&bytes).expect("decodes"),
    )
    .expect("valid");
    assert!(b.is_empty());
    assert!(b.same_state(&a));
}

#[test]
fn a_peer_that_missed_the_elements_too_is_sent_only_the_record_and_the_survivors() {
    let mut a = Replica::<MapOfSets>::new(ReplicaId::from_u128(1));
    let fresh = Replica::<MapOfSets>::new(ReplicaId::from_u128(2));
    a.update(|map| {
        map.update("big".to_string(), |set| {
            for element in 0..ELEMENTS {
                set.insert(element);
            }
        });
    });
    a.update(|map| {
        map.remove(&"big".to_string());
    });
    let bytes = a.delta_since(&fresh.version()).to_bytes();
    assert!(
        bytes.len() < 100,
        "a whole state after the removal: {} bytes",
        bytes.len()
    );
}

/// Two documents, level, where `a` wrote everything `fill` makes; `b` also wrote one change
/// under the same root name (so the removal's record names two replicas).
fn documents_level(fill: impl FnOnce(&mut weft::MapScope<'_>)) -> (weft::Doc, weft::Doc) {
    let mut a = weft::Doc::new(ReplicaId::from_u128(1));
    let mut b = weft::Doc::new(ReplicaId::from_u128(2));
    a.transact(fill);
    b.apply(&a.delta_since(&b.version()));
    a.apply(&b.delta_since(&a.version()));
    (a, b)
}

/// Sends `delta` to `b` through its bytes; checks both end equal; returns the byte count.
fn ship(delta: &weft::DocDelta, a: &weft::Doc, b: &mut weft::Doc) -> usize {
    let bytes = delta.to_bytes();
    b.apply(&weft::DocDelta::from_bytes(&bytes).expect("decodes"));
    assert_eq!(a.to_json(), b.to_json());
    bytes.len()
}

#[test]
fn removing_a_document_key_holding_a_nested_map_ships_a_record() {
    let (mut a, mut b) = documents_level(|root| {
        let mut nested = root.map("big");
        for index in 0..ELEMENTS {
            nested.put(&format!("k{index}"), index as i64);
        }
    });
    b.transact(|root| root.map("big").put("from b", 1i64));
    a.apply(&b.delta_since(&a.version()));
    let mut c = weft::Doc::new(ReplicaId::from_u128(3));
    c.apply(&a.delta_since(&c.version()));
    let before = c.version();
    let delta = a.transact(|root| root.delete("big")).delta;
    let bytes = ship(&delta, &a, &mut b);
    assert!(bytes < 100, "the removal's delta: {bytes} bytes");
    let catch_up = ship(&a.delta_since(&before), &a, &mut c);
    assert!(
        catch_up < 100,
        "delta_since after the removal: {catch_up} bytes"
    );
    assert_eq!(c.to_json(), "{}");
}

#[test]
fn clearing_a_list_ships_ranges_not_elements() {
    let (mut a, mut b) = documents_level(|root| {
        let mut list = root.list("items");
        for index in 0..ELEMENTS {
            list.push(index as i64);
        }
    });
    let before = b.version();
    let delta = a
        .transact(|root| root.list("items").delete(0..ELEMENTS as usize))
        .delta;
    let bytes = ship(&delta, &a, &mut b);
    // One run of elements, made by one replica: O(replicas + ranges) with one range.
    assert!(bytes < 100, "clearing a list of {ELEMENTS}: {bytes} bytes");
    let mut c = weft::Doc::new(ReplicaId::from_u128(3));
    c.apply(&a.delta_since(&weft::VersionVector::new()));
    let _ = before;
}

#[test]
fn deleting_a_long_text_range_ships_ranges_not_characters() {
    let text: String = (0..ELEMENTS)
        .map(|index| char::from(b'a' + (index % 26) as u8))
        .collect();
    let (mut a, mut b) = documents_level(|root| {
        root.text("body").insert(0, &text).expect("in range");
    });
    let delta = a
        .transact(|root| {
            root.text("body")
                .delete(0..ELEMENTS as usize)
                .expect("in range")
        })
        .delta;
    let bytes = ship(&delta, &a, &mut b);
    assert!(bytes < 100, "deleting {ELEMENTS} characters: {bytes} bytes");
}
