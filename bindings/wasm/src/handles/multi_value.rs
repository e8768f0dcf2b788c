//! `MultiValueRef`: a handle on a multi-value register.

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use weft::Kind;

use crate::convert::to_value;
use crate::error::JsResult;
use crate::handles::{FromHandle, Handle};

/// A register that keeps every value written concurrently: reading gives all of them (in an
/// order every replica agrees on) until a write made after seeing them replaces them all. Use
/// it where a conflict should be shown to the user rather than resolved silently.
#[wasm_bindgen]
pub struct MultiValueRef {
    handle: Handle,
}

impl FromHandle for MultiValueRef {
    const KIND: Kind = Kind::MultiValue;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

#[wasm_bindgen]
impl MultiValueRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// The concurrent values: none while never written, one once a write saw every other.
    #[wasm_bindgen(unchecked_return_type = "WeftValue[]")]
    pub fn values(&self) -> JsResult<Array> {
        self.handle.to_plain().map(Into::into)
    }

    /// Writes `value`, replacing every value this replica sees (a write made concurrently
    /// elsewhere stays beside it).
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn put(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<()> {
        let value = to_value(&value)?;
        self.handle.edit(|root, path| {
            root.open_multi_value(path)?.put(value);
            Ok(())
        })
    }

    /// Calls `listener` with the events of every later change of this register: `{ type:
    /// "multiValue", old, new, origin, local }`, the values before and after. Returns the
    /// function that stops it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, false)
    }

    /// The concurrent values, as an array (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "WeftValue[]")]
    pub fn to_json(&self) -> JsResult<Array> {
        self.values()
    }
}
