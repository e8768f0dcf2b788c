//! The document: nested containers, concurrent shapes, JSON export, events and errors.

use std::cell::RefCell;
use std::rc::Rc;

use weft::{
    Change, ContainerPath, Doc, DocError, Event, KeyChange, ListDelta, Node, Origin, PathSegment,
    ReplicaId, TextDelta, Value,
};

fn pair() -> (Doc, Doc) {
    (
        Doc::new(ReplicaId::from_u128(1)),
        Doc::new(ReplicaId::from_u128(2)),
    )
}

fn sync(left: &mut Doc, right: &mut Doc) {
    let to_right = left.delta_since(&right.version());
    let to_left = right.delta_since(&left.version());
    right.apply(&weft::DocDelta::from_bytes(&to_right.to_bytes()).expect("decodes"));
    left.apply(&weft::DocDelta::from_bytes(&to_left.to_bytes()).expect("decodes"));
    assert!(left.same_state(right));
    assert_eq!(left.to_json(), right.to_json());
    assert_eq!(left.digest(), right.digest());
}

#[test]
fn a_notes_board_round_trips_through_json_and_snapshots() {
    let (mut a, mut b) = pair();
    a.transact(|root| {
        root.text("note")
            .insert(0, "Buy \"milk\"\n")
            .expect("in range");
        let mut todos = root.list("todos");
        let mut todo = todos.insert_map(0).expect("in range");
        todo.text("title").insert(0, "call mum").expect("in range");
        todo.put("done", false);
        root.add_wins_set("tags").insert("home");
        root.counter("likes").increment(2);
    });
    sync(&mut a, &mut b);
    assert_eq!(
        b.to_json(),
        r#"{"likes":2,"note":"Buy \"milk\"\n","tags":["home"],"todos":[{"done":false,"title":"call mum"}]}"#
    );
    let restored = Doc::load(&b.save()).expect("loads");
    assert!(restored.same_state(&b));
    assert_eq!(restored.to_json(), b.to_json());
}

#[test]
fn containers_created_concurrently_under_one_name_merge() {
    let (mut a, mut b) = pair();
    a.transact(|root| root.list("todos").push("from a"));
    b.transact(|root| root.list("todos").push("from b"));
    sync(&mut a, &mut b);
    let Node::Map(root) = a.to_node() else {
        panic!("the root is a map")
    };
    let Some(Node::List(items)) = root.get("todos") else {
        panic!("todos is a list")
    };
    assert_eq!(items.len(), 2, "both replicas' items survive: {items:?}");
}

#[test]
fn concurrent_writes_of_different_kinds_resolve_the_same_everywhere() {
    let (mut a, mut b) = pair();
    a.transact(|root| root.put("x", 1));
    b.transact(|root| root.text("x").insert(0, "hi").expect("in range"));
    sync(&mut a, &mut b);
    let shown = a.root().get("x").and_then(weft::Entry::kind);
    assert!(shown.is_some());
    // A later write that saw both decides.
    a.transact(|root| root.put("x", 2));
    sync(&mut a, &mut b);
    assert_eq!(b.root().get_value("x"), Some(&Value::Int(2)));
    // Switching back to text starts from an empty text: the old one was replaced.
    b.transact(|root| root.text("x").insert(0, "new").expect("in range"));
    sync(&mut a, &mut b);
    assert_eq!(
        a.root().get_text("x").map(ToString::to_string).as_deref(),
        Some("new")
    );
}

