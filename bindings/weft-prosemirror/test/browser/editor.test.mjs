// The binding in headless Chromium (playwright-core driving /usr/bin/chromium) with real
// EditorViews typed into through the keyboard.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startHarness } from "../../../test-support/browser.mjs";

let harness;

before(async () => {
  harness = await startHarness(chromium, new URL("../../", import.meta.url));
});

after(async () => {
  await harness?.close();
  assert.deepEqual(harness?.pageErrors ?? [], [], "no uncaught errors in the pages");
});

const openPage = () => harness.openPage();

/** Each peer's text runs and editor document (as JSON). */
const states = (page) =>
  page.evaluate(() => window.peers.map((p) => ({ delta: p.text.toDelta(), doc: p.view.state.doc.toJSON() })));

/** Asserts every peer has the same runs and document, equal to `delta` when given. */
async function assertConverged(page, delta) {
  const all = await states(page);
  for (const state of all) {
    assert.deepEqual(state.delta, all[0].delta);
    assert.deepEqual(state.doc, all[0].doc);
  }
  const shown = await page.evaluate(() =>
    window.peers.every((p) => p.view.state.doc.eq(window.weft.textToDoc(p.text))),
  );
  assert.equal(shown, true, "every editor shows its text");
  if (delta) assert.deepEqual(all[0].delta, delta);
  return all[0];
}

test("typing, Enter and Backspace in one editor reach the other", { timeout: 60_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() => window.makePeers(2, { initial: [{ insert: "Shared: \n" }] }));
  await page.evaluate(() => window.selectText(0, 8));
  await page.keyboard.type("hello 😀 wörld");
  await page.keyboard.press("Enter");
  await page.keyboard.type("line two");
  await page.keyboard.press("Backspace");
  await assertConverged(page, [{ insert: "Shared: hello 😀 wörld\nline tw\n" }]);
  assert.equal(await page.locator("#editor-1 .ProseMirror p").nth(1).innerText(), "line tw");
  await page.context().close();
});

test("Mod-b then typing is bold in Weft; Mod-i over a selection is italic", { timeout: 60_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() => window.makePeers(2, { initial: [{ insert: "plain\n" }] }));
  await page.evaluate(() => window.selectText(0, 5));
  await page.keyboard.press("Control+b");
  await page.keyboard.type(" bold");
  await page.evaluate(() => window.selectText(0, 0, 5));
  await page.keyboard.press("Control+i");
  await assertConverged(page, [
    { insert: "plain", attributes: { italic: true } },
    { insert: " bold", attributes: { bold: true } },
    { insert: "\n" },
  ]);
  assert.equal(await page.locator("#editor-1 strong").innerText(), " bold");
  assert.equal(await page.locator("#editor-1 em").innerText(), "plain");
  await page.context().close();
});

test("three editors typing and formatting at once while their deltas are held converge", { timeout: 90_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() => window.makePeers(3, { initial: [{ insert: "The quick brown fox\n" }] }));
  await page.evaluate(() => window.peers.forEach((peer) => (peer.hold = true)));
  // Concurrent bold ("The quick") and italic ("quick brown"), overlapping on "quick".
  await page.evaluate(() => window.selectText(0, 0, 9));
  await page.keyboard.press("Control+b");
  await page.evaluate(() => window.selectText(1, 4, 15));
  await page.keyboard.press("Control+i");
  await page.evaluate(() => window.selectText(2, 19));
  await page.keyboard.type(" jumps");
  const words = ["alpha ", "beta ", "gamma "];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 3; i++) {
      await page.evaluate(({ i, round }) => window.selectText(i, round === 0 ? 0 : window.peers[i].text.length - 1), { i, round });
      await page.keyboard.type(words[i]);
      if ((round + i) % 2 === 0) await page.evaluate((n) => window.peers[n].flush(), i);
    }
  }
  await page.evaluate(() => window.peers.forEach((peer) => peer.flush()));
  const { delta } = await assertConverged(page);
  const plain = delta.map((run) => run.insert).join("");
  for (const word of words) assert.equal(plain.split(word).length - 1, 2, `two "${word}" in ${plain}`);
  const attributesOf = (word) => delta.find((run) => run.insert.includes(word))?.attributes ?? {};
  assert.deepEqual(attributesOf("quick"), { bold: true, italic: true });
  assert.deepEqual(attributesOf("The"), { bold: true });
  assert.deepEqual(attributesOf("brown"), { italic: true });
  await page.context().close();
});

