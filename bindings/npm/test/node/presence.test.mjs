// Presence: states travel between pages through links (by hand here, through BroadcastSync
// below, through weft-server in weft-server.test.mjs); joins, updates and leaves are events,
// silent clients are dropped after the timeout, a closed transport's clients leave.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BroadcastSync, Doc, Presence } from "weft-crdt";
import { until } from "../support/server.mjs";

/** Links `a` and `b` with queues the test delivers by hand. */
function connect(a, b) {
  const toA = [];
  const toB = [];
  const linkA = a.link((message) => toB.push(message));
  const linkB = b.link((message) => toA.push(message));
  const deliver = () => {
    for (const message of toB.splice(0)) linkB.receive(message);
    for (const message of toA.splice(0)) linkA.receive(message);
  };
  return { linkA, linkB, toA, toB, deliver };
}

/** Every change `presence` reports, in order. */
function record(presence) {
  const changes = [];
  presence.on("change", (change) => changes.push(change));
  return changes;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a state set on one page appears, changes and leaves on the other", async () => {
  const alice = new Presence(new Doc());
  const bob = new Presence(new Doc());
  const { deliver, toB } = connect(alice, bob);
  const heard = record(bob);

  alice.setLocal({ user: { name: "Alice", color: "#d81b60" } });
  alice.setLocal({ user: { name: "Alice", color: "#1e88e5" } });
  await tick();
  assert.equal(toB.length, 1, "two calls in one task send one message");
  deliver();
  assert.deepEqual(heard, [{ added: [alice.clientId], updated: [], removed: [], local: false }]);
  assert.deepEqual(bob.getStates().get(alice.clientId), { user: { name: "Alice", color: "#1e88e5" } });

  alice.setLocal({ user: { name: "Alice", color: "#1e88e5" }, cursor: 3 });
  await tick();
  deliver();
  assert.deepEqual(heard.at(-1), { added: [], updated: [alice.clientId], removed: [], local: false });
  assert.equal(bob.getStates().get(alice.clientId).cursor, 3);

  alice.setLocal(null);
  await tick();
  deliver();
  assert.deepEqual(heard.at(-1), { added: [], updated: [], removed: [alice.clientId], local: false });
  assert.equal(bob.getStates().has(alice.clientId), false);
  alice.destroy();
  bob.destroy();
});

test("the local state is this page's own: a copy, in getStates, and reported as local", () => {
  const doc = new Doc();
  const presence = new Presence(doc);
  assert.equal(presence.clientId, doc.replicaId);
  const changes = record(presence);
  const state = { user: { name: "Ada" } };
  presence.setLocal(state);
  state.user.name = "changed after the call";
  assert.deepEqual(presence.getLocal(), { user: { name: "Ada" } });
  assert.deepEqual([...presence.getStates()], [[doc.replicaId, { user: { name: "Ada" } }]]);
  presence.setLocal({ user: { name: "Ada L." } });
  assert.deepEqual(changes, [
    { added: [doc.replicaId], updated: [], removed: [], local: true },
    { added: [], updated: [doc.replicaId], removed: [], local: true },
  ]);
  presence.destroy();
});

test("a page that joins late learns the others when they announce, and an old message cannot undo a newer one", async () => {
  const alice = new Presence(new Doc());
  const carol = new Presence(new Doc());
  alice.setLocal({ n: 1 });
  await tick();
  const { linkA, deliver, toB } = connect(alice, carol);
  linkA.announce();
  const first = toB[0];
  deliver();
  assert.deepEqual(carol.getStates().get(alice.clientId), { n: 1 });
  alice.setLocal({ n: 2 });
  await tick();
  deliver();
  const linkC = carol.link(() => {});
  linkC.receive(first);
  assert.deepEqual(carol.getStates().get(alice.clientId), { n: 2 }, "the older message is ignored");
  alice.destroy();
  carol.destroy();
});

test("a silent client is dropped after the timeout; one that keeps sending stays", async () => {
  const alice = new Presence(new Doc(), { timeout: 400, resendInterval: 100 });
  const bob = new Presence(new Doc(), { timeout: 400, resendInterval: 100 });
  const quiet = new Presence(new Doc(), { timeout: 60_000, resendInterval: 60_000 });
  const chatty = connect(alice, bob);
  const silent = connect(quiet, bob);
  alice.setLocal({ who: "alice" });
  quiet.setLocal({ who: "quiet" });
  await tick();
  chatty.deliver();
  silent.deliver();
  assert.equal(bob.getStates().size, 2);
  const changes = record(bob);
  const pump = setInterval(chatty.deliver, 20);
  await until(() => !bob.getStates().has(quiet.clientId), 5_000, "the silent client to expire");
  clearInterval(pump);
  assert.ok(bob.getStates().has(alice.clientId), "alice kept sending and stays");
  assert.deepEqual(
    changes.filter((change) => change.removed.length > 0),
    [{ added: [], updated: [], removed: [quiet.clientId], local: false }],
  );
  for (const presence of [alice, bob, quiet]) presence.destroy();
});

