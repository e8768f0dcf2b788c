//! Random concurrent histories of several [`Doc`] replicas, checked step by step against the
//! reference model of [`crate::doc_model`].
//!
//! Each replica makes transactions on a few names (nested maps, lists of maps, text,
//! counters, add-wins and remove-wins sets, multi-value registers, values, removals and kind
//! changes); deltas travel as bytes through a
//! network that loses, duplicates and reorders them; replicas restart from their snapshots and
//! exchange `delta_since` now and then. Before every transaction the replica must show what
//! the model computes from the events it knows; at the end every replica knows every event
//! and shows the model's document.

use std::collections::BTreeSet;

use weft::{Doc, Kind, MapScope, Node, ReplicaId, Value};

use crate::doc_model::{Chooser, Effect, Event, Model, Path, Segment, Shape, node_at, shape_of};
use crate::random::SplitMix64;

/// The shape of one simulated history.
#[derive(Clone, Copy, Debug)]
pub struct DocSimulation {
    /// How many replicas (3–5 in the tests).
    pub replicas: usize,
    /// How many transactions in all.
    pub transactions: usize,
}

/// Names the operations use, so that they collide.
const NAMES: [&str; 3] = ["a", "b", "c"];

/// One replica: the document and what the model says it knows.
struct Replica {
    doc: Doc,
    known: BTreeSet<usize>,
    /// Events delivered before what they depend on, in the model.
    waiting: Vec<usize>,
}

/// A delta on its way to a replica, with the event it carries.
struct Message {
    to: usize,
    event: usize,
    bytes: Vec<u8>,
}

/// The implementation's choice among concurrent surviving writes: what its document shows.
struct ShownBy<'a>(&'a Node);

impl Chooser for ShownBy<'_> {
    fn kind(&self, path: &Path, _: &[Kind]) -> Option<Kind> {
        node_at(self.0, path).map(Node::kind)
    }

    fn value(&self, path: &Path, _: &[i64]) -> Option<i64> {
        match node_at(self.0, path) {
            Some(Node::Value(Value::Int(value))) => Some(*value),
            _ => None,
        }
    }
}

/// A run of the simulation: the replicas, the network and the model.
struct Run {
    random: SplitMix64,
    replicas: Vec<Replica>,
    network: Vec<Message>,
    model: Model,
    fresh: i64,
    seed: u64,
}

/// Runs one seeded history and checks it against the model.
///
/// # Panics
/// If a replica ever shows something else than the model computes for it, or the replicas do
/// not end equal: the message names the seed.
pub fn run_doc_simulation(seed: u64, shape: DocSimulation) {
    let mut run = Run {
        random: SplitMix64::new(seed),
        replicas: (0..shape.replicas)
            .map(|index| Replica {
                doc: Doc::new(ReplicaId::from_u128(index as u128 + 1)),
                known: BTreeSet::new(),
                waiting: Vec::new(),
            })
            .collect(),
        network: Vec::new(),
        model: Model::default(),
        fresh: 1000,
        seed,
    };
    for _ in 0..shape.transactions {
        let writer = run.random.index(shape.replicas);
        run.transact(writer);
        for _ in 0..run.random.below(4) {
            run.deliver_one();
        }
        if run.random.chance(8) {
            let (from, to) = (
                run.random.index(shape.replicas),
                run.random.index(shape.replicas),
            );
            run.exchange(from, to);
        }
        if run.random.chance(5) {
            let replica = run.random.index(shape.replicas);
            run.restart(replica);
        }
    }
    run.finish();
}

impl Run {
    fn fresh(&mut self) -> i64 {
        self.fresh += 1;
        self.fresh
    }

    fn fresh_char(&mut self) -> char {
        let offset = u32::try_from(self.fresh() - 1000).expect("few characters");
        char::from_u32(0x4E00 + offset).expect("a CJK ideograph")
    }

    /// Checks that `replica` shows what the model computes from the events it knows.
    fn check_replica(&self, replica: usize, when: &str) {
        let node = self.replicas[replica].doc.to_node();
        let expected = self
            .model
            .root(&self.replicas[replica].known, &ShownBy(&node));
        let Node::Map(_) = node else {
            panic!("seed {}: the root is not a map", self.seed);
        };
        let shown = shape_of(&node);
        assert_eq!(
            shown,
            Some(Shape::Map(expected)),
            "seed {}: replica {replica} {when} shows {} (events known: {:?}; history: {:#?})",
            self.seed,
            node.to_json(),
            self.replicas[replica].known,
            self.model.events,
        );
    }

