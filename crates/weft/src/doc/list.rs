//! `ListContainer`: a document list of values and nested containers.

use std::ops::Range;

use weft_core::codec::{Decode, Decoder, DotReader, DotWriter, Encode, Encoder};
use weft_core::store::{DotStore, Keyed};
use weft_core::{
    CausalContext, Clock, DecodeError, DigestBuilder, Dot, ReplicaId, ReplicaIndex, Scope,
    Transaction,
};
use weft_text::{Cursor, CursorError, List, ListEditor, Side};

use crate::doc::entry::Entry;
use crate::doc::error::DocError;
use crate::value::Value;

/// Schema tag of a document list.
const LIST_CONTAINER: u8 = 0x62;

/// The name of a container held by a list element: random, so that it is unique without
/// coordination and means the same on every replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChildKey(u128);

impl ChildKey {
    fn random() -> Self {
        Self(u128::from_be_bytes(ReplicaId::random().to_bytes()))
    }

    /// The key with this number (for tests).
    #[cfg(test)]
    pub(crate) fn from_raw(raw: u128) -> Self {
        Self(raw)
    }
}

impl std::fmt::Display for ChildKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl Encode for ChildKey {
    fn encode(&self, out: &mut Encoder) {
        out.raw(&self.0.to_le_bytes());
    }
}

impl Decode for ChildKey {
    const MIN_ENCODED_LEN: usize = 16;

    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        input
            .array::<16>()
            .map(|bytes| Self(u128::from_le_bytes(bytes)))
    }
}

/// One element of a list's order: a primitive value, or the key of a nested container.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A primitive value.
    Value(Value),
    /// A container, stored under this key beside the order.
    Container(ChildKey),
}

impl Encode for Item {
    fn encode(&self, out: &mut Encoder) {
        match self {
            Self::Value(value) => {
                out.u8(0);
                value.encode(out);
            }
            Self::Container(key) => {
                out.u8(1);
                key.encode(out);
            }
        }
    }
}

impl Decode for Item {
    const MIN_ENCODED_LEN: usize = 2;

    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        match input.u8()? {
            0 => Value::decode(input).map(Self::Value),
            1 => ChildKey::decode(input).map(Self::Container),
            tag => Err(input.invalid("list item tag", tag.into(), offset)),
        }
    }
}

/// An element of a document list as it is read: a value or a container entry.
#[derive(Clone, Copy, Debug)]
pub enum Element<'a> {
    /// A primitive value.
    Value(&'a Value),
    /// A nested container (`None` while nothing was written into it).
    Container(ChildKey, Option<&'a Entry>),
}

/// A list of values and containers: the order is a [`List`] (FugueMax, never interleaving),
/// and containers live beside it, keyed by a random [`ChildKey`] their element names.
#[derive(Clone, Debug, Default)]
pub struct ListContainer {
    pub(crate) order: List<Item>,
    pub(crate) children: Keyed<ChildKey, Entry>,
}

impl ListContainer {
    /// How many elements the list shows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the list shows no element.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The element at `index`.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<Element<'_>> {
        self.order.get(index).map(|item| self.element(item))
    }

    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = Element<'_>> + '_ {
        self.order.iter().map(|item| self.element(item))
    }

    /// A stable cursor at `index`, on side `side` of it (see [`Cursor`]). O(log n).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Side};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_all(0, ["a", "c"])).result?;
    /// let list = doc.root().get("l").and_then(weft::Entry::as_list).unwrap();
    /// let cursor = list.cursor_at(1, Side::Before)?; // before "c"
    /// doc.transact(|root| root.list("l").insert(0, "z")).result?;
    /// let list = doc.root().get("l").and_then(weft::Entry::as_list).unwrap();
    /// assert_eq!(list.resolve_cursor(&cursor), Ok(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`CursorError::Position`] past the end.
    pub fn cursor_at(&self, index: usize, side: Side) -> Result<Cursor, CursorError> {
        self.order.cursor_at(index, side)
    }

    /// The index `cursor` stands for now. O(log n + replicas).
    ///
    /// ```
    /// use weft::{Cursor, ListContainer};
    /// assert_eq!(ListContainer::default().resolve_cursor(&Cursor::Start), Ok(0));
    /// ```
    ///
    /// # Errors
    /// [`CursorError::UnknownElement`] if the list does not hold the cursor's element.
    pub fn resolve_cursor(&self, cursor: &Cursor) -> Result<usize, CursorError> {
        self.order.resolve_cursor(cursor)
    }

    fn element<'a>(&'a self, item: &'a Item) -> Element<'a> {
        match item {
            Item::Value(value) => Element::Value(value),
            Item::Container(key) => Element::Container(*key, self.children.get(key)),
        }
    }
}

/// Inserts `items` at `index` of the list `scope`.
pub(crate) fn insert_items(
    scope: &mut Scope<'_, ListContainer>,
    placement: Placement,
    items: Vec<Item>,
) -> Result<(), DocError> {
    match placement {
        Placement::At(index) => {
            with_order(scope, |order| order.insert_all(index, items)).map_err(DocError::Position)
        }
        Placement::Before(element) => {
            with_order(scope, |order| order.insert_all_before(element, items))
                .map(|_| ())
                .map_err(DocError::from)
        }
    }
}

