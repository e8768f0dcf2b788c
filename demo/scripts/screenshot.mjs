// Takes the README's screenshot of the demo (docs/demo.png): the server on 127.0.0.1, one
// headless Chromium page with a board filled in. Run after demo/scripts/build.sh:
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
  const page = await browser.newPage({ viewport: { width: 1100, height: 600 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}?doc=team-board`);
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#note .cm-content");
  await page.keyboard.type(
    "Planning for Friday's release.\nEveryone edits this note at once; offline edits merge when you reconnect.",
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
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: output, fullPage: true });
  console.log(`screenshot: ${output}`);
} finally {
  await browser.close();
  await server.close();
}
