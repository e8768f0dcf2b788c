// The binding's options. What it calls on weft-crdt's `Presence` and `UndoManager` is typed by
// shape in weft-crdt (`PresenceLike`, `UndoManagerLike`), shared with the other bindings.
import type { Doc, PresenceLike, SelectionCursors, TextRef, UndoManagerLike, WeftUser } from "weft-crdt";

export type { PresenceLike, SelectionCursors, UndoManagerLike, WeftUser };

/** The options of `weftProseMirror`. */
export interface WeftProseMirrorOptions {
  /** The document that holds `text` (the binding's changes are its transactions). */
  doc: Doc;
  /** The shared text that holds the whole rich document. */
  text: TextRef;
  /**
   * The origin of the Weft transactions the editor makes (default `"weft-prosemirror"`):
   * give it to the undo manager's `trackedOrigins` so it undoes this editor's changes.
   */
  origin?: string;
  /** Publishes this editor's selection and shows the others' carets and selections. */
  presence?: PresenceLike;
  /** Written to the local presence state's `user` field (others see it on the caret). */
  user?: WeftUser;
  /**
   * The field of the presence state that holds the selection in this text (default
   * `"cursor"`): give each editor on one document a field of its own.
   */
  presenceField?: string;
  /** Mod-z undoes through it, Mod-Shift-z and Mod-y redo. */
  undoManager?: UndoManagerLike;
}
