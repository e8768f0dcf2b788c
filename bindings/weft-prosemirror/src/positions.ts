// Positions in a ProseMirror document of `weftSchema` and UTF-16 indexes in its flat text,
// both ways: each textblock's characters, then one "\n".
import type { Node } from "prosemirror-model";

/** A textblock: where its content starts in the document and in the text, and its size. */
export interface BlockSpan {
  pos: number;
  index: number;
  size: number;
}

/** The textblocks of `doc` in order. */
export function blockSpans(doc: Node): BlockSpan[] {
  const spans: BlockSpan[] = [];
  let index = 0;
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    spans.push({ pos: pos + 1, index, size: node.content.size });
    index += node.content.size + 1;
    return false;
  });
  return spans;
}

/** The first span for which `beyond(span)` is false (binary search), or the last one. */
function search(spans: readonly BlockSpan[], beyond: (span: BlockSpan) => boolean): BlockSpan {
  let low = 0;
  let high = spans.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (beyond(spans[mid])) low = mid + 1;
    else high = mid;
  }
  return spans[low];
}

/**
 * The text index of document position `pos`: inside a textblock, its offset there; between
 * blocks, the start of the next textblock (or the end of the last).
 */
export function posToIndex(doc: Node, pos: number, spans: readonly BlockSpan[] = blockSpans(doc)): number {
  const span = search(spans, (s) => s.pos + s.size < pos);
  return span.index + Math.max(0, Math.min(pos - span.pos, span.size));
}

/**
 * The document position of text index `index`: the offset in its block; the "\n" that ends a
 * block is the block's end; past the text, the end of the last block.
 */
export function indexToPos(doc: Node, index: number, spans: readonly BlockSpan[] = blockSpans(doc)): number {
  const span = search(spans, (s) => s.index + s.size < index);
  return span.pos + Math.max(0, Math.min(index - span.index, span.size));
}
