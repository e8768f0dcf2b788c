//! `RegisterRef`: a handle on a single value (last writer wins).

use wasm_bindgen::prelude::*;
use weft::{DocError, Entry, Kind, Step};

use crate::convert::{from_value, to_value};
use crate::error::JsResult;
use crate::handles::{FromHandle, Handle};

/// One value — null, a boolean, a number, a string, a bigint or a `Uint8Array` — where the
/// last write (by logical time, ties broken by replica id) wins.
#[wasm_bindgen]
pub struct RegisterRef {
    handle: Handle,
}

impl FromHandle for RegisterRef {
    const KIND: Kind = Kind::Value;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

#[wasm_bindgen]
impl RegisterRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// The value, or `undefined` while none was written.
    #[wasm_bindgen(getter, unchecked_return_type = "WeftValue | undefined")]
    pub fn value(&self) -> JsResult<JsValue> {
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_value)
                .map_or(JsValue::UNDEFINED, from_value))
        })
    }

    /// Writes `value`.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn set(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<()> {
        let value = to_value(&value)?;
        self.handle.edit(|root, path| {
            let (Some(parent), Some(Step::Key(name))) = (path.parent(), path.last()) else {
                return Err(DocError::Deleted);
            };
            root.open_map(&parent)?.put(name, value);
            Ok(())
        })
    }

    /// The value (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "WeftValue | undefined")]
    pub fn to_json(&self) -> JsResult<JsValue> {
        self.value()
    }
}
