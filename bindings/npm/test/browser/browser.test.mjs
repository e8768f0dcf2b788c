// The built package in a real headless Chromium (playwright-core driving /usr/bin/chromium),
// served from 127.0.0.1 by the test's own server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "../support/server.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
let server;
let context;
let profile;
const pageErrors = [];

before(async () => {
  server = await startServer();
  profile = await mkdtemp(join(tmpdir(), "weft-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Nothing but the test server may be reached.
  await context.route("**/*", (route) =>
    new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort(),
  );
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
});

async function openPage() {
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`${server.url}/test/browser/page.html`);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

const json = (page) => page.evaluate(() => JSON.stringify(window.doc.toJSON()));

test("two pages editing one document converge through BroadcastChannel", { timeout: 60_000 }, async () => {
  const [one, two] = [await openPage(), await openPage()];
  const start = () => {
    window.doc = new window.weft.Doc();
    window.sync = new window.weft.BroadcastSync(window.doc, "shared-notes");
  };
  await one.evaluate(start);
  await one.evaluate(() => window.doc.getText("notes").insert(0, "from one"));
  await two.evaluate(start); // joins late: catches up through the hello
  await two.waitForFunction(() => window.doc.getText("notes").toString() === "from one");
  await Promise.all([
    one.evaluate(() => {
      window.doc.getText("notes").insert(0, "[1] ");
      window.doc.getCounter("edits").increment();
    }),
    two.evaluate(() => {
      // At the end of the text, whether or not one's "[1] " has already arrived here: the
      // expected result must not depend on how the two evaluations interleave.
      const notes = window.doc.getText("notes");
      notes.insert(notes.length, " and two 😀");
      window.doc.getCounter("edits").increment();
    }),
  ]);
  const expected = { edits: 2, notes: "[1] from one and two 😀" };
  for (const page of [one, two]) {
    await page.waitForFunction((want) => JSON.stringify(window.doc.toJSON()) === want, JSON.stringify(expected));
  }
  assert.deepEqual(JSON.parse(await json(one)), expected);
  await one.close();
  await two.close();
});

test("a reloaded page finds its edits in IndexedDB (incremental updates, then compaction)", { timeout: 60_000 }, async () => {
  const page = await openPage();
  const before = await page.evaluate(async () => {
    const store = await window.weft.IndexedDbPersistence.open("draft", { compactAfter: 8 });
    const text = store.doc.getText("draft");
    for (const word of "one two three four five six seven eight nine ten eleven".split(" ")) {
      text.insert(text.length, word + " ");
    }
    store.doc.getList("tags").push("saved");
    await store.flush();
    return { id: store.doc.replicaId, json: JSON.stringify(store.doc.toJSON()) };
  });
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  const afterReload = await page.evaluate(async () => {
    const store = await window.weft.IndexedDbPersistence.open("draft", { compactAfter: 8 });
    store.doc.getText("draft").insert(0, "> ");
    await store.close();
    const again = await window.weft.IndexedDbPersistence.open("draft");
    return { id: again.doc.replicaId, json: JSON.stringify(again.doc.toJSON()) };
  });
  const expected = JSON.parse(before.json);
  expected.draft = "> " + expected.draft;
  assert.deepEqual(JSON.parse(afterReload.json), expected);
  assert.equal(afterReload.id, before.id, "a reload continues the same replica");
  await page.close();
});

test("two tabs open at once never share a replica id, and reuse theirs next time", async () => {
  const open = async (page) =>
    page.evaluate(async () => {
      window.store = await window.weft.IndexedDbPersistence.open("tabs");
      window.store.doc.getList("seen").push(window.store.doc.replicaId);
      await window.store.flush();
      return window.store.doc.replicaId;
    });
  const [one, two] = [await openPage(), await openPage()];
  const first = await open(one);
  const second = await open(two);
  assert.notEqual(first, second, "a live tab's id is not handed to another");
  await one.close();
  await two.evaluate(() => window.store.close());
  // Both ids are free again: a new tab takes one of them rather than a third.
  const three = await openPage();
  const third = await open(three);
  assert.ok([first, second].includes(third), `${third} is one of ${first}, ${second}`);
  const seen = await three.evaluate(() => window.store.doc.toJSON().seen);
  assert.deepEqual(new Set(seen), new Set([first, second, third]));
  await two.close();
  await three.close();
});

test("a page that edited offline converges when it reconnects (WebSocket, backoff, resume)", { timeout: 60_000 }, async () => {
  const [one, two] = [await openPage(), await openPage()];
  const start = (url) => {
    window.doc = new window.weft.Doc();
    window.sync = new window.weft.WebSocketSync(window.doc, url, { minDelay: 50, maxDelay: 400, timeout: 500 });
  };
  await one.evaluate(start, server.syncUrl("offline"));
  await two.evaluate(start, server.syncUrl("offline"));
  await one.evaluate(() => window.doc.getList("todo").push("buy milk"));
  await two.waitForFunction(() => window.doc.getList("todo").length === 1);

  server.pause(); // the network goes down
  await one.waitForFunction(() => window.sync.status === "offline");
  await one.evaluate(() => {
    window.doc.getList("todo").push("written offline");
    window.doc.getText("title").insert(0, "Offline edits");
  });
  await two.evaluate(() => window.doc.getList("todo").insert(0, "meanwhile"));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await two.evaluate(() => window.doc.getList("todo").length), 2);
  server.resume();

  const expected = { title: "Offline edits", todo: ["meanwhile", "buy milk", "written offline"] };
  for (const page of [one, two]) {
    await page.waitForFunction(
      (want) => JSON.stringify(window.doc.toJSON()) === want && window.sync.isIdle,
      JSON.stringify(expected),
      { timeout: 20_000 },
    );
  }
  assert.deepEqual(server.doc("offline").toJSON(), expected);
  await one.evaluate(() => window.sync.close());
  await two.evaluate(() => window.sync.close());
  await one.close();
  await two.close();
});

test("malformed input from JS throws a typed error and leaves the document unchanged", { timeout: 60_000 }, async () => {
  const page = await openPage();
  const results = await page.evaluate(() => {
    const { Doc, isWeftError } = window.weft;
    const doc = new Doc();
    doc.getText("t").insert(0, "safe 😀");
    doc.getList("l").push(1);
    const snapshot = () => JSON.stringify([doc.toJSON(), doc.version, doc.digest()]);
    const before = snapshot();
    const good = doc.exportDelta();
    const flipped = good.slice();
    flipped[flipped.length >> 1] ^= 0x10;
    const attempts = {
      garbage: () => doc.applyDelta(new Uint8Array([0, 1, 2, 3])),
      truncated: () => doc.applyDelta(good.slice(0, good.length - 3)),
      flipped: () => doc.applyDelta(flipped),
      position: () => doc.getText("t").insert(99, "x"),
      surrogate: () => doc.getText("t").insert(6, "x"),
      value: () => doc.getList("l").push({ not: () => "a value" }),
      kind: () => doc.getMap("t"),
      load: () => Doc.load(new Uint8Array([1, 2, 3])),
    };
    const out = {};
    for (const [name, attempt] of Object.entries(attempts)) {
      try {
        attempt();
        out[name] = "no error";
      } catch (error) {
        out[name] = {
          code: error.code,
          error: error instanceof Error,
          range: error instanceof RangeError,
          weft: isWeftError(error),
          unchanged: snapshot() === before,
        };
      }
    }
    doc.getText("t").insert(0, "still works: ");
    out.after = doc.getText("t").toString();
    return out;
  });
  const expect = (code, range = false) => ({ code, error: true, range, weft: true, unchanged: true });
  assert.deepEqual(results, {
    garbage: expect("WEFT_DECODE"),
    truncated: expect("WEFT_DECODE"),
    flipped: expect("WEFT_DECODE"),
    position: expect("WEFT_POSITION", true),
    surrogate: expect("WEFT_POSITION", true),
    value: expect("WEFT_INVALID_VALUE"),
    kind: expect("WEFT_WRONG_KIND"),
    load: expect("WEFT_DECODE"),
    after: "still works: safe 😀",
  });
  await page.close();
});

test("JSON values, iterators and observers with origins in the browser", { timeout: 60_000 }, async () => {
  const page = await openPage();
  const result = await page.evaluate(() => {
    const { Doc } = window.weft;
    const alice = new Doc();
    const bob = new Doc();
    const list = alice.getList("todos");
    list.push("milk", { text: "eggs", done: false }, [1, 2]);
    alice.getMap("prefs").set("editor", { wrap: true, tabs: [2, 4] });
    bob.applyDelta(alice.exportDelta(bob.version), "sync");
    const heard = [];
    bob.getList("todos").observe((events) => heard.push(...events));
    const deep = [];
    bob.getMap("prefs").observeDeep((events) => deep.push(...events));
    const binding = { name: "binding" };
    alice.transact(() => {
      list.insert(1, "bread");
      alice.getMap("prefs").getMap("editor").set("wrap", false);
    }, binding);
    bob.applyDelta(alice.exportDelta(bob.version), "sync");
    const own = [];
    bob.getList("todos").observe((events) => own.push(...events.map((event) => [event.origin === binding, event.local])));
    bob.transact(() => bob.getList("todos").push("jam"), binding);
    return {
      json: bob.toJSON(),
      elements: [...bob.getList("todos")],
      entries: [...bob.getMap("prefs")],
      heard: heard.map(({ type, delta, origin, local }) => ({ type, delta, origin, local })),
      deep: deep.map(({ path, type, changes, origin }) => ({ path, type, changes, origin })),
      own,
    };
  });
  assert.deepEqual(result.json, {
    prefs: { editor: { tabs: [2, 4], wrap: false } },
    todos: ["milk", "bread", { done: false, text: "eggs" }, [1, 2], "jam"],
  });
  assert.deepEqual(result.elements, result.json.todos);
  assert.deepEqual(result.entries, [["editor", { tabs: [2, 4], wrap: false }]]);
  assert.deepEqual(result.heard.slice(0, 1), [
    { type: "list", delta: [{ retain: 1 }, { insert: ["bread"] }], origin: "sync", local: false },
  ]);
  assert.deepEqual(result.deep, [
    {
      path: ["prefs", "editor"],
      type: "map",
      changes: [{ key: "wrap", action: "update", oldValue: true, newValue: false }],
      origin: "sync",
    },
  ]);
  assert.deepEqual(result.own, [[true, true]]);
  await page.close();
});

test("presence between tabs: each sees the other, and a closed tab leaves at once", { timeout: 60_000 }, async () => {
  const [one, two] = [await openPage(), await openPage()];
  const start = (name) => {
    window.doc = new window.weft.Doc();
    window.presence = new window.weft.Presence(window.doc);
    window.presence.setLocal({ user: { name } });
    window.sync = new window.weft.BroadcastSync(window.doc, "presence-tabs", { presence: window.presence });
    window.changes = [];
    window.presence.on("change", (change) => window.changes.push(change));
  };
  await one.evaluate(start, "one");
  await two.evaluate(start, "two");
  const names = (page) =>
    page.evaluate(() => [...window.presence.getStates().values()].map((state) => state.user.name).sort());
  for (const page of [one, two]) {
    await page.waitForFunction(() => window.presence.getStates().size === 2);
    assert.deepEqual(await names(page), ["one", "two"]);
  }
  const twoId = await two.evaluate(() => window.presence.clientId);
  await two.evaluate(() => window.presence.setLocal({ user: { name: "two" }, cursor: 4 }));
  await one.waitForFunction((id) => window.presence.getStates().get(id)?.cursor === 4, twoId);
  // Closing runs pagehide: the leave is sent then, long before the 30 s timeout.
  const closedAt = Date.now();
  await two.close({ runBeforeUnload: true });
  await one.waitForFunction((id) => !window.presence.getStates().has(id), twoId, { timeout: 10_000 });
  assert.ok(Date.now() - closedAt < 10_000);
  assert.deepEqual(
    await one.evaluate(() => window.changes.filter((change) => change.removed.length > 0)),
    [{ added: [], updated: [], removed: [twoId], local: false }],
  );
  await one.close();
});

test("rich text between two tabs: concurrent bold and italic over overlapping ranges converge", { timeout: 60_000 }, async () => {
  const [one, two] = [await openPage(), await openPage()];
  const start = () => {
    window.doc = new window.weft.Doc();
    window.sync = new window.weft.BroadcastSync(window.doc, "rich-tabs");
  };
  await one.evaluate(start);
  await one.evaluate(() => window.doc.getText("rich").insert(0, "The fox jumped."));
  await two.evaluate(start);
  await two.waitForFunction(() => window.doc.getText("rich").toString() === "The fox jumped.");
  // Both format at once; whichever mark arrives first, the runs end the same.
  await Promise.all([
    one.evaluate(() => window.doc.getText("rich").mark(0, 7, "bold")),
    two.evaluate(() => window.doc.getText("rich").mark(4, 10, "italic")),
  ]);
  const expected = JSON.stringify([
    { insert: "The ", attributes: { bold: true } },
    { insert: "fox", attributes: { bold: true, italic: true } },
    { insert: " jumped", attributes: { italic: true } },
    { insert: "." },
  ]);
  for (const page of [one, two]) {
    await page.waitForFunction((want) => JSON.stringify(window.doc.getText("rich").toDelta()) === want, expected);
  }
  await Promise.all([one.close(), two.close()]);
});
