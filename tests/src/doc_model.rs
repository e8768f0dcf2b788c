//! A reference model of what a [`weft::Doc`] should show: slow, small, and written from the
//! semantics in BRIEF.md rather than from the implementation.
//!
//! Every transaction is an [`Event`] with the set of events its replica had seen when it was
//! made, and a list of [`Effect`]s at paths of the document. What a replica shows is computed
//! from the set of events it knows, by one rule: **an effect survives unless an event that had
//! seen it removed or replaced the place it lives in.** Removing a name removes what the
//! remover saw, at every depth; a change the remover had not seen keeps the name, with only
//! that change's effect.
//!
//! Two kinds are defined by the causal order of their own operations too: a multi-value
//! register shows every write no later write (by an event that had seen it) replaced — all
//! concurrent writes; a remove-wins set shows an element when the latest operations on it —
//! those no later addition or removal of it replaced — are all additions: a removal
//! concurrent with an addition wins, an addition made after seeing the removal brings the
//! element back.
//!
//! Sequences are modelled by identity, not order: every inserted character and list element
//! is unique, so a text is the set of its surviving characters and a list the set of its
//! surviving elements (the order of one insertion is checked separately). Where concurrent
//! kind or value writes to one place survive, the model knows the candidates and lets the
//! caller say which one the replica shows ([`Chooser`]); which one it is must then agree
//! across replicas, which the convergence checks see.

use std::collections::{BTreeMap, BTreeSet};

use weft::{Kind, Node, Value};

/// One step of a path from the root map.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// The entry under a name of a map.
    Key(String),
    /// The container element of a list with this identity (its `"id"` field).
    Element(i64),
}

/// A place in the document: the segments from the root map to an entry.
pub type Path = Vec<Segment>;

/// What one transaction did at one place.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A write of the entry's kind at `path` (with the value, for a primitive value). If
    /// `clears`, the writer replaced what it saw there (a kind change); otherwise it only
    /// overwrote the kind and value writes it saw (a new value over a value).
    Write {
        /// The entry written.
        path: Path,
        /// The kind written.
        kind: Kind,
        /// The value written, for [`Kind::Value`].
        value: Option<i64>,
        /// Whether everything the writer saw under `path` was cleared.
        clears: bool,
    },
    /// The removal of the entry at `path` from its map.
    Remove(Path),
    /// Characters inserted (in this order, contiguously) into the text at a path.
    TextInsert(Path, Vec<char>),
    /// Characters deleted from the text at a path.
    TextDelete(Path, Vec<char>),
    /// List elements inserted (in this order, contiguously) into the list at a path: values
    /// `Value::Int(id)`, or maps whose `"id"` field is `id` if `maps`.
    ListInsert {
        /// The list.
        path: Path,
        /// The identities of the new elements.
        ids: Vec<i64>,
        /// Whether the elements are maps (else integers).
        maps: bool,
    },
    /// List elements deleted, by identity.
    ListDelete(Path, Vec<i64>),
    /// A counter change.
    Count(Path, i64),
    /// A set insertion.
    SetAdd(Path, i64),
    /// A set removal.
    SetRemove(Path, i64),
    /// A write of the multi-value register at a path.
    MultiValuePut(Path, i64),
    /// An addition to the remove-wins set at a path.
    RemoveWinsAdd(Path, i64),
    /// A removal from the remove-wins set at a path (made whether or not the element was
    /// there).
    RemoveWinsRemove(Path, i64),
}

impl Effect {
    /// The entry the effect is at (for a list element insertion: the list's entry).
    fn path(&self) -> &Path {
        match self {
            Self::Write { path, .. }
            | Self::Remove(path)
            | Self::TextInsert(path, _)
            | Self::TextDelete(path, _)
            | Self::ListInsert { path, .. }
            | Self::ListDelete(path, _)
            | Self::Count(path, _)
            | Self::SetAdd(path, _)
            | Self::SetRemove(path, _)
            | Self::MultiValuePut(path, _)
            | Self::RemoveWinsAdd(path, _)
            | Self::RemoveWinsRemove(path, _) => path,
        }
    }

    /// The element of a remove-wins set an addition or removal is about.
    fn remove_wins_element(&self) -> Option<i64> {
        match self {
            Self::RemoveWinsAdd(_, element) | Self::RemoveWinsRemove(_, element) => Some(*element),
            _ => None,
        }
    }

