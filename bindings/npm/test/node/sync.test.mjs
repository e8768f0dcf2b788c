// SyncSession over an in-memory transport, and the WebSocket client against a local server.
import { test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { Doc, SyncSession, WebSocketSync } from "weft-crdt";
import { startServer, until } from "../support/server.mjs";

/** Two sessions joined by queues that the test delivers by hand. */
function link(a, b) {
  const toA = [];
  const toB = [];
  const sa = new SyncSession(a, (m) => toB.push(m));
  const sb = new SyncSession(b, (m) => toA.push(m));
  const deliver = (drop = false) => {
    let moved = 0;
    while (toA.length || toB.length) {
      for (const m of toB.splice(0)) if (!drop) sb.receive(m), (moved += 1);
      for (const m of toA.splice(0)) if (!drop) sa.receive(m), (moved += 1);
      if (drop) break;
    }
    return moved;
  };
  return { sa, sb, deliver };
}

test("two replicas that changed offline level in one handshake, then push live", () => {
  const alice = new Doc();
  const bob = new Doc();
  alice.getText("t").insert(0, "from alice");
  bob.getCounter("c").increment(3);
  const { sa, sb, deliver } = link(alice, bob);
  sa.flush();
  sb.flush();
  deliver();
  assert.deepEqual(alice.toJSON(), { c: 3, t: "from alice" });
  assert.equal(alice.digest(), bob.digest());
  assert.ok(sa.isIdle && sb.isIdle);

  bob.getText("t").insert(0, "bob: ");
  assert.ok(!sb.isIdle);
  deliver();
  assert.equal(alice.getText("t").toString(), "bob: from alice");
  assert.ok(sa.isIdle && sb.isIdle);
});

test("a lost message is sent again after timeout; reconnect resumes", () => {
  const alice = new Doc();
  const bob = new Doc();
  const { sa, sb, deliver } = link(alice, bob);
  sa.flush();
  sb.flush();
  deliver();
  alice.getList("l").push("lost");
  deliver(true); // the push is lost
  assert.deepEqual(bob.toJSON(), {});
  sa.timeout();
  deliver();
  assert.deepEqual(bob.toJSON(), { l: ["lost"] });

  alice.getList("l").push("offline");
  deliver(true);
  const saved = sa.save();
  sa.free();
  const resumed = new SyncSession(alice, (m) => sb.receive(m), saved);
  sb.reconnect();
  resumed.reconnect();
  assert.deepEqual(bob.toJSON(), { l: ["lost", "offline"] });
});

test("garbage sent to a session is refused with a typed error", () => {
  const doc = new Doc();
  doc.getText("t").insert(0, "x");
  const session = new SyncSession(doc, () => {});
  assert.throws(() => session.receive(new Uint8Array([9, 9, 9])), { code: "WEFT_DECODE" });
  assert.throws(() => new SyncSession(doc, () => {}, new Uint8Array([1])), { code: "WEFT_DECODE" });
  assert.equal(doc.getText("t").toString(), "x");
});

test("WebSocketSync: clients converge through a server, survive an outage, resume", async () => {
  const server = await startServer();
  const options = { WebSocket, minDelay: 20, maxDelay: 200, timeout: 300 };
  const alice = new Doc();
  const bob = new Doc();
  const a = new WebSocketSync(alice, server.syncUrl("room"), options);
  const b = new WebSocketSync(bob, server.syncUrl("room"), options);
  try {
    alice.getText("t").insert(0, "hello");
    await until(() => bob.getText("t").toString() === "hello", 5000, "bob hears alice");
    server.pause();
    await until(() => a.status === "offline" && b.status === "offline", 5000, "offline");
    alice.getText("t").insert(5, " world");
    bob.getCounter("c").increment(2);
    server.resume();
    await until(
      () => JSON.stringify(alice.toJSON()) === JSON.stringify(bob.toJSON()) && a.isIdle && b.isIdle,
      10000,
      "convergence after the outage",
    );
    assert.deepEqual(bob.toJSON(), { c: 2, t: "hello world" });
    assert.deepEqual(server.doc("room").toJSON(), bob.toJSON());
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});
