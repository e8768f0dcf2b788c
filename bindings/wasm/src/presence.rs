//! `PresenceCore`: the ephemeral presence of one document's clients (`weft::sync::presence`),
//! from JavaScript. The package's `Presence` class (`bindings/npm/src/presence.ts`) wraps it,
//! keeping the states as parsed JSON, the timers and the transports' links.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use weft::ReplicaId;
use weft::sync::presence::{self, PresenceChange};

use crate::error::{JsResult, WeftError};

/// The presence of every client one page knows, its own included: states are JSON texts,
/// clocks order them, and time is passed in as milliseconds.
#[wasm_bindgen]
pub struct PresenceCore {
    presence: presence::Presence,
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

    /// Applies a presence message received at `nowMs`, returning who was added, updated and
    /// removed, and every other client the message spoke of with whether it is present
    /// (`{ added, updated, removed, clients }`; `clients` tells a transport whom it hears).
    ///
    /// @throws {WeftError} `WEFT_DECODE` if the bytes are not a valid presence message;
    /// nothing changes then.
    #[wasm_bindgen(
        unchecked_return_type = "{ added: string[]; updated: string[]; removed: string[]; clients: Array<[string, boolean]> }"
    )]
    pub fn apply(
        &mut self,
        bytes: &[u8],
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> JsResult<Object> {
        let entries = presence::decode(bytes).map_err(WeftError::Presence)?;
        let change = self
            .presence
            .apply(bytes, to_millis(now_ms))
            .map_err(WeftError::Presence)?;
        let object = change_object(&change);
        let clients: Array = entries
            .iter()
            .filter(|entry| entry.client != self.presence.client())
            .map(|entry| {
                Array::of2(
                    &JsValue::from_str(&entry.client.to_string()),
                    &JsValue::from_bool(entry.state.is_some()),
                )
            })
            .collect();
        // Setting a property on a fresh object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str("clients"), &clients);
        Ok(object)
    }

    /// Drops the clients not heard from for more than `timeoutMs` before `nowMs`; returns
    /// their ids.
    pub fn expire(
        &mut self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        #[wasm_bindgen(js_name = timeoutMs)] timeout_ms: f64,
    ) -> Vec<String> {
        self.presence
            .expire(to_millis(now_ms), to_millis(timeout_ms))
            .iter()
            .map(ReplicaId::to_string)
            .collect()
    }

    /// Removes clients a transport knows have left; returns those that were present.
    /// Ids that are not UUIDs are skipped.
    #[wasm_bindgen(js_name = removeClients)]
    pub fn remove_clients(&mut self, clients: Vec<String>) -> Vec<String> {
        let clients: Vec<ReplicaId> = clients
            .iter()
            .filter_map(|client| client.parse().ok())
            .collect();
        self.presence
            .remove_clients(&clients)
            .removed
            .iter()
            .map(ReplicaId::to_string)
            .collect()
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

/// `{ added, updated, removed }` of a change.
fn change_object(change: &PresenceChange) -> Object {
    let object = Object::new();
    for (name, clients) in [
        ("added", &change.added),
        ("updated", &change.updated),
        ("removed", &change.removed),
    ] {
        let ids: Array = clients
            .iter()
            .map(|client| JsValue::from_str(&client.to_string()))
            .collect();
        // Setting a property on a fresh object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), &ids);
    }
    object
}
