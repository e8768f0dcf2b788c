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

/** Each peer's editor content and text, as `[[editor, text], ...]`. */
const contents = (page) => page.evaluate(() => window.peers.map((p) => [p.view.state.doc.toString(), p.text.toString()]));

test("typing in one editor reaches the other; both start from a non-empty text", { timeout: 60_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() => window.makePeers(2, { initial: "Shared: " }));
  assert.deepEqual(await contents(page), [["Shared: ", "Shared: "], ["Shared: ", "Shared: "]]);
  await page.click("#editor-0 .cm-content");
  await page.keyboard.press("End");
  await page.keyboard.type("hello 😀 wörld");
  await page.keyboard.press("Enter");
  await page.keyboard.type("line two");
  await page.keyboard.press("Backspace");
  const want = "Shared: hello 😀 wörld\nline tw";
  assert.deepEqual(await contents(page), [[want, want], [want, want]]);
  // What the second editor draws is its document.
  assert.equal(await page.locator("#editor-1 .cm-content").innerText(), want);
  await page.context().close();
});

test("a remote change while the editor is not focused keeps its caret on its text", { timeout: 60_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() => window.makePeers(2, { initial: "abc xyz" }));
  // The first editor's caret after "abc", then the focus goes to the second editor.
  await page.click("#editor-0 .cm-content");
  await page.evaluate(() => window.peers[0].view.dispatch({ selection: { anchor: 3 } }));
  await page.click("#editor-1 .cm-content");
  await page.keyboard.press("Control+Home");
  await page.keyboard.type(">>> ");
  assert.equal(await page.evaluate(() => window.peers[0].view.hasFocus), false);
  assert.equal(await page.evaluate(() => window.peers[0].view.state.selection.main.head), 7);
  // Back in the first editor, typing goes where its caret is.
  await page.evaluate(() => window.peers[0].view.focus());
  await page.keyboard.type("!");
  const want = ">>> abc! xyz";
  assert.deepEqual(await contents(page), [[want, want], [want, want]]);
  await page.context().close();
});

test("three editors typing at once while their deltas are held converge", { timeout: 60_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() => window.makePeers(3, { initial: "[start]" }));
  await page.evaluate(() => window.peers.forEach((peer) => (peer.hold = true)));
  const words = ["alpha ", "beta ", "gamma "];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 3; i++) {
      await page.click(`#editor-${i} .cm-content`);
      await page.keyboard.press(round % 2 ? "Control+Home" : "Control+End");
      await page.keyboard.type(words[i]);
      // Deliver some of what is waiting for this peer mid-way.
      if ((round + i) % 2 === 0) await page.evaluate((n) => window.peers[n].flush(), i);
    }
  }
  await page.evaluate(() => window.peers.forEach((peer) => peer.flush()));
  const [[first]] = await contents(page);
  for (const [editor, text] of await contents(page)) {
    assert.equal(editor, first);
    assert.equal(text, first);
  }
  for (const word of words) assert.equal(first.split(word).length - 1, 3, `three "${word}" in ${first}`);
  assert.match(first, /\[start\]/);
  await page.context().close();
});

test("Mod-z undoes only this editor's typing and puts its selection back; Mod-Shift-z redoes", { timeout: 60_000 }, async () => {
  const page = await openPage();
  await page.evaluate(() =>
    window.makePeers(2, {
      initial: "base",
      options: (peer, i) => {
        if (i !== 0) return { origin: "editor-1" };
        peer.undo = new window.UndoManager(peer.doc, { scope: [peer.text], trackedOrigins: ["editor-0"] });
        return { origin: "editor-0", undoManager: peer.undo };
      },
    }),
  );
  await page.click("#editor-0 .cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type(" mine");
  await page.click("#editor-1 .cm-content");
  await page.keyboard.press("Control+Home");
  await page.keyboard.type("theirs ");
  assert.deepEqual(await contents(page), Array(2).fill(Array(2).fill("theirs base mine")));
  await page.click("#editor-0 .cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Control+z");
  assert.deepEqual(await contents(page), Array(2).fill(Array(2).fill("theirs base")));
  // The caret is where it was before " mine" was typed: after "base".
  assert.equal(await page.evaluate(() => window.peers[0].view.state.selection.main.head), "theirs base".length);
  // As a keyboard sends it: Shift makes the key "Z".
  await page.keyboard.press("Control+Shift+Z");
  assert.deepEqual(await contents(page), Array(2).fill(Array(2).fill("theirs base mine")));
  // Nothing of the other editor's is undone: a second undo finds nothing more to take back.
  await page.keyboard.press("Control+z");
  await page.keyboard.press("Control+z");
  assert.deepEqual(await contents(page), Array(2).fill(Array(2).fill("theirs base")));
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
      initial: "alpha beta gamma",
      options: (peer, i) => {
        peer.presence = new window.Presence(peer.doc);
        return { origin: `editor-${i}`, presence: peer.presence, user: users[i] };
      },
    });
    window.linkPresences(window.peers.map((peer) => peer.presence));
  }, users);
  // No editor has been entered yet: nobody shows a caret.
  assert.deepEqual(await page.evaluate(() => window.peers.map((peer) => "cursor" in (peer.presence.getLocal() ?? {}))), [false, false, false]);
  assert.equal(await page.locator(".cm-weft-caret").count(), 0);
  // Ada's caret after "alpha", Grace selects "beta", Alan's caret at the end; each editor
  // is entered first (one never entered shows no caret to the others).
  await page.evaluate(() => {
    const [ada, grace, alan] = window.peers;
    for (const [peer, selection] of [
      [ada, { anchor: 5 }],
      [grace, { anchor: 6, head: 10 }],
      [alan, { anchor: 16 }],
    ]) {
      peer.view.focus();
      peer.view.dispatch({ selection });
    }
  });
  const ids = await page.evaluate(() => window.peers.map((peer) => peer.presence.clientId));
  const carets = (i) =>
    page.evaluate(
      (i) =>
        [...document.querySelectorAll(`#editor-${i} .cm-weft-caret`)].map((caret) => [
          caret.dataset.client,
          window.peers[i].view.posAtDOM(caret),
          caret.textContent,
        ]),
      i,
    );
  const heads = [5, 10, 16];
  for (const i of [0, 1, 2]) {
    await page.waitForFunction((i) => document.querySelectorAll(`#editor-${i} .cm-weft-caret`).length === 2, i);
    const expected = [0, 1, 2].filter((j) => j !== i).map((j) => [ids[j], heads[j], users[j].name]);
    assert.deepEqual((await carets(i)).sort(), expected.sort());
  }
  for (const i of [0, 2]) {
    assert.equal(await page.textContent(`#editor-${i} .cm-weft-selection[data-client="${ids[1]}"]`), "beta");
  }
  // Alan types at the start: the others' carets keep to their characters.
  await page.evaluate(() => {
    const alan = window.peers[2];
    alan.view.dispatch({ changes: { from: 0, insert: ">> " }, selection: { anchor: 3 } });
  });
  await page.waitForFunction(
    (id) => {
      const caret = document.querySelector(`#editor-1 .cm-weft-caret[data-client="${id}"]`);
      return caret && window.peers[1].view.posAtDOM(caret) === 8;
    },
    ids[0],
  );
  // Grace leaves: her caret and selection go from the other editors.
  await page.evaluate(() => window.peers[1].presence.destroy());
  for (const i of [0, 2]) {
    await page.waitForFunction(
      ({ i, id }) => !document.querySelector(`#editor-${i} [data-client="${id}"]`),
      { i, id: ids[1] },
    );
  }
  await page.context().close();
});
