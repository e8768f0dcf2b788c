// Editor selections as stable Weft cursors and back: what presence carries and what undo
// steps keep, so a position stays on its character whatever is typed around it.
import { Cursor } from "weft-crdt";
/**
 * The selection `anchor`–`head` (UTF-16 indexes in `text`) as cursors. A caret keeps to the
 * character before it (text typed there by others goes after it); a range keeps to its first
 * and last characters, so text typed at its edges stays outside it.
 */
export function selectionToCursors(text, anchor, head) {
    const length = text.length;
    const clamp = (index) => Math.max(0, Math.min(index, length));
    anchor = clamp(anchor);
    head = clamp(head);
    const sideOf = (index) => anchor === head || index === Math.max(anchor, head) ? "after" : "before";
    return { anchor: cursorJson(text, anchor, sideOf(anchor)), head: cursorJson(text, head, sideOf(head)) };
}
/**
 * Where `cursors` stand in `text` now, or `null` when they are not a selection's cursors
 * (a malformed presence state) or this replica lacks a character they keep to.
 */
export function resolveSelection(text, cursors) {
    if (typeof cursors !== "object" || cursors === null)
        return null;
    const { anchor, head } = cursors;
    const resolvedAnchor = resolveJson(text, anchor);
    const resolvedHead = resolveJson(text, head);
    if (resolvedAnchor === undefined || resolvedHead === undefined)
        return null;
    return { anchor: resolvedAnchor, head: resolvedHead };
}
/** Whether two selections' cursors are the same positions. */
export function sameCursors(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}
function cursorJson(text, index, side) {
    const cursor = text.cursorAt(index, side);
    try {
        return cursor.toJSON();
    }
    finally {
        cursor.free();
    }
}
function resolveJson(text, json) {
    if (typeof json !== "object" || json === null)
        return undefined;
    let cursor;
    try {
        cursor = Cursor.fromJSON(json);
    }
    catch {
        return undefined;
    }
    try {
        return text.resolveCursor(cursor);
    }
    finally {
        cursor.free();
    }
}
