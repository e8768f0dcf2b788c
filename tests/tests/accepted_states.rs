//! States built from bytes the decoders accept — repaired from them, or merged from several
//! of them — must still encode, reload and sync. Each input here once broke that (they are in
//! `tests/fuzz_regressions/states/`): a repair state whose text names a replica only its
//! `since` knows (the encoder then panicked), a deletion run over four billion elements that
//! never existed (encoding and the digest took one step per element), and a merge of two deltas whose dot
//! words pass 64 bits (encoding wrapped them into other dots).

use std::path::PathBuf;

use weft::sync::{Message, SyncState, generate, receive};
use weft::{AddWinsSet, Delta, Doc, DocDelta, Replica, ReplicaId, Replicated, Text};

fn input(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz_regressions")
        .join("states")
        .join(format!("{name}.bin"));
    std::fs::read(path).expect("regression input exists")
}

#[test]
fn a_repair_state_that_depends_on_changes_waits_like_any_delta() {
    let delta = Delta::<Text>::from_bytes(&input("repair_text_origin_only_in_since")).unwrap();
    let mut replica = Replica::<Text>::new(ReplicaId::from_u128(9));
    replica.repair(&delta);
    assert_eq!(
        replica.pending_len(),
        1,
        "it waits for the change it depends on"
    );
    weft_tests::roundtrip::lives(&replica);

    let delta = DocDelta::from_bytes(&input("repair_doc_origin_only_in_since")).unwrap();
    let mut doc = Doc::new(ReplicaId::from_u128(9));
    doc.repair(&delta);
    weft_tests::roundtrip::doc_lives(&doc);
}

#[test]
fn a_repair_message_leaves_a_session_that_still_speaks() {
    let message = Message::from_bytes(&input("repair_message_doc_origin_only_in_since")).unwrap();
    let mut doc = Doc::new(ReplicaId::from_u128(9));
    let mut state = SyncState::new();
    receive(&mut state, &mut doc, message).unwrap();
    let mut said = 0;
    while let Some(message) = generate(&mut state, &doc) {
        Message::from_bytes(&message.to_bytes()).expect("what a session says decodes");
        said += 1;
        assert!(said < 100, "the session loops");
    }
    assert!(said > 0);
    weft_tests::roundtrip::doc_lives(&doc);
}

#[test]
fn a_deletion_run_over_elements_that_never_existed_costs_its_bytes_not_its_length() {
    let bytes = input("doc_deletion_run_of_4_billion");
    let mut doc = Doc::new(ReplicaId::from_u128(9));
    doc.apply_encoded(&bytes).unwrap();
    // One step per run, not per element: these would take minutes (and 17 GB) otherwise.
    let saved = doc.save();
    assert!(saved.len() < 1_000, "{} bytes", saved.len());
    let loaded = Doc::load(&saved).unwrap();
    assert!(loaded.same_state(&doc));
    let whole = doc.encoded_delta_since(&weft::VersionVector::new());
    assert!(whole.len() < 1_000);
    // The digest every hello carries, too.
    assert_eq!(loaded.digest(), doc.digest());
    let hello = generate(&mut SyncState::new(), &doc).expect("a hello");
    assert!(hello.to_bytes().len() < 200);
}

#[test]
fn a_merged_state_whose_dot_words_pass_64_bits_encodes_and_loads() {
    let top = Delta::<AddWinsSet<u32>>::from_bytes(&input("wide_dot_top_counter")).unwrap();
    let many = Delta::<AddWinsSet<u32>>::from_bytes(&input("wide_dot_1100_replicas")).unwrap();
    let mut replica = Replica::<AddWinsSet<u32>>::new(ReplicaId::from_u128(9));
    replica.apply(&top);
    replica.apply(&many);
    assert!(replica.contains(&7));
    let loaded =
        Replica::<AddWinsSet<u32>>::load(&replica.save()).expect("a merged state's snapshot loads");
    assert!(loaded.same_state(&replica));
    weft_tests::roundtrip::lives(&replica);
}

#[test]
fn a_text_whose_dot_words_pass_64_bits_encodes_and_loads() {
    use weft::TextEditor;
    // 1,100 replicas type a character each, and one that has made 2^53 - 2 changes types one.
    let mut merged = Replica::<Text>::new(ReplicaId::from_u128(9));
    for author in 1..=1_100u128 {
        let mut writer = Replica::<Text>::new(ReplicaId::from_u128(author));
        merged.apply(&writer.update(|text| text.insert(0, "x").unwrap()));
    }
    let busy = ReplicaId::from_u128(5_000);
    let mut writer = Replica::<Text>::new(busy);
    let history =
        weft_tests::sync_simulation::forged_history::<Text>(busy, weft::internals::MAX_COUNTER - 2);
    writer.apply_encoded(&history).unwrap();
    merged.apply_encoded(&history).unwrap();
    merged.apply(&writer.update(|text| text.insert(0, "y").unwrap()));
    assert_eq!(merged.version().get(busy), weft::internals::MAX_COUNTER - 1);
    assert_eq!(merged.len(), 1_101);
    let loaded = Replica::<Text>::load(&merged.save()).expect("a merged text's snapshot loads");
    assert!(loaded.same_state(&merged));
    assert_eq!(loaded.to_string(), merged.to_string());
}
