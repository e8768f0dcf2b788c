//! Replays every input the fuzzers found (`tests/fuzz_regressions/<target>/`), plus a seed
//! corpus of valid encodings, through the same harnesses as the cargo-fuzz targets.

use std::path::PathBuf;

use weft_tests::fuzzing::{decode_everything, replicas, sync_messages};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz_regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|path| path.is_file())
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable regression file");
            (path, bytes)
        })
        .collect()
}

#[test]
fn decode_regressions() {
    for (_, bytes) in inputs("decode") {
        decode_everything(&bytes);
    }
    // The golden vectors are valid inputs too.
    for (_, bytes) in inputs("../golden") {
        decode_everything(&bytes);
    }
}

#[test]
fn replicas_regressions() {
    for (_, bytes) in inputs("replicas") {
        replicas(&bytes);
    }
    // A fixed pseudo-random script, so the harness itself always runs here.
    let mut random = weft_tests::SplitMix64::new(42);
    let script: Vec<u8> = (0..4_000).map(|_| random.next_u64() as u8).collect();
    replicas(&script);
}

#[test]
fn sync_messages_regressions() {
    for (_, bytes) in inputs("sync_messages") {
        sync_messages(&bytes);
    }
    // Real messages of a session, whole and damaged, so the harness reaches the protocol.
    use weft::sync::{SyncState, generate};
    let mut other = weft::Doc::new(weft::ReplicaId::from_u128(2));
    other.transact(|root| {
        root.text("a").insert(0, "hello").expect("in range");
        root.counter("b").increment(3);
    });
    let mut state = SyncState::new();
    let mut records = Vec::new();
    while let Some(message) = generate(&mut state, &other) {
        let bytes = message.to_bytes();
        records.push(u8::try_from(bytes.len()).expect("small messages"));
        records.extend_from_slice(&bytes);
    }
    assert!(!records.is_empty());
    sync_messages(&records);
    let mut random = weft_tests::SplitMix64::new(7);
    for _ in 0..200 {
        let mut damaged = records.clone();
        let position = 1 + random.index(damaged.len() - 1);
        damaged[position] ^= 1 << random.below(8);
        sync_messages(&damaged);
    }
}

/// The crashes of the mutation fuzzer, replayed through their target's harness (and through
/// its fix-up, as the cargo-fuzz target runs them); the corpus of each target too.
#[test]
fn mutation_fuzzer_regressions() {
    for name in weft_tests::mutation_fuzzer::NAMES {
        let target = weft_tests::mutation_fuzzer::target(name).expect("a known target");
        for (path, bytes) in inputs(name) {
            eprintln!("replaying {}", path.display());
            let _ = target.check(&bytes);
            let _ = target.check(&target.fix_up(&bytes));
        }
        for entry in target.corpus() {
            assert!(
                target.check(entry),
                "{name}: a corpus entry does not decode"
            );
        }
    }
}
