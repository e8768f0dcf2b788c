//! `SharedDoc`: the document every JS handle of one `Doc` shares, and the one place where
//! changes are made, batched, and announced.
//!
//! Every change from JavaScript runs through [`SharedDoc::change`]: it edits through
//! [`Doc::edit_entry`] (no delta per keystroke), and when the outermost batch ends — at once
//! for a single call, at the end of `doc.transact(() => ...)` for a batch — it tells the
//! subscribers what changed, gives the update listeners *one* delta for the whole batch
//! (`delta_since` the version before it), and lets the sync sessions send. No JavaScript runs
//! while the document is borrowed, so listeners may read and change the document.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::{Rc, Weak};
use std::sync::atomic::Ordering;

use js_sys::{Array, Function, Uint8Array};
use wasm_bindgen::JsValue;
use weft::{Doc, Event, Subscription, VersionVector};

use crate::POISONED;
use crate::error::{JsResult, WeftError};
use crate::events::{Mirror, touched_roots};
use crate::sync::SessionCore;

/// A document shared by a `Doc` and its handles.
#[derive(Clone)]
pub(crate) struct SharedDoc(Rc<RefCell<State>>);

struct State {
    doc: Doc,
    /// How many batches are open (`transact` calls nest).
    depth: u32,
    /// The version before the outermost batch, while update listeners need a delta.
    before: Option<VersionVector>,
    /// Whether the open batch made a change locally.
    local: bool,
    /// Events heard from the document, waiting to be converted.
    heard: Rc<RefCell<Vec<Event>>>,
    /// The document subscription, while JavaScript subscribers exist.
    subscription: Option<Subscription>,
    mirror: Mirror,
    /// Converted events of the open batch.
    batch: Vec<JsValue>,
    subscribers: Vec<(u32, Function)>,
    updaters: Vec<(u32, Function)>,
    sessions: Vec<Weak<SessionCore>>,
    next_listener: u32,
}

/// Which list a listener is in.
#[derive(Clone, Copy)]
pub(crate) enum ListenerKind {
    /// `subscribe`: change events.
    Events,
    /// `onUpdate`: deltas.
    Updates,
}

impl SharedDoc {
    /// Shares `doc`.
    pub(crate) fn new(doc: Doc) -> Self {
        Self(Rc::new(RefCell::new(State {
            doc,
            depth: 0,
            before: None,
            local: false,
            heard: Rc::default(),
            subscription: None,
            mirror: Mirror::default(),
            batch: Vec::new(),
            subscribers: Vec::new(),
            updaters: Vec::new(),
            sessions: Vec::new(),
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

    /// Changes the document (`local`: made here, rather than received). `change` must either
    /// fail before changing anything or succeed.
    pub(crate) fn change<R>(
        &self,
        local: bool,
        change: impl FnOnce(&mut Doc) -> Result<R, WeftError>,
    ) -> JsResult<R> {
        self.begin()?;
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

    /// Runs `body` as one batch: one event batch and one delta for all its changes.
    pub(crate) fn transact(&self, body: &Function) -> JsResult<JsValue> {
        self.begin()?;
        let result = body.call0(&JsValue::UNDEFINED);
        let ended = self.end();
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Adds a listener; returns its id.
    pub(crate) fn listen(&self, kind: ListenerKind, listener: Function) -> JsResult<u32> {
        let mut state = self.state_mut()?;
        let id = state.next_listener;
        state.next_listener += 1;
        match kind {
            ListenerKind::Updates => state.updaters.push((id, listener)),
            ListenerKind::Events => {
                if state.subscription.is_none() {
                    let heard = Rc::clone(&state.heard);
                    let subscription = state.doc.subscribe(move |events| {
                        heard.borrow_mut().extend_from_slice(events);
                    });
                    state.subscription = Some(subscription);
                    let state = &mut *state;
                    state.mirror.refresh(&state.doc, None);
                }
                state.subscribers.push((id, listener));
            }
        }
        Ok(id)
    }

    /// Removes listener `id`.
    pub(crate) fn unlisten(&self, id: u32) {
        let Ok(mut state) = self.state_mut() else {
            return;
        };
        state.updaters.retain(|(other, _)| *other != id);
        state.subscribers.retain(|(other, _)| *other != id);
        if state.subscribers.is_empty() {
            if let Some(subscription) = state.subscription.take() {
                state.doc.unsubscribe(subscription);
            }
            state.mirror.clear();
            state.heard.borrow_mut().clear();
        }
    }

    /// Lets `session` send after every batch while it lives.
    pub(crate) fn attach(&self, session: Weak<SessionCore>) -> JsResult<()> {
        let mut state = self.state_mut()?;
        state.sessions.retain(|other| other.strong_count() > 0);
        state.sessions.push(session);
        Ok(())
    }

    fn begin(&self) -> Result<(), WeftError> {
        let mut state = self.state_mut()?;
        if state.depth == 0 {
            state.local = false;
            state.before = (!state.updaters.is_empty()).then(|| state.doc.version());
        }
        state.depth += 1;
        Ok(())
    }

    /// Closes a batch; the outermost one announces what changed.
    fn end(&self) -> JsResult<()> {
        let (events, subscribers, update, updaters, sessions) = {
            let mut state = self.state_mut()?;
            state.depth -= 1;
            if state.depth > 0 {
                return Ok(());
            }
            state.sessions.retain(|session| session.strong_count() > 0);
            if state.batch.is_empty() && state.updaters.is_empty() && state.sessions.is_empty() {
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
            let events: Array = state.batch.drain(..).collect();
            (
                events,
                state.subscribers.clone(),
                update.map(|bytes| (bytes, state.local)),
                state.updaters.clone(),
                state
                    .sessions
                    .iter()
                    .filter_map(Weak::upgrade)
                    .collect::<Vec<_>>(),
            )
        };
        let mut first_error = None;
        if events.length() > 0 {
            for (_, listener) in &subscribers {
                if let Err(error) = listener.call1(&JsValue::UNDEFINED, &events) {
                    first_error.get_or_insert(error);
                }
            }
        }
        if let Some((bytes, local)) = update {
            let origin = JsValue::from_str(if local { "local" } else { "remote" });
            for (_, listener) in &updaters {
                if let Err(error) = listener.call2(&JsValue::UNDEFINED, &bytes, &origin) {
                    first_error.get_or_insert(error);
                }
            }
        }
        for session in sessions {
            if let Err(error) = session.flush(self) {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl State {
    /// Converts what the document announced since the last call.
    fn collect(&mut self) {
        let heard: Vec<Event> = self.heard.borrow_mut().drain(..).collect();
        if heard.is_empty() {
            return;
        }
        for event in &heard {
            let converted = self.mirror.convert(&self.doc, event);
            self.batch.push(converted);
        }
        let roots = touched_roots(&heard);
        self.mirror.refresh(&self.doc, Some(&roots[..]));
    }
}
