//! The undo manager's intended semantics: undo reverts this replica's own changes only, and
//! does what the person expects under concurrent edits by others — checked on named cases
//! with the exact result, and by quickcheck against a reference model over random concurrent
//! editing on three replicas (every inserted character is unique, so the model knows who
//! inserted and who deleted each one).

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::time::Duration;

use quickcheck::{QuickCheck, TestResult};
use weft::{
    ContainerPath, Doc, DocError, Origin, ReplicaId, TrackedOrigins, UndoConfig, UndoEvent,
    UndoManager, UndoStack, Value,
};
use weft_tests::SplitMix64;

/// A replica with its undo manager and a clock the test moves.
struct Person {
    doc: Doc,
    undo: UndoManager,
    now: Rc<Cell<u64>>,
}

impl Person {
    fn new(id: u128) -> Self {
        Self::with(id, UndoConfig::default())
    }

    fn with(id: u128, config: UndoConfig) -> Self {
        let mut doc = Doc::new(ReplicaId::from_u128(id));
        let undo = UndoManager::new(&mut doc, config);
        let now = Rc::new(Cell::new(0));
        let clock = Rc::clone(&now);
        undo.set_clock(move || clock.get());
        Self { doc, undo, now }
    }

    /// Lets more than the capture window pass: the next change is a step of its own.
    fn pause(&self) {
        self.now.set(self.now.get() + 10_000);
    }

    fn type_at(&mut self, index: usize, text: &str) {
        self.doc
            .transact(|root| root.text("t").insert(index, text))
            .result
            .expect("index in range");
    }

    fn delete(&mut self, start: usize, end: usize) {
        self.doc
            .transact(|root| root.text("t").delete(start..end))
            .result
            .expect("range in range");
    }

