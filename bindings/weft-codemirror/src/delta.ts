// Conversions between Weft's text changes and CodeMirror's, both in UTF-16 code units.
import type { ChangeSet, ChangeSpec } from "@codemirror/state";
import type { TextDeltaOp, TextRef } from "weft-crdt";

/**
 * The CodeMirror changes of a Weft text event's delta (`{ retain } | { insert } | { delete }`
 * over the text as it was), as positions in the document before the change.
 */
export function deltaToChanges(delta: readonly TextDeltaOp[]): ChangeSpec[] {
  const changes: { from: number; to?: number; insert?: string }[] = [];
  let position = 0;
  for (const op of delta) {
    if ("retain" in op) {
      position += op.retain;
    } else if ("insert" in op) {
      changes.push({ from: position, insert: op.insert });
    } else {
      changes.push({ from: position, to: position + op.delete });
      position += op.delete;
    }
  }
  return changes;
}

/**
 * Writes an editor change set to `text` (which holds the document the changes start from):
 * each replaced range as a delete and an insert, in order, so positions are those of the text
 * as it is at that point. Call it inside one `doc.transact` to make it one Weft change.
 */
export function applyChanges(text: TextRef, changes: ChangeSet): void {
  changes.iterChanges((fromA, toA, fromB, _toB, inserted) => {
    // The changes before this one are already in the text: fromB is where this one starts now.
    if (toA > fromA) text.delete(fromB, toA - fromA);
    if (inserted.length > 0) text.insert(fromB, inserted.toString());
  });
}

/**
 * The one replaced range that turns `before` into `after` (the common prefix and suffix
 * kept), or `null` when they are equal. Never splits a surrogate pair.
 */
export function diff(before: string, after: string): { from: number; to: number; insert: string } | null {
  if (before === after) return null;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (
    end < shorter - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) end++;
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end--;
  return { from: start, to: before.length - end, insert: after.slice(start, after.length - end) };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
