//! Scripted sessions of the sync protocol between two replicas: one round trip levels both,
//! live pushes and acks, any lost, duplicated or delayed message, chunking, reconnects and
//! resumed sessions, a peer restored from an older snapshot, divergence detected and repaired,
//! hostile messages.

use quickcheck::{Gen, QuickCheck};
use weft::internals::codec::frame;
use weft::{AddWinsSet, PNCounter, Replica, ReplicaId, Replicated, TextEditor, VersionVector};
use weft_sync::{
    Changes, Chunk, Hello, Log, MemoryStorage, Message, SyncConfig, SyncError, SyncState, receive,
};
use weft_tests::sync_pair::{Fate, Pair, Sent, side_id};

type Set = Replica<AddWinsSet<u32>>;

/// Two replicas that share `shared` changes (inserts, every fourth a removal), then each make
/// `diverged` changes of their own (inserts and removals of shared elements).
fn shared_then_diverged(shared: u32, diverged: u32) -> (Set, Set) {
    let mut a = Set::new(side_id(0));
    let mut b = Set::new(side_id(1));
    for value in 0..shared {
        a.update(|s| {
            if value % 4 == 3 {
                s.remove(&(value - 1));
            } else {
                s.insert(value);
            }
        });
    }
    b.apply(&a.delta_since(&b.version()));
    for value in 0..diverged {
        a.update(|s| s.insert(1_000_000 + value));
        b.update(|s| {
            s.remove(&(value * 4));
            s.insert(2_000_000 + value);
        });
    }
    (a, b)
}

fn deliver_all(_: &Sent) -> Fate {
    Fate::Deliver
}

#[test]
fn one_round_trip_levels_both_sides_with_bytes_independent_of_history() {
    let mut handshake_bytes = Vec::new();
    for shared in [100, 10_000] {
        let (a, b) = shared_then_diverged(shared, 10);
        let mut pair = Pair::new(a, b);
        let settled = pair.settle().unwrap();
        assert_eq!(settled.level_after, Some(2), "hellos, then answers");
        assert_eq!(settled.flights, 3, "then acknowledgements, then silence");
        assert_eq!(settled.timeouts, 0);
        assert!(pair.level());
        assert_eq!(pair.sent.len(), 6, "a hello, an answer and an ack each way");
        let handshake: usize = pair
            .sent
            .iter()
            .filter(|s| s.flight < 2)
            .map(|s| s.bytes)
            .sum();
        handshake_bytes.push(handshake);
    }
    // Counters of 10,000 take a byte or two more than counters of 100, nothing else grows.
    assert!(
        handshake_bytes[1] - handshake_bytes[0] < 24,
        "handshake bytes {handshake_bytes:?}"
    );
}

#[test]
fn one_side_without_changes_is_brought_level_in_one_round_trip() {
    let (a, _) = shared_then_diverged(500, 20);
    let mut pair = Pair::new(a, Set::new(side_id(1)));
    let settled = pair.settle().unwrap();
    assert_eq!(settled.level_after, Some(2));
    // Equal replicas exchange only hellos, empty answers and acks.
    let before = pair.sent.len();
    pair.reconnect();
    let settled = pair.settle().unwrap();
    assert_eq!(settled.flights, 3);
    for sent in &pair.sent[before..] {
        if let Message::Changes(changes) = &sent.message {
            assert!(
                changes.delta.is_empty(),
                "nothing to send between equal replicas"
            );
        }
    }
}

#[test]
fn live_changes_are_pushed_once_and_acknowledged() {
    let (a, b) = shared_then_diverged(2_000, 0);
    let mut pair = Pair::new(a, b);
    pair.settle().unwrap();
    for round in 0..20u32 {
        let before = pair.sent.len();
        pair.sides[(round % 2) as usize].update(|s| s.insert(5_000_000 + round));
        let settled = pair.settle().unwrap();
        assert_eq!(settled.flights, 2, "the change, then its ack");
        assert_eq!(pair.sent.len() - before, 2);
        assert!(matches!(pair.sent[before].message, Message::Changes(_)));
        assert!(matches!(pair.sent[before + 1].message, Message::Ack(_)));
        assert!(pair.level());
        // A push carries the change and what the receiver needs to place it, not the history.
        assert!(
            pair.sent[before].bytes < 200,
            "{} bytes",
            pair.sent[before].bytes
        );
    }
    // Both sides changing at once: each pushes, nothing is echoed back.
    let before = pair.sent.len();
    pair.sides[0].update(|s| s.insert(7));
    pair.sides[1].update(|s| s.insert(8));
    pair.settle().unwrap();
    let changes = pair.sent[before..]
        .iter()
        .filter(|s| matches!(s.message, Message::Changes(_)))
        .count();
    assert_eq!(changes, 2);
}

