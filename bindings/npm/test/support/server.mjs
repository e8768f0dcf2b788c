// A tiny server for the tests, on 127.0.0.1 only: serves the package's files (with `.wasm` as
// `application/wasm`) and a WebSocket sync endpoint `/sync/<room>` that holds one document per
// room through the built package itself. `pause()` drops every connection and refuses new ones
// (the network is down) until `resume()`.
import http from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";
import { Doc, SyncSession } from "weft-crdt";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** The package folder (bindings/npm). */
export const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Starts the server; `nodeModules: true` also serves node_modules (for the benchmark page). */
export async function startServer({ nodeModules = false } = {}) {
  const docs = new Map();
  const sockets = new Set();
  let paused = false;
  const server = http.createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const file = join(packageRoot, path);
    if (!file.startsWith(packageRoot) || (!nodeModules && path.split(sep).includes("node_modules"))) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  const sockets_server = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    if (paused) {
      socket.destroy();
      return;
    }
    sockets_server.handleUpgrade(request, socket, head, (ws) => {
      const room = new URL(request.url, "http://x").pathname.replace(/^\/sync\//, "");
      if (!docs.has(room)) docs.set(room, new Doc());
      const session = new SyncSession(docs.get(room), (message) => {
        if (ws.readyState === 1) ws.send(message);
      });
      sockets.add(ws);
      ws.on("message", (data) => {
        try {
          session.receive(new Uint8Array(data));
        } catch (error) {
          console.warn("test server: refused a message", error.code);
        }
      });
      ws.on("close", () => {
        sockets.delete(ws);
        session.free();
      });
      session.flush();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    syncUrl: (room) => `ws://127.0.0.1:${port}/sync/${room}`,
    doc: (room) => docs.get(room),
    pause() {
      paused = true;
      for (const ws of sockets) ws.terminate();
    },
    resume() {
      paused = false;
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Resolves when `condition()` is true, polling; rejects after `ms`. */
export async function until(condition, ms = 10_000, what = "condition") {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
