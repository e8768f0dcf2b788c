//! `MapScope`: changes to a map of named entries (the root of a document, or nested).

use crate::doc::entry::Entry;
use crate::doc::events::{Change, KeyChange, empty_node};
use crate::doc::kind::Kind;
use crate::doc::node::Node;
use crate::doc::object::{Object, map_part, put_value, remove_entry, with_entry};
use crate::doc::path::{ContainerPath, Step};
use crate::doc::scope::list::shape;
use crate::doc::scope::{
    CounterScope, Editing, ListScope, MultiValueScope, RemoveWinsSetScope, SetScope, Target,
    TextScope,
};
use crate::undo::{Done, marker_of};
use crate::value::Value;

/// A map of a document during a transaction: the root map (the closure of
/// [`Doc::transact`](crate::Doc::transact) receives it) or a nested one. A nested map that
/// does not exist yet, or shows another kind, is made a map by its first change.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// doc.transact(|root| {
///     root.put("title", "Groceries");
///     let mut settings = root.map("settings");
///     settings.put("theme", "dark");
///     settings.map("editor").put("wrap", true);
/// });
/// assert_eq!(
///     doc.to_json(),
///     r#"{"settings":{"editor":{"wrap":true},"theme":"dark"},"title":"Groceries"}"#
/// );
/// ```
pub struct MapScope<'a> {
    target: Target<'a>,
}

