// The shapes the binding needs from weft-crdt's `Presence` and `UndoManager`, written as
// interfaces so the binding depends on what it calls and nothing else.
import type { Doc, SelectionCursors, TextRef, WeftUser } from "weft-crdt";

export type { SelectionCursors, WeftUser };

/** What the binding calls on weft-crdt's `Presence`. */
export interface PresenceLike {
  readonly clientId: string;
  setLocal(state: Record<string, unknown> | null): void;
  getLocal(): Record<string, unknown> | null;
  getStates(): Map<string, Record<string, unknown>>;
  on(
    event: "change",
    listener: (change: { added: string[]; updated: string[]; removed: string[]; local: boolean }) => void,
  ): () => void;
}

/** One step's event of weft-crdt's `UndoManager`. */
export interface UndoStackEvent {
  type: "undo" | "redo";
  meta: Map<string, unknown>;
}

/** What the binding calls on weft-crdt's `UndoManager`. */
export interface UndoManagerLike {
  undo(): boolean;
  redo(): boolean;
  setMeta(key: string, value: unknown): void;
  on(event: "stack-item-added" | "stack-item-popped", listener: (event: UndoStackEvent) => void): () => void;
}

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
