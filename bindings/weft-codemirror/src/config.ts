// The binding's configuration with its defaults (a facet its plugins read), and the annotation
// that marks the editor transactions the binding makes from Weft's changes.
import { Annotation, Facet } from "@codemirror/state";
import type { Doc, TextRef } from "weft-crdt";
import type { PresenceLike, UndoManagerLike, WeftUser } from "./types.js";

/** The default origin of the editor's Weft transactions. */
export const DEFAULT_ORIGIN = "weft-codemirror";

/** The default presence field of the selection. */
export const DEFAULT_PRESENCE_FIELD = "cursor";

/** The undo step metadata key under which the selection before the step is kept. */
export const SELECTION_META = "weft-codemirror:selection";

/** The options of `weftCollab` with their defaults filled in (shared by its plugins). */
export interface WeftConfig {
  doc: Doc;
  text: TextRef;
  origin: string;
  presence: PresenceLike | null;
  user: WeftUser | null;
  presenceField: string;
  undoManager: UndoManagerLike | null;
}

/** The configuration `weftCollab` gave the editor (the first, if given twice), or `null`. */
export const weftConfig = Facet.define<WeftConfig, WeftConfig | null>({
  combine: (values) => values[0] ?? null,
});

/**
 * Set (to `true`) on every editor transaction the binding makes from a Weft change that did
 * not come from this editor (another replica, another tab, the undo manager): the binding does
 * not write such a transaction back to the text.
 */
export const weftRemote = Annotation.define<boolean>();