impl<'a> MapScope<'a> {
    pub(crate) fn new(session: &'a mut (dyn Editing + 'a), path: ContainerPath) -> Self {
        Self {
            target: Target::new(session, path),
        }
    }

    pub(crate) fn from_target(target: Target<'a>) -> Self {
        Self { target }
    }

    /// The map as it stands (`None` while it does not exist or shows another kind).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     root.put("a", 1i64);
    ///     assert_eq!(root.current().map(|map| map.len()), Some(1));
    /// });
    /// ```
    #[must_use]
    pub fn current(&self) -> Option<&Object> {
        if self.target.path().steps().is_empty() {
            return Some(self.target.root());
        }
        self.target.entry().and_then(Entry::as_map)
    }

    /// The entry under `name`, as it stands.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, Value};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     root.put("a", 1i64);
    ///     assert_eq!(root.get("a").and_then(|a| a.as_value()), Some(&Value::Int(1)));
    /// });
    /// ```
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.current().and_then(|map| map.get(name))
    }

    /// Writes a primitive value under `name`, replacing whatever was there (last writer
    /// wins).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.put("done", false));
    /// assert_eq!(doc.to_json(), r#"{"done":false}"#);
    /// ```
    pub fn put(&mut self, name: &str, value: impl Into<Value>) {
        let value = value.into();
        self.remember_write(name);
        if self.target.listening() {
            self.target.prepare(Kind::Map);
            let old = self.get(name).and_then(Node::of_entry);
            let new = Some(Node::Value(value.clone()));
            if old != new {
                let key = name.to_owned();
                self.target
                    .record(Change::Map(vec![KeyChange { key, old, new }]));
            }
        }
        self.with_map(|map| with_entry(map, name, |entry| put_value(entry, value)));
    }

    /// Removes `name` as this replica sees it (a concurrent change under it survives).
    /// Returns whether it was present.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.put("a", 1i64));
    /// assert!(doc.transact(|root| root.delete("a")).result);
    /// assert_eq!(doc.to_json(), "{}");
    /// ```
    pub fn delete(&mut self, name: &str) -> bool {
        let Some(old) = self.get(name).map(Node::of_entry) else {
            return false;
        };
        self.remember_write(name);
        if self.target.listening() {
            let key = name.to_owned();
            self.target.record(Change::Map(vec![KeyChange {
                key,
                old,
                new: None,
            }]));
        }
        self.with_map(|map| remove_entry(map, name))
    }

    /// Removes every name as this replica sees it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| {
    ///     root.put("a", 1i64);
    ///     root.put("b", 2i64);
    /// });
    /// doc.transact(|root| root.clear());
    /// assert!(doc.root().is_empty());
    /// ```
    pub fn clear(&mut self) {
        let names: Vec<String> = self
            .current()
            .map(|map| map.entries().map(|(name, _)| name.clone()).collect())
            .unwrap_or_default();
        for name in names {
            self.delete(&name);
        }
    }

    /// Replaces whatever is under `name` by a new, empty map and returns it (as Automerge does
    /// when a JSON object is written; [`MapScope::map`] keeps the map already there).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.map("user").put("name", "Ada"));
    /// doc.transact(|root| root.put_map("user").put("id", 7i64));
    /// assert_eq!(doc.to_json(), r#"{"user":{"id":7}}"#);
    /// ```
    pub fn put_map(&mut self, name: &str) -> MapScope<'_> {
        self.replace(name, Kind::Map);
        self.map(name)
    }

    /// Replaces whatever is under `name` by a new, empty list and returns it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("l").push(1i64));
    /// doc.transact(|root| root.put_list("l").push(2i64));
    /// assert_eq!(doc.to_json(), r#"{"l":[2]}"#);
    /// ```
    pub fn put_list(&mut self, name: &str) -> ListScope<'_> {
        self.replace(name, Kind::List);
        self.list(name)
    }

    /// Records, for undo, a write of `name` about to be made: what it shows now (its marker
    /// is read when the transaction ends).
    fn remember_write(&mut self, name: &str) {
        if !self.target.recording() {
            return;
        }
        let entry = self.get(name);
        let old = entry.and_then(Node::of_entry);
        let before = marker_of(entry);
        let path = self.target.path().clone();
        self.target.remember(Done::MapWritten {
            path,
            key: name.to_owned(),
            old,
            before,
            marker: None,
        });
    }

    /// Removes `name` and makes it an empty container of `kind`.
    pub(crate) fn replace(&mut self, name: &str, kind: Kind) {
        self.remember_write(name);
        self.delete(name);
        if self.target.listening() {
            self.target.prepare(Kind::Map);
            let made = self.target.path().then(Step::Key(name.to_owned()));
            let change = Change::Map(vec![KeyChange {
                key: name.to_owned(),
                old: None,
                new: Some(empty_node(kind)),
            }]);
            self.target.record_created(change, made);
        }
        self.with_map(|map| with_entry(map, name, |entry| shape(entry, kind)));
    }

    /// The text under `name` (made a text by its first change if it is something else).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.text("note").insert(0, "hi")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"note":"hi"}"#);
    /// ```
    pub fn text(&mut self, name: &str) -> TextScope<'_> {
        TextScope::from_target(self.target.below(Step::Key(name.to_owned())))
    }

    /// The map under `name` (made a map by its first change if it is something else).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.map("user").put("name", "Ada"));
    /// assert_eq!(doc.to_json(), r#"{"user":{"name":"Ada"}}"#);
    /// ```
    pub fn map(&mut self, name: &str) -> MapScope<'_> {
        MapScope::from_target(self.target.below(Step::Key(name.to_owned())))
    }

    /// The list under `name` (made a list by its first change if it is something else).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("todos").push("milk"));
    /// assert_eq!(doc.to_json(), r#"{"todos":["milk"]}"#);
    /// ```
    pub fn list(&mut self, name: &str) -> ListScope<'_> {
        ListScope::from_target(self.target.below(Step::Key(name.to_owned())))
    }

    /// The counter under `name` (made a counter by its first change if it is something
    /// else).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.counter("likes").increment(2));
    /// assert_eq!(doc.to_json(), r#"{"likes":2}"#);
    /// ```
    pub fn counter(&mut self, name: &str) -> CounterScope<'_> {
        CounterScope::from_target(self.target.below(Step::Key(name.to_owned())))
    }

    /// The add-wins set under `name` (made a set by its first change if it is something
    /// else).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.add_wins_set("tags").insert("home"));
    /// assert_eq!(doc.to_json(), r#"{"tags":["home"]}"#);
    /// ```
    pub fn add_wins_set(&mut self, name: &str) -> SetScope<'_> {
        SetScope::from_target(self.target.below(Step::Key(name.to_owned())))
    }

    /// The multi-value register under `name` (made one by its first write if it is something
    /// else).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.multi_value("status").put("draft"));
    /// assert_eq!(doc.to_json(), r#"{"status":["draft"]}"#);
    /// ```
    pub fn multi_value(&mut self, name: &str) -> MultiValueScope<'_> {
        MultiValueScope::from_target(self.target.below(Step::Key(name.to_owned())))
    }

    /// The remove-wins set under `name` (made one by its first change if it is something
    /// else).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.remove_wins_set("blocked").insert("mallory"));
    /// assert_eq!(doc.to_json(), r#"{"blocked":["mallory"]}"#);
    /// ```
    pub fn remove_wins_set(&mut self, name: &str) -> RemoveWinsSetScope<'_> {
        RemoveWinsSetScope::from_target(self.target.below(Step::Key(name.to_owned())))
    }

    /// The text at `path`, from the document's root (for handles that keep a path, as the
    /// JavaScript bindings do).
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let path = ContainerPath::root().key("note");
    /// doc.transact(|root| root.open_text(&path)?.insert(0, "hi")).result.unwrap();
    /// assert_eq!(doc.to_json(), r#"{"note":"hi"}"#);
    /// ```
    ///
    /// # Errors
    /// [`DocError::Deleted`](crate::DocError::Deleted) if a list element the path names is
    /// gone.
    pub fn open_text(&mut self, path: &ContainerPath) -> Result<TextScope<'_>, crate::DocError> {
        self.target.check_path(path)?;
        Ok(TextScope::from_target(self.target.at(path.clone())))
    }

    /// The map at `path`, from the document's root (the root map for the empty path).
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let path = ContainerPath::root().key("user");
    /// doc.transact(|root| root.open_map(&path).map(|mut user| user.put("name", "Ada")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"user":{"name":"Ada"}}"#);
    /// ```
    ///
    /// # Errors
    /// As [`MapScope::open_text`].
    pub fn open_map(&mut self, path: &ContainerPath) -> Result<MapScope<'_>, crate::DocError> {
        self.target.check_path(path)?;
        Ok(MapScope::from_target(self.target.at(path.clone())))
    }

    /// The list at `path`, from the document's root.
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let path = ContainerPath::root().key("todos");
    /// doc.transact(|root| root.open_list(&path).map(|mut todos| todos.push("milk")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"todos":["milk"]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`MapScope::open_text`].
    pub fn open_list(&mut self, path: &ContainerPath) -> Result<ListScope<'_>, crate::DocError> {
        self.target.check_path(path)?;
        Ok(ListScope::from_target(self.target.at(path.clone())))
    }

    /// The counter at `path`, from the document's root.
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let path = ContainerPath::root().key("likes");
    /// doc.transact(|root| root.open_counter(&path).map(|mut likes| likes.increment(1)))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"likes":1}"#);
    /// ```
    ///
    /// # Errors
    /// As [`MapScope::open_text`].
    pub fn open_counter(
        &mut self,
        path: &ContainerPath,
    ) -> Result<CounterScope<'_>, crate::DocError> {
        self.target.check_path(path)?;
        Ok(CounterScope::from_target(self.target.at(path.clone())))
    }

    /// The add-wins set at `path`, from the document's root.
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let path = ContainerPath::root().key("tags");
    /// doc.transact(|root| root.open_add_wins_set(&path).map(|mut tags| tags.insert("home")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"tags":["home"]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`MapScope::open_text`].
    pub fn open_add_wins_set(
        &mut self,
        path: &ContainerPath,
    ) -> Result<SetScope<'_>, crate::DocError> {
        self.target.check_path(path)?;
        Ok(SetScope::from_target(self.target.at(path.clone())))
    }

    /// The multi-value register at `path`, from the document's root.
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let path = ContainerPath::root().key("status");
    /// doc.transact(|root| root.open_multi_value(&path).map(|mut status| status.put("draft")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"status":["draft"]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`MapScope::open_text`].
    pub fn open_multi_value(
        &mut self,
        path: &ContainerPath,
    ) -> Result<MultiValueScope<'_>, crate::DocError> {
        self.target.check_path(path)?;
        Ok(MultiValueScope::from_target(self.target.at(path.clone())))
    }

    /// The remove-wins set at `path`, from the document's root.
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let path = ContainerPath::root().key("blocked");
    /// doc.transact(|root| root.open_remove_wins_set(&path).map(|mut set| set.insert("eve")))
    ///     .result
    ///     .unwrap();
    /// assert_eq!(doc.to_json(), r#"{"blocked":["eve"]}"#);
    /// ```
    ///
    /// # Errors
    /// As [`MapScope::open_text`].
    pub fn open_remove_wins_set(
        &mut self,
        path: &ContainerPath,
    ) -> Result<RemoveWinsSetScope<'_>, crate::DocError> {
        self.target.check_path(path)?;
        Ok(RemoveWinsSetScope::from_target(
            self.target.at(path.clone()),
        ))
    }

    /// Runs `change` on this map's store.
    fn with_map<R>(&mut self, change: impl FnOnce(&mut weft_core::Scope<'_, Object>) -> R) -> R {
        if self.target.path().steps().is_empty() {
            return self.target.apply_root(change);
        }
        self.target
            .apply(Kind::Map, |entry| map_part(entry, change))
            .expect("a handle's path stays valid while it lives")
    }
}
