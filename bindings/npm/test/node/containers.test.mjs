// The multi-value register and the remove-wins set, against the built package: concurrent
// semantics, toJSON, events, list elements, snapshots and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc, isWeftError } from "weft-crdt";

/** Brings `to` level with `from`. */
function sync(from, to) {
  to.applyDelta(from.exportDelta(to.version));
}

test("a multi-value register keeps concurrent writes until a write that saw them", () => {
  const alice = new Doc();
  const bob = new Doc();
  const status = alice.getMultiValue("status");
  assert.deepEqual(status.values(), []);
  status.put("draft");
  bob.getMultiValue("status").put(7);
  sync(alice, bob);
  sync(bob, alice);
  const both = alice.getMultiValue("status").values();
  assert.equal(both.length, 2);
  assert.deepEqual([...both].sort(), [7, "draft"].sort());
  assert.deepEqual(bob.getMultiValue("status").values(), both, "every replica agrees on the order");
  assert.deepEqual(alice.toJSON(), { status: both });
  assert.equal(JSON.stringify({ status }), JSON.stringify({ status: both }));
  alice.getMultiValue("status").put("final");
  sync(alice, bob);
  assert.deepEqual(bob.toJSON(), { status: ["final"] });
});

test("a remove-wins set: a concurrent removal beats an addition, a later addition restores", () => {
  const alice = new Doc();
  const bob = new Doc();
  const blocked = alice.getRemoveWinsSet("blocked");
  blocked.add("eve");
  sync(alice, bob);
  blocked.add("eve");
  assert.equal(bob.getRemoveWinsSet("blocked").delete("eve"), true);
  assert.equal(bob.getRemoveWinsSet("blocked").delete("mallory"), false);
  alice.getRemoveWinsSet("blocked").add("mallory");
  sync(alice, bob);
  sync(bob, alice);
  assert.deepEqual(alice.toJSON(), { blocked: [] });
  assert.deepEqual(bob.toJSON(), alice.toJSON());
  assert.equal(blocked.size, 0);
  assert.equal(blocked.has("eve"), false);
  blocked.add("eve");
  sync(alice, bob);
  assert.deepEqual(bob.getRemoveWinsSet("blocked").values(), ["eve"]);
  assert.equal(JSON.stringify(bob.getRemoveWinsSet("blocked")), '["eve"]');
});

test("events of the new kinds, local and received", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getMultiValue("m").put(1);
  alice.getRemoveWinsSet("s").add("x");
  sync(alice, bob);
  const heard = [];
  bob.subscribe((events) => heard.push(...events));
  const local = [];
  const stop = bob.getMultiValue("m").observe((events) => local.push(...events));
  bob.getMultiValue("m").put(2);
  alice.getMultiValue("m").put(3);
  alice.getRemoveWinsSet("s").delete("x");
  sync(alice, bob);
  stop();
  assert.deepEqual(local[0], { path: ["m"], type: "multiValue", old: [1], new: [2], origin: undefined, local: true });
  const received = heard.filter((event) => !event.local);
  const register = received.find((event) => event.type === "multiValue");
  assert.deepEqual(register.old, [2]);
  assert.deepEqual([...register.new].sort(), [2, 3]);
  const set = received.find((event) => event.type === "set");
  assert.deepEqual(set, { path: ["s"], type: "set", added: [], removed: ["x"], origin: undefined, local: false });
});

test("list elements and nested maps of the new kinds survive save and load", () => {
  const doc = new Doc();
  const list = doc.getList("l");
  list.insertRemoveWinsSet(0).add(1);
  list.insertMultiValue(1).put("a");
  doc.getMap("meta").getMultiValue("owner").put("ann");
  list.getRemoveWinsSet(0).add(2);
  assert.deepEqual(doc.toJSON(), { l: [[1, 2], ["a"]], meta: { owner: ["ann"] } });
  const loaded = Doc.load(doc.save());
  assert.deepEqual(loaded.toJSON(), doc.toJSON());
  assert.deepEqual(loaded.getList("l").getMultiValue(1).values(), ["a"]);
});

test("a name holding another kind, or a non-primitive value, is refused", () => {
  const doc = new Doc();
  doc.getSet("tags").add("x");
  assert.throws(
    () => doc.getRemoveWinsSet("tags"),
    (error) => isWeftError(error, "WEFT_WRONG_KIND"),
  );
  assert.throws(
    () => doc.getMultiValue("tags"),
    (error) => isWeftError(error, "WEFT_WRONG_KIND"),
  );
  const before = doc.save();
  assert.throws(
    () => doc.getMultiValue("m").put({ a: 1 }),
    (error) => isWeftError(error, "WEFT_INVALID_VALUE"),
  );
  assert.deepEqual(doc.save(), before, "a refused call changes nothing");
});
