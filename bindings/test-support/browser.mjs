// What the editor bindings' Chromium tests share: a static file server for a package folder on
// 127.0.0.1 only, and a headless Chromium (playwright-core, given by the caller, driving
// /usr/bin/chromium) whose pages reach nothing but that server and report every uncaught error.
import http from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
};

/** Serves the folder `root` (a `file:` URL) on a free loopback port; resolves to `{ url, close }`. */
async function startServer(root) {
  const folder = fileURLToPath(root);
  const server = http.createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const file = join(folder, path);
    if (!file.startsWith(folder)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Starts the server over the package folder `root` and a headless Chromium from `chromium`
 * (playwright-core's, which the package depends on). `openPage()` opens `test/browser/page.html`
 * in a fresh context and waits for `window.ready`; `pageErrors` collects what the pages threw
 * or logged as errors.
 */
export async function startHarness(chromium, root) {
  const server = await startServer(root);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const pageErrors = [];
  async function openPage() {
    const context = await browser.newContext();
    await context.route("**/*", (route) =>
      new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(`${server.url}/test/browser/page.html`);
    await page.waitForFunction(() => window.ready === true);
    return page;
  }
  async function close() {
    await browser.close();
    await server.close();
  }
  return { openPage, close, pageErrors };
}