    /// What the model says `replica` shows at `path`.
    fn shape_at(&self, replica: usize, node: &Node, path: &Path) -> Option<Shape> {
        self.model
            .shape_at(&self.replicas[replica].known, &ShownBy(node), path)
    }

    /// A random entry path as `replica` sees it, with the kind writes reaching it needs, and
    /// what the entry at its end shows once those are made (a kind change above it clears it).
    fn pick_path(&mut self, replica: usize, node: &Node) -> (Path, Vec<Effect>, Option<Shape>) {
        let mut path = vec![Segment::Key(self.name())];
        let mut effects = Vec::new();
        let mut cleared = false;
        for _ in 0..2 {
            if !self.random.chance(45) {
                break;
            }
            let shape = if cleared {
                None
            } else {
                self.shape_at(replica, node, &path)
            };
            let elements: Vec<i64> = match &shape {
                Some(Shape::List(elements)) => elements
                    .iter()
                    .filter(|(_, element)| matches!(element, Shape::Map(_)))
                    .map(|(id, _)| *id)
                    .collect(),
                _ => Vec::new(),
            };
            if !elements.is_empty() && self.random.chance(60) {
                let id = elements[self.random.index(elements.len())];
                path.push(Segment::Element(id));
            } else if !matches!(shape, Some(Shape::Map(_))) {
                effects.push(switch(&path, Kind::Map));
                cleared = true;
            }
            path.push(Segment::Key(self.name()));
        }
        let shape = if cleared {
            None
        } else {
            self.shape_at(replica, node, &path)
        };
        (path, effects, shape)
    }

    fn name(&mut self) -> String {
        NAMES[self.random.index(NAMES.len())].to_owned()
    }

    /// One random transaction of `writer`, made on the document and recorded in the model.
    fn transact(&mut self, writer: usize) {
        self.check_replica(writer, "before a transaction");
        let node = self.replicas[writer].doc.to_node();
        let (path, mut effects, shape) = self.pick_path(writer, &node);
        let shown = shape.as_ref().and_then(|_| node_at(&node, &path));
        let Some(action) = self.pick_action(&path, shape.as_ref(), shown, &mut effects) else {
            return;
        };
        let doc = &mut self.replicas[writer].doc;
        let version = doc.version();
        let weft::Transacted {
            result: present,
            delta,
        } = doc.transact(|root| run_at(root, &path, &action));
        assert_eq!(
            present,
            shape.is_some() || !matches!(action, Action::Remove),
            "seed {}: a removal saw another presence than the model",
            self.seed
        );
        assert_ne!(
            doc.version(),
            version,
            "seed {}: a transaction changed nothing",
            self.seed
        );
        let event = self.model.events.len();
        self.model.events.push(Event {
            replica: writer,
            past: self.replicas[writer].known.clone(),
            effects,
        });
        self.replicas[writer].known.insert(event);
        let bytes = delta.to_bytes();
        for to in (0..self.replicas.len()).filter(|to| *to != writer) {
            self.network.push(Message {
                to,
                event,
                bytes: bytes.clone(),
            });
        }
    }

