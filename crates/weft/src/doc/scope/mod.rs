//! Scoped handles on the containers of a document during a transaction: [`MapScope`],
//! [`ListScope`], [`TextScope`], [`CounterScope`], [`SetScope`], [`MultiValueScope`] and
//! [`RemoveWinsSetScope`]. Their methods are
//! inherent (no trait to import), and each records the event of its change as it makes it —
//! the position and the content are known right there, so an event costs O(log n + size of
//! the change).
//!
//! A handle holds the transaction and the path of its container ([`ContainerPath`]), never a
//! reference into the document: each change walks down the path. A handle borrows the
//! transaction mutably, so while it lives no other handle can change the document: a path
//! that was valid when the handle was made stays valid.

mod leaf;
mod list;
mod map;
mod multi_value;
mod remove_wins_set;
mod text;

pub use leaf::{CounterScope, SetScope};
pub use list::ListScope;
pub use map::MapScope;
pub use multi_value::MultiValueScope;
pub use remove_wins_set::RemoveWinsSetScope;
pub use text::TextScope;

use weft_core::Scope;

use crate::doc::entry::Entry;
use crate::doc::events::{Change, EventLog, KeyChange, ListDelta, empty_node};
use crate::doc::kind::Kind;
use crate::doc::node::Node;
use crate::doc::object::Object;
use crate::doc::path::{ContainerPath, Step, descend, find_child, lookup, positional};
use crate::undo::{Done, marker_of};

/// What the handles of one transaction share: the root map being changed and the events
/// being recorded.
pub(crate) trait Editing {
    /// The root map as it stands.
    fn current(&self) -> &Object;

    /// Changes the root map through `change`.
    fn change(&mut self, change: &mut dyn FnMut(&mut Scope<'_, Object>));

    /// The events being recorded, if anyone listens.
    fn log(&mut self) -> Option<&mut EventLog>;

    /// The changes being recorded for undo managers, if any is alive.
    fn done(&mut self) -> Option<&mut Vec<Done>>;

    /// The expand rule of marks named `name`.
    fn expand(&self, name: &str) -> weft_text::Expand;
}

/// The [`Editing`] of a transaction over the root scope `root`.
pub(crate) struct Session<'r, 's> {
    pub(crate) root: &'r mut Scope<'s, Object>,
    pub(crate) log: Option<&'r mut EventLog>,
    pub(crate) done: Option<&'r mut Vec<Done>>,
    pub(crate) expand: &'r crate::doc::ExpandRules,
}

impl Editing for Session<'_, '_> {
    fn current(&self) -> &Object {
        self.root.current()
    }

    fn change(&mut self, change: &mut dyn FnMut(&mut Scope<'_, Object>)) {
        change(self.root);
    }

    fn log(&mut self) -> Option<&mut EventLog> {
        self.log.as_deref_mut()
    }

    fn done(&mut self) -> Option<&mut Vec<Done>> {
        self.done.as_deref_mut()
    }

    fn expand(&self, name: &str) -> weft_text::Expand {
        self.expand.get(name)
    }
}

/// A handle's transaction and the path of its container.
pub(crate) struct Target<'a> {
    session: &'a mut (dyn Editing + 'a),
    path: ContainerPath,
}

impl<'a> Target<'a> {
    pub(crate) fn new(session: &'a mut (dyn Editing + 'a), path: ContainerPath) -> Self {
        Self { session, path }
    }

