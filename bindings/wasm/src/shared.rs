//! `SharedDoc`: the document every JS handle of one `Doc` shares, and the one place where
//! changes are made, batched, and announced.
//!
//! Every change from JavaScript runs through [`SharedDoc::change`]: it edits through
//! [`Doc::edit`] (no delta per keystroke), and when the outermost batch ends — at once for a
//! single call, at the end of `doc.transact(() => ...)` for a batch — it gives each observer
//! the events of the batch it listens to, gives the update listeners *one* delta for the whole
//! batch (`delta_since` the version before it), and lets every [`Outbox`] (the sync sessions)
//! send. No JavaScript runs while the document is borrowed, so listeners may read and change
//! the document.
//!
//! A sync session sees the document only through [`SessionDoc`].

use std::cell::{Ref, RefCell, RefMut};
use std::rc::{Rc, Weak};
use std::sync::atomic::Ordering;

use js_sys::{Array, Function, Uint8Array};
use wasm_bindgen::JsValue;
use weft::{Change, ContainerPath, Doc, Event, Origin, Subscription, VersionVector};

use crate::POISONED;
use crate::error::{JsResult, WeftError};
use crate::events::to_js;

/// Something that sends after every batch of changes while it lives (a sync session).
pub(crate) trait Outbox {
    /// Sends whatever its document now has to send.
    ///
    /// # Errors
    /// What the transport's callback threw.
    fn flush(&self) -> JsResult<()>;
}

/// A change a sync session makes to its document on behalf of the peer.
pub(crate) type RemoteChange<'a> = Box<dyn FnOnce(&mut Doc) -> Result<(), WeftError> + 'a>;

/// What a sync session needs from the document it syncs.
pub(crate) trait SessionDoc {
    /// Runs `read` on the document.
    ///
    /// # Errors
    /// What `read` returned, or [`WeftError::Poisoned`] if the document is unusable.
    fn read_doc(&self, read: &mut dyn FnMut(&Doc) -> Result<(), WeftError>) -> JsResult<()>;

    /// Runs `change` as a change received from the peer (not local), then announces it.
    /// `change` must either fail before changing anything or succeed.
    ///
    /// # Errors
    /// What `change` returned, or what a listener or another outbox threw.
    fn change_remote(&self, change: RemoteChange<'_>) -> JsResult<()>;

    /// Lets `outbox` send after every batch of changes while it lives.
    ///
    /// # Errors
    /// [`WeftError::Poisoned`] if the document is unusable.
    fn attach(&self, outbox: Weak<dyn Outbox>) -> JsResult<()>;
}

/// A document shared by a `Doc` and its handles.
#[derive(Clone)]
pub(crate) struct SharedDoc(Rc<RefCell<State>>);

/// A JavaScript observer of one container (and, `deep`, of what is inside it).
struct Observer {
    id: u32,
    target: ContainerPath,
    deep: bool,
    listener: Function,
}

impl Observer {
    fn hears(&self, target: &ContainerPath, reload: bool) -> bool {
        reload
            || if self.deep {
                target.starts_with(&self.target)
            } else {
                *target == self.target
            }
    }
}

/// A converted event of the open batch, with what observers match it by.
struct Heard {
    target: ContainerPath,
    reload: bool,
    event: JsValue,
}

struct State {
    doc: Doc,
    /// How many batches are open (`transact` calls nest).
    depth: u32,
    /// The version before the outermost batch, while update listeners need a delta.
    before: Option<VersionVector>,
    /// Whether the open batch made a change locally.
    local: bool,
    /// The origin the open batch was given (`undefined` if none).
    origin: JsValue,
    /// Events heard from the document, waiting to be converted.
    heard: Rc<RefCell<Vec<Event>>>,
    /// The document subscription, while JavaScript observers exist.
    subscription: Option<Subscription>,
    /// Converted events of the open batch.
    batch: Vec<Heard>,
    observers: Vec<Observer>,
    updaters: Vec<(u32, Function)>,
    outboxes: Vec<Weak<dyn Outbox>>,
    next_listener: u32,
}

impl SharedDoc {
    /// Shares `doc`.
    pub(crate) fn new(doc: Doc) -> Self {
        Self(Rc::new(RefCell::new(State {
            doc,
            depth: 0,
            before: None,
            local: false,
            origin: JsValue::UNDEFINED,
            heard: Rc::default(),
            subscription: None,
            batch: Vec::new(),
            observers: Vec::new(),
            updaters: Vec::new(),
            outboxes: Vec::new(),
            next_listener: 0,
        })))
    }

