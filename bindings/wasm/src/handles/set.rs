//! `SetRef`: a handle on an add-wins set of values.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use weft::prelude::*;
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
    /// How many values the set holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> JsResult<usize> {
        self.handle
            .read(|entry| Ok(entry.and_then(Entry::set).map_or(0, |set| set.len())))
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
                .and_then(Entry::set)
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
        self.handle.edit(
            |_| Ok(Some(())),
            |entry, ()| entry.set(|set| set.insert(value)),
        )?;
        Ok(())
    }

    /// Removes `value` as this replica sees it; returns whether it was there.
    ///
    /// @throws {WeftError} `WEFT_INVALID_VALUE` if `value` is not a Weft value.
    pub fn delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WeftValue")] value: JsValue,
    ) -> JsResult<bool> {
        let value = to_value(&value)?;
        let removed = self.handle.edit(
            |entry| {
                let present = entry
                    .and_then(Entry::set)
                    .is_some_and(|set| set.contains(&value));
                Ok(present.then_some(()))
            },
            |entry, ()| entry.set(|set| set.remove(&value)),
        )?;
        Ok(removed.unwrap_or(false))
    }

    /// The values, in an order every replica agrees on.
    #[wasm_bindgen(unchecked_return_type = "WeftValue[]")]
    pub fn values(&self) -> JsResult<Array> {
        self.handle.to_plain().map(Into::into)
    }

    /// The values (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "WeftValue[]")]
    pub fn to_json(&self) -> JsResult<Array> {
        self.values()
    }
}
