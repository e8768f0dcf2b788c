//! `Object`: a map from names to entries — the root of a document and every nested map.

use weft_core::codec::{DotReader, DotWriter, Encoder};
use weft_core::store::{DotStore, Keyed};
use weft_core::{AddWinsSet, MvRegister, PNCounter, RemoveWinsSet, Scope};
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
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Value};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.put("title", "Groceries"));
    /// let title = doc.root().get("title").and_then(|entry| entry.as_value());
    /// assert_eq!(title, Some(&Value::from("Groceries")));
    /// ```
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.0
            .get(&name.to_owned())
            .filter(|entry| entry.kind().is_some())
    }

    /// The present names (those whose entry shows something: [`Entry::kind`]) and their
    /// entries, in the order this replica first saw the names.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     root.put("b", 1i64);
    ///     root.put("a", 2i64);
    /// });
    /// let names: Vec<&String> = doc.root().entries().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["b", "a"]);
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = (&String, &Entry)> + '_ {
        self.0.iter().filter(|(_, entry)| entry.kind().is_some())
    }

    /// How many names are present.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.counter("likes").increment(1));
    /// assert_eq!(doc.root().len(), 1);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// Whether no name is present.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// assert!(Doc::new(ReplicaId::random()).root().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }

    /// The primitive value under `name`, if it holds one.
    #[must_use]
    pub fn get_value(&self, name: &str) -> Option<&Value> {
        self.get(name).and_then(Entry::as_value)
    }

    /// The text under `name`, if it holds one.
    #[must_use]
    pub fn get_text(&self, name: &str) -> Option<&Text> {
        self.get(name).and_then(Entry::as_text)
    }

    /// The map under `name`, if it holds one.
    #[must_use]
    pub fn get_map(&self, name: &str) -> Option<&Object> {
        self.get(name).and_then(Entry::as_map)
    }

    /// The list under `name`, if it holds one.
    #[must_use]
    pub fn get_list(&self, name: &str) -> Option<&ListContainer> {
        self.get(name).and_then(Entry::as_list)
    }

    /// The counter under `name`, if it holds one.
    #[must_use]
    pub fn get_counter(&self, name: &str) -> Option<&PNCounter> {
        self.get(name).and_then(Entry::as_counter)
    }

    /// The add-wins set under `name`, if it holds one.
    #[must_use]
    pub fn get_set(&self, name: &str) -> Option<&AddWinsSet<Value>> {
        self.get(name).and_then(Entry::as_set)
    }

    /// The multi-value register under `name`, if it holds one.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.multi_value("status").put("draft"));
    /// let register = doc.root().get_multi_value("status").unwrap();
    /// assert_eq!(register.values().count(), 1);
    /// ```
    #[must_use]
    pub fn get_multi_value(&self, name: &str) -> Option<&MvRegister<Value>> {
        self.get(name).and_then(Entry::as_multi_value)
    }

    /// The remove-wins set under `name`, if it holds one.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.remove_wins_set("blocked").insert("mallory"));
    /// assert_eq!(doc.root().get_remove_wins_set("blocked").map(|set| set.len()), Some(1));
    /// ```
    #[must_use]
    pub fn get_remove_wins_set(&self, name: &str) -> Option<&RemoveWinsSet<Value>> {
        self.get(name).and_then(Entry::as_remove_wins_set)
    }
}

/// Runs `change` on the entry `name` of the map `scope` (created if absent).
pub(crate) fn with_entry<R>(
    scope: &mut Scope<'_, Object>,
    name: &str,
    change: impl FnOnce(&mut Scope<'_, Entry>) -> R,
) -> R {
    let records = scope.records_delta();
    let (store, delta, transaction) = scope.parts();
    store.0.with_slot(
        &mut delta.0,
        transaction,
        name.to_owned(),
        |entry, delta, transaction| change(&mut Scope::nested(entry, delta, transaction, records)),
    )
}

/// Removes `name` from the map `scope` as this replica sees it. Returns whether it was present.
pub(crate) fn remove_entry(scope: &mut Scope<'_, Object>, name: &str) -> bool {
    if scope.current().get(name).is_none() {
        return false;
    }
    let (store, delta, transaction) = scope.parts();
    store.0.remove(&mut delta.0, transaction, &name.to_owned())
}

/// Writes a primitive value into the entry `scope`, replacing whatever it held.
pub(crate) fn put_value(scope: &mut Scope<'_, Entry>, value: Value) {
    let records = scope.records_delta();
    let (entry, delta, transaction) = scope.parts();
    // A value write is a write of the kind too, so that it competes by Lamport time with
    // a concurrent kind change, and a concurrent removal cannot leave it without a kind.
    if !entry.switch_to(transaction, Kind::Value, delta) {
        entry.write_kind(transaction, Kind::Value, delta);
    }
    Scope::nested(&mut entry.value, &mut delta.value, transaction, records).set(value);
}

/// Generates the function that makes the entry of `scope` show a container kind (switching
/// it if it shows something else) and runs a change on that container.
macro_rules! container_part {
    ($function:ident, $field:ident, $kind:expr, $store:ty) => {
        #[doc = concat!("Runs `change` on the entry's `", stringify!($field), "` part, making the entry show it first.")]
        pub(crate) fn $function<R>(
            scope: &mut Scope<'_, Entry>,
            change: impl FnOnce(&mut Scope<'_, $store>) -> R,
        ) -> R {
            let records = scope.records_delta();
            let (entry, delta, transaction) = scope.parts();
            entry.switch_to(transaction, $kind, delta);
            let part = entry.$field.get_or_insert_with(Box::default);
            let delta_part = delta.$field.get_or_insert_with(Box::default);
            change(&mut Scope::nested(part, delta_part, transaction, records))
        }
    };
}

container_part!(text_part, text, Kind::Text, Text);
container_part!(map_part, map, Kind::Map, Object);
container_part!(list_part, list, Kind::List, ListContainer);
container_part!(counter_part, counter, Kind::Counter, PNCounter);
container_part!(set_part, set, Kind::Set, AddWinsSet<Value>);
container_part!(
    multi_value_part,
    multi_value,
    Kind::MultiValue,
    MvRegister<Value>
);
container_part!(
    remove_wins_set_part,
    remove_wins_set,
    Kind::RemoveWinsSet,
    RemoveWinsSet<Value>
);

impl DotStore for Object {
    const DROPS_COVERED: bool = true;

    fn write_schema(out: &mut Encoder) {
        out.u8(OBJECT);
    }

    fn drop_covered(&mut self, seen: &weft_core::Clock) {
        self.0.drop_covered(seen);
    }

    fn can_drop_covered(&self) -> bool {
        self.0.can_drop_covered()
    }

    fn raise_seen(&self, seen: &mut weft_core::Clock) {
        self.0.raise_seen(seen);
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

    fn join_complete(
        &mut self,
        context: &weft_core::CausalContext,
        other: Self,
        other_context: &weft_core::CausalContext,
    ) {
        self.0.join_complete(context, other.0, other_context);
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

    fn compact(&mut self, stable: &weft_core::Clock) -> usize {
        DotStore::compact(&mut self.0, stable)
    }

    fn check(&self) -> Result<(), weft_core::InvariantViolation> {
        self.0.check()
    }
}
