//! The multi-value register and the remove-wins set inside a document: their semantics under
//! concurrency, the events they raise (local and received), snapshots, and what their decoders
//! refuse. The random histories against the reference model are in `doc_semantics.rs`.

use std::cell::RefCell;
use std::rc::Rc;

use weft::{Change, Doc, DocDelta, Event, KeyChange, Kind, Node, ReplicaId, Value};
use weft_tests::mutation::fix_frame;
use weft_tests::roundtrip::doc_lives;

fn pair() -> (Doc, Doc) {
    (
        Doc::new(ReplicaId::from_u128(1)),
        Doc::new(ReplicaId::from_u128(2)),
    )
}

/// Sends `delta` as bytes.
fn send(to: &mut Doc, delta: &DocDelta) {
    to.apply(&DocDelta::from_bytes(&delta.to_bytes()).expect("our deltas decode"));
}

fn heard(doc: &mut Doc) -> Rc<RefCell<Vec<Event>>> {
    let heard = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&heard);
    doc.subscribe(move |events| sink.borrow_mut().extend_from_slice(events));
    heard
}

#[test]
fn concurrent_writes_of_a_multi_value_register_are_all_kept_until_one_replaces_them() {
    let (mut a, mut b) = pair();
    let from_a = a.transact(|root| root.multi_value("m").put(1i64)).delta;
    let from_b = b.transact(|root| root.multi_value("m").put(2i64)).delta;
    let events = heard(&mut a);
    send(&mut a, &from_b);
    send(&mut b, &from_a);
    assert_eq!(a.to_json(), r#"{"m":[1,2]}"#);
    assert!(a.same_state(&b));
    assert_eq!(
        events.borrow()[0].change,
        Change::MultiValue {
            old: vec![Value::Int(1)],
            new: vec![Value::Int(1), Value::Int(2)],
        }
    );
    // A write that saw both replaces both; a concurrent one stays beside it.
    let resolved = a.transact(|root| root.multi_value("m").put(3i64)).delta;
    let concurrent = b.transact(|root| root.multi_value("m").put(4i64)).delta;
    send(&mut b, &resolved);
    send(&mut a, &concurrent);
    assert_eq!(a.to_json(), r#"{"m":[3,4]}"#);
    assert_eq!(b.to_json(), a.to_json());
    doc_lives(&a);
}

#[test]
fn a_removal_beats_a_concurrent_addition_and_a_later_addition_brings_the_value_back() {
    let (mut a, mut b) = pair();
    let first = a
        .transact(|root| root.remove_wins_set("s").insert("x"))
        .delta;
    send(&mut b, &first);
    let again = a
        .transact(|root| root.remove_wins_set("s").insert("x"))
        .delta;
    let removal = b.transact(|root| root.remove_wins_set("s").remove(&"x".into()));
    assert!(removal.result);
    let events = heard(&mut a);
    send(&mut a, &removal.delta);
    send(&mut b, &again);
    assert_eq!(a.to_json(), r#"{"s":[]}"#);
    assert!(a.same_state(&b));
    assert_eq!(
        events.borrow()[0].change,
        Change::Set {
            added: Vec::new(),
            removed: vec![Value::from("x")],
        }
    );
    // An addition made after seeing the removal puts it back everywhere.
    let back = a
        .transact(|root| root.remove_wins_set("s").insert("x"))
        .delta;
    send(&mut b, &back);
    assert_eq!(b.to_json(), r#"{"s":["x"]}"#);
    doc_lives(&b);
}

#[test]
fn a_removal_of_an_absent_value_still_beats_a_concurrent_addition() {
    let (mut a, mut b) = pair();
    let added = a
        .transact(|root| root.remove_wins_set("s").insert(5i64))
        .delta;
    let removal = b.transact(|root| root.remove_wins_set("s").remove(&5i64.into()));
    assert!(!removal.result, "it was not there");
    send(&mut a, &removal.delta);
    send(&mut b, &added);
    assert_eq!(a.to_json(), r#"{"s":[]}"#);
    assert_eq!(b.to_json(), a.to_json());
}

#[test]
fn switching_kinds_announces_the_new_container_and_survives_snapshots() {
    let (mut a, mut b) = pair();
    a.transact(|root| root.add_wins_set("k").insert(1i64));
    let events = heard(&mut a);
    a.transact(|root| root.multi_value("k").put("now a register"));
    assert_eq!(
        events.borrow()[0].change,
        Change::Map(vec![KeyChange {
            key: "k".into(),
            old: Some(Node::Set(vec![Value::Int(1)])),
            new: Some(Node::MultiValue(vec![Value::from("now a register")])),
        }])
    );
    a.transact(|root| -> Result<(), weft::DocError> {
        let mut list = root.list("l");
        list.insert_remove_wins_set(0)?.insert(1i64);
        list.insert_multi_value(1)?.put(2i64);
        list.remove_wins_set_at(0)?.remove(&1i64.into());
        Ok(())
    })
    .result
    .expect("in range");
    let catch_up = a.delta_since(&b.version());
    send(&mut b, &catch_up);
    let restored = Doc::load(&b.save()).expect("a snapshot loads");
    assert!(restored.same_state(&a));
    assert_eq!(
        restored.to_json(),
        r#"{"k":["now a register"],"l":[[],[2]]}"#
    );
    let entry = restored.root().get("k").expect("present");
    assert_eq!(entry.kind(), Some(Kind::MultiValue));
    assert!(entry.as_remove_wins_set().is_none());
}

/// The delta of one multi-value write under the name `zq`, and where its entry starts.
fn one_write() -> (Vec<u8>, usize) {
    let mut doc = Doc::new(ReplicaId::from_u128(1));
    let bytes = doc
        .transact(|root| root.multi_value("zq").put(1i64))
        .delta
        .to_bytes();
    let key = bytes
        .windows(3)
        .position(|window| window == [2, b'z', b'q'])
        .expect("the key is in the delta");
    // The key, the slot header (one touch), the touch (one byte): then the entry.
    let entry = key + 3 + 2;
    // Part mask: the kind (bit 0) and the multi-value register (bit 7), as a varint.
    assert_eq!(bytes[entry..entry + 2], [0x81, 0x01]);
    (bytes, entry)
}

#[test]
fn an_unknown_entry_part_or_kind_is_refused() {
    let (bytes, entry) = one_write();
    assert!(DocDelta::from_bytes(&bytes).is_ok());
    let mut unknown_part = bytes.clone();
    unknown_part[entry + 1] = 0x05; // bit 9
    fix_frame(&mut unknown_part);
    assert!(matches!(
        DocDelta::from_bytes(&unknown_part),
        Err(weft::DecodeError::InvalidValue {
            what: "entry part mask",
            ..
        })
    ));
    // The kind register: one write (count, dot, Lamport time), then the kind's tag.
    let tag = entry + 2 + 3;
    assert_eq!(bytes[tag], 6, "the multi-value kind");
    let mut unknown_kind = bytes.clone();
    unknown_kind[tag] = 8;
    fix_frame(&mut unknown_kind);
    assert!(matches!(
        DocDelta::from_bytes(&unknown_kind),
        Err(weft::DecodeError::InvalidValue {
            what: "entry kind",
            ..
        })
    ));
}

#[test]
fn every_cut_of_a_snapshot_with_the_new_kinds_is_refused_without_a_panic() {
    let (mut a, mut b) = pair();
    a.transact(|root| {
        root.multi_value("m").put(1i64);
        root.remove_wins_set("s").insert("x");
        root.remove_wins_set("s").remove(&"y".into());
    });
    b.transact(|root| root.multi_value("m").put(2i64));
    let catch_up = b.delta_since(&a.version());
    send(&mut a, &catch_up);
    let saved = a.save();
    for length in 0..saved.len() {
        let mut cut = saved[..length].to_vec();
        fix_frame(&mut cut);
        assert!(Doc::load(&cut).is_err(), "a cut at {length} loaded");
    }
    doc_lives(&Doc::load(&saved).expect("the whole snapshot loads"));
}
