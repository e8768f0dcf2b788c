// What the end-to-end tests share: one headless Chromium (playwright-core driving
// /usr/bin/chromium), pages of the board each in its own browser context, and waiting for
// pages to be synced and to converge.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Launches the headless Chromium the tests drive. */
export async function launchBrowser() {
  // `launch` gives every run a fresh, temporary profile (user data directory).
  return chromium.launch({
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
}

/** Every uncaught error of the pages `openBoard` opened. */
export const pageErrors = [];

/** A page of the board in its own browser context (its own IndexedDB, no shared tabs). */
export async function openBoard(browser, url, { context, board = "board" } = {}) {
  const owner = context ?? (await browser.newContext());
  // Nothing but the test server may be reached.
  await owner.route("**/*", (route) =>
    new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort(),
  );
  const page = await owner.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`${url}?doc=${board}`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

/** The page's document as JSON text. */
export const state = (page) => page.evaluate(() => JSON.stringify(window.weftDemo.doc.toJSON()));

/** Waits until the page is online and has nothing unsent. */
export async function waitSynced(page) {
  await page.waitForFunction(() => window.weftDemo.online && window.weftDemo.synced, null, {
    timeout: 20_000,
  });
}

/** Waits until every page has the same document and `check` holds of it; returns it. */
export async function converge(pages, check = () => true) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const states = await Promise.all(pages.map(state));
    if (states.every((s) => s === states[0]) && check(JSON.parse(states[0]))) return JSON.parse(states[0]);
    if (Date.now() > deadline) assert.fail(`pages did not converge:\n${states.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
