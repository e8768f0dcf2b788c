// The note as a collaborative editor, end to end: the weft-server binary on 127.0.0.1 and two
// or three headless Chromium pages typing into one note at once, seeing each other's cursors,
// undoing only their own typing (online and offline), and leaving.
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

const clientId = (page) => page.evaluate(() => window.weftDemo.presence.clientId);

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
      await page.evaluate((label) => {
        const { view } = window.weftDemo.editor;
        view.focus();
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
    // The first page undoes (Mod-z) while the others type, one at the start and one at the
    // end (two pages typing at one place at once may see part of each other's word first).
    await Promise.all([
      (async () => {
        await pages[0].click("#note .cm-content");
        await pages[0].keyboard.press("Control+z");
      })(),
      typeInNote(pages[1], "[two again] ", { at: "start" }),
      typeInNote(pages[2], "[three again] "),
    ]);
    const note = await convergeNote(pages, (note) => note.includes("[two again] ") && note.includes("[three again] ") && !note.includes("[one]"));
    assert.equal(note.length, "[two again] [two] [three] [three again] ".length);
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

test("each page sees the others' cursors, with their names, where they are", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const pages = await openPages(server, 3, "cursors");
    await typeInNote(pages[0], "alpha beta gamma");
    await convergeNote(pages, (note) => note === "alpha beta gamma");
    // The first page's caret after "alpha", the second selects "beta", the third at the end:
    // each page's editor selection, set as a click or arrow keys would.
    const selections = [{ anchor: 5, head: 5 }, { anchor: 6, head: 10 }, { anchor: 16, head: 16 }];
    for (const [i, page] of pages.entries()) {
      await page.evaluate((selection) => {
        const { view } = window.weftDemo.editor;
        view.focus();
        view.dispatch({ selection });
      }, selections[i]);
    }
    const expected = [];
    for (const [i, page] of pages.entries()) {
      expected.push({ id: await clientId(page), name: await page.inputValue("#user-name"), head: selections[i].head });
    }
    for (const [i, page] of pages.entries()) {
      for (const [j, other] of expected.entries()) {
        if (i === j) continue;
        const caret = `#note .cm-weft-caret[data-client="${other.id}"]`;
        await page.waitForFunction(
          ({ caret, head }) => {
            const element = document.querySelector(caret);
            return element && window.weftDemo.editor.view.posAtDOM(element) === head;
          },
          { caret, head: other.head },
          { timeout: 20_000 },
        );
        assert.equal(await page.textContent(`${caret} .cm-weft-caret-label`), other.name);
      }
      if (i !== 1) {
        const selection = `#note .cm-weft-selection[data-client="${expected[1].id}"]`;
        assert.equal(await page.textContent(selection), "beta");
      }
      // Nobody's own caret is drawn as someone else's.
      assert.equal(await page.locator(`#note .cm-weft-caret[data-client="${expected[i].id}"]`).count(), 0);
      // Everyone is in the "who is here" list.
      for (const other of expected) await page.waitForSelector(`#people li[data-client="${other.id}"]`);
    }
    // Typing before a cursor moves it with its character.
    await pages[2].keyboard.press("Control+Home");
    await pages[2].keyboard.type(">> ");
    await pages[2].waitForFunction(
      (id) => window.weftDemo.editor.view.posAtDOM(document.querySelector(`#note .cm-weft-caret[data-client="${id}"]`)) === 8,
      expected[0].id,
    );
    await convergeNote(pages, (note) => note === ">> alpha beta gamma");
    await closeAll(pages);
  } finally {
    await server.close();
  }
});

test("a closed page disappears from the others' presence", { timeout: 90_000 }, async () => {
  const server = await startServer();
  try {
    const [staying, leaving] = await openPages(server, 2, "leaving");
    await typeInNote(leaving, "I was here");
    const gone = await clientId(leaving);
    await staying.waitForSelector(`#people li[data-client="${gone}"]`);
    await staying.waitForSelector(`#note .cm-weft-caret[data-client="${gone}"]`);
    // At once (the page's leave, or the server seeing its connection close), not after the
    // 30 s timeout.
    await leaving.context().close();
    await staying.waitForSelector(`#people li[data-client="${gone}"]`, { state: "detached", timeout: 10_000 });
    assert.equal(await staying.locator(`#note .cm-weft-caret[data-client="${gone}"]`).count(), 0);
    await closeAll([staying]);
  } finally {
    await server.close();
  }
});
