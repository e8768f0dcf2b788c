//! `Object`: a map from names to entries — the root of a document and every nested map.

use weft_core::codec::{DotReader, DotWriter, Encoder};
use weft_core::store::{DotStore, Keyed};
use weft_core::{AddWinsSet, PNCounter, Scope};
use weft_text::Text;

use crate::doc::entry::Entry;
use crate::doc::kind::Kind;
use crate::doc::list::ListContainer;
use crate::value::Value;

/// Schema tag of a document map.
const OBJECT: u8 = 0x61;

/// A map from names to [`Entry`]s: the root of a [`Doc`](crate::Doc) and every nested map.
///
/// Removing a name removes what the remover saw; a concurrent change under that name keeps it,
/// with only that change's effect (the OR-map of the δ-CRDT paper, over [`Keyed`]).
#[derive(Clone, Debug, Default)]
pub struct Object(pub(crate) Keyed<String, Entry>);

impl Object {
    /// The entry under `name`, if present (it shows something: [`Entry::kind`]).
    #[must_use]
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.0
            .get(&name.to_owned())
            .filter(|entry| entry.kind().is_some())
    }

    /// The present names (those whose entry shows something: [`Entry::kind`]) and their
    /// entries, in the order this replica first saw the names.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &Entry)> + '_ {
        self.0.iter().filter(|(_, entry)| entry.kind().is_some())
    }

    /// How many names are present.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// Whether no name is present.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }

    /// The primitive value under `name`.
    #[must_use]
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.entry(name).and_then(Entry::value)
    }

    /// The text under `name`.
    #[must_use]
    pub fn text(&self, name: &str) -> Option<&Text> {
        self.entry(name).and_then(Entry::text)
    }

    /// The map under `name`.
    #[must_use]
    pub fn map(&self, name: &str) -> Option<&Object> {
        self.entry(name).and_then(Entry::map)
    }

    /// The list under `name`.
    #[must_use]
    pub fn list(&self, name: &str) -> Option<&ListContainer> {
        self.entry(name).and_then(Entry::list)
    }

    /// The counter under `name`.
    #[must_use]
    pub fn counter(&self, name: &str) -> Option<&PNCounter> {
        self.entry(name).and_then(Entry::counter)
    }

    /// The set under `name`.
    #[must_use]
    pub fn set(&self, name: &str) -> Option<&AddWinsSet<Value>> {
        self.entry(name).and_then(Entry::set)
    }
}

/// Changes to a document map, on the map's [`Scope`] (import it, or `weft::prelude::*`).
pub trait ObjectEditor {
    /// Changes the entry under `name` (created if absent) through `change`.
    fn entry<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, Entry>) -> R) -> R;

    /// Writes a primitive value under `name`, replacing whatever was there.
    fn set(&mut self, name: &str, value: impl Into<Value>);

    /// Removes `name` as this replica sees it. Returns whether it was present.
    fn remove(&mut self, name: &str) -> bool;

    /// Changes the text under `name` (made a text if it is something else).
    fn text<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, Text>) -> R) -> R;

    /// Changes the map under `name` (made a map if it is something else).
    fn map<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, Object>) -> R) -> R;

    /// Changes the list under `name` (made a list if it is something else).
    fn list<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, ListContainer>) -> R)
    -> R;

    /// Changes the counter under `name` (made a counter if it is something else).
    fn counter<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, PNCounter>) -> R) -> R;

    /// Changes the set under `name` (made a set if it is something else).
    fn set_of<R>(
        &mut self,
        name: &str,
        change: impl FnOnce(&mut Scope<'_, AddWinsSet<Value>>) -> R,
    ) -> R;
}

