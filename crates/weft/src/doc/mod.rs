//! `Doc`: one replica of a JSON-like document of named containers.

mod entry;
mod error;
mod events;
mod expand;
mod kind;
mod list;
mod node;
mod object;
mod observers;
mod path;
mod remote;
mod replicated;
mod scope;

pub use entry::Entry;
pub use error::DocError;
pub use events::{Change, Event, KeyChange, ListDelta, Origin, TextDelta};
pub use expand::ExpandRules;
pub use kind::Kind;
pub(crate) use list::Placement;
pub use list::{ChildKey, Element, Item, ListContainer};
pub use node::Node;
pub use object::Object;
pub use observers::Subscription;
pub use path::{ContainerPath, PathSegment, Step};
pub use replicated::DEFAULT_COMPACTION_THRESHOLD;
pub use scope::{
    CounterScope, ListScope, MapScope, MultiValueScope, RemoveWinsSetScope, SetScope, TextScope,
};

use std::fmt;

use weft_core::{DecodeError, Delta, Digest, Outcome, Replica, ReplicaId, Scope, VersionVector};

use events::EventLog;
use observers::Observers;
pub(crate) use path::lookup;
use remote::{MapPlan, Names};
use scope::Session;

use crate::undo::{Done, UndoHub};

/// A delta of a document.
pub type DocDelta = Delta<Object>;

/// What [`Doc::transact`] returns: what the closure returned, and the one delta holding every
/// change it made (empty if it made none), to send to other replicas.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut doc = Doc::new(ReplicaId::random());
/// let done = doc.transact(|root| root.list("l").insert(0, "x"));
/// assert!(done.result.is_ok());
/// assert!(!done.delta.is_empty());
/// ```
#[derive(Debug)]
pub struct Transacted<R> {
    /// What the closure returned.
    pub result: R,
    /// The changes, as one delta.
    pub delta: DocDelta,
}

/// One replica of a document: its [`ReplicaId`], one version for the whole document, and named
/// root containers — maps, lists, texts, counters, add-wins and remove-wins sets, multi-value
/// registers and values — nested as deep as needed.
///
/// Change it in transactions: [`Doc::transact`] hands the closure the root [`MapScope`],
/// whose methods reach every container (`root.text("title").insert(0, "Hi")`), and returns
/// the delta to send. [`Doc::apply`] merges a delta from another replica once what it depends
/// on has arrived. Observers ([`Doc::observe`], [`Doc::observe_deep`], [`Doc::subscribe`])
/// hear what changed, with the transaction's [`Origin`] and whether it was made here.
///
/// A `Doc` is a delta-state CRDT like every other Weft type: [`Doc::delta_since`] returns
/// what a replica at a version lacks, and the sync protocol (`weft::sync`) works on it.
///
/// ```
/// use weft::{Doc, ReplicaId};
/// let mut alice = Doc::new(ReplicaId::random());
/// let mut bob = Doc::new(ReplicaId::random());
/// let delta = alice.transact(|root| -> Result<(), weft::DocError> {
///     root.text("title").insert(0, "Groceries")?;
///     let mut items = root.list("items");
///     items.push("milk");
///     items.push_map().put("done", false);
///     root.counter("likes").increment(1);
///     Ok(())
/// }).delta;
/// bob.apply(&delta);
/// assert_eq!(
///     bob.to_json(),
///     r#"{"items":["milk",{"done":false}],"likes":1,"title":"Groceries"}"#
/// );
/// ```
pub struct Doc {
    replica: Replica<Object>,
    observers: Observers,
    undo: UndoHub,
    /// The origin of local changes made without one.
    default_origin: Option<Origin>,
    /// When [`Doc::note_stable`] compacts.
    compaction: replicated::AutoCompaction,
    /// The expand rule of each mark name, for marks made here.
    expand: ExpandRules,
}

impl Doc {
    /// An empty document replica named `id`. Never give two live replicas the same id.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let id = ReplicaId::random();
    /// assert_eq!(Doc::new(id).id(), id);
    /// ```
    #[must_use]
    pub fn new(id: ReplicaId) -> Self {
        Self::from_replica(Replica::new(id))
    }