    /// Whether this effect, made by an event that had seen `victim`, kills `victim`.
    fn kills(&self, victim: &Effect) -> bool {
        let victim_path = victim.path();
        let victim_is_write = matches!(victim, Self::Write { .. });
        match self {
            Self::Remove(path)
            | Self::Write {
                path, clears: true, ..
            } => victim_path.starts_with(path),
            Self::Write {
                path,
                clears: false,
                ..
            } => victim_is_write && victim_path == path,
            Self::ListDelete(path, ids) => ids.iter().any(|id| {
                let mut element = path.clone();
                element.push(Segment::Element(*id));
                victim_path.starts_with(&element)
            }),
            // A write of a multi-value register replaces the writes it saw.
            Self::MultiValuePut(path, _) => {
                matches!(victim, Self::MultiValuePut(..)) && victim_path == path
            }
            // An addition or removal replaces the additions and removals of the element it
            // saw.
            Self::RemoveWinsAdd(path, element) | Self::RemoveWinsRemove(path, element) => {
                victim_path == path && victim.remove_wins_element() == Some(*element)
            }
            _ => false,
        }
    }
}

/// One transaction of one replica.
#[derive(Clone, Debug)]
pub struct Event {
    /// The replica that made it (an index).
    pub replica: usize,
    /// The events that replica had seen when it made this one (not this one).
    pub past: BTreeSet<usize>,
    /// What it did.
    pub effects: Vec<Effect>,
}

/// Says which of several surviving concurrent writes a replica shows at a path: the kind, and
/// for a value the value. Returns `None` if it shows none of them.
pub trait Chooser {
    /// The kind shown at `path`, one of `kinds`.
    fn kind(&self, path: &Path, kinds: &[Kind]) -> Option<Kind>;
    /// The value shown at `path`, one of `values`.
    fn value(&self, path: &Path, values: &[i64]) -> Option<i64>;
}

/// What a replica shows, with sequences as sets of identities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// An integer value.
    Value(i64),
    /// A map.
    Map(BTreeMap<String, Shape>),
    /// A list: element identity to element (a map's shape includes its `"id"`).
    List(BTreeMap<i64, Shape>),
    /// A text, as its set of characters.
    Text(BTreeSet<char>),
    /// A counter.
    Counter(i64),
    /// A set.
    Set(BTreeSet<i64>),
    /// A multi-value register: its values, in increasing order.
    MultiValue(Vec<i64>),
    /// A remove-wins set.
    RemoveWinsSet(BTreeSet<i64>),
}

/// The history of every replica: the events made so far.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Every event, by index.
    pub events: Vec<Event>,
}

/// An effect of a known event, with the event's index.
struct Known<'a> {
    event: usize,
    effect: &'a Effect,
}

impl Model {
    /// What a replica that knows the events `known` shows at the root.
    pub fn root(&self, known: &BTreeSet<usize>, chooser: &dyn Chooser) -> BTreeMap<String, Shape> {
        let view = View::new(self, known, chooser);
        view.map_at(&Vec::new())
    }

    /// What a replica that knows `known` shows at `path` (`None`: nothing).
    pub fn shape_at(
        &self,
        known: &BTreeSet<usize>,
        chooser: &dyn Chooser,
        path: &Path,
    ) -> Option<Shape> {
        View::new(self, known, chooser).entry(path)
    }

    /// The surviving characters of the texts at `path`, grouped by insertion, in insertion
    /// order: each group must appear in this order in the text a replica shows.
    pub fn text_runs(&self, known: &BTreeSet<usize>, path: &Path) -> Vec<Vec<char>> {
        View::new(self, known, &NoChoice).text_runs(path)
    }
}

/// A chooser for views that never need a choice.
struct NoChoice;

impl Chooser for NoChoice {
    fn kind(&self, _: &Path, kinds: &[Kind]) -> Option<Kind> {
        kinds.first().copied()
    }
    fn value(&self, _: &Path, values: &[i64]) -> Option<i64> {
        values.first().copied()
    }
}

/// The model seen by one replica.
struct View<'a> {
    effects: Vec<Known<'a>>,
    model: &'a Model,
    chooser: &'a dyn Chooser,
}

impl<'a> View<'a> {
    fn new(model: &'a Model, known: &BTreeSet<usize>, chooser: &'a dyn Chooser) -> Self {
        let effects = known
            .iter()
            .flat_map(|&event| {
                model.events[event]
                    .effects
                    .iter()
                    .map(move |effect| Known { event, effect })
            })
            .collect();
        Self {
            effects,
            model,
            chooser,
        }
    }

    /// The known effects at exactly `path`.
    fn at<'b>(&'b self, path: &'b Path) -> impl Iterator<Item = &'b Known<'a>> + 'b {
        self.effects
            .iter()
            .filter(move |known| known.effect.path() == path)
    }

    /// Whether no known event that had seen `victim` killed it.
    fn alive(&self, victim: &Known<'_>) -> bool {
        !self.effects.iter().any(|killer| {
            killer.event != victim.event
                && self.model.events[killer.event].past.contains(&victim.event)
                && killer.effect.kills(victim.effect)
        })
    }

