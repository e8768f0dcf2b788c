//! `SetRef`: a handle on an add-wins set of values.

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use weft::{Entry, Kind};

use crate::convert::to_value;
use crate::error::JsResult;
use crate::handles::{FromHandle, Handle};

/// A set of values where an addition concurrent with a removal of the same value wins.
#[wasm_bindgen]
pub struct SetRef {
    handle: Handle,
}

impl FromHandle for SetRef {
    const KIND: Kind = Kind::Set;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

#[wasm_bindgen]
impl SetRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// How many values the set holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> JsResult<usize> {
        self.handle
            .read(|entry| Ok(entry.and_then(Entry::as_set).map_or(0, |set| set.len())))
    }

    /// Whether the set holds `value`.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn has(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<bool> {
        let value = to_value(&value)?;
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_set)
                .is_some_and(|set| set.contains(&value)))
        })
    }

    /// Adds `value`.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn add(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<()> {
        let value = to_value(&value)?;
        self.handle.edit(|root, path| {
            root.open_add_wins_set(path)?.insert(value);
            Ok(())
        })
    }

    /// Removes `value` as this replica sees it; returns whether it was there.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<bool> {
        let value = to_value(&value)?;
        let present = self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_set)
                .is_some_and(|set| set.contains(&value)))
        })?;
        if !present {
            return Ok(false);
        }
        self.handle
            .edit(|root, path| Ok(root.open_add_wins_set(path)?.remove(&value)))
    }

    /// The values, in an order every replica agrees on.
    #[wasm_bindgen(unchecked_return_type = "WeftValue[]")]
    pub fn values(&self) -> JsResult<Array> {
        self.handle.to_plain().map(Into::into)
    }

    /// Calls `listener` with the events of every later change of this set: `{ type: "set",
    /// added, removed, origin, local }`. Returns the function that stops it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, false)
    }

    /// The values (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "WeftValue[]")]
    pub fn to_json(&self) -> JsResult<Array> {
        self.values()
    }
}
