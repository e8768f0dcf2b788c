//! Decoding hostile bytes as `Text` or `List` deltas and snapshots never panics: every
//! corruption of a valid encoding (with its checksum recomputed, so the decoder itself is
//! exercised) either decodes to something that can be applied, or yields a `DecodeError`.

use weft::internals::codec::frame::{self, Kind};
use weft::{Delta, List, ListEditor, Replica, ReplicaId, Text, TextEditor, VersionVector};
use weft_tests::{SplitMix64, roundtrip};

/// Valid encodings to corrupt: deltas of each kind and a snapshot.
fn samples() -> Vec<(Kind, Vec<u8>)> {
    let mut a = Replica::<Text>::new(ReplicaId::from_u128(1));
    let mut b = Replica::<Text>::new(ReplicaId::from_u128(2));
    let mut samples = Vec::new();
    let first = a.update(|t| t.insert(0, "hello, wörld 😀").unwrap());
    samples.push((Kind::Delta, first.to_bytes()));
    b.apply(&first);
    samples.push((
        Kind::Delta,
        b.update(|t| t.delete(2..5).unwrap()).to_bytes(),
    ));
    for round in 0..200 {
        a.edit(|t| {
            t.insert(round % 7, "some longer text to compress, some longer text")
                .unwrap()
        });
        a.edit(|t| t.delete(round % 5..round % 5 + 3).unwrap());
    }
    samples.push((Kind::Delta, a.delta_since(&VersionVector::new()).to_bytes()));
    samples.push((Kind::Delta, a.delta_since(&b.version()).to_bytes()));
    samples.push((Kind::Snapshot, a.save()));
    samples
}

/// Decodes `bytes` as a `Text` snapshot or delta (and as a `List` delta): whatever decodes must
/// round-trip, apply, check, save, load and merge with `target` (`weft_tests::roundtrip`).
fn try_decode(kind: Kind, bytes: &[u8], target: &Replica<Text>) {
    match kind {
        Kind::Snapshot => {
            roundtrip::snapshot::<Text>(bytes, target);
        }
        _ => {
            roundtrip::delta::<Text>(bytes, target);
            let list = Replica::<List<u32>>::new(ReplicaId::from_u128(4));
            roundtrip::delta::<List<u32>>(bytes, &list);
        }
    }
}

#[test]
fn corrupted_encodings_never_panic() {
    let samples = samples();
    let mut target = Replica::<Text>::new(ReplicaId::from_u128(3));
    target.apply(&Delta::from_bytes(&samples[0].1).unwrap());
    let mut random = SplitMix64::new(42);
    for (kind, bytes) in &samples {
        let payload = &bytes[4..bytes.len() - 4];
        for _ in 0..400 {
            let mut corrupt = payload.to_vec();
            match random.below(4) {
                0 => {
                    for _ in 0..1 + random.below(3) {
                        let at = random.index(corrupt.len());
                        corrupt[at] ^= 1 << random.below(8);
                    }
                }
                1 => corrupt.truncate(random.index(corrupt.len())),
                2 => {
                    let at = random.index(corrupt.len());
                    corrupt[at] = [0x00, 0x7f, 0x80, 0xff][random.index(4)];
                }
                _ => {
                    let at = random.index(corrupt.len() + 1);
                    for _ in 0..1 + random.below(8) {
                        corrupt.insert(at, random.below(256) as u8);
                    }
                }
            }
            let sealed = frame::seal(*kind, |out| out.raw(&corrupt));
            try_decode(*kind, &sealed, &target);
        }
        // Every truncation of the payload.
        for cut in 0..payload.len().min(600) {
            let sealed = frame::seal(*kind, |out| out.raw(&payload[..cut]));
            try_decode(*kind, &sealed, &target);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut random = SplitMix64::new(7);
    let target = Replica::<Text>::new(ReplicaId::from_u128(3));
    for _ in 0..3000 {
        let length = random.index(80);
        let payload: Vec<u8> = (0..length).map(|_| random.below(256) as u8).collect();
        let mut schema_first = vec![0x51];
        schema_first.extend_from_slice(&payload);
        for kind in [Kind::Delta, Kind::Snapshot] {
            try_decode(
                kind,
                &frame::seal(kind, |out| out.raw(&schema_first)),
                &target,
            );
            try_decode(kind, &frame::seal(kind, |out| out.raw(&payload)), &target);
        }
    }
}

#[test]
fn a_list_round_trips_and_refuses_text_bytes() {
    let mut list = Replica::<List<String>>::new(ReplicaId::from_u128(1));
    list.edit(|l| l.insert_all(0, ["a".to_string(), "b".to_string()]).unwrap());
    let loaded = Replica::<List<String>>::load(&list.save()).unwrap();
    assert_eq!(loaded.to_vec(), vec!["a".to_string(), "b".to_string()]);
    let text = Replica::<Text>::new(ReplicaId::from_u128(2));
    assert!(Replica::<List<String>>::load(&text.save()).is_err());
}

/// The mutation fuzzer's first finds in `Text`: states whose tree held elements their history
/// did not insert (or missed some it did). Loading one, then merging a normal replica into it,
/// held an element twice and the state no longer saved. They are refused now.
#[test]
fn a_tree_at_odds_with_its_history_is_refused() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz_regressions/text");
    let found = [
        "157dde01975e2012",
        "2227dd392cee1abb",
        "241ca9b80c5c082f",
        "483ee4fab66c8172",
        "6b41d772d5ec8407",
        "926ecece231b3929",
        "ddf03cbb60f318ac",
        "e56b85761b7dc930",
        "f704052eb1861d2c",
    ];
    for name in found {
        let bytes = std::fs::read(dir.join(name)).expect("the regression input is there");
        let error = match Delta::<Text>::from_bytes(&bytes) {
            Err(weft::DecodeError::WrongKind { .. }) => Replica::<Text>::load(&bytes).err(),
            other => other.err(),
        };
        assert!(
            matches!(
                error,
                Some(weft::DecodeError::Malformed {
                    reason: "the tree and the history hold different elements",
                    ..
                })
            ),
            "{name}: {error:?}"
        );
    }
}
