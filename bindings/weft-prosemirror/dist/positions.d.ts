import type { Node } from "prosemirror-model";
/** A textblock: where its content starts in the document and in the text, and its size. */
export interface BlockSpan {
    pos: number;
    index: number;
    size: number;
}
/** The textblocks of `doc` in order. */
export declare function blockSpans(doc: Node): BlockSpan[];
/**
 * The text index of document position `pos`: inside a textblock, its offset there; between
 * blocks, the start of the next textblock (or the end of the last).
 */
export declare function posToIndex(doc: Node, pos: number, spans?: readonly BlockSpan[]): number;
/**
 * The document position of text index `index`: the offset in its block; the "\n" that ends a
 * block is the block's end; past the text, the end of the last block.
 */
export declare function indexToPos(doc: Node, index: number, spans?: readonly BlockSpan[]): number;