#[test]
fn a_deleted_list_element_stays_deleted_despite_a_concurrent_edit_inside() {
    let (mut a, mut b) = pair();
    a.transact(|root| {
        let mut todos = root.list("todos");
        todos.insert_map(0).expect("in range").put("done", false);
        todos.push("keep");
    });
    sync(&mut a, &mut b);
    a.transact(|root| root.list("todos").delete(0..1).expect("in range"));
    b.transact(|root| {
        root.list("todos")
            .map_at(0)
            .expect("a map")
            .put("done", true)
    });
    sync(&mut a, &mut b);
    assert_eq!(a.to_json(), r#"{"todos":["keep"]}"#);
}

#[test]
fn refused_operations_change_nothing() {
    let (mut a, _) = pair();
    a.transact(|root| {
        root.list("items").push(1);
        root.text("note").insert(0, "ab").expect("in range");
        root.list("items").push_map();
    });
    let before = (a.digest(), a.version(), a.to_json());
    let refused = a.transact(|root| root.list("items").insert(5, 2));
    assert!(matches!(refused.result, Err(DocError::Position(_))));
    assert!(refused.delta.is_empty());
    let refused = a.transact(|root| root.list("items").map_at(0).map(|_| ()));
    assert_eq!(refused.result, Err(DocError::NotAContainer { index: 0 }));
    assert!(refused.delta.is_empty());
    let refused = a.transact(|root| root.list("items").text_at(1).map(|_| ()));
    assert!(matches!(refused.result, Err(DocError::WrongKind { .. })));
    assert!(refused.delta.is_empty());
    let refused = a.transact(|root| root.list("items").delete(0..3));
    assert!(matches!(refused.result, Err(DocError::Position(_))));
    assert!(refused.delta.is_empty());
    let refused = a.transact(|root| root.text("note").insert(3, "x"));
    assert!(refused.result.is_err());
    assert!(refused.delta.is_empty());
    let refused = a.transact(|root| root.text("note").delete(1..9));
    assert!(refused.result.is_err());
    assert!(refused.delta.is_empty());
    #[allow(clippy::reversed_empty_ranges)]
    let refused = a.transact(|root| root.text("note").delete(2..1));
    assert!(refused.result.is_err());
    assert_eq!((a.digest(), a.version(), a.to_json()), before);
}

#[test]
fn compaction_is_reachable_from_a_document_and_keeps_what_it_shows() {
    let (mut a, mut b) = pair();
    a.transact(|root| {
        root.put("gone", 1);
        root.map("nested").put("gone too", 2);
        root.put("kept", 3);
    });
    a.transact(|root| {
        root.delete("gone");
        root.map("nested").delete("gone too");
    });
    sync(&mut a, &mut b);
    let stable = a.version();
    let shown = a.to_json();
    assert_eq!(a.compact(&stable), 2);
    assert_eq!(a.to_json(), shown);
    // Compacted and uncompacted replicas keep syncing.
    b.transact(|root| root.put("later", 4));
    sync(&mut a, &mut b);
}

fn recorder(doc: &mut Doc) -> Rc<RefCell<Vec<Event>>> {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    doc.subscribe(move |batch| sink.borrow_mut().extend_from_slice(batch));
    events
}

/// The events with origin and locality dropped, sorted: local events come in the order
/// they were made, remote ones grouped per container.
fn changes(events: &[Event]) -> Vec<(Vec<PathSegment>, Change)> {
    let mut changes: Vec<(Vec<PathSegment>, Change)> = events
        .iter()
        .map(|event| (event.path.clone(), event.change.clone()))
        .collect();
    changes.sort_by_key(|change| format!("{change:?}"));
    changes
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.into())
}

#[test]
fn events_say_what_changed_locally_and_remotely() {
    let (mut a, mut b) = pair();
    a.transact(|root| {
        root.text("note")
            .insert(0, "hello world")
            .expect("in range");
        root.list("todos").push_map().put("done", false);
        root.counter("likes").increment(1);
    });
    sync(&mut a, &mut b);
    let local = recorder(&mut a);
    let remote = recorder(&mut b);

    let delta = a
        .transact_with(Origin::new("test"), |root| {
            root.text("note").insert(6, "brave ").expect("in range");
            root.list("todos")
                .map_at(0)
                .expect("a map")
                .put("done", true);
            root.counter("likes").increment(2);
            root.put("title", "Notes");
        })
        .delta;
    b.apply(&delta);

    let expected = vec![
        (vec![key("likes")], Change::Counter(1, 3)),
        (
            vec![key("note")],
            Change::Text(vec![
                TextDelta::Retain {
                    chars: 6,
                    utf16: 6,
                    attributes: None,
                },
                TextDelta::Insert("brave ".into()),
            ]),
        ),
        (
            vec![key("todos"), PathSegment::Index(0)],
            Change::Map(vec![KeyChange {
                key: "done".into(),
                old: Some(Node::Value(Value::Bool(false))),
                new: Some(Node::Value(Value::Bool(true))),
            }]),
        ),
        (
            vec![],
            Change::Map(vec![KeyChange {
                key: "title".into(),
                old: None,
                new: Some(Node::Value(Value::from("Notes"))),
            }]),
        ),
    ];
    let mut expected = expected;
    expected.sort_by_key(|change| format!("{change:?}"));
    assert_eq!(changes(&local.borrow()), expected);
    assert_eq!(changes(&remote.borrow()), expected);
    assert!(
        local
            .borrow()
            .iter()
            .all(|event| event.local && event.origin == Some(Origin::new("test")))
    );
    assert!(
        remote
            .borrow()
            .iter()
            .all(|event| !event.local && event.origin.is_none())
    );

    remote.borrow_mut().clear();
    let delta = a
        .transact(|root| {
            root.delete("title");
            root.list("todos").push("x");
            root.text("note").delete(0..6).expect("in range");
        })
        .delta;
    b.apply_with(&delta, Origin::new("network"));
    let mut expected = vec![
        (
            vec![key("todos")],
            Change::List(vec![
                ListDelta::Retain(1),
                ListDelta::Insert(vec![Node::Value(Value::from("x"))]),
            ]),
        ),
        (
            vec![key("note")],
            Change::Text(vec![TextDelta::Delete("hello ".into())]),
        ),
        (
            vec![],
            Change::Map(vec![KeyChange {
                key: "title".into(),
                old: Some(Node::Value(Value::from("Notes"))),
                new: None,
            }]),
        ),
    ];
    expected.sort_by_key(|change| format!("{change:?}"));
    assert_eq!(changes(&remote.borrow()), expected);
    assert!(
        remote
            .borrow()
            .iter()
            .all(|event| event.origin == Some(Origin::new("network")))
    );
}

