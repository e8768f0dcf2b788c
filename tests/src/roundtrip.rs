//! What every decoder promises about the bytes it accepts: the value they decode to can be
//! lived with. It encodes again, and decodes from that to the same state, with a re-encoding
//! that no longer changes; applied to a replica it keeps the replica's invariants
//! (`check()`); the replica saves, loads back to the same state, and merges with an ordinary
//! replica, which then saves, loads and checks too.
//!
//! Each function returns whether the bytes decoded (`false`: a typed error, which is fine) and
//! panics if the value broke one of those promises. The fuzz harnesses, the mutation fuzzer and
//! the hostile-bytes tests all call these, so one definition of "lived with" covers them all.

use weft::internals::store::DotStore;
use weft::sync::{Log, MemoryStorage, Message, SyncState, generate, receive};
use weft::{Delta, Doc, DocDelta, Replica, ReplicaId, Replicated, VersionVector};

/// The id of the replicas the checks create to receive decoded values.
const RECEIVER: u128 = 0xfeed;

/// How many messages a session may generate in a row before the checks call it a loop.
const MAX_ANSWERS: usize = 10_000;

/// Checks `bytes` as a delta of `S` (see the module documentation); `partner` is an ordinary
/// replica to merge with.
///
/// # Panics
/// If the bytes decode to a delta that breaks a promise.
pub fn delta<S: DotStore>(bytes: &[u8], partner: &Replica<S>) -> bool {
    let Ok(delta) = Delta::<S>::from_bytes(bytes) else {
        return false;
    };
    let once = delta.to_bytes();
    let again = Delta::<S>::from_bytes(&once)
        .unwrap_or_else(|error| panic!("a re-encoded delta does not decode: {error}"));
    assert_eq!(again.to_bytes(), once, "re-encoding a delta is not stable");
    assert_eq!(
        again.since(),
        delta.since(),
        "the round trip changed `since`"
    );
    assert_eq!(
        again.covered(),
        delta.covered(),
        "the round trip changed the context"
    );
    assert_eq!(sorted(again.changes()), sorted(delta.changes()));
    let first = received(&delta);
    let second = received(&again);
    assert!(
        first.same_state(&second),
        "the round trip changed the state"
    );
    assert_eq!(first.pending_len(), second.pending_len());
    lives(&first);
    let mut merged = partner.clone();
    merged.apply(&delta);
    lives(&merged);
    let mut other = first.clone();
    other.merge(partner);
    lives(&other);
    let mut back = merged.clone();
    back.apply(&other.delta_since(&merged.version()));
    lives(&back);
    // A repair merges a delta by another path (no causal wait for a complete state).
    let mut repaired = partner.clone();
    repaired.repair(&delta);
    lives(&repaired);
    let mut fresh = Replica::<S>::new(ReplicaId::from_u128(RECEIVER + 2));
    fresh.repair(&delta);
    lives(&fresh);
    true
}

/// Checks `bytes` as a snapshot of `S` (see the module documentation).
///
/// # Panics
/// If the bytes load to a replica that breaks a promise.
pub fn snapshot<S: DotStore>(bytes: &[u8], partner: &Replica<S>) -> bool {
    let Ok(replica) = Replica::<S>::load(bytes) else {
        return false;
    };
    lives(&replica);
    let mut merged = partner.clone();
    merged.merge(&replica);
    lives(&merged);
    let mut other = replica.clone();
    other.merge(partner);
    lives(&other);
    true
}

