// Presence fan-out in one process: C clients on one document (default 100), each moving its
// cursor R times (default 20) in turn; every move is encoded once and applied by every other
// client, as a relay hands it on. Weft's `Presence` against Yjs' awareness (y-protocols) in the
// same run, both through their public APIs, with states of the same shape (a user and a
// selection of two stable cursors, each library's own kind). Reports the time per move (one
// encode and C - 1 applies), the bytes per message, and checks that every client ends with
// every other's last cursor.
//
//   node bench/presence.mjs [clients] [rounds]   (from bindings/npm, after the build)
import { performance } from "node:perf_hooks";

const clients = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 20);
const NAMES = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Margaret", "Linus", "Katherine"];
const user = (i) => ({ name: `${NAMES[i % NAMES.length]} ${i}`, color: `#${(0x100000 + i * 9973).toString(16).slice(-6)}` });

const libraries = {
  async weft() {
    const { Doc, Presence } = await import("weft-crdt");
    const doc = new Doc();
    const text = doc.getText("note");
    text.insert(0, "x".repeat(2_000));
    const peers = [];
    for (let i = 0; i < clients; i++) {
      const presence = new Presence(new Doc(), { timeout: 600_000 });
      const outbox = [];
      const link = presence.link((message) => outbox.push(message));
      peers.push({ presence, outbox, link });
    }
    return {
      peers,
      move(peer, i, round) {
        const at = (i * 7 + round) % 2_000;
        peer.presence.setLocal({
          user: user(i),
          cursor: { anchor: text.cursorAt(at, "after").toJSON(), head: text.cursorAt(at + 3, "after").toJSON() },
        });
      },
      take(peer) {
        return peer.outbox.splice(0);
      },
      deliver(peer, message) {
        peer.link.receive(message);
      },
      heads(peer) {
        return [...peer.presence.getStates().values()].map((state) => state.cursor.head);
      },
      close() {
        for (const peer of peers) peer.presence.destroy();
      },
    };
  },
  async yjs() {
    const Y = await import("yjs");
    const { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } = await import("y-protocols/awareness");
    const doc = new Y.Doc();
    const text = doc.getText("note");
    text.insert(0, "x".repeat(2_000));
    const peers = [];
    for (let i = 0; i < clients; i++) {
      const awareness = new Awareness(new Y.Doc());
      const outbox = [];
      awareness.on("update", ({ added, updated, removed }, origin) => {
        if (origin === "remote") return;
        outbox.push(encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]));
      });
      peers.push({ awareness, outbox });
    }
    const relative = (at) => Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, at));
    return {
      peers,
      move(peer, i, round) {
        const at = (i * 7 + round) % 2_000;
        peer.awareness.setLocalState({ user: user(i), cursor: { anchor: relative(at), head: relative(at + 3) } });
      },
      take(peer) {
        return peer.outbox.splice(0);
      },
      deliver(peer, message) {
        applyAwarenessUpdate(peer.awareness, message, "remote");
      },
      heads(peer) {
        return [...peer.awareness.getStates().values()].map((state) => state.cursor.head);
      },
      close() {
        for (const peer of peers) peer.awareness.destroy();
      },
    };
  },
};

const results = {};
for (const [name, make] of Object.entries(libraries)) {
  const library = await make();
  let bytes = 0;
  let messages = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const [i, peer] of library.peers.entries()) {
      library.move(peer, i, round);
      // Weft sends at the end of the task (several calls in a row send once): let it.
      await null;
      for (const message of library.take(peer)) {
        bytes += message.length;
        messages += 1;
        for (const other of library.peers) if (other !== peer) library.deliver(other, message);
      }
    }
  }
  const elapsed = performance.now() - started;
  for (const peer of library.peers) {
    const heads = library.heads(peer);
    if (heads.length !== clients) throw new Error(`${name}: a client sees ${heads.length} of ${clients}`);
  }
  library.close();
  const moves = clients * rounds;
  results[name] = { moves, messages, ms: elapsed, perMoveUs: (elapsed * 1000) / moves, bytesPerMessage: bytes / messages };
}

console.log(`presence fan-out: ${clients} clients, ${rounds} rounds (${clients * rounds} moves, each applied by ${clients - 1})`);
console.log("| library | total ms | µs per move (1 encode + applies) | bytes per message |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, r] of Object.entries(results)) {
  console.log(`| ${name} | ${r.ms.toFixed(0)} | ${r.perMoveUs.toFixed(0)} | ${r.bytesPerMessage.toFixed(0)} |`);
}
const ratio = (key) => (results.weft[key] / results.yjs[key]).toFixed(2);
console.log(`weft ÷ yjs: time ${ratio("ms")}×, bytes per message ${ratio("bytesPerMessage")}×`);
