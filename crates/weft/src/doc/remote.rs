//! Events of a received delta, computed from the delta itself: before the join, for every
//! name and element the delta's fragment touches, what it showed; after the join, what it
//! shows — texts and lists through [`Text::splices`] and [`List::splices`] (O(runs · log n)).
//! Nothing the delta does not touch is read.

use std::collections::HashSet;

use weft_core::ReplicaTable;
use weft_core::store::DotStore;
use weft_text::{ListIncoming, Splice, Text, TextIncoming};

use crate::doc::entry::Entry;
use crate::doc::events::{Change, EventLog, KeyChange, ListDelta, TextDelta};
use crate::doc::kind::Kind;
use crate::doc::list::{ChildKey, Item, ListContainer};
use crate::doc::node::{Node, sorted};
use crate::doc::object::Object;
use crate::doc::path::{ContainerPath, Step, positional};
use crate::value::Value;

/// What a delta touches in a map, read before the join.
pub(crate) struct MapPlan {
    keys: Vec<(String, EntryPlan)>,
}

/// What a delta touches in one entry, read before the join.
struct EntryPlan {
    old_kind: Option<Kind>,
    /// What the entry showed, when the delta may replace it as a whole.
    old_node: Option<Node>,
    inner: Inner,
}

/// What the delta touches inside a container that keeps its kind.
enum Inner {
    Nothing,
    /// A removal record came with the entry: what it drops is reported by comparing the
    /// entry's picture before and after.
    Recorded,
    Map(MapPlan),
    Text(TextIncoming),
    List(ListPlan),
    Counter(i64),
    /// The elements of an add-wins or a remove-wins set.
    Set(Vec<Value>),
    /// The values of a multi-value register, sorted by encoding.
    MultiValue(Vec<Value>),
}

struct ListPlan {
    order: ListIncoming<Item>,
    children: Vec<(ChildKey, EntryPlan)>,
}

/// The names of the delta's replicas and this replica's table, to read a fragment.
#[derive(Clone, Copy)]
pub(crate) struct Names<'a> {
    pub(crate) replicas: &'a [weft_core::ReplicaId],
    pub(crate) table: &'a ReplicaTable,
}

impl MapPlan {
    /// Reads what `fragment` touches in `current` (absent: the map does not exist here yet).
    pub(crate) fn read(current: Option<&Object>, fragment: &Object, names: Names<'_>) -> Self {
        let keys = fragment
            .0
            .slots()
            .map(|(name, slot)| {
                let here = current.and_then(|map| map.get(name));
                let recorded = slot.removal().is_some();
                (
                    name.clone(),
                    EntryPlan::read(here, slot.value(), recorded, names),
                )
            })
            .collect();
        Self { keys }
    }

    /// Records the events of the map at `path` (now `current`), after the join.
    pub(crate) fn events(
        self,
        root: &Object,
        path: &ContainerPath,
        current: Option<&Object>,
        table: &ReplicaTable,
        log: &mut EventLog,
    ) {
        let mut changes = Vec::new();
        for (name, plan) in self.keys {
            let entry = current.and_then(|map| map.get(&name));
            let inner_path = path.then(Step::Key(name.clone()));
            if let Some(change) = plan.events(root, &inner_path, entry, table, log) {
                changes.push(KeyChange {
                    key: name,
                    old: change.0,
                    new: change.1,
                });
            }
        }
        if !changes.is_empty() {
            push(root, path, Change::Map(changes), log);
        }
    }
}

