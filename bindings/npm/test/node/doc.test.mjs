// The whole Doc API, against the built package (imported by its name through the exports map).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";

const ID = "67e55044-10b1-426f-9247-bb680e5fe0c8";

/** Brings `to` level with `from`. */
function sync(from, to) {
  to.applyDelta(from.exportDelta(to.version));
}

test("a document is created with or without a replica id", () => {
  assert.equal(new Doc(ID).replicaId, ID);
  const random = new Doc();
  assert.match(random.replicaId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(random.replicaId, new Doc().replicaId);
  assert.deepEqual(random.version, {});
  assert.deepEqual(random.toJSON(), {});
});

test("text positions are UTF-16 code units", () => {
  const doc = new Doc();
  const text = doc.getText("notes");
  text.insert(0, "a😀c");
  assert.equal(text.length, 4);
  text.insert(3, "b");
  assert.equal(text.toString(), "a😀bc");
  text.delete(1, 2);
  assert.equal(text.toString(), "abc");
  assert.equal(JSON.stringify({ text }), '{"text":"abc"}');
  assert.deepEqual(Object.keys(doc.version), [doc.replicaId]);
});

test("lists, maps, counters, sets and registers, nested", () => {
  const doc = new Doc();
  const items = doc.getList("items");
  items.push("milk");
  items.insert(0, 1.5);
  items.insert(2, null);
  const todo = items.insertMap(1);
  todo.set("title", "eggs");
  todo.getText("note").insert(0, "free range");
  todo.getCounter("count").increment(12);
  assert.equal(items.length, 4);
  assert.deepEqual(items.get(1), { count: 12, note: "free range", title: "eggs" });
  assert.equal(items.get(9), undefined);
  items.delete(2);
  assert.deepEqual(items.toArray(), [1.5, { count: 12, note: "free range", title: "eggs" }, null]);
  assert.deepEqual(items.getMap(1).keys(), ["count", "note", "title"]);

  const settings = doc.getMap("settings");
  settings.set("theme", "dark");
  settings.set("big", 2 ** 60);
  settings.set("raw", new Uint8Array([1, 2, 3]));
  settings.set("huge", 2n ** 62n);
  assert.equal(settings.get("theme"), "dark");
  assert.equal(settings.get("big"), 2 ** 60);
  assert.deepEqual(settings.get("raw"), new Uint8Array([1, 2, 3]));
  assert.equal(settings.get("huge"), 2n ** 62n);
  assert.equal(settings.has("theme"), true);
  assert.equal(settings.delete("theme"), true);
  assert.equal(settings.delete("theme"), false);
  assert.equal(settings.size, 3);
  settings.getMap("nested").getList("deep").push(true);
  assert.deepEqual(settings.toJSON().nested, { deep: [true] });

  const likes = doc.getCounter("likes");
  likes.increment();
  likes.increment(10);
  likes.decrement(3);
  assert.equal(likes.value, 8);

  const tags = doc.getSet("tags");
  tags.add("a");
  tags.add("b");
  tags.add("a");
  assert.equal(tags.size, 2);
  assert.equal(tags.has("a"), true);
  assert.equal(tags.delete("a"), true);
  assert.deepEqual(tags.values(), ["b"]);

  const title = doc.getRegister("title");
  assert.equal(title.value, undefined);
  title.set("Groceries");
  assert.equal(title.value, "Groceries");

  assert.deepEqual(Object.keys(doc.toJSON()).sort(), ["items", "likes", "settings", "tags", "title"]);
});

test("deltas and snapshots carry everything; replicas converge in any order", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getText("t").insert(0, "hello");
  sync(alice, bob);
  alice.getText("t").insert(5, " world");
  bob.getText("t").insert(0, ">> ");
  bob.getCounter("c").increment(2);
  alice.getCounter("c").increment(3);
  const fromAlice = alice.exportDelta(bob.version);
  const fromBob = bob.exportDelta(alice.version);
  assert.equal(bob.applyDelta(fromAlice), "applied");
  assert.equal(bob.applyDelta(fromAlice), "redundant");
  assert.equal(alice.applyDelta(fromBob), "applied");
  assert.deepEqual(alice.toJSON(), { c: 5, t: ">> hello world" });
  assert.deepEqual(bob.toJSON(), alice.toJSON());
  assert.equal(alice.digest(), bob.digest());
  assert.deepEqual(alice.version, bob.version);

  const restored = Doc.load(alice.save());
  assert.equal(restored.replicaId, alice.replicaId);
  assert.deepEqual(restored.toJSON(), alice.toJSON());
  assert.equal(restored.digest(), alice.digest());
});

test("a delta that depends on a missing one waits, then applies", () => {
  const alice = new Doc();
  const updates = [];
  alice.onUpdate((update) => updates.push(update));
  alice.getText("t").insert(0, "a");
  alice.getText("t").insert(1, "b");
  const bob = new Doc();
  assert.equal(bob.applyDelta(updates[1]), "pending");
  assert.equal(bob.pendingCount, 1);
  assert.equal(bob.applyDelta(updates[0]), "applied");
  assert.equal(bob.pendingCount, 0);
  assert.equal(bob.getText("t").toString(), "ab");
});

