// The automerge-paper benchmark of bench.mjs in headless Chromium (playwright-core driving
// /usr/bin/chromium, pages served from 127.0.0.1): apply, encoded size and load for Weft,
// yjs, loro-crdt and @automerge/automerge in the same page. Memory is not measured here.
//
//   node bench/browser.mjs [runs]     (from bindings/npm, after the build)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { loadTrace } from "./bench.mjs";
import { startServer } from "../test/support/server.mjs";

const runs = Number(process.argv[2] ?? 5);
const trace = loadTrace();
const server = await startServer({ nodeModules: true });
const profile = await mkdtemp(join(tmpdir(), "weft-bench-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  await context.route("**/*", (route) =>
    new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort(),
  );
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(`${server.url}/bench/browser.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
  const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  console.log(`automerge-paper: ${trace.patches.length} patches, median of ${runs} runs, Chromium ${version}`);
  const rows = [];
  for (const name of ["weft", "yjs", "loro", "automerge"]) {
    rows.push(
      await page.evaluate(([name, patches, end, runs]) => window.measure(name, patches, end, runs), [
        name,
        trace.patches,
        trace.end,
        runs,
      ]),
    );
    console.error(`${name}: done`);
  }
  const weft = rows[0];
  const ratio = (value, base) => `${(value / base).toFixed(2)}×`;
  console.log("| library | apply | ÷ weft | encoded | ÷ weft | load | ÷ weft |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${row.apply.toFixed(1)} ms | ${ratio(row.apply, weft.apply)} | ${(row.size / 1024).toFixed(1)} KiB | ${ratio(row.size, weft.size)} | ${row.load.toFixed(1)} ms | ${ratio(row.load, weft.load)} |`,
    );
  }
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}