    /// A random action on the entry at `path` (showing `shape` to the writer in the model,
    /// and `shown` in its document), with its effects appended; `None` if the action picked
    /// has nothing to act on.
    fn pick_action(
        &mut self,
        path: &Path,
        shape: Option<&Shape>,
        shown: Option<&Node>,
        effects: &mut Vec<Effect>,
    ) -> Option<Action> {
        let kind = shape.map(kind_of);
        let become_ = |wanted: Kind, effects: &mut Vec<Effect>| {
            if kind != Some(wanted) {
                effects.push(switch(path, wanted));
            }
        };
        let action = match self.random.below(16) {
            0 | 1 => {
                let value = self.fresh();
                effects.push(Effect::Write {
                    path: path.clone(),
                    kind: Kind::Value,
                    value: Some(value),
                    clears: kind != Some(Kind::Value),
                });
                Action::Put(value)
            }
            2 => {
                shape?;
                effects.push(Effect::Remove(path.clone()));
                Action::Remove
            }
            3 | 4 => {
                let at = match shape {
                    Some(Shape::Text(chars)) => self.random.index(chars.len() + 1),
                    _ => 0,
                };
                let count = 1 + self.random.index(3);
                let chars: Vec<char> = (0..count).map(|_| self.fresh_char()).collect();
                become_(Kind::Text, effects);
                effects.push(Effect::TextInsert(path.clone(), chars.clone()));
                Action::TextInsert(at, chars.into_iter().collect())
            }
            5 => {
                let Some(Shape::Text(chars)) = shape else {
                    return None;
                };
                let length = chars.len();
                if length == 0 {
                    return None;
                }
                let start = self.random.index(length);
                let end = (start + 1 + self.random.index(2)).min(length);
                let Some(Node::Text(text)) = shown else {
                    return None;
                };
                let doomed = text.chars().skip(start).take(end - start).collect();
                effects.push(Effect::TextDelete(path.clone(), doomed));
                Action::TextDelete(start, end)
            }
            6 => {
                let at = match shape {
                    Some(Shape::List(elements)) => self.random.index(elements.len() + 1),
                    _ => 0,
                };
                let ids: Vec<i64> = (0..1 + self.random.index(2))
                    .map(|_| self.fresh())
                    .collect();
                become_(Kind::List, effects);
                effects.push(Effect::ListInsert {
                    path: path.clone(),
                    ids: ids.clone(),
                    maps: false,
                });
                Action::ListInsert(at, ids)
            }
            7 => {
                let at = match shape {
                    Some(Shape::List(elements)) => self.random.index(elements.len() + 1),
                    _ => 0,
                };
                let id = self.fresh();
                become_(Kind::List, effects);
                effects.push(Effect::ListInsert {
                    path: path.clone(),
                    ids: vec![id],
                    maps: true,
                });
                let mut field = path.clone();
                field.extend([Segment::Element(id), Segment::Key("id".to_owned())]);
                effects.push(Effect::Write {
                    path: field,
                    kind: Kind::Value,
                    value: Some(id),
                    clears: true,
                });
                Action::ListInsertMap(at, id)
            }
            8 => {
                let Some(Shape::List(elements)) = shape else {
                    return None;
                };
                if elements.is_empty() {
                    return None;
                }
                let start = self.random.index(elements.len());
                let end = (start + 1 + self.random.index(2)).min(elements.len());
                let Some(Node::List(items)) = shown else {
                    return None;
                };
                let doomed = items[start..end]
                    .iter()
                    .filter_map(crate::doc_model::element_id)
                    .collect();
                effects.push(Effect::ListDelete(path.clone(), doomed));
                Action::ListDelete(start, end)
            }
            9 => {
                let amount = [-3, -1, 1, 2, 5][self.random.index(5)];
                become_(Kind::Counter, effects);
                effects.push(Effect::Count(path.clone(), amount));
                Action::Count(amount)
            }
            10 => {
                let element = self.random.below(4) as i64;
                become_(Kind::Set, effects);
                effects.push(Effect::SetAdd(path.clone(), element));
                Action::SetAdd(element)
            }
            11 => {
                let element = self.random.below(4) as i64;
                match shape {
                    Some(Shape::Set(elements)) if elements.contains(&element) => {}
                    _ => return None,
                }
                effects.push(Effect::SetRemove(path.clone(), element));
                Action::SetRemove(element)
            }
            12 => {
                let value = self.fresh();
                become_(Kind::MultiValue, effects);
                effects.push(Effect::MultiValuePut(path.clone(), value));
                Action::MultiValuePut(value)
            }
            13 | 14 => {
                let element = self.random.below(4) as i64;
                become_(Kind::RemoveWinsSet, effects);
                effects.push(Effect::RemoveWinsAdd(path.clone(), element));
                Action::RemoveWinsAdd(element)
            }
            _ => {
                // Recorded whether or not the element is there, so that concurrent additions
                // lose.
                let element = self.random.below(4) as i64;
                become_(Kind::RemoveWinsSet, effects);
                effects.push(Effect::RemoveWinsRemove(path.clone(), element));
                Action::RemoveWinsRemove(element)
            }
        };
        Some(action)
    }

