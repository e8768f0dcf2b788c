// Stable cursors against the built package: they follow their characters and elements
// through concurrent edits, resolve where a deleted anchor was, and travel as bytes and JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Cursor, Doc, isWeftError } from "weft-crdt";

/** Brings `to` level with `from`. */
function sync(from, to) {
  to.applyDelta(from.exportDelta(to.version));
}

/** A cursor as another replica receives it: through bytes, then JSON. */
function sent(cursor) {
  const bytes = Cursor.fromBytes(cursor.toBytes());
  return Cursor.fromJSON(JSON.parse(JSON.stringify(bytes)));
}

test("a text cursor follows its character through concurrent edits, in UTF-16", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getText("note").insert(0, "hello world");
  sync(alice, bob);
  const caret = sent(bob.getText("note").cursorAt(5, "after")); // after "hello"
  const mark = sent(bob.getText("note").cursorAt(5, "before")); // before " world"
  alice.getText("note").insert(0, "😀 ");
  bob.getText("note").insert(5, "!"); // typed at the cursors
  sync(alice, bob);
  sync(bob, alice);
  for (const doc of [alice, bob]) {
    const note = doc.getText("note");
    assert.equal(note.toString(), "😀 hello! world");
    assert.equal(note.resolveCursor(caret), 8, "stays before what was typed at it");
    assert.equal(note.resolveCursor(mark), 9, "moves past what was typed at it");
  }
});

test("a cursor whose character was deleted resolves where it was", () => {
  const doc = new Doc();
  const note = doc.getText("note");
  note.insert(0, "abcdef");
  const afterC = note.cursorAt(3, "after");
  note.delete(1, 3); // "aef"
  assert.equal(note.resolveCursor(afterC), 1);
  note.insert(1, "XY");
  assert.equal(note.resolveCursor(afterC), 3);
});

test("list cursors, the ends, and unknown elements", () => {
  const alice = new Doc();
  const bob = new Doc();
  const items = alice.getList("items");
  items.push("milk", "eggs", "flour");
  const afterEggs = items.cursorAt(2, "after");
  assert.equal(bob.getList("items").resolveCursor(afterEggs), undefined, "not received yet");
  sync(alice, bob);
  bob.getList("items").insert(0, "tea");
  bob.getList("items").delete(2, 1); // eggs
  assert.equal(bob.getList("items").resolveCursor(afterEggs), 2);
  const start = items.cursorAt(0, "after");
  const end = items.cursorAt(3, "before");
  assert.deepEqual(start.toJSON(), { anchor: "start" });
  assert.deepEqual(end.toJSON(), { anchor: "end" });
  assert.deepEqual([...end.toBytes()], [0x43, 0x01, 0x01]);
  assert.equal(items.resolveCursor(end), 3);
  const json = afterEggs.toJSON();
  assert.equal(json.anchor, "element");
  assert.equal(json.replica, alice.replicaId);
  assert.equal(json.side, "after");
  assert.ok(Number.isSafeInteger(json.counter));
  assert.ok(Cursor.fromJSON(json).equals(afterEggs));
});

test("bad input throws typed errors", () => {
  const doc = new Doc();
  const note = doc.getText("note");
  note.insert(0, "😀");
  const code = (run) => {
    try {
      run();
    } catch (error) {
      assert.ok(isWeftError(error));
      return error.code;
    }
    assert.fail("expected an error");
  };
  assert.equal(code(() => note.cursorAt(1, "before")), "WEFT_POSITION");
  assert.equal(code(() => note.cursorAt(3, "after")), "WEFT_POSITION");
  assert.equal(code(() => note.cursorAt(0, "left")), "WEFT_INVALID_ARGUMENT");
  assert.equal(code(() => Cursor.fromBytes(new Uint8Array([0x43, 0x01, 0x09]))), "WEFT_DECODE");
  assert.equal(code(() => Cursor.fromBytes(new Uint8Array([]))), "WEFT_DECODE");
  for (const json of [
    null,
    { anchor: "middle" },
    { anchor: "element", replica: "nope", counter: 1, side: "after" },
    { anchor: "element", replica: doc.replicaId, counter: 0, side: "after" },
    { anchor: "element", replica: doc.replicaId, counter: 2 ** 53, side: "after" },
    { anchor: "element", replica: doc.replicaId, counter: 1, side: "up" },
  ]) {
    assert.equal(code(() => Cursor.fromJSON(json)), "WEFT_INVALID_ARGUMENT", JSON.stringify(json));
  }
});
