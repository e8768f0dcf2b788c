// The undo manager against the built package: it undoes only this replica's changes, of the
// tracked origins and containers, groups changes in a capture window, carries metadata with
// its steps and reports stack events; undo is a normal change that syncs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc, UndoManager } from "weft-crdt";

function sync(from, to) {
  to.applyDelta(from.exportDelta(to.version));
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("undo removes only my typing while another replica keeps typing", () => {
  const alice = new Doc();
  const bob = new Doc();
  const undo = new UndoManager(alice, { scope: [alice.getText("note")] });
  alice.getText("note").insert(0, "Hello");
  sync(alice, bob);
  bob.getText("note").insert(5, " Bob");
  sync(bob, alice);
  assert.equal(alice.getText("note").toString(), "Hello Bob");
  assert.ok(undo.undo());
  assert.equal(alice.getText("note").toString(), " Bob");
  sync(alice, bob);
  assert.equal(bob.getText("note").toString(), " Bob");
  assert.ok(undo.redo());
  sync(alice, bob);
  assert.equal(bob.getText("note").toString(), "Hello Bob");
});

test("undoing a delete restores the text where it was, after others typed around it", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getText("t").insert(0, "abcdef");
  sync(alice, bob);
  const undo = new UndoManager(alice);
  alice.getText("t").delete(1, 4);
  bob.getText("t").insert(3, "X");
  sync(alice, bob);
  sync(bob, alice);
  assert.equal(alice.getText("t").toString(), "aXf");
  undo.undo();
  assert.equal(alice.getText("t").toString(), "abcXdef");
});

test("changes in the capture window form one step; stopCapturing ends it", async () => {
  const doc = new Doc();
  const undo = new UndoManager(doc, { captureTimeout: 40 });
  const text = doc.getText("t");
  text.insert(0, "a");
  text.insert(1, "b");
  undo.stopCapturing();
  text.insert(2, "c");
  await pause(80);
  text.insert(3, "d");
  undo.undo();
  assert.equal(text.toString(), "abc");
  undo.undo();
  assert.equal(text.toString(), "ab");
  undo.undo();
  assert.equal(text.toString(), "");
  assert.equal(undo.undo(), false);
});

test("only tracked origins are undone; the manager's own changes carry its origin", () => {
  const doc = new Doc();
  const undo = new UndoManager(doc, { trackedOrigins: ["editor"] });
  const text = doc.getText("t");
  doc.transact(() => text.insert(0, "typed"), "editor");
  undo.stopCapturing();
  doc.transact(() => text.insert(0, "> "), "import");
  const origins = [];
  text.observe((events) => origins.push(...events.map((event) => event.origin)));
  undo.undo();
  assert.equal(text.toString(), "> ");
  assert.deepEqual(origins, [undo.origin]);
  assert.equal(undo.origin, "weft:undo");
});

test("a map write is restored unless someone wrote it since; counters subtract", () => {
  const alice = new Doc();
  const bob = new Doc();
  const undo = new UndoManager(alice);
  const settings = alice.getMap("settings");
  settings.set("theme", "dark");
  undo.stopCapturing();
  settings.set("theme", "light");
  undo.stopCapturing();
  settings.set("font", "serif");
  alice.getCounter("likes").increment(2);
  sync(alice, bob);
  bob.getMap("settings").set("font", "mono");
  bob.getCounter("likes").increment(5);
  sync(bob, alice);
  undo.undo(); // font: Bob wrote since; likes: -2
  assert.deepEqual(alice.getMap("settings").toJSON(), { font: "mono", theme: "light" });
  assert.equal(alice.getCounter("likes").value, 5);
  undo.undo();
  assert.deepEqual(alice.getMap("settings").toJSON(), { font: "mono", theme: "dark" });
});

test("steps carry metadata across the stacks and report events", () => {
  const doc = new Doc();
  const undo = new UndoManager(doc);
  const seen = [];
  undo.on("stack-item-added", (event) => {
    seen.push(`added ${event.type}`);
    if (event.type === "undo" && !event.meta.has("selection")) event.meta.set("selection", 7);
  });
  undo.on("stack-item-popped", (event) => seen.push(`popped ${event.type} ${event.meta.get("selection")}`));
  doc.getText("t").insert(0, "x");
  assert.ok(undo.canUndo());
  undo.undo();
  assert.ok(undo.canRedo());
  undo.redo();
  assert.deepEqual(seen, ["added undo", "popped undo 7", "added redo", "popped redo 7", "added undo"]);
  undo.setMeta("other", "value");
  undo.undo();
  undo.destroy();
});

test("a manager scoped to one text ignores every other container", () => {
  const doc = new Doc();
  const undo = new UndoManager(doc, { scope: [doc.getText("a")] });
  doc.getText("b").insert(0, "other");
  assert.equal(undo.canUndo(), false);
  doc.getText("a").insert(0, "mine");
  undo.undo();
  assert.deepEqual(doc.toJSON(), { a: "", b: "other" });
});
