// Compiled with `tsc --noEmit` against the built package's declarations: the public types are
// precise enough for ordinary use, and misuse does not compile.
import {
  BroadcastSync,
  Doc,
  IndexedDbPersistence,
  SyncSession,
  WebSocketSync,
  isWeftError,
  type DocEvent,
  type JsonValue,
  type Version,
  type WeftValue,
} from "weft-crdt";

const doc: Doc = new Doc();
const id: string = doc.replicaId;
const version: Version = doc.version;
doc.getText("notes").insert(0, "hi");
const length: number = doc.getText("notes").length;
const items = doc.getList("items");
items.push(1);
items.insertMap(1).getCounter("n").increment(2);
const first: JsonValue | undefined = items.get(0);
const value: WeftValue | undefined = doc.getRegister("title").value;
const json: { [name: string]: JsonValue } = doc.toJSON();
const outcome: "applied" | "pending" | "redundant" = doc.applyDelta(doc.exportDelta(version));
const fromScratch: Uint8Array = doc.exportDelta();
const total: number = doc.transact(() => 1 + 1);
// @ts-expect-error: transact returns what its body returns
const notAString: string = doc.transact(() => 1 + 1);
const stop: () => void = doc.subscribe((events: DocEvent[]) => {
  for (const event of events) {
    if (event.type === "text") {
      const inserted: string = event.inserted;
      const index: number = event.index;
      void [inserted, index];
    } else if (event.type === "counter") {
      const change: number = event.new - event.old;
      void change;
    }
  }
});
stop();
doc.onUpdate((update: Uint8Array, origin: "local" | "remote") => void [update, origin]);
const session = new SyncSession(doc, (message: Uint8Array) => void message);
session.flush();
try {
  Doc.load(new Uint8Array());
} catch (error) {
  if (isWeftError(error, "WEFT_DECODE")) {
    const code: "WEFT_DECODE" | string = error.code;
    void code;
  }
}
async function adapters(): Promise<void> {
  const store = await IndexedDbPersistence.open("db", { compactAfter: 100 });
  new BroadcastSync(store.doc, "channel").close();
  new WebSocketSync(store.doc, "ws://127.0.0.1:1/sync", { maxDelay: 1000 }).close();
}

// @ts-expect-error: text positions are numbers
doc.getText("notes").insert("0", "x");
// @ts-expect-error: an event's type is one of the known kinds
const wrong: DocEvent["type"] = "tree";

void [id, length, first, value, json, outcome, fromScratch, total, notAString, adapters, wrong];