/// Offline changes on both sides, a handshake, and changes made while messages fly. Fails
/// unless both sides end level and hold every change made (the join of every state the sides
/// were in right after their changes).
fn eventful_session(fate: &mut dyn FnMut(&Sent) -> Fate) -> Result<Pair<Set>, String> {
    let (a, b) = shared_then_diverged(50, 5);
    let mut everything = Set::new(ReplicaId::from_u128(99));
    everything.merge(&a);
    everything.merge(&b);
    let mut pair = Pair::new(a, b);
    pair.flight(fate);
    pair.sides[0].update(|s| s.insert(900));
    everything.merge(&pair.sides[0]);
    pair.flight(fate);
    pair.sides[1].update(|s| s.remove(&900));
    pair.sides[1].update(|s| s.insert(901));
    everything.merge(&pair.sides[1]);
    pair.flight(fate);
    pair.sides[0].update(|s| s.insert(902));
    everything.merge(&pair.sides[0]);
    pair.settle_with(40, fate)?;
    if !pair.level() {
        return Err("settled but not level".into());
    }
    if !pair.sides[0].same_state(&everything) {
        return Err("a change was lost".into());
    }
    Ok(pair)
}

#[test]
fn losing_any_one_or_two_messages_never_loops_and_loses_nothing() {
    let clean = eventful_session(&mut deliver_all).unwrap();
    let total = clean.sent.len();
    for lost in 0..total + 4 {
        let pair = eventful_session(&mut |sent| {
            if sent.index == lost {
                Fate::Lose
            } else {
                Fate::Deliver
            }
        })
        .unwrap_or_else(|failure| panic!("losing message {lost}: {failure}"));
        assert!(
            pair.sent.len() <= total + 8,
            "losing message {lost} cost {} messages instead of {total}",
            pair.sent.len()
        );
    }
    for first in 0..total {
        for second in first + 1..total + 2 {
            eventful_session(&mut |sent| {
                if sent.index == first || sent.index == second {
                    Fate::Lose
                } else {
                    Fate::Deliver
                }
            })
            .unwrap_or_else(|failure| panic!("losing {first} and {second}: {failure}"));
        }
    }
}

#[test]
fn duplicated_or_delayed_messages_are_harmless() {
    let clean = eventful_session(&mut deliver_all).unwrap();
    let total = clean.sent.len();
    for fate in [Fate::Duplicate, Fate::Delay] {
        for chosen in 0..total {
            eventful_session(&mut |sent| {
                if sent.index == chosen {
                    fate
                } else {
                    Fate::Deliver
                }
            })
            .unwrap_or_else(|failure| panic!("{fate:?} message {chosen}: {failure}"));
        }
        // Every message.
        eventful_session(&mut |_| fate).unwrap_or_else(|failure| panic!("{fate:?}: {failure}"));
    }
}

#[test]
fn any_mix_of_fates_settles_level_without_loss() {
    // Each message's fate from a random list: delivered, lost, duplicated or delayed.
    fn property(fates: Vec<u8>) -> bool {
        let mut next = 0;
        let result = eventful_session(&mut |_| {
            let fate = match fates.get(next).map_or(0, |byte| byte % 8) {
                0..=3 => Fate::Deliver,
                4 | 5 => Fate::Lose,
                6 => Fate::Duplicate,
                _ => Fate::Delay,
            };
            next += 1;
            fate
        });
        result.is_ok()
    }
    QuickCheck::new()
        .tests(500)
        .rng(Gen::new(60))
        .quickcheck(property as fn(Vec<u8>) -> bool);
}