test("transact batches changes into one update and one event batch", () => {
  const doc = new Doc();
  const updates = [];
  const batches = [];
  doc.onUpdate((update, origin, local) => updates.push([update, origin, local]));
  doc.subscribe((events) => batches.push(events));
  const result = doc.transact(() => {
    doc.getText("t").insert(0, "x");
    doc.getCounter("n").increment(4);
    doc.transact(() => doc.getList("l").push(1), "inner origins are ignored");
    return 42;
  }, "editor");
  assert.equal(result, 42);
  assert.equal(updates.length, 1);
  assert.equal(updates[0][1], "editor");
  assert.equal(updates[0][2], true);
  assert.equal(batches.length, 1);
  assert.ok(batches[0].every((event) => event.origin === "editor" && event.local));
  const other = new Doc();
  const heard = [];
  other.onUpdate((_, origin, local) => heard.push([origin, local]));
  const provider = { name: "websocket" };
  other.applyDelta(updates[0][0], provider);
  assert.deepEqual(other.toJSON(), { l: [1], n: 4, t: "x" });
  assert.deepEqual(heard, [[provider, false]]);
});

test("events: local and remote, text deltas in UTF-16, unsubscribe", () => {
  const alice = new Doc();
  const bob = new Doc();
  const events = [];
  const unsubscribe = bob.subscribe((batch) => events.push(...batch));
  alice.getText("t").insert(0, "a😀b");
  sync(alice, bob);
  bob.getText("t").delete(1, 2);
  alice.getCounter("c").increment(5);
  alice.getSet("s").add("x");
  alice.getList("l").push("v");
  sync(alice, bob);
  const common = { origin: undefined };
  assert.deepEqual(events[0], {
    path: [],
    type: "map",
    changes: [{ key: "t", action: "add", newValue: "a😀b" }],
    ...common,
    local: false,
  });
  assert.deepEqual(events[1], {
    path: ["t"],
    type: "text",
    delta: [{ retain: 1 }, { delete: 2 }],
    ...common,
    local: true,
  });
  const remote = events.slice(2);
  assert.ok(remote.every((event) => event.local === false));
  assert.deepEqual(
    remote.flatMap((e) => (e.type === "map" ? e.changes.map((change) => change.key) : [])).sort(),
    ["c", "l", "s"],
  );
  bob.getCounter("c").increment(1);
  assert.deepEqual(events.at(-1), { path: ["c"], type: "counter", old: 5, new: 6, ...common, local: true });
  bob.getText("t").insert(2, "😀");
  assert.deepEqual(events.at(-1), {
    path: ["t"],
    type: "text",
    delta: [{ retain: 2 }, { insert: "😀" }],
    ...common,
    local: true,
  });
  const count = events.length;
  unsubscribe();
  unsubscribe(); // a second call does nothing
  bob.getText("t").insert(0, "z");
  assert.equal(events.length, count);
});

test("listeners may change the document; their errors surface after the change", () => {
  const doc = new Doc();
  doc.subscribe((events) => {
    if (events.some((e) => e.path[0] === "t")) doc.getCounter("edits").increment();
  });
  doc.getText("t").insert(0, "a"); // creates "t": one event at the root, "t" whole
  doc.getText("t").insert(1, "b"); // an event at ["t"]
  assert.equal(doc.getCounter("edits").value, 1);
  const off = doc.subscribe(() => {
    throw new Error("listener bug");
  });
  assert.throws(() => doc.getText("t").insert(0, "c"), /listener bug/);
  assert.equal(doc.getText("t").toString(), "cab");
  off();
});

test("handles on list elements follow the element when others move", () => {
  const doc = new Doc();
  const list = doc.getList("l");
  list.push("a");
  const todo = list.insertMap(1);
  todo.set("done", false);
  list.insert(0, "first");
  todo.set("done", true);
  assert.deepEqual(list.toArray(), ["first", "a", { done: true }]);
  list.delete(2);
  assert.throws(() => todo.set("done", false), { code: "WEFT_DELETED" });
});

test("remote text events count UTF-16 units, also in a list element that moved", () => {
  const alice = new Doc();
  const bob = new Doc();
  const notes = alice.getList("notes");
  notes.push("first");
  notes.insertText(1).insert(0, "a😀b😀c");
  sync(alice, bob);
  const events = [];
  bob.subscribe((batch) => events.push(...batch));
  alice.transact(() => {
    notes.insert(0, "new first"); // the text element moves from index 1 to 2
    notes.getText(2).delete(1, 2); // one emoji: two code units
  });
  sync(alice, bob);
  assert.deepEqual(bob.getList("notes").toArray(), ["new first", "first", "ab😀c"]);
  assert.deepEqual(
    events.find((event) => event.type === "text"),
    { path: ["notes", 2], type: "text", delta: [{ retain: 1 }, { delete: 2 }], origin: undefined, local: false },
  );
  assert.deepEqual(
    events.find((event) => event.type === "list"),
    { path: ["notes"], type: "list", delta: [{ insert: ["new first"] }], origin: undefined, local: false },
  );
});