test("closing a transport removes the clients heard only through it", async () => {
  const alice = new Presence(new Doc());
  const bob = new Presence(new Doc());
  const hub = new Presence(new Doc());
  const viaServer = connect(hub, alice);
  const viaTabs = connect(hub, bob);
  const alsoViaTabs = connect(hub, alice);
  alice.setLocal({ who: "alice" });
  bob.setLocal({ who: "bob" });
  await tick();
  viaServer.deliver();
  viaTabs.deliver();
  alsoViaTabs.deliver();
  assert.equal(hub.getStates().size, 2);
  viaServer.linkA.close();
  assert.ok(hub.getStates().has(alice.clientId), "alice is still heard through the other link");
  alsoViaTabs.linkA.close();
  assert.equal(hub.getStates().has(alice.clientId), false);
  assert.ok(hub.getStates().has(bob.clientId));
  for (const presence of [alice, bob, hub]) presence.destroy();
});

test("malformed presence messages and oversized states are refused and change nothing", async () => {
  const alice = new Presence(new Doc());
  const bob = new Presence(new Doc());
  const { linkB, deliver } = connect(alice, bob);
  alice.setLocal({ ok: true });
  await tick();
  deliver();
  const good = alice.link(() => {});
  let sent;
  const probe = alice.link((message) => (sent = message));
  probe.announce();
  good.close();
  const damaged = Uint8Array.from(sent);
  damaged[damaged.length - 6] ^= 0xff;
  assert.throws(() => linkB.receive(damaged), { code: "WEFT_DECODE" });
  assert.throws(() => linkB.receive(sent.subarray(0, 7)), { code: "WEFT_DECODE" });
  assert.throws(() => linkB.receive(new Uint8Array([0x57, 0x46, 1, 4, 9, 0xff, 0xff, 0xff, 0xff, 0x0f])), {
    code: "WEFT_DECODE",
  });
  assert.deepEqual([...bob.getStates()], [[alice.clientId, { ok: true }]]);
  assert.equal(Presence.isPresenceMessage(sent), true);
  assert.equal(Presence.isPresenceMessage(new Uint8Array([0x57, 0x46, 1, 4, 1])), false);

  assert.throws(() => alice.setLocal({ big: "x".repeat(5_000) }), { code: "WEFT_INVALID_ARGUMENT" });
  assert.deepEqual(alice.getLocal(), { ok: true });
  alice.destroy();
  bob.destroy();
});

test("destroy sends the leave at once", async () => {
  const alice = new Presence(new Doc());
  const bob = new Presence(new Doc());
  const { deliver } = connect(alice, bob);
  alice.setLocal({ here: true });
  await tick();
  deliver();
  alice.destroy();
  deliver();
  assert.equal(bob.getStates().size, 0);
  bob.destroy();
});

test("BroadcastSync carries presence between tabs: joins, late joiners and closed tabs", async () => {
  const channel = `presence-${Math.random()}`;
  const tabs = [0, 1, 2].map(() => {
    const doc = new Doc();
    const presence = new Presence(doc);
    return { doc, presence };
  });
  const [first, second, third] = tabs;
  first.presence.setLocal({ name: "first" });
  second.presence.setLocal({ name: "second" });
  first.sync = new BroadcastSync(first.doc, channel, { presence: first.presence });
  second.sync = new BroadcastSync(second.doc, channel, { presence: second.presence });
  await until(() => first.presence.getStates().size === 2 && second.presence.getStates().size === 2, 5_000, "two tabs to see each other");

  third.presence.setLocal({ name: "third" });
  third.sync = new BroadcastSync(third.doc, channel, { presence: third.presence });
  await until(() => third.presence.getStates().size === 3, 5_000, "the late tab to learn the others");
  assert.deepEqual(
    [...third.presence.getStates().values()].map((state) => state.name).sort(),
    ["first", "second", "third"],
  );

  second.doc.getText("t").insert(0, "text and presence share the channel");
  await until(() => third.doc.getText("t").toString().length > 0, 5_000, "the text to arrive");

  second.presence.destroy();
  second.sync.close();
  await until(
    () => !first.presence.getStates().has(second.doc.replicaId) && !third.presence.getStates().has(second.doc.replicaId),
    5_000,
    "the closed tab to leave",
  );
  for (const tab of [first, third]) {
    tab.sync.close();
    tab.presence.destroy();
  }
});
