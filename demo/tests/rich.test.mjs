// The rich note end to end: the weft-server binary on 127.0.0.1 and two, then three headless
// Chromium pages typing into and formatting one ProseMirror document at once, converging to
// the same runs (text and marks) and the same document, Peritext's overlapping bold and
// italic among them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, openBoard, pageErrors, waitSynced } from "./support/board.mjs";
import { startServer } from "./support/server.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
});

/** The page's rich note: its runs, its editor's document, and whether that shows the runs. */
const richState = (page) =>
  page.evaluate(() => {
    const { doc, richEditor } = window.weftDemo;
    return { delta: doc.getText("richNote").toDelta(), doc: richEditor.view.state.doc.toJSON() };
  });

/** Waits until every page's rich note is the same and `check` holds of its runs; the runs. */
async function convergeRich(pages, check = () => true) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const states = await Promise.all(pages.map(richState));
    const same = states.every((s) => JSON.stringify(s) === JSON.stringify(states[0]));
    if (same && check(states[0].delta)) return states[0].delta;
    if (Date.now() > deadline) assert.fail(`rich notes did not converge:\n${states.map((s) => JSON.stringify(s.delta)).join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const plain = (delta) => delta.map((run) => run.insert).join("");
const attributesOf = (delta, text) => delta.find((run) => run.insert.includes(text))?.attributes ?? {};

async function openPages(server, count, board) {
  const pages = [];
  for (let i = 0; i < count; i++) pages.push(await openBoard(browser, server.url, { board }));
  await Promise.all(pages.map(waitSynced));
  return pages;
}

test("two, then three pages typing and formatting the rich note at once converge", { timeout: 120_000 }, async () => {
  const server = await startServer();
  try {
    const pages = await openPages(server, 2, "rich");
    await pages[0].click("#rich-note .ProseMirror");
    await pages[0].keyboard.type("The quick brown fox");
    await pages[0].keyboard.press("Enter");
    await pages[0].keyboard.type("second line");
    await convergeRich(pages, (delta) => plain(delta) === "The quick brown fox\nsecond line\n");

    // Peritext: bold over "The quick" on one page, italic over "quick brown" on the other,
    // made while both are offline (so concurrently), then synced.
    await Promise.all(pages.map((page) => page.evaluate(() => window.weftDemo.goOffline())));
    await pages[0].evaluate(() => window.weftDemo.richEditor.select(0, 9));
    await pages[0].keyboard.press("Control+b");
    await pages[1].evaluate(() => window.weftDemo.richEditor.select(4, 15));
    await pages[1].keyboard.press("Control+i");
    await Promise.all(pages.map((page) => page.evaluate(() => window.weftDemo.goOnline())));
    let delta = await convergeRich(pages, (delta) => attributesOf(delta, "quick").bold && attributesOf(delta, "quick").italic);
    assert.deepEqual(delta.slice(0, 4), [
      { insert: "The ", attributes: { bold: true } },
      { insert: "quick", attributes: { bold: true, italic: true } },
      { insert: " brown", attributes: { italic: true } },
      { insert: " fox\nsecond line\n" },
    ]);

    // A third page; all three change the note at once: a heading, a bullet list, typing.
    pages.push(await openBoard(browser, server.url, { board: "rich" }));
    await waitSynced(pages[2]);
    await convergeRich(pages);
    await Promise.all([
      (async () => {
        await pages[0].evaluate(() => window.weftDemo.richEditor.select(2));
        await pages[0].click("#rich-heading");
        await pages[0].evaluate(() => window.weftDemo.richEditor.select(19));
        await pages[0].keyboard.type(" jumps");
      })(),
      (async () => {
        await pages[1].evaluate(() => window.weftDemo.richEditor.select(22));
        await pages[1].click("#rich-bullets");
        await pages[1].evaluate(() => window.weftDemo.richEditor.select(31));
        await pages[1].keyboard.type(" item");
      })(),
      (async () => {
        await pages[2].evaluate(() => window.weftDemo.richEditor.select(20, 31));
        await pages[2].click("#rich-bold");
        await pages[2].evaluate(() => window.weftDemo.richEditor.select(0));
        await pages[2].keyboard.type(">> ");
      })(),
    ]);
    delta = await convergeRich(pages, (delta) => ["jumps", " item", ">> "].every((word) => plain(delta).includes(word)));
    const shown = await Promise.all(
      pages.map((page) =>
        page.evaluate(() => {
          const { view } = window.weftDemo.richEditor;
          return [view.state.doc.child(0).type.name, view.state.doc.child(1).type.name, view.state.doc.child(0).textContent];
        }),
      ),
    );
    for (const blocks of shown) assert.deepEqual(blocks.slice(0, 2), ["heading", "bullet_list"]);
    assert.match(shown[0][2], /^>> The quick brown fox jumps$/);
    assert.deepEqual(attributesOf(delta, "second"), { bold: true });
    for (const page of pages) await page.context().close();
  } finally {
    await server.close();
  }
});

test("Mod-z on one page undoes only that page's formatting in the rich note; carets show names", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const pages = await openPages(server, 2, "rich-undo");
    await pages[0].click("#rich-note .ProseMirror");
    await pages[0].keyboard.type("mine");
    await convergeRich(pages, (delta) => plain(delta) === "mine\n");
    await pages[0].evaluate(() => window.weftDemo.richUndoManager.stopCapturing());
    await pages[1].evaluate(() => window.weftDemo.richEditor.select(4));
    await pages[1].keyboard.type(" theirs");
    await convergeRich(pages, (delta) => plain(delta) === "mine theirs\n");
    await pages[0].evaluate(() => window.weftDemo.richEditor.select(0, 4));
    await pages[0].keyboard.press("Control+b");
    await convergeRich(pages, (delta) => attributesOf(delta, "mine").bold === true);
    await pages[0].keyboard.press("Control+z");
    let delta = await convergeRich(pages, (delta) => !attributesOf(delta, "mine").bold);
    assert.deepEqual(delta, [{ insert: "mine theirs\n" }]);
    await pages[0].keyboard.press("Control+z");
    // Its typing ("mine" and the block's "\n") goes; the other page's stays.
    delta = await convergeRich(pages, (delta) => !plain(delta).includes("mine"));
    assert.deepEqual(delta, [{ insert: " theirs" }]);
    // The other page's caret, with its name, is drawn in this page's rich note.
    const other = await pages[1].evaluate(() => window.weftDemo.presence.clientId);
    const caret = pages[0].locator(`#rich-note .weft-pm-caret[data-client="${other}"]`);
    await caret.waitFor();
    const name = await pages[1].evaluate(() => window.weftDemo.presence.getLocal().user.name);
    assert.equal(await caret.textContent(), name);
    for (const page of pages) await page.context().close();
  } finally {
    await server.close();
  }
});
