// JSON values wherever a value is written, several values per insert/push, and the
// iterators and helpers of maps and lists, against the built package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";

test("plain objects and arrays become nested maps and lists and round-trip through toJSON", () => {
  const doc = new Doc();
  const settings = doc.getMap("settings");
  const value = { theme: "dark", sizes: [1, 2, { big: true }], owner: { name: "Ada", tags: [] }, none: null };
  settings.set("prefs", value);
  assert.deepEqual(settings.get("prefs"), value);
  assert.deepEqual(doc.toJSON(), { settings: { prefs: value } });
  // They are containers: handles reach inside, and edits merge.
  settings.getMap("prefs").getList("sizes").push(3);
  settings.getMap("prefs").getMap("owner").set("name", "Grace");
  assert.deepEqual(settings.get("prefs").sizes, [1, 2, { big: true }, 3]);
  assert.equal(settings.get("prefs").owner.name, "Grace");
  // Writing an object replaces what was there.
  settings.set("prefs", { only: 1 });
  assert.deepEqual(settings.get("prefs"), { only: 1 });
  const other = new Doc();
  other.applyDelta(doc.exportDelta());
  assert.deepEqual(other.toJSON(), doc.toJSON());
});

test("insert and push take several values, objects and arrays among them", () => {
  const doc = new Doc();
  const list = doc.getList("l");
  list.push(1, "two", [3, 4], { five: 5 });
  list.insert(1, "a", "b");
  list.insert(0);
  assert.deepEqual(list.toArray(), [1, "a", "b", "two", [3, 4], { five: 5 }]);
  assert.throws(() => list.insert(99, "x", "y"), { code: "WEFT_POSITION" });
  assert.throws(() => list.insert(99), { code: "WEFT_POSITION" });
  assert.equal(list.length, 6);
  list.getMap(5).set("six", [6]);
  assert.deepEqual(list.get(5), { five: 5, six: [6] });
});

test("maps have keys, values, entries, forEach, clear and iterate as [name, value]", () => {
  const doc = new Doc();
  const map = doc.getMap("m");
  map.set("b", 2);
  map.set("a", { x: 1 });
  map.getText("c").insert(0, "text");
  assert.deepEqual(map.keys(), ["a", "b", "c"]);
  assert.deepEqual(map.values(), [{ x: 1 }, 2, "text"]);
  assert.deepEqual(map.entries(), [["a", { x: 1 }], ["b", 2], ["c", "text"]]);
  assert.deepEqual([...map], map.entries());
  assert.deepEqual(Object.fromEntries(map), { a: { x: 1 }, b: 2, c: "text" });
  const seen = [];
  map.forEach((value, key, owner) => seen.push([key, value, owner.size]));
  assert.deepEqual(seen, [["a", { x: 1 }, 3], ["b", 2, 3], ["c", "text", 3]]);
  map.clear();
  assert.equal(map.size, 0);
  assert.deepEqual(doc.toJSON(), { m: {} });
});

test("lists iterate their elements and have forEach", () => {
  const doc = new Doc();
  const list = doc.getList("l");
  list.push("a", { b: 1 }, ["c"]);
  assert.deepEqual([...list], ["a", { b: 1 }, ["c"]]);
  const seen = [];
  list.forEach((value, index, owner) => seen.push([index, value, owner.length]));
  assert.deepEqual(seen, [[0, "a", 3], [1, { b: 1 }, 3], [2, ["c"], 3]]);
  for (const element of list) assert.ok(element !== undefined);
});

test("handles stay valid as they do: on list elements that move, across JSON writes", () => {
  const doc = new Doc();
  const list = doc.getList("l");
  list.push({ done: false });
  const todo = list.getMap(0);
  list.insert(0, "first", "second");
  todo.set("done", true);
  assert.deepEqual(list.toArray(), ["first", "second", { done: true }]);
});
