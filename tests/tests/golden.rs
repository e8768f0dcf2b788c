//! Golden vectors: bytes written by format version 1, checked in under `tests/golden/`. They
//! must keep decoding to the same state in every later version, and while the format is at
//! version 1, re-encoding what they decode to must give back exactly the same bytes.
//!
//! The files are written once, from the scenarios below, with
//! `WEFT_BLESS=1 cargo test -p weft-tests --test golden`; after that the scenarios only run when
//! blessing (how a library builds its deltas may change; what old bytes mean may not).

use std::path::PathBuf;

use weft::internals::store::DotStore;
use weft::{
    AddWinsSet, Cursor, Delta, ElementId, GSet, LwwRegister, Map, MvRegister, PNCounter,
    RemoveWinsSet, Replica, ReplicaId, Side, Text, TextEditor, VersionVector,
};

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(name)
}

/// The golden file `name` (first written from `bytes` when blessing).
fn golden(name: &str, bytes: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    let path = golden_path(name);
    if std::env::var_os("WEFT_BLESS").is_some() {
        std::fs::write(&path, bytes()).expect("writes the golden file");
    }
    std::fs::read(&path).expect("golden file exists (bless to create)")
}

/// Re-encoding a decoded golden delta gives back the golden bytes.
fn delta_is_stable<S: DotStore>(name: &str, bytes: &[u8]) {
    let decoded = Delta::<S>::from_bytes(bytes).expect("golden delta decodes");
    assert_eq!(
        decoded.to_bytes(),
        bytes,
        "{name}: version-1 bytes re-encode differently"
    );
}

/// Saving a loaded golden snapshot gives back the golden bytes.
fn snapshot_is_stable<S: DotStore>(name: &str, bytes: &[u8]) {
    let loaded = Replica::<S>::load(bytes).expect("golden snapshot loads");
    assert_eq!(
        loaded.save(),
        bytes,
        "{name}: version-1 bytes re-encode differently"
    );
}

fn replicas<S: DotStore>() -> (Replica<S>, Replica<S>) {
    (
        Replica::new(ReplicaId::from_u128(0x0a0a)),
        Replica::new(ReplicaId::from_u128(0x0b0b)),
    )
}

/// A history with concurrency, a removal and an out-of-order delta pending at `b`.
fn set_history() -> (Replica<AddWinsSet<String>>, Delta<AddWinsSet<String>>) {
    let (mut a, mut b) = replicas::<AddWinsSet<String>>();
    let first = a.update(|s| {
        s.insert("apple".into());
        s.insert("pear".into());
    });
    b.apply(&first);
    b.update(|s| s.insert("fig".into()));
    a.update(|s| s.remove(&"pear".to_string()));
    a.apply(&b.delta_since(&a.version()));
    b.apply(&a.delta_since(&b.version()));
    let later = a.update(|s| s.insert("kiwi".into()));
    let pending = a.update(|s| s.insert("plum".into()));
    b.apply(&pending);
    (b, later)
}

#[test]
fn add_wins_set() {
    let delta = golden("add_wins_set.delta", || set_history().1.to_bytes());
    let snapshot = golden("add_wins_set.snapshot", || set_history().0.save());
    delta_is_stable::<AddWinsSet<String>>("add_wins_set.delta", &delta);
    snapshot_is_stable::<AddWinsSet<String>>("add_wins_set.snapshot", &snapshot);
    let mut restored = Replica::<AddWinsSet<String>>::load(&snapshot).expect("decodes");
    assert_eq!(restored.pending_len(), 1);
    restored.apply(&Delta::from_bytes(&delta).expect("decodes"));
    assert_eq!(restored.pending_len(), 0);
    let mut elements: Vec<&str> = restored.iter().map(String::as_str).collect();
    elements.sort_unstable();
    assert_eq!(elements, ["apple", "fig", "kiwi", "plum"]);
}