impl EntryPlan {
    /// `recorded`: the fragment's slot carries a removal record, which may drop anything
    /// below the entry without the fragment naming it.
    fn read(here: Option<&Entry>, fragment: &Entry, recorded: bool, names: Names<'_>) -> Self {
        let old_kind = here.and_then(Entry::kind);
        let Some(here) = here.filter(|_| old_kind.is_some()) else {
            return Self {
                old_kind,
                old_node: None,
                inner: Inner::Nothing,
            };
        };
        // A write of the kind this replica does not hold, or a removal, may replace what the
        // entry shows as a whole: keep its picture.
        let replaces = recorded
            || fragment.is_bottom()
            || (!fragment.kind.is_bottom() && !fragment.kind.content_eq(&here.kind))
            || old_kind == Some(Kind::Value);
        let old_node = replaces.then(|| Node::of_entry(here)).flatten();
        let inner = match old_kind {
            _ if recorded => Inner::Recorded,
            Some(Kind::Map) => fragment.map.as_deref().map_or(Inner::Nothing, |part| {
                Inner::Map(MapPlan::read(here.as_map(), part, names))
            }),
            Some(Kind::Text) => match (here.as_text(), fragment.text.as_deref()) {
                (Some(text), Some(part)) => {
                    Inner::Text(text.incoming(part, names.replicas, names.table))
                }
                _ => Inner::Nothing,
            },
            Some(Kind::List) => match (here.as_list(), fragment.list.as_deref()) {
                (Some(list), Some(part)) => Inner::List(ListPlan::read(list, part, names)),
                _ => Inner::Nothing,
            },
            Some(Kind::Counter) => fragment.counter.as_deref().map_or(Inner::Nothing, |_| {
                Inner::Counter(here.as_counter().map_or(0, weft_core::PNCounter::value))
            }),
            Some(Kind::Set) => fragment
                .set
                .as_deref()
                .map_or(Inner::Nothing, |_| Inner::Set(set_elements(here))),
            Some(Kind::RemoveWinsSet) => fragment
                .remove_wins_set
                .as_deref()
                .map_or(Inner::Nothing, |_| Inner::Set(set_elements(here))),
            Some(Kind::MultiValue) => fragment
                .multi_value
                .as_deref()
                .map_or(Inner::Nothing, |_| Inner::MultiValue(multi_values(here))),
            Some(Kind::Value) | None => Inner::Nothing,
        };
        Self {
            old_kind,
            old_node,
            inner,
        }
    }

    /// Records the events inside the entry at `path` (now `entry`); returns the change of the
    /// entry as a whole (old, new) if it was replaced, written, created or removed.
    #[allow(clippy::type_complexity)]
    fn events(
        self,
        root: &Object,
        path: &ContainerPath,
        entry: Option<&Entry>,
        table: &ReplicaTable,
        log: &mut EventLog,
    ) -> Option<(Option<Node>, Option<Node>)> {
        let new_kind = entry.and_then(Entry::kind);
        if new_kind != self.old_kind {
            return Some((self.old_node, entry.and_then(Node::of_entry)));
        }
        let entry = entry?;
        match self.inner {
            _ if new_kind == Some(Kind::Value) || matches!(self.inner, Inner::Recorded) => {
                let new = Node::of_entry(entry);
                (self.old_node != new).then_some((self.old_node, new))
            }
            Inner::Nothing | Inner::Recorded => None,
            Inner::Map(plan) => {
                plan.events(root, path, entry.as_map(), table, log);
                None
            }
            Inner::Text(incoming) => {
                if let Some(text) = entry.as_text() {
                    text_events(root, path, text, &incoming, table, log);
                }
                None
            }
            Inner::List(plan) => {
                if let Some(list) = entry.as_list() {
                    plan.events(root, path, list, table, log);
                }
                None
            }
            Inner::Counter(old) => {
                let new = entry.as_counter().map_or(0, weft_core::PNCounter::value);
                if new != old {
                    push(root, path, Change::Counter(old, new), log);
                }
                None
            }
            Inner::MultiValue(old) => {
                let new = multi_values(entry);
                if new != old {
                    push(root, path, Change::MultiValue { old, new }, log);
                }
                None
            }
            Inner::Set(old) => {
                let new = set_elements(entry);
                let before: HashSet<&Value> = old.iter().collect();
                let after: HashSet<&Value> = new.iter().collect();
                let added: Vec<Value> = new
                    .iter()
                    .filter(|v| !before.contains(v))
                    .cloned()
                    .collect();
                let removed: Vec<Value> =
                    old.iter().filter(|v| !after.contains(v)).cloned().collect();
                if !added.is_empty() || !removed.is_empty() {
                    push(root, path, Change::Set { added, removed }, log);
                }
                None
            }
        }
    }
}

