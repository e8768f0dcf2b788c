// Toolbar-friendly commands for `weftSchema`: marks, links, and block types over the flat
// lines (a block's type is its "\n"'s attributes, so changing it moves no text index).
import { toggleMark } from "prosemirror-commands";
import { TextSelection } from "prosemirror-state";
import { canSplit } from "prosemirror-transform";
import type { Command, EditorState } from "prosemirror-state";
import { replaceChanged } from "./binding.js";
import { docToLines, linesToDoc } from "./lines.js";
import type { Attributes } from "./lines.js";
import { blockSpans, indexToPos, posToIndex } from "./positions.js";
import { weftSchema } from "./schema.js";

/** Toggles bold (`strong`) over the selection, or for what is typed next (Mod-b). */
export const toggleBold: Command = toggleMark(weftSchema.marks.strong);

/** Toggles italic (`em`) over the selection, or for what is typed next (Mod-i). */
export const toggleItalic: Command = toggleMark(weftSchema.marks.em);

/** Links the selected text to `href`; `false` when the selection is empty. */
export function setLink(href: string): Command {
  return (state, dispatch) => {
    const { from, to, empty } = state.selection;
    if (empty) return false;
    dispatch?.(state.tr.removeMark(from, to, weftSchema.marks.link).addMark(from, to, weftSchema.marks.link.create({ href })));
    return true;
  };
}

/** Removes the links of the selection, or of the link around an empty selection. */
export const removeLink: Command = (state, dispatch) => {
  let { from, to } = state.selection;
  const link = weftSchema.marks.link;
  if (from === to) {
    const { $from } = state.selection;
    const pieces: { from: number; to: number; linked: boolean }[] = [];
    let offset = $from.start();
    $from.parent.forEach((child) => {
      pieces.push({ from: offset, to: offset + child.nodeSize, linked: link.isInSet(child.marks) !== undefined });
      offset += child.nodeSize;
    });
    let first = pieces.findIndex((piece) => piece.linked && piece.from <= from && from <= piece.to);
    if (first < 0) return false;
    let last = first;
    while (first > 0 && pieces[first - 1].linked) first--;
    while (last < pieces.length - 1 && pieces[last + 1].linked) last++;
    from = pieces[first].from;
    to = pieces[last].to;
  }
  if (!state.doc.rangeHasMark(from, to, link)) return false;
  dispatch?.(state.tr.removeMark(from, to, link));
  return true;
};

/**
 * A command that sets the block attributes of every textblock the selection touches to
 * `change(attributes, all)` (`all`: every touched block's attributes), as the flat text sees
 * them; the selection keeps its text indexes.
 */
function setBlocks(change: (block: Attributes, all: Attributes[]) => Attributes): Command {
  return (state, dispatch) => {
    const lines = docToLines(state.doc);
    const spans = blockSpans(state.doc);
    const first = lineAt(spans, state.selection.from);
    const last = lineAt(spans, state.selection.to);
    const touched = lines.slice(first, last + 1).map((line) => line.block);
    for (let i = first; i <= last; i++) lines[i] = { ...lines[i], block: change(lines[i].block, touched) };
    const next = linesToDoc(lines, state.schema);
    if (next.eq(state.doc)) return false;
    if (dispatch) dispatch(replaceDoc(state, next));
    return true;
  };
}

function lineAt(spans: ReturnType<typeof blockSpans>, pos: number): number {
  let line = 0;
  for (let i = 0; i < spans.length; i++) if (spans[i].pos <= pos) line = i;
  return line;
}

/** A transaction that makes the document `next`, the selection kept at its text indexes. */
function replaceDoc(state: EditorState, next: ReturnType<typeof linesToDoc>) {
  const spans = blockSpans(state.doc);
  const anchor = posToIndex(state.doc, state.selection.anchor, spans);
  const head = posToIndex(state.doc, state.selection.head, spans);
  const tr = state.tr;
  replaceChanged(tr, state.doc, next);
  const nextSpans = blockSpans(tr.doc);
  return tr.setSelection(
    TextSelection.create(tr.doc, indexToPos(tr.doc, anchor, nextSpans), indexToPos(tr.doc, head, nextSpans)),
  );
}

/** Makes the selected blocks headings of `level` (1–6). */
export function setHeading(level: number): Command {
  return setBlocks(() => ({ heading: level }));
}

/** Makes the selected blocks plain paragraphs (no heading, no list). */
export const setParagraph: Command = setBlocks(() => ({}));

function toggleList(kind: "bullet" | "ordered"): Command {
  return setBlocks((_block, all): Attributes => (all.every((block) => block.list === kind) ? {} : { list: kind }));
}

/** Makes the selected blocks a bullet list, or paragraphs when they all are one already. */
export const toggleBulletList: Command = toggleList("bullet");

/** Makes the selected blocks an ordered list, or paragraphs when they all are one already. */
export const toggleOrderedList: Command = toggleList("ordered");

/**
 * Enter in a list item: splits it into two items; in an empty item, ends the list there
 * (the item becomes a paragraph). `false` outside lists.
 */
export const splitListItem: Command = (state, dispatch) => {
  const { $from, $to } = state.selection;
  if ($from.depth < 2 || $from.node(-1).type !== weftSchema.nodes.list_item || !$from.sameParent($to)) return false;
  if ($from.parent.content.size === 0) return setParagraph(state, dispatch);
  if (!canSplit(state.doc, $from.pos, 2)) return false;
  if (dispatch) dispatch(state.tr.delete($from.pos, $to.pos).split($from.pos, 2).scrollIntoView());
  return true;
};

/**
 * Backspace at the start of a list item: the first item of a list becomes a paragraph,
 * another joins the item before it. `false` elsewhere.
 */
export const joinListItemBackward: Command = (state, dispatch) => {
  const { $from, empty } = state.selection;
  if (!empty || $from.parentOffset > 0 || $from.depth < 2 || $from.node(-1).type !== weftSchema.nodes.list_item) {
    return false;
  }
  if ($from.index(-2) === 0) return setParagraph(state, dispatch);
  if (dispatch) {
    // The end of the previous item's paragraph: back over this paragraph's and item's opening
    // and the previous item's and paragraph's closing.
    dispatch(state.tr.delete($from.pos - 4, $from.pos).scrollIntoView());
  }
  return true;
};
