//! `RemoveWinsSetRef`: a handle on a remove-wins set of values.

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use weft::{Entry, Kind, Value};

use crate::convert::to_value;
use crate::error::JsResult;
use crate::handles::{FromHandle, Handle};

/// A set of values where a removal concurrent with an addition of the same value wins; an
/// addition made after seeing the removal brings the value back. (`SetRef` is the add-wins
/// set.)
#[wasm_bindgen]
pub struct RemoveWinsSetRef {
    handle: Handle,
}

impl FromHandle for RemoveWinsSetRef {
    const KIND: Kind = Kind::RemoveWinsSet;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

impl RemoveWinsSetRef {
    fn contains(&self, value: &Value) -> JsResult<bool> {
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_remove_wins_set)
                .is_some_and(|set| set.contains(value)))
        })
    }
}

#[wasm_bindgen]
impl RemoveWinsSetRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// How many values the set holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> JsResult<usize> {
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_remove_wins_set)
                .map_or(0, |set| set.len()))
        })
    }

    /// Whether the set holds `value`.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn has(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<bool> {
        self.contains(&to_value(&value)?)
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
            root.open_remove_wins_set(path)?.insert(value);
            Ok(())
        })
    }

    /// Removes `value`; returns whether it was there. The removal is recorded even when it
    /// was not, so that an addition made concurrently elsewhere loses.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<bool> {
        let value = to_value(&value)?;
        self.handle
            .edit(|root, path| Ok(root.open_remove_wins_set(path)?.remove(&value)))
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

    /// The values, as an array (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "WeftValue[]")]
    pub fn to_json(&self) -> JsResult<Array> {
        self.values()
    }
}