/// The elements of the set `entry` shows (add-wins or remove-wins), in this replica's order.
fn set_elements(entry: &Entry) -> Vec<Value> {
    if let Some(set) = entry.as_set() {
        set.iter().cloned().collect()
    } else if let Some(set) = entry.as_remove_wins_set() {
        set.iter().cloned().collect()
    } else {
        Vec::new()
    }
}

/// The values of the multi-value register `entry` shows, sorted by encoding.
fn multi_values(entry: &Entry) -> Vec<Value> {
    sorted(
        entry
            .as_multi_value()
            .map(|register| register.values().cloned().collect()),
    )
}

impl ListPlan {
    fn read(list: &ListContainer, fragment: &ListContainer, names: Names<'_>) -> Self {
        let order = list
            .order
            .incoming(&fragment.order, names.replicas, names.table);
        let children = fragment
            .children
            .slots()
            .filter_map(|(key, slot)| {
                let here = list.children.get(key)?;
                let recorded = slot.removal().is_some();
                Some((
                    *key,
                    EntryPlan::read(Some(here), slot.value(), recorded, names),
                ))
            })
            .collect();
        Self { order, children }
    }

    fn events(
        self,
        root: &Object,
        path: &ContainerPath,
        list: &ListContainer,
        table: &ReplicaTable,
        log: &mut EventLog,
    ) {
        let runs = list.order.splices(&self.order, table);
        if !runs.is_empty() {
            let runs = runs
                .into_iter()
                .map(|run| match run {
                    Splice::Retain(count) => ListDelta::Retain(count),
                    Splice::Insert(items) => ListDelta::Insert(
                        items
                            .iter()
                            .map(|item| match item {
                                Item::Value(value) => Node::Value(value.clone()),
                                Item::Container(key) => list
                                    .children
                                    .get(key)
                                    .and_then(Node::of_entry)
                                    .unwrap_or(Node::Value(Value::Null)),
                            })
                            .collect(),
                    ),
                    Splice::Delete(items) => ListDelta::Delete(items.len()),
                })
                .collect();
            push(root, path, Change::List(runs), log);
        }
        for (key, plan) in self.children {
            let inner_path = path.then(Step::Child(key));
            let child = list.children.get(&key);
            // A child replaced as a whole shows in its list's runs; only changes inside are
            // events of their own.
            let _ = plan.events(root, &inner_path, child, table, log);
        }
    }
}

fn text_events(
    root: &Object,
    path: &ContainerPath,
    text: &Text,
    incoming: &TextIncoming,
    table: &ReplicaTable,
    log: &mut EventLog,
) {
    let runs: Vec<TextDelta> = text
        .splices(incoming, table)
        .into_iter()
        .map(|(run, utf16)| match run {
            Splice::Retain(chars) => TextDelta::Retain {
                chars,
                utf16,
                attributes: None,
            },
            Splice::Insert(text) => TextDelta::Insert(text),
            Splice::Delete(text) => TextDelta::Delete(text),
        })
        .collect();
    if !runs.is_empty() {
        push(root, path, Change::Text(runs), log);
    }
    // Formatting, over the text as it is now (after the inserts and deletes above).
    let formats = format_runs(text, incoming);
    if !formats.is_empty() {
        push(root, path, Change::Text(formats), log);
    }
}

/// The formatting changes of `incoming` as retain runs with attributes (the stretches
/// between them as plain retains), over the text after the join.
pub(crate) fn format_runs(text: &Text, incoming: &TextIncoming) -> Vec<TextDelta> {
    let mut runs = Vec::new();
    let mut at = 0;
    let utf16 = |chars: usize| text.char_to_utf16(chars).unwrap_or(chars);
    for (range, format) in text.format_changes(incoming) {
        if range.start > at {
            runs.push(TextDelta::Retain {
                chars: range.start - at,
                utf16: utf16(range.start) - utf16(at),
                attributes: None,
            });
        }
        runs.push(TextDelta::Retain {
            chars: range.len(),
            utf16: utf16(range.end) - utf16(range.start),
            attributes: Some(format),
        });
        at = range.end;
    }
    runs
}

fn push(root: &Object, path: &ContainerPath, change: Change, log: &mut EventLog) {
    if let Some(segments) = positional(root, path) {
        log.push(path.clone(), segments, change);
    }
}
