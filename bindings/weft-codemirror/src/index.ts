// weft-codemirror: a Weft text in a CodeMirror 6 editor, both ways, with the others' carets
// and selections from presence and undo/redo through Weft's undo manager.
import { Prec } from "@codemirror/state";
import type { Extension } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { DEFAULT_ORIGIN, DEFAULT_PRESENCE_FIELD, weftConfig } from "./config.js";
import { remoteSelections } from "./remote.js";
import { syncPlugin, weftRedo, weftUndo } from "./sync.js";
import { weftTheme } from "./theme.js";
import type { WeftCollabOptions } from "./types.js";

/**
 * The extensions that bind an editor to `options.text`: the editor's changes are Weft
 * transactions with `options.origin`, the text's other changes are editor transactions
 * annotated `weftRemote`. With `presence`, this editor's selection is published and the
 * others' are shown; with `undoManager`, Mod-z, Mod-Shift-z and Mod-y undo and redo through it
 * (leave CodeMirror's own history out). Create the editor with `doc: text.toString()`; if it
 * starts from another document, the text replaces it right after the view is made.
 */
export function weftCollab(options: WeftCollabOptions): Extension {
  const config = {
    doc: options.doc,
    text: options.text,
    origin: options.origin ?? DEFAULT_ORIGIN,
    presence: options.presence ?? null,
    user: options.user ?? null,
    presenceField: options.presenceField ?? DEFAULT_PRESENCE_FIELD,
    undoManager: options.undoManager ?? null,
  };
  return [
    weftConfig.of(config),
    syncPlugin,
    config.presence ? [remoteSelections, weftTheme] : [],
    config.undoManager ? Prec.high(weftUndoKeymap) : [],
  ];
}

/** Mod-z undoes, Mod-Shift-z and Mod-y redo, through the undo manager given to `weftCollab`. */
export const weftUndoKeymap: Extension = keymap.of([
  { key: "Mod-z", run: weftUndo, preventDefault: true },
  { key: "Mod-Shift-z", run: weftRedo, preventDefault: true },
  { key: "Mod-y", run: weftRedo, preventDefault: true },
]);

export { weftUndo, weftRedo } from "./sync.js";
export { weftRemote, DEFAULT_ORIGIN, DEFAULT_PRESENCE_FIELD, SELECTION_META } from "./config.js";
export { TextBinding } from "./binding.js";
export type { EditorHost } from "./binding.js";
export { deltaToChanges, applyChanges, diff } from "./delta.js";
// The selection helpers live in weft-crdt, shared by the editor bindings.
export { selectionToCursors, resolveSelection, peerSelections, userOf } from "weft-crdt";
export type { PeerSelection } from "weft-crdt";
export type {
  WeftCollabOptions,
  WeftUser,
  SelectionCursors,
  PresenceLike,
  UndoManagerLike,
} from "./types.js";