    /// Delivers one message from the network (any one: reordering), sometimes keeping a copy
    /// (duplication) or losing it.
    fn deliver_one(&mut self) {
        if self.network.is_empty() {
            return;
        }
        let index = self.random.index(self.network.len());
        let message = if self.random.chance(15) {
            let kept = &self.network[index];
            Message {
                to: kept.to,
                event: kept.event,
                bytes: kept.bytes.clone(),
            }
        } else {
            self.network.swap_remove(index)
        };
        if self.random.chance(10) {
            return;
        }
        let delta = weft::DocDelta::from_bytes(&message.bytes)
            .unwrap_or_else(|error| panic!("seed {}: a delta did not decode: {error}", self.seed));
        self.replicas[message.to].doc.apply(&delta);
        self.model_deliver(message.to, message.event);
    }

    /// The model's causal delivery of `event` to `replica`.
    fn model_deliver(&mut self, replica: usize, event: usize) {
        let replica = &mut self.replicas[replica];
        if !replica.known.contains(&event) {
            replica.waiting.push(event);
        }
        loop {
            let events = &self.model.events;
            let ready = replica
                .waiting
                .iter()
                .position(|waiting| events[*waiting].past.is_subset(&replica.known));
            let Some(ready) = ready else {
                break;
            };
            let event = replica.waiting.swap_remove(ready);
            replica.known.insert(event);
        }
        replica
            .waiting
            .retain(|event| !replica.known.contains(event));
    }

    /// `to` applies everything `from` has that it lacks.
    fn exchange(&mut self, from: usize, to: usize) {
        if from == to {
            return;
        }
        let delta = self.replicas[from]
            .doc
            .delta_since(&self.replicas[to].doc.version());
        let delta = weft::DocDelta::from_bytes(&delta.to_bytes())
            .unwrap_or_else(|error| panic!("seed {}: a delta did not decode: {error}", self.seed));
        self.replicas[to].doc.apply(&delta);
        let known = self.replicas[from].known.clone();
        self.replicas[to].known.extend(known);
        let waiting = std::mem::take(&mut self.replicas[to].waiting);
        for event in waiting {
            self.model_deliver(to, event);
        }
    }

    /// `replica` restarts from a snapshot of itself (pending deltas included).
    fn restart(&mut self, replica: usize) {
        let saved = self.replicas[replica].doc.save();
        let loaded = Doc::load(&saved)
            .unwrap_or_else(|error| panic!("seed {}: a snapshot did not load: {error}", self.seed));
        assert!(
            loaded.same_state(&self.replicas[replica].doc),
            "seed {}: replica {replica} changed through save and load",
            self.seed
        );
        self.replicas[replica].doc = loaded;
    }

    /// Delivers everything, levels every pair, and checks the end state against the model.
    fn finish(&mut self) {
        while !self.network.is_empty() {
            let message = self.network.swap_remove(0);
            let delta = weft::DocDelta::from_bytes(&message.bytes)
                .unwrap_or_else(|error| panic!("seed {}: bad delta: {error}", self.seed));
            self.replicas[message.to].doc.apply(&delta);
            self.model_deliver(message.to, message.event);
        }
        let count = self.replicas.len();
        for _ in 0..2 {
            for from in 0..count {
                for to in 0..count {
                    self.exchange(from, to);
                }
            }
        }
        let all: BTreeSet<usize> = (0..self.model.events.len()).collect();
        for replica in 0..count {
            assert_eq!(
                self.replicas[replica].known, all,
                "seed {}: the model delivered unevenly",
                self.seed
            );
            assert_eq!(
                self.replicas[replica].doc.pending_len(),
                0,
                "seed {}: replica {replica} kept deltas pending",
                self.seed
            );
            self.check_replica(replica, "at the end");
            self.check_text_order(replica);
            assert!(
                self.replicas[replica].doc.same_state(&self.replicas[0].doc),
                "seed {}: replicas 0 and {replica} differ",
                self.seed
            );
            assert_eq!(
                self.replicas[replica].doc.to_json(),
                self.replicas[0].doc.to_json()
            );
        }
    }