#[test]
fn large_deltas_travel_in_chunks_within_the_frame_size() {
    let config = SyncConfig::default().with_max_frame_size(512);
    let session = |fate: &mut dyn FnMut(&Sent) -> Fate| {
        let (a, _) = shared_then_diverged(3_000, 0);
        let mut pair = Pair::with_config(a, Set::new(side_id(1)), config);
        pair.settle_with(200, fate).map(|_| pair)
    };
    let clean = session(&mut deliver_all).unwrap();
    assert!(clean.level());
    let chunks = clean
        .sent
        .iter()
        .filter(|s| matches!(s.message, Message::Chunk(_)))
        .count();
    assert!(chunks > 20, "{chunks} chunks");
    assert!(clean.sent.iter().all(|s| s.bytes <= 512));
    // Losing a chunk: the partial message is dropped on timeout and sent again.
    for lost in [2, 10, chunks / 2 + 1] {
        let pair = session(&mut |sent| {
            if sent.index == lost {
                Fate::Lose
            } else {
                Fate::Deliver
            }
        })
        .unwrap();
        assert!(pair.level(), "losing chunk message {lost}");
        assert_eq!(pair.states[1].buffered_bytes(), 0);
    }
}

#[test]
fn a_reconnect_sends_only_what_the_peer_has_not_acknowledged() {
    let (a, b) = shared_then_diverged(5_000, 0);
    let full_state = a.encoded_delta_since(&VersionVector::new()).len();
    let mut pair = Pair::new(a, b);
    pair.settle().unwrap();
    // The peer goes away; changes made meanwhile are lost on the way.
    for value in 0..3 {
        pair.sides[0].update(|s| s.insert(8_000_000 + value));
        pair.flight(&mut |_| Fate::Lose);
    }
    let before = pair.sent.len();
    pair.reconnect();
    let settled = pair.settle().unwrap();
    // What the peer acknowledged is kept across the reconnect: the change is pushed at once.
    assert_eq!(settled.level_after, Some(1));
    let resent: usize = pair.sent[before..].iter().map(|s| s.bytes).sum();
    assert!(
        resent < 600,
        "{resent} bytes, the full state is {full_state}"
    );
}

#[test]
fn a_resumed_session_pushes_offline_changes_in_the_first_flight() {
    let (a, b) = shared_then_diverged(1_000, 0);
    let mut pair = Pair::new(a, b);
    pair.settle().unwrap();
    let saved = pair.states[0].save();
    // Side 0 restarts (its sync state from disk) and changes things offline.
    pair.sides[0].update(|s| s.insert(424_242));
    pair.states[0] = SyncState::resume_with_config(&saved, SyncConfig::default(), 77).unwrap();
    pair.states[1].reconnect();
    let before = pair.sent.len();
    pair.flight(&mut deliver_all);
    assert!(pair.sides[1].contains(&424_242), "half a round trip");
    let settled = pair.settle().unwrap();
    assert!(pair.level());
    assert!(settled.flights <= 3);
    let changes_with_deltas = pair.sent[before..]
        .iter()
        .filter(|s| matches!(&s.message, Message::Changes(c) if !c.delta.is_empty()))
        .count();
    assert_eq!(changes_with_deltas, 1, "the offline change is sent once");
}

#[test]
fn a_replica_restored_from_an_older_snapshot_catches_up_on_its_own_changes() {
    let mut pair = Pair::new(
        Replica::<PNCounter>::new(side_id(0)),
        Replica::<PNCounter>::new(side_id(1)),
    );
    pair.sides[0].update(|c| c.increment(1));
    pair.settle().unwrap();
    let snapshot = pair.sides[0].save();
    pair.sides[0].update(|c| c.increment(10));
    pair.sides[0].update(|c| c.increment(100));
    pair.settle().unwrap();
    assert_eq!(pair.sides[1].value(), 111);
    // Side 0 restarts from the older snapshot: it holds its change 1, the peer holds 1..=3.
    pair.sides[0] = Replica::load(&snapshot).unwrap();
    pair.reconnect();
    let first = pair.received[0].len();
    pair.flight(&mut deliver_all); // hellos
    assert!(
        pair.received[0][first..]
            .iter()
            .any(|r| r.behind_on_own_changes)
    );
    assert!(pair.states[0].behind_on_own_changes(&pair.sides[0]));
    pair.flight(&mut deliver_all); // answers bring its own changes back
    assert!(!pair.states[0].behind_on_own_changes(&pair.sides[0]));
    assert_eq!(pair.sides[0].value(), 111);
    // Now it may write: its next change takes counter 4, not a reused 2.
    pair.sides[0].update(|c| c.increment(1000));
    assert_eq!(pair.sides[0].version().get(side_id(0)), 4);
    pair.settle().unwrap();
    assert!(pair.level());
    assert_eq!(
        pair.sides[1].value(),
        1111,
        "nothing lost, nothing counted twice"
    );
}

