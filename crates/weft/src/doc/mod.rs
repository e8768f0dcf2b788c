//! `Doc`: one replica of a JSON-like document of named containers.

mod edit;
mod entry;
mod error;
mod events;
mod kind;
mod list;
mod node;
mod object;

pub use entry::Entry;
pub use error::DocError;
pub use events::{Change, Event, PathSegment};
pub use kind::Kind;
pub use list::{ChildKey, Element, Item, ListContainer, ListContainerEditor};
pub use node::Node;
pub use object::{EntryEditor, Object, ObjectEditor};

use std::collections::BTreeMap;
use std::fmt;

use weft_core::{
    DecodeError, Delta, Digest, Outcome, Replica, ReplicaId, Replicated, Scope, VersionVector,
};

use events::{Shape, diff_map, shape_of};
use node::map_of;

/// A delta of a document.
pub type DocDelta = Delta<Object>;

/// A handle returned by [`Doc::subscribe`], to unsubscribe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Subscription(u64);

type Listener = Box<dyn FnMut(&[Event])>;

/// One replica of a document: its [`ReplicaId`], one version for the whole document, and named
/// root containers — maps, lists, texts, counters, sets and values — nested as deep as needed.
///
/// A `Doc` is a delta-state CRDT like every other Weft type: a transaction returns the delta it
/// made, [`Doc::delta_since`] returns what a replica at a version lacks, [`Doc::apply`] merges a
/// delta once what it depends on has arrived. Listeners registered with [`Doc::subscribe`] hear
/// what changed, locally or from other replicas.
///
/// ```
/// use weft::prelude::*;
/// use weft::{Doc, ReplicaId};
/// let mut alice = Doc::new(ReplicaId::random());
/// let mut bob = Doc::new(ReplicaId::random());
/// let delta = alice.transact(|root| {
///     root.text("title", |title| title.insert(0, "Groceries")).unwrap();
///     root.list("items", |items| {
///         items.push("milk");
///         items.insert_entry(1, |todo| todo.map(|todo| todo.set("done", false))).unwrap();
///     });
///     root.counter("likes", |likes| likes.increment(1));
/// }).1;
/// bob.apply(&delta);
/// assert_eq!(
///     bob.to_json(),
///     r#"{"items":["milk",{"done":false}],"likes":1,"title":"Groceries"}"#
/// );
/// ```
pub struct Doc {
    replica: Replica<Object>,
    listeners: Vec<(Subscription, Listener)>,
    next_subscription: u64,
    /// The picture of every root entry, kept while someone listens, to tell what changed.
    view: Option<BTreeMap<String, Shape>>,
}

impl Doc {
    /// An empty document replica named `id`. Never give two live replicas the same id.
    #[must_use]
    pub fn new(id: ReplicaId) -> Self {
        Self::from_replica(Replica::new(id))
    }

    fn from_replica(replica: Replica<Object>) -> Self {
        Self {
            replica,
            listeners: Vec::new(),
            next_subscription: 0,
            view: None,
        }
    }

    /// This replica's id.
    #[must_use]
    pub fn id(&self) -> ReplicaId {
        self.replica.id()
    }

    /// The changes applied so far (pending deltas are not counted).
    #[must_use]
    pub fn version(&self) -> VersionVector {
        self.replica.version()
    }

