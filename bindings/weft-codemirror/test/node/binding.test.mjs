// The text binding on a bare EditorState (no DOM): the editor's changes reach the Weft text,
// the text's other changes reach the editor, and neither comes back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";
import { editorOn } from "../support/host.mjs";

test("the editor's changes are one Weft transaction with the binding's origin", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  const editor = editorOn(doc, text);
  text.insert(0, "-"); // the text exists (its creation reaches the parent's observers)
  editor.binding.resync();
  editor.edit({ from: 0, to: 1, insert: "" });
  const batches = [];
  text.observe((events) => batches.push([...new Set(events.map((event) => event.origin))]));
  editor.edit({ from: 0, insert: "hello world" });
  // Two ranges in one transaction: positions are those of the document before it.
  editor.edit([
    { from: 0, to: 5, insert: "HELLO" },
    { from: 6, to: 11, insert: "wörld 😀" },
  ]);
  assert.equal(text.toString(), "HELLO wörld 😀");
  assert.equal(editor.value, text.toString());
  assert.deepEqual(batches, [["weft-codemirror"], ["weft-codemirror"]]);
  assert.equal(editor.host.dispatches, 4, "the editor's own changes are not echoed back");
});

test("the text's changes of another origin come to the editor; the selection maps", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.insert(0, "abc def");
  const editor = editorOn(doc, text);
  editor.cursor(4); // before "def"
  doc.transact(() => {
    text.insert(0, ">> ");
    text.delete(7, 3); // "def"
    text.insert(7, "xyz 🎉");
  }, "elsewhere");
  assert.equal(editor.value, ">> abc xyz 🎉");
  assert.equal(editor.host.state.selection.main.head, 7, "the caret moved with the text before it");
  // Changes without a transaction (origin undefined) come too.
  text.delete(0, 3);
  assert.equal(editor.value, "abc xyz 🎉");
});

test("an editor made over another document takes the text's (resync)", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.insert(0, "already here");
  const editor = editorOn(doc, text, { initial: "" });
  assert.equal(editor.binding.inSync, false);
  // A local change made before the resync is not written at the wrong place.
  editor.edit({ from: 0, insert: "typed early " });
  assert.equal(text.toString(), "already here");
  editor.binding.resync();
  assert.equal(editor.value, "already here");
  assert.equal(editor.binding.inSync, true);
  editor.edit({ from: 7, insert: " right" });
  assert.equal(text.toString(), "already right here");
});

test("the text's creation, here or by another replica, reaches the editor", async () => {
  const doc = new Doc();
  const text = doc.getText("note");
  const editor = editorOn(doc, text);
  const other = new Doc();
  other.getText("note").insert(0, "made there");
  doc.applyDelta(other.exportDelta(), "server");
  await Promise.resolve(); // checked once every observer of the batch has run
  assert.equal(editor.value, "made there");
  const fresh = new Doc();
  const created = editorOn(fresh, fresh.getText("note"));
  fresh.getText("note").insert(0, "made here");
  await Promise.resolve();
  assert.equal(created.value, "made here");
});

test("after destroy the editor hears no more of the text", async () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.insert(0, "zero");
  text.delete(0, 4);
  const editor = editorOn(doc, text);
  text.insert(0, "one");
  editor.binding.destroy();
  text.insert(3, " two");
  assert.equal(editor.value, "one");
});
