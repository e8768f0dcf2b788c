//! `MapRef`: a handle on a map of named entries.

use wasm_bindgen::prelude::*;
use weft::prelude::*;
use weft::{Entry, Kind, Node, Object};

use crate::convert::{from_node, to_value};
use crate::error::JsResult;
use crate::handles::{CounterRef, FromHandle, Handle, ListRef, RegisterRef, SetRef, TextRef};
use crate::path::Step;

/// A map from names to values and nested containers. A name removed on one replica while
/// another changes it concurrently keeps that change.
#[wasm_bindgen]
pub struct MapRef {
    handle: Handle,
}

impl FromHandle for MapRef {
    const KIND: Kind = Kind::Map;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

impl MapRef {
    fn child<T: FromHandle>(&self, key: &str) -> JsResult<T> {
        self.child_of(key, T::KIND).map(T::from_handle)
    }

    fn child_of(&self, key: &str, kind: Kind) -> JsResult<Handle> {
        self.handle
            .at(self.handle.path.child(Step::Key(key.to_owned())), kind)
    }

    fn read_map<R>(&self, read: impl FnOnce(Option<&Object>) -> R) -> JsResult<R> {
        self.handle
            .read(|entry| Ok(read(entry.and_then(Entry::map))))
    }
}

#[wasm_bindgen]
impl MapRef {
    /// How many names are present.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> JsResult<usize> {
        self.read_map(|map| map.map_or(0, Object::len))
    }

    /// The names present, sorted.
    pub fn keys(&self) -> JsResult<Vec<String>> {
        self.read_map(|map| {
            let mut names: Vec<String> = map
                .into_iter()
                .flat_map(Object::entries)
                .filter(|(_, entry)| entry.kind().is_some())
                .map(|(name, _)| name.clone())
                .collect();
            names.sort();
            names
        })
    }

    /// Whether `key` is present.
    pub fn has(&self, key: &str) -> JsResult<bool> {
        self.read_map(|map| {
            map.and_then(|map| map.entry(key))
                .is_some_and(|e| e.kind().is_some())
        })
    }

    /// The entry under `key` as plain data (a container as a snapshot), or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "JsonValue | undefined")]
    pub fn get(&self, key: &str) -> JsResult<JsValue> {
        self.read_map(|map| {
            map.and_then(|map| map.entry(key))
                .and_then(Node::of_entry)
                .map_or(JsValue::UNDEFINED, |node| from_node(&node))
        })
    }

    /// Writes a value under `key`, replacing whatever was there.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn set(
        &self,
        key: &str,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<()> {
        let value = to_value(&value)?;
        self.handle.edit(
            |_| Ok(Some(())),
            |entry, ()| entry.map(|map| map.set(key, value)),
        )?;
        Ok(())
    }

    /// Removes `key` as this replica sees it; returns whether it was present.
    pub fn delete(&self, key: &str) -> JsResult<bool> {
        let removed = self.handle.edit(
            |entry| {
                let present = entry
                    .and_then(Entry::map)
                    .and_then(|map| map.entry(key))
                    .is_some_and(|entry| entry.kind().is_some());
                Ok(present.then_some(()))
            },
            |entry, ()| entry.map(|map| map.remove(key)),
        )?;
        Ok(removed.unwrap_or(false))
    }

    /// The text under `key` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds something else.
    #[wasm_bindgen(js_name = getText)]
    pub fn get_text(&self, key: &str) -> JsResult<TextRef> {
        self.child(key)
    }

    /// The list under `key` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds something else.
    #[wasm_bindgen(js_name = getList)]
    pub fn get_list(&self, key: &str) -> JsResult<ListRef> {
        self.child(key)
    }

    /// The map under `key` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds something else.
    #[wasm_bindgen(js_name = getMap)]
    pub fn get_map(&self, key: &str) -> JsResult<MapRef> {
        self.child(key)
    }

    /// The counter under `key` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds something else.
    #[wasm_bindgen(js_name = getCounter)]
    pub fn get_counter(&self, key: &str) -> JsResult<CounterRef> {
        self.child(key)
    }

    /// The set under `key` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds something else.
    #[wasm_bindgen(js_name = getSet)]
    pub fn get_set(&self, key: &str) -> JsResult<SetRef> {
        self.child(key)
    }

    /// The register under `key`.
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds a container.
    #[wasm_bindgen(js_name = getRegister)]
    pub fn get_register(&self, key: &str) -> JsResult<RegisterRef> {
        self.child(key)
    }

    /// The map as a plain object.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ [key: string]: JsonValue }")]
    pub fn to_json(&self) -> JsResult<JsValue> {
        self.handle.to_plain()
    }
}
