//! `Cursor`: a stable position in a text or a list, sent as bytes or JSON.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::convert::{from_cursor, to_cursor};
use crate::error::{JsResult, WeftError};

/// A stable position in a text or a list, made by `TextRef.cursorAt` or `ListRef.cursorAt`
/// and turned back into an index by `resolveCursor`, on this replica or any other, after any
/// concurrent edits: anchored `"after"` an element it stays right after it (text typed at the
/// cursor goes after it), anchored `"before"` one it stays right before it (typed text goes
/// before it); when its element is deleted it resolves to where the element was. Send it as
/// `toBytes()` (3 to 27 bytes) or `toJSON()`.
#[wasm_bindgen]
pub struct Cursor {
    pub(crate) position: weft::Cursor,
}

impl From<weft::Cursor> for Cursor {
    fn from(position: weft::Cursor) -> Self {
        Self { position }
    }
}

#[wasm_bindgen]
impl Cursor {
    /// The cursor its bytes form (`toBytes()`) stands for.
    ///
    /// @throws {Error} `WEFT_DECODE` if the bytes are not a cursor.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> JsResult<Cursor> {
        Ok(weft::Cursor::from_bytes(bytes)
            .map(Self::from)
            .map_err(WeftError::from)?)
    }

    /// The cursor its JSON form (`toJSON()`) stands for.
    ///
    /// @throws {Error} `WEFT_INVALID_ARGUMENT` if the object is not a cursor.
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "CursorJson")] json: JsValue,
    ) -> JsResult<Cursor> {
        Ok(to_cursor(&json).map(Self::from)?)
    }

    /// The bytes form, to send or store (docs/FORMAT.md, "Stable cursors").
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Uint8Array {
        Uint8Array::from(self.position.to_bytes().as_slice())
    }

    /// The JSON form: `{ anchor: "start" }`, `{ anchor: "end" }` or
    /// `{ anchor: "element", replica, counter, side }`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "CursorJson")]
    pub fn to_json(&self) -> JsValue {
        from_cursor(&self.position)
    }

    /// Whether `other` is the same position.
    pub fn equals(&self, other: &Cursor) -> bool {
        self.position == other.position
    }
}
