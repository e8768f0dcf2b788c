//! `ListScope`: changes to a list of values and containers.

use std::ops::Range;

use weft_text::{Cursor, PositionError, Side};

use crate::doc::entry::Entry;
use crate::doc::error::DocError;
use crate::doc::events::{Change, ListDelta, empty_node};
use crate::doc::kind::Kind;
use crate::doc::list::{
    ChildKey, Element, Item, ListContainer, Placement, delete_range, insert_child, insert_items,
};
use crate::doc::node::Node;
use crate::doc::object::{
    counter_part, list_part, map_part, multi_value_part, put_value, remove_wins_set_part, set_part,
    text_part,
};
use crate::doc::path::Step;
use crate::doc::scope::{
    CounterScope, MapScope, MultiValueScope, RemoveWinsSetScope, SetScope, Target, TextScope,
};
use crate::undo::Done;
use crate::value::Value;

/// A list of a document during a transaction: values and nested containers in an order where
/// concurrent insertions at one place never interleave. A list that does not exist yet, or an
/// entry showing another kind, becomes a list with the first change.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// doc.transact(|root| -> Result<(), weft::DocError> {
///     let mut todos = root.list("todos");
///     todos.push("milk");
///     todos.insert_all(0, ["eggs", "flour"])?;
///     todos.push_map().put("done", false);
///     todos.delete(1..2)?;
///     Ok(())
/// }).result?;
/// assert_eq!(doc.to_json(), r#"{"todos":["eggs","milk",{"done":false}]}"#);
/// # Ok::<(), weft::DocError>(())
/// ```
pub struct ListScope<'a> {
    target: Target<'a>,
}

impl<'a> ListScope<'a> {
    pub(crate) fn from_target(target: Target<'a>) -> Self {
        Self { target }
    }

    /// The list as it stands (`None` while it does not exist or the entry shows another
    /// kind).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(root.list("new").current().is_none()));
    /// ```
    #[must_use]
    pub fn current(&self) -> Option<&ListContainer> {
        self.target.entry().and_then(Entry::as_list)
    }

