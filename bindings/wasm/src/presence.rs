//! `PresenceCore`: the ephemeral presence of one document's clients (`weft::sync::presence`),
//! from JavaScript. The package's `Presence` class (`bindings/npm/src/presence.ts`) wraps it,
//! keeping the states as parsed JSON, the timers and the transports' links.

use std::collections::{BTreeMap, BTreeSet};

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use weft::ReplicaId;
use weft::sync::presence::{self, PresenceChange};

use crate::error::{JsResult, WeftError};

/// The presence of every client one page knows, its own included: states are JSON texts,
/// clocks order them, and time is passed in as milliseconds.
#[wasm_bindgen]
pub struct PresenceCore {
    presence: presence::Presence,
    /// Per open link, the clients heard through it as present.
    links: BTreeMap<u32, BTreeSet<ReplicaId>>,
    next_link: u32,
}

#[wasm_bindgen]
impl PresenceCore {
    /// The presence of the client `clientId` (a UUID string: the document's `replicaId`).
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if `clientId` is not a UUID.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(js_name = clientId)] client: &str) -> JsResult<PresenceCore> {
        Ok(Self {
            presence: presence::Presence::new(parse_client(client)?),
            links: BTreeMap::new(),
            next_link: 0,
        })
    }

    /// Whether `bytes` are a presence message (rather than another sync message): a cheap
    /// look at the frame's kind and the payload's tag, without checking the rest.
    #[wasm_bindgen(js_name = isPresenceMessage)]
    pub fn is_presence_message(bytes: &[u8]) -> bool {
        presence::is_presence(bytes)
    }

    /// This client's id.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.presence.client().to_string()
    }

    /// The local state (JSON text), or `undefined` if none is set.
    pub fn local(&self) -> Option<String> {
        self.presence.local().map(str::to_owned)
    }

    /// Sets the local state (JSON text), or `undefined` to leave.
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if the text is longer than 4,096 bytes;
    /// nothing changes then.
    #[wasm_bindgen(js_name = setLocal)]
    pub fn set_local(&mut self, state: Option<String>) -> JsResult<()> {
        self.presence
            .set_local(state.as_deref())
            .map_err(|error| WeftError::InvalidArgument(error.to_string()).into())
    }

    /// The local entry as a presence message (sent on open, on change and periodically).
    #[wasm_bindgen(js_name = encodeLocal)]
    pub fn encode_local(&self) -> Uint8Array {
        Uint8Array::from(self.presence.encode_local().as_slice())
    }

    /// Opens a transport's link: the clients heard through it are remembered under the
    /// number returned, so that closing it removes those heard nowhere else.
    #[wasm_bindgen(js_name = openLink)]
    pub fn open_link(&mut self) -> u32 {
        self.next_link = self.next_link.wrapping_add(1);
        self.links.insert(self.next_link, BTreeSet::new());
        self.next_link
    }

    /// Closes link `link`: the clients heard only through it leave. Returns the change as
    /// `[added, updated, removed]`, or `undefined` if nobody left.
    #[wasm_bindgen(
        js_name = closeLink,
        unchecked_return_type = "[string[], string[], string[]] | undefined"
    )]
    pub fn close_link(&mut self, link: u32) -> JsValue {
        let Some(heard) = self.links.remove(&link) else {
            return JsValue::UNDEFINED;
        };
        let gone: Vec<ReplicaId> = heard
            .into_iter()
            .filter(|client| !self.links.values().any(|other| other.contains(client)))
            .collect();
        change_value(&self.presence.remove_clients(&gone))
    }

    /// Applies a presence message that link `link` received at `nowMs`. Returns who was
    /// added, updated and removed as `[added, updated, removed]` (client ids), or
    /// `undefined` if nothing changed (a periodic resend).
    ///
    /// @throws {WeftError} `WEFT_DECODE` if the bytes are not a valid presence message;
    /// nothing changes then.
    #[wasm_bindgen(unchecked_return_type = "[string[], string[], string[]] | undefined")]
    pub fn apply(
        &mut self,
        bytes: &[u8],
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        link: u32,
    ) -> JsResult<JsValue> {
        let entries = presence::decode(bytes).map_err(WeftError::Presence)?;
        if let Some(heard) = self.links.get_mut(&link) {
            for entry in &entries {
                if entry.client == self.presence.client() {
                    continue;
                }
                if entry.state.is_some() {
                    heard.insert(entry.client);
                } else {
                    heard.remove(&entry.client);
                }
            }
        }
        Ok(change_value(
            &self.presence.apply_entries(entries, to_millis(now_ms)),
        ))
    }

    /// Drops the clients not heard from for more than `timeoutMs` before `nowMs`; returns
    /// their ids.
    pub fn expire(
        &mut self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        #[wasm_bindgen(js_name = timeoutMs)] timeout_ms: f64,
    ) -> Vec<String> {
        let expired = self
            .presence
            .expire(to_millis(now_ms), to_millis(timeout_ms));
        for heard in self.links.values_mut() {
            for client in &expired {
                heard.remove(client);
            }
        }
        expired.iter().map(ReplicaId::to_string).collect()
    }

    /// Every present client's state, the local one included: `[clientId, jsonText]` pairs.
    #[wasm_bindgen(unchecked_return_type = "Array<[string, string]>")]
    pub fn states(&self) -> Array {
        self.presence
            .states()
            .into_iter()
            .map(|(client, state)| {
                Array::of2(
                    &JsValue::from_str(&client.to_string()),
                    &JsValue::from_str(state),
                )
            })
            .collect()
    }
}

/// A client id from JavaScript.
fn parse_client(client: &str) -> Result<ReplicaId, WeftError> {
    client
        .parse()
        .map_err(|_| WeftError::InvalidArgument(format!("{client:?} is not a UUID")))
}

/// Milliseconds from JavaScript: negative or not a number counts as 0.
fn to_millis(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value as u64
    } else {
        0
    }
}

/// `[added, updated, removed]` of a change, or `undefined` for none (most messages are
/// resends that change nothing: they cost no JavaScript objects).
fn change_value(change: &PresenceChange) -> JsValue {
    if change.is_empty() {
        return JsValue::UNDEFINED;
    }
    let ids = |clients: &[ReplicaId]| -> Array {
        clients
            .iter()
            .map(|client| JsValue::from_str(&client.to_string()))
            .collect()
    };
    Array::of3(
        &ids(&change.added),
        &ids(&change.updated),
        &ids(&change.removed),
    )
    .into()
}