type Text = Replica<weft::Text>;

/// Types `text` at the end of `replica`, returning the change's delta.
fn type_at_end(replica: &mut Text, text: &str) -> weft::Delta<weft::Text> {
    let end = replica.len();
    replica.update(|t| t.insert(end, text).unwrap())
}

/// The reproduction: A types "A", then "X" (lost in transit), then "Y" (which reaches
/// B, where it waits for "X"). A restarts from the snapshot taken after "A".
fn restored_writer_with_a_pending_change_at_the_peer() -> (Pair<Text>, ReplicaId, Vec<u8>) {
    let mut pair = Pair::new(Text::new(side_id(0)), Text::new(side_id(1)));
    type_at_end(&mut pair.sides[0], "A");
    pair.settle().unwrap();
    let snapshot = pair.sides[0].save();
    let lost = type_at_end(&mut pair.sides[0], "X");
    let kept = type_at_end(&mut pair.sides[0], "Y");
    assert_eq!(pair.sides[1].apply(&kept), weft::Outcome::Pending);
    assert_eq!(
        pair.sides[1].version().get(side_id(0)),
        1,
        "B's version does not count Y"
    );
    pair.sides[0] = Text::load(&snapshot).unwrap();
    pair.reconnect();
    pair.settle().unwrap();
    (pair, side_id(0), lost.to_bytes())
}

#[test]
fn a_restored_replica_learns_of_its_own_changes_held_only_pending_by_the_peer() {
    let (mut pair, old_id, _) = restored_writer_with_a_pending_change_at_the_peer();
    assert_eq!(
        pair.sides[0].own_counter_floor(),
        3,
        "the hello carried Y's counter"
    );
    assert!(pair.states[0].behind_on_own_changes(&pair.sides[0]));
    // Its next change must not be numbered 2 (X's) or 3 (Y's): it continues under a new id.
    type_at_end(&mut pair.sides[0], "Z");
    assert_ne!(pair.sides[0].id(), old_id);
    assert_eq!(pair.sides[0].version().get(old_id), 1);
    pair.settle().unwrap();
    let [a, b] = &pair.sides;
    assert_eq!((a.version(), a.digest()), (b.version(), b.digest()));
    for side in &pair.sides {
        assert_eq!(
            side.to_string(),
            "AZ",
            "Y waits for X and never hangs off Z"
        );
    }
    // Y still waits for X, which nobody holds; Z never depends on it.
    assert_eq!(pair.sides[1].pending_len(), 1);
    assert_eq!(pair.sides[1].pending_tops().get(old_id), 3);
}

#[test]
fn what_a_restored_replica_lost_comes_back_from_any_peer_that_still_has_it() {
    let (mut pair, old_id, lost) = restored_writer_with_a_pending_change_at_the_peer();
    // X did reach a third replica C after all.
    let mut third = Text::new(side_id(2));
    third.apply(&pair.sides[1].delta_since(&VersionVector::new()));
    third.apply_encoded(&lost).unwrap();
    assert_eq!(third.to_string(), "AX");
    type_at_end(&mut pair.sides[0], "Z");
    let [a, b] = pair.sides;
    // B meets C: X arrives, Y applies after it.
    let mut b_and_c = Pair::new(b, third);
    b_and_c.settle().unwrap();
    assert_eq!(b_and_c.sides[0].pending_len(), 0);
    let [b, third] = b_and_c.sides;
    // A meets B: A gets its lost X and Y back; B gets Z.
    let mut a_and_b = Pair::new(a, b);
    a_and_b.settle().unwrap();
    assert!(a_and_b.level());
    assert_eq!(a_and_b.sides[0].version().get(old_id), 3);
    let [a, b] = a_and_b.sides;
    let mut a_and_c = Pair::new(a, third);
    a_and_c.settle().unwrap();
    assert!(a_and_c.level());
    let expected = a_and_c.sides[0].to_string();
    assert_eq!(expected.len(), 4);
    assert!(
        expected.starts_with("AXY") || expected == "AZXY",
        "{expected}"
    );
    assert_eq!(b.to_string(), expected);
    assert_eq!(a_and_c.sides[1].to_string(), expected);
    assert_eq!(b.pending_len() + a_and_c.sides[0].pending_len(), 0);
}

