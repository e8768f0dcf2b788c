//! `Doc`: one replica of a document, from JavaScript.

use js_sys::{Function, Uint8Array};
use wasm_bindgen::prelude::*;
use weft::{ContainerPath, DocDelta, Outcome, ReplicaId};

use crate::convert::{from_node, from_version, replica_id, to_version};
use crate::error::{JsResult, WeftError};
use crate::handles::{
    CounterRef, FromHandle, Handle, ListRef, MapRef, MultiValueRef, RegisterRef, RemoveWinsSetRef,
    SetRef, TextRef, expect, unsubscriber,
};
use crate::shared::{SessionDoc, SharedDoc};

#[wasm_bindgen]
extern "C" {
    /// A version given by JavaScript (`{ [replicaId]: number }`).
    #[wasm_bindgen(typescript_type = "Version")]
    pub type VersionArg;
}

/// One replica of a document: named root containers — texts, lists, maps, counters, sets and
/// registers — nested as deep as needed. Every change is a transaction of its own unless it
/// runs inside `transact(() => ...)`; other replicas receive changes as deltas
/// (`exportDelta`/`applyDelta`, `onUpdate`) or through a `SyncSession`.
#[wasm_bindgen]
pub struct Doc {
    shared: SharedDoc,
}

impl Doc {
    /// The shared document.
    pub(crate) fn shared(&self) -> &SharedDoc {
        &self.shared
    }

    /// The document, as a sync session sees it.
    pub(crate) fn session_doc(&self) -> Box<dyn SessionDoc> {
        Box::new(self.shared.clone())
    }

    /// The handle of the root entry `name`, after checking it holds `T`'s kind or nothing.
    fn root<T: FromHandle>(&self, name: &str) -> JsResult<T> {
        let path = ContainerPath::root().key(name);
        self.shared
            .read(|doc| expect(doc.get(&path)?, T::KIND).map(|_| ()))?;
        Ok(T::from_handle(Handle {
            shared: self.shared.clone(),
            path,
            kind: T::KIND,
        }))
    }
}