    fn from_replica(replica: Replica<Object>) -> Self {
        Self {
            replica,
            observers: Observers::default(),
            undo: UndoHub::default(),
            default_origin: None,
            compaction: replicated::AutoCompaction::default(),
            expand: ExpandRules::default(),
        }
    }

    /// This replica's id.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// assert_eq!(Doc::new(ReplicaId::from_u128(7)).id(), ReplicaId::from_u128(7));
    /// ```
    #[must_use]
    pub fn id(&self) -> ReplicaId {
        self.replica.id()
    }

    /// The changes applied so far (pending deltas are not counted).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.put("a", 1i64));
    /// assert_eq!(doc.version().get(doc.id()), 2); // a kind write and a value write
    /// ```
    #[must_use]
    pub fn version(&self) -> VersionVector {
        self.replica.version()
    }

    /// The order-independent digest of the whole document.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let a = Doc::new(ReplicaId::random());
    /// let b = Doc::new(ReplicaId::random());
    /// assert_eq!(a.digest(), b.digest());
    /// ```
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.replica.digest()
    }

    /// The root map of named containers, to read.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.text("t").insert(0, "hi")).result.unwrap();
    /// assert_eq!(doc.root().get_text("t").map(|t| t.to_string()), Some("hi".into()));
    /// ```
    #[must_use]
    pub fn root(&self) -> &Object {
        self.replica.store()
    }

    /// The entry at `path` (`Ok(None)` while nothing is there).
    ///
    /// ```
    /// use weft::{ContainerPath, Doc, Kind, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.map("a").text("b").insert(0, "x")).result.unwrap();
    /// let entry = doc.get(&ContainerPath::root().key("a").key("b")).unwrap();
    /// assert_eq!(entry.and_then(|e| e.kind()), Some(Kind::Text));
    /// ```
    ///
    /// # Errors
    /// [`DocError::Deleted`] if a list element the path names is gone.
    pub fn get(&self, path: &ContainerPath) -> Result<Option<&Entry>, DocError> {
        lookup(self.root(), path.steps())
    }

    /// The underlying replica (for the sync protocol, persistence, and the typed low level).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let doc = Doc::new(ReplicaId::random());
    /// assert_eq!(doc.replica().id(), doc.id());
    /// ```
    #[must_use]
    pub fn replica(&self) -> &Replica<Object> {
        &self.replica
    }

    /// How many received deltas wait for the changes they depend on.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// assert_eq!(Doc::new(ReplicaId::random()).pending_len(), 0);
    /// ```
    #[must_use]
    pub fn pending_len(&self) -> usize {
        self.replica.pending_len()
    }

    /// Makes changes through `change` as one transaction: returns what `change` returned and
    /// the one delta holding all the changes. Each operation inside is atomic (a refused one
    /// changes nothing); operations before a refused one stay made. Observers hear the
    /// transaction's events once it ends, as local changes with no origin, in the order the
    /// changes were made; a container the transaction created is described whole, as it reads
    /// at the end, by the event that created it.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let delta = doc.transact(|root| root.put("done", true)).delta;
    /// let mut other = Doc::new(ReplicaId::random());
    /// other.apply(&delta);
    /// assert_eq!(other.to_json(), r#"{"done":true}"#);
    /// ```
    pub fn transact<R>(&mut self, change: impl FnOnce(&mut MapScope<'_>) -> R) -> Transacted<R> {
        self.transact_from(None, change)
    }

    /// [`Doc::transact`] on behalf of `origin`: every event of the transaction carries it.
    ///
    /// ```
    /// use weft::{Doc, Origin, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact_with(Origin::new("editor"), |root| root.put("a", 1i64));
    /// assert_eq!(doc.to_json(), r#"{"a":1}"#);
    /// ```
    pub fn transact_with<R>(
        &mut self,
        origin: Origin,
        change: impl FnOnce(&mut MapScope<'_>) -> R,
    ) -> Transacted<R> {
        self.transact_from(Some(origin), change)
    }

    fn transact_from<R>(
        &mut self,
        origin: Option<Origin>,
        change: impl FnOnce(&mut MapScope<'_>) -> R,
    ) -> Transacted<R> {
        let mut change = Some(change);
        let mut result = None;
        let delta = self.transact_once(origin, &mut |root| {
            if let Some(change) = change.take() {
                result = Some(change(root));
            }
        });
        Transacted {
            result: result.expect("the transaction ran"),
            delta,
        }
    }

    /// The work of [`Doc::transact_from`], not generic over the change (compiled once).
    fn transact_once(
        &mut self,
        origin: Option<Origin>,
        change: &mut dyn FnMut(&mut MapScope<'_>),
    ) -> DocDelta {
        let origin = origin.or_else(|| self.default_origin.clone());
        let listening = !self.observers.is_empty();
        let mut log = EventLog::default();
        let mut done = self.undo.recording().then(Vec::new);
        let delta = self.replica.update(|root| {
            run(
                root,
                listening.then_some(&mut log),
                done.as_mut(),
                &self.expand,
                change,
            );
        });
        self.announce(&mut log, origin.as_ref(), true);
        if let Some(done) = done {
            self.undo
                .capture(done, origin.as_ref(), self.replica.store());
        }
        delta
    }

    /// A transaction of an undo manager reverting a step: observers hear it with `origin`,
    /// and what it changed is returned to the manager rather than captured by managers.
    pub(crate) fn transact_reverting(
        &mut self,
        origin: Origin,
        change: impl FnOnce(&mut MapScope<'_>),
    ) -> (DocDelta, Vec<Done>) {
        let listening = !self.observers.is_empty();
        let mut log = EventLog::default();
        let mut done = Vec::new();
        let mut change = Some(change);
        let delta = self.replica.update(|root| {
            run(
                root,
                listening.then_some(&mut log),
                Some(&mut done),
                &self.expand,
                &mut |root| {
                    if let Some(change) = change.take() {
                        change(root);
                    }
                },
            );
        });
        self.announce(&mut log, Some(&origin), true);
        (delta, done)
    }

    /// The undo managers of this document.
    pub(crate) fn undo_hub(&mut self) -> &mut UndoHub {
        &mut self.undo
    }

    /// Makes `origin` the origin of every later local change given none (by
    /// [`Doc::transact`] or [`Doc::edit`]) — for a binding that batches many calls under one
    /// origin. `None` goes back to no origin.
    ///
    /// ```
    /// use weft::{Doc, Origin, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.set_default_origin(Some(Origin::new("editor")));
    /// assert_eq!(doc.default_origin(), Some(&Origin::new("editor")));
    /// ```
    pub fn set_default_origin(&mut self, origin: Option<Origin>) {
        self.default_origin = origin;
    }

    /// The origin of local changes given none (see [`Doc::set_default_origin`]).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// assert_eq!(Doc::new(ReplicaId::random()).default_origin(), None);
    /// ```
    #[must_use]
    pub fn default_origin(&self) -> Option<&Origin> {
        self.default_origin.as_ref()
    }

    /// Makes changes through `change` without building a delta (like
    /// [`Replica::edit`](weft_core::Replica::edit)): a keystroke costs no allocation for a
    /// delta. Observers hear of it as of a transaction with no origin.
    ///
    /// The changes reach other replicas through [`Doc::delta_since`] — e.g. with the version
    /// read before a batch of edits, `delta_since(&before)` is one delta holding the batch —
    /// or as a dependency of the next [`Doc::transact`] delta.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut phone = Doc::new(ReplicaId::random());
    /// let before = phone.version();
    /// phone.edit(|root| root.text("notes").insert(0, "hi")).unwrap();
    /// phone.edit(|root| root.text("notes").insert(2, "!")).unwrap();
    /// let mut laptop = Doc::new(ReplicaId::random());
    /// laptop.apply(&phone.delta_since(&before));
    /// assert_eq!(laptop.to_json(), r#"{"notes":"hi!"}"#);
    /// ```
    pub fn edit<R>(&mut self, change: impl FnOnce(&mut MapScope<'_>) -> R) -> R {
        self.edit_from(None, change)
    }

    /// [`Doc::edit`] on behalf of `origin`: every event of the change carries it.
    ///
    /// ```
    /// use weft::{Doc, Origin, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.edit_with(Origin::new("keyboard"), |root| root.text("t").insert(0, "a")).unwrap();
    /// assert_eq!(doc.to_json(), r#"{"t":"a"}"#);
    /// ```
    pub fn edit_with<R>(
        &mut self,
        origin: Origin,
        change: impl FnOnce(&mut MapScope<'_>) -> R,
    ) -> R {
        self.edit_from(Some(origin), change)
    }

    fn edit_from<R>(
        &mut self,
        origin: Option<Origin>,
        change: impl FnOnce(&mut MapScope<'_>) -> R,
    ) -> R {
        let mut change = Some(change);
        let mut result = None;
        self.edit_once(origin, &mut |root| {
            if let Some(change) = change.take() {
                result = Some(change(root));
            }
        });
        result.expect("the edit ran")
    }

    /// The work of [`Doc::edit_from`], not generic over the change (compiled once).
    fn edit_once(&mut self, origin: Option<Origin>, change: &mut dyn FnMut(&mut MapScope<'_>)) {
        let origin = origin.or_else(|| self.default_origin.clone());
        let listening = !self.observers.is_empty();
        let mut log = EventLog::default();
        let mut done = self.undo.recording().then(Vec::new);
        self.replica.edit(|root| {
            run(
                root,
                listening.then_some(&mut log),
                done.as_mut(),
                &self.expand,
                change,
            );
        });
        self.announce(&mut log, origin.as_ref(), true);
        if let Some(done) = done {
            self.undo
                .capture(done, origin.as_ref(), self.replica.store());
        }
    }

    /// Merges `delta` (or keeps it pending until what it depends on arrives). Observers hear
    /// what it changed, computed from the delta (O(log n) per run it carries), as a remote
    /// change with no origin.
    ///
    /// ```
    /// use weft::{Doc, Outcome, ReplicaId};
    /// let mut a = Doc::new(ReplicaId::random());
    /// let mut b = Doc::new(ReplicaId::random());
    /// let delta = a.transact(|root| root.put("x", 1i64)).delta;
    /// assert_eq!(b.apply(&delta), Outcome::Applied);
    /// assert_eq!(b.apply(&delta), Outcome::Redundant);
    /// ```
    pub fn apply(&mut self, delta: &DocDelta) -> Outcome {
        self.apply_from(delta, None)
    }

    /// [`Doc::apply`] on behalf of `origin` (a sync provider, say): every event it causes
    /// carries it.
    ///
    /// ```
    /// use weft::{Doc, Origin, ReplicaId};
    /// let mut a = Doc::new(ReplicaId::random());
    /// let mut b = Doc::new(ReplicaId::random());
    /// let delta = a.transact(|root| root.put("x", 1i64)).delta;
    /// b.apply_with(&delta, Origin::new("websocket"));
    /// assert_eq!(b.to_json(), a.to_json());
    /// ```
    pub fn apply_with(&mut self, delta: &DocDelta, origin: Origin) -> Outcome {
        self.apply_from(delta, Some(origin))
    }

    fn apply_from(&mut self, delta: &DocDelta, origin: Option<Origin>) -> Outcome {
        if self.observers.is_empty() {
            return self.replica.apply(delta);
        }
        let names = Names {
            replicas: delta.replicas(),
            table: self.replica.table(),
        };
        let plan = MapPlan::read(Some(self.root()), delta.store(), names);
        let pending = self.replica.pending_len();
        let outcome = self.replica.apply(delta);
        if outcome != Outcome::Applied {
            return outcome;
        }
        let mut log = EventLog::default();
        if self.replica.pending_len() < pending {
            // Deltas that waited were applied too: their changes are not described.
            log.push(ContainerPath::root(), Vec::new(), Change::Reload);
        } else {
            let root = self.replica.store();
            plan.events(
                root,
                &ContainerPath::root(),
                Some(root),
                self.replica.table(),
                &mut log,
            );
        }
        self.announce(&mut log, origin.as_ref(), false);
        outcome
    }

    /// Everything a replica at `since` lacks.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, VersionVector};
    /// let mut a = Doc::new(ReplicaId::random());
    /// a.transact(|root| root.put("x", 1i64));
    /// let mut b = Doc::new(ReplicaId::random());
    /// b.apply(&a.delta_since(&VersionVector::new()));
    /// assert!(b.same_state(&a));
    /// ```
    #[must_use]
    pub fn delta_since(&self, since: &VersionVector) -> DocDelta {
        self.replica.delta_since(since)
    }

    /// Merges everything `other` knows. Observers hear one [`Change::Reload`].
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut a = Doc::new(ReplicaId::random());
    /// a.transact(|root| root.put("x", 1i64));
    /// let mut b = Doc::new(ReplicaId::random());
    /// b.merge(&a);
    /// assert_eq!(b.to_json(), r#"{"x":1}"#);
    /// ```
    pub fn merge(&mut self, other: &Doc) -> Outcome {
        let outcome = self.replica.merge(&other.replica);
        self.reload();
        outcome
    }

    /// Repairs divergence from `complete`, the whole state of a replica that claims the same
    /// version (see [`Replica::repair`]). Observers hear one [`Change::Reload`].
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, VersionVector};
    /// let mut a = Doc::new(ReplicaId::random());
    /// a.transact(|root| root.put("x", 1i64));
    /// let mut b = Doc::new(ReplicaId::random());
    /// b.repair(&a.delta_since(&VersionVector::new()));
    /// assert_eq!(b.to_json(), a.to_json());
    /// ```
    pub fn repair(&mut self, complete: &DocDelta) {
        self.replica.repair(complete);
        self.reload();
    }

    /// Forgets removed entries whose removal every replica has seen; `stable` must be a
    /// version every replica that will ever sync with this one has reached (see
    /// [`Replica::compact`]). Returns how many entries went. What the document shows does
    /// not change.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.put("x", 1i64));
    /// doc.transact(|root| root.delete("x"));
    /// let everyone = doc.version();
    /// assert_eq!(doc.compact(&everyone), 1);
    /// assert_eq!(doc.to_json(), "{}");
    /// ```
    pub fn compact(&mut self, stable: &VersionVector) -> usize {
        self.replica.compact(stable)
    }

    /// The document as plain data.
    ///
    /// ```
    /// use weft::{Doc, Node, ReplicaId};
    /// let doc = Doc::new(ReplicaId::random());
    /// assert_eq!(doc.to_node(), Node::Map(Default::default()));
    /// ```
    #[must_use]
    pub fn to_node(&self) -> Node {
        Node::of_object(self.root())
    }

    /// The document as JSON text, names sorted.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// assert_eq!(Doc::new(ReplicaId::random()).to_json(), "{}");
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        self.to_node().to_json()
    }

    /// Whether both replicas hold the same changes and the same state.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// assert!(Doc::new(ReplicaId::random()).same_state(&Doc::new(ReplicaId::random())));
    /// ```
    #[must_use]
    pub fn same_state(&self, other: &Doc) -> bool {
        self.replica.same_state(&other.replica)
    }

    /// The whole replica (id, state, pending deltas) as a snapshot.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.put("x", 1i64));
    /// assert_eq!(Doc::load(&doc.save()).unwrap().to_json(), doc.to_json());
    /// ```
    #[must_use]
    pub fn save(&self) -> Vec<u8> {
        self.replica.save()
    }

    /// A document restored from [`Doc::save`]. Never run two restored copies of one snapshot
    /// at once: they would be two live replicas with one id.
    ///
    /// ```
    /// use weft::Doc;
    /// assert!(Doc::load(b"not a snapshot").is_err());
    /// ```
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are not a document snapshot.
    pub fn load(bytes: &[u8]) -> Result<Self, DecodeError> {
        Replica::load(bytes).map(Self::from_replica)
    }

    /// Calls `listener` with the events of every later change of the container at `target`
    /// itself (not of containers inside it), local or received.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.list("todos").push("milk"));
    /// let count = Rc::new(Cell::new(0));
    /// let seen = Rc::clone(&count);
    /// doc.observe(ContainerPath::root().key("todos"), move |events| seen.set(seen.get() + events.len()));
    /// doc.transact(|root| root.list("todos").push("eggs"));
    /// doc.transact(|root| root.put("other", 1i64));
    /// assert_eq!(count.get(), 1);
    /// ```
    pub fn observe(
        &mut self,
        target: ContainerPath,
        listener: impl FnMut(&[Event]) + 'static,
    ) -> Subscription {
        self.observers.add(target, false, Box::new(listener))
    }

    /// Calls `listener` with the events of every later change of the container at `target`
    /// or of any container inside it.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use weft::{ContainerPath, Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// doc.transact(|root| root.map("todo").text("title").insert(0, "call")).result.unwrap();
    /// let count = Rc::new(Cell::new(0));
    /// let seen = Rc::clone(&count);
    /// doc.observe_deep(ContainerPath::root().key("todo"), move |events| seen.set(seen.get() + events.len()));
    /// doc.transact(|root| {
    ///     let mut todo = root.map("todo");
    ///     todo.put("done", false); // an event of the map
    ///     todo.text("title").insert(4, " mum") // an event of the text inside it
    /// }).result.unwrap();
    /// assert_eq!(count.get(), 2);
    /// ```
    pub fn observe_deep(
        &mut self,
        target: ContainerPath,
        listener: impl FnMut(&[Event]) + 'static,
    ) -> Subscription {
        self.observers.add(target, true, Box::new(listener))
    }

    /// Calls `listener` with the events of every later change anywhere in the document (a
    /// deep observer of the root).
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let local = Rc::new(Cell::new(false));
    /// let seen = Rc::clone(&local);
    /// doc.subscribe(move |events| seen.set(events.iter().all(|event| event.local)));
    /// doc.transact(|root| root.put("x", 1i64));
    /// assert!(local.get());
    /// ```
    pub fn subscribe(&mut self, listener: impl FnMut(&[Event]) + 'static) -> Subscription {
        self.observe_deep(ContainerPath::root(), listener)
    }

    /// Stops calling the listener of `subscription`. Returns whether it was registered.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let subscription = doc.subscribe(|_| {});
    /// assert!(doc.unsubscribe(subscription));
    /// ```
    pub fn unsubscribe(&mut self, subscription: Subscription) -> bool {
        self.observers.remove(subscription)
    }

    /// Tells the observers that anything may have changed.
    fn reload(&mut self) {
        if self.observers.is_empty() {
            return;
        }
        let mut log = EventLog::default();
        log.push(ContainerPath::root(), Vec::new(), Change::Reload);
        self.announce(&mut log, None, false);
    }

    fn announce(&mut self, log: &mut EventLog, origin: Option<&Origin>, local: bool) {
        if log.events.is_empty() {
            return;
        }
        let events = log.finish(self.replica.store(), origin, local);
        self.observers.dispatch(&events);
    }
}

/// Runs `change` on the root scope `root`, recording events into `log` when given. Not
/// generic over the change: the callers' closures keep their results.
fn run(
    root: &mut Scope<'_, Object>,
    log: Option<&mut EventLog>,
    done: Option<&mut Vec<Done>>,
    expand: &ExpandRules,
    change: &mut dyn FnMut(&mut MapScope<'_>),
) {
    let mut session = Session {
        root,
        log,
        done,
        expand,
    };
    let mut scope = MapScope::new(&mut session, ContainerPath::root());
    change(&mut scope);
}

impl Object {
    /// Changes the map `scope` — the root of a `Replica<Object>` inside
    /// [`Replica::update`] or [`Replica::edit`] — through the same [`MapScope`] a [`Doc`]
    /// transaction gets (no events are recorded: a bare replica has no observers).
    ///
    /// ```
    /// use weft::{Object, Replica, ReplicaId};
    /// let mut replica = Replica::<Object>::new(ReplicaId::random());
    /// replica.update(|root| Object::edit(root, |root| root.counter("likes").increment(2)));
    /// assert_eq!(replica.get_counter("likes").map(|likes| likes.value()), Some(2));
    /// ```
    pub fn edit<R>(
        scope: &mut Scope<'_, Object>,
        change: impl FnOnce(&mut MapScope<'_>) -> R,
    ) -> R {
        let mut change = Some(change);
        let mut result = None;
        run(scope, None, None, &ExpandRules::default(), &mut |root| {
            if let Some(change) = change.take() {
                result = Some(change(root));
            }
        });
        result.expect("the edit ran")
    }
}

impl fmt::Debug for Doc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Doc")
            .field("replica", &self.replica)
            .field("observers", &self.observers.len())
            .finish()
    }
}
