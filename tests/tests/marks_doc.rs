//! Marks on a document's texts: the scope's `mark` / `unmark` / `to_delta` / `apply_delta`,
//! the document's expand rules, events that report formatting as retains with attributes
//! (local and received), snapshots.

use std::cell::RefCell;
use std::rc::Rc;

use weft::{
    Attributes, Change, ContainerPath, DeltaOp, Doc, DocError, Event, Expand, Format, MarkValue,
    ReplicaId, TextDelta, TextRun, UndoConfig, UndoManager,
};

fn doc(id: u128) -> Doc {
    Doc::new(ReplicaId::from_u128(id))
}

fn sync(one: &mut Doc, other: &mut Doc) {
    other.apply(&one.delta_since(&other.version()));
    one.apply(&other.delta_since(&one.version()));
}

fn runs(doc: &mut Doc) -> Vec<TextRun> {
    doc.transact(|root| root.text("note").to_delta()).result
}

fn format(name: &str, value: Option<MarkValue>) -> Format {
    Format::from([(name.to_owned(), value)])
}

fn listen(doc: &mut Doc) -> Rc<RefCell<Vec<Event>>> {
    let heard = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&heard);
    doc.observe(ContainerPath::root().key("note"), move |events| {
        sink.borrow_mut().extend_from_slice(events);
    });
    heard
}