    fn text(&self) -> String {
        self.doc
            .root()
            .get_text("t")
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

/// Brings `b` level with `a` and `a` with `b`.
fn exchange(a: &mut Doc, b: &mut Doc) {
    let for_b = a.delta_since(&b.version());
    let for_a = b.delta_since(&a.version());
    b.apply(&for_b);
    a.apply(&for_a);
}

fn sync_all(people: &mut [Person]) {
    for _ in 0..2 {
        for a in 0..people.len() {
            for b in a + 1..people.len() {
                let (left, right) = people.split_at_mut(b);
                exchange(&mut left[a].doc, &mut right[0].doc);
            }
        }
    }
}

#[test]
fn undoing_an_insert_removes_exactly_my_characters_still_there() {
    let mut people = [Person::new(1), Person::new(2)];
    people[0].type_at(0, "Hello world");
    sync_all(&mut people);
    // Bob types inside Alice's text and replaces part of it.
    people[1].type_at(5, ",");
    people[1].delete(7, 12); // "world"
    people[1].type_at(7, "there");
    sync_all(&mut people);
    assert_eq!(people[0].text(), "Hello, there");
    people[0].undo.undo(&mut people[0].doc).expect("a step");
    assert_eq!(people[0].text(), ",there");
    sync_all(&mut people);
    assert_eq!(people[1].text(), ",there");
}

#[test]
fn undoing_a_delete_brings_back_what_i_deleted_where_it_was() {
    let mut people = [Person::new(1), Person::new(2)];
    people[0].type_at(0, "abcdef");
    people[0].pause();
    sync_all(&mut people);
    people[0].delete(1, 5); // "af"
    // Bob, concurrently, types before, inside and after the range Alice deletes.
    people[1].type_at(6, "!");
    people[1].type_at(3, "X");
    people[1].type_at(0, ">");
    sync_all(&mut people);
    assert_eq!(people[0].text(), ">aXf!");
    people[0].undo.undo(&mut people[0].doc).expect("a step");
    assert_eq!(people[0].text(), ">abcXdef!");
    sync_all(&mut people);
    assert_eq!(people[1].text(), ">abcXdef!");
    // Redo deletes the restored characters again, and only them.
    people[0].undo.redo(&mut people[0].doc).expect("a step");
    assert_eq!(people[0].text(), ">aXf!");
    // Undo again restores them again: the restored characters are followed through renames.
    people[0].undo.undo(&mut people[0].doc).expect("a step");
    assert_eq!(people[0].text(), ">abcXdef!");
}

#[test]
fn undoing_an_insert_after_undoing_and_redoing_its_deletion_follows_the_new_characters() {
    let mut alice = Person::new(1);
    alice.type_at(0, "abc");
    alice.pause();
    alice.delete(0, 3);
    alice.undo.undo(&mut alice.doc); // restores "abc" as new characters
    assert_eq!(alice.text(), "abc");
    alice.undo.undo(&mut alice.doc); // undoes the insertion: must find the new ones
    assert_eq!(alice.text(), "");
    alice.undo.redo(&mut alice.doc);
    assert_eq!(alice.text(), "abc");
    alice.undo.redo(&mut alice.doc);
    assert_eq!(alice.text(), "");
}

#[test]
fn undoing_a_map_write_restores_the_old_value_unless_someone_wrote_since() {
    let mut people = [Person::new(1), Person::new(2)];
    people[0].doc.transact(|root| root.put("title", "draft"));
    people[0].pause();
    people[0].doc.transact(|root| root.put("title", "final"));
    people[0].pause();
    people[0].doc.transact(|root| root.put("owner", "alice"));
    sync_all(&mut people);
    // Bob overwrites the owner; the title stays Alice's.
    people[1].doc.transact(|root| root.put("owner", "bob"));
    sync_all(&mut people);
    people[0].undo.undo(&mut people[0].doc); // owner: Bob wrote since, his stays
    assert_eq!(
        people[0].doc.to_json(),
        r#"{"owner":"bob","title":"final"}"#
    );
    people[0].undo.undo(&mut people[0].doc); // title back to "draft"
    assert_eq!(
        people[0].doc.to_json(),
        r#"{"owner":"bob","title":"draft"}"#
    );
    people[0].undo.undo(&mut people[0].doc); // title created: removed
    assert_eq!(people[0].doc.to_json(), r#"{"owner":"bob"}"#);
    sync_all(&mut people);
    assert_eq!(people[1].doc.to_json(), r#"{"owner":"bob"}"#);
    people[0].undo.redo(&mut people[0].doc);
    people[0].undo.redo(&mut people[0].doc);
    assert_eq!(
        people[0].doc.to_json(),
        r#"{"owner":"bob","title":"final"}"#
    );
}

#[test]
fn undoing_a_key_removal_brings_back_the_container_it_held() {
    let mut alice = Person::new(1);
    alice
        .doc
        .transact(|root| -> Result<(), DocError> {
            let mut todo = root.map("todo");
            todo.put("done", false);
            todo.text("title").insert(0, "call mum")?;
            root.list("tags").insert_all(0, ["home", "phone"])
        })
        .result
        .unwrap();
    alice.pause();
    let before = alice.doc.to_json();
    alice.doc.transact(|root| {
        root.delete("todo");
        root.delete("tags");
    });
    assert_eq!(alice.doc.to_json(), "{}");
    alice.undo.undo(&mut alice.doc);
    assert_eq!(alice.doc.to_json(), before);
}

#[test]
fn undoing_a_counter_change_subtracts_what_i_added() {
    let mut people = [Person::new(1), Person::new(2)];
    people[0]
        .doc
        .transact(|root| root.counter("likes").increment(3));
    people[1]
        .doc
        .transact(|root| root.counter("likes").increment(10));
    sync_all(&mut people);
    people[0].undo.undo(&mut people[0].doc);
    sync_all(&mut people);
    assert_eq!(people[1].doc.to_json(), r#"{"likes":10}"#);
    people[0].undo.redo(&mut people[0].doc);
    assert_eq!(people[0].doc.to_json(), r#"{"likes":13}"#);
}

#[test]
fn undoing_set_changes_removes_what_i_added_and_adds_back_what_i_removed() {
    let mut alice = Person::new(1);
    alice
        .doc
        .transact(|root| root.add_wins_set("tags").insert("home"));
    alice.pause();
    alice.doc.transact(|root| {
        let mut tags = root.add_wins_set("tags");
        tags.remove(&Value::from("home"));
        tags.insert("work");
    });
    assert_eq!(alice.doc.to_json(), r#"{"tags":["work"]}"#);
    alice.undo.undo(&mut alice.doc);
    assert_eq!(alice.doc.to_json(), r#"{"tags":["home"]}"#);
}

#[test]
fn undoing_list_changes_works_by_identity() {
    let mut people = [Person::new(1), Person::new(2)];
    people[0]
        .doc
        .transact(|root| root.list("l").insert_all(0, [1i64, 2, 3]))
        .result
        .unwrap();
    people[0].pause();
    sync_all(&mut people);
    people[0]
        .doc
        .transact(|root| root.list("l").delete(1..2))
        .result
        .unwrap();
    people[1]
        .doc
        .transact(|root| root.list("l").insert(0, 0i64))
        .result
        .unwrap();
    sync_all(&mut people);
    assert_eq!(people[0].doc.to_json(), r#"{"l":[0,1,3]}"#);
    people[0].undo.undo(&mut people[0].doc);
    assert_eq!(people[0].doc.to_json(), r#"{"l":[0,1,2,3]}"#);
    people[0].undo.undo(&mut people[0].doc);
    assert_eq!(people[0].doc.to_json(), r#"{"l":[0]}"#);
}

#[test]
fn changes_within_the_capture_window_form_one_step_and_stop_capturing_ends_it() {
    let mut alice = Person::new(1);
    alice.type_at(0, "a");
    alice.now.set(400);
    alice.type_at(1, "b"); // 400 ms after: same step
    alice.now.set(800);
    alice.type_at(2, "c"); // 400 ms after the last change: same step
    alice.undo.stop_capturing();
    alice.type_at(3, "d"); // a new step, however soon
    alice.now.set(1_500);
    alice.type_at(4, "e"); // 700 ms after: a new step
    assert_eq!(alice.undo.undo_len(), 3);
    alice.undo.undo(&mut alice.doc);
    assert_eq!(alice.text(), "abcd");
    alice.undo.undo(&mut alice.doc);
    assert_eq!(alice.text(), "abc");
    alice.undo.undo(&mut alice.doc);
    assert_eq!(alice.text(), "");
    assert!(alice.undo.undo(&mut alice.doc).is_none());
}

#[test]
fn a_new_change_clears_redo() {
    let mut alice = Person::new(1);
    alice.type_at(0, "a");
    alice.undo.undo(&mut alice.doc);
    assert!(alice.undo.can_redo());
    alice.type_at(0, "b");
    assert!(!alice.undo.can_redo());
    assert!(alice.undo.redo(&mut alice.doc).is_none());
}

#[test]
fn remote_changes_are_never_undone() {
    let mut people = [Person::new(1), Person::new(2)];
    people[1].type_at(0, "bob");
    sync_all(&mut people);
    assert!(!people[0].undo.can_undo());
    assert!(people[0].undo.undo(&mut people[0].doc).is_none());
    assert_eq!(people[0].text(), "bob");
}

#[test]
fn only_tracked_origins_and_containers_are_captured() {
    let config = UndoConfig {
        scope: vec![ContainerPath::root().key("note")],
        tracked_origins: TrackedOrigins::Only(vec![Some(Origin::new("editor"))]),
        ..UndoConfig::default()
    };
    let mut alice = Person::with(1, config);
    alice.doc.transact_with(Origin::new("editor"), |root| {
        root.text("note").insert(0, "mine").unwrap();
        root.put("other", 1i64); // outside the scope
    });
    alice.pause();
    alice.doc.transact_with(Origin::new("import"), |root| {
        root.text("note").insert(0, ">")
    });
    alice.pause();
    alice.doc.transact(|root| root.text("note").insert(0, "?"));
    assert_eq!(alice.undo.undo_len(), 1);
    alice.undo.undo(&mut alice.doc);
    assert_eq!(alice.doc.to_json(), r#"{"note":"?>","other":1}"#);
}

#[test]
fn undo_is_a_normal_change_with_the_managers_origin() {
    let mut people = [Person::new(1), Person::new(2)];
    people[0].type_at(0, "hi");
    sync_all(&mut people);
    let heard = Rc::new(Cell::new(false));
    let seen = Rc::clone(&heard);
    people[0].doc.subscribe(move |events| {
        seen.set(
            events.iter().all(|event| {
                event.local && event.origin.as_ref().map(Origin::name) == Some("undo")
            }),
        );
    });
    let reverted = people[0].undo.undo(&mut people[0].doc).unwrap();
    assert!(heard.get());
    people[1].doc.apply(&reverted.delta);
    assert_eq!(people[1].text(), "");
}

#[test]
fn steps_carry_metadata_and_report_events() {
    let mut alice = Person::new(1);
    alice.type_at(0, "a");
    assert_eq!(
        alice.undo.take_events(),
        [UndoEvent::Added {
            stack: UndoStack::Undo,
            step: 0
        }]
    );
    alice.undo.set_metadata("selection", Value::from(1i64));
    alice.type_at(1, "b");
    assert_eq!(alice.undo.take_events(), [UndoEvent::Updated { step: 0 }]);
    let reverted = alice.undo.undo(&mut alice.doc).unwrap();
    assert_eq!(reverted.metadata.get("selection"), Some(&Value::from(1i64)));
    assert_eq!(
        alice.undo.take_events(),
        [
            UndoEvent::Popped {
                stack: UndoStack::Undo,
                step: 0
            },
            UndoEvent::Added {
                stack: UndoStack::Redo,
                step: 0
            }
        ]
    );
    assert_eq!(
        alice.undo.metadata(0).unwrap().get("selection"),
        Some(&Value::from(1i64))
    );
}

#[test]
fn the_capture_window_is_configurable() {
    let config = UndoConfig {
        capture_window: Duration::from_millis(50),
        ..UndoConfig::default()
    };
    let mut alice = Person::with(1, config);
    alice.type_at(0, "a");
    alice.now.set(100);
    alice.type_at(1, "b");
    assert_eq!(alice.undo.undo_len(), 2);
}

// ---- the reference model ------------------------------------------------------------------

/// The characters of one replica: unique, so each names the element that shows it.
fn fresh(person: usize, serial: &mut u32) -> char {
    *serial += 1;
    char::from_u32(0x4E00 + (person as u32) * 0x1000 + *serial).expect("a CJK character")
}

#[derive(Default)]
struct Model {
    /// Who inserted each character.
    author: HashMap<char, usize>,
    /// Who deleted each character (any number of replicas, concurrently).
    deleted_by: HashMap<char, BTreeSet<usize>>,
}

/// Random concurrent typing and deleting by three replicas with partial syncs, recorded in
/// the model; every change is a step of its own.
fn edit_concurrently(people: &mut [Person], model: &mut Model, seed: u64, steps: usize) {
    let mut random = SplitMix64::new(seed);
    let mut serial = 0;
    for _ in 0..steps {
        let who = random.below(3) as usize;
        match random.below(10) {
            0..=4 => {
                let length = people[who].text().chars().count();
                let at = random.below(length as u64 + 1) as usize;
                let count = 1 + random.below(3) as usize;
                let typed: String = (0..count).map(|_| fresh(who, &mut serial)).collect();
                for character in typed.chars() {
                    model.author.insert(character, who);
                }
                people[who].type_at(at, &typed);
            }
            5..=7 => {
                let text: Vec<char> = people[who].text().chars().collect();
                if text.is_empty() {
                    continue;
                }
                let start = random.below(text.len() as u64) as usize;
                let end = (start + 1 + random.below(3) as usize).min(text.len());
                for character in &text[start..end] {
                    model.deleted_by.entry(*character).or_default().insert(who);
                }
                people[who].delete(start, end);
            }
            _ => {
                let other = (who + 1 + random.below(2) as usize) % 3;
                let (a, b) = (who.min(other), who.max(other));
                let (left, right) = people.split_at_mut(b);
                exchange(&mut left[a].doc, &mut right[0].doc);
            }
        }
        people[who].pause();
    }
}

fn check_undo_all(seed: u64, steps: usize) -> Result<(), String> {
    let mut people = [Person::new(1), Person::new(2), Person::new(3)];
    let mut model = Model::default();
    edit_concurrently(&mut people, &mut model, seed, steps);
    sync_all(&mut people);
    let before = people[0].text();
    while people[0].undo.undo(&mut people[0].doc).is_some() {}
    sync_all(&mut people);
    let after = people[1].text();
    if people.iter().any(|person| person.text() != after) {
        return Err("the replicas differ after the undo".into());
    }
    // Expected: every character of the others that no one else deleted, or that replica 0
    // deleted (its undo brings it back); none of replica 0's own.
    let expected: BTreeSet<char> = model
        .author
        .iter()
        .filter(|(character, author)| {
            let by = model.deleted_by.get(character);
            **author != 0 && by.is_none_or(|by| by.contains(&0) || by.iter().all(|who| *who == 0))
        })
        .map(|(character, _)| *character)
        .collect();
    let shown: BTreeSet<char> = after.chars().collect();
    if shown != expected || shown.len() != after.chars().count() {
        return Err(format!(
            "after undoing all of replica 0: {after:?}, expected the characters {expected:?} \
             (before: {before:?})"
        ));
    }
    // The characters that stayed keep their order.
    let kept: String = before.chars().filter(|c| shown.contains(c)).collect();
    let kept_after: String = after.chars().filter(|c| kept.contains(*c)).collect();
    if kept != kept_after {
        return Err(format!("order changed: {kept:?} became {kept_after:?}"));
    }
    // Redoing everything gives back the text as it was.
    while people[0].undo.redo(&mut people[0].doc).is_some() {}
    if people[0].text() != before {
        return Err(format!(
            "redo of everything gave {:?}, not {before:?}",
            people[0].text()
        ));
    }
    Ok(())
}

#[test]
fn undoing_all_of_one_replica_leaves_exactly_the_others_work() {
    fn property(seed: u64, steps: u8) -> TestResult {
        match check_undo_all(seed, usize::from(steps % 60) + 1) {
            Ok(()) => TestResult::passed(),
            Err(message) => TestResult::error(format!("seed {seed}: {message}")),
        }
    }
    QuickCheck::new()
        .tests(300)
        .quickcheck(property as fn(u64, u8) -> TestResult);
}

fn check_concurrent_undo(seed: u64, steps: usize) -> Result<(), String> {
    let mut people = [Person::new(1), Person::new(2), Person::new(3)];
    let mut model = Model::default();
    edit_concurrently(&mut people, &mut model, seed, steps);
    let mut random = SplitMix64::new(seed ^ 0x5EED);
    for _ in 0..steps {
        let who = random.below(3) as usize;
        match random.below(5) {
            0 | 1 => {
                let person = &mut people[who];
                person.undo.undo(&mut person.doc);
            }
            2 => {
                let person = &mut people[who];
                person.undo.redo(&mut person.doc);
            }
            3 => {
                let other = (who + 1) % 3;
                let (a, b) = (who.min(other), who.max(other));
                let (left, right) = people.split_at_mut(b);
                exchange(&mut left[a].doc, &mut right[0].doc);
            }
            _ => {
                let length = people[who].text().chars().count();
                let at = random.below(length as u64 + 1) as usize;
                people[who].type_at(at, "·");
                people[who].pause();
            }
        }
    }
    sync_all(&mut people);
    let first = people[0].text();
    for person in &people[1..] {
        if person.text() != first || !person.doc.same_state(&people[0].doc) {
            return Err(format!("{:?} and {first:?} differ", person.text()));
        }
    }
    Ok(())
}

#[test]
fn three_replicas_undoing_and_redoing_concurrently_converge() {
    fn property(seed: u64, steps: u8) -> TestResult {
        match check_concurrent_undo(seed, usize::from(steps % 50) + 1) {
            Ok(()) => TestResult::passed(),
            Err(message) => TestResult::error(format!("seed {seed}: {message}")),
        }
    }
    QuickCheck::new()
        .tests(300)
        .quickcheck(property as fn(u64, u8) -> TestResult);
}
