//! The undo manager: undo and redo of this replica's own changes, as changes that sync like
//! any other.
//!
//! A [`UndoManager`] watches the local transactions of one [`Doc`] — of chosen containers
//! ([`UndoConfig::scope`]) and chosen origins ([`UndoConfig::tracked_origins`]) — and keeps
//! them as steps: changes made within the capture window of each other
//! ([`UndoConfig::capture_window`], 500 ms by default) form one step, until
//! [`UndoManager::stop_capturing`]. Remote changes are never undone, and never need to be
//! tracked: a step names what it changed by identity (the characters and list elements it
//! inserted or deleted, the names it wrote), so undoing it later, after any concurrent edits,
//! does what the person who made it expects:
//!
//! * undoing an insertion deletes exactly the inserted characters that are still there;
//! * undoing a deletion brings back exactly what was deleted, where it was, between the same
//!   neighbours, even if others typed around it since;
//! * undoing a map write puts back what the name showed, unless someone wrote it since (then
//!   theirs stays);
//! * undoing a counter increment subtracts it; undoing a set change removes what it added and
//!   adds back what it removed.
//!
//! Undo and redo return the delta to send, like [`Doc::transact`], and observers hear them
//! with the manager's origin ([`UndoConfig::origin`]).

mod operation;
mod remap;
mod restore;
mod revert;

pub(crate) use operation::{Done, marker_of};

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};
use std::time::Duration;

use crate::doc::{ContainerPath, Doc, DocDelta, Object, Origin};
use crate::value::Value;
use operation::{absorb, read_markers};
use remap::Remap;

/// Which local changes an undo manager tracks, by the origin of their transaction.
///
/// ```
/// use weft::{Origin, TrackedOrigins};
/// let only_the_editor = TrackedOrigins::Only(vec![Some(Origin::new("editor"))]);
/// assert!(only_the_editor.tracks(Some(&Origin::new("editor"))));
/// assert!(!only_the_editor.tracks(None));
/// assert!(TrackedOrigins::All.tracks(None));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TrackedOrigins {
    /// Every local change.
    #[default]
    All,
    /// Local changes with one of these origins (`None`: changes given no origin).
    Only(Vec<Option<Origin>>),
}

impl TrackedOrigins {
    /// Whether a change with `origin` is tracked.
    ///
    /// ```
    /// use weft::TrackedOrigins;
    /// assert!(TrackedOrigins::Only(vec![None]).tracks(None));
    /// ```
    #[must_use]
    pub fn tracks(&self, origin: Option<&Origin>) -> bool {
        match self {
            Self::All => true,
            Self::Only(origins) => origins.iter().any(|tracked| tracked.as_ref() == origin),
        }
    }
}

/// How an [`UndoManager`] groups and chooses changes.
///
/// ```
/// use std::time::Duration;
/// use weft::{ContainerPath, UndoConfig};
/// let config = UndoConfig {
///     scope: vec![ContainerPath::root().key("note")],
///     capture_window: Duration::from_millis(300),
///     ..UndoConfig::default()
/// };
/// assert_eq!(config.max_steps, 1000);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndoConfig {
    /// The containers whose changes are tracked (a change anywhere inside one counts); empty:
    /// the whole document.
    pub scope: Vec<ContainerPath>,
    /// Which local changes are tracked, by origin.
    pub tracked_origins: TrackedOrigins,
    /// Changes made less than this after the previous tracked change join its step.
    pub capture_window: Duration,
    /// The most steps kept on the undo stack (the oldest go first).
    pub max_steps: usize,
    /// The origin of the manager's own undo and redo transactions.
    pub origin: Origin,
}

impl Default for UndoConfig {
    fn default() -> Self {
        Self {
            scope: Vec::new(),
            tracked_origins: TrackedOrigins::All,
            capture_window: Duration::from_millis(500),
            max_steps: 1000,
            origin: Origin::new("undo"),
        }
    }
}

/// Which stack a step is on.
///
/// ```
/// assert_ne!(weft::UndoStack::Undo, weft::UndoStack::Redo);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UndoStack {
    /// Steps that [`UndoManager::undo`] reverts.
    Undo,
    /// Steps that [`UndoManager::redo`] reverts.
    Redo,
}