    fn state(&self) -> Result<Ref<'_, State>, WeftError> {
        if POISONED.load(Ordering::Relaxed) {
            return Err(WeftError::Poisoned);
        }
        self.0.try_borrow().map_err(|_| WeftError::Poisoned)
    }

    fn state_mut(&self) -> Result<RefMut<'_, State>, WeftError> {
        if POISONED.load(Ordering::Relaxed) {
            return Err(WeftError::Poisoned);
        }
        self.0.try_borrow_mut().map_err(|_| WeftError::Poisoned)
    }

    /// Reads the document.
    pub(crate) fn read<R>(&self, read: impl FnOnce(&Doc) -> Result<R, WeftError>) -> JsResult<R> {
        Ok(read(&self.state()?.doc)?)
    }

    /// Changes how the document behaves from now on (not its content: no events, no delta).
    pub(crate) fn configure(&self, configure: impl FnOnce(&mut Doc)) -> JsResult<()> {
        configure(&mut self.state_mut()?.doc);
        Ok(())
    }

    /// Changes the document (`local`: made here, rather than received). `change` must either
    /// fail before changing anything or succeed.
    pub(crate) fn change<R>(
        &self,
        local: bool,
        change: impl FnOnce(&mut Doc) -> Result<R, WeftError>,
    ) -> JsResult<R> {
        self.change_from(local, None, change)
    }

    /// [`SharedDoc::change`] on behalf of `origin` (when it opens the batch).
    pub(crate) fn change_from<R>(
        &self,
        local: bool,
        origin: Option<JsValue>,
        change: impl FnOnce(&mut Doc) -> Result<R, WeftError>,
    ) -> JsResult<R> {
        self.begin(origin)?;
        let result = {
            let mut state = self.state_mut()?;
            let result = change(&mut state.doc);
            if result.is_ok() {
                state.local |= local;
            }
            state.collect();
            result
        };
        self.end()?;
        Ok(result?)
    }

    /// Runs `body` as one batch on behalf of `origin`: one event batch and one delta for all
    /// its changes.
    pub(crate) fn transact(&self, body: &Function, origin: JsValue) -> JsResult<JsValue> {
        self.begin(Some(origin))?;
        let result = body.call0(&JsValue::UNDEFINED);
        let ended = self.end();
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Adds an observer of `target`; returns its id.
    pub(crate) fn observe(
        &self,
        target: ContainerPath,
        deep: bool,
        listener: Function,
    ) -> JsResult<u32> {
        let mut state = self.state_mut()?;
        let id = state.next_listener;
        state.next_listener += 1;
        if state.subscription.is_none() {
            let heard = Rc::clone(&state.heard);
            let subscription = state.doc.subscribe(move |events| {
                heard.borrow_mut().extend_from_slice(events);
            });
            state.subscription = Some(subscription);
        }
        state.observers.push(Observer {
            id,
            target,
            deep,
            listener,
        });
        Ok(id)
    }

    /// Adds an update listener; returns its id.
    pub(crate) fn on_update(&self, listener: Function) -> JsResult<u32> {
        let mut state = self.state_mut()?;
        let id = state.next_listener;
        state.next_listener += 1;
        state.updaters.push((id, listener));
        Ok(id)
    }

    /// Removes listener `id`.
    pub(crate) fn unlisten(&self, id: u32) {
        let Ok(mut state) = self.state_mut() else {
            return;
        };
        state.updaters.retain(|(other, _)| *other != id);
        state.observers.retain(|observer| observer.id != id);
        if state.observers.is_empty() {
            if let Some(subscription) = state.subscription.take() {
                state.doc.unsubscribe(subscription);
            }
            state.heard.borrow_mut().clear();
        }
    }

    fn begin(&self, origin: Option<JsValue>) -> Result<(), WeftError> {
        let mut state = self.state_mut()?;
        if state.depth == 0 {
            state.local = false;
            state.origin = origin.unwrap_or(JsValue::UNDEFINED);
            // Undo managers track changes by origin: a string origin is the Rust one too.
            let named = state.origin.as_string().map(|name| Origin::new(&name));
            state.doc.set_default_origin(named);
            state.before = (!state.updaters.is_empty()).then(|| state.doc.version());
        }
        state.depth += 1;
        Ok(())
    }

    /// Closes a batch; the outermost one announces what changed.
    fn end(&self) -> JsResult<()> {
        let (deliveries, update, updaters, origin, outboxes) = {
            let mut state = self.state_mut()?;
            state.depth -= 1;
            if state.depth > 0 {
                return Ok(());
            }
            state.doc.set_default_origin(None);
            state.outboxes.retain(|outbox| outbox.strong_count() > 0);
            if state.batch.is_empty() && state.updaters.is_empty() && state.outboxes.is_empty() {
                // Nobody to tell (the fast path of typing without listeners).
                state.before = None;
                return Ok(());
            }
            let before = state.before.take();
            let update = before
                .filter(|before| *before != state.doc.version())
                .map(|before| {
                    Uint8Array::from(state.doc.delta_since(&before).to_bytes().as_slice())
                });
            let batch = std::mem::take(&mut state.batch);
            let deliveries: Vec<(Function, Array)> = state
                .observers
                .iter()
                .filter_map(|observer| {
                    let events: Array = batch
                        .iter()
                        .filter(|heard| observer.hears(&heard.target, heard.reload))
                        .map(|heard| heard.event.clone())
                        .collect();
                    (events.length() > 0).then(|| (observer.listener.clone(), events))
                })
                .collect();
            (
                deliveries,
                update.map(|bytes| (bytes, state.local)),
                state.updaters.clone(),
                state.origin.clone(),
                state
                    .outboxes
                    .iter()
                    .filter_map(Weak::upgrade)
                    .collect::<Vec<_>>(),
            )
        };
        let mut first_error = None;
        for (listener, events) in &deliveries {
            if let Err(error) = listener.call1(&JsValue::UNDEFINED, events) {
                first_error.get_or_insert(error);
            }
        }
        if let Some((bytes, local)) = update {
            let local = JsValue::from_bool(local);
            for (_, listener) in &updaters {
                if let Err(error) = listener.call3(&JsValue::UNDEFINED, &bytes, &origin, &local) {
                    first_error.get_or_insert(error);
                }
            }
        }
        for outbox in outboxes {
            if let Err(error) = outbox.flush() {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl SessionDoc for SharedDoc {
    fn read_doc(&self, read: &mut dyn FnMut(&Doc) -> Result<(), WeftError>) -> JsResult<()> {
        self.read(read)
    }

    fn change_remote(&self, change: RemoteChange<'_>) -> JsResult<()> {
        self.change(false, change)
    }

    fn attach(&self, outbox: Weak<dyn Outbox>) -> JsResult<()> {
        let mut state = self.state_mut()?;
        state.outboxes.retain(|other| other.strong_count() > 0);
        state.outboxes.push(outbox);
        Ok(())
    }
}

impl State {
    /// Converts what the document announced since the last call.
    fn collect(&mut self) {
        let heard: Vec<Event> = self.heard.borrow_mut().drain(..).collect();
        for event in heard {
            let converted = to_js(&event, &self.origin);
            self.batch.push(Heard {
                reload: event.change == Change::Reload,
                target: event.target,
                event: converted,
            });
        }
    }
}
