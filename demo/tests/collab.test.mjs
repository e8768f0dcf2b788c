// The note as a collaborative editor, end to end: the weft-server binary on 127.0.0.1 and two
// or three headless Chromium pages typing into one note at once and undoing only their own
// typing (online and offline).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { converge, launchBrowser, openBoard, pageErrors, waitSynced } from "./support/board.mjs";
import { startServer } from "./support/server.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(pageErrors, [], "no uncaught errors in the pages");
});

/** Opens `count` pages of one board on the server, each synced. */
async function openPages(server, count, board) {
  const pages = [];
  for (let i = 0; i < count; i++) pages.push(await openBoard(browser, server.url, { board }));
  await Promise.all(pages.map(waitSynced));
  return pages;
}

/** What the page's editor shows. */
const shown = (page) => page.evaluate(() => window.weftDemo.editor.view.state.doc.toString());

/** Types `text` into the page's note, at its end (or its start). */
async function typeInNote(page, text, { at = "end" } = {}) {
  await page.click("#note .cm-content");
  await page.keyboard.press(at === "end" ? "Control+End" : "Control+Home");
  await page.keyboard.type(text);
}

/** Waits until every page's note is the same and `check` holds of it; the note. */
async function convergeNote(pages, check) {
  const board = await converge(pages, (s) => typeof s.note === "string" && check(s.note));
  for (const page of pages) assert.equal(await shown(page), board.note, "the editor shows the note");
  return board.note;
}

async function closeAll(pages) {
  for (const page of pages) await page.context().close();
}

test("two, then three pages typing into the note at once converge", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const pages = await openPages(server, 2, "typing");
    await Promise.all([typeInNote(pages[0], "one types here. "), typeInNote(pages[1], "two types there. ", { at: "start" })]);
    await convergeNote(pages, (note) => note.includes("one types here. ") && note.includes("two types there. "));
    pages.push(await openBoard(browser, server.url, { board: "typing" }));
    await waitSynced(pages[2]);
    // A line for each page; each puts its caret at the end of its line, then all three type
    // at once (each word stays whole: a caret keeps to the characters around it).
    await typeInNote(pages[0], "\n1:\n2:\n3:");
    await convergeNote(pages, (note) => note.endsWith("\n1:\n2:\n3:"));
    for (const [i, page] of pages.entries()) {
      await page.click("#note .cm-content");
      await page.evaluate((label) => {
        const { view } = window.weftDemo.editor;
        view.dispatch({ selection: { anchor: view.state.doc.toString().indexOf(label) + label.length } });
      }, `${i + 1}:`);
    }
    const words = ["[alpha]", "[beta]", "[gamma]"];
    await Promise.all(pages.map((page, i) => page.keyboard.type(words[i].repeat(3))));
    const note = await convergeNote(pages, (note) => words.every((word) => note.includes(word.repeat(3))));
    assert.match(note, /\n1:(\[alpha\]){3}\n2:(\[beta\]){3}\n3:(\[gamma\]){3}$/);
    await closeAll(pages);
  } finally {
    await server.close();
  }
});

test("undo on one page removes only that page's typing while the others keep typing", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const pages = await openPages(server, 3, "undo");
    await typeInNote(pages[1], "[two] ");
    await typeInNote(pages[0], "[one] ");
    await typeInNote(pages[2], "[three] ");
    await convergeNote(pages, (note) => ["[one] ", "[two] ", "[three] "].every((part) => note.includes(part)));
    // The first page undoes (Mod-z) while the others type.
    await Promise.all([
      (async () => {
        await pages[0].click("#note .cm-content");
        await pages[0].keyboard.press("Control+z");
      })(),
      typeInNote(pages[1], "[two again] "),
      typeInNote(pages[2], "[three again] "),
    ]);
    const note = await convergeNote(pages, (note) => note.includes("[two again] ") && note.includes("[three again] ") && !note.includes("[one]"));
    assert.equal(note.length, "[two] [three] [two again] [three again] ".length);
    // Redo (the button) brings it back; the others' typing stays.
    await pages[0].click("#redo");
    await convergeNote(pages, (note) => note.includes("[one] ") && note.includes("[two again] "));
    await closeAll(pages);
  } finally {
    await server.close();
  }
});

test("a page offline keeps editing, undoes, reconnects and converges", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const [online, traveller] = await openPages(server, 2, "offline-undo");
    await typeInNote(online, "Shared start. ");
    await convergeNote([online, traveller], (note) => note === "Shared start. ");
    await traveller.check("#work-offline");
    await traveller.waitForFunction(() => !window.weftDemo.online);
    await typeInNote(traveller, "kept offline. ");
    await traveller.evaluate(() => window.weftDemo.undoManager.stopCapturing());
    await typeInNote(traveller, "undone offline. ");
    await traveller.keyboard.press("Control+z");
    assert.equal(await shown(traveller), "Shared start. kept offline. ");
    await typeInNote(online, "Typed online meanwhile. ", { at: "start" });
    await traveller.uncheck("#work-offline");
    await waitSynced(traveller);
    const note = await convergeNote(
      [online, traveller],
      (note) => note.includes("kept offline. ") && note.includes("Typed online meanwhile. "),
    );
    assert.equal(note, "Typed online meanwhile. Shared start. kept offline. ");
    await closeAll([online, traveller]);
  } finally {
    await server.close();
  }
});
