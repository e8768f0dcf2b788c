//! `SyncSession`: the Weft sync protocol (`weft-sync`) between one document and one peer, over
//! any transport — a send callback out, `receive(bytes)` in.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Uint8Array};
use wasm_bindgen::prelude::*;
use weft::sync::{Message, SyncError, SyncState, generate, receive};

use crate::doc::Doc;
use crate::error::{JsResult, WeftError};
use crate::shared::{Outbox, SessionDoc};

/// What a session shares with its document, which lets it send after every change.
pub(crate) struct SessionCore {
    doc: Box<dyn SessionDoc>,
    state: RefCell<SyncState>,
    send: Function,
}

impl Outbox for SessionCore {
    /// Sends every message that is due.
    fn flush(&self) -> JsResult<()> {
        let mut messages = Vec::new();
        self.doc.read_doc(&mut |doc| {
            let mut state = self
                .state
                .try_borrow_mut()
                .map_err(|_| WeftError::Poisoned)?;
            while let Some(message) = generate(&mut state, doc) {
                messages.push(message.to_bytes());
            }
            Ok(())
        })?;
        for bytes in messages {
            self.send
                .call1(&JsValue::UNDEFINED, &Uint8Array::from(bytes.as_slice()))?;
        }
        Ok(())
    }
}

/// One document's sync session with one peer: the handshake levels both sides in one round
/// trip, then local changes are pushed as they happen and acknowledged. Works over any
/// transport that delivers whole messages (WebSocket, `BroadcastChannel`, `postMessage`);
/// lost messages are sent again after `timeout()`, and `reconnect()` resumes after a new
/// connection without sending again what the peer acknowledged.
#[wasm_bindgen]
pub struct SyncSession {
    core: Rc<SessionCore>,
}

#[wasm_bindgen]
impl SyncSession {
    /// A session of `doc` that sends its messages through `send`. `saved` (from `save()`)
    /// resumes where an earlier session with the same peer stopped. Nothing is sent until
    /// `flush()` (call it once the transport is open) or the next change of the document.
    ///
    /// @throws {WeftError} `WEFT_DECODE` if `saved` is not a saved session.
    #[wasm_bindgen(constructor)]
    pub fn new(
        doc: &Doc,
        #[wasm_bindgen(unchecked_param_type = "(message: Uint8Array) => void")] send: Function,
        saved: Option<Vec<u8>>,
    ) -> JsResult<SyncSession> {
        let state = match saved {
            Some(bytes) => SyncState::resume(&bytes).map_err(WeftError::from)?,
            None => SyncState::new(),
        };
        let core = Rc::new(SessionCore {
            doc: doc.session_doc(),
            state: RefCell::new(state),
            send,
        });
        let outbox: Rc<dyn Outbox> = core.clone();
        core.doc.attach(Rc::downgrade(&outbox))?;
        Ok(Self { core })
    }

    /// Handles a message from the peer (changes are applied to the document, answers sent).
    ///
    /// @throws {WeftError} `WEFT_DECODE` if the bytes are not a valid message, `WEFT_SYNC` if
    /// the peer breaks the protocol; the document is unchanged then.
    pub fn receive(&self, message: &[u8]) -> JsResult<()> {
        let message = Message::from_bytes(message).map_err(WeftError::from)?;
        let state = &self.core.state;
        self.core.doc.change_remote(Box::new(move |doc| {
            let mut state = state.try_borrow_mut().map_err(|_| WeftError::Poisoned)?;
            match receive(&mut state, doc, message) {
                Ok(_) => Ok(()),
                Err(SyncError::Decode(error) | SyncError::Delta(error)) => {
                    Err(WeftError::Decode(error))
                }
                Err(other) => Err(WeftError::Sync(other)),
            }
        }))
    }

    /// Sends whatever is due (the hello first of all).
    pub fn flush(&self) -> JsResult<()> {
        self.core.flush()
    }

    /// Starts a new session over a new connection to the same peer, and sends what is due.
    pub fn reconnect(&self) -> JsResult<()> {
        self.core.state.borrow_mut().reconnect();
        self.flush()
    }

    /// Call when the peer has been silent for a while: sends again what may have been lost.
    pub fn timeout(&self) -> JsResult<()> {
        self.core.state.borrow_mut().timeout();
        self.flush()
    }

    /// Whether everything is sent and acknowledged and the peer holds all local changes.
    #[wasm_bindgen(getter, js_name = isIdle)]
    pub fn is_idle(&self) -> JsResult<bool> {
        let mut idle = false;
        self.core.doc.read_doc(&mut |doc| {
            idle = self.core.state.borrow().is_idle(doc);
            Ok(())
        })?;
        Ok(idle)
    }

    /// What to keep so that a later session with the same peer resumes where this one stops
    /// (pass it to the constructor).
    pub fn save(&self) -> Uint8Array {
        Uint8Array::from(self.core.state.borrow().save().as_slice())
    }
}
