// weft-prosemirror: a rich ProseMirror document (paragraphs, headings, lists, bold, italic,
// links) in one Weft text, both ways, with the others' carets and selections from presence
// and undo/redo through Weft's undo manager.
import { keymap } from "prosemirror-keymap";
import type { Plugin } from "prosemirror-state";
import { joinListItemBackward, splitListItem, toggleBold, toggleItalic } from "./commands.js";
import { DEFAULT_ORIGIN, DEFAULT_PRESENCE_FIELD } from "./config.js";
import type { WeftConfig } from "./config.js";
import { normalizePlugin } from "./normalize.js";
import { presencePlugin } from "./remote.js";
import { syncPlugin, weftRedo, weftUndo } from "./sync.js";
import type { WeftProseMirrorOptions } from "./types.js";

/**
 * The plugins that bind an editor of `weftSchema` to `options.text`: the editor's changes are
 * Weft transactions with `options.origin`, the text's other changes are editor transactions
 * with the meta `WEFT_REMOTE_META`. With `presence`, this editor's selection is published and
 * the others' are shown; with `undoManager`, Mod-z, Mod-Shift-z and Mod-y undo and redo
 * through it (leave prosemirror-history out). The keymap also has Mod-b, Mod-i and the list
 * items' Enter and Backspace: put these plugins before `keymap(baseKeymap)`. Create the state
 * with `doc: textToDoc(text)`; from another document, the text replaces it once the view is
 * made.
 */
export function weftProseMirror(options: WeftProseMirrorOptions): Plugin[] {
  const config: WeftConfig = {
    doc: options.doc,
    text: options.text,
    origin: options.origin ?? DEFAULT_ORIGIN,
    presence: options.presence ?? null,
    user: options.user ?? null,
    presenceField: options.presenceField ?? DEFAULT_PRESENCE_FIELD,
    undoManager: options.undoManager ?? null,
  };
  return [syncPlugin(config), normalizePlugin, ...(config.presence ? [presencePlugin(config)] : []), weftKeymap];
}

/**
 * Mod-z undoes, Mod-Shift-z and Mod-y redo (through the undo manager), Mod-b and Mod-i toggle
 * bold and italic, Enter and Backspace split and join list items.
 */
export const weftKeymap: Plugin = keymap({
  "Mod-z": weftUndo,
  "Mod-Shift-z": weftRedo,
  "Mod-y": weftRedo,
  "Mod-b": toggleBold,
  "Mod-i": toggleItalic,
  Enter: splitListItem,
  Backspace: joinListItemBackward,
});

export { weftSchema, HEADING_LEVELS } from "./schema.js";
export { weftUndo, weftRedo, syncKey } from "./sync.js";
export { presenceKey, peerDecorations } from "./remote.js";
export { DEFAULT_ORIGIN, DEFAULT_PRESENCE_FIELD, WEFT_REMOTE_META } from "./config.js";
export type { WeftConfig } from "./config.js";
export { SELECTION_META } from "./undo.js";
export { normalizePlugin, joinAdjacentLists } from "./normalize.js";
export { RichTextBinding, replaceChanged, shownRuns } from "./binding.js";
export type { EditorHost } from "./binding.js";
export {
  toggleBold,
  toggleItalic,
  setLink,
  removeLink,
  setHeading,
  setParagraph,
  toggleBulletList,
  toggleOrderedList,
  splitListItem,
  joinListItemBackward,
} from "./commands.js";
export { diffRuns } from "./diff.js";
export {
  docToLines,
  runsToLines,
  linesToRuns,
  linesToDoc,
  runsToDoc,
  docToRuns,
  textToDoc,
  blockAttributes,
  inlineAttributes,
  BLOCK_ATTRIBUTES,
  INLINE_ATTRIBUTES,
} from "./lines.js";
export type { Attributes, InlineRun, Line } from "./lines.js";
export { blockSpans, posToIndex, indexToPos } from "./positions.js";
export type { BlockSpan } from "./positions.js";
// The selection helpers live in weft-crdt, shared by the editor bindings.
export { selectionToCursors, resolveSelection, peerSelections, userOf } from "weft-crdt";
export type { PeerSelection } from "weft-crdt";
export { caretElement, CARET_CSS } from "./caret.js";
export type {
  WeftProseMirrorOptions,
  WeftUser,
  SelectionCursors,
  PresenceLike,
  UndoManagerLike,
} from "./types.js";