    /// A target below this one, borrowing the transaction.
    pub(crate) fn below(&mut self, step: Step) -> Target<'_> {
        Target {
            path: self.path.then(step),
            session: &mut *self.session,
        }
    }

    /// A target at `path` (from the document's root), borrowing the transaction.
    pub(crate) fn at(&mut self, path: ContainerPath) -> Target<'_> {
        Target {
            path,
            session: &mut *self.session,
        }
    }

    /// Checks that `path` leads somewhere: every list element it names is there.
    pub(crate) fn check_path(&self, path: &ContainerPath) -> Result<(), crate::doc::DocError> {
        lookup(self.session.current(), path.steps()).map(|_| ())
    }

    pub(crate) fn path(&self) -> &ContainerPath {
        &self.path
    }

    /// The expand rule of marks named `name` in this transaction.
    pub(crate) fn expand(&self, name: &str) -> weft_text::Expand {
        self.session.expand(name)
    }

    pub(crate) fn root(&self) -> &Object {
        self.session.current()
    }

    /// The entry of the container (`None` for the root map, or while it does not exist or
    /// shows another kind than a change through this handle will make it).
    pub(crate) fn entry(&self) -> Option<&Entry> {
        lookup(self.session.current(), self.path.steps())
            .ok()
            .flatten()
    }

    /// Whether someone listens to the events of this transaction.
    pub(crate) fn listening(&mut self) -> bool {
        self.session.log().is_some()
    }

    /// Whether an undo manager records this transaction's changes.
    pub(crate) fn recording(&mut self) -> bool {
        self.session.done().is_some()
    }

    /// Records `done` for the undo managers.
    pub(crate) fn remember(&mut self, done: Done) {
        if let Some(log) = self.session.done() {
            log.push(done);
        }
    }

    /// Records `change` of this container.
    pub(crate) fn record(&mut self, change: Change) {
        self.record_at(self.path.clone(), change);
    }

    fn record_at(&mut self, target: ContainerPath, change: Change) {
        let Some(segments) = positional(self.session.current(), &target) else {
            return;
        };
        if let Some(log) = self.session.log() {
            log.push(target, segments, change);
        }
    }

    /// Records `change` of this container, which created the container at `created`.
    pub(crate) fn record_created(&mut self, change: Change, created: ContainerPath) {
        self.record_created_at(self.path.clone(), change, created);
    }

    fn record_created_at(&mut self, target: ContainerPath, change: Change, created: ContainerPath) {
        let Some(segments) = positional(self.session.current(), &target) else {
            return;
        };
        if let Some(log) = self.session.log() {
            log.push_created(target, segments, change, created);
        }
    }

    /// Before a change that makes the container show `kind`: records, for every entry on the
    /// path that will be created or switched, the change of the name in its map.
    ///
    /// For undo, records every switch of an entry that showed something else.
    pub(crate) fn prepare(&mut self, kind: Kind) {
        let listening = self.listening();
        let recording = self.recording();
        if !(listening || recording) || self.path.steps().is_empty() {
            return;
        }
        let steps = self.path.steps().to_vec();
        let mut changes = Vec::new();
        let mut switched = Vec::new();
        let mut created = false;
        for depth in 1..=steps.len() {
            let needed = match steps.get(depth) {
                None => kind,
                Some(Step::Key(_)) => Kind::Map,
                Some(Step::Child(_)) => Kind::List,
            };
            let Step::Key(name) = &steps[depth - 1] else {
                continue;
            };
            let old = if created {
                None
            } else {
                lookup(self.session.current(), &steps[..depth])
                    .ok()
                    .flatten()
                    .filter(|entry| entry.kind().is_some())
            };
            if old.and_then(Entry::kind) == Some(needed) {
                continue;
            }
            created = true;
            let parent = ContainerPath::from_steps(steps[..depth - 1].to_vec());
            let before = marker_of(old);
            let old = old.and_then(Node::of_entry);
            if recording && old.is_some() {
                switched.push(Done::MapWritten {
                    path: parent.clone(),
                    key: name.clone(),
                    old: old.clone(),
                    before,
                    marker: None,
                });
            }
            let made = ContainerPath::from_steps(steps[..depth].to_vec());
            let change = KeyChange {
                key: name.clone(),
                old,
                new: Some(empty_node(needed)),
            };
            changes.push((parent, change, made));
        }
        if let Some(done) = self.session.done() {
            done.extend(switched);
        }
        if !listening {
            return;
        }
        for (parent, change, made) in changes {
            self.record_created_at(parent, Change::Map(vec![change]), made);
        }
    }

    /// Runs `change` on the container's entry (the path must not be the root), which shows
    /// `kind` for the change.
    pub(crate) fn apply<R>(
        &mut self,
        kind: Kind,
        change: impl FnOnce(&mut Scope<'_, Entry>) -> R,
    ) -> Option<R> {
        let mut change = Some(change);
        let mut result = None;
        let steps = self.path.steps();
        self.session.change(&mut |root| {
            if let Some(change) = change.take() {
                let mut once = Some(change);
                descend(root, steps, &mut |entry| {
                    if let Some(change) = once.take() {
                        result = Some(change(entry));
                    }
                });
            }
        });
        if self.listening() {
            self.note_shown_kinds(kind);
        }
        result
    }

    /// After a change of the container (showing `kind`): an entry whose kind write a
    /// concurrent removal took shows the first part with content (see [`Entry::kind`]), so
    /// emptying the container may make the entry show another part, or nothing. Records,
    /// from the container up, the change of every entry on the path that no longer shows
    /// the kind its step needs.
    fn note_shown_kinds(&mut self, kind: Kind) {
        let steps = self.path.steps().to_vec();
        let mut changes = Vec::new();
        for depth in (1..=steps.len()).rev() {
            let needed = match steps.get(depth) {
                None => kind,
                Some(Step::Key(_)) => Kind::Map,
                Some(Step::Child(_)) => Kind::List,
            };
            let Ok(entry) = lookup(self.session.current(), &steps[..depth]) else {
                return;
            };
            let shown = entry.and_then(Entry::kind);
            if shown == Some(needed) {
                break;
            }
            let parent = ContainerPath::from_steps(steps[..depth - 1].to_vec());
            let old = entry.map(|entry| Node::of_part(entry, needed));
            let new = entry.and_then(Node::of_entry);
            let change = match &steps[depth - 1] {
                Step::Key(name) => Change::Map(vec![KeyChange {
                    key: name.clone(),
                    old,
                    new,
                }]),
                Step::Child(key) => {
                    let list = lookup(self.session.current(), parent.steps())
                        .ok()
                        .flatten()
                        .and_then(Entry::as_list);
                    let Some((index, _)) = list.and_then(|list| find_child(list, *key)) else {
                        return;
                    };
                    let mut runs = Vec::with_capacity(3);
                    if index > 0 {
                        runs.push(ListDelta::Retain(index));
                    }
                    runs.push(ListDelta::Delete(1));
                    runs.push(ListDelta::Insert(vec![
                        new.unwrap_or(Node::Value(crate::value::Value::Null)),
                    ]));
                    Change::List(runs)
                }
            };
            changes.push((parent, change));
        }
        for (parent, change) in changes {
            self.record_at(parent, change);
        }
    }

    /// Runs `change` on the root map.
    pub(crate) fn apply_root<R>(&mut self, change: impl FnOnce(&mut Scope<'_, Object>) -> R) -> R {
        let mut change = Some(change);
        let mut result = None;
        self.session.change(&mut |root| {
            if let Some(change) = change.take() {
                result = Some(change(root));
            }
        });
        result.expect("the change ran")
    }
}
