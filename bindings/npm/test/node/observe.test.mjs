// Observers with origins: per container and deep, local and remote, events computed from the
// change itself (text and list deltas, map keys with old and new values).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";

function sync(from, to, origin) {
  to.applyDelta(from.exportDelta(to.version), origin);
}

test("a text observer hears Quill-style deltas with the transaction's origin", () => {
  const doc = new Doc();
  const text = doc.getText("note");
  text.insert(0, "hello world");
  const heard = [];
  const stop = text.observe((events) => heard.push(...events));
  const binding = { name: "editor binding" };
  doc.transact(() => {
    text.insert(5, ",");
    text.delete(0, 1);
  }, binding);
  doc.getText("other").insert(0, "not heard");
  assert.deepEqual(heard, [
    { path: ["note"], type: "text", delta: [{ retain: 5 }, { insert: "," }], origin: binding, local: true },
    { path: ["note"], type: "text", delta: [{ delete: 1 }], origin: binding, local: true },
  ]);
  stop();
  text.insert(0, "H");
  assert.equal(heard.length, 2);
});

test("an editor binding tells its own changes from remote ones", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getText("t").insert(0, "shared");
  sync(alice, bob);
  const mirror = { text: bob.getText("t").toString(), applied: 0 };
  const binding = Symbol("binding");
  bob.getText("t").observe((events) => {
    for (const event of events) {
      if (event.origin === binding) continue; // our own keystrokes are already in the editor
      let at = 0;
      for (const op of event.delta) {
        if ("retain" in op) at += op.retain;
        else if ("insert" in op) {
          mirror.text = mirror.text.slice(0, at) + op.insert + mirror.text.slice(at);
          at += op.insert.length;
        } else mirror.text = mirror.text.slice(0, at) + mirror.text.slice(at + op.delete);
      }
      mirror.applied += 1;
    }
  });
  bob.transact(() => bob.getText("t").insert(6, "!"), binding);
  mirror.text = mirror.text + "!"; // the editor typed it itself
  alice.getText("t").insert(0, "😀 ");
  alice.getText("t").delete(3, 2);
  sync(alice, bob, "network");
  assert.equal(mirror.applied, 1);
  assert.equal(mirror.text, bob.getText("t").toString());
  assert.equal(mirror.text, "😀 ared!");
});

test("map observers hear keys with old and new values; deep observers hear inside", () => {
  const alice = new Doc();
  const bob = new Doc();
  const shallow = [];
  const deep = [];
  const todo = bob.getMap("todo");
  todo.observe((events) => shallow.push(...events));
  todo.observeDeep((events) => deep.push(...events));
  alice.getMap("todo").set("done", false);
  alice.getMap("todo").getText("title").insert(0, "call");
  sync(alice, bob);
  alice.getMap("todo").set("done", true);
  alice.getMap("todo").getText("title").insert(4, " mum");
  alice.getMap("todo").delete("done");
  sync(alice, bob, "sync");
  const keys = shallow.flatMap((event) => event.changes);
  // The first sync created "todo" at the root: the root's event, heard by neither.
  assert.deepEqual(keys, [{ key: "done", action: "delete", oldValue: false }]);
  assert.ok(shallow.every((event) => event.origin === "sync" && event.local === false));
  assert.deepEqual(
    deep.map((event) => [event.path, event.type]),
    [
      [["todo", "title"], "text"],
      [["todo"], "map"],
    ],
  );
  assert.deepEqual(deep[0].delta, [{ retain: 4 }, { insert: " mum" }]);
});

test("list observers hear runs over elements, deep ones the elements' insides", () => {
  const doc = new Doc();
  const list = doc.getList("todos");
  list.push("a", "b");
  const runs = [];
  const inside = [];
  list.observe((events) => runs.push(...events.map((event) => event.delta)));
  list.observeDeep((events) => inside.push(...events.map((event) => event.path)));
  doc.transact(() => {
    list.insert(1, { done: false });
    list.delete(0);
    list.getMap(0).set("done", true);
  });
  // The element an insertion created arrives whole; later changes inside it are its own events.
  assert.deepEqual(runs, [[{ retain: 1 }, { insert: [{ done: false }] }], [{ delete: 1 }]]);
  assert.deepEqual(inside, [["todos"], ["todos"], ["todos", 0]]);
  const other = new Doc();
  other.applyDelta(doc.exportDelta());
  const remote = [];
  other.getList("todos").observe((events) => remote.push(...events.map((event) => event.delta)));
  doc.getList("todos").push("c");
  sync(doc, other);
  assert.deepEqual(remote, [[{ retain: 2 }, { insert: ["c"] }]]);
});

test("counters and sets are observed; a released delta asks to read again", () => {
  const alice = new Doc();
  const bob = new Doc();
  const updates = [];
  alice.onUpdate((update) => updates.push(update));
  alice.getCounter("likes").increment(2);
  alice.getSet("tags").add("x");
  const heard = [];
  bob.subscribe((events) => heard.push(...events.map((event) => event.type)));
  assert.equal(bob.applyDelta(updates[1]), "pending");
  assert.equal(bob.applyDelta(updates[0]), "applied");
  assert.deepEqual(heard, ["reload"]);
  const counted = [];
  bob.getCounter("likes").observe((events) => counted.push(...events));
  bob.getCounter("likes").increment(3);
  assert.deepEqual(counted, [{ path: ["likes"], type: "counter", old: 2, new: 5, origin: undefined, local: true }]);
});
