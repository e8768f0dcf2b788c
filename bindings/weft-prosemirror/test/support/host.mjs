// An editor without a DOM for the Node tests: a bare EditorState that takes transactions the
// way an EditorView does (appended transactions included) and tells its RichTextBinding about them, as the view plugin would.
import { EditorState, TextSelection } from "prosemirror-state";
import { RichTextBinding, textToDoc, weftSchema, indexToPos, normalizePlugin } from "../../dist/index.js";

/** Creates an editor (state + binding) on `text` of `doc`. */
export function editorOn(doc, text, { origin = "weft-prosemirror", undoManager = null } = {}) {
  const host = {
    state: EditorState.create({ schema: weftSchema, doc: textToDoc(text), plugins: [normalizePlugin] }),
    dispatches: 0,
    dispatch(tr) {
      const before = this.state;
      this.state = before.applyTransaction(tr).state;
      this.dispatches++;
      binding.editorChanged(before);
    },
  };
  const config = { doc, text, origin, presence: null, user: null, presenceField: "cursor", undoManager };
  const binding = new RichTextBinding(host, config);
  return {
    host,
    binding,
    get doc() {
      return host.state.doc;
    },
    /** Runs a ProseMirror command on the editor; whether it applied. */
    run(command) {
      return command(host.state, (tr) => host.dispatch(tr));
    },
    /** Selects text indexes `from`–`to` (a caret without `to`). */
    select(from, to = from) {
      const { doc } = host.state;
      host.dispatch(host.state.tr.setSelection(TextSelection.create(doc, indexToPos(doc, from), indexToPos(doc, to))));
    },
    /** Types `value` at the selection, as the keyboard would (stored marks kept). */
    type(value) {
      for (const char of value) {
        const { from, to } = host.state.selection;
        host.dispatch(host.state.tr.insertText(char, from, to));
      }
    },
    /** Deletes text indexes `from`–`to`. */
    delete(from, to) {
      const { doc } = host.state;
      host.dispatch(host.state.tr.delete(indexToPos(doc, from), indexToPos(doc, to)));
    },
  };
}

/** Replicas of one document, each with an editor; deltas held in inboxes until delivered. */
export function replicas(count, seed) {
  const peers = [];
  for (let i = 0; i < count; i++) {
    const doc = new seed.constructor();
    doc.applyDelta(seed.exportDelta());
    const text = doc.getText("rich");
    peers.push({ doc, text, editor: editorOn(doc, text, { origin: `editor-${i}` }), inbox: [] });
  }
  for (const peer of peers) {
    peer.doc.onUpdate((update, _origin, local) => {
      if (!local) return;
      for (const other of peers) if (other !== peer) other.inbox.push(update);
    });
    peer.deliver = (count = Infinity) => {
      for (let i = 0; i < count && peer.inbox.length > 0; i++) peer.doc.applyDelta(peer.inbox.shift(), "network");
    };
  }
  return peers;
}
