// The Quill-style delta that turns one flat rich text into another: the common prefix and
// suffix (characters and attributes alike) kept, the rest formatted when only attributes
// differ, else deleted and inserted.
import type { MarkValue, TextDeltaOp, TextRun } from "weft-crdt";
import type { Attributes } from "./lines.js";

/** A flat text: its characters and, per UTF-16 code unit, the index of its run. */
interface Flat {
  text: string;
  runs: readonly TextRun[];
  keys: string[];
  runOf: Uint32Array;
}

function flatten(runs: readonly TextRun[]): Flat {
  const text = runs.map((run) => run.insert).join("");
  const runOf = new Uint32Array(text.length);
  const keys = runs.map((run) => keyOf(run.attributes));
  let offset = 0;
  runs.forEach((run, i) => {
    runOf.fill(i, offset, offset + run.insert.length);
    offset += run.insert.length;
  });
  return { text, runs, keys, runOf };
}

function keyOf(attributes: Attributes | undefined): string {
  if (!attributes) return "{}";
  const names = Object.keys(attributes).sort();
  return JSON.stringify(names.map((name) => [name, attributes[name]]));
}

const attributesAt = (flat: Flat, index: number): Attributes => flat.runs[flat.runOf[index]].attributes ?? {};
const same = (a: Flat, i: number, b: Flat, j: number) =>
  a.text.charCodeAt(i) === b.text.charCodeAt(j) && a.keys[a.runOf[i]] === b.keys[b.runOf[j]];
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The delta over `before` (runs of a text) that makes it `after`, or `[]` when they are
 * equal. A single insertion, deletion or formatting change gives the minimal delta; a
 * formatting change is a retain whose attributes name the changed marks (`null` clears).
 */
export function diffRuns(before: readonly TextRun[], after: readonly TextRun[]): TextDeltaOp[] {
  const a = flatten(before);
  const b = flatten(after);
  const shorter = Math.min(a.text.length, b.text.length);
  let start = 0;
  while (start < shorter && same(a, start, b, start)) start++;
  if (start > 0 && isHighSurrogate(a.text.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < shorter - start && same(a, a.text.length - 1 - end, b, b.text.length - 1 - end)) end++;
  if (end > 0 && isLowSurrogate(a.text.charCodeAt(a.text.length - end))) end--;
  const aEnd = a.text.length - end;
  const bEnd = b.text.length - end;
  if (start === aEnd && start === bEnd) return [];
  const ops: TextDeltaOp[] = [];
  if (start > 0) ops.push({ retain: start });
  if (a.text.slice(start, aEnd) === b.text.slice(start, bEnd)) {
    formatOps(a, b, start, aEnd, ops);
  } else {
    if (aEnd > start) ops.push({ delete: aEnd - start });
    insertOps(b, start, bEnd, ops);
  }
  return ops;
}

/** Retains over `[from, to)` (equal characters on both sides) that format `a` as `b`. */
function formatOps(a: Flat, b: Flat, from: number, to: number, ops: TextDeltaOp[]): void {
  let i = from;
  while (i < to) {
    const pair = (k: number) => `${a.runOf[k]}:${b.runOf[k]}`;
    const key = pair(i);
    let j = i + 1;
    while (j < to && pair(j) === key) j++;
    const change = changedAttributes(attributesAt(a, i), attributesAt(b, i));
    if (change) ops.push({ retain: j - i, attributes: change });
    else ops.push({ retain: j - i });
    i = j;
  }
}

/** The marks that differ from `old` to `next`: their new values, `null` for those gone. */
function changedAttributes(old: Attributes, next: Attributes): { [name: string]: MarkValue | null } | null {
  const change: { [name: string]: MarkValue | null } = {};
  let any = false;
  for (const name of Object.keys(next)) {
    if (JSON.stringify(old[name]) !== JSON.stringify(next[name])) {
      change[name] = next[name] as MarkValue;
      any = true;
    }
  }
  for (const name of Object.keys(old)) {
    if (!(name in next)) {
      change[name] = null;
      any = true;
    }
  }
  return any ? change : null;
}

/** Inserts of `b`'s characters `[from, to)` with exactly their attributes. */
function insertOps(b: Flat, from: number, to: number, ops: TextDeltaOp[]): void {
  let i = from;
  while (i < to) {
    const run = b.runOf[i];
    let j = i + 1;
    while (j < to && b.runOf[j] === run) j++;
    const attributes = b.runs[run].attributes;
    const insert = b.text.slice(i, j);
    ops.push(attributes && Object.keys(attributes).length > 0 ? { insert, attributes: { ...attributes } } : { insert });
    i = j;
  }
}
