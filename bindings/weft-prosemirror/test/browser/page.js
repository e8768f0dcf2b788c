// The test page: real EditorViews bound to Weft texts. `window.makePeers(n, { initial,
// options })` makes `n` replicas of one document (its text seeded with the delta `initial`),
// each with an editor in the page (bound with `weftProseMirror({ doc, text, ...options(peer,
// i) })`), whose deltas reach the others at once, or when `flush()` is called while `hold`
// is set.
import { Doc, Presence, UndoManager } from "weft-crdt";
import { EditorState, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { keymap } from "prosemirror-keymap";
import { baseKeymap } from "prosemirror-commands";
import * as weft from "weft-prosemirror";

window.makePeers = (count, { initial = [], options = () => ({}) } = {}) => {
  const peers = [];
  const seed = new Doc();
  if (initial.length > 0) seed.getText("rich").applyDelta(initial);
  for (let i = 0; i < count; i++) {
    const doc = new Doc();
    doc.applyDelta(seed.exportDelta());
    const text = doc.getText("rich");
    const parent = document.createElement("div");
    parent.id = `editor-${i}`;
    document.body.append(parent);
    const peer = { doc, text, inbox: [], hold: false };
    const plugins = [...weft.weftProseMirror({ doc, text, ...options(peer, i) }), keymap(baseKeymap)];
    peer.view = new EditorView(parent, {
      state: EditorState.create({ schema: weft.weftSchema, doc: weft.textToDoc(text), plugins }),
    });
    peers.push(peer);
  }
  for (const peer of peers) {
    peer.doc.onUpdate((update, _origin, local) => {
      if (!local) return;
      for (const other of peers) {
        if (other === peer) continue;
        if (other.hold) other.inbox.push(update);
        else other.doc.applyDelta(update, "network");
      }
    });
    peer.flush = () => {
      for (const update of peer.inbox.splice(0)) peer.doc.applyDelta(update, "network");
    };
  }
  window.peers = peers;
  return count;
};

/** Joins every pair of `presences` by links that deliver at once. */
window.linkPresences = (presences) => {
  for (const [i, one] of presences.entries()) {
    for (const other of presences.slice(i + 1)) {
      let toOther;
      let toOne;
      const fromOne = one.link((message) => toOther.receive(message));
      const fromOther = other.link((message) => toOne.receive(message));
      toOther = fromOther;
      toOne = fromOne;
      fromOne.announce();
      fromOther.announce();
    }
  }
};

/** Selects text indexes `from`–`to` in peer `i`'s editor. */
window.selectText = (i, from, to = from) => {
  const { view } = window.peers[i];
  const { doc } = view.state;
  view.dispatch(view.state.tr.setSelection(TextSelection.create(doc, weft.indexToPos(doc, from), weft.indexToPos(doc, to))));
  view.focus();
};

window.weft = weft;
window.UndoManager = UndoManager;
window.Presence = Presence;
window.ready = true;