#[test]
fn counters_registers_and_sets() {
    let bytes = golden("pn_counter.snapshot", || {
        let (mut a, mut b) = replicas::<PNCounter>();
        a.update(|c| c.increment(40));
        b.update(|c| c.decrement(2));
        a.apply(&b.delta_since(&a.version()));
        a.save()
    });
    snapshot_is_stable::<PNCounter>("pn_counter.snapshot", &bytes);
    let counter = Replica::<PNCounter>::load(&bytes).expect("decodes");
    assert_eq!(counter.value(), 38);

    let bytes = golden("lww_register.delta", || {
        let (mut a, mut b) = replicas::<LwwRegister<String>>();
        a.update(|r| r.set("draft".into()));
        b.update(|r| r.set("final".into()));
        a.apply(&b.delta_since(&a.version()));
        a.delta_since(&VersionVector::new()).to_bytes()
    });
    delta_is_stable::<LwwRegister<String>>("lww_register.delta", &bytes);
    let mut fresh = Replica::<LwwRegister<String>>::new(ReplicaId::from_u128(9));
    fresh.apply(&Delta::from_bytes(&bytes).expect("decodes"));
    assert_eq!(fresh.get().map(String::as_str), Some("final"));

    let bytes = golden("mv_register.snapshot", || {
        let (mut a, mut b) = replicas::<MvRegister<u32>>();
        a.update(|r| r.set(1));
        b.update(|r| r.set(2));
        a.apply(&b.delta_since(&a.version()));
        a.save()
    });
    snapshot_is_stable::<MvRegister<u32>>("mv_register.snapshot", &bytes);
    let register = Replica::<MvRegister<u32>>::load(&bytes).expect("decodes");
    let mut values: Vec<u32> = register.values().copied().collect();
    values.sort_unstable();
    assert_eq!(values, [1, 2]);

    let bytes = golden("remove_wins_set.snapshot", || {
        let (mut a, mut b) = replicas::<RemoveWinsSet<u8>>();
        a.update(|s| s.insert(5));
        b.apply(&a.delta_since(&b.version()));
        a.update(|s| s.remove(5));
        b.update(|s| s.insert(5));
        a.apply(&b.delta_since(&a.version()));
        a.save()
    });
    snapshot_is_stable::<RemoveWinsSet<u8>>("remove_wins_set.snapshot", &bytes);
    let set = Replica::<RemoveWinsSet<u8>>::load(&bytes).expect("decodes");
    assert!(!set.contains(&5));

    let bytes = golden("grow_set_insert.delta", || {
        let (mut a, _) = replicas::<GSet<u64>>();
        a.update(|s| s.insert(100_000)).to_bytes()
    });
    delta_is_stable::<GSet<u64>>("grow_set_insert.delta", &bytes);
    let mut fresh = Replica::<GSet<u64>>::new(ReplicaId::from_u128(9));
    fresh.apply(&Delta::from_bytes(&bytes).expect("decodes"));
    assert!(fresh.contains(&100_000));
    assert!(
        bytes.len() <= 40,
        "one insertion ships in {} bytes",
        bytes.len()
    );
}

#[test]
fn nested_maps() {
    type Scores = Map<String, Map<String, PNCounter>>;
    let bytes = golden("nested_map.snapshot", || {
        let (mut a, mut b) = replicas::<Scores>();
        a.update(|m| {
            m.update("round 1".into(), |r| {
                r.update("alice".into(), |c| c.increment(3));
                r.update("bob".into(), |c| c.increment(5));
            });
        });
        b.apply(&a.delta_since(&b.version()));
        a.update(|m| m.remove(&"round 1".to_string()));
        b.update(|m| {
            m.update("round 1".into(), |r| {
                r.update("bob".into(), |c| c.increment(1))
            })
        });
        a.apply(&b.delta_since(&a.version()));
        a.save()
    });
    snapshot_is_stable::<Scores>("nested_map.snapshot", &bytes);
    let restored = Replica::<Scores>::load(&bytes).expect("decodes");
    let round = restored
        .get(&"round 1".to_string())
        .expect("kept by b's update");
    assert_eq!(round.get(&"bob".to_string()).map(PNCounter::value), Some(1));
    assert!(round.get(&"alice".to_string()).is_none());
}

/// The stable cursor a text of `a` gives after "hel" of "hello" (FORMAT.md, "Stable
/// cursors"), and the cursor of the end.
fn text_cursors() -> (Replica<Text>, Cursor) {
    let (mut a, _) = replicas::<Text>();
    a.update(|t| t.insert(0, "hello").unwrap());
    let cursor = a.cursor_at(3, Side::After).expect("in range");
    (a, cursor)
}