/// Inserts a new container at `index` of the list `scope` and shapes it through `change`.
pub(crate) fn insert_child<R>(
    scope: &mut Scope<'_, ListContainer>,
    placement: Placement,
    change: impl FnOnce(&mut Scope<'_, Entry>) -> R,
) -> Result<R, DocError> {
    let key = ChildKey::random();
    insert_items(scope, placement, vec![Item::Container(key)])?;
    Ok(with_child(scope, key, change))
}

/// Where list elements are inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// At this visible index.
    At(usize),
    /// Just before this element, shown or deleted (where a deleted element stood).
    Before(weft_text::ElementId),
}

/// Runs `change` on the container element `key` of the list `scope`, if it holds it.
pub(crate) fn child<R>(
    scope: &mut Scope<'_, ListContainer>,
    key: ChildKey,
    change: impl FnOnce(&mut Scope<'_, Entry>) -> R,
) -> Option<R> {
    let present = scope
        .current()
        .order
        .iter()
        .any(|item| *item == Item::Container(key));
    present.then(|| with_child(scope, key, change))
}

/// Deletes the elements in `range` of the list `scope` (and, observed-remove, the
/// containers they hold).
pub(crate) fn delete_range(
    scope: &mut Scope<'_, ListContainer>,
    range: Range<usize>,
) -> Result<(), DocError> {
    let doomed: Vec<ChildKey> = {
        let order = &scope.current().order;
        if range.start > range.end || range.end > order.len() {
            return Err(DocError::Position(weft_text::PositionError::OutOfRange {
                position: range.end as u64,
                length: order.len() as u64,
            }));
        }
        range
            .clone()
            .filter_map(|index| match order.get(index) {
                Some(Item::Container(key)) => Some(*key),
                _ => None,
            })
            .collect()
    };
    with_order(scope, |order| order.delete(range)).map_err(DocError::Position)?;
    let (store, delta, transaction) = scope.parts();
    for key in doomed {
        store
            .children
            .remove(&mut delta.children, transaction, &key);
    }
    Ok(())
}

fn with_order<R>(
    scope: &mut Scope<'_, ListContainer>,
    change: impl FnOnce(&mut Scope<'_, List<Item>>) -> R,
) -> R {
    let records = scope.records_delta();
    let (store, delta, transaction) = scope.parts();
    change(&mut Scope::nested(
        &mut store.order,
        &mut delta.order,
        transaction,
        records,
    ))
}

fn with_child<R>(
    scope: &mut Scope<'_, ListContainer>,
    key: ChildKey,
    change: impl FnOnce(&mut Scope<'_, Entry>) -> R,
) -> R {
    let records = scope.records_delta();
    let (store, delta, transaction) = scope.parts();
    store.children.with_slot(
        &mut delta.children,
        transaction,
        key,
        |entry, delta, transaction| change(&mut Scope::nested(entry, delta, transaction, records)),
    )
}

impl DotStore for ListContainer {
    fn write_schema(out: &mut Encoder) {
        out.u8(LIST_CONTAINER);
    }

    fn is_bottom(&self) -> bool {
        self.order.is_bottom() && self.children.is_bottom()
    }

    fn join(&mut self, context: &CausalContext, other: Self, other_context: &CausalContext) {
        self.order.join(context, other.order, other_context);
        self.children.join(context, other.children, other_context);
    }

    fn join_complete(
        &mut self,
        context: &CausalContext,
        other: Self,
        other_context: &CausalContext,
    ) {
        self.order
            .join_complete(context, other.order, other_context);
        self.children
            .join_complete(context, other.children, other_context);
    }

    fn delta_since(&self, since: &Clock) -> Self {
        Self {
            order: self.order.delta_since(since),
            children: self.children.delta_since(since),
        }
    }

    fn clear(&mut self, transaction: &mut Transaction, event: Dot, delta: &mut Self) {
        self.order.clear(transaction, event, &mut delta.order);
        self.children.clear(transaction, event, &mut delta.children);
    }

    fn remap(&mut self, map: &[ReplicaIndex]) {
        self.order.remap(map);
        self.children.remap(map);
    }

    fn visit_dots(&self, visit: &mut dyn FnMut(Dot)) {
        self.order.visit_dots(visit);
        self.children.visit_dots(visit);
    }

    fn visit_dot_ranges(&self, visit: &mut dyn FnMut(ReplicaIndex, u64, u64)) {
        self.order.visit_dot_ranges(visit);
        self.children.visit_dot_ranges(visit);
    }

    fn max_lamport(&self) -> u64 {
        self.order.max_lamport().max(self.children.max_lamport())
    }

    fn content_eq(&self, other: &Self) -> bool {
        self.order.content_eq(&other.order) && self.children.content_eq(&other.children)
    }

    fn digest(&self, names: &[ReplicaId], path: &mut Vec<u8>, out: &mut DigestBuilder) {
        path.push(0);
        self.order.digest(names, path, out);
        path.pop();
        path.push(1);
        self.children.digest(names, path, out);
        path.pop();
    }

    fn repair_join(&mut self, other: Self) {
        self.order.repair_join(other.order);
        self.children.repair_join(other.children);
    }

    fn encode(&self, out: &mut DotWriter) {
        self.order.encode(out);
        self.children.encode(out);
    }

    fn decode(input: &mut DotReader<'_, '_>) -> Result<Self, DecodeError> {
        Ok(Self {
            order: input.nested_store(List::decode)?,
            children: input.nested_store(Keyed::decode)?,
        })
    }

    fn compact(&mut self, stable: &Clock) -> usize {
        self.order.compact(stable) + DotStore::compact(&mut self.children, stable)
    }

    fn check(&self) -> Result<(), weft_core::InvariantViolation> {
        self.order.check()?;
        self.children.check()
    }
}