#[test]
fn marks_sync_between_documents_and_survive_snapshots() {
    let mut alice = doc(1);
    alice
        .transact(|root| root.text("note").insert(0, "Hello world"))
        .result
        .unwrap();
    let mut bob = doc(2);
    sync(&mut alice, &mut bob);
    alice
        .transact(|root| root.text("note").mark(0..5, "bold", true))
        .result
        .unwrap();
    bob.transact(|root| root.text("note").mark(3..11, "italic", true))
        .result
        .unwrap();
    sync(&mut alice, &mut bob);
    let expected = runs(&mut alice);
    assert_eq!(runs(&mut bob), expected);
    let texts: Vec<&str> = expected.iter().map(|run| run.text.as_str()).collect();
    assert_eq!(texts, ["Hel", "lo", " world"]);
    assert_eq!(expected[1].attributes.len(), 2);
    let mut loaded = Doc::load(&alice.save()).expect("a snapshot with marks loads");
    assert_eq!(runs(&mut loaded), expected);
    assert_eq!(alice.to_json(), r#"{"note":"Hello world"}"#);
}

#[test]
fn the_default_expand_rules_grow_bold_but_not_links_and_can_be_changed() {
    let mut doc = doc(1);
    doc.set_expand("highlight", Expand::Both);
    doc.transact(|root| -> Result<(), DocError> {
        let mut note = root.text("note");
        note.insert(0, "ab cd ef")?;
        note.mark(0..2, "bold", true)?;
        note.mark(3..5, "link", "https://weft.example")?;
        note.mark(6..8, "highlight", true)?;
        note.insert(8, "!")?; // after the highlight: joins it
        note.insert(6, "<")?; // before the highlight: joins it
        note.insert(5, "?")?; // after the link: outside
        note.insert(2, "c")?; // after the bold: joins it
        Ok(())
    })
    .result
    .unwrap();
    let runs: Vec<(String, Vec<String>)> = runs(&mut doc)
        .into_iter()
        .map(|run| (run.text, run.attributes.into_keys().collect()))
        .collect();
    let expected: Vec<(String, Vec<String>)> = [
        ("abc", vec!["bold"]),
        (" ", vec![]),
        ("cd", vec!["link"]),
        ("? ", vec![]),
        ("<ef!", vec!["highlight"]),
    ]
    .into_iter()
    .map(|(text, names)| {
        (
            text.to_owned(),
            names.into_iter().map(str::to_owned).collect(),
        )
    })
    .collect();
    assert_eq!(runs, expected);
}

#[test]
fn a_local_mark_is_heard_as_a_retain_with_attributes() {
    let mut doc = doc(1);
    doc.transact(|root| root.text("note").insert(0, "a😀bc"))
        .result
        .unwrap();
    let heard = listen(&mut doc);
    doc.transact(|root| root.text("note").mark(1..3, "bold", true))
        .result
        .unwrap();
    let heard = heard.borrow();
    assert_eq!(
        heard[0].change,
        Change::Text(vec![
            TextDelta::Retain {
                chars: 1,
                utf16: 1,
                attributes: None
            },
            TextDelta::Retain {
                chars: 2,
                utf16: 3,
                attributes: Some(format("bold", Some(MarkValue::Bool(true)))),
            },
        ])
    );
}

#[test]
fn a_received_mark_is_heard_with_what_it_changed_only() {
    let mut alice = doc(1);
    alice
        .transact(|root| root.text("note").insert(0, "abcdef"))
        .result
        .unwrap();
    let mut bob = doc(2);
    sync(&mut alice, &mut bob);
    // Bob un-bolds "cd" first; Alice's bold of everything, concurrent, has the same Lamport
    // time and a lower id: it loses where they overlap.
    bob.transact(|root| root.text("note").unmark(2..4, "bold"))
        .result
        .unwrap();
    let delta = alice
        .transact(|root| root.text("note").mark(0..6, "bold", true))
        .delta;
    let heard = listen(&mut bob);
    bob.apply(&delta);
    let bold = Some(format("bold", Some(MarkValue::Bool(true))));
    assert_eq!(
        heard.borrow()[0].change,
        Change::Text(vec![
            TextDelta::Retain {
                chars: 2,
                utf16: 2,
                attributes: bold.clone()
            },
            TextDelta::Retain {
                chars: 2,
                utf16: 2,
                attributes: None
            },
            TextDelta::Retain {
                chars: 2,
                utf16: 2,
                attributes: bold
            },
        ])
    );
    assert!(!heard.borrow()[0].local);
}

#[test]
fn a_received_unmark_is_heard_as_attributes_set_to_none() {
    let mut alice = doc(1);
    alice.transact(|root| {
        let mut note = root.text("note");
        note.insert(0, "abc").unwrap();
        note.mark(0..3, "italic", true).unwrap();
    });
    let mut bob = doc(2);
    sync(&mut alice, &mut bob);
    let delta = alice
        .transact(|root| root.text("note").unmark(1..2, "italic"))
        .delta;
    let heard = listen(&mut bob);
    bob.apply(&delta);
    assert_eq!(
        heard.borrow()[0].change,
        Change::Text(vec![
            TextDelta::Retain {
                chars: 1,
                utf16: 1,
                attributes: None
            },
            TextDelta::Retain {
                chars: 1,
                utf16: 1,
                attributes: Some(format("italic", None))
            },
        ])
    );
}

#[test]
fn a_received_insert_with_a_mark_is_heard_as_the_insert_then_the_formatting() {
    let mut alice = doc(1);
    alice
        .transact(|root| root.text("note").insert(0, "ab"))
        .result
        .unwrap();
    let mut bob = doc(2);
    sync(&mut alice, &mut bob);
    let delta = alice
        .transact(|root| -> Result<(), DocError> {
            let mut note = root.text("note");
            note.insert(1, "XY")?;
            note.mark(1..3, "bold", true)
        })
        .delta;
    let heard = listen(&mut bob);
    bob.apply(&delta);
    let heard = heard.borrow();
    assert_eq!(
        heard[0].change,
        Change::Text(vec![
            TextDelta::Retain {
                chars: 1,
                utf16: 1,
                attributes: None
            },
            TextDelta::Insert("XY".into()),
        ])
    );
    assert_eq!(
        heard[1].change,
        Change::Text(vec![
            TextDelta::Retain {
                chars: 1,
                utf16: 1,
                attributes: None
            },
            TextDelta::Retain {
                chars: 2,
                utf16: 2,
                attributes: Some(format("bold", Some(MarkValue::Bool(true)))),
            },
        ])
    );
}

#[test]
fn a_document_delta_rebuilds_another_documents_runs() {
    let mut alice = doc(1);
    alice
        .transact(|root| -> Result<(), DocError> {
            let mut note = root.text("note");
            note.insert(0, "The fox jumped over")?;
            note.mark(4..7, "bold", true)?;
            note.mark(4..14, "link", "https://fox.example")?;
            note.mark(15..19, "size", MarkValue::Number(2.0))
        })
        .result
        .unwrap();
    let source = runs(&mut alice);
    let ops: Vec<DeltaOp> = source
        .iter()
        .map(|run| DeltaOp::Insert {
            text: run.text.clone(),
            attributes: run.attributes.clone(),
        })
        .collect();
    let mut bob = doc(2);
    bob.transact(|root| root.text("note").apply_delta(&ops))
        .result
        .unwrap();
    assert_eq!(runs(&mut bob), source);
    // A retain that formats and a delete, from Quill.
    let italic = format("italic", Some(MarkValue::Bool(true)));
    bob.transact(|root| {
        root.text("note").apply_delta(&[
            DeltaOp::Retain {
                count: 4,
                attributes: italic,
            },
            DeltaOp::Delete(3),
            DeltaOp::Insert {
                text: "cat".into(),
                attributes: Attributes::new(),
            },
        ])
    })
    .result
    .unwrap();
    let texts: Vec<String> = runs(&mut bob).into_iter().map(|run| run.text).collect();
    assert_eq!(texts, ["The ", "cat", " jumped", " ", "over"]);
}

#[test]
fn refused_marks_and_deltas_change_nothing() {
    let mut doc = doc(1);
    doc.transact(|root| root.text("note").insert(0, "abc"))
        .result
        .unwrap();
    let before = doc.save();
    let result = doc
        .transact(|root| root.text("note").mark(0..4, "bold", true))
        .result;
    assert!(matches!(result, Err(DocError::Position(_))));
    let result = doc
        .transact(|root| root.text("note").mark(0..1, "", true))
        .result;
    assert!(matches!(result, Err(DocError::Mark(_))));
    let result = doc
        .transact(|root| {
            root.text("note")
                .apply_delta(&[DeltaOp::Delete(1), DeltaOp::Delete(3)])
        })
        .result;
    assert!(matches!(result, Err(DocError::Position(_))));
    assert_eq!(doc.save(), before);
}

/// The runs as `(text, names)`.
fn shape(doc: &mut Doc) -> Vec<(String, Vec<String>)> {
    runs(doc)
        .into_iter()
        .map(|run| (run.text, run.attributes.into_keys().collect()))
        .collect()
}

fn shaped(expected: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    expected
        .iter()
        .map(|(text, names)| {
            let names = names.iter().map(|name| (*name).to_owned()).collect();
            ((*text).to_owned(), names)
        })
        .collect()
}

#[test]
fn undoing_a_mark_restores_the_formatting_it_replaced_and_redo_makes_it_again() {
    let mut doc = doc(1);
    let undo = UndoManager::new(&mut doc, UndoConfig::default());
    doc.transact(|root| -> Result<(), DocError> {
        let mut note = root.text("note");
        note.insert(0, "abcdef")?;
        note.mark(0..2, "bold", true)
    })
    .result
    .unwrap();
    undo.stop_capturing();
    doc.transact(|root| root.text("note").mark(1..5, "bold", true))
        .result
        .unwrap();
    undo.stop_capturing();
    doc.transact(|root| root.text("note").unmark(0..6, "italic"))
        .result
        .unwrap();
    assert_eq!(shape(&mut doc), shaped(&[("abcde", &["bold"]), ("f", &[])]));
    undo.stop_capturing();
    undo.undo(&mut doc).expect("the unmark is undone");
    undo.undo(&mut doc).expect("the second bold is undone");
    assert_eq!(shape(&mut doc), shaped(&[("ab", &["bold"]), ("cdef", &[])]));
    undo.redo(&mut doc).expect("the second bold is made again");
    assert_eq!(shape(&mut doc), shaped(&[("abcde", &["bold"]), ("f", &[])]));
}

#[test]
fn undoing_a_mark_leaves_what_others_marked_since() {
    let mut alice = doc(1);
    let undo = UndoManager::new(&mut alice, UndoConfig::default());
    alice
        .transact(|root| root.text("note").insert(0, "abcdef"))
        .result
        .unwrap();
    undo.stop_capturing();
    alice
        .transact(|root| root.text("note").mark(0..6, "link", "a"))
        .result
        .unwrap();
    let mut bob = doc(2);
    sync(&mut alice, &mut bob);
    // Bob, having seen Alice's link, links "cd" elsewhere.
    bob.transact(|root| root.text("note").mark(2..4, "link", "b"))
        .result
        .unwrap();
    sync(&mut alice, &mut bob);
    undo.undo(&mut alice).expect("the link is undone");
    sync(&mut alice, &mut bob);
    let expected = runs(&mut alice);
    assert_eq!(runs(&mut bob), expected);
    let texts: Vec<(String, Option<MarkValue>)> = expected
        .into_iter()
        .map(|run| (run.text, run.attributes.get("link").cloned()))
        .collect();
    assert_eq!(
        texts,
        [
            ("ab".to_owned(), None),
            ("cd".to_owned(), Some(MarkValue::from("b"))),
            ("ef".to_owned(), None),
        ]
    );
}
