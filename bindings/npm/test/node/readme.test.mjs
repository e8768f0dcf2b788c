// The README's JavaScript quick start, run as it is written (the snippet is read from the
// README, so the two cannot drift apart), against the built package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as weft from "weft-crdt";

test("the README's JavaScript quick start runs and converges", async () => {
  const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## JavaScript quick start"));
  const snippet = section.slice(section.indexOf("```js\n") + 6, section.indexOf("\n```", section.indexOf("```js")));
  assert.ok(snippet.includes("new Doc()"), "the snippet was found");
  const logged = [];
  const console = { log: (...values) => logged.push(values) };
  const body = snippet
    .replace('import { Doc } from "weft-crdt";', "const { Doc } = weft;")
    .concat("\nreturn { phone, laptop };");
  const run = new Function("weft", "console", body);
  const { phone, laptop } = run(weft, console);
  const expected = { items: ["milk", { done: false, text: "eggs" }], likes: 1, title: "Groceries!" };
  assert.deepEqual(phone.toJSON(), expected);
  assert.deepEqual(laptop.toJSON(), expected);
  // The observer heard the remote keystroke, with the origin the delta was applied with.
  assert.deepEqual(logged.at(0), [[{ retain: 9 }, { insert: "!" }], "sync", false]);
  assert.deepEqual(logged.at(-1), [expected]);
});