/// `check()`, then save and load: the same state, the same pending deltas, and a snapshot
/// that no longer changes once loaded.
///
/// # Panics
/// If any of it fails.
pub fn lives<S: DotStore>(replica: &Replica<S>) {
    assert_eq!(replica.check(), Ok(()));
    let saved = replica.save();
    let loaded = Replica::<S>::load(&saved)
        .unwrap_or_else(|error| panic!("a saved replica does not load: {error}"));
    assert_eq!(loaded.check(), Ok(()));
    assert!(
        loaded.same_state(replica),
        "save and load changed the state"
    );
    assert_eq!(loaded.pending_len(), replica.pending_len());
    assert_eq!(
        loaded.digest(),
        replica.digest(),
        "save and load changed the digest"
    );
    let resaved = loaded.save();
    let reloaded = Replica::<S>::load(&resaved).expect("a re-saved replica loads");
    assert_eq!(
        reloaded.save(),
        resaved,
        "saving a loaded replica is not stable"
    );
    let whole = replica.delta_since(&VersionVector::new()).to_bytes();
    let decoded = Delta::<S>::from_bytes(&whole)
        .unwrap_or_else(|error| panic!("a replica's own delta does not decode: {error}"));
    let mut copy = Replica::<S>::new(ReplicaId::from_u128(RECEIVER + 1));
    copy.apply(&decoded);
    assert_eq!(copy.check(), Ok(()));
    assert!(
        copy.same_state(replica),
        "a replica's whole state does not rebuild it"
    );
    // Compaction at the replica's own version (as if every peer had reached it) keeps the
    // replica consistent and savable.
    let mut compacted = replica.clone();
    compacted.compact(&replica.version());
    assert_eq!(compacted.check(), Ok(()));
    let reloaded = Replica::<S>::load(&compacted.save()).expect("a compacted replica loads");
    assert_eq!(reloaded.version(), replica.version());
}

/// Checks `bytes` as a document delta, through [`Doc`] (events and JSON included) and as a
/// delta of its root store.
///
/// # Panics
/// If the bytes decode to a delta that breaks a promise.
pub fn doc_delta(bytes: &[u8], partner: &Doc) -> bool {
    let Ok(decoded) = DocDelta::from_bytes(bytes) else {
        return false;
    };
    // Listeners make the document work out what changed, which reads the merged state.
    let mut doc = Doc::new(ReplicaId::from_u128(RECEIVER));
    doc.subscribe(|events| assert!(!events.is_empty(), "a listener heard of no change"));
    doc.apply(&decoded);
    doc_lives(&doc);
    let mut merged = reload(partner);
    merged.subscribe(|_| {});
    merged.apply(&decoded);
    doc_lives(&merged);
    merged.merge(&doc);
    doc_lives(&merged);
    assert!(delta(bytes, partner.replica()));
    true
}

/// Checks `bytes` as a document delta written against `base` (frame kind 7): whatever
/// decodes against it is the delta some kind-1 bytes carry, which [`doc_delta`] checks in
/// full; written against the base again it decodes to bytes a further round leaves alone.
///
/// # Panics
/// If the bytes decode to a delta that breaks a promise.
pub fn doc_delta_against(bytes: &[u8], partner: &Doc, base: &VersionVector) -> bool {
    let Ok(decoded) = DocDelta::from_bytes_against(bytes, base) else {
        return false;
    };
    assert!(
        doc_delta(&decoded.to_bytes(), partner),
        "a delta decoded against a base does not decode written whole"
    );
    let once = decoded.to_bytes_against(base);
    let again = DocDelta::from_bytes_against(&once, base)
        .unwrap_or_else(|error| panic!("a delta re-encoded against its base fails: {error}"));
    assert_eq!(
        again.to_bytes_against(base),
        once,
        "re-encoding a delta against its base is not stable"
    );
    assert_eq!(again.since(), decoded.since());
    assert_eq!(again.covered(), decoded.covered());
    true
}

/// Checks `bytes` as a document snapshot.
///
/// # Panics
/// If the bytes load to a document that breaks a promise.
pub fn doc_snapshot(bytes: &[u8], partner: &Doc) -> bool {
    let Ok(doc) = Doc::load(bytes) else {
        return false;
    };
    doc_lives(&doc);
    let mut merged = reload(partner);
    merged.merge(&doc);
    doc_lives(&merged);
    assert!(snapshot(bytes, partner.replica()));
    true
}

/// [`lives`] for a document, plus its JSON and plain-data views.
///
/// # Panics
/// If any of it fails.
pub fn doc_lives(doc: &Doc) {
    lives(doc.replica());
    let loaded = Doc::load(&doc.save()).expect("a saved document loads");
    assert_eq!(
        loaded.to_json(),
        doc.to_json(),
        "save and load changed the JSON"
    );
    let _ = doc.to_node();
}