impl ObjectEditor for Scope<'_, Object> {
    fn entry<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, Entry>) -> R) -> R {
        let records = self.records_delta();
        let (store, delta, transaction) = self.parts();
        store.0.with_slot(
            &mut delta.0,
            transaction,
            name.to_owned(),
            |entry, delta, transaction| {
                change(&mut Scope::nested(entry, delta, transaction, records))
            },
        )
    }

    fn set(&mut self, name: &str, value: impl Into<Value>) {
        let value = value.into();
        self.entry(name, |entry| entry.set_value(value));
    }

    fn remove(&mut self, name: &str) -> bool {
        if self.current().entry(name).is_none() {
            return false;
        }
        let (store, delta, transaction) = self.parts();
        store.0.remove(&mut delta.0, transaction, &name.to_owned())
    }

    fn text<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, Text>) -> R) -> R {
        self.entry(name, |entry| entry.text(change))
    }

    fn map<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, Object>) -> R) -> R {
        self.entry(name, |entry| entry.map(change))
    }

    fn list<R>(
        &mut self,
        name: &str,
        change: impl FnOnce(&mut Scope<'_, ListContainer>) -> R,
    ) -> R {
        self.entry(name, |entry| entry.list(change))
    }

    fn counter<R>(&mut self, name: &str, change: impl FnOnce(&mut Scope<'_, PNCounter>) -> R) -> R {
        self.entry(name, |entry| entry.counter(change))
    }

    fn set_of<R>(
        &mut self,
        name: &str,
        change: impl FnOnce(&mut Scope<'_, AddWinsSet<Value>>) -> R,
    ) -> R {
        self.entry(name, |entry| entry.set(change))
    }
}

/// Changes to one document entry, on the entry's [`Scope`] (import it, or
/// `weft::prelude::*`).
pub trait EntryEditor {
    /// Writes a primitive value, replacing whatever the entry held.
    fn set_value(&mut self, value: Value);

    /// Changes the entry's text (making the entry a text first if needed).
    fn text<R>(&mut self, change: impl FnOnce(&mut Scope<'_, Text>) -> R) -> R;

    /// Changes the entry's map (making the entry a map first if needed).
    fn map<R>(&mut self, change: impl FnOnce(&mut Scope<'_, Object>) -> R) -> R;

    /// Changes the entry's list (making the entry a list first if needed).
    fn list<R>(&mut self, change: impl FnOnce(&mut Scope<'_, ListContainer>) -> R) -> R;

    /// Changes the entry's counter (making the entry a counter first if needed).
    fn counter<R>(&mut self, change: impl FnOnce(&mut Scope<'_, PNCounter>) -> R) -> R;

    /// Changes the entry's set (making the entry a set first if needed).
    fn set<R>(&mut self, change: impl FnOnce(&mut Scope<'_, AddWinsSet<Value>>) -> R) -> R;
}

/// Generates the `EntryEditor` method that switches the entry to a container kind and runs a
/// change on that container.
macro_rules! container_accessor {
    ($method:ident, $field:ident, $kind:expr, $store:ty) => {
        fn $method<R>(&mut self, change: impl FnOnce(&mut Scope<'_, $store>) -> R) -> R {
            let records = self.records_delta();
            let (entry, delta, transaction) = self.parts();
            entry.switch_to(transaction, $kind, delta);
            let part = entry.$field.get_or_insert_with(Box::default);
            let delta_part = delta.$field.get_or_insert_with(Box::default);
            change(&mut Scope::nested(part, delta_part, transaction, records))
        }
    };
}

impl EntryEditor for Scope<'_, Entry> {
    fn set_value(&mut self, value: Value) {
        let records = self.records_delta();
        let (entry, delta, transaction) = self.parts();
        // A value write is a write of the kind too, so that it competes by Lamport time with
        // a concurrent kind change, and a concurrent removal cannot leave it without a kind.
        if !entry.switch_to(transaction, Kind::Value, delta) {
            entry.write_kind(transaction, Kind::Value, delta);
        }
        Scope::nested(&mut entry.value, &mut delta.value, transaction, records).set(value);
    }

    container_accessor!(text, text, Kind::Text, Text);
    container_accessor!(map, map, Kind::Map, Object);
    container_accessor!(list, list, Kind::List, ListContainer);
    container_accessor!(counter, counter, Kind::Counter, PNCounter);
    container_accessor!(set, set, Kind::Set, AddWinsSet<Value>);
}

impl DotStore for Object {
    fn write_schema(out: &mut Encoder) {
        out.u8(OBJECT);
    }

    fn is_bottom(&self) -> bool {
        self.0.is_bottom()
    }

    fn join(
        &mut self,
        context: &weft_core::CausalContext,
        other: Self,
        other_context: &weft_core::CausalContext,
    ) {
        self.0.join(context, other.0, other_context);
    }

    fn delta_since(&self, since: &weft_core::Clock) -> Self {
        Self(self.0.delta_since(since))
    }

    fn clear(
        &mut self,
        transaction: &mut weft_core::Transaction,
        event: weft_core::Dot,
        delta: &mut Self,
    ) {
        self.0.clear(transaction, event, &mut delta.0);
    }

    fn remap(&mut self, map: &[weft_core::ReplicaIndex]) {
        self.0.remap(map);
    }

    fn visit_dots(&self, visit: &mut dyn FnMut(weft_core::Dot)) {
        self.0.visit_dots(visit);
    }

    fn visit_dot_ranges(&self, visit: &mut dyn FnMut(weft_core::ReplicaIndex, u64, u64)) {
        self.0.visit_dot_ranges(visit);
    }

    fn max_lamport(&self) -> u64 {
        self.0.max_lamport()
    }

    fn content_eq(&self, other: &Self) -> bool {
        self.0.content_eq(&other.0)
    }

    fn digest(
        &self,
        names: &[weft_core::ReplicaId],
        path: &mut Vec<u8>,
        out: &mut weft_core::DigestBuilder,
    ) {
        self.0.digest(names, path, out);
    }

    fn repair_join(&mut self, other: Self) {
        self.0.repair_join(other.0);
    }

    fn encode(&self, out: &mut DotWriter) {
        self.0.encode(out);
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, weft_core::DecodeError> {
        Keyed::decode(input).map(Self)
    }

    fn check(&self) {
        self.0.check();
    }
}