    /// How many elements the list holds.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     let mut list = root.list("l");
    ///     list.push(1i64);
    ///     assert_eq!(list.len(), 1);
    /// });
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.current().map_or(0, ListContainer::len)
    }

    /// Whether the list is empty.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert!(root.list("l").is_empty()));
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A stable cursor at `index`, on side `side` of it (see [`Cursor`]): it resolves back
    /// to an index after any later or concurrent edit. O(log n).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Side};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     let mut todos = root.list("todos");
    ///     todos.insert_all(0, ["milk", "eggs"])?;
    ///     let after_milk = todos.cursor_at(1, Side::After)?;
    ///     todos.delete(0..1)?;
    ///     assert_eq!(todos.resolve_cursor(&after_milk)?, 0); // where "milk" was
    ///     Ok(())
    /// }).result?;
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end.
    pub fn cursor_at(&self, index: usize, side: Side) -> Result<Cursor, DocError> {
        match self.current() {
            Some(list) => Ok(list.cursor_at(index, side)?),
            None => Ok(ListContainer::default().cursor_at(index, side)?),
        }
    }

    /// The index `cursor` stands for now. O(log n + replicas).
    ///
    /// ```
    /// use weft::{Cursor, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| assert_eq!(root.list("l").resolve_cursor(&Cursor::End), Ok(0)));
    /// ```
    ///
    /// # Errors
    /// [`DocError::Cursor`] if the list does not hold the cursor's element.
    pub fn resolve_cursor(&self, cursor: &Cursor) -> Result<usize, DocError> {
        match self.current() {
            Some(list) => Ok(list.resolve_cursor(cursor)?),
            None => Ok(ListContainer::default().resolve_cursor(cursor)?),
        }
    }

    /// Inserts a value at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert(0, "x")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":["x"]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert(&mut self, index: usize, value: impl Into<Value>) -> Result<(), DocError> {
        self.insert_all(index, [value])
    }

    /// Inserts `values` in order at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_all(0, [1i64, 2, 3])).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[1,2,3]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_all<V: Into<Value>>(
        &mut self,
        index: usize,
        values: impl IntoIterator<Item = V>,
    ) -> Result<(), DocError> {
        let items: Vec<Item> = values
            .into_iter()
            .map(|value| Item::Value(value.into()))
            .collect();
        self.insert_items_at(Placement::At(index), items)
            .map(|_| ())
    }

    /// The visible index `placement` inserts at.
    fn index_of(&self, placement: Placement) -> Result<usize, DocError> {
        match placement {
            Placement::At(index) => {
                self.check(index, index)?;
                Ok(index)
            }
            Placement::Before(element) => {
                let run = weft_text::ElementRun {
                    first: element,
                    length: 1,
                };
                let list = self
                    .current()
                    .ok_or(weft_text::CursorError::UnknownElement { element })?;
                let placed = list.order.place(&run)?;
                Ok(placed.first().map_or(0, |placed| placed.index as usize))
            }
        }
    }

    /// Inserts the values `items` at `placement`; returns the index of the first.
    pub(crate) fn insert_items_at(
        &mut self,
        placement: Placement,
        items: Vec<Item>,
    ) -> Result<usize, DocError> {
        let index = self.index_of(placement)?;
        if items.is_empty() {
            return Ok(index);
        }
        if self.target.listening() {
            self.target.prepare(Kind::List);
            let nodes = items
                .iter()
                .map(|item| match item {
                    Item::Value(value) => Node::Value(value.clone()),
                    Item::Container(_) => Node::Value(Value::Null),
                })
                .collect();
            self.record(index, ListDelta::Insert(nodes));
        }
        let count = items.len();
        self.edit(|list| insert_items(list, placement, items))
            .expect("a handle's path stays valid while it lives")?;
        self.remember_inserted(index..index + count);
        Ok(index)
    }

    /// Records, for undo, that the elements at `range` were inserted.
    fn remember_inserted(&mut self, range: Range<usize>) {
        if !self.target.recording() {
            return;
        }
        let runs = self
            .current()
            .and_then(|list| list.order.element_runs(range).ok())
            .unwrap_or_default();
        let path = self.target.path().clone();
        self.target.remember(Done::ListInserted { path, runs });
    }

    /// What deleting `range` takes, for undo: the runs of elements, and per element the key
    /// of its container and its picture.
    fn deleted_pieces(&self, range: Range<usize>) -> Option<Done> {
        let list = self.current()?;
        let runs = list.order.element_runs(range.clone()).ok()?;
        let mut elements = range
            .filter_map(|at| list.get(at))
            .map(|element| match element {
                Element::Value(value) => (None, Node::Value(value.clone())),
                Element::Container(key, entry) => (
                    Some(key),
                    entry
                        .and_then(Node::of_entry)
                        .unwrap_or(Node::Value(Value::Null)),
                ),
            });
        let pieces = runs
            .into_iter()
            .map(|run| (run, elements.by_ref().take(run.length as usize).collect()))
            .collect();
        let path = self.target.path().clone();
        Some(Done::ListDeleted { path, pieces })
    }

    /// Appends a value.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").push(true));
    /// assert_eq!(doc.to_json(), r#"{"l":[true]}"#);
    /// ```
    pub fn push(&mut self, value: impl Into<Value>) {
        let end = self.len();
        // The end is always in range.
        let _ = self.insert(end, value);
    }

    /// Deletes the elements in `range` (and, observed-remove, the containers they hold).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_all(0, [1i64, 2, 3])).result.unwrap();
    /// doc.transact(|root| root.list("l").delete(0..2)).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[3]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] if the range is reversed or passes the end; nothing changes
    /// then.
    pub fn delete(&mut self, range: Range<usize>) -> Result<(), DocError> {
        self.check(range.start, range.end)?;
        if range.is_empty() {
            return Ok(());
        }
        if self.target.listening() {
            self.record(range.start, ListDelta::Delete(range.len()));
        }
        let done = if self.target.recording() {
            self.deleted_pieces(range.clone())
        } else {
            None
        };
        self.edit(|list| delete_range(list, range))
            .expect("a handle's path stays valid while it lives")?;
        if let Some(done) = done {
            self.target.remember(done);
        }
        Ok(())
    }

    /// Inserts a new, empty map at `index` and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| -> Result<(), weft::DocError> {
    ///     root.list("todos").insert_map(0)?.put("title", "call mum");
    ///     Ok(())
    /// }).result?;
    /// assert_eq!(doc.to_json(), r#"{"todos":[{"title":"call mum"}]}"#);
    /// # Ok::<(), weft::DocError>(())
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_map(&mut self, index: usize) -> Result<MapScope<'_>, DocError> {
        let key = self.insert_container(index, Kind::Map)?;
        Ok(MapScope::from_target(self.target.below(Step::Child(key))))
    }

    /// Inserts a new, empty list at `index` and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("rows").insert_list(0).map(|mut row| row.push(1i64)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"rows":[[1]]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_list(&mut self, index: usize) -> Result<ListScope<'_>, DocError> {
        let key = self.insert_container(index, Kind::List)?;
        Ok(ListScope::from_target(self.target.below(Step::Child(key))))
    }

    /// Inserts a new, empty text at `index` and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("notes").insert_text(0)?.insert(0, "hi")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"notes":["hi"]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_text(&mut self, index: usize) -> Result<TextScope<'_>, DocError> {
        let key = self.insert_container(index, Kind::Text)?;
        Ok(TextScope::from_target(self.target.below(Step::Child(key))))
    }

    /// Inserts a new counter at `index` and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("votes").insert_counter(0).map(|mut c| c.increment(3)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"votes":[3]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_counter(&mut self, index: usize) -> Result<CounterScope<'_>, DocError> {
        let key = self.insert_container(index, Kind::Counter)?;
        Ok(CounterScope::from_target(
            self.target.below(Step::Child(key)),
        ))
    }

    /// Inserts a new, empty add-wins set at `index` and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_add_wins_set(0).map(|mut s| s.insert(1i64)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[[1]]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_add_wins_set(&mut self, index: usize) -> Result<SetScope<'_>, DocError> {
        let key = self.insert_container(index, Kind::Set)?;
        Ok(SetScope::from_target(self.target.below(Step::Child(key))))
    }

    /// Inserts a new multi-value register at `index` and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_multi_value(0).map(|mut m| m.put(1i64)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[[1]]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_multi_value(&mut self, index: usize) -> Result<MultiValueScope<'_>, DocError> {
        let key = self.insert_container(index, Kind::MultiValue)?;
        Ok(MultiValueScope::from_target(
            self.target.below(Step::Child(key)),
        ))
    }

    /// Inserts a new, empty remove-wins set at `index` and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_remove_wins_set(0).map(|mut s| s.insert(1i64)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[[1]]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] past the end; nothing changes then.
    pub fn insert_remove_wins_set(
        &mut self,
        index: usize,
    ) -> Result<RemoveWinsSetScope<'_>, DocError> {
        let key = self.insert_container(index, Kind::RemoveWinsSet)?;
        Ok(RemoveWinsSetScope::from_target(
            self.target.below(Step::Child(key)),
        ))
    }

    /// Appends a new, empty map and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("todos").push_map().put("done", true));
    /// assert_eq!(doc.to_json(), r#"{"todos":[{"done":true}]}"#);
    /// ```
    pub fn push_map(&mut self) -> MapScope<'_> {
        let end = self.len();
        let key = self
            .insert_container(end, Kind::Map)
            .expect("the end is always in range");
        MapScope::from_target(self.target.below(Step::Child(key)))
    }

    /// The map element at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("todos").push_map().put("done", false));
    /// doc.transact(|root| root.list("todos").map_at(0).map(|mut todo| todo.put("done", true)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"todos":[{"done":true}]}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Position`] out of range, [`DocError::NotAContainer`] for a value,
    /// [`DocError::WrongKind`] for another kind of container.
    pub fn map_at(&mut self, index: usize) -> Result<MapScope<'_>, DocError> {
        let key = self.container_at(index, Kind::Map)?;
        Ok(MapScope::from_target(self.target.below(Step::Child(key))))
    }

    /// The list element at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("rows").insert_list(0).map(|_| ())).result.unwrap();
    /// doc.transact(|root| root.list("rows").list_at(0).map(|mut row| row.push(7i64)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"rows":[[7]]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`ListScope::map_at`].
    pub fn list_at(&mut self, index: usize) -> Result<ListScope<'_>, DocError> {
        let key = self.container_at(index, Kind::List)?;
        Ok(ListScope::from_target(self.target.below(Step::Child(key))))
    }

    /// The text element at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("notes").insert_text(0).map(|_| ())).result.unwrap();
    /// doc.transact(|root| root.list("notes").text_at(0)?.insert(0, "hi")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"notes":["hi"]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`ListScope::map_at`].
    pub fn text_at(&mut self, index: usize) -> Result<TextScope<'_>, DocError> {
        let key = self.container_at(index, Kind::Text)?;
        Ok(TextScope::from_target(self.target.below(Step::Child(key))))
    }

    /// The counter element at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("votes").insert_counter(0).map(|_| ())).result.unwrap();
    /// doc.transact(|root| root.list("votes").counter_at(0).map(|mut c| c.increment(1)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"votes":[1]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`ListScope::map_at`].
    pub fn counter_at(&mut self, index: usize) -> Result<CounterScope<'_>, DocError> {
        let key = self.container_at(index, Kind::Counter)?;
        Ok(CounterScope::from_target(
            self.target.below(Step::Child(key)),
        ))
    }

    /// The add-wins set element at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_add_wins_set(0).map(|_| ())).result.unwrap();
    /// doc.transact(|root| root.list("l").add_wins_set_at(0).map(|mut s| s.insert("x")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[["x"]]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`ListScope::map_at`].
    pub fn add_wins_set_at(&mut self, index: usize) -> Result<SetScope<'_>, DocError> {
        let key = self.container_at(index, Kind::Set)?;
        Ok(SetScope::from_target(self.target.below(Step::Child(key))))
    }

    /// The multi-value register element at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_multi_value(0).map(|_| ())).result.unwrap();
    /// doc.transact(|root| root.list("l").multi_value_at(0).map(|mut m| m.put("x")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[["x"]]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`ListScope::map_at`].
    pub fn multi_value_at(&mut self, index: usize) -> Result<MultiValueScope<'_>, DocError> {
        let key = self.container_at(index, Kind::MultiValue)?;
        Ok(MultiValueScope::from_target(
            self.target.below(Step::Child(key)),
        ))
    }

    /// The remove-wins set element at `index`.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").insert_remove_wins_set(0).map(|_| ())).result.unwrap();
    /// doc.transact(|root| root.list("l").remove_wins_set_at(0).map(|mut s| s.insert("x")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"l":[["x"]]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`ListScope::map_at`].
    pub fn remove_wins_set_at(&mut self, index: usize) -> Result<RemoveWinsSetScope<'_>, DocError> {
        let key = self.container_at(index, Kind::RemoveWinsSet)?;
        Ok(RemoveWinsSetScope::from_target(
            self.target.below(Step::Child(key)),
        ))
    }

    /// Inserts an empty container of `kind` at `index`; returns its identity.
    fn insert_container(&mut self, index: usize, kind: Kind) -> Result<ChildKey, DocError> {
        self.insert_container_at(Placement::At(index), kind)
            .map(|(_, key)| key)
    }

    /// Inserts an empty container of `kind` at `placement`; returns its index and identity.
    pub(crate) fn insert_container_at(
        &mut self,
        placement: Placement,
        kind: Kind,
    ) -> Result<(usize, ChildKey), DocError> {
        let index = self.index_of(placement)?;
        let listening = self.target.listening();
        if listening {
            self.target.prepare(Kind::List);
        }
        let key = self
            .edit(|list| {
                insert_child(list, placement, |child| shape(child, kind))?;
                match list.current().get(index) {
                    Some(Element::Container(key, _)) => Ok(key),
                    _ => Err(DocError::Deleted),
                }
            })
            .expect("a handle's path stays valid while it lives")?;
        self.remember_inserted(index..index + 1);
        if listening {
            let mut runs = Vec::with_capacity(2);
            if index > 0 {
                runs.push(ListDelta::Retain(index));
            }
            runs.push(ListDelta::Insert(vec![empty_node(kind)]));
            let made = self.target.path().then(Step::Child(key));
            self.target.record_created(Change::List(runs), made);
        }
        Ok((index, key))
    }

    /// The identity of the container of `kind` at `index`.
    fn container_at(&self, index: usize, kind: Kind) -> Result<ChildKey, DocError> {
        let length = self.len();
        match self.current().and_then(|list| list.get(index)) {
            None => Err(PositionError::OutOfRange {
                position: index as u64,
                length: length as u64,
            }
            .into()),
            Some(Element::Value(_)) => Err(DocError::NotAContainer { index }),
            Some(Element::Container(key, child)) => match child.and_then(Entry::kind) {
                Some(found) if found != kind => Err(DocError::WrongKind {
                    expected: kind,
                    found,
                }),
                _ => Ok(key),
            },
        }
    }

    fn check(&self, start: usize, end: usize) -> Result<(), DocError> {
        let length = self.len();
        if start > end {
            return Err(PositionError::Reversed {
                start: start as u64,
                end: end as u64,
            }
            .into());
        }
        if end > length {
            return Err(PositionError::OutOfRange {
                position: end as u64,
                length: length as u64,
            }
            .into());
        }
        Ok(())
    }

    fn record(&mut self, index: usize, run: ListDelta) {
        let mut runs = Vec::with_capacity(2);
        if index > 0 {
            runs.push(ListDelta::Retain(index));
        }
        runs.push(run);
        self.target.record(Change::List(runs));
    }

    fn edit<R>(
        &mut self,
        change: impl FnOnce(&mut weft_core::Scope<'_, ListContainer>) -> R,
    ) -> Option<R> {
        self.target
            .apply(Kind::List, |entry| list_part(entry, change))
    }
}

/// Makes a fresh entry (a list element, or a map name just cleared) the empty container of
/// `kind`.
pub(crate) fn shape(child: &mut weft_core::Scope<'_, Entry>, kind: Kind) {
    match kind {
        Kind::Map => map_part(child, |_| ()),
        Kind::List => list_part(child, |_| ()),
        Kind::Text => text_part(child, |_| ()),
        Kind::Counter => counter_part(child, |_| ()),
        Kind::Set => set_part(child, |_| ()),
        Kind::MultiValue => multi_value_part(child, |_| ()),
        Kind::RemoveWinsSet => remove_wins_set_part(child, |_| ()),
        Kind::Value => put_value(child, Value::Null),
    }
}