    /// What the entry at `path` shows.
    fn entry(&self, path: &Path) -> Option<Shape> {
        let writes: Vec<(Kind, Option<i64>)> = self
            .at(path)
            .filter(|known| self.alive(known))
            .filter_map(|known| match known.effect {
                Effect::Write { kind, value, .. } => Some((*kind, *value)),
                _ => None,
            })
            .collect();
        if writes.is_empty() {
            return self.surviving(path);
        }
        let mut kinds: Vec<Kind> = writes.iter().map(|(kind, _)| *kind).collect();
        kinds.dedup();
        let kind = self
            .chooser
            .kind(path, &kinds)
            .filter(|kind| kinds.contains(kind))
            .unwrap_or(kinds[0]);
        Some(match kind {
            Kind::Value => {
                let values: Vec<i64> = writes.iter().filter_map(|(_, value)| *value).collect();
                let value = self
                    .chooser
                    .value(path, &values)
                    .filter(|value| values.contains(value))
                    .unwrap_or(values[0]);
                Shape::Value(value)
            }
            Kind::Map => Shape::Map(self.map_at(path)),
            Kind::List => Shape::List(self.list_at(path)),
            Kind::Text => Shape::Text(self.text_at(path)),
            Kind::Counter => Shape::Counter(self.counter_at(path).unwrap_or(0)),
            Kind::Set => Shape::Set(self.set_at(path)),
            Kind::MultiValue => Shape::MultiValue(self.multi_value_at(path)),
            Kind::RemoveWinsSet => Shape::RemoveWinsSet(self.remove_wins_set_at(path)),
        })
    }

    /// What an entry with no surviving kind write shows: the first kind, in the order map,
    /// list, text, counter, set, multi-value register, remove-wins set, whose content
    /// survives.
    fn surviving(&self, path: &Path) -> Option<Shape> {
        let map = self.map_at(path);
        if !map.is_empty() {
            return Some(Shape::Map(map));
        }
        let list = self.list_at(path);
        if !list.is_empty() {
            return Some(Shape::List(list));
        }
        let text = self.text_at(path);
        if !text.is_empty() {
            return Some(Shape::Text(text));
        }
        if let Some(total) = self.counter_at(path) {
            return Some(Shape::Counter(total));
        }
        let set = self.set_at(path);
        if !set.is_empty() {
            return Some(Shape::Set(set));
        }
        let values = self.multi_value_at(path);
        if !values.is_empty() {
            return Some(Shape::MultiValue(values));
        }
        let set = self.remove_wins_set_at(path);
        (!set.is_empty()).then_some(Shape::RemoveWinsSet(set))
    }

    /// The present names of the map at `path`.
    fn map_at(&self, path: &Path) -> BTreeMap<String, Shape> {
        let names: BTreeSet<&String> = self
            .effects
            .iter()
            .filter_map(|known| {
                let child = known.effect.path();
                match child.get(path.len()) {
                    Some(Segment::Key(name)) if child.starts_with(path) => Some(name),
                    _ => None,
                }
            })
            .collect();
        names
            .into_iter()
            .filter_map(|name| {
                let mut child = path.clone();
                child.push(Segment::Key(name.clone()));
                self.entry(&child).map(|shape| (name.clone(), shape))
            })
            .collect()
    }

