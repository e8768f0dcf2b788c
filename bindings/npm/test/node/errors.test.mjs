// Malformed input from JavaScript throws a typed error and leaves the document unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc, isWeftError } from "weft-crdt";

function sample() {
  const doc = new Doc();
  doc.getText("t").insert(0, "hello 😀");
  doc.getList("l").push(1);
  doc.getList("l").insertMap(1).set("k", "v");
  doc.getCounter("c").increment(2);
  return doc;
}

/** Runs `call`, expects a Weft error with `code`, and checks `doc` did not change. */
function refused(doc, code, call, kind = Error) {
  const before = { json: JSON.stringify(doc.toJSON()), digest: doc.digest(), version: doc.version };
  assert.throws(call, (error) => {
    assert.ok(error instanceof kind, `${error} is a ${kind.name}`);
    assert.ok(isWeftError(error, code), `${error.code} is ${code}: ${error.message}`);
    assert.equal(error.name, "WeftError");
    assert.ok(error.message.length > 0);
    return true;
  });
  assert.equal(JSON.stringify(doc.toJSON()), before.json);
  assert.equal(doc.digest(), before.digest);
  assert.deepEqual(doc.version, before.version);
}

test("positions outside a text or list are RangeErrors with WEFT_POSITION", () => {
  const doc = sample();
  const text = doc.getText("t");
  refused(doc, "WEFT_POSITION", () => text.insert(100, "x"), RangeError);
  refused(doc, "WEFT_POSITION", () => text.insert(7, "x"), RangeError); // inside the surrogate pair
  refused(doc, "WEFT_POSITION", () => text.delete(5, 10), RangeError);
  refused(doc, "WEFT_POSITION", () => text.insert(-1, "x"), RangeError);
  refused(doc, "WEFT_POSITION", () => text.insert(1.5, "x"), RangeError);
  refused(doc, "WEFT_POSITION", () => text.insert(NaN, "x"), RangeError);
  refused(doc, "WEFT_POSITION", () => doc.getText("fresh").insert(1, "x"), RangeError);
  const list = doc.getList("l");
  refused(doc, "WEFT_POSITION", () => list.insert(5, 1), RangeError);
  refused(doc, "WEFT_POSITION", () => list.delete(0, 3), RangeError);
  refused(doc, "WEFT_POSITION", () => list.insertMap(9), RangeError);
  refused(doc, "WEFT_POSITION", () => list.getMap(9), RangeError);
});

test("values that are not JSON-like data are refused, also deep inside objects", () => {
  const doc = sample();
  const deep = [];
  let inner = deep;
  for (let depth = 0; depth < 20; depth += 1) inner = inner[0] = [];
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  for (const value of [
    undefined,
    () => 1,
    Symbol("s"),
    2n ** 64n,
    new Date(0),
    new Map(),
    { nested: { bad: undefined } },
    [1, [2, () => 3]],
    deep,
    cyclic,
  ]) {
    refused(doc, "WEFT_INVALID_VALUE", () => doc.getList("l").push(value));
    refused(doc, "WEFT_INVALID_VALUE", () => doc.getList("l").push(1, value));
    refused(doc, "WEFT_INVALID_VALUE", () => doc.getMap("m").set("k", value));
    refused(doc, "WEFT_INVALID_VALUE", () => doc.getSet("s").add(value));
    refused(doc, "WEFT_INVALID_VALUE", () => doc.getRegister("r").set(value));
  }
  // Sets and registers hold primitive values only.
  for (const value of [{}, [1]]) {
    refused(doc, "WEFT_INVALID_VALUE", () => doc.getSet("s").add(value));
    refused(doc, "WEFT_INVALID_VALUE", () => doc.getRegister("r").set(value));
  }
});

test("handles of the wrong kind, values where containers are expected", () => {
  const doc = sample();
  refused(doc, "WEFT_WRONG_KIND", () => doc.getMap("t"));
  refused(doc, "WEFT_WRONG_KIND", () => doc.getRegister("l"));
  refused(doc, "WEFT_WRONG_KIND", () => doc.getList("l").getText(1));
  refused(doc, "WEFT_NOT_A_CONTAINER", () => doc.getList("l").getMap(0));
  const stale = doc.getText("x");
  const other = new Doc();
  other.getCounter("x").increment(1);
  doc.applyDelta(other.exportDelta());
  refused(doc, "WEFT_WRONG_KIND", () => stale.insert(0, "a"));
  refused(doc, "WEFT_WRONG_KIND", () => stale.toString());
});

test("bad arguments", () => {
  const doc = sample();
  assert.throws(() => new Doc("not-a-uuid"), { code: "WEFT_INVALID_ARGUMENT" });
  refused(doc, "WEFT_INVALID_ARGUMENT", () => doc.exportDelta({ nope: 1 }));
  refused(doc, "WEFT_INVALID_ARGUMENT", () => doc.exportDelta({ [doc.replicaId]: -1 }));
  refused(doc, "WEFT_INVALID_ARGUMENT", () => doc.exportDelta(42));
  refused(doc, "WEFT_INVALID_ARGUMENT", () => doc.getCounter("c").increment(0.5));
});

test("hostile bytes: garbage, truncations and bit flips of real deltas and snapshots", () => {
  const source = sample();
  const delta = source.exportDelta();
  const snapshot = source.save();
  const doc = sample();
  refused(doc, "WEFT_DECODE", () => doc.applyDelta(new Uint8Array([1, 2, 3])));
  refused(doc, "WEFT_DECODE", () => doc.applyDelta(new Uint8Array()));
  refused(doc, "WEFT_DECODE", () => doc.applyDelta(snapshot)); // a snapshot is not a delta
  for (let cut = 0; cut < delta.length; cut += 7) {
    refused(doc, "WEFT_DECODE", () => doc.applyDelta(delta.slice(0, cut)));
  }
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let round = 0; round < 300; round += 1) {
    const bytes = delta.slice();
    bytes[random() % bytes.length] ^= 1 << random() % 8;
    refused(doc, "WEFT_DECODE", () => doc.applyDelta(bytes)); // the checksum catches every flip
  }
  for (const bytes of [new Uint8Array([0xff, 0, 1]), snapshot.slice(0, 20), delta]) {
    assert.throws(() => Doc.load(bytes), { code: "WEFT_DECODE" });
  }
  assert.deepEqual(Doc.load(snapshot).toJSON(), source.toJSON());
  // The document still works after all of that.
  doc.getText("t").insert(0, ">");
  assert.equal(doc.getText("t").toString(), ">hello 😀");
});
