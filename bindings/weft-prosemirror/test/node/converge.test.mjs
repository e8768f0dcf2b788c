// Two and three editors on replicas of one document, each bound to its own Doc, editing and
// formatting while their deltas are held back (so the changes are concurrent): every editor
// ends showing its text, all texts and documents equal; Peritext's cases through the binding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";
import {
  weftSchema,
  toggleBold,
  toggleItalic,
  setLink,
  setHeading,
  setParagraph,
  toggleBulletList,
  toggleOrderedList,
  splitListItem,
  runsToDoc,
} from "../../dist/index.js";
import { replicas } from "../support/host.mjs";

function seeded(delta) {
  const seed = new Doc();
  seed.getText("rich").applyDelta(delta);
  return seed;
}

function assertConverged(peers, message = "") {
  const delta = peers[0].text.toDelta();
  for (const { text, editor } of peers) {
    assert.deepEqual(text.toDelta(), delta, `${message}: the texts converge`);
    assert.ok(editor.doc.eq(runsToDoc(text.toDelta(), weftSchema)), `${message}: the editor shows its text`);
    assert.ok(editor.doc.eq(peers[0].editor.doc), `${message}: the documents are equal`);
  }
}

/** A small deterministic random source (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["a", "bc", " ", "😀", "é", "xyz"];
const COMMANDS = [toggleBold, toggleItalic, setLink("https://l.test"), setHeading(1), setHeading(2), setParagraph, toggleBulletList, toggleOrderedList, splitListItem];

async function run(seed, count) {
  const rand = random(seed);
  const pick = (items) => items[Math.floor(rand() * items.length)];
  const peers = replicas(count, seeded([{ insert: "start here\nsecond line\n" }]));
  for (let step = 0; step < 150; step++) {
    const peer = pick(peers);
    const { editor } = peer;
    const length = peer.text.length;
    const at = () => {
      let index = Math.floor(rand() * (length + 1));
      const value = peer.text.toString();
      if (index > 0 && index < value.length && value.charCodeAt(index) >= 0xdc00 && value.charCodeAt(index) <= 0xdfff) index--;
      return index;
    };
    const kind = rand();
    if (kind < 0.35) {
      editor.select(at());
      editor.type(pick(WORDS));
    } else if (kind < 0.5 && length > 1) {
      const [from, to] = [at(), at()].sort((x, y) => x - y);
      if (to > from) editor.delete(from, to);
    } else if (kind < 0.75) {
      const [from, to] = [at(), at()].sort((x, y) => x - y);
      editor.select(from, to);
      editor.run(pick(COMMANDS));
    } else {
      peer.deliver(1 + Math.floor(rand() * 3));
    }
    for (const other of peers) {
      assert.ok(other.editor.doc.eq(runsToDoc(other.text.toDelta(), weftSchema)), `seed ${seed} step ${step}: the editor shows its text`);
    }
    if (rand() < 0.1) await Promise.resolve();
  }
  for (const peer of peers) peer.deliver();
  await Promise.resolve();
  assertConverged(peers, `seed ${seed}`);
}

test("two editors typing and formatting at once converge", async () => {
  for (let seed = 1; seed <= 15; seed++) await run(seed, 2);
});

test("three editors typing and formatting at once converge", async () => {
  for (let seed = 100; seed < 108; seed++) await run(seed, 3);
});

test("Peritext: concurrent bold and italic over overlapping ranges", async () => {
  const [a, b] = replicas(2, seeded([{ insert: "The fox jumped\n" }]));
  a.editor.select(0, 7); // "The fox"
  a.editor.run(toggleBold);
  b.editor.select(4, 14); // "fox jumped"
  b.editor.run(toggleItalic);
  a.deliver();
  b.deliver();
  assertConverged([a, b], "bold and italic");
  assert.deepEqual(a.text.toDelta(), [
    { insert: "The ", attributes: { bold: true } },
    { insert: "fox", attributes: { bold: true, italic: true } },
    { insert: " jumped", attributes: { italic: true } },
    { insert: "\n" },
  ]);
});

test("Peritext: text typed concurrently at the end of a bold is bold, at the end of a link is not", async () => {
  const [a, b] = replicas(2, seeded([{ insert: "bold link\n" }]));
  a.editor.select(0, 4);
  a.editor.run(toggleBold);
  a.editor.select(5, 9);
  a.editor.run(setLink("https://p.test"));
  b.deliver();
  // B types at the end of the bold and at the end of the link, A concurrently types in the middle.
  b.editor.select(4);
  b.editor.type("er");
  b.editor.select(11);
  b.editor.type("s");
  a.editor.select(2);
  a.editor.type("-");
  a.deliver();
  b.deliver();
  assertConverged([a, b], "expand");
  assert.deepEqual(a.text.toDelta(), [
    { insert: "bo-lder", attributes: { bold: true } },
    { insert: " " },
    { insert: "link", attributes: { link: "https://p.test" } },
    { insert: "s\n" },
  ]);
});

test("Peritext: a bold concurrent with the deletion of part of the bolded text", async () => {
  const [a, b, c] = replicas(3, seeded([{ insert: "one two three\n" }]));
  a.editor.select(0, 13);
  a.editor.run(toggleBold);
  b.editor.delete(3, 7); // " two"
  c.editor.select(13);
  c.editor.type("!");
  for (const peer of [a, b, c]) peer.deliver();
  assertConverged([a, b, c], "bold and delete");
  // The deleted characters were bold too; "!" typed concurrently at the end of the range is
  // inside it (bold grows at its end), as Peritext has it.
  assert.deepEqual(a.text.toDelta(), [{ insert: "one three!", attributes: { bold: true } }, { insert: "\n" }]);
});

test("a heading set on one replica while another types in that block", async () => {
  const [a, b] = replicas(2, seeded([{ insert: "intro\ntitle\nbody\n" }]));
  a.editor.select(8);
  a.editor.run(setHeading(1));
  b.editor.select(11);
  b.editor.type(" here");
  b.editor.select(6);
  b.editor.type(">");
  a.deliver();
  b.deliver();
  assertConverged([a, b], "heading");
  assert.deepEqual(a.text.toDelta(), [
    { insert: "intro\n>title here" },
    { insert: "\n", attributes: { heading: 1 } },
    { insert: "body\n" },
  ]);
  assert.equal(a.editor.doc.child(1).type.name, "heading");
  assert.equal(a.editor.doc.child(1).textContent, ">title here");
});

test("Enter in a list on one replica while another bolds that item", async () => {
  const [a, b] = replicas(2, seeded([{ insert: "first second" }, { insert: "\n", attributes: { list: "bullet" } }]));
  a.editor.select(5);
  a.editor.run(splitListItem);
  b.editor.select(0, 12);
  b.editor.run(toggleBold);
  a.deliver();
  b.deliver();
  assertConverged([a, b], "split and bold");
  assert.equal(a.editor.doc.firstChild.childCount, 2);
  // The new "\n" is inside the concurrent bold, so Weft marks it bold too; the editor shows
  // only the block attributes of a "\n".
  assert.deepEqual(a.text.toDelta(), [
    { insert: "first", attributes: { bold: true } },
    { insert: "\n", attributes: { bold: true, list: "bullet" } },
    { insert: " second", attributes: { bold: true } },
    { insert: "\n", attributes: { list: "bullet" } },
  ]);
});

test("two replicas typing into the same empty document at once make two paragraphs", async () => {
  const [a, b] = replicas(2, new Doc());
  a.editor.type("a");
  b.editor.type("b");
  a.deliver();
  b.deliver();
  await Promise.resolve();
  assertConverged([a, b], "empty");
  assert.equal(a.editor.doc.childCount, 2);
  assert.deepEqual(a.text.toString().split("\n").sort(), ["", "a", "b"]);
});
