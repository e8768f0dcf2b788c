// Rich-text marks from JavaScript: mark and unmark in UTF-16 positions, toDelta and
// applyDelta (Quill-style), expand rules, events that report formatting, concurrent
// formatting converging, and refused input changing nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";

const sync = (a, b) => {
  b.applyDelta(a.exportDelta(b.version));
  a.applyDelta(b.exportDelta(a.version));
};

test("mark and unmark give Quill-style runs, in UTF-16 positions", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.insert(0, "😀 Hello world");
  text.mark(3, 5, "bold");
  text.mark(9, 5, "link", "https://weft.example");
  assert.deepEqual(text.toDelta(), [
    { insert: "😀 " },
    { insert: "Hello", attributes: { bold: true } },
    { insert: " " },
    { insert: "world", attributes: { link: "https://weft.example" } },
  ]);
  text.unmark(3, 2, "bold");
  assert.deepEqual(text.toDelta().slice(0, 2), [{ insert: "😀 He" }, { insert: "llo", attributes: { bold: true } }]);
  text.mark(0, 2, "comment", { id: 7, by: ["ada"] });
  assert.deepEqual(text.toDelta()[0], { insert: "😀", attributes: { comment: { id: 7, by: ["ada"] } } });
});

test("bold grows when typing at its end, a link does not; setExpand changes a name's rule", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.insert(0, "bold link");
  text.mark(0, 4, "bold");
  text.mark(5, 4, "link", "https://weft.example");
  text.insert(4, "er");
  text.insert(11, "!");
  assert.deepEqual(text.toDelta(), [
    { insert: "bolder", attributes: { bold: true } },
    { insert: " " },
    { insert: "link", attributes: { link: "https://weft.example" } },
    { insert: "!" },
  ]);
  doc.setExpand("bold", "none");
  const other = doc.getText("other");
  other.insert(0, "ab");
  other.mark(0, 1, "bold");
  other.insert(1, "x");
  assert.deepEqual(other.toDelta(), [{ insert: "a", attributes: { bold: true } }, { insert: "xb" }]);
  assert.throws(() => doc.setExpand("bold", "sideways"), { code: "WEFT_INVALID_ARGUMENT" });
});

test("applyDelta inserts with attributes, formats with retains and clears with null", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.applyDelta([{ insert: "Hello ", attributes: { bold: true } }, { insert: "world" }]);
  assert.deepEqual(text.toDelta(), [{ insert: "Hello ", attributes: { bold: true } }, { insert: "world" }]);
  text.applyDelta([{ retain: 2, attributes: { bold: null } }, { retain: 4 }, { delete: 5 }, { insert: "Weft", attributes: { italic: true } }]);
  assert.deepEqual(text.toDelta(), [
    { insert: "He" },
    { insert: "llo ", attributes: { bold: true } },
    { insert: "Weft", attributes: { italic: true } },
  ]);
  // A whole document rebuilt from another's runs.
  const copy = new Doc().getText("note");
  copy.applyDelta(text.toDelta());
  assert.deepEqual(copy.toDelta(), text.toDelta());
});

test("events report formatting as retains with attributes, locally and remotely", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getText("note").insert(0, "abcdef");
  sync(alice, bob);
  const heard = { alice: [], bob: [] };
  alice.getText("note").observe((events) => heard.alice.push(...events.map((event) => event.delta)));
  bob.getText("note").observe((events) => heard.bob.push(...events.map((event) => event.delta)));
  alice.getText("note").mark(1, 3, "bold");
  sync(alice, bob);
  assert.deepEqual(heard.alice, [[{ retain: 1 }, { retain: 3, attributes: { bold: true } }]]);
  assert.deepEqual(heard.bob, heard.alice);
});

test("concurrent bold and italic over overlapping ranges, and bold against un-bold, converge", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getText("note").insert(0, "The fox jumped.");
  sync(alice, bob);
  alice.getText("note").mark(0, 7, "bold");
  bob.getText("note").mark(4, 10, "italic");
  sync(alice, bob);
  const expected = [
    { insert: "The ", attributes: { bold: true } },
    { insert: "fox", attributes: { bold: true, italic: true } },
    { insert: " jumped", attributes: { italic: true } },
    { insert: "." },
  ];
  assert.deepEqual(alice.getText("note").toDelta(), expected);
  assert.deepEqual(bob.getText("note").toDelta(), expected);
  // Bob un-bolds what he has seen bold: his later operation wins.
  bob.getText("note").unmark(0, 4, "bold");
  alice.getText("note").insert(15, "!");
  sync(alice, bob);
  assert.deepEqual(alice.getText("note").toDelta(), bob.getText("note").toDelta());
  assert.deepEqual(alice.getText("note").toDelta().slice(0, 2), [
    { insert: "The " },
    { insert: "fox", attributes: { bold: true, italic: true } },
  ]);
});

test("marks survive a snapshot and the sync of deltas", () => {
  const doc = new Doc();
  doc.getText("note").insert(0, "saved bold");
  doc.getText("note").mark(6, 4, "bold");
  const loaded = Doc.load(doc.save());
  assert.deepEqual(loaded.getText("note").toDelta(), doc.getText("note").toDelta());
  const fresh = new Doc();
  fresh.applyDelta(doc.exportDelta());
  assert.deepEqual(fresh.getText("note").toDelta(), doc.getText("note").toDelta());
});

test("refused marks and deltas throw typed errors and change nothing", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.insert(0, "a😀b");
  const before = JSON.stringify(text.toDelta());
  const updates = [];
  doc.onUpdate((update) => updates.push(update));
  assert.throws(() => text.mark(0, 10, "bold"), { code: "WEFT_POSITION", name: "WeftError" });
  assert.throws(() => text.mark(2, 1, "bold"), { code: "WEFT_POSITION" }, "inside a surrogate pair");
  assert.throws(() => text.mark(0, 1, ""), { code: "WEFT_INVALID_VALUE" });
  assert.throws(() => text.mark(0, 1, "x".repeat(129)), { code: "WEFT_INVALID_VALUE" });
  assert.throws(() => text.mark(0, 1, "size", Number.NaN), { code: "WEFT_INVALID_VALUE" });
  assert.throws(() => text.mark(0, 1, "bad", () => 1), { code: "WEFT_INVALID_VALUE" });
  assert.throws(() => text.applyDelta([{ retain: 1, attributes: { bold: true } }, { retain: 99 }]), { code: "WEFT_POSITION" });
  assert.throws(() => text.applyDelta([{ insert: "x" }, { frobnicate: 1 }]), { code: "WEFT_INVALID_ARGUMENT" });
  assert.throws(() => text.applyDelta({ insert: "x" }), { code: "WEFT_INVALID_ARGUMENT" });
  assert.throws(() => text.applyDelta([{ insert: { image: "x.png" } }]), { code: "WEFT_INVALID_ARGUMENT" });
  assert.equal(JSON.stringify(text.toDelta()), before);
  assert.equal(text.toString(), "a😀b");
  assert.equal(updates.length, 0);
});
