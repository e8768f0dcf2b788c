//! Weft for JavaScript: a thin `wasm-bindgen` layer over the `weft` crate (its `weft::sync` for
//! `SyncSession`). The npm package in `bindings/npm` is built from it.
//!
//! - One JS class per file: [`Doc`] (`doc.rs`), the container handles in `handles/`
//!   (`TextRef`, `ListRef`, `MapRef`, `CounterRef`, `SetRef` (add-wins), `RemoveWinsSetRef`,
//!   `MultiValueRef`, `RegisterRef` (one value, last writer wins)), [`Cursor`] (`cursor.rs`,
//!   stable positions in texts and lists), [`SyncSession`] (`sync.rs`), [`PresenceCore`]
//!   (`presence.rs`, the ephemeral presence of clients), [`UndoCore`] (`undo.rs`).
//! - Handles own a shared pointer to the document and the path of their container
//!   (`weft::ContainerPath`, which names list elements by identity); they edit through the
//!   `weft` crate's scoped handles. No reference or lifetime crosses the boundary, and there
//!   is no `unsafe`.
//! - Every conversion of values is in `convert.rs`; every error becomes a JS `Error` (a
//!   `RangeError` for positions) with a stable `code` (`error.rs`).
//! - Changes are made, batched and announced in one place (`shared.rs`), which knows the sync
//!   sessions only as `Outbox`es; events (computed by `weft` from each change, with UTF-16
//!   widths) are converted in `events.rs`.
//!
//! - `build.rs` links the module without claiming the multivalue feature, so wasm-bindgen
//!   returns results through memory: V8 would hand several return values to JavaScript as a
//!   new array on every call.
//!
//! A panic would be a bug: inputs are checked before anything changes. Should one happen
//! anyway, the module traps and every later call throws `WEFT_POISONED` rather than running
//! on a half-changed document.

#![forbid(unsafe_code)]

mod convert;
mod cursor;
mod doc;
mod error;
mod events;
mod handles;
mod marks;
mod presence;
mod shared;
mod sync;
mod undo;

use std::sync::atomic::{AtomicBool, Ordering};

use wasm_bindgen::prelude::*;

pub use cursor::Cursor;
pub use doc::Doc;
pub use handles::{
    CounterRef, ListRef, MapRef, MultiValueRef, RegisterRef, RemoveWinsSetRef, SetRef, TextRef,
};
pub use presence::PresenceCore;
pub use sync::SyncSession;
pub use undo::{ContainerPathHandle, UndoCore};

/// Set by the panic hook: the instance trapped and must not be used any more.
pub(crate) static POISONED: AtomicBool = AtomicBool::new(false);

/// Runs when the module is instantiated: installs the hook that marks the instance poisoned
/// if a panic (a bug) ever traps it.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|_| POISONED.store(true, Ordering::Relaxed)));
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A value a register, a set or a list element holds. */
export type WeftValue = null | boolean | number | bigint | string | Uint8Array;
/**
 * A document or part of one as plain data; what `set`, `insert` and `push` accept: plain
 * objects become nested maps and arrays nested lists (recursively, at most 16 deep).
 */
export type JsonValue = WeftValue | JsonValue[] | { [key: string]: JsonValue };
/** The changes a replica holds: number of changes per replica id. */
export type Version = { [replicaId: string]: number };
/** What `applyDelta` did with a delta. */
export type ApplyOutcome = "applied" | "pending" | "redundant";
/** A step from the root to a container: a name in a map or an index in a list. */
export type PathSegment = string | number;
/** One name of a map written, created, switched or removed, with what it held before and after. */
export type KeyChange = {
  key: string;
  action: "add" | "update" | "delete";
  oldValue?: JsonValue;
  newValue?: JsonValue;
};
/** A mark's value: `true`, a number, a string (a URL), or a JSON object or array. */
export type MarkValue = boolean | number | string | { [key: string]: unknown } | unknown[];
/** The marks of a run of text, by name. */
export type MarkAttributes = { [name: string]: MarkValue };
/** How a mark grows when text is typed at its boundaries. */
export type ExpandRule = "after" | "before" | "both" | "none";
/**
 * A run of a text change over the text as it was, in UTF-16 code units (a Quill/Yjs delta):
 * a retain with `attributes` formats (a `null` value clears that mark), an insert with
 * `attributes` carries those marks.
 */
export type TextDeltaOp =
  | { retain: number; attributes?: { [name: string]: MarkValue | null } }
  | { insert: string; attributes?: MarkAttributes }
  | { delete: number };
/** A run of characters with the same marks, as `toDelta()` gives them. */
export type TextRun = { insert: string; attributes?: MarkAttributes };
/** A run of a list change over the list as it was. */
export type ListDeltaOp = { retain: number } | { insert: JsonValue[] } | { delete: number };
/**
 * What changed in one container, the origin of the transaction (what `transact` or
 * `applyDelta` was given) and whether the change was made here. `reload`: the document may
 * have changed anywhere (deltas that waited for what they depend on were applied); read again.
 */
export type DocEvent = { path: PathSegment[]; origin: unknown; local: boolean } & (
  | { type: "map"; changes: KeyChange[] }
  | { type: "text"; delta: TextDeltaOp[] }
  | { type: "list"; delta: ListDeltaOp[] }
  | { type: "counter"; old: number; new: number }
  | { type: "set"; added: WeftValue[]; removed: WeftValue[] }
  | { type: "multiValue"; old: WeftValue[]; new: WeftValue[] }
  | { type: "reload" }
);
/** Which side of its element a stable cursor sits on. */
export type CursorSide = "before" | "after";
/** The JSON form of a stable `Cursor`. */
export type CursorJson =
  | { anchor: "start" }
  | { anchor: "end" }
  | { anchor: "element"; replica: string; counter: number; side: CursorSide };
/** The stable codes of the errors Weft throws. */
export type WeftErrorCode =
  | "WEFT_DECODE"
  | "WEFT_POSITION"
  | "WEFT_NOT_A_CONTAINER"
  | "WEFT_WRONG_KIND"
  | "WEFT_DELETED"
  | "WEFT_INVALID_VALUE"
  | "WEFT_INVALID_ARGUMENT"
  | "WEFT_SYNC"
  | "WEFT_POISONED";
"#;
