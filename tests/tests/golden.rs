//! Golden vectors: bytes written by format version 1, checked in under `tests/golden/`. They
//! must keep decoding to the same state in every later version, and while the format is at
//! version 1 the encoder must keep producing exactly these bytes.
//!
//! To write the files after an intended format change (which needs a new format version):
//! `WEFT_BLESS=1 cargo test -p weft-tests --test golden`.

use std::path::PathBuf;

use weft::store::DotStore;
use weft::{
    AddWinsSet, Delta, GSet, LwwRegister, Map, MvRegister, PNCounter, RemoveWinsSet, Replica,
    ReplicaId, VersionVector,
};

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(name)
}

/// Checks `bytes` against the golden file `name` (writing it when blessing), then returns the
/// golden bytes for decoding.
fn golden(name: &str, bytes: &[u8]) -> Vec<u8> {
    let path = golden_path(name);
    if std::env::var_os("WEFT_BLESS").is_some() {
        std::fs::write(&path, bytes).expect("writes the golden file");
    }
    let stored = std::fs::read(&path).expect("golden file exists (bless to create)");
    assert_eq!(
        stored, bytes,
        "{name}: the encoder no longer writes the version-1 bytes"
    );
    stored
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
    let (b, later) = set_history();
    let delta = golden("add_wins_set.delta", &later.to_bytes());
    let snapshot = golden("add_wins_set.snapshot", &b.save());
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
    let (mut a, mut b) = replicas::<PNCounter>();
    a.update(|c| c.increment(40));
    b.update(|c| c.decrement(2));
    a.apply(&b.delta_since(&a.version()));
    let bytes = golden("pn_counter.snapshot", &a.save());
    assert_eq!(
        Replica::<PNCounter>::load(&bytes).expect("decodes").value(),
        38
    );

    let (mut a, mut b) = replicas::<LwwRegister<String>>();
    a.update(|r| r.set("draft".into()));
    b.update(|r| r.set("final".into()));
    a.apply(&b.delta_since(&a.version()));
    let bytes = golden(
        "lww_register.delta",
        &a.delta_since(&VersionVector::new()).to_bytes(),
    );
    let mut fresh = Replica::<LwwRegister<String>>::new(ReplicaId::from_u128(9));
    fresh.apply(&Delta::from_bytes(&bytes).expect("decodes"));
    assert_eq!(fresh.get().map(String::as_str), Some("final"));

    let (mut a, mut b) = replicas::<MvRegister<u32>>();
    a.update(|r| r.set(1));
    b.update(|r| r.set(2));
    a.apply(&b.delta_since(&a.version()));
    let bytes = golden("mv_register.snapshot", &a.save());
    let mut values: Vec<u32> = Replica::<MvRegister<u32>>::load(&bytes)
        .expect("decodes")
        .values()
        .copied()
        .collect();
    values.sort_unstable();
    assert_eq!(values, [1, 2]);

    let (mut a, mut b) = replicas::<RemoveWinsSet<u8>>();
    a.update(|s| s.insert(5));
    b.apply(&a.delta_since(&b.version()));
    a.update(|s| s.remove(5));
    b.update(|s| s.insert(5));
    a.apply(&b.delta_since(&a.version()));
    let bytes = golden("remove_wins_set.snapshot", &a.save());
    assert!(
        !Replica::<RemoveWinsSet<u8>>::load(&bytes)
            .expect("decodes")
            .contains(&5)
    );

    let (mut a, _) = replicas::<GSet<u64>>();
    let delta = a.update(|s| s.insert(100_000));
    let bytes = golden("grow_set_insert.delta", &delta.to_bytes());
    assert!(
        bytes.len() <= 40,
        "one insertion ships in {} bytes",
        bytes.len()
    );
}

#[test]
fn nested_maps() {
    type Scores = Map<String, Map<String, PNCounter>>;
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
    let bytes = golden("nested_map.snapshot", &a.save());
    let restored = Replica::<Scores>::load(&bytes).expect("decodes");
    let round = restored
        .get(&"round 1".to_string())
        .expect("kept by b's update");
    assert_eq!(round.get(&"bob".to_string()).map(PNCounter::value), Some(1));
    assert!(round.get(&"alice".to_string()).is_none());
}