test("Mod-z undoes only this editor's changes; Mod-Shift-z redoes", { timeout: 60_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() =>
    window.makePeers(2, {
      initial: [{ insert: "base\n" }],
      options: (peer, i) => {
        if (i !== 0) return { origin: "editor-1" };
        peer.undo = new window.UndoManager(peer.doc, { scope: [peer.text], trackedOrigins: ["editor-0"] });
        return { origin: "editor-0", undoManager: peer.undo };
      },
    }),
  );
  await page.evaluate(() => window.selectText(0, 4));
  await page.keyboard.type(" mine");
  await page.evaluate(() => window.peers[0].undo.stopCapturing());
  await page.evaluate(() => window.selectText(0, 0, 4));
  await page.keyboard.press("Control+b");
  await page.evaluate(() => window.selectText(1, window.peers[1].text.length - 1));
  await page.keyboard.type(" theirs");
  await assertConverged(page, [{ insert: "base", attributes: { bold: true } }, { insert: " mine theirs\n" }]);
  const selection = () =>
    page.evaluate(() => {
      const { state } = window.peers[0].view;
      return [window.weft.posToIndex(state.doc, state.selection.anchor), window.weft.posToIndex(state.doc, state.selection.head)];
    });
  await page.evaluate(() => window.selectText(0, 16));
  await page.keyboard.press("Control+z");
  await assertConverged(page, [{ insert: "base mine theirs\n" }]);
  // Each undo puts back the selection from before its step: "base" selected, then the caret after it.
  await page.waitForFunction(() => window.weft.posToIndex(window.peers[0].view.state.doc, window.peers[0].view.state.selection.head) === 4);
  assert.deepEqual(await selection(), [0, 4]);
  await page.keyboard.press("Control+z");
  await assertConverged(page, [{ insert: "base theirs\n" }]);
  await page.waitForFunction(() => window.peers[0].view.state.selection.empty);
  assert.deepEqual(await selection(), [4, 4]);
  // Nothing of the other editor's is undone.
  await page.keyboard.press("Control+z");
  await assertConverged(page, [{ insert: "base theirs\n" }]);
  // As a keyboard sends it: Shift makes the key "Z".
  await page.keyboard.press("Control+Shift+Z");
  await assertConverged(page, [{ insert: "base mine theirs\n" }]);
  await page.keyboard.press("Control+Shift+Z");
  await assertConverged(page, [{ insert: "base", attributes: { bold: true } }, { insert: " mine theirs\n" }]);
  await page.context().close();
});

test("with weft-crdt's Presence, each editor shows the others' carets and selections where they are", { timeout: 60_000 }, async () => {
  const page = await openPage();
  const users = [
    { name: "Ada", color: "#d81b60" },
    { name: "Grace", color: "#1e88e5" },
    { name: "Alan", color: "#43a047" },
  ];
  await page.evaluate((users) => {
    window.makePeers(3, {
      initial: [{ insert: "alpha beta gamma\n" }, { insert: "second" }, { insert: "\n", attributes: { list: "bullet" } }],
      options: (peer, i) => {
        peer.presence = new window.Presence(peer.doc);
        return { origin: `editor-${i}`, presence: peer.presence, user: users[i] };
      },
    });
    window.linkPresences(window.peers.map((peer) => peer.presence));
  }, users);
  // No editor has been entered yet: nobody shows a caret.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  assert.equal(await page.locator(".weft-pm-caret").count(), 0);
  // Ada's caret after "alpha", Grace selects "beta", Alan's caret after "sec" in the list.
  await page.evaluate(() => {
    window.selectText(0, 5);
    window.selectText(1, 6, 10);
    window.selectText(2, 20);
  });
  const ids = await page.evaluate(() => window.peers.map((peer) => peer.presence.clientId));
  const carets = (i) =>
    page.evaluate(
      (i) =>
        [...document.querySelectorAll(`#editor-${i} .weft-pm-caret`)].map((caret) => {
          const { view } = window.peers[i];
          return [caret.dataset.client, window.weft.posToIndex(view.state.doc, view.posAtDOM(caret, 0)), caret.textContent];
        }),
      i,
    );
  const heads = [5, 10, 20];
  for (const i of [0, 1, 2]) {
    await page.waitForFunction((i) => document.querySelectorAll(`#editor-${i} .weft-pm-caret`).length === 2, i);
    const expected = [0, 1, 2].filter((j) => j !== i).map((j) => [ids[j], heads[j], users[j].name]);
    assert.deepEqual((await carets(i)).sort(), expected.sort());
  }
  for (const i of [0, 2]) {
    assert.equal(await page.textContent(`#editor-${i} .weft-pm-selection[data-client="${ids[1]}"]`), "beta");
  }
  // Alan types at the start: the others' carets keep to their characters.
  await page.evaluate(() => window.selectText(2, 0));
  await page.keyboard.type(">> ");
  await page.waitForFunction(
    (id) => {
      const caret = document.querySelector(`#editor-1 .weft-pm-caret[data-client="${id}"]`);
      const { view } = window.peers[1];
      return caret && window.weft.posToIndex(view.state.doc, view.posAtDOM(caret, 0)) === 8;
    },
    ids[0],
  );
  // Grace leaves: her caret and selection go from the other editors.
  await page.evaluate(() => window.peers[1].presence.destroy());
  for (const i of [0, 2]) {
    await page.waitForFunction(({ i, id }) => !document.querySelector(`#editor-${i} [data-client="${id}"]`), { i, id: ids[1] });
  }
  await page.context().close();
});