#[wasm_bindgen]
impl Doc {
    /// An empty document. `replicaId` (a UUID string) names this replica; a random one is made
    /// when it is omitted. Never give two live replicas the same id.
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if `replicaId` is not a UUID.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(js_name = replicaId)] replica: Option<String>) -> JsResult<Doc> {
        let id = match replica {
            Some(text) => replica_id(&JsValue::from_str(&text))?,
            None => ReplicaId::random(),
        };
        Ok(Self {
            shared: SharedDoc::new(weft::Doc::new(id)),
        })
    }

    /// A document restored from `save()`.
    ///
    /// @throws {WeftError} `WEFT_DECODE` if the bytes are not a saved document.
    pub fn load(snapshot: &[u8]) -> JsResult<Doc> {
        let doc = weft::Doc::load(snapshot).map_err(WeftError::from)?;
        Ok(Self {
            shared: SharedDoc::new(doc),
        })
    }

    /// This replica's id (a UUID string).
    #[wasm_bindgen(getter, js_name = replicaId)]
    pub fn replica_id(&self) -> JsResult<String> {
        self.shared.read(|doc| Ok(doc.id().to_string()))
    }

    /// Gives the marks named `name` made here from now on the expand rule `rule`: `"after"`
    /// (text typed at the mark's end joins it: bold, italic; the default), `"before"`,
    /// `"both"` or `"none"` (typed text never joins it: `link`, `href` and `comment` by
    /// default). The rule is baked into each mark when it is made, so replicas need not agree.
    ///
    /// @throws {Error} `WEFT_INVALID_ARGUMENT` for another rule.
    #[wasm_bindgen(js_name = setExpand)]
    pub fn set_expand(
        &self,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "ExpandRule")] rule: JsValue,
    ) -> JsResult<()> {
        let rule = crate::marks::to_expand(&rule)?;
        self.shared.configure(|doc| doc.set_expand(name, rule))
    }

    /// The changes this replica holds: `{ [replicaId]: number of changes }`.
    #[wasm_bindgen(getter, unchecked_return_type = "Version")]
    pub fn version(&self) -> JsResult<JsValue> {
        self.shared.read(|doc| Ok(from_version(&doc.version())))
    }

    /// How many received deltas wait for changes they depend on.
    #[wasm_bindgen(getter, js_name = pendingCount)]
    pub fn pending_count(&self) -> JsResult<usize> {
        self.shared.read(|doc| Ok(doc.pending_len()))
    }

    /// The text named `name` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds something else.
    #[wasm_bindgen(js_name = getText)]
    pub fn get_text(&self, name: &str) -> JsResult<TextRef> {
        self.root(name)
    }

    /// The list named `name` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds something else.
    #[wasm_bindgen(js_name = getList)]
    pub fn get_list(&self, name: &str) -> JsResult<ListRef> {
        self.root(name)
    }

    /// The map named `name` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds something else.
    #[wasm_bindgen(js_name = getMap)]
    pub fn get_map(&self, name: &str) -> JsResult<MapRef> {
        self.root(name)
    }

    /// The counter named `name` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds something else.
    #[wasm_bindgen(js_name = getCounter)]
    pub fn get_counter(&self, name: &str) -> JsResult<CounterRef> {
        self.root(name)
    }

    /// The set named `name` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds something else.
    #[wasm_bindgen(js_name = getSet)]
    pub fn get_set(&self, name: &str) -> JsResult<SetRef> {
        self.root(name)
    }

    /// The multi-value register named `name` (created by its first write): concurrent
    /// writes are all kept.
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds something else.
    #[wasm_bindgen(js_name = getMultiValue)]
    pub fn get_multi_value(&self, name: &str) -> JsResult<MultiValueRef> {
        self.root(name)
    }

    /// The remove-wins set named `name` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds something else.
    #[wasm_bindgen(js_name = getRemoveWinsSet)]
    pub fn get_remove_wins_set(&self, name: &str) -> JsResult<RemoveWinsSetRef> {
        self.root(name)
    }

    /// The register (one value, last writer wins) named `name`.
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `name` holds a container.
    #[wasm_bindgen(js_name = getRegister)]
    pub fn get_register(&self, name: &str) -> JsResult<RegisterRef> {
        self.root(name)
    }

    /// Runs `body` as one transaction on behalf of `origin` (any value: an editor binding, an
    /// undo manager, a provider): its changes reach observers as one batch of events, each
    /// carrying `origin`, and update listeners as one delta. Returns what `body` returns. A
    /// change refused inside throws and changes nothing; the changes before it stay made.
    pub fn transact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "() => unknown")] body: &Function,
        #[wasm_bindgen(unchecked_param_type = "unknown")] origin: JsValue,
    ) -> JsResult<JsValue> {
        self.shared.transact(body, origin)
    }

    /// Calls `listener` with the events of every later batch that changed anything in the
    /// document, local or received (a deep observer of the whole document). Returns the
    /// function that unsubscribes.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn subscribe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        let id = self.shared.observe(ContainerPath::root(), true, listener)?;
        Ok(unsubscriber(&self.shared, id))
    }

    /// Calls `listener` with one delta for every later batch that changed the document, the
    /// batch's `origin` (what `transact` or `applyDelta` was given) and whether it holds
    /// changes made here (`local`). Send it to other replicas or append it to storage.
    /// Returns the function that unsubscribes.
    #[wasm_bindgen(js_name = onUpdate, unchecked_return_type = "() => void")]
    pub fn on_update(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(update: Uint8Array, origin: unknown, local: boolean) => void"
        )]
        listener: Function,
    ) -> JsResult<JsValue> {
        let id = self.shared.on_update(listener)?;
        Ok(unsubscriber(&self.shared, id))
    }

    /// The whole document as plain data: maps as objects, lists and sets as arrays, texts as
    /// strings, counters as numbers, bytes as `Uint8Array`s.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ [name: string]: JsonValue }")]
    pub fn to_json(&self) -> JsResult<JsValue> {
        self.shared.read(|doc| Ok(from_node(&doc.to_node())))
    }

    /// The whole replica (id, state, pending deltas) as bytes, for `Doc.load`.
    pub fn save(&self) -> JsResult<Uint8Array> {
        self.shared
            .read(|doc| Ok(Uint8Array::from(doc.save().as_slice())))
    }

    /// Everything a replica at version `since` lacks, as one delta (`since` omitted: the
    /// whole document).
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if `since` is not a version.
    #[wasm_bindgen(js_name = exportDelta)]
    pub fn export_delta(&self, since: Option<VersionArg>) -> JsResult<Uint8Array> {
        let since = to_version(since.as_ref().map_or(&JsValue::UNDEFINED, |since| since))?;
        self.shared.read(|doc| {
            Ok(Uint8Array::from(
                doc.delta_since(&since).to_bytes().as_slice(),
            ))
        })
    }

    /// Merges a delta from another replica (kept pending until the changes it depends on
    /// arrive) on behalf of `origin`, which the events it causes carry. Applying a delta
    /// twice, or deltas in any order, gives the same document.
    ///
    /// @throws {WeftError} `WEFT_DECODE` if the bytes are not a delta of a document; the
    /// document is unchanged then.
    #[wasm_bindgen(js_name = applyDelta, unchecked_return_type = "ApplyOutcome")]
    pub fn apply_delta(
        &self,
        delta: &[u8],
        #[wasm_bindgen(unchecked_param_type = "unknown")] origin: JsValue,
    ) -> JsResult<JsValue> {
        let delta = DocDelta::from_bytes(delta).map_err(WeftError::from)?;
        let outcome = self
            .shared
            .change_from(false, Some(origin), |doc| Ok(doc.apply(&delta)))?;
        Ok(JsValue::from_str(match outcome {
            Outcome::Applied => "applied",
            Outcome::Pending => "pending",
            Outcome::Redundant => "redundant",
        }))
    }

    /// An order-independent digest of the state (hex): equal on replicas with equal state.
    pub fn digest(&self) -> JsResult<String> {
        self.shared
            .read(|doc| Ok(format!("{:032x}", doc.digest().0)))
    }
}
