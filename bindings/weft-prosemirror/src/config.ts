// The binding's configuration with its defaults, and the transaction meta that marks what the
// binding dispatches from Weft's changes.
import type { Doc, TextRef } from "weft-crdt";
import type { PresenceLike, UndoManagerLike, WeftUser } from "./types.js";

/** The default origin of the editor's Weft transactions. */
export const DEFAULT_ORIGIN = "weft-prosemirror";

/** The default presence field of the selection. */
export const DEFAULT_PRESENCE_FIELD = "cursor";

/**
 * The meta key set (to `true`) on every editor transaction the binding makes from a Weft
 * change that did not come from this editor: the binding does not write it back.
 */
export const WEFT_REMOTE_META = "weft-prosemirror:remote";

/** The options of `weftProseMirror` with their defaults filled in. */
export interface WeftConfig {
  doc: Doc;
  text: TextRef;
  origin: string;
  presence: PresenceLike | null;
  user: WeftUser | null;
  presenceField: string;
  undoManager: UndoManagerLike | null;
}
