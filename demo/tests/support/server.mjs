// Starts the weft-server binary on 127.0.0.1 with the demo, for the browser tests and the
// screenshot. The binary is $WEFT_SERVER, else target/debug/weft-server (built by
// demo/scripts/test.sh), under $CARGO_TARGET_DIR if set.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const demo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const root = resolve(demo, "..");

export function serverBinary() {
  if (process.env.WEFT_SERVER) return process.env.WEFT_SERVER;
  const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
  return join(target, "debug", "weft-server");
}

/**
 * Starts the server over a data directory (a fresh one unless given) on `address`
 * (default: a free loopback port). Resolves to `{ url, address, dataDir, stop, kill }`.
 */
export async function startServer({ dataDir, address = "127.0.0.1:0", token } = {}) {
  const directory = dataDir ?? (await mkdtemp(join(tmpdir(), "weft-demo-data-")));
  const args = ["--address", address, "--data-dir", directory, "--demo-dir", join(demo, "dist")];
  if (token) args.push("--token", token);
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" };
  delete env.WEFT_TOKEN;
  const child = spawn(serverBinary(), args, { stdio: ["ignore", "pipe", "inherit"], env });
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`weft-server exited (${code}) before listening`)));
    lines.on("line", (line) => {
      const match = /^Weft demo: (http:\/\/\S+)$/.exec(line);
      if (match) resolveUrl(match[1]);
    });
  });
  return {
    url,
    address: new URL(url).host,
    dataDir: directory,
    /** Graceful shutdown (SIGTERM); resolves once the process has exited. */
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
    /** Stops the server and removes its data directory. */
    async close() {
      child.kill("SIGTERM");
      await exited;
      if (!dataDir) await rm(directory, { recursive: true, force: true });
    },
  };
}
