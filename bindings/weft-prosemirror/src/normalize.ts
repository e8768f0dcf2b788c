// Keeps the document in the form the flat text reads back: consecutive lists of one kind are
// one list (an edit across two blocks can leave two side by side).
import { Plugin } from "prosemirror-state";
import type { EditorState, Transaction } from "prosemirror-state";

/** The transaction that joins `state`'s adjacent lists of one kind, or `null` if none are. */
export function joinAdjacentLists(state: EditorState): Transaction | null {
  const { doc } = state;
  const joins: number[] = [];
  let pos = 0;
  for (let i = 0; i < doc.childCount; i++) {
    const child = doc.child(i);
    if (i > 0 && child.type === doc.child(i - 1).type && child.type.name.endsWith("_list")) joins.push(pos);
    pos += child.nodeSize;
  }
  if (joins.length === 0) return null;
  const tr = state.tr;
  for (const at of joins.reverse()) tr.join(at);
  return tr;
}

/** The plugin that joins adjacent lists of one kind after every change (in `weftProseMirror`). */
export const normalizePlugin: Plugin = new Plugin({
  appendTransaction: (transactions, _before, state) =>
    transactions.some((tr) => tr.docChanged) ? joinAdjacentLists(state) : null,
});
