import type { TextRef } from "weft-crdt";
import type { SelectionCursors } from "./types.js";
/**
 * The selection `anchor`–`head` (UTF-16 indexes in `text`) as cursors. A caret keeps to the
 * character before it (text typed there by others goes after it); a range keeps to its first
 * and last characters, so text typed at its edges stays outside it.
 */
export declare function selectionToCursors(text: TextRef, anchor: number, head: number): SelectionCursors;
/**
 * Where `cursors` stand in `text` now, or `null` when they are not a selection's cursors
 * (a malformed presence state) or this replica lacks a character they keep to.
 */
export declare function resolveSelection(text: TextRef, cursors: unknown): {
    anchor: number;
    head: number;
} | null;
/** Whether two selections' cursors are the same positions. */
export declare function sameCursors(a: SelectionCursors | null, b: SelectionCursors | null): boolean;
