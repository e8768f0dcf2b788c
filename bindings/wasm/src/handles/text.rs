//! `TextRef`: a handle on a collaborative text. Positions are UTF-16 code units, like
//! JavaScript string indices.

use wasm_bindgen::prelude::*;
use weft::prelude::*;
use weft::{Entry, Kind, PositionError, Text};

use crate::convert::to_index;
use crate::error::{JsResult, WeftError};
use crate::handles::{FromHandle, Handle};

/// A collaborative text: concurrent insertions at one place never interleave. Positions and
/// lengths count UTF-16 code units, as JavaScript strings do; a position inside a surrogate
/// pair is refused.
#[wasm_bindgen]
pub struct TextRef {
    handle: Handle,
}

impl FromHandle for TextRef {
    const KIND: Kind = Kind::Text;

    fn from_handle(handle: Handle) -> Self {
        Self { handle }
    }
}

/// Checks `position` against a text that was never written (only 0 is in it). An existing
/// text checks positions itself, and a refused edit changes nothing in it.
fn check_absent(text: Option<&Text>, position: usize) -> Result<(), WeftError> {
    if text.is_some() || position == 0 {
        return Ok(());
    }
    Err(PositionError::OutOfRange {
        position: position as u64,
        length: 0,
    }
    .into())
}

/// Whether every character of `text` is one UTF-16 code unit, so that UTF-16 positions are
/// character positions and need no conversion (the common case, and the fast path of typing).
fn bmp_only(text: &Text) -> bool {
    text.len_utf16() == text.len()
}

#[wasm_bindgen]
impl TextRef {
    /// The length in UTF-16 code units (what `toString().length` says).
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> JsResult<usize> {
        self.handle
            .read(|entry| Ok(entry.and_then(Entry::text).map_or(0, Text::len_utf16)))
    }

    /// The text as a string.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> JsResult<String> {
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::text)
                .map(ToString::to_string)
                .unwrap_or_default())
        })
    }

    /// The text as a string (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<String> {
        self.to_js_string()
    }

    /// Inserts `text` at `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end or inside a surrogate pair; nothing
    /// changes then.
    pub fn insert(&self, index: f64, text: &str) -> JsResult<()> {
        let index = to_index(index, "a text position")?;
        let done = self.handle.edit(
            |entry| {
                check_absent(entry.and_then(Entry::text), index)?;
                Ok((!text.is_empty()).then_some(()))
            },
            |entry, ()| {
                entry.text(|t| {
                    if bmp_only(t.text()) {
                        t.insert(index, text)
                    } else {
                        t.insert_utf16(index, text)
                    }
                })
            },
        )?;
        done.transpose().map_err(WeftError::from)?;
        Ok(())
    }

    /// Deletes `count` code units from `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` if the range is outside the text or cuts a
    /// surrogate pair; nothing changes then.
    pub fn delete(&self, index: f64, count: f64) -> JsResult<()> {
        let start = to_index(index, "a text position")?;
        let end = start + to_index(count, "a count")?;
        let done = self.handle.edit(
            |entry| {
                check_absent(entry.and_then(Entry::text), end)?;
                Ok((end > start).then_some(()))
            },
            |entry, ()| {
                entry.text(|t| {
                    if bmp_only(t.text()) {
                        t.delete(start..end)
                    } else {
                        t.delete_utf16(start..end)
                    }
                })
            },
        )?;
        done.transpose().map_err(WeftError::from)?;
        Ok(())
    }
}
