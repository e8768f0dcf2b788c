//! `CounterRef`: a handle on a counter.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use weft::{Entry, Kind, PNCounter};

use crate::convert::to_amount;
use crate::error::JsResult;
use crate::handles::{FromHandle, Handle};

/// A counter that every replica can increment and decrement: its value is the sum of all
/// changes. Values stay within ±(2^53 − 1), the integers a JS number holds exactly.
#[wasm_bindgen]
pub struct CounterRef {
    handle: Handle,
}

impl FromHandle for CounterRef {
    const KIND: Kind = Kind::Counter;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

#[wasm_bindgen]
impl CounterRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// The current value.
    #[wasm_bindgen(getter)]
    pub fn value(&self) -> JsResult<f64> {
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_counter)
                .map_or(0, PNCounter::value) as f64)
        })
    }

    /// Adds `amount` (default 1; may be negative).
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if `amount` is not a safe integer.
    pub fn increment(&self, amount: Option<f64>) -> JsResult<()> {
        let amount = to_amount(amount.unwrap_or(1.0))?;
        if amount == 0 {
            return Ok(());
        }
        self.handle.edit(|root, path| {
            root.open_counter(path)?.increment(amount);
            Ok(())
        })
    }

    /// Subtracts `amount` (default 1).
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if `amount` is not a safe integer.
    pub fn decrement(&self, amount: Option<f64>) -> JsResult<()> {
        self.increment(Some(-amount.unwrap_or(1.0)))
    }

    /// Calls `listener` with the events of every later change of this counter: `{ type:
    /// "counter", old, new, origin, local }`. Returns the function that stops it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, false)
    }

    /// The value (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<f64> {
        self.value()
    }
}
