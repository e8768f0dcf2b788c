//! Weft for JavaScript: a thin `wasm-bindgen` layer over the `weft` crate (and `weft-sync` for
//! `SyncSession`). The npm package in `bindings/npm` is built from it.
//!
//! - One JS class per file: [`Doc`] (`doc.rs`), the container handles in `handles/`
//!   (`TextRef`, `ListRef`, `MapRef`, `CounterRef`, `SetRef`, `RegisterRef`), [`SyncSession`]
//!   (`sync.rs`).
//! - Handles own a shared pointer to the document and a path (`path.rs`); no reference or
//!   lifetime crosses the boundary, and there is no `unsafe`.
//! - Every conversion of values is in `convert.rs`; every error becomes a JS `Error` (a
//!   `RangeError` for positions) with a stable `code` (`error.rs`).
//! - Changes are made, batched and announced in one place (`shared.rs`); events are converted
//!   to UTF-16 positions in `events.rs`.
//!
//! A panic would be a bug: inputs are checked before anything changes. Should one happen
//! anyway, the module traps and every later call throws `WEFT_POISONED` rather than running
//! on a half-changed document.

#![forbid(unsafe_code)]

mod convert;
mod doc;
mod error;
mod events;
mod handles;
mod path;
mod shared;
mod sync;

use std::sync::atomic::{AtomicBool, Ordering};

use wasm_bindgen::prelude::*;

pub use doc::Doc;
pub use handles::{CounterRef, ListRef, MapRef, RegisterRef, SetRef, TextRef};
pub use sync::SyncSession;

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
/** A document or part of one as plain data. */
export type JsonValue = WeftValue | JsonValue[] | { [key: string]: JsonValue };
/** The changes a replica holds: number of changes per replica id. */
export type Version = { [replicaId: string]: number };
/** What `applyDelta` did with a delta. */
export type ApplyOutcome = "applied" | "pending" | "redundant";
/** Whether an update was made by this replica or received from another. */
export type UpdateOrigin = "local" | "remote";
/** A step from the root to a container: a name in a map or an index in a list. */
export type PathSegment = string | number;
/** What changed in one container, and whether the change was made here. */
export type DocEvent = { path: PathSegment[]; local: boolean } & (
  | { type: "map"; updated: string[]; removed: string[] }
  | { type: "text"; index: number; deleted: number; inserted: string }
  | { type: "list"; index: number; deleted: number; inserted: JsonValue[] }
  | { type: "counter"; old: number; new: number }
  | { type: "set"; added: WeftValue[]; removed: WeftValue[] }
);
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
