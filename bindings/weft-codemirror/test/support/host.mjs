// An editor without a DOM for the Node tests: a bare EditorState that takes transactions the
// way an EditorView does and tells its TextBinding about them, as the view plugin would.
import { EditorSelection, EditorState } from "@codemirror/state";
import { TextBinding } from "../../dist/index.js";

/** Creates an editor (state + binding) on `text` of `doc`, starting from `initial`. */
export function editorOn(doc, text, { initial = text.toString(), origin, selection } = {}) {
  const host = {
    state: EditorState.create({ doc: initial, selection }),
    dispatches: 0,
    dispatch(spec) {
      const tr = this.state.update(spec);
      this.state = tr.state;
      this.dispatches++;
      binding.editorChanged([tr]);
    },
  };
  const config = { doc, text, origin: origin ?? "weft-codemirror", presence: null, user: null, presenceField: "cursor", undoManager: null };
  const binding = new TextBinding(host, config);
  return {
    host,
    binding,
    get value() {
      return host.state.doc.toString();
    },
    /** A local edit, as typing would make it. */
    edit(changes, selection) {
      host.dispatch({ changes, selection, userEvent: "input" });
    },
    cursor(pos) {
      host.dispatch({ selection: EditorSelection.cursor(pos) });
    },
  };
}