    /// Every text shows the surviving characters of each insertion in the order inserted.
    fn check_text_order(&self, replica: usize) {
        let node = self.replicas[replica].doc.to_node();
        let paths: BTreeSet<&Path> = self
            .model
            .events
            .iter()
            .flat_map(|event| &event.effects)
            .filter_map(|effect| match effect {
                Effect::TextInsert(path, _) => Some(path),
                _ => None,
            })
            .collect();
        for path in paths {
            let Some(Node::Text(text)) = node_at(&node, path) else {
                continue;
            };
            for run in self.model.text_runs(&self.replicas[replica].known, path) {
                let mut shown = text.chars().filter(|c| run.contains(c));
                assert!(
                    run.iter().all(|c| shown.next() == Some(*c)),
                    "seed {}: {text:?} does not show {run:?} in order",
                    self.seed
                );
            }
        }
    }
}

/// A kind change at `path`: clears what the writer sees there.
fn switch(path: &Path, kind: Kind) -> Effect {
    Effect::Write {
        path: path.clone(),
        kind,
        value: None,
        clears: true,
    }
}

fn kind_of(shape: &Shape) -> Kind {
    match shape {
        Shape::Value(_) => Kind::Value,
        Shape::Map(_) => Kind::Map,
        Shape::List(_) => Kind::List,
        Shape::Text(_) => Kind::Text,
        Shape::Counter(_) => Kind::Counter,
        Shape::Set(_) => Kind::Set,
        Shape::MultiValue(_) => Kind::MultiValue,
        Shape::RemoveWinsSet(_) => Kind::RemoveWinsSet,
    }
}

/// What a transaction does at the entry its path leads to.
#[derive(Clone, Debug)]
enum Action {
    Put(i64),
    Remove,
    TextInsert(usize, String),
    TextDelete(usize, usize),
    ListInsert(usize, Vec<i64>),
    ListInsertMap(usize, i64),
    ListDelete(usize, usize),
    Count(i64),
    SetAdd(i64),
    SetRemove(i64),
    MultiValuePut(i64),
    RemoveWinsAdd(i64),
    RemoveWinsRemove(i64),
}

/// Walks `path` from the map `scope` (through nested maps and list elements) and performs
/// `action` on the entry at its end. Returns whether a removal found the name present (true
/// for other actions).
fn run_at(scope: &mut MapScope<'_>, path: &[Segment], action: &Action) -> bool {
    let Some((Segment::Key(name), rest)) = path.split_first() else {
        panic!("a path goes from a map to a name");
    };
    match rest.first() {
        None => perform(scope, name, action),
        Some(Segment::Key(_)) => run_at(&mut scope.map(name), rest, action),
        Some(Segment::Element(id)) => {
            let mut list = scope.list(name);
            let index = list
                .current()
                .into_iter()
                .flat_map(weft::ListContainer::iter)
                .position(|element| match element {
                    weft::Element::Container(_, Some(entry)) => {
                        entry.as_map().and_then(|map| map.get_value("id")) == Some(&Value::Int(*id))
                    }
                    _ => false,
                })
                .expect("the model only walks into elements the replica shows");
            let mut element = list.map_at(index).expect("the element is a map");
            run_at(&mut element, &rest[1..], action)
        }
    }
}

fn perform(scope: &mut MapScope<'_>, name: &str, action: &Action) -> bool {
    match action {
        Action::Put(value) => scope.put(name, *value),
        Action::Remove => return scope.delete(name),
        Action::TextInsert(at, chars) => {
            scope.text(name).insert(*at, chars).expect("in range");
        }
        Action::TextDelete(start, end) => {
            scope.text(name).delete(*start..*end).expect("in range");
        }
        Action::ListInsert(at, ids) => {
            scope
                .list(name)
                .insert_all(*at, ids.iter().copied())
                .expect("in range");
        }
        Action::ListInsertMap(at, id) => {
            scope
                .list(name)
                .insert_map(*at)
                .expect("in range")
                .put("id", *id);
        }
        Action::ListDelete(start, end) => {
            scope.list(name).delete(*start..*end).expect("in range");
        }
        Action::Count(amount) => scope.counter(name).increment(*amount),
        Action::SetAdd(element) => scope.add_wins_set(name).insert(Value::Int(*element)),
        Action::SetRemove(element) => {
            scope.add_wins_set(name).remove(&Value::Int(*element));
        }
        Action::MultiValuePut(value) => scope.multi_value(name).put(*value),
        Action::RemoveWinsAdd(element) => scope.remove_wins_set(name).insert(*element),
        Action::RemoveWinsRemove(element) => {
            scope.remove_wins_set(name).remove(&Value::Int(*element));
        }
    }
    true
}
