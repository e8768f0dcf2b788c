import type { TextDeltaOp, TextRun } from "weft-crdt";
/**
 * The delta over `before` (runs of a text) that makes it `after`, or `[]` when they are
 * equal. A single insertion, deletion or formatting change gives the minimal delta; a
 * formatting change is a retain whose attributes name the changed marks (`null` clears).
 */
export declare function diffRuns(before: readonly TextRun[], after: readonly TextRun[]): TextDeltaOp[];