    /// The surviving elements of the list at `path`.
    fn list_at(&self, path: &Path) -> BTreeMap<i64, Shape> {
        let deleted: BTreeSet<i64> = self
            .at(path)
            .filter_map(|known| match known.effect {
                Effect::ListDelete(_, ids) => Some(ids.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect();
        let mut elements = BTreeMap::new();
        for known in self.at(path).filter(|known| self.alive(known)) {
            if let Effect::ListInsert { ids, maps, .. } = known.effect {
                for &id in ids.iter().filter(|id| !deleted.contains(id)) {
                    let shape = if *maps {
                        let mut element = path.clone();
                        element.push(Segment::Element(id));
                        Shape::Map(self.map_at(&element))
                    } else {
                        Shape::Value(id)
                    };
                    elements.insert(id, shape);
                }
            }
        }
        elements
    }

    /// The surviving characters of the text at `path`, one run per surviving insertion, in
    /// the order it inserted them.
    fn text_runs(&self, path: &Path) -> Vec<Vec<char>> {
        let deleted: BTreeSet<char> = self
            .at(path)
            .filter_map(|known| match known.effect {
                Effect::TextDelete(_, chars) => Some(chars.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect();
        self.at(path)
            .filter(|known| self.alive(known))
            .filter_map(|known| match known.effect {
                Effect::TextInsert(_, chars) => Some(
                    chars
                        .iter()
                        .copied()
                        .filter(|c| !deleted.contains(c))
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    /// The surviving characters of the text at `path`.
    fn text_at(&self, path: &Path) -> BTreeSet<char> {
        self.text_runs(path).into_iter().flatten().collect()
    }

    /// The total of the surviving counter changes at `path`, if any survives.
    fn counter_at(&self, path: &Path) -> Option<i64> {
        self.at(path)
            .filter(|known| self.alive(known))
            .filter_map(|known| match known.effect {
                Effect::Count(_, amount) => Some(*amount),
                _ => None,
            })
            .reduce(|total, amount| total + amount)
    }

    /// The elements of the set at `path`: added by a surviving insertion that no removal of
    /// the element had seen.
    fn set_at(&self, path: &Path) -> BTreeSet<i64> {
        let events = &self.model.events;
        self.at(path)
            .filter(|known| self.alive(known))
            .filter_map(|added| match added.effect {
                Effect::SetAdd(_, element) => {
                    let removed = self.at(path).any(|removal| {
                        matches!(removal.effect, Effect::SetRemove(_, gone) if gone == element)
                            && events[removal.event].past.contains(&added.event)
                    });
                    (!removed).then_some(*element)
                }
                _ => None,
            })
            .collect()
    }
}

impl View<'_> {
    /// The values of the multi-value register at `path`: every surviving write — one no
    /// known later write had seen, and no removal or kind change that had seen it took.
    fn multi_value_at(&self, path: &Path) -> Vec<i64> {
        let mut values: Vec<i64> = self
            .at(path)
            .filter(|known| self.alive(known))
            .filter_map(|known| match known.effect {
                Effect::MultiValuePut(_, value) => Some(*value),
                _ => None,
            })
            .collect();
        values.sort_unstable();
        values
    }

    /// The elements of the remove-wins set at `path`: those whose latest operations (the
    /// surviving additions and removals of the element) are all additions.
    fn remove_wins_set_at(&self, path: &Path) -> BTreeSet<i64> {
        let mut latest: BTreeMap<i64, bool> = BTreeMap::new();
        for known in self.at(path).filter(|known| self.alive(known)) {
            let added = match known.effect {
                Effect::RemoveWinsAdd(..) => true,
                Effect::RemoveWinsRemove(..) => false,
                _ => continue,
            };
            let element = known.effect.remove_wins_element().expect("a set operation");
            let all_added = latest.entry(element).or_insert(true);
            *all_added &= added;
        }
        latest
            .into_iter()
            .filter_map(|(element, all_added)| all_added.then_some(element))
            .collect()
    }
}

/// The shape of what a replica shows, from its [`Node`]: `None` if it holds something the
/// model has no shape for (which then fails the comparison).
#[must_use]
pub fn shape_of(node: &Node) -> Option<Shape> {
    Some(match node {
        Node::Value(Value::Int(value)) => Shape::Value(*value),
        Node::Value(_) => return None,
        Node::Map(entries) => Shape::Map(
            entries
                .iter()
                .map(|(name, child)| Some((name.clone(), shape_of(child)?)))
                .collect::<Option<_>>()?,
        ),
        Node::List(items) => Shape::List(
            items
                .iter()
                .map(|item| Some((element_id(item)?, shape_of(item)?)))
                .collect::<Option<_>>()?,
        ),
        Node::Text(text) => Shape::Text(text.chars().collect()),
        Node::Counter(total) => Shape::Counter(*total),
        Node::Set(elements) => Shape::Set(integers(elements)?.into_iter().collect()),
        Node::MultiValue(values) => {
            let mut values = integers(values)?;
            values.sort_unstable();
            Shape::MultiValue(values)
        }
        Node::RemoveWinsSet(elements) => {
            Shape::RemoveWinsSet(integers(elements)?.into_iter().collect())
        }
    })
}

/// The integers `values` hold (`None` if one is something else).
fn integers(values: &[Value]) -> Option<Vec<i64>> {
    values
        .iter()
        .map(|value| match value {
            Value::Int(value) => Some(*value),
            _ => None,
        })
        .collect()
}

/// The identity of a list element: the integer itself, or a map's `"id"`.
#[must_use]
pub fn element_id(node: &Node) -> Option<i64> {
    match node {
        Node::Value(Value::Int(id)) => Some(*id),
        Node::Map(entries) => match entries.get("id") {
            Some(Node::Value(Value::Int(id))) => Some(*id),
            _ => None,
        },
        _ => None,
    }
}

/// The node at `path` in `root`, if the replica shows one there.
#[must_use]
pub fn node_at<'a>(root: &'a Node, path: &[Segment]) -> Option<&'a Node> {
    path.iter()
        .try_fold(root, |node, segment| match (node, segment) {
            (Node::Map(entries), Segment::Key(name)) => entries.get(name),
            (Node::List(items), Segment::Element(id)) => {
                items.iter().find(|item| element_id(item) == Some(*id))
            }
            _ => None,
        })
}
