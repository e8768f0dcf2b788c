import type { Node, Schema } from "prosemirror-model";
import type { MarkAttributes, TextRef, TextRun } from "weft-crdt";
/** Attributes of a run of characters or of a block's "\n", as Weft's deltas carry them. */
export type Attributes = MarkAttributes;
/** Characters with the inline attributes (`bold`, `italic`, `link`) they carry. */
export interface InlineRun {
    text: string;
    attributes: Attributes;
}
/** One block: its inline runs and the attributes of its "\n" (`heading`, `list`). */
export interface Line {
    runs: InlineRun[];
    block: Attributes;
}
/** The block attributes of a "\n" the binding reads and writes. */
export declare const BLOCK_ATTRIBUTES: readonly ["heading", "list"];
/** The inline attributes of characters the binding reads and writes. */
export declare const INLINE_ATTRIBUTES: readonly ["bold", "italic", "link"];
/** The inline attributes among `attributes` that the schema shows, normalized. */
export declare function inlineAttributes(attributes: Attributes | undefined): Attributes;
/**
 * The block attributes among `attributes` that the schema knows, normalized: `list`
 * "bullet" or "ordered", `heading` 1–6. Both may be set (concurrent changes); the document
 * shows the list then (a list item holds a paragraph), and a local change of the block
 * clears the other.
 */
export declare function blockAttributes(attributes: Attributes | undefined): Attributes;
/** The lines of a document of `weftSchema`, one per textblock, in order. */
export declare function docToLines(doc: Node): Line[];
/**
 * The lines of a text's runs: each "\n" ends a line (its attributes the block's); characters
 * after the last "\n" are a last paragraph of their own; no line at all is one empty paragraph.
 */
export declare function runsToLines(runs: readonly TextRun[]): Line[];
/**
 * The canonical runs of `lines`: every line's characters followed by its "\n" — so a text the
 * binding wrote always ends with "\n" — except that one empty paragraph is the empty text.
 */
export declare function linesToRuns(lines: readonly Line[]): TextRun[];
/** Appends `insert` to `runs`, joining the last run when its attributes are the same. */
export declare function pushRun(runs: TextRun[], insert: string, attributes: Attributes | undefined): void;
/** The document of `lines`: consecutive list lines of one kind make one list. */
export declare function linesToDoc(lines: readonly Line[], schema: Schema): Node;
/** The document a text's runs show. */
export declare function runsToDoc(runs: readonly TextRun[], schema: Schema): Node;
/** The canonical runs of a document (what the binding makes the text). */
export declare function docToRuns(doc: Node): TextRun[];
/** The ProseMirror document (of `weftSchema`) that `text` holds now. */
export declare function textToDoc(text: TextRef): Node;
