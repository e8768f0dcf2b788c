// Editor selections as stable Weft cursors and back: what presence carries and what undo
// steps keep, so a position stays on its character whatever is typed around it.
import { Cursor } from "weft-crdt";
import type { CursorJson, CursorSide, TextRef } from "weft-crdt";
import type { SelectionCursors } from "./types.js";

/**
 * The selection `anchor`–`head` (UTF-16 indexes in `text`) as cursors. A caret keeps to the
 * character before it (text typed there by others goes after it); a range keeps to its first
 * and last characters, so text typed at its edges stays outside it.
 */
export function selectionToCursors(text: TextRef, anchor: number, head: number): SelectionCursors {
  const length = text.length;
  const clamp = (index: number) => Math.max(0, Math.min(index, length));
  anchor = clamp(anchor);
  head = clamp(head);
  const sideOf = (index: number): CursorSide =>
    anchor === head || index === Math.max(anchor, head) ? "after" : "before";
  return { anchor: cursorJson(text, anchor, sideOf(anchor)), head: cursorJson(text, head, sideOf(head)) };
}

/**
 * Where `cursors` stand in `text` now, or `null` when they are not a selection's cursors
 * (a malformed presence state) or this replica lacks a character they keep to.
 */
export function resolveSelection(text: TextRef, cursors: unknown): { anchor: number; head: number } | null {
  if (typeof cursors !== "object" || cursors === null) return null;
  const { anchor, head } = cursors as Partial<SelectionCursors>;
  const resolvedAnchor = resolveJson(text, anchor);
  const resolvedHead = resolveJson(text, head);
  if (resolvedAnchor === undefined || resolvedHead === undefined) return null;
  return { anchor: resolvedAnchor, head: resolvedHead };
}

/** Whether two selections' cursors are the same positions. */
export function sameCursors(a: SelectionCursors | null, b: SelectionCursors | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function cursorJson(text: TextRef, index: number, side: CursorSide): CursorJson {
  const cursor = text.cursorAt(index, side);
  try {
    return cursor.toJSON();
  } finally {
    cursor.free();
  }
}

function resolveJson(text: TextRef, json: unknown): number | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  let cursor: Cursor;
  try {
    cursor = Cursor.fromJSON(json as CursorJson);
  } catch {
    return undefined;
  }
  try {
    return text.resolveCursor(cursor);
  } finally {
    cursor.free();
  }
}