#[test]
fn observers_hear_their_container_or_everything_inside_it() {
    let (mut a, mut b) = pair();
    let shallow = Rc::new(RefCell::new(Vec::new()));
    let deep = Rc::new(RefCell::new(Vec::new()));
    let whole = Rc::new(RefCell::new(Vec::new()));
    let todo = ContainerPath::root().key("todo");
    for doc in [&mut a, &mut b] {
        let sink = Rc::clone(&shallow);
        doc.observe(todo.clone(), move |events| {
            sink.borrow_mut()
                .extend(events.iter().map(|event| event.path.clone()));
        });
        let sink = Rc::clone(&deep);
        doc.observe_deep(todo.clone(), move |events| {
            sink.borrow_mut()
                .extend(events.iter().map(|event| event.path.clone()));
        });
        let sink = Rc::clone(&whole);
        doc.subscribe(move |events| sink.borrow_mut().extend_from_slice(events));
    }
    // A container created by a transaction is one event of its parent, whole.
    let delta = a
        .transact(|root| {
            let mut todo = root.map("todo");
            todo.put("done", false);
            todo.text("title").insert(0, "call").expect("in range");
            root.put("elsewhere", 1);
        })
        .delta;
    b.apply(&delta);
    assert!(shallow.borrow().is_empty());
    assert!(deep.borrow().is_empty());
    let created = KeyChange {
        key: "todo".into(),
        old: None,
        new: Some(Node::Map(
            [
                ("done".to_owned(), Node::Value(Value::Bool(false))),
                ("title".to_owned(), Node::Text("call".into())),
            ]
            .into(),
        )),
    };
    for replica in [0, 1] {
        let heard: Vec<Event> = whole
            .borrow()
            .iter()
            .filter(|event| event.local == (replica == 0))
            .cloned()
            .collect();
        let has_created = heard.iter().any(|event| match &event.change {
            Change::Map(changes) => changes.contains(&created),
            _ => false,
        });
        assert!(has_created, "{heard:?}");
    }
    // Later changes are events of the containers they change.
    let delta = a
        .transact(|root| {
            let mut todo = root.map("todo");
            todo.put("done", true);
            todo.text("title").insert(4, " mum").expect("in range");
        })
        .delta;
    b.apply(&delta);
    let title = vec![key("todo"), key("title")];
    let map = vec![key("todo")];
    assert_eq!(*shallow.borrow(), vec![map.clone(), map.clone()]);
    let mut heard = deep.borrow().clone();
    heard.sort();
    assert_eq!(heard, vec![map.clone(), map, title.clone(), title]);
}

#[test]
fn remote_text_events_count_utf16_units_for_editors() {
    let (mut a, mut b) = pair();
    a.transact(|root| root.text("t").insert(0, "😀ab").expect("in range"));
    sync(&mut a, &mut b);
    let remote = recorder(&mut b);
    let delta = a
        .transact(|root| {
            let mut text = root.text("t");
            text.delete(1..2).expect("in range");
            text.insert(2, "é😀").expect("in range");
        })
        .delta;
    b.apply(&delta);
    assert_eq!(
        changes(&remote.borrow()),
        vec![(
            vec![key("t")],
            Change::Text(vec![
                TextDelta::Retain {
                    chars: 1,
                    utf16: 2,
                    attributes: None,
                },
                TextDelta::Delete("a".into()),
                TextDelta::Retain {
                    chars: 1,
                    utf16: 1,
                    attributes: None,
                },
                TextDelta::Insert("é😀".into()),
            ]),
        )]
    );
}

#[test]
fn merges_and_released_deltas_ask_listeners_to_read_again() {
    let (mut a, mut b) = pair();
    let first = a.transact(|root| root.put("x", 1)).delta;
    let second = a.transact(|root| root.put("y", 2)).delta;
    let heard = recorder(&mut b);
    assert_eq!(b.apply(&second), weft::Outcome::Pending);
    assert!(heard.borrow().is_empty());
    b.apply(&first);
    assert_eq!(heard.borrow().len(), 1);
    assert_eq!(heard.borrow()[0].change, Change::Reload);
    let mut c = Doc::new(ReplicaId::from_u128(3));
    let heard = recorder(&mut c);
    c.merge(&a);
    assert_eq!(heard.borrow()[0].change, Change::Reload);
}