/// What happened to the steps of an undo manager (read with [`UndoManager::take_events`]).
///
/// ```
/// use weft::{UndoEvent, UndoStack};
/// let event = UndoEvent::Added { stack: UndoStack::Undo, step: 0 };
/// assert!(matches!(event, UndoEvent::Added { .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UndoEvent {
    /// A step was put on `stack`: a new local change (on the undo stack), or the reverse of
    /// an undo (redo stack) or of a redo (undo stack). Its metadata came with it.
    Added {
        /// The stack.
        stack: UndoStack,
        /// The step's id.
        step: u64,
    },
    /// A local change joined the newest step of the undo stack.
    Updated {
        /// The step's id.
        step: u64,
    },
    /// A step was taken off `stack` to be reverted.
    Popped {
        /// The stack.
        stack: UndoStack,
        /// The step's id.
        step: u64,
    },
}

/// A step reverted by [`UndoManager::undo`] or [`UndoManager::redo`].
#[derive(Debug)]
pub struct Reverted {
    /// The step's id (the same on both stacks: a step keeps its id and metadata as it moves).
    pub step: u64,
    /// The step's metadata.
    pub metadata: BTreeMap<String, Value>,
    /// The change that reverted it, to send to other replicas.
    pub delta: DocDelta,
}

/// One step: the changes it reverts, and what the application attached to it.
#[derive(Debug)]
struct UndoStep {
    id: u64,
    changes: Vec<Done>,
    metadata: BTreeMap<String, Value>,
}

/// The state an undo manager shares with its document.
pub(crate) struct UndoState {
    config: UndoConfig,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    /// When the last tracked change was captured, in the clock's milliseconds.
    last_change: Option<u64>,
    remap: Remap,
    next_step: u64,
    events: Vec<UndoEvent>,
    clock: Box<dyn FnMut() -> u64>,
}

impl UndoState {
    /// Takes in the changes `done` of a local transaction with `origin`.
    fn capture(&mut self, done: &[Done], origin: Option<&Origin>) {
        if !self.config.tracked_origins.tracks(origin) {
            return;
        }
        let changes: Vec<Done> = done
            .iter()
            .filter(|change| change.within(&self.config.scope))
            .cloned()
            .collect();
        if changes.is_empty() {
            return;
        }
        let now = (self.clock)();
        let window = u64::try_from(self.config.capture_window.as_millis()).unwrap_or(u64::MAX);
        let joins = self
            .last_change
            .is_some_and(|last| now.saturating_sub(last) < window);
        self.last_change = Some(now);
        match self.undo.last_mut() {
            Some(step) if joins => {
                absorb(&mut step.changes, changes);
                self.events.push(UndoEvent::Updated { step: step.id });
            }
            _ => {
                let id = self.next_step;
                self.next_step += 1;
                let mut step = UndoStep {
                    id,
                    changes: Vec::new(),
                    metadata: BTreeMap::new(),
                };
                absorb(&mut step.changes, changes);
                self.undo.push(step);
                if self.undo.len() > self.config.max_steps.max(1) {
                    self.undo.remove(0);
                }
                self.events.push(UndoEvent::Added {
                    stack: UndoStack::Undo,
                    step: id,
                });
            }
        }
        self.redo.clear();
    }
}

/// The undo managers of a document, as the document sees them.
#[derive(Default)]
pub(crate) struct UndoHub {
    managers: Vec<Weak<RefCell<UndoState>>>,
}

impl UndoHub {
    /// Whether a manager is alive (so local changes must be recorded).
    pub(crate) fn recording(&mut self) -> bool {
        self.managers.retain(|manager| manager.strong_count() > 0);
        !self.managers.is_empty()
    }

    /// Gives the changes `done` of a local transaction with `origin` to every manager;
    /// `root` is the document after it.
    pub(crate) fn capture(&mut self, mut done: Vec<Done>, origin: Option<&Origin>, root: &Object) {
        if done.is_empty() {
            return;
        }
        read_markers(&mut done, root);
        for manager in self.managers.iter().filter_map(Weak::upgrade) {
            // A manager busy reverting (its own transaction) does not capture.
            if let Ok(mut state) = manager.try_borrow_mut() {
                state.capture(&done, origin);
            }
        }
    }
}

/// Undo and redo of this replica's own changes to one [`Doc`] (see the [module](self)).
///
/// ```
/// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
/// let mut doc = Doc::new(ReplicaId::random());
/// let undo = UndoManager::new(&mut doc, UndoConfig::default());
/// doc.transact(|root| root.text("note").insert(0, "Hello")).result?;
/// undo.stop_capturing();
/// doc.transact(|root| root.text("note").insert(5, " world")).result?;
/// assert!(undo.undo(&mut doc).is_some());
/// assert_eq!(doc.to_json(), r#"{"note":"Hello"}"#);
/// assert!(undo.redo(&mut doc).is_some());
/// assert_eq!(doc.to_json(), r#"{"note":"Hello world"}"#);
/// # Ok::<(), weft::DocError>(())
/// ```
#[derive(Clone)]
pub struct UndoManager {
    state: Rc<RefCell<UndoState>>,
}