/// Checks `bytes` as a sync message: it encodes again to the same message, and a session
/// against a copy of `partner` receives it without harm. A message the session refuses
/// leaves the document exactly as it was. Bytes of a saved [`SyncState`] (the same frame
/// kind) must resume to a state that saves the same again.
///
/// # Panics
/// If the bytes decode to a message that breaks a promise.
pub fn message(bytes: &[u8], partner: &Doc) -> bool {
    if let Ok(state) = SyncState::resume(bytes) {
        let saved = state.save();
        let resumed = SyncState::resume(&saved).expect("a saved sync state resumes");
        assert_eq!(
            resumed.save(),
            saved,
            "saving a resumed sync state is not stable"
        );
        assert_eq!(resumed.peer_version(), state.peer_version());
        return true;
    }
    let Ok(message) = Message::from_bytes(bytes) else {
        return false;
    };
    let once = message.to_bytes();
    let again = Message::from_bytes(&once)
        .unwrap_or_else(|error| panic!("a re-encoded message does not decode: {error}"));
    assert_eq!(again, message, "the round trip changed the message");
    assert_eq!(
        again.to_bytes(),
        once,
        "re-encoding a message is not stable"
    );
    let mut doc = reload(partner);
    let mut state = SyncState::new();
    drain(&mut state, &doc);
    let before = doc.save();
    if receive(&mut state, &mut doc, message).is_err() {
        assert_eq!(doc.save(), before, "a refused message changed the document");
    }
    doc_lives(&doc);
    drain(&mut state, &doc);
    true
}

/// Checks `bytes` as a presence message: what decodes encodes back to the same bytes, and a
/// presence applies it without error.
///
/// # Panics
/// If the bytes decode to presence entries that break a promise.
pub fn presence(bytes: &[u8]) -> bool {
    use weft::sync::presence::{self, Presence};
    let Ok(entries) = presence::decode(bytes) else {
        return false;
    };
    let again = presence::encode(&entries).expect("decoded entries are within the limits");
    assert_eq!(again, bytes, "a presence message re-encodes differently");
    let mut state = Presence::new(ReplicaId::from_u128(1));
    state
        .apply(bytes, 0)
        .expect("a decoded presence message applies");
    assert!(state.states().len() <= presence::MAX_CLIENTS_PER_MESSAGE);
    true
}

/// Checks `bytes` as a persistence log of a document: the replica it restores lives, takes a
/// new change, and the log then reopens to the same state.
///
/// # Panics
/// If the bytes open to a log that breaks a promise.
pub fn log(bytes: &[u8]) -> bool {
    let Ok(opened) = Log::open::<Doc>(MemoryStorage::from_bytes(bytes.to_vec())) else {
        return false;
    };
    let (mut log, mut doc) = (opened.log, opened.replica);
    doc_lives(&doc);
    // A change of this replica's own after the restore must not take a counter some record
    // already holds: writing one exercises that the restored state is consistent.
    doc.transact(|root| root.put("after restore", 1i64));
    assert_eq!(doc.replica().check(), Ok(()));
    let appended = log.append(&doc);
    assert!(appended.is_ok(), "appending to an opened log failed");
    let reopened = Log::open::<Doc>(log.into_storage()).expect("an appended log reopens");
    assert!(
        reopened.replica.same_state(&doc),
        "the reopened log holds another state"
    );
    assert_eq!(reopened.replica.pending_len(), doc.pending_len());
    true
}

/// Lets `state` generate everything it wants to send, which must come to an end.
///
/// # Panics
/// If the session keeps generating.
fn drain<R: Replicated>(state: &mut SyncState, replica: &R) {
    let mut answers = 0;
    while generate(state, replica).is_some() {
        answers += 1;
        assert!(
            answers < MAX_ANSWERS,
            "the session keeps generating messages"
        );
    }
}

/// A fresh replica that applied `delta`.
fn received<S: DotStore>(delta: &Delta<S>) -> Replica<S> {
    let mut replica = Replica::<S>::new(ReplicaId::from_u128(RECEIVER));
    replica.apply(delta);
    replica
}

/// A copy of `doc` (documents are not `Clone`: they hold listeners).
fn reload(doc: &Doc) -> Doc {
    Doc::load(&doc.save()).expect("a saved document loads")
}

fn sorted(mut changes: Vec<(ReplicaId, u64, u64)>) -> Vec<(ReplicaId, u64, u64)> {
    changes.sort_unstable();
    changes
}
