// The conversions between Weft's text deltas and CodeMirror's changes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChangeSet, Text } from "@codemirror/state";
import { deltaToChanges, diff } from "../../dist/index.js";

test("a Weft delta becomes changes over the document before it", () => {
  const delta = [{ retain: 2 }, { delete: 3 }, { insert: "XY" }, { retain: 1 }, { insert: "😀" }];
  const changes = ChangeSet.of(deltaToChanges(delta), 8);
  assert.equal(changes.apply(Text.of(["abcdefgh"])).toString(), "abXYf😀gh");
});

test("diff finds the one replaced range and never splits a surrogate pair", () => {
  assert.equal(diff("same", "same"), null);
  assert.deepEqual(diff("hello world", "hello brave world"), { from: 6, to: 6, insert: "brave " });
  assert.deepEqual(diff("abc", ""), { from: 0, to: 3, insert: "" });
  // 😀 and 😃 share their high surrogate: the change covers the whole character.
  assert.deepEqual(diff("a😀b", "a😃b"), { from: 1, to: 3, insert: "😃" });
  assert.deepEqual(diff("x😀", "😀😀"), { from: 0, to: 1, insert: "😀" });
});