#[test]
fn a_restored_replica_that_learnt_its_floor_keeps_it_through_save_and_the_log() {
    let (pair, old_id, _) = restored_writer_with_a_pending_change_at_the_peer();
    let [a, _] = pair.sides;
    // Saved after the handshake, before writing: the floor travels in the snapshot.
    let reloaded = Text::load(&a.save()).unwrap();
    assert_eq!(reloaded.own_counter_floor(), 3);
    assert_eq!(
        Text::load(&reloaded.save()).unwrap().save(),
        reloaded.save()
    );
    // A log learns the floor at its next append, even with no change to store…
    let mut before = Text::new(old_id);
    let mut log = Log::create(MemoryStorage::new(), &before).unwrap();
    before.note_peer_version(&[(old_id, 3)].into_iter().collect());
    assert!(
        log.append(&before).unwrap(),
        "a learnt floor is written at once"
    );
    let reopened = Log::open::<Text>(log.into_storage()).unwrap().replica;
    assert_eq!(reopened.own_counter_floor(), 3);
    // …and a new id at the append of the first change made under it.
    let mut log = Log::create(MemoryStorage::new(), &reloaded).unwrap();
    let mut writer = reloaded;
    type_at_end(&mut writer, "Z");
    assert!(log.append(&writer).unwrap());
    let reopened = Log::open::<Text>(log.into_storage()).unwrap().replica;
    assert_eq!(reopened.id(), writer.id(), "the log recorded the new id");
    assert_eq!(reopened.to_string(), "AZ");
}

#[test]
fn a_peer_that_restarts_unannounced_from_an_older_snapshot_is_caught_up() {
    let (a, b) = shared_then_diverged(200, 10);
    let mut pair = Pair::new(a, b);
    pair.settle().unwrap();
    let snapshot = pair.sides[1].save();
    let old_messages: Vec<(usize, Vec<u8>)> = pair
        .sent
        .iter()
        .map(|s| (1 - s.from, s.message.to_bytes()))
        .collect();
    pair.sides[0].update(|s| s.insert(31));
    pair.sides[1].update(|s| s.insert(32));
    pair.settle().unwrap();
    // Side 1 restarts from the snapshot with a fresh state; side 0 is not told.
    pair.sides[1] = Replica::load(&snapshot).unwrap();
    pair.states[1] = SyncState::with_config(SyncConfig::default(), 99);
    pair.flight(&mut deliver_all);
    // Late copies of earlier messages reach their destinations.
    for (to, bytes) in &old_messages {
        pair.deliver(*to, bytes);
    }
    pair.settle().unwrap();
    assert!(pair.level());
    assert!(pair.sides[1].contains(&31) && pair.sides[1].contains(&32));
}

/// A delta from `author` that claims its change `counter` but carries no effect: what a
/// replica that lost a change but kept its version looks like (y-crdt #632).
fn forged_claim(author: ReplicaId, counter: u64) -> Vec<u8> {
    frame::seal(frame::Kind::Delta, |out| {
        out.u8(0x31); // AddWinsSet
        out.varint(1);
        out.raw(&author.to_bytes());
        out.u8(0); // exact context
        out.varint(1);
        out.varint(0); // the author
        out.varint(counter - 1);
        out.varint(1);
        out.varint(0); // an empty store
    })
}

/// Level replicas, then side 1 "receives" side 0's next change without its effect.
fn corrupted_pair() -> Pair<Set> {
    let (a, b) = shared_then_diverged(100, 3);
    let mut pair = Pair::new(a, b);
    pair.settle().unwrap();
    pair.sides[0].update(|s| s.insert(777));
    let counter = pair.sides[0].version().get(side_id(0));
    pair.sides[1]
        .apply_encoded(&forged_claim(side_id(0), counter))
        .unwrap();
    pair
}

