// Presence fan-out through a server: C clients (default 100) on one document, all moving their
// cursors at once, R rounds (default 20); a round ends when every client sees every other's
// cursor of that round. weft-server (its binary: WEFT_SERVER_BIN, a release build) with
// `WebSocketSync({ presence })` against y-websocket's server (its `bin/server.cjs`, Node) with
// `WebsocketProvider` awareness, each server in its own process and every client in this one,
// in the same run. Reports the time per round (C moves, each delivered to C - 1 clients), the
// deliveries per second, and the server's resident memory at the end.
//
//   WEFT_SERVER_BIN=target/release/weft-server node bench/presence-server.mjs [clients] [rounds]
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

const clients = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 20);
const binary = process.env.WEFT_SERVER_BIN;
if (!binary) {
  console.log("WEFT_SERVER_BIN is not set (cargo build --release -p weft-server): skipping");
  process.exit(0);
}
const require = createRequire(import.meta.url);

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `command` and waits until its output says `ready`. */
async function start(command, args, env, ready) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 20_000;
  while (!output.includes(ready)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${command} did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

async function stop(child) {
  const usage = { rss: await residentKiB(child.pid), cpuMs: await cpuMs(child.pid) };
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return usage;
}

/** The CPU time (user + system) process `pid` has used, in milliseconds. */
async function cpuMs(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function residentKiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function until(condition, what, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const libraries = {
  async weft() {
    const dataDir = await mkdtemp(join(tmpdir(), "weft-presence-bench-"));
    const port = await freePort();
    const server = await start(binary, ["--address", `127.0.0.1:${port}`, "--data-dir", dataDir], {}, "Weft sync:");
    const { Doc, Presence, WebSocketSync } = await import("weft-crdt");
    const peers = [];
    for (let i = 0; i < clients; i++) {
      const doc = new Doc();
      const presence = new Presence(doc, { timeout: 600_000 });
      const sync = new WebSocketSync(doc, `ws://127.0.0.1:${port}/sync/presence-bench`, { WebSocket, presence });
      peers.push({ presence, sync });
    }
    return {
      peers,
      move(peer, i, round) {
        peer.presence.setLocal({ user: { name: `user ${i}` }, round });
      },
      rounds(peer) {
        return [...peer.presence.getStates().values()].map((state) => state.round);
      },
      async close() {
        for (const peer of peers) {
          peer.sync.close();
          peer.presence.destroy();
        }
        const rss = await stop(server);
        await rm(dataDir, { recursive: true, force: true });
        return rss;
      },
    };
  },
  async yjs() {
    const port = await freePort();
    const server = await start(
      process.execPath,
      [join(dirname(require.resolve("y-websocket/package.json")), "bin", "server.cjs")],
      { HOST: "127.0.0.1", PORT: String(port) },
      "running at",
    );
    const Y = await import("yjs");
    const { WebsocketProvider } = await import("y-websocket");
    const peers = [];
    for (let i = 0; i < clients; i++) {
      const provider = new WebsocketProvider(`ws://127.0.0.1:${port}`, "presence-bench", new Y.Doc(), {
        WebSocketPolyfill: WebSocket,
        resyncInterval: -1,
        // All the clients share this process: BroadcastChannel would deliver every update
        // to each of them a second time (in browsers it only joins the tabs of one browser).
        disableBc: true,
      });
      peers.push({ provider });
    }
    return {
      peers,
      move(peer, i, round) {
        peer.provider.awareness.setLocalState({ user: { name: `user ${i}` }, round });
      },
      rounds(peer) {
        return [...peer.provider.awareness.getStates().values()].map((state) => state.round);
      },
      async close() {
        for (const peer of peers) peer.provider.destroy();
        return stop(server);
      },
    };
  },
};

const allAt = (library, round) =>
  library.peers.every((peer) => {
    const seen = library.rounds(peer);
    return seen.length === clients && seen.every((value) => value === round);
  });

const results = {};
for (const [name, make] of Object.entries(libraries)) {
  const library = await make();
  for (const [i, peer] of library.peers.entries()) library.move(peer, i, -1);
  await until(() => allAt(library, -1), `${name}: every client to see the others`);
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const [i, peer] of library.peers.entries()) library.move(peer, i, round);
    await until(() => allAt(library, round), `${name}: round ${round}`);
  }
  const elapsed = performance.now() - started;
  const clientCpu = process.cpuUsage();
  const server = await library.close();
  results[name] = {
    perRound: elapsed / rounds,
    perSecond: (clients * (clients - 1) * rounds) / (elapsed / 1000),
    ...server,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
  };
}

console.log(`presence through a server: ${clients} clients on one document, ${rounds} rounds of everyone moving`);
console.log("| server | ms per round | deliveries per second | server CPU ms (whole run) | server RSS at the end (KiB) |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, r] of Object.entries(results)) {
  const server = name === "weft" ? "weft-server" : "y-websocket (Node)";
  console.log(`| ${server} | ${r.perRound.toFixed(1)} | ${r.perSecond.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.rss} |`);
}
console.log(`clients' process CPU ms, cumulative: after weft ${results.weft.clientCpuMs.toFixed(0)}, after yjs ${results.yjs.clientCpuMs.toFixed(0)}`);
console.log(`weft ÷ yjs: time per round ${(results.weft.perRound / results.yjs.perRound).toFixed(2)}×`);
