// The demo app end to end: the weft-server binary serving the demo on 127.0.0.1 and 2–3 headless
// Chromium pages (playwright-core driving /usr/bin/chromium) editing one notes board.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { converge, launchBrowser, openBoard as open, pageErrors, state, waitSynced } from "./support/board.mjs";
import { startServer } from "./support/server.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
});

const openBoard = (url, options) => open(browser, url, options);

async function addTodo(page, text) {
  await page.fill("#todo-text", text);
  await page.click("#todo-form button");
}

async function addTag(page, text) {
  await page.fill("#tag-text", text);
  await page.click("#tag-form button");
}

test("edits in three browsers converge through the server", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const pages = [await openBoard(server.url), await openBoard(server.url), await openBoard(server.url)];
    await Promise.all(pages.map(waitSynced));
    // Concurrent edits of every kind.
    await pages[0].click("#note .cm-content");
    await pages[0].keyboard.type("Hello from one. ");
    await addTodo(pages[1], "buy milk");
    await addTag(pages[2], "urgent");
    await Promise.all(pages.map((page) => page.click("#like")));
    await pages[2].click("#note .cm-content");
    await pages[2].keyboard.type("And three.");
    const board = await converge(
      pages,
      (s) => s.likes === 3 && s.todos?.length === 1 && s.tags?.length === 1 && s.note?.length > 20,
    );
    assert.deepEqual(board.todos, [{ done: false, text: "buy milk" }]);
    assert.deepEqual(board.tags, ["urgent"]);
    assert.match(board.note, /Hello from one\./);
    assert.match(board.note, /And three\./);
    // What the page shows is the document.
    assert.equal(await pages[1].evaluate(() => window.weftDemo.editor.view.state.doc.toString()), board.note);
    assert.equal(await pages[0].textContent("#like-count"), "3");
    // A todo ticked in one browser is ticked in the others.
    await pages[2].check("#todo-list input[type=checkbox]");
    await converge(pages, (s) => s.todos?.[0]?.done === true);
    for (const page of pages) await page.context().close();
  } finally {
    await server.close();
  }
});

test("the server restarts and nothing acknowledged is lost", { timeout: 90_000 }, async () => {
  let server = await startServer();
  const { dataDir, address } = server;
  try {
    const writer = await openBoard(server.url);
    await waitSynced(writer);
    await addTodo(writer, "survive a restart");
    await writer.click("#like");
    await waitSynced(writer); // acknowledged: durable on the server
    const acknowledged = await state(writer);

    await server.stop();
    await writer.waitForFunction(() => !window.weftDemo.online);
    server = await startServer({ dataDir, address }); // same port: the page reconnects
    await waitSynced(writer);

    const reader = await openBoard(server.url);
    await waitSynced(reader);
    assert.equal(await state(reader), acknowledged);
    // Both keep working after the restart.
    await addTag(reader, "after-restart");
    await converge([writer, reader], (s) => s.tags?.includes("after-restart"));
    await writer.context().close();
    await reader.context().close();
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test("a page offline for a while converges when it comes back", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const online = await openBoard(server.url);
    const traveller = await openBoard(server.url);
    await Promise.all([waitSynced(online), waitSynced(traveller)]);

    await traveller.check("#work-offline");
    await traveller.waitForFunction(() => !window.weftDemo.online);
    await addTodo(traveller, "written offline");
    await traveller.click("#like");
    await addTodo(online, "written online");
    await online.click("#like");
    // Offline, the traveller's changes stay in its browser: a reload keeps them (IndexedDB).
    await traveller.evaluate(() => window.weftDemo.persistence.flush());
    await traveller.reload();
    await traveller.waitForSelector("body[data-ready=true]");
    const kept = JSON.parse(await state(traveller));
    assert.deepEqual(kept.todos.map((todo) => todo.text), ["written offline"]);
    assert.equal(await traveller.textContent("#connection"), "offline");

    await traveller.uncheck("#work-offline");
    await waitSynced(traveller);
    const board = await converge([online, traveller], (s) => s.likes === 2 && s.todos?.length === 2);
    assert.deepEqual(board.todos.map((todo) => todo.text).sort(), ["written offline", "written online"]);
    await online.context().close();
    await traveller.context().close();
  } finally {
    await server.close();
  }
});

test("tabs of one browser sync with each other without the server", { timeout: 60_000 }, async () => {
  const server = await startServer();
  try {
    const context = await browser.newContext();
    const first = await openBoard(server.url, { context, board: "tabs" });
    await first.check("#work-offline");
    const second = await openBoard(server.url, { context, board: "tabs" });
    await second.waitForFunction(() => !window.weftDemo.online); // the setting is per browser
    await addTag(first, "from-the-first-tab");
    await second.click("#like");
    const board = await converge([first, second], (s) => s.likes === 1 && s.tags?.length === 1);
    assert.deepEqual(board.tags, ["from-the-first-tab"]);
    await context.close();
  } finally {
    await server.close();
  }
});
