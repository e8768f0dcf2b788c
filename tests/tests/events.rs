//! Events replay: a mirror that starts from a document's picture and applies only the events
//! its observer hears — local transactions and received deltas alike — must equal the
//! document after every step. Random histories of three replicas with nested maps, lists of
//! maps holding texts, counters, add-wins and remove-wins sets, multi-value registers,
//! values, removals and kind changes, deltas delivered
//! late, out of order or twice.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use weft::{
    Change, Doc, DocDelta, Event, ListDelta, MapScope, Node, PathSegment, ReplicaId, TextDelta,
    Value,
};

/// One random change, on a few names so that changes collide.
#[derive(Clone, Debug)]
enum Op {
    Put(u8, i8),
    Delete(u8),
    Type(u8, u8, char),
    Erase(u8, u8, u8),
    Push(u8, i8),
    PushMap(u8, u8),
    TypeInElement(u8, u8, u8, char),
    PutInElement(u8, u8, u8, i8),
    DeleteElements(u8, u8, u8),
    Count(u8, i8),
    AddTag(u8, i8),
    RemoveTag(u8, i8),
    Nested(u8, u8, i8),
    NestedText(u8, u8, char),
    PutMultiValue(u8, i8),
    Block(u8, i8),
    Unblock(u8, i8),
}

impl Arbitrary for Op {
    fn arbitrary(g: &mut Gen) -> Self {
        let small = |g: &mut Gen| u8::arbitrary(g) % 3;
        let any = u8::arbitrary;
        let letter = |g: &mut Gen| *g.choose(&['a', 'é', '😀', 'z']).expect("letters");
        match u8::arbitrary(g) % 17 {
            0 => Self::Put(small(g), i8::arbitrary(g)),
            1 => Self::Delete(small(g)),
            2 => Self::Type(small(g), any(g), letter(g)),
            3 => Self::Erase(small(g), any(g), any(g) % 3 + 1),
            4 => Self::Push(small(g), i8::arbitrary(g)),
            5 => Self::PushMap(small(g), small(g)),
            6 => Self::TypeInElement(small(g), any(g), small(g), letter(g)),
            7 => Self::PutInElement(small(g), any(g), small(g), i8::arbitrary(g)),
            8 => Self::DeleteElements(small(g), any(g), any(g) % 2 + 1),
            9 => Self::Count(small(g), i8::arbitrary(g)),
            10 => Self::AddTag(small(g), i8::arbitrary(g) % 4),
            11 => Self::RemoveTag(small(g), i8::arbitrary(g) % 4),
            12 => Self::Nested(small(g), small(g), i8::arbitrary(g)),
            13 => Self::NestedText(small(g), small(g), letter(g)),
            14 => Self::PutMultiValue(small(g), i8::arbitrary(g) % 4),
            15 => Self::Block(small(g), i8::arbitrary(g) % 4),
            _ => Self::Unblock(small(g), i8::arbitrary(g) % 4),
        }
    }
}

fn name(small: u8) -> String {
    ["a", "b", "c"][usize::from(small % 3)].to_owned()
}