impl UndoManager {
    /// A manager of the local changes of `doc` chosen by `config`, from now on.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// assert!(!undo.can_undo());
    /// ```
    #[must_use]
    pub fn new(doc: &mut Doc, config: UndoConfig) -> Self {
        let state = Rc::new(RefCell::new(UndoState {
            config,
            undo: Vec::new(),
            redo: Vec::new(),
            last_change: None,
            remap: Remap::default(),
            next_step: 0,
            events: Vec::new(),
            clock: default_clock(),
        }));
        doc.undo_hub().managers.push(Rc::downgrade(&state));
        Self { state }
    }

    /// Replaces the clock that times the capture window: `clock` returns milliseconds from
    /// any fixed start (e.g. `Date.now()` in a browser, or a test's own counter).
    ///
    /// ```
    /// use std::{cell::Cell, rc::Rc};
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// let now = Rc::new(Cell::new(0));
    /// let clock = Rc::clone(&now);
    /// undo.set_clock(move || clock.get());
    /// doc.transact(|root| root.counter("c").increment(1));
    /// now.set(1_000); // past the window: a new step
    /// doc.transact(|root| root.counter("c").increment(1));
    /// assert_eq!(undo.undo_len(), 2);
    /// ```
    pub fn set_clock(&self, clock: impl FnMut() -> u64 + 'static) {
        self.state.borrow_mut().clock = Box::new(clock);
    }

    /// Reverts the newest step of the undo stack (and puts its reverse on the redo stack).
    /// `None` if there is nothing to undo.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// assert!(undo.undo(&mut doc).is_none());
    /// doc.transact(|root| root.put("x", 1i64));
    /// let reverted = undo.undo(&mut doc).unwrap();
    /// assert!(!reverted.delta.is_empty());
    /// assert_eq!(doc.to_json(), "{}");
    /// ```
    pub fn undo(&self, doc: &mut Doc) -> Option<Reverted> {
        self.revert(doc, UndoStack::Undo)
    }

    /// Reverts the newest step of the redo stack (and puts its reverse on the undo stack).
    /// `None` if there is nothing to redo.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// doc.transact(|root| root.put("x", 1i64));
    /// undo.undo(&mut doc);
    /// undo.redo(&mut doc);
    /// assert_eq!(doc.to_json(), r#"{"x":1}"#);
    /// ```
    pub fn redo(&self, doc: &mut Doc) -> Option<Reverted> {
        self.revert(doc, UndoStack::Redo)
    }

    fn revert(&self, doc: &mut Doc, from: UndoStack) -> Option<Reverted> {
        let (step, mut remap, origin) = {
            let mut state = self.state.borrow_mut();
            let step = match from {
                UndoStack::Undo => state.undo.pop(),
                UndoStack::Redo => state.redo.pop(),
            }?;
            state.events.push(UndoEvent::Popped {
                stack: from,
                step: step.id,
            });
            let remap = std::mem::take(&mut state.remap);
            (step, remap, state.config.origin.clone())
        };
        let (delta, mut done) = doc.transact_reverting(origin, |root| {
            revert::revert(root, &step.changes, &mut remap);
        });
        read_markers(&mut done, doc.root());
        let mut state = self.state.borrow_mut();
        state.remap = remap;
        // The next local change starts a step of its own.
        state.last_change = None;
        let to = match from {
            UndoStack::Undo => UndoStack::Redo,
            UndoStack::Redo => UndoStack::Undo,
        };
        let mut reverse = UndoStep {
            id: step.id,
            changes: Vec::new(),
            metadata: step.metadata.clone(),
        };
        absorb(&mut reverse.changes, done);
        match to {
            UndoStack::Undo => state.undo.push(reverse),
            UndoStack::Redo => state.redo.push(reverse),
        }
        state.events.push(UndoEvent::Added {
            stack: to,
            step: step.id,
        });
        Some(Reverted {
            step: step.id,
            metadata: step.metadata,
            delta,
        })
    }

    /// Ends the current step: the next tracked change starts a new one, however soon.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// doc.transact(|root| root.put("a", 1i64));
    /// undo.stop_capturing();
    /// doc.transact(|root| root.put("b", 2i64));
    /// assert_eq!(undo.undo_len(), 2);
    /// ```
    pub fn stop_capturing(&self) {
        self.state.borrow_mut().last_change = None;
    }

    /// Forgets every step, undo and redo.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// doc.transact(|root| root.put("a", 1i64));
    /// undo.clear();
    /// assert!(!undo.can_undo());
    /// ```
    pub fn clear(&self) {
        let mut state = self.state.borrow_mut();
        state.undo.clear();
        state.redo.clear();
        state.last_change = None;
    }