#[test]
fn equal_versions_with_different_states_are_detected_at_the_hello_and_repaired() {
    let mut pair = corrupted_pair();
    assert_eq!(pair.sides[0].version(), pair.sides[1].version());
    assert_ne!(pair.sides[0].digest(), pair.sides[1].digest());
    assert!(!pair.sides[1].contains(&777));
    pair.reconnect();
    pair.settle().unwrap();
    let detected = pair
        .received
        .iter()
        .flatten()
        .any(|r| r.divergence_detected);
    let repaired = pair
        .received
        .iter()
        .flatten()
        .filter(|r| r.repaired)
        .count();
    assert!(detected);
    assert_eq!(repaired, 2, "each side merges the other's state once");
    assert!(pair.level());
    assert!(pair.sides[1].contains(&777), "the lost change is back");
}

#[test]
fn divergence_hidden_by_different_versions_is_detected_by_the_acks() {
    let mut pair = corrupted_pair();
    // More changes on both sides: the versions differ at the hello.
    pair.sides[0].update(|s| s.insert(778));
    pair.sides[1].update(|s| s.insert(779));
    pair.reconnect();
    pair.settle().unwrap();
    assert!(
        pair.received
            .iter()
            .flatten()
            .any(|r| r.divergence_detected)
    );
    assert!(pair.level());
    assert!(pair.sides[1].contains(&777) && pair.sides[0].contains(&779));
}

#[test]
fn a_resync_detects_divergence_within_a_session() {
    let mut pair = corrupted_pair();
    pair.settle().unwrap(); // pushes side 0's change: versions stay equal, states differ
    assert_eq!(pair.sides[0].version(), pair.sides[1].version());
    assert_ne!(pair.sides[0].digest(), pair.sides[1].digest());
    pair.states[1].resync();
    pair.settle().unwrap();
    assert!(pair.level());
    assert!(pair.sides[1].contains(&777));
}

#[test]
fn a_repair_survives_lost_messages() {
    let (clean, start) = {
        let mut pair = corrupted_pair();
        let start = pair.sent.len();
        pair.reconnect();
        pair.settle().unwrap();
        (pair, start)
    };
    let first_repair = clean.sent[start..]
        .iter()
        .position(|s| matches!(s.message, Message::Repair(_)))
        .unwrap();
    for lost in first_repair..clean.sent.len() - start {
        let mut pair = corrupted_pair();
        let start = pair.sent.len();
        pair.reconnect();
        pair.settle_with(40, &mut |sent| {
            if sent.index == start + lost {
                Fate::Lose
            } else {
                Fate::Deliver
            }
        })
        .unwrap_or_else(|failure| panic!("losing message {lost}: {failure}"));
        assert!(pair.level(), "losing message {lost}");
    }
}

#[test]
fn hostile_messages_are_refused_and_change_nothing() {
    let (mut a, _) = shared_then_diverged(10, 0);
    let digest = a.digest();
    let mut state = SyncState::new();
    let mut hello = Hello::new(5, VersionVector::new(), Default::default());
    hello.protocol = 0;
    let ancient = Message::Hello(hello);
    assert!(matches!(
        receive(&mut state, &mut a, ancient),
        Err(SyncError::UnsupportedProtocol { found: 0, .. })
    ));
    let garbage = Message::Changes(Changes::new(
        5,
        1,
        None,
        VersionVector::new(),
        vec![1, 2, 3],
    ));
    assert!(matches!(
        receive(&mut state, &mut a, garbage),
        Err(SyncError::Delta(_))
    ));
    let other_type =
        Replica::<PNCounter>::new(side_id(3)).encoded_delta_since(&VersionVector::new());
    let wrong = Message::Changes(Changes::new(5, 1, None, VersionVector::new(), other_type));
    assert!(matches!(
        receive(&mut state, &mut a, wrong),
        Err(SyncError::Delta(_))
    ));
    let huge = Message::Chunk(Chunk::new(5, 1, 1 << 40, 0, vec![0; 10]));
    assert!(matches!(
        receive(&mut state, &mut a, huge),
        Err(SyncError::MessageTooLarge { .. })
    ));
    let inner = Message::Chunk(Chunk::new(5, 9, 4, 0, vec![0; 4])).to_bytes();
    let total = inner.len() as u64;
    let nested = Message::Chunk(Chunk::new(5, 2, total, 0, inner));
    assert!(matches!(
        receive(&mut state, &mut a, nested),
        Err(SyncError::NestedChunk)
    ));
    assert_eq!(a.digest(), digest);
}