fn perform(root: &mut MapScope<'_>, op: &Op) {
    match op {
        Op::Put(key, value) => root.put(&name(*key), i64::from(*value)),
        Op::Delete(key) => {
            root.delete(&name(*key));
        }
        Op::Type(key, at, letter) => {
            let mut text = root.text(&name(*key));
            let at = usize::from(*at) % (text.len() + 1);
            text.insert(at, &letter.to_string()).expect("in range");
        }
        Op::Erase(key, at, count) => {
            let mut text = root.text(&name(*key));
            let length = text.len();
            if length > 0 {
                let start = usize::from(*at) % length;
                let end = (start + usize::from(*count)).min(length);
                text.delete(start..end).expect("in range");
            }
        }
        Op::Push(key, value) => root.list(&name(*key)).push(i64::from(*value)),
        Op::PushMap(key, field) => {
            root.list(&name(*key)).push_map().put(&name(*field), 0i64);
        }
        Op::TypeInElement(key, at, field, letter) => {
            let mut list = root.list(&name(*key));
            if list.is_empty() {
                return;
            }
            let at = usize::from(*at) % list.len();
            if let Ok(mut element) = list.map_at(at) {
                let mut text = element.text(&name(*field));
                let end = text.len();
                text.insert(end, &letter.to_string()).expect("in range");
            }
        }
        Op::PutInElement(key, at, field, value) => {
            let mut list = root.list(&name(*key));
            if list.is_empty() {
                return;
            }
            let at = usize::from(*at) % list.len();
            if let Ok(mut element) = list.map_at(at) {
                element.put(&name(*field), i64::from(*value));
            }
        }
        Op::DeleteElements(key, at, count) => {
            let mut list = root.list(&name(*key));
            let length = list.len();
            if length > 0 {
                let start = usize::from(*at) % length;
                let end = (start + usize::from(*count)).min(length);
                list.delete(start..end).expect("in range");
            }
        }
        Op::Count(key, amount) => root.counter(&name(*key)).increment(i64::from(*amount)),
        Op::AddTag(key, tag) => root.add_wins_set(&name(*key)).insert(i64::from(*tag)),
        Op::RemoveTag(key, tag) => {
            root.add_wins_set(&name(*key))
                .remove(&Value::Int(i64::from(*tag)));
        }
        Op::Nested(key, field, value) => {
            root.map(&name(*key)).put(&name(*field), i64::from(*value));
        }
        Op::NestedText(key, field, letter) => {
            let mut map = root.map(&name(*key));
            let mut text = map.text(&name(*field));
            text.insert(0, &letter.to_string()).expect("in range");
        }
        Op::PutMultiValue(key, value) => root.multi_value(&name(*key)).put(i64::from(*value)),
        Op::Block(key, element) => root
            .remove_wins_set(&name(*key))
            .insert(i64::from(*element)),
        Op::Unblock(key, element) => {
            root.remove_wins_set(&name(*key))
                .remove(&Value::Int(i64::from(*element)));
        }
    }
}

