// The binding on a bare EditorState (no DOM): local typing, formatting and deleting give the
// right Weft runs; the text's other changes give the right ProseMirror document.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";
import {
  weftSchema,
  toggleBold,
  toggleItalic,
  setLink,
  removeLink,
  setHeading,
  setParagraph,
  toggleBulletList,
  toggleOrderedList,
  splitListItem,
  joinListItemBackward,
  docToRuns,
  posToIndex,
} from "../../dist/index.js";
import { editorOn } from "../support/host.mjs";

function fresh(initial) {
  const doc = new Doc();
  const text = doc.getText("rich");
  if (initial) text.applyDelta(initial);
  const editor = editorOn(doc, text);
  return { doc, text, editor };
}

test("typing into the empty document writes the characters and the block's newline", () => {
  const { text, editor } = fresh();
  const origins = [];
  text.observe((events) => origins.push(...events.map((event) => event.origin)));
  editor.type("Hi");
  assert.deepEqual(text.toDelta(), [{ insert: "Hi\n" }]);
  assert.ok(new Set(origins).size === 1 && origins[0] === "weft-prosemirror");
  // Deleting everything leaves the empty text: the empty document.
  editor.delete(0, 2);
  assert.equal(text.toString(), "");
  assert.equal(editor.host.dispatches, 3, "the editor's own changes are not echoed back");
});

test("formatting, typing at the end of bold and of a link, deleting: exact Weft runs", () => {
  const { text, editor } = fresh([{ insert: "hello world\n" }]);
  editor.select(0, 5);
  assert.equal(editor.run(toggleBold), true);
  assert.deepEqual(text.toDelta(), [{ insert: "hello", attributes: { bold: true } }, { insert: " world\n" }]);
  // Typing at the end of the bold is bold (ProseMirror's inclusive strong, Weft's "after").
  editor.select(5);
  editor.type("!");
  assert.deepEqual(text.toDelta(), [{ insert: "hello!", attributes: { bold: true } }, { insert: " world\n" }]);
  editor.select(7, 12);
  editor.run(setLink("https://w.test"));
  editor.run(toggleItalic);
  assert.deepEqual(text.toDelta(), [
    { insert: "hello!", attributes: { bold: true } },
    { insert: " " },
    { insert: "world", attributes: { italic: true, link: "https://w.test" } },
    { insert: "\n" },
  ]);
  // Typing at the end of the link is not linked (but stays italic).
  editor.select(12);
  editor.type("s");
  assert.deepEqual(text.toDelta().slice(2), [
    { insert: "world", attributes: { italic: true, link: "https://w.test" } },
    { insert: "s", attributes: { italic: true } },
    { insert: "\n" },
  ]);
  editor.select(9);
  assert.equal(editor.run(removeLink), true);
  assert.deepEqual(text.toDelta().slice(2), [{ insert: "worlds", attributes: { italic: true } }, { insert: "\n" }]);
  editor.delete(3, 9);
  assert.deepEqual(text.toDelta(), [
    { insert: "hel", attributes: { bold: true } },
    { insert: "rlds", attributes: { italic: true } },
    { insert: "\n" },
  ]);
});

test("block types: headings, paragraphs, lists; Enter and Backspace in lists", () => {
  const { text, editor } = fresh([{ insert: "Title\nbody\none\ntwo\n" }]);
  editor.select(2);
  editor.run(setHeading(2));
  editor.select(12, 16); // "one" to "two"
  editor.run(toggleBulletList);
  assert.deepEqual(text.toDelta(), [
    { insert: "Title" },
    { insert: "\n", attributes: { heading: 2 } },
    { insert: "body\none" },
    { insert: "\n", attributes: { list: "bullet" } },
    { insert: "two" },
    { insert: "\n", attributes: { list: "bullet" } },
  ]);
  assert.equal(editor.doc.child(2).type.name, "bullet_list");
  assert.equal(editor.doc.child(2).childCount, 2);
  // The selection kept its text indexes.
  assert.equal(posToIndex(editor.doc, editor.host.state.selection.from), 12);
  editor.run(toggleOrderedList);
  assert.equal(editor.doc.child(2).type.name, "ordered_list");
  // Enter at the end of "two": a new item; typing goes in it.
  editor.select(18);
  assert.equal(editor.run(splitListItem), true);
  editor.type("3");
  assert.deepEqual(text.toDelta().slice(-2), [{ insert: "3" }, { insert: "\n", attributes: { list: "ordered" } }]);
  assert.equal(editor.doc.child(2).childCount, 3);
  // Backspace at the start of the item joins it to the one before.
  editor.select(19);
  assert.equal(editor.run(joinListItemBackward), true);
  assert.deepEqual(text.toDelta().slice(-2), [{ insert: "two3" }, { insert: "\n", attributes: { list: "ordered" } }]);
  // Enter in an empty item ends the list.
  editor.select(22);
  editor.run(splitListItem);
  editor.run(splitListItem);
  assert.equal(editor.doc.lastChild.type.name, "paragraph");
  assert.deepEqual(text.toDelta().slice(-1), [{ insert: "\n" }]);
  editor.select(0);
  editor.run(setParagraph);
  assert.deepEqual(text.toDelta()[0], { insert: "Title\nbody\none" });
});

test("the text's changes of another origin come to the editor; the selection stays on its characters", () => {
  const { doc, text, editor } = fresh([{ insert: "abc def\n" }]);
  editor.select(4); // before "def"
  doc.transact(() => {
    text.insert(0, ">> ");
    text.mark(3, 3, "bold", true);
    text.applyDelta([{ retain: 11 }, { insert: "ghi", attributes: { link: "https://g.test" } }, { insert: "\n", attributes: { heading: 1 } }]);
  }, "elsewhere");
  const { nodes, marks } = weftSchema;
  const expected = nodes.doc.create(null, [
    nodes.paragraph.create(null, [weftSchema.text(">> "), weftSchema.text("abc", [marks.strong.create()]), weftSchema.text(" def")]),
    nodes.heading.create({ level: 1 }, [weftSchema.text("ghi", [marks.link.create({ href: "https://g.test" })])]),
  ]);
  assert.ok(editor.doc.eq(expected), editor.doc.toString());
  assert.equal(posToIndex(editor.doc, editor.host.state.selection.head), 7, "the caret moved with the text before it");
  assert.deepEqual(docToRuns(editor.doc), text.toDelta());
  // A change without a transaction (origin undefined) comes too.
  text.delete(0, 3);
  assert.equal(editor.doc.firstChild.textContent, "abc def");
});

test("the text's creation by another replica reaches the editor; after destroy nothing does", async () => {
  const { doc, editor } = fresh();
  const other = new Doc();
  other.getText("rich").applyDelta([{ insert: "made there" }, { insert: "\n", attributes: { heading: 2 } }]);
  doc.applyDelta(other.exportDelta(), "server");
  await Promise.resolve();
  assert.equal(editor.doc.firstChild.type.name, "heading");
  assert.equal(editor.doc.textContent, "made there");
  editor.binding.destroy();
  doc.getText("rich").insert(0, "x");
  assert.equal(editor.doc.textContent, "made there");
});
