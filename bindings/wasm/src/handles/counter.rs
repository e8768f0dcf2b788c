//! `CounterRef`: a handle on a counter.

use wasm_bindgen::prelude::*;
use weft::prelude::*;
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
    /// The current value.
    #[wasm_bindgen(getter)]
    pub fn value(&self) -> JsResult<f64> {
        self.handle
            .read(|entry| Ok(entry.and_then(Entry::counter).map_or(0, PNCounter::value) as f64))
    }

    /// Adds `amount` (default 1; may be negative).
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if `amount` is not a safe integer.
    pub fn increment(&self, amount: Option<f64>) -> JsResult<()> {
        let amount = to_amount(amount.unwrap_or(1.0))?;
        self.handle.edit(
            |_| Ok((amount != 0).then_some(())),
            |entry, ()| entry.counter(|c| c.increment(amount)),
        )?;
        Ok(())
    }

    /// Subtracts `amount` (default 1).
    ///
    /// @throws {WeftError} `WEFT_INVALID_ARGUMENT` if `amount` is not a safe integer.
    pub fn decrement(&self, amount: Option<f64>) -> JsResult<()> {
        self.increment(Some(-amount.unwrap_or(1.0)))
    }

    /// The value (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<f64> {
        self.value()
    }
}