#[test]
fn stable_cursors() {
    let bytes = golden("text_after.cursor", || text_cursors().1.to_bytes());
    let cursor = Cursor::from_bytes(&bytes).expect("golden cursor decodes");
    let element = ElementId {
        replica: ReplicaId::from_u128(0x0a0a),
        counter: 3,
    };
    assert_eq!(
        cursor,
        Cursor::Element {
            element,
            side: Side::After
        }
    );
    assert_eq!(
        cursor.to_bytes(),
        bytes,
        "version-1 bytes re-encode differently"
    );
    let (mut text, _) = text_cursors();
    text.update(|t| t.insert(0, ">").unwrap());
    assert_eq!(text.resolve_cursor(&cursor), Ok(4));
    let end = golden("end.cursor", || Cursor::End.to_bytes());
    assert_eq!(Cursor::from_bytes(&end), Ok(Cursor::End));
    assert_eq!(end, [0x43, 0x01, 0x01]);
}

#[test]
fn presence_messages() {
    use weft::sync::presence::{self, Entry, Presence};
    let alice = ReplicaId::from_u128(0x0a0a);
    let bytes = golden("presence_state.presence", || {
        let mut local = Presence::new(alice);
        local.set_local(Some(r#"{"name":"Alice"}"#)).expect("small");
        local.encode_local()
    });
    let entries = presence::decode(&bytes).expect("golden presence decodes");
    assert_eq!(
        entries,
        vec![Entry {
            client: alice,
            clock: 1,
            state: Some(r#"{"name":"Alice"}"#.to_string()),
        }]
    );
    assert_eq!(presence::encode(&entries), Ok(bytes.clone()));
    let removal = golden("presence_removal.presence", || {
        presence::encode(&[Entry {
            client: alice,
            clock: 2,
            state: None,
        }])
        .expect("within limits")
    });
    let mut bob = Presence::new(ReplicaId::from_u128(0x0b0b));
    assert_eq!(bob.apply(&bytes, 0).expect("applies").added, vec![alice]);
    assert_eq!(
        bob.apply(&removal, 1).expect("applies").removed,
        vec![alice]
    );
    // Frame, kind 4, tag 9, one entry, the client, clock 2, no state, CRC-32.
    assert_eq!(&removal[..6], &[0x57, 0x46, 0x01, 0x04, 0x09, 0x01]);
    assert_eq!(&removal[22..24], &[0x02, 0x00]);
    assert_eq!(removal.len(), 28);
}

/// Removal records (FORMAT.md, "Removal records"): `a` removes a key holding a set of three
/// elements while `b` concurrently adds a fourth; the delta of the removal, and `a`'s snapshot
/// after both, which keeps the record and the survivor.
#[test]
fn map_removal_records() {
    type Sets = Map<String, AddWinsSet<u8>>;
    let (mut a, mut b) = replicas::<Sets>();
    let mut removal = None;
    let blessing = || {
        a.update(|m| m.update("k".into(), |s| (1..=3).for_each(|e| s.insert(e))));
        b.apply(&a.delta_since(&b.version()));
        let delta = a.update(|m| {
            m.remove(&"k".to_string());
        });
        let concurrent = b.update(|m| m.update("k".into(), |s| s.insert(9)));
        a.apply(&concurrent);
        removal = Some(delta.to_bytes());
        a.save()
    };
    let snapshot = golden("map_removal.snapshot", blessing);
    let delta = golden("map_removal.delta", || {
        removal.expect("written with the snapshot")
    });
    delta_is_stable::<Sets>("map_removal.delta", &delta);
    snapshot_is_stable::<Sets>("map_removal.snapshot", &snapshot);
    let decoded = Delta::<Sets>::from_bytes(&delta).expect("decodes");
    let slot = decoded.store().keyed().slots().next().expect("one slot").1;
    assert!(slot.removal().is_some(), "the delta carries the record");
    let restored = Replica::<Sets>::load(&snapshot).expect("loads");
    let survivors: Vec<u8> = restored
        .get(&"k".to_string())
        .expect("kept by the concurrent add")
        .iter()
        .copied()
        .collect();
    assert_eq!(survivors, [9]);
}
