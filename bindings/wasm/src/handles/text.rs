//! `TextRef`: a handle on a collaborative text. Positions are UTF-16 code units, like
//! JavaScript string indices.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use weft::{DocError, Entry, Kind, Text};

use crate::convert::{to_index, to_side};
use crate::cursor::Cursor;
use crate::error::JsResult;
use crate::handles::{FromHandle, Handle};
use crate::marks::{from_runs, to_delta_ops, to_mark_value};

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

#[wasm_bindgen]
impl TextRef {
    /// The path of this container, to name it in an `UndoManager`'s scope.
    #[wasm_bindgen(js_name = containerPath)]
    pub fn container_path(&self) -> crate::undo::ContainerPathHandle {
        crate::undo::ContainerPathHandle::new(self.handle.path.clone())
    }

    /// The length in UTF-16 code units (what `toString().length` says).
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> JsResult<usize> {
        self.handle
            .read(|entry| Ok(entry.and_then(Entry::as_text).map_or(0, Text::len_utf16)))
    }

    /// The text as a string.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> JsResult<String> {
        self.handle.read(|entry| {
            Ok(entry
                .and_then(Entry::as_text)
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
        self.handle
            .edit(|root, path| root.open_text(path)?.insert_utf16(index, text))
    }

    /// Deletes `count` code units from `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` if the range is outside the text or cuts a
    /// surrogate pair; nothing changes then.
    pub fn delete(&self, index: f64, count: f64) -> JsResult<()> {
        let start = to_index(index, "a text position")?;
        let end = start + to_index(count, "a count")?;
        self.handle
            .edit(|root, path| root.open_text(path)?.delete_utf16(start..end))
    }

    /// Sets the mark `name` to `value` (default `true`; a boolean, a number, a string or a
    /// JSON object) over `length` code units from `index`. Anchored to the characters, with
    /// the document's expand rule for `name` (`doc.setExpand`; by default marks grow when
    /// typing at their end, except `link`, `href` and `comment`, which never grow). Where
    /// marks of one name overlap, the one made last (by Lamport time) wins.
    ///
    /// @throws {RangeError} `WEFT_POSITION` if the range is outside the text or cuts a
    /// surrogate pair.
    /// @throws {Error} `WEFT_INVALID_VALUE` for an empty name or one over 128 bytes, a
    /// value over 64 KiB or a number that is not finite; nothing changes then.
    pub fn mark(
        &self,
        index: f64,
        length: f64,
        name: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "MarkValue")] value: Option<JsValue>,
    ) -> JsResult<()> {
        let start = to_index(index, "a text position")?;
        let end = start.saturating_add(to_index(length, "a length")?);
        let value = match value {
            None => weft::MarkValue::Bool(true),
            Some(value) => to_mark_value(&value)?,
        };
        self.handle
            .edit(|root, path| root.open_text(path)?.mark_utf16(start..end, name, value))
    }

    /// Clears the mark `name` over `length` code units from `index`.
    ///
    /// @throws {RangeError} `WEFT_POSITION` if the range is outside the text or cuts a
    /// surrogate pair.
    /// @throws {Error} `WEFT_INVALID_VALUE` for an empty name or one over 128 bytes;
    /// nothing changes then.
    pub fn unmark(&self, index: f64, length: f64, name: &str) -> JsResult<()> {
        let start = to_index(index, "a text position")?;
        let end = start.saturating_add(to_index(length, "a length")?);
        self.handle
            .edit(|root, path| root.open_text(path)?.unmark_utf16(start..end, name))
    }

    /// The text as runs of characters with the same marks, Quill-style:
    /// `[{ insert: string, attributes?: { [name]: value } }]`.
    #[wasm_bindgen(js_name = toDelta, unchecked_return_type = "TextRun[]")]
    pub fn to_delta(&self) -> JsResult<js_sys::Array> {
        self.handle.read(|entry| {
            Ok(from_runs(
                &entry
                    .and_then(Entry::as_text)
                    .map(Text::to_delta)
                    .unwrap_or_default(),
            ))
        })
    }

    /// Applies a Quill-style delta (counts in UTF-16 code units): `{ insert, attributes? }`
    /// inserts with exactly those marks, `{ retain, attributes? }` keeps (and formats: a
    /// `null` value clears a mark), `{ delete }` removes.
    ///
    /// @throws {RangeError} `WEFT_POSITION` if an op passes the end or cuts a surrogate pair.
    /// @throws {Error} `WEFT_INVALID_ARGUMENT` for an op of no known shape,
    /// `WEFT_INVALID_VALUE` for a refused mark; every op is checked first, and nothing
    /// changes then.
    #[wasm_bindgen(js_name = applyDelta)]
    pub fn apply_delta(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TextDeltaOp[]")] delta: JsValue,
    ) -> JsResult<()> {
        let ops = to_delta_ops(&delta)?;
        self.handle
            .edit(|root, path| root.open_text(path)?.apply_delta_utf16(&ops))
    }

    /// A stable cursor at `index` (UTF-16), on `side` of it: `"after"` anchors it to the
    /// character before `index` (text typed at the cursor goes after it), `"before"` to the
    /// character at `index` (typed text goes before it).
    ///
    /// @throws {RangeError} `WEFT_POSITION` past the end or inside a surrogate pair.
    /// @throws {Error} `WEFT_INVALID_ARGUMENT` if `side` is not `"before"` or `"after"`.
    #[wasm_bindgen(js_name = cursorAt)]
    pub fn cursor_at(
        &self,
        index: f64,
        #[wasm_bindgen(unchecked_param_type = "CursorSide")] side: JsValue,
    ) -> JsResult<Cursor> {
        let index = to_index(index, "a text position")?;
        let side = to_side(&side)?;
        self.handle.read(|entry| {
            let made = match entry.and_then(Entry::as_text) {
                Some(text) => text.cursor_at_utf16(index, side),
                None => Text::default().cursor_at_utf16(index, side),
            };
            Ok(made.map(Cursor::from).map_err(DocError::from)?)
        })
    }

    /// The index (UTF-16) `cursor` stands for now, or `undefined` if this text does not hold
    /// its character yet (a cursor from a replica whose changes have not arrived, or from
    /// another text).
    #[wasm_bindgen(js_name = resolveCursor)]
    pub fn resolve_cursor(&self, cursor: &Cursor) -> JsResult<Option<usize>> {
        self.handle.read(|entry| {
            Ok(match entry.and_then(Entry::as_text) {
                Some(text) => text.resolve_cursor_utf16(&cursor.position).ok(),
                None => Text::default().resolve_cursor_utf16(&cursor.position).ok(),
            })
        })
    }

    /// Calls `listener` with the events of every later change of this text: `{ type: "text",
    /// delta: [{ retain } | { insert } | { delete }], origin, local }` in UTF-16 code units.
    /// Returns the function that stops it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn observe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(events: DocEvent[]) => void")] listener: Function,
    ) -> JsResult<JsValue> {
        self.handle.observe(listener, false)
    }
}
