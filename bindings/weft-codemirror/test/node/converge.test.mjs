// Two and three editors on replicas of one document, editing at random at the same time while
// their deltas travel late and out of order: every editor ends equal to its text, and all the
// texts equal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";
import { editorOn } from "../support/host.mjs";

/** A small deterministic random source (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ["a", "b", "c", " ", "\n", "é", "😀", "日"];

/** A random local edit: one or two replaced ranges, never inside a surrogate pair. */
function randomEdit(rand, value) {
  const boundaries = [0];
  for (let i = 0; i < value.length; ) {
    i += value.codePointAt(i) > 0xffff ? 2 : 1;
    boundaries.push(i);
  }
  const pick = () => boundaries[Math.floor(rand() * boundaries.length)];
  const word = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join("");
  const ranges = Array.from({ length: rand() < 0.2 ? 2 : 1 }, () => {
    const [from, to] = [pick(), pick()].sort((x, y) => x - y);
    const kind = rand();
    return { from, to: kind < 0.5 ? from : to, insert: kind < 0.8 ? word() : "" };
  });
  ranges.sort((x, y) => x.from - y.from);
  // Ranges of one change set must not overlap.
  return ranges.filter((range, i) => i === 0 || range.from >= ranges[i - 1].to);
}

async function run(seed, replicas) {
  const rand = random(seed);
  const peers = Array.from({ length: replicas }, () => {
    const doc = new Doc();
    const text = doc.getText("note");
    return { doc, text, editor: editorOn(doc, text), inbox: [] };
  });
  for (const peer of peers) {
    peer.doc.onUpdate((update, origin, local) => {
      if (!local) return;
      for (const other of peers) if (other !== peer) other.inbox.push(update);
    });
  }
  const deliver = (peer, count) => {
    for (let i = 0; i < count && peer.inbox.length > 0; i++) {
      // Mostly in order, sometimes a later delta first (it waits as "pending").
      const index = rand() < 0.2 ? Math.floor(rand() * peer.inbox.length) : 0;
      const [update] = peer.inbox.splice(index, 1);
      peer.doc.applyDelta(update, "network");
    }
  };
  for (let step = 0; step < 300; step++) {
    const peer = peers[Math.floor(rand() * peers.length)];
    if (rand() < 0.6) peer.editor.edit(randomEdit(rand, peer.editor.value));
    else deliver(peer, 1 + Math.floor(rand() * 3));
    if (rand() < 0.1) await Promise.resolve(); // let the queued checks run now and then
  }
  for (const peer of peers) deliver(peer, Infinity);
  await Promise.resolve();
  const final = peers[0].text.toString();
  for (const { editor, text } of peers) {
    assert.equal(text.toString(), final, `seed ${seed}: the texts converge`);
    assert.equal(editor.value, text.toString(), `seed ${seed}: the editor shows its text`);
  }
  return final;
}

test("two editors editing at once converge", async () => {
  for (let seed = 1; seed <= 20; seed++) await run(seed, 2);
});

test("three editors editing at once converge", async () => {
  for (let seed = 100; seed < 110; seed++) await run(seed, 3);
});

test("an editor stays equal to its text after every remote batch", async () => {
  const rand = random(7);
  const [a, b] = [new Doc(), new Doc()];
  const editor = editorOn(b, b.getText("note"));
  a.getText("note").insert(0, "start");
  b.applyDelta(a.exportDelta(), "network");
  await Promise.resolve();
  for (let i = 0; i < 200; i++) {
    const version = a.version;
    const text = a.getText("note");
    const [edit] = randomEdit(rand, text.toString());
    a.transact(() => {
      if (edit.to > edit.from) text.delete(edit.from, edit.to - edit.from);
      if (edit.insert) text.insert(edit.from, edit.insert);
    });
    b.applyDelta(a.exportDelta(version), "network");
    // Synchronously, without waiting for any queued check: the delta was applied as it came.
    assert.equal(editor.value, b.getText("note").toString());
  }
});
