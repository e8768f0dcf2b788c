// The test page: real EditorViews bound to Weft texts. `window.makePeers(n, { initial,
// options })` makes `n` replicas of one document, each with an editor in the page (bound with
// `weftCollab({ doc, text, ...options(peer, i) })`), whose deltas reach the others at once, or
// when `flush()` is called while `hold` is set.
import { Doc, Presence, UndoManager } from "weft-crdt";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { weftCollab } from "weft-codemirror";

window.makePeers = (count, { initial = "", options = () => ({}) } = {}) => {
  const peers = [];
  const seed = new Doc();
  if (initial) seed.getText("note").insert(0, initial);
  for (let i = 0; i < count; i++) {
    const doc = new Doc();
    doc.applyDelta(seed.exportDelta());
    const text = doc.getText("note");
    const parent = document.createElement("div");
    parent.id = `editor-${i}`;
    document.body.append(parent);
    const peer = { doc, text, inbox: [], hold: false };
    peer.view = new EditorView({
      parent,
      state: EditorState.create({ doc: text.toString(), extensions: [weftCollab({ doc, text, ...options(peer, i) })] }),
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

window.UndoManager = UndoManager;
window.Presence = Presence;
window.ready = true;
