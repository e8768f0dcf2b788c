// The note's editor: a CodeMirror view bound to the shared text through weft-codemirror, with
// the others' cursors (presence) and undo/redo of this page's own typing (the undo manager).
import { EditorState } from "@codemirror/state";
import { EditorView, placeholder } from "@codemirror/view";
import { weftCollab, weftRedo, weftUndo } from "weft-codemirror";

/** The binding's origin: the undo manager tracks this page's typing by it. */
export const EDITOR_ORIGIN = "note-editor";

/**
 * Makes the note's editor in `parent` over `text` (of `doc`); `presence`, `undoManager` and
 * `user` go to the binding. Returns the view and its undo/redo commands.
 */
export function createNoteEditor(parent, { doc, text, presence, undoManager, user }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text.toString(),
      extensions: [
        weftCollab({ doc, text, origin: EDITOR_ORIGIN, presence, undoManager, user }),
        EditorView.lineWrapping,
        placeholder("A shared note: type here, in several tabs or browsers"),
        EditorView.contentAttributes.of({ "aria-label": "Note" }),
      ],
    }),
  });
  return {
    view,
    undo: () => weftUndo(view),
    redo: () => weftRedo(view),
  };
}