    /// The order-independent digest of the whole document.
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.replica.digest()
    }

    /// The root map of named containers.
    #[must_use]
    pub fn root(&self) -> &Object {
        self.replica.store()
    }

    /// The underlying replica (for the sync protocol and persistence).
    #[must_use]
    pub fn replica(&self) -> &Replica<Object> {
        &self.replica
    }

    /// How many received deltas wait for the changes they depend on.
    #[must_use]
    pub fn pending_len(&self) -> usize {
        self.replica.pending_len()
    }

    /// Makes changes through `change` as one transaction: returns what `change` returned and
    /// the one delta that carries all the changes. Each operation inside is atomic (a refused
    /// one changes nothing); operations before a refused one stay made.
    pub fn transact<R>(
        &mut self,
        change: impl FnOnce(&mut Scope<'_, Object>) -> R,
    ) -> (R, DocDelta) {
        let mut result = None;
        let delta = self.replica.update(|root| result = Some(change(root)));
        let names: Vec<String> = delta
            .store()
            .0
            .slots()
            .map(|(name, _)| name.clone())
            .collect();
        self.notify(Some(names), true);
        (result.expect("the transaction ran"), delta)
    }

    /// Merges `delta` (or keeps it pending until what it depends on arrives).
    pub fn apply(&mut self, delta: &DocDelta) -> Outcome {
        let pending = self.replica.pending_len();
        let outcome = self.replica.apply(delta);
        if outcome == Outcome::Applied {
            let drained = self.replica.pending_len() < pending;
            let names = (!drained).then(|| {
                delta
                    .store()
                    .0
                    .slots()
                    .map(|(name, _)| name.clone())
                    .collect()
            });
            self.notify(names, false);
        }
        outcome
    }

    /// Everything a replica at `since` lacks.
    #[must_use]
    pub fn delta_since(&self, since: &VersionVector) -> DocDelta {
        self.replica.delta_since(since)
    }

    /// Merges everything `other` knows.
    pub fn merge(&mut self, other: &Doc) -> Outcome {
        let outcome = self.replica.merge(&other.replica);
        self.notify(None, false);
        outcome
    }

    /// Repairs divergence from `complete`, the whole state of a replica that claims the same
    /// version (see [`Replica::repair`]).
    pub fn repair(&mut self, complete: &DocDelta) {
        self.replica.repair(complete);
        self.notify(None, false);
    }

    /// The document as plain data.
    #[must_use]
    pub fn to_node(&self) -> Node {
        Node::of_object(self.root())
    }

    /// The document as JSON text, names sorted.
    #[must_use]
    pub fn to_json(&self) -> String {
        self.to_node().to_json()
    }

    /// Whether both replicas hold the same changes and the same state.
    #[must_use]
    pub fn same_state(&self, other: &Doc) -> bool {
        self.replica.same_state(&other.replica)
    }

    /// The whole replica (id, state, pending deltas) as a snapshot.
    #[must_use]
    pub fn save(&self) -> Vec<u8> {
        self.replica.save()
    }

    /// A document restored from [`Doc::save`].
    ///
    /// # Errors
    /// A [`DecodeError`] if the bytes are not a document snapshot.
    pub fn load(bytes: &[u8]) -> Result<Self, DecodeError> {
        Replica::load(bytes).map(Self::from_replica)
    }

    /// Calls `listener` with the events of every later change, local or merged.
    pub fn subscribe(&mut self, listener: impl FnMut(&[Event]) + 'static) -> Subscription {
        if self.view.is_none() {
            self.view = Some(self.shapes(None));
        }
        let subscription = Subscription(self.next_subscription);
        self.next_subscription += 1;
        self.listeners.push((subscription, Box::new(listener)));
        subscription
    }

    /// Stops calling the listener of `subscription`. Returns whether it was registered.
    pub fn unsubscribe(&mut self, subscription: Subscription) -> bool {
        let before = self.listeners.len();
        self.listeners.retain(|(id, _)| *id != subscription);
        if self.listeners.is_empty() {
            self.view = None;
        }
        self.listeners.len() < before
    }

    /// Checks internal invariants (for tests).
    pub fn check(&self) {
        self.replica.check();
    }

    fn shapes(&self, names: Option<&[String]>) -> BTreeMap<String, Shape> {
        let root = self.root();
        match names {
            Some(names) => map_of(names.iter().filter_map(|name| {
                root.entry(name)
                    .and_then(shape_of)
                    .map(|shape| (name.clone(), shape))
            })),
            None => map_of(
                root.entries()
                    .filter_map(|(name, entry)| shape_of(entry).map(|shape| (name.clone(), shape))),
            ),
        }
    }

    /// Tells the listeners what changed under the root `names` (`None`: anywhere).
    fn notify(&mut self, names: Option<Vec<String>>, local: bool) {
        let Some(view) = self.view.take() else {
            return;
        };
        let after = self.shapes(names.as_deref());
        let before: BTreeMap<String, Shape> = match &names {
            Some(names) => map_of(
                names
                    .iter()
                    .filter_map(|name| view.get(name).map(|shape| (name.clone(), shape.clone()))),
            ),
            None => view.clone(),
        };
        let mut events = Vec::new();
        diff_map(&mut Vec::new(), &before, &after, local, &mut events);
        let mut view = view;
        match names {
            Some(names) => {
                for name in names {
                    match after.get(&name) {
                        Some(shape) => view.insert(name, shape.clone()),
                        None => view.remove(&name),
                    };
                }
            }
            None => view = after,
        }
        self.view = Some(view);
        if !events.is_empty() {
            for (_, listener) in &mut self.listeners {
                listener(&events);
            }
        }
    }
}

impl fmt::Debug for Doc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Doc")
            .field("replica", &self.replica)
            .field("listeners", &self.listeners.len())
            .finish()
    }
}

impl Replicated for Doc {
    fn replica_id(&self) -> ReplicaId {
        self.id()
    }

    fn version(&self) -> VersionVector {
        Doc::version(self)
    }

    fn digest(&self) -> Digest {
        Doc::digest(self)
    }

    fn encoded_delta_since(&self, since: &VersionVector) -> Vec<u8> {
        self.delta_since(since).to_bytes()
    }

    fn apply_encoded(&mut self, bytes: &[u8]) -> Result<Outcome, DecodeError> {
        let delta = DocDelta::from_bytes(bytes)?;
        Ok(self.apply(&delta))
    }

    fn repair_encoded(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let delta = DocDelta::from_bytes(bytes)?;
        self.repair(&delta);
        Ok(())
    }

    fn pending_len(&self) -> usize {
        Doc::pending_len(self)
    }

    fn pending_tops(&self) -> VersionVector {
        self.replica.pending_tops()
    }

    fn note_peer_version(&mut self, version: &VersionVector) {
        self.replica.note_peer_version(version);
    }

    fn own_counter_floor(&self) -> u64 {
        self.replica.own_counter_floor()
    }

    fn save(&self) -> Vec<u8> {
        Doc::save(self)
    }

    fn load(bytes: &[u8]) -> Result<Self, DecodeError> {
        Doc::load(bytes)
    }
}
