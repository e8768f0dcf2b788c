// What knowing many replicas costs on the wire: a document written from R page loads (each a
// new replica making one change, then leaving), then a client that holds it all. Side by
// side with Yjs, Automerge and Loro in the same run, each in its own terms:
//
// - "hello": what a peer sends on connecting (Weft's sync hello; Yjs' sync step 1, its state
//   vector; Automerge's first sync message; Loro's version vector);
// - "resumed hello": the same after a reconnect with what was learnt before (Weft resumes
//   its saved session; Yjs and Loro send the same state vector again; Automerge resumes its
//   saved sync state);
// - "nothing to send": a delta since the receiver's own version (Weft `exportDelta`, Yjs
//   `encodeStateAsUpdate(doc, stateVector)`, Loro `export({ mode: "update", from })`,
//   Automerge the sync message once both are level);
// - "keystroke": what one inserted character costs on the wire in a live session.
//
//   node bench/versions.mjs [replicas]   (from bindings/npm, after the build)

const REPLICAS = Number(process.argv[2] ?? 2_000);

/** Runs `session` between two Weft documents until quiet; returns the bytes each side sent. */
function weftExchange(left, right) {
  const sent = { left: [], right: [] };
  let toRight = [];
  let toLeft = [];
  left.bind((message) => {
    sent.left.push(message.length);
    toRight.push(message);
  });
  right.bind((message) => {
    sent.right.push(message.length);
    toLeft.push(message);
  });
  left.session.flush();
  right.session.flush();
  for (let round = 0; round < 20 && (toRight.length > 0 || toLeft.length > 0); round += 1) {
    const [forRight, forLeft] = [toRight, toLeft];
    toRight = [];
    toLeft = [];
    for (const message of forRight) right.session.receive(message);
    for (const message of forLeft) left.session.receive(message);
  }
  return sent;
}

async function weft() {
  const { Doc, SyncSession } = await import("weft-crdt");
  const server = new Doc();
  for (let load = 0; load < REPLICAS; load += 1) {
    const visitor = new Doc();
    visitor.applyDelta(server.exportDelta());
    visitor.getCounter("visits").increment(1);
    server.applyDelta(visitor.exportDelta(server.version));
    visitor.free();
  }
  const client = new Doc();
  client.applyDelta(server.exportDelta());
  const side = (doc, saved) => {
    const end = { send: () => {} };
    end.session = new SyncSession(doc, (message) => end.send(message), saved);
    end.bind = (send) => {
      end.send = send;
    };
    return end;
  };
  let clientEnd = side(client);
  let serverEnd = side(server);
  const first = weftExchange(clientEnd, serverEnd);
  const sent = [];
  clientEnd.bind((message) => sent.push(message));
  serverEnd.bind(() => {}); // its ack is not measured
  client.getText("notes").insert(0, "a");
  const keystroke = sent.reduce((total, message) => total + message.length, 0);
  for (const message of sent) serverEnd.session.receive(message);
  const saved = clientEnd.session.save();
  client.getText("notes").insert(1, "b");
  clientEnd = side(client, saved);
  serverEnd = side(server);
  const resumed = weftExchange(clientEnd, serverEnd);
  const nothing = server.exportDelta(client.version).length;
  return {
    hello: first.left[0],
    resumed: resumed.left[0],
    nothing,
    keystroke,
  };
}

async function yjs() {
  const Y = await import("yjs");
  const server = new Y.Doc();
  for (let load = 0; load < REPLICAS; load += 1) {
    const visitor = new Y.Doc();
    Y.applyUpdate(visitor, Y.encodeStateAsUpdate(server));
    visitor.getMap("m").set("visits", load + 1);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(visitor, Y.encodeStateVector(server)));
    visitor.destroy();
  }
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const hello = Y.encodeStateVector(client).length;
  let keystroke = 0;
  client.on("update", (update) => {
    keystroke = update.length;
  });
  client.getText("notes").insert(0, "a");
  return {
    hello,
    resumed: Y.encodeStateVector(client).length,
    nothing: Y.encodeStateAsUpdate(server, Y.encodeStateVector(server)).length,
    keystroke,
  };
}

async function automerge() {
  const A = await import("@automerge/automerge");
  let server = A.from({ visits: 0 });
  for (let load = 0; load < REPLICAS; load += 1) {
    let visitor = A.clone(server);
    visitor = A.change(visitor, (doc) => {
      doc.visits = load + 1;
    });
    server = A.merge(server, visitor);
  }
  let client = A.clone(server);
  let clientState = A.initSyncState();
  let serverState = A.initSyncState();
  let hello = 0;
  for (let round = 0; round < 20; round += 1) {
    let message;
    [clientState, message] = A.generateSyncMessage(client, clientState);
    if (round === 0) hello = message?.length ?? 0;
    let reply;
    if (message) [server, serverState] = A.receiveSyncMessage(server, serverState, message);
    [serverState, reply] = A.generateSyncMessage(server, serverState);
    if (reply) [client, clientState] = A.receiveSyncMessage(client, clientState, reply);
    if (!message && !reply) break;
  }
  const [, nothingMessage] = A.generateSyncMessage(client, clientState);
  client = A.change(client, (doc) => {
    doc.notes = "a";
  });
  const keystroke = A.getLastLocalChange(client).length;
  const saved = A.encodeSyncState(clientState);
  const [, resumed] = A.generateSyncMessage(client, A.decodeSyncState(saved));
  return {
    hello,
    resumed: resumed?.length ?? 0,
    nothing: nothingMessage?.length ?? 0,
    keystroke,
  };
}

async function loro() {
  const { LoroDoc } = await import("loro-crdt");
  const server = new LoroDoc();
  for (let load = 0; load < REPLICAS; load += 1) {
    const visitor = new LoroDoc();
    visitor.import(server.export({ mode: "snapshot" }));
    visitor.getMap("m").set("visits", load + 1);
    visitor.commit();
    server.import(visitor.export({ mode: "update", from: server.oplogVersion() }));
  }
  const client = new LoroDoc();
  client.import(server.export({ mode: "snapshot" }));
  const before = client.oplogVersion();
  client.getText("notes").insert(0, "a");
  client.commit();
  return {
    hello: before.encode().length,
    resumed: client.oplogVersion().encode().length,
    nothing: server.export({ mode: "update", from: server.oplogVersion() }).length,
    keystroke: client.export({ mode: "update", from: before }).length,
  };
}

const results = {};
for (const [name, run] of Object.entries({ weft, yjs, automerge, loro })) {
  results[name] = await run();
}
console.log(`${REPLICAS} replicas known; bytes:`);
console.log("| library | hello | resumed hello | nothing to send | keystroke |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, figures] of Object.entries(results)) {
  const cells = [figures.hello, figures.resumed, figures.nothing, figures.keystroke];
  console.log(`| ${name} | ${cells.map((value) => value.toLocaleString("en")).join(" | ")} |`);
}