    /// Whether there is a step to undo.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// doc.transact(|root| root.put("a", 1i64));
    /// assert!(undo.can_undo());
    /// ```
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.state.borrow().undo.is_empty()
    }

    /// Whether there is a step to redo.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// assert!(!undo.can_redo());
    /// ```
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.state.borrow().redo.is_empty()
    }

    /// How many steps the undo stack holds.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// assert_eq!(UndoManager::new(&mut doc, UndoConfig::default()).undo_len(), 0);
    /// ```
    #[must_use]
    pub fn undo_len(&self) -> usize {
        self.state.borrow().undo.len()
    }

    /// How many steps the redo stack holds.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// assert_eq!(UndoManager::new(&mut doc, UndoConfig::default()).redo_len(), 0);
    /// ```
    #[must_use]
    pub fn redo_len(&self) -> usize {
        self.state.borrow().redo.len()
    }

    /// Attaches `value` under `key` to the newest step of the undo stack (e.g. the selection
    /// to restore when it is undone). Returns whether there was a step.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager, Value};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// doc.transact(|root| root.put("a", 1i64));
    /// assert!(undo.set_metadata("selection", Value::from(3i64)));
    /// let reverted = undo.undo(&mut doc).unwrap();
    /// assert_eq!(reverted.metadata.get("selection"), Some(&Value::from(3i64)));
    /// ```
    pub fn set_metadata(&self, key: &str, value: Value) -> bool {
        let mut state = self.state.borrow_mut();
        match state.undo.last_mut() {
            Some(step) => {
                step.metadata.insert(key.to_owned(), value);
                true
            }
            None => false,
        }
    }

    /// The metadata of step `step`, wherever it is (`None` if no stack holds it).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager, Value};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// doc.transact(|root| root.put("a", 1i64));
    /// undo.set_metadata("k", Value::from(true));
    /// assert_eq!(undo.metadata(0).unwrap().get("k"), Some(&Value::from(true)));
    /// ```
    #[must_use]
    pub fn metadata(&self, step: u64) -> Option<BTreeMap<String, Value>> {
        let state = self.state.borrow();
        state
            .undo
            .iter()
            .chain(state.redo.iter())
            .find(|candidate| candidate.id == step)
            .map(|found| found.metadata.clone())
    }

    /// What happened to the steps since the last call, in order.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoEvent, UndoManager, UndoStack};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// doc.transact(|root| root.put("a", 1i64));
    /// assert_eq!(undo.take_events(), [UndoEvent::Added { stack: UndoStack::Undo, step: 0 }]);
    /// assert!(undo.take_events().is_empty());
    /// ```
    #[must_use]
    pub fn take_events(&self) -> Vec<UndoEvent> {
        std::mem::take(&mut self.state.borrow_mut().events)
    }

    /// The id of the newest step of the undo stack (the one [`UndoManager::set_metadata`]
    /// writes to).
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// let undo = UndoManager::new(&mut doc, UndoConfig::default());
    /// assert_eq!(undo.newest_step(), None);
    /// doc.transact(|root| root.put("a", 1i64));
    /// assert_eq!(undo.newest_step(), Some(0));
    /// ```
    #[must_use]
    pub fn newest_step(&self) -> Option<u64> {
        self.state.borrow().undo.last().map(|step| step.id)
    }

    /// The origin of the manager's own transactions.
    ///
    /// ```
    /// use weft::{Doc, ReplicaId, UndoConfig, UndoManager};
    /// let mut doc = Doc::new(ReplicaId::random());
    /// assert_eq!(UndoManager::new(&mut doc, UndoConfig::default()).origin().name(), "undo");
    /// ```
    #[must_use]
    pub fn origin(&self) -> Origin {
        self.state.borrow().config.origin.clone()
    }
}

impl std::fmt::Debug for UndoManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("UndoManager")
            .field("config", &state.config)
            .field("undo", &state.undo.len())
            .field("redo", &state.redo.len())
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the manager was made (on wasm32, which has no clock in `std`: every
/// change a step of its own until the binding sets a clock).
#[cfg(not(target_arch = "wasm32"))]
fn default_clock() -> Box<dyn FnMut() -> u64> {
    let start = std::time::Instant::now();
    Box::new(move || u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX))
}

#[cfg(target_arch = "wasm32")]
fn default_clock() -> Box<dyn FnMut() -> u64> {
    let mut ticks = 0u64;
    Box::new(move || {
        ticks = ticks.saturating_add(1 << 32);
        ticks
    })
}