/// The node at `path` in `mirror`.
fn node_at<'a>(mirror: &'a mut Node, path: &[PathSegment]) -> Option<&'a mut Node> {
    let mut node = mirror;
    for segment in path {
        node = match (node, segment) {
            (Node::Map(entries), PathSegment::Key(name)) => entries.get_mut(name)?,
            (Node::List(items), PathSegment::Index(index)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Applies `event` to `mirror`; `None` if it does not fit.
fn replay(mirror: &mut Node, event: &Event, doc: &Doc) -> Option<()> {
    if event.change == Change::Reload {
        *mirror = doc.to_node();
        return Some(());
    }
    let node = node_at(mirror, &event.path)?;
    match (&event.change, node) {
        (Change::Map(changes), Node::Map(entries)) => {
            for change in changes {
                match &change.new {
                    Some(new) => entries.insert(change.key.clone(), new.clone()),
                    None => entries.remove(&change.key),
                };
            }
        }
        (Change::Text(runs), Node::Text(text)) => {
            let old: Vec<char> = text.chars().collect();
            let (mut at, mut out) = (0, String::new());
            for run in runs {
                match run {
                    TextDelta::Retain { chars, utf16, .. } => {
                        let kept: String = old.get(at..at + chars)?.iter().collect();
                        if kept.encode_utf16().count() != *utf16 {
                            return None;
                        }
                        out.push_str(&kept);
                        at += chars;
                    }
                    TextDelta::Insert(inserted) => out.push_str(inserted),
                    TextDelta::Delete(deleted) => {
                        let count = deleted.chars().count();
                        let gone: String = old.get(at..at + count)?.iter().collect();
                        if gone != *deleted {
                            return None;
                        }
                        at += count;
                    }
                }
            }
            out.extend(old.get(at..)?);
            *text = out;
        }
        (Change::List(runs), Node::List(items)) => {
            let old = std::mem::take(items);
            let mut at = 0;
            for run in runs {
                match run {
                    ListDelta::Retain(count) => {
                        items.extend(old.get(at..at + count)?.iter().cloned());
                        at += count;
                    }
                    ListDelta::Insert(inserted) => items.extend(inserted.iter().cloned()),
                    ListDelta::Delete(count) => {
                        old.get(at..at + count)?;
                        at += count;
                    }
                }
            }
            items.extend(old.get(at..)?.iter().cloned());
        }
        (Change::Counter(old, new), Node::Counter(value)) => {
            if value != old {
                return None;
            }
            *value = *new;
        }
        (Change::Set { added, removed }, Node::Set(values) | Node::RemoveWinsSet(values)) => {
            values.retain(|value| !removed.contains(value));
            values.extend(added.iter().cloned());
            let mut sorted: BTreeMap<Vec<u8>, Value> = BTreeMap::new();
            for value in values.drain(..) {
                sorted.insert(weft::internals::codec::Encode::encode_to_vec(&value), value);
            }
            values.extend(sorted.into_values());
        }
        (Change::MultiValue { old, new }, Node::MultiValue(values)) => {
            if values != old {
                return None;
            }
            values.clone_from(new);
        }
        _ => return None,
    }
    Some(())
}

struct Observed {
    doc: Doc,
    mirror: Rc<RefCell<Node>>,
    heard: Rc<RefCell<Vec<Event>>>,
}

impl Observed {
    fn new(id: u128) -> Self {
        let mut doc = Doc::new(ReplicaId::from_u128(id));
        let heard = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&heard);
        doc.subscribe(move |events| sink.borrow_mut().extend_from_slice(events));
        Self {
            mirror: Rc::new(RefCell::new(doc.to_node())),
            doc,
            heard,
        }
    }

    /// Replays what was heard; whether the mirror shows the document.
    fn caught_up(&self) -> bool {
        let events: Vec<Event> = self.heard.borrow_mut().drain(..).collect();
        let mut mirror = self.mirror.borrow_mut();
        for event in &events {
            if replay(&mut mirror, event, &self.doc).is_none() {
                eprintln!("an event did not fit: {event:?}\nmirror: {mirror:?}");
                return false;
            }
        }
        if *mirror != self.doc.to_node() {
            eprintln!(
                "mirror {mirror:?}\ndocument {:?}\nafter {events:?}",
                self.doc.to_node()
            );
            return false;
        }
        true
    }
}

#[test]
fn a_mirror_fed_only_with_events_shows_the_document() {
    fn property(steps: Vec<(u8, Op, u8)>) -> TestResult {
        let mut replicas: Vec<Observed> = (1..=3).map(Observed::new).collect();
        let mut late: Vec<(usize, DocDelta)> = Vec::new();
        for (author, op, delivery) in steps {
            let author = usize::from(author % 3);
            let delta = replicas[author]
                .doc
                .transact(|root| perform(root, &op))
                .delta;
            if !replicas[author].caught_up() {
                return TestResult::failed();
            }
            // Deliver to the next replica now, later, or never (it catches up at the end).
            let target = (author + 1) % 3;
            match delivery % 4 {
                0 | 1 => {
                    replicas[target].doc.apply(&delta);
                    if !replicas[target].caught_up() {
                        return TestResult::failed();
                    }
                }
                2 => late.push((target, delta)),
                _ => {}
            }
            if delivery % 7 == 0 {
                for (target, delta) in late.drain(..).rev() {
                    replicas[target].doc.apply(&delta);
                    if !replicas[target].caught_up() {
                        return TestResult::failed();
                    }
                }
            }
        }
        for target in 0..3 {
            for source in 0..3 {
                if source != target {
                    let since = replicas[target].doc.version();
                    let delta = replicas[source].doc.delta_since(&since);
                    replicas[target].doc.apply(&delta);
                    if !replicas[target].caught_up() {
                        return TestResult::failed();
                    }
                }
            }
        }
        TestResult::passed()
    }
    QuickCheck::new()
        .tests(1_000)
        .quickcheck(property as fn(Vec<(u8, Op, u8)>) -> TestResult);
}
