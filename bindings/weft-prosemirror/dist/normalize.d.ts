import { Plugin } from "prosemirror-state";
import type { EditorState, Transaction } from "prosemirror-state";
/** The transaction that joins `state`'s adjacent lists of one kind, or `null` if none are. */
export declare function joinAdjacentLists(state: EditorState): Transaction | null;
/** The plugin that joins adjacent lists of one kind after every change (in `weftProseMirror`). */
export declare const normalizePlugin: Plugin;
