// The package against the real Rust sync server (crates/weft-server), when its binary is given
// in WEFT_SERVER_BIN (scripts/test.sh passes the one `cargo test` built): two clients converge
// through it, keep editing while it is down, and converge again once it is back, from what it
// stored; presence goes through it to the document's other clients.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { Doc, Presence, WebSocketSync } from "weft-crdt";
import { until } from "../support/server.mjs";

const binary = process.env.WEFT_SERVER_BIN;

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startWeftServer(port, dataDir) {
  const child = spawn(binary, ["--address", `127.0.0.1:${port}`, "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  await until(() => output.includes("Weft sync:") || child.exitCode !== null, 20_000, "weft-server to start");
  assert.equal(child.exitCode, null, `weft-server exited: ${output}`);
  return child;
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

test("clients of the package converge through weft-server, across a server restart", {
  skip: binary ? false : "WEFT_SERVER_BIN is not set",
  timeout: 60_000,
}, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "weft-server-"));
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}/sync/js-e2e`;
  const options = { WebSocket, minDelay: 50, maxDelay: 500, timeout: 500 };
  let server = await startWeftServer(port, dataDir);
  const alice = new Doc();
  const bob = new Doc();
  const a = new WebSocketSync(alice, url, options);
  const b = new WebSocketSync(bob, url, options);
  const same = () => JSON.stringify(alice.toJSON()) === JSON.stringify(bob.toJSON());
  try {
    alice.getText("title").insert(0, "Shared 😀");
    bob.getList("items").push("milk");
    await until(() => same() && a.isIdle && b.isIdle, 20_000, "convergence through the server");

    await stop(server); // the server goes away; both keep editing
    await until(() => a.status !== "open" && b.status !== "open", 10_000, "clients offline");
    alice.getList("items").push("written while the server was down");
    bob.getText("title").insert(0, ">> ");
    server = await startWeftServer(port, dataDir); // back, from what it stored
    await until(() => same() && a.isIdle && b.isIdle, 30_000, "convergence after the restart");
    assert.deepEqual(alice.toJSON(), {
      items: ["milk", "written while the server was down"],
      title: ">> Shared 😀",
    });

    const late = new Doc(); // a new client gets everything from the server alone
    a.close();
    b.close();
    const c = new WebSocketSync(late, url, options);
    await until(() => JSON.stringify(late.toJSON()) === JSON.stringify(alice.toJSON()), 20_000, "a late client");
    c.close();
  } finally {
    a.close();
    b.close();
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  }
});

test("presence through weft-server: joins, a late joiner, updates, a closed connection leaving", {
  skip: binary ? false : "WEFT_SERVER_BIN is not set",
  timeout: 60_000,
}, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "weft-server-"));
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}/sync/js-presence`;
  const options = { WebSocket, minDelay: 50, maxDelay: 500, timeout: 500 };
  const server = await startWeftServer(port, dataDir);
  const clients = [];
  const connect = (name) => {
    const doc = new Doc();
    const presence = new Presence(doc);
    presence.setLocal({ user: { name } });
    const sync = new WebSocketSync(doc, url, { ...options, presence });
    const client = { doc, presence, sync, name };
    clients.push(client);
    return client;
  };
  const names = (client) => [...client.presence.getStates().values()].map((state) => state.user.name).sort();
  try {
    const alice = connect("alice");
    const bob = connect("bob");
    await until(() => names(alice).length === 2 && names(bob).length === 2, 20_000, "alice and bob to see each other");
    const carol = connect("carol");
    await until(() => names(carol).join() === "alice,bob,carol", 20_000, "the late joiner to learn everyone");
    await until(() => names(alice).length === 3 && names(bob).length === 3, 20_000, "everyone to see carol");

    alice.presence.setLocal({ user: { name: "alice" }, cursor: 7 });
    await until(() => carol.presence.getStates().get(alice.doc.replicaId)?.cursor === 7, 20_000, "the update");
    // Text and presence share the connection.
    bob.doc.getText("t").insert(0, "hello");
    await until(() => carol.doc.getText("t").toString() === "hello", 20_000, "the text");

    const closedAt = Date.now();
    bob.sync.close();
    await until(
      () => !alice.presence.getStates().has(bob.doc.replicaId) && !carol.presence.getStates().has(bob.doc.replicaId),
      20_000,
      "bob to leave",
    );
    assert.ok(Date.now() - closedAt < 5_000, "a closed connection leaves at once, not after the timeout");
    assert.deepEqual(names(alice), ["alice", "carol"]);
  } finally {
    for (const client of clients) {
      client.sync.close();
      client.presence.destroy();
    }
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  }
});
