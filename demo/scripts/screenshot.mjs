// Takes the README's screenshot of the demo (docs/demo.png): the server on 127.0.0.1 and three
// headless Chromium pages (three people) on one board; the screenshot is of the first, showing
// the two others' carets (one with a selection) in the note and everyone in "who is here". Run after
// demo/scripts/build.sh:
//   node demo/scripts/screenshot.mjs
import { rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../tests/support/server.mjs";

const output = resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/demo.png");
const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const open = async (name) => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 640 }, deviceScaleFactor: 1 });
    await page.goto(`${server.url}?doc=team-board`);
    await page.waitForSelector("body[data-ready=true]");
    await page.fill("#user-name", name);
    return page;
  };
  const page = await open("Ada");
  const other = await open("Grace");
  const third = await open("Alan");
  await page.click("#note .cm-content");
  await page.keyboard.type(
    "Planning for Friday's release.\nEveryone edits this note at once; offline edits merge when you reconnect.",
  );
  // The rich note, as a delta (what the toolbar and typing would make).
  await page.evaluate(() =>
    window.weftDemo.doc.getText("richNote").applyDelta([
      { insert: "Release checklist" },
      { insert: "\n", attributes: { heading: 1 } },
      { insert: "Everything " },
      { insert: "merged", attributes: { bold: true } },
      { insert: " by Thursday ships on " },
      { insert: "Friday", attributes: { italic: true } },
      { insert: "; see the " },
      { insert: "plan", attributes: { link: "https://weft.example/plan" } },
      { insert: ".\n" },
      { insert: "Write the release notes" },
      { insert: "\n", attributes: { list: "bullet" } },
      { insert: "Try it offline, then reconnect" },
      { insert: "\n", attributes: { list: "bullet" } },
    ]),
  );
  for (const todo of ["Write the release notes", "Check the offline mode", "Book the demo room"]) {
    await page.fill("#todo-text", todo);
    await page.click("#todo-form button");
  }
  await page.check("#todo-list li:nth-child(2) input[type=checkbox]");
  for (const tag of ["release", "urgent", "team"]) {
    await page.fill("#tag-text", tag);
    await page.click("#tag-form button");
  }
  for (let i = 0; i < 3; i++) await page.click("#like");
  await page.waitForFunction(() => document.getElementById("sync").dataset.state === "synced");
  // Ada's caret after "release"; Grace selects "offline edits".
  await page.evaluate(() => {
    const { view } = window.weftDemo.editor;
    const at = view.state.doc.toString().indexOf(" release") + " release".length;
    view.focus();
    view.dispatch({ selection: { anchor: at } });
  });
  await other.waitForFunction(() => window.weftDemo.editor.view.state.doc.toString().includes("offline edits"));
  await other.evaluate(() => {
    const { view } = window.weftDemo.editor;
    const from = view.state.doc.toString().indexOf("offline edits");
    view.focus();
    view.dispatch({ selection: { anchor: from, head: from + "offline edits".length } });
  });
  await third.waitForFunction(() => window.weftDemo.editor.view.state.doc.toString().includes("Friday"));
  await third.evaluate(() => {
    const { view } = window.weftDemo.editor;
    view.focus();
    view.dispatch({ selection: { anchor: view.state.doc.toString().indexOf("Friday") } });
  });
  // In the rich note, Grace selects "Friday" and Alan's caret is in the list.
  const richText = await page.evaluate(() => window.weftDemo.doc.getText("richNote").toString());
  await other.waitForFunction((want) => window.weftDemo.doc.getText("richNote").toString() === want, richText);
  await third.waitForFunction((want) => window.weftDemo.doc.getText("richNote").toString() === want, richText);
  const friday = richText.indexOf("Friday");
  await other.evaluate((at) => window.weftDemo.richEditor.select(at, at + "Friday".length), friday);
  const offline = richText.indexOf("offline");
  await third.evaluate((at) => window.weftDemo.richEditor.select(at), offline);
  await page.waitForFunction(() => document.querySelectorAll("#rich-note .weft-pm-caret").length === 2);
  await page.waitForSelector("#note .cm-weft-selection");
  await page.waitForFunction(() => document.querySelectorAll("#note .cm-weft-caret").length === 2);
  await page.waitForFunction(() => document.querySelectorAll("#people li").length === 3);
  await page.screenshot({ path: output, fullPage: true });
  console.log(`screenshot: ${output}`);
} finally {
  await browser.close();
  await server.close();
}
