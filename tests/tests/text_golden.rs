//! Golden vectors of `Text` and `List` (the byte layout of docs/TEXT.md §4): bytes written
//! once and checked in under `tests/golden/`. They must keep decoding to the same state, and
//! re-encoding what they decode to must give back exactly the same bytes, whatever the
//! in-memory layout of the sequences.
//!
//! Written from the scenarios below with `WEFT_BLESS=1 cargo test -p weft-tests --test
//! text_golden`.

use std::path::PathBuf;

use weft::{Delta, List, ListEditor, Replica, ReplicaId, Text, TextEditor, VersionVector};

fn golden(name: &str, bytes: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(name);
    if std::env::var_os("WEFT_BLESS").is_some() {
        std::fs::write(&path, bytes()).expect("writes the golden file");
    }
    std::fs::read(&path).expect("golden file exists (bless to create)")
}

/// Two writers, typing forward and backward, deleting forward and backward, with non-ASCII
/// text, long enough to be deflated; and an out-of-order delta waiting at `b`.
fn text_history() -> (Replica<Text>, Replica<Text>, Delta<Text>) {
    let mut a = Replica::<Text>::new(ReplicaId::from_u128(0x0a0a));
    let mut b = Replica::<Text>::new(ReplicaId::from_u128(0x0b0b));
    for (index, character) in "Hello wörld, ".chars().enumerate() {
        a.edit(|t| t.insert(index, &character.to_string())).unwrap();
    }
    a.edit(|t| t.insert(13, "the quick brown fox jumps over the lazy dog. "))
        .unwrap();
    b.apply(&a.delta_since(&b.version()));
    // Concurrent: a types backward at the start, b types forward in the middle and deletes.
    for character in "😀ab".chars() {
        a.edit(|t| t.insert(0, &character.to_string())).unwrap();
    }
    for (offset, character) in "NEW ".chars().enumerate() {
        b.edit(|t| t.insert(20 + offset, &character.to_string()))
            .unwrap();
    }
    b.edit(|t| t.delete(2..5)).unwrap();
    for position in (30..34).rev() {
        b.edit(|t| t.delete(position..position + 1)).unwrap();
    }
    a.edit(|t| t.delete(8..10)).unwrap();
    a.apply(&b.delta_since(&a.version()));
    b.apply(&a.delta_since(&b.version()));
    let later = a.update(|t| t.insert(3, "ñ").unwrap());
    let pending = a.update(|t| t.replace(5..7, "Ω").unwrap());
    b.apply(&pending);
    (a, b, later)
}

#[test]
fn text_vectors() {
    let snapshot = golden("text.snapshot", || text_history().1.save());
    let delta = golden("text.delta", || text_history().2.to_bytes());
    let since = golden("text_since.delta", || {
        let (a, _, _) = text_history();
        let mut version = VersionVector::new();
        version.set(ReplicaId::from_u128(0x0b0b), 3);
        version.set(ReplicaId::from_u128(0x0a0a), 20);
        a.delta_since(&version).to_bytes()
    });
    let loaded = Replica::<Text>::load(&snapshot).expect("golden snapshot loads");
    assert_eq!(
        loaded.save(),
        snapshot,
        "text snapshot re-encodes differently"
    );
    let decoded = Delta::<Text>::from_bytes(&delta).expect("golden delta decodes");
    assert_eq!(
        decoded.to_bytes(),
        delta,
        "text delta re-encodes differently"
    );
    let decoded = Delta::<Text>::from_bytes(&since).expect("golden delta decodes");
    assert_eq!(
        decoded.to_bytes(),
        since,
        "text delta re-encodes differently"
    );
    let (a, b, _) = text_history();
    assert_eq!(loaded.pending_len(), 1);
    assert!(loaded.same_state(&b));
    let mut restored = loaded;
    restored.apply(&Delta::from_bytes(&delta).expect("decodes"));
    assert_eq!(restored.pending_len(), 0);
    assert_eq!(restored.to_string(), a.to_string());
    assert!(restored.same_state(&a));
}

#[test]
fn list_vectors() {
    let build = || {
        let mut a = Replica::<List<u32>>::new(ReplicaId::from_u128(0x0a0a));
        let mut b = Replica::<List<u32>>::new(ReplicaId::from_u128(0x0b0b));
        a.edit(|l| l.insert_all(0, 1..=40)).unwrap();
        b.apply(&a.delta_since(&b.version()));
        a.edit(|l| l.delete(3..9)).unwrap();
        b.edit(|l| l.insert_all(5, [500, 501, 502])).unwrap();
        a.apply(&b.delta_since(&a.version()));
        a
    };
    let snapshot = golden("list.snapshot", || build().save());
    let loaded = Replica::<List<u32>>::load(&snapshot).expect("golden snapshot loads");
    assert_eq!(
        loaded.save(),
        snapshot,
        "list snapshot re-encodes differently"
    );
    assert_eq!(loaded.to_vec(), build().to_vec());
    assert!(loaded.same_state(&build()));
}
