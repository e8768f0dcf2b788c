//! `MapRef`: a handle on a map of named entries.

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use weft::{Entry, Kind, Node, Object, Step};

use crate::convert::{Input, from_node, put_input, to_input};
use crate::error::JsResult;
use crate::handles::{
    CounterRef, FromHandle, Handle, ListRef, MultiValueRef, RegisterRef, RemoveWinsSetRef, SetRef,
    TextRef,
};

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
        let path = self.handle.path.then(Step::Key(key.to_owned()));
        self.handle.at(path, T::KIND).map(T::from_handle)
    }

    fn read_map<R>(&self, read: impl FnOnce(Option<&Object>) -> R) -> JsResult<R> {
        self.handle
            .read(|entry| Ok(read(entry.and_then(Entry::as_map))))
    }

    /// The present names, sorted, with their entries as plain data.
    fn sorted_entries(&self) -> JsResult<Vec<(String, JsValue)>> {
        self.read_map(|map| {
            let mut entries: Vec<(String, JsValue)> = map
                .into_iter()
                .flat_map(Object::entries)
                .filter_map(|(name, entry)| {
                    Node::of_entry(entry).map(|node| (name.clone(), from_node(&node)))
                })
                .collect();
            weft::internals::sorting::sort_by_bytes(&mut entries, |(name, _)| name.as_bytes());
            entries
        })
    }
}

#[wasm_bindgen]
impl MapRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// How many names are present.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> JsResult<usize> {
        self.read_map(|map| map.map_or(0, Object::len))
    }

    /// The names present, sorted.
    pub fn keys(&self) -> JsResult<Vec<String>> {
        let mut names: Vec<String> = self.read_map(|map| {
            map.into_iter()
                .flat_map(Object::entries)
                .map(|(name, _)| name.clone())
                .collect()
        })?;
        weft::internals::sorting::sort_by_bytes(&mut names, |name| name.as_bytes());
        Ok(names)
    }

    /// The entries as plain data, in the order of `keys()`.
    #[wasm_bindgen(unchecked_return_type = "JsonValue[]")]
    pub fn values(&self) -> JsResult<Array> {
        Ok(self
            .sorted_entries()?
            .into_iter()
            .map(|(_, value)| value)
            .collect())
    }

    /// `[name, value]` pairs as plain data, in the order of `keys()` (also what
    /// `for (const [name, value] of map)` walks).
    #[wasm_bindgen(unchecked_return_type = "[string, JsonValue][]")]
    pub fn entries(&self) -> JsResult<Array> {
        Ok(self
            .sorted_entries()?
            .into_iter()
            .map(|(name, value)| Array::of2(&JsValue::from_str(&name), &value))
            .collect())
    }

    /// Calls `callback(value, name, map)` for every entry, in the order of `keys()`.
    #[wasm_bindgen(js_name = forEach)]
    pub fn for_each(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(value: JsonValue, key: string, map: MapRef) => void"
        )]
        callback: &Function,
    ) -> JsResult<()> {
        let this = JsValue::from(MapRef {
            handle: self.handle.clone(),
        });
        for (name, value) in self.sorted_entries()? {
            callback.call3(
                &JsValue::UNDEFINED,
                &value,
                &JsValue::from_str(&name),
                &this,
            )?;
        }
        Ok(())
    }

    /// Whether `key` is present.
    pub fn has(&self, key: &str) -> JsResult<bool> {
        self.read_map(|map| map.and_then(|map| map.get(key)).is_some())
    }

    /// The entry under `key` as plain data (a container as a snapshot), or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "JsonValue | undefined")]
    pub fn get(&self, key: &str) -> JsResult<JsValue> {
        self.read_map(|map| {
            map.and_then(|map| map.get(key))
                .and_then(Node::of_entry)
                .map_or(JsValue::UNDEFINED, |node| from_node(&node))
        })
    }

    /// Writes `value` under `key`, replacing whatever was there. A plain object becomes a
    /// nested map and an array a nested list (recursively); everything else is a value.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not JSON-like data (see
    /// `JsonValue`); nothing changes then.
    pub fn set(
        &self,
        key: &str,
        #[wasm_bindgen(unchecked_param_type = "JsonValue")] value: JsValue,
    ) -> JsResult<()> {
        let input = to_input(&value)?;
        self.handle.edit(|root, path| {
            let mut map = root.open_map(path)?;
            match input {
                Input::Value(value) => {
                    map.put(key, value);
                    Ok(())
                }
                nested => put_input(&mut map, key, nested),
            }
        })
    }

    /// Removes `key` as this replica sees it; returns whether it was present.
    pub fn delete(&self, key: &str) -> JsResult<bool> {
        if !self.has(key)? {
            return Ok(false);
        }
        self.handle
            .edit(|root, path| Ok(root.open_map(path)?.delete(key)))
    }

    /// Removes every name as this replica sees it.
    pub fn clear(&self) -> JsResult<()> {
        if self.size()? == 0 {
            return Ok(());
        }
        self.handle.edit(|root, path| {
            root.open_map(path)?.clear();
            Ok(())
        })
    }

    /// Calls `listener` with the events of every later change of this map's names: `{ type:
    /// "map", changes: [{ key, action, oldValue, newValue }], origin, local }`. Returns the
    /// function that stops it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, false)
    }

    /// Calls `listener` with the events of every later change of this map and of every
    /// container inside it. Returns the function that stops it.
    #[wasm_bindgen(js_name = observeDeep, unchecked_return_type = "() => void")]
    pub fn observe_deep(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, true)
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

    /// The multi-value register under `key` (created by its first write).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds something else.
    #[wasm_bindgen(js_name = getMultiValue)]
    pub fn get_multi_value(&self, key: &str) -> JsResult<MultiValueRef> {
        self.child(key)
    }

    /// The remove-wins set under `key` (created by its first change).
    ///
    /// @throws {WeftError} `WEFT_WRONG_KIND` if `key` holds something else.
    #[wasm_bindgen(js_name = getRemoveWinsSet)]
    pub fn get_remove_wins_set(&self, key: &str) -> JsResult<RemoveWinsSetRef> {
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
