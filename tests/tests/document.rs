//! The document: nested containers, concurrent shapes, JSON export, events and errors.

use std::cell::RefCell;
use std::rc::Rc;

use weft::prelude::*;
use weft::{Change, Doc, DocError, Event, Node, PathSegment, ReplicaId, Value};

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
        root.text("note", |note| {
            note.insert(0, "Buy \"milk\"\n").expect("in range")
        });
        root.list("todos", |todos| {
            todos
                .insert_entry(0, |todo| {
                    todo.map(|todo| {
                        todo.text("title", |title| {
                            title.insert(0, "call mum").expect("in range")
                        });
                        todo.set("done", false);
                    })
                })
                .expect("in range");
        });
        root.set_of("tags", |tags| tags.insert("home".into()));
        root.counter("likes", |likes| likes.increment(2));
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
    a.transact(|root| root.list("todos", |todos| todos.push("from a")));
    b.transact(|root| root.list("todos", |todos| todos.push("from b")));
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
    a.transact(|root| root.set("x", 1));
    b.transact(|root| root.text("x", |text| text.insert(0, "hi").expect("in range")));
    sync(&mut a, &mut b);
    let shown = a.root().entry("x").and_then(weft::Entry::kind);
    assert!(shown.is_some());
    // A later write that saw both decides.
    a.transact(|root| root.set("x", 2));
    sync(&mut a, &mut b);
    assert_eq!(b.root().value("x"), Some(&Value::Int(2)));
    // Switching back to text starts from an empty text: the old one was replaced.
    b.transact(|root| root.text("x", |text| text.insert(0, "new").expect("in range")));
    sync(&mut a, &mut b);
    assert_eq!(
        a.root().text("x").map(ToString::to_string).as_deref(),
        Some("new")
    );
}

#[test]
fn a_deleted_list_element_stays_deleted_despite_a_concurrent_edit_inside() {
    let (mut a, mut b) = pair();
    a.transact(|root| {
        root.list("todos", |todos| {
            todos
                .insert_entry(0, |todo| todo.map(|todo| todo.set("done", false)))
                .expect("in range");
            todos.push("keep");
        })
    });
    sync(&mut a, &mut b);
    a.transact(|root| root.list("todos", |todos| todos.delete(0..1).expect("in range")));
    b.transact(|root| {
        root.list("todos", |todos| {
            todos
                .entry_at(0, |todo| todo.map(|todo| todo.set("done", true)))
                .expect("a container")
        })
    });
    sync(&mut a, &mut b);
    assert_eq!(a.to_json(), r#"{"todos":["keep"]}"#);
}

#[test]
fn refused_operations_change_nothing() {
    let (mut a, _) = pair();
    a.transact(|root| {
        root.list("items", |items| items.push(1));
        root.text("note", |note| note.insert(0, "ab").expect("in range"));
    });
    let before = (a.digest(), a.version(), a.to_json());
    let (result, delta) = a.transact(|root| root.list("items", |items| items.insert(5, 2)));
    assert!(matches!(result, Err(DocError::Position(_))));
    assert!(delta.is_empty());
    let (result, delta) = a.transact(|root| root.list("items", |items| items.entry_at(0, |_| ())));
    assert_eq!(result, Err(DocError::NotAContainer { index: 0 }));
    assert!(delta.is_empty());
    let (result, delta) = a.transact(|root| root.list("items", |items| items.delete(0..3)));
    assert!(matches!(result, Err(DocError::Position(_))));
    assert!(delta.is_empty());
    let (result, delta) = a.transact(|root| root.text("note", |note| note.insert(3, "x")));
    assert!(result.is_err());
    assert!(delta.is_empty());
    let (result, delta) = a.transact(|root| root.text("note", |note| note.delete(1..9)));
    assert!(result.is_err());
    assert!(delta.is_empty());
    assert_eq!((a.digest(), a.version(), a.to_json()), before);
}

fn recorder(doc: &mut Doc) -> Rc<RefCell<Vec<Event>>> {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    doc.subscribe(move |batch| sink.borrow_mut().extend_from_slice(batch));
    events
}

#[test]
fn events_say_what_changed_locally_and_remotely() {
    let (mut a, mut b) = pair();
    a.transact(|root| {
        root.text("note", |note| {
            note.insert(0, "hello world").expect("in range")
        });
        root.list("todos", |todos| {
            todos
                .insert_entry(0, |todo| todo.map(|todo| todo.set("done", false)))
                .expect("in range");
        });
        root.counter("likes", |likes| likes.increment(1));
    });
    sync(&mut a, &mut b);
    let local = recorder(&mut a);
    let remote = recorder(&mut b);

    let (_, delta) = a.transact(|root| {
        root.text("note", |note| note.insert(6, "brave ").expect("in range"));
        root.list("todos", |todos| {
            todos
                .entry_at(0, |todo| todo.map(|todo| todo.set("done", true)))
                .expect("a container");
        });
        root.counter("likes", |likes| likes.increment(2));
        root.set("title", "Notes");
    });
    b.apply(&delta);

    let expected = |local: bool| {
        vec![
            Event {
                path: vec![PathSegment::Key("likes".into())],
                change: Change::Counter { old: 1, new: 3 },
                local,
            },
            Event {
                path: vec![PathSegment::Key("note".into())],
                change: Change::Text {
                    index: 6,
                    deleted: 0,
                    inserted: "brave ".into(),
                },
                local,
            },
            Event {
                path: vec![PathSegment::Key("todos".into()), PathSegment::Index(0)],
                change: Change::Map {
                    updated: vec!["done".into()],
                    removed: vec![],
                },
                local,
            },
            Event {
                path: vec![],
                change: Change::Map {
                    updated: vec!["title".into()],
                    removed: vec![],
                },
                local,
            },
        ]
    };
    assert_eq!(*local.borrow(), expected(true));
    assert_eq!(*remote.borrow(), expected(false));

    remote.borrow_mut().clear();
    let (_, delta) = a.transact(|root| {
        root.remove("title");
        root.list("todos", |todos| todos.push("x"));
    });
    b.apply(&delta);
    assert_eq!(
        *remote.borrow(),
        vec![
            Event {
                path: vec![PathSegment::Key("todos".into())],
                change: Change::List {
                    index: 1,
                    deleted: 0,
                    inserted: vec![Node::Value(Value::from("x"))],
                },
                local: false,
            },
            Event {
                path: vec![],
                change: Change::Map {
                    updated: vec![],
                    removed: vec!["title".into()],
                },
                local: false,
            },
        ]
    );
}
