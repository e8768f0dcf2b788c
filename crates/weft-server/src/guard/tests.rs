use super::*;

/// The issue's `Doc` delta whose re-encoding panicked (a `todo` list inside a document).
const POISONOUS_DOC_DELTA: &str = "57460101610200000000000000002468acf13579bde90000000000000000369d0369d0369cda0202011d0200000001010b030104746f646f020908020100001300000000000000010000011e0103000002ae0100000142dd81e1af8d9f8e864d592f695f7bc80201040104646f6e65020100495e8a49";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).expect("hex"))
        .collect()
}

fn board() -> (Replica<Object>, Vec<u8>) {
    let mut writer = Replica::<Object>::new(ReplicaId::from_u128(1));
    let delta = writer.update(|root| {
        Object::edit(root, |root| {
            root.counter("likes").increment(2);
            root.text("note").insert(0, "hello").expect("an insertion");
        });
    });
    (writer, delta.to_bytes())
}

#[test]
fn an_honest_change_is_applied_and_the_shadow_keeps_step() {
    let (writer, bytes) = board();
    let mut guarded = GuardedReplica::new(Replica::new(ReplicaId::from_u128(2)));
    assert_eq!(guarded.apply_encoded(&bytes), Ok(Outcome::Applied));
    assert_eq!(guarded.digest(), writer.digest());
    let shadow = guarded.shadow.as_ref().expect("a shadow after a change");
    assert_eq!(shadow.digest(), writer.digest());
    assert!(guarded.is_intact());
    assert_eq!(guarded.take_refusal(), None);
    // Again: redundant, nothing changes.
    assert_eq!(guarded.apply_encoded(&bytes), Ok(Outcome::Redundant));
    assert_eq!(guarded.digest(), writer.digest());
}

#[test]
fn the_poisonous_doc_delta_is_refused_and_changes_nothing() {
    let (_, bytes) = board();
    let mut guarded = GuardedReplica::new(Replica::new(ReplicaId::from_u128(2)));
    guarded.apply_encoded(&bytes).expect("honest");
    let (version, digest, saved) = (guarded.version(), guarded.digest(), guarded.save());
    assert!(guarded.apply_encoded(&hex(POISONOUS_DOC_DELTA)).is_err());
    // Refused by the decoder (once it validates the replica table) or by the round trip.
    let refusal = guarded.take_refusal().expect("a refusal");
    assert!(
        matches!(
            refusal,
            Refusal::Decode(_) | Refusal::RoundTrip(_) | Refusal::Panicked { .. }
        ),
        "{refusal}"
    );
    assert!(refusal.reason().starts_with("protocol error"));
    assert!(guarded.is_intact());
    assert_eq!(
        (guarded.version(), guarded.digest(), guarded.pending_len()),
        (version, digest, 0)
    );
    assert_eq!(guarded.save(), saved);
    // The document goes on: a later honest change applies and saves.
    let mut other = Replica::<Object>::new(ReplicaId::from_u128(3));
    let more = other.update(|root| Object::edit(root, |root| root.counter("likes").increment(1)));
    assert_eq!(
        guarded.apply_encoded(&more.to_bytes()),
        Ok(Outcome::Applied)
    );
    assert!(Replica::<Object>::load(&guarded.save()).is_ok());
}

#[test]
fn bytes_that_do_not_decode_are_refused_as_such() {
    let mut guarded = GuardedReplica::new(Replica::new(ReplicaId::from_u128(2)));
    assert!(guarded.apply_encoded(b"not a delta").is_err());
    assert!(matches!(guarded.take_refusal(), Some(Refusal::Decode(_))));
    assert!(guarded.repair_encoded(&hex(POISONOUS_DOC_DELTA)).is_err());
    assert!(guarded.take_refusal().is_some());
    assert_eq!(guarded.version(), VersionVector::new());
}

#[test]
fn a_refusal_after_a_panic_on_the_shadow_discards_it() {
    let (_, bytes) = board();
    let mut guarded = GuardedReplica::new(Replica::new(ReplicaId::from_u128(2)));
    guarded.apply_encoded(&bytes).expect("honest");
    assert!(guarded.shadow.is_some());
    assert!(guarded.apply_encoded(&hex(POISONOUS_DOC_DELTA)).is_err());
    // Whatever stage refused it, the shadow is either untouched (a refusal before it) or
    // gone (a refusal on it); never a shadow that differs from the replica.
    if let Some(shadow) = &guarded.shadow {
        assert_eq!(shadow.digest(), guarded.digest());
    }
}

#[test]
fn pieces_from_other_servers_pass_the_same_checks() {
    let (writer, bytes) = board();
    let mut guarded = GuardedReplica::new(Replica::new(ReplicaId::from_u128(2)));
    assert_eq!(guarded.apply_stored(&bytes), Ok(Outcome::Applied));
    assert_eq!(guarded.digest(), writer.digest());
    // A snapshot another server stored merges; the same state again changes nothing.
    let mut other = writer.clone();
    other.update(|root| Object::edit(root, |root| root.counter("likes").increment(1)));
    assert_eq!(guarded.merge_snapshot(&other.save()), Ok(Outcome::Applied));
    assert_eq!(guarded.digest(), other.digest());
    assert_eq!(
        guarded.merge_snapshot(&other.save()),
        Ok(Outcome::Redundant)
    );
    // Poison and garbage are refused and change nothing.
    let before = guarded.digest();
    assert!(guarded.apply_stored(&hex(POISONOUS_DOC_DELTA)).is_err());
    assert!(matches!(
        guarded.merge_snapshot(&[1, 2, 3]),
        Err(Refusal::Decode(_))
    ));
    assert!(matches!(guarded.apply_stored(&[]), Err(Refusal::Decode(_))));
    assert_eq!(guarded.digest(), before);
    assert!(guarded.is_intact());
}
