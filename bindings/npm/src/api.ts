// The package's API, shared by the browser and Node entry points (which only differ in how
// they load the WebAssembly module).
import "./collections.js";

export {
  Doc,
  TextRef,
  ListRef,
  MapRef,
  CounterRef,
  SetRef,
  RemoveWinsSetRef,
  MultiValueRef,
  RegisterRef,
  SyncSession,
  Cursor,
} from "./wasm/weft_wasm.js";
export type {
  WeftValue,
  JsonValue,
  Version,
  ApplyOutcome,
  PathSegment,
  DocEvent,
  KeyChange,
  TextDeltaOp,
  TextRun,
  MarkValue,
  MarkAttributes,
  ExpandRule,
  ListDeltaOp,
  WeftErrorCode,
  CursorSide,
  CursorJson,
} from "./wasm/weft_wasm.js";
export { UndoManager } from "./undo.js";
export {
  selectionToCursors,
  resolveSelection,
  sameCursors,
  peerSelections,
  userOf,
  DEFAULT_CARET_COLOR,
} from "./selections.js";
export type { WeftUser, SelectionCursors, PeerSelection, PresenceLike, UndoManagerLike } from "./selections.js";
export { Presence } from "./presence.js";
export type { PresenceState, PresenceChange, PresenceOptions, PresenceLink } from "./presence.js";
export type { UndoManagerOptions, StackItemEvent, UndoScopeTarget } from "./undo.js";
export { isWeftError } from "./errors.js";
export type { WeftError } from "./errors.js";
export { IndexedDbPersistence } from "./adapters/indexeddb.js";
export type { IndexedDbOptions } from "./adapters/indexeddb.js";
export { BroadcastSync } from "./adapters/broadcast.js";
export type { BroadcastSyncOptions } from "./adapters/broadcast.js";
export { WebSocketSync } from "./adapters/websocket.js";
export type { WebSocketSyncOptions, ConnectionStatus } from "./adapters/websocket.js";
