// Compiled with `tsc --noEmit` against the built package's declarations: the public types are
// precise enough for ordinary use, and misuse does not compile.
import {
  BroadcastSync,
  Cursor,
  Doc,
  IndexedDbPersistence,
  Presence,
  SyncSession,
  WebSocketSync,
  isWeftError,
  type CursorJson,
  type CursorSide,
  type DocEvent,
  type JsonValue,
  type KeyChange,
  type PresenceChange,
  type PresenceLink,
  type PresenceState,
  type TextDeltaOp,
  type TextRun,
  type ExpandRule,
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
items.push("two", { three: [3] }, [4]);
items.insert(0, null, true);
items.insertMap(1).getCounter("n").increment(2);
for (const element of items) void (element satisfies JsonValue);
items.forEach((element: JsonValue, index: number) => void [element, index]);
const settings = doc.getMap("settings");
settings.set("prefs", { theme: "dark", sizes: [1, 2] });
for (const [name, entry] of settings) void [name satisfies string, entry satisfies JsonValue];
const pairs: [string, JsonValue][] = settings.entries();
const values: JsonValue[] = settings.values();
settings.forEach((entry: JsonValue, name: string) => void [entry, name]);
settings.clear();
const first: JsonValue | undefined = items.get(0);
const value: WeftValue | undefined = doc.getRegister("title").value;
const status = doc.getMultiValue("status");
status.put("draft");
const conflicting: WeftValue[] = status.values();
const statusJson: WeftValue[] = status.toJSON();
const blocked = doc.getRemoveWinsSet("blocked");
blocked.add("mallory");
const wasBlocked: boolean = blocked.delete("mallory");
const blockedCount: number = blocked.size;
const blockedValues: WeftValue[] = blocked.values();
items.insertRemoveWinsSet(0).add(1);
items.insertMultiValue(0).put(2);
const nested: WeftValue[] = settings.getMultiValue("m").values();
const stopStatus: () => void = status.observe((events: DocEvent[]) => {
  for (const event of events) {
    if (event.type === "multiValue") void [event.old satisfies WeftValue[], event.new satisfies WeftValue[]];
  }
});
void [conflicting, statusJson, wasBlocked, blockedCount, blockedValues, nested, stopStatus];
const json: { [name: string]: JsonValue } = doc.toJSON();
const outcome: "applied" | "pending" | "redundant" = doc.applyDelta(doc.exportDelta(version));
const fromScratch: Uint8Array = doc.exportDelta();
const total: number = doc.transact(() => 1 + 1);
const withOrigin: string = doc.transact(() => "done", { binding: "editor" });
// @ts-expect-error: transact returns what its body returns
const notAString: string = doc.transact(() => 1 + 1);
const stop: () => void = doc.subscribe((events: DocEvent[]) => {
  for (const event of events) {
    const local: boolean = event.local;
    const origin: unknown = event.origin;
    if (event.type === "text") {
      for (const op of event.delta satisfies TextDeltaOp[]) {
        if ("insert" in op) void (op.insert satisfies string);
        else if ("retain" in op) void (op.retain satisfies number);
        else void (op.delete satisfies number);
      }
    } else if (event.type === "map") {
      const changes: KeyChange[] = event.changes;
      void changes.map((change) => [change.key, change.action, change.oldValue, change.newValue]);
    } else if (event.type === "counter") {
      const change: number = event.new - event.old;
      void change;
    }
    void [local, origin];
  }
});
stop();
const stopText: () => void = doc.getText("notes").observe((events: DocEvent[]) => void events);
const stopDeep: () => void = settings.observeDeep((events: DocEvent[]) => void events);
const stopList: () => void = items.observe((events: DocEvent[]) => void events);
void [stopText, stopDeep, stopList];
doc.onUpdate((update: Uint8Array, origin: unknown, local: boolean) => void [update, origin, local]);
doc.applyDelta(doc.exportDelta(), "provider");
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
// @ts-expect-error: functions are not JSON values
items.push(() => 1);
// @ts-expect-error: a multi-value register holds primitive values, not objects
status.put({ nested: true });

void [id, length, first, value, json, outcome, fromScratch, total, withOrigin, notAString, adapters, wrong];
void [pairs, values];

// Stable cursors: made from an index and a side, resolved to an index or undefined, sent as
// bytes or JSON.
const side: CursorSide = "after";
const caret: Cursor = doc.getText("notes").cursorAt(1, side);
const caretAt: number | undefined = doc.getText("notes").resolveCursor(caret);
const caretBytes: Uint8Array = caret.toBytes();
const caretJson: CursorJson = caret.toJSON();
const restored: Cursor = Cursor.fromJSON(caretJson);
void [caretAt, Cursor.fromBytes(caretBytes).equals(restored)];
const itemAt: number | undefined = items.resolveCursor(items.cursorAt(0, "before"));
void itemAt;
if (caretJson.anchor === "element") void (caretJson.counter satisfies number);
// @ts-expect-error a side is "before" or "after"
doc.getText("notes").cursorAt(0, "left");
// @ts-expect-error a cursor is made by cursorAt, not written by hand
doc.getText("notes").resolveCursor({ anchor: "start" });

// Presence: a JSON state per client, change events, carried by the transports.
const presence = new Presence(doc, { timeout: 30_000 });
presence.setLocal({ user: { name: "Ada", color: "#d81b60" }, cursor: caretJson });
const others: Map<string, PresenceState> = presence.getStates();
const stopListening: () => void = presence.on("change", (change: PresenceChange) => void change.added.length);
const presenceLink: PresenceLink = presence.link((message: Uint8Array) => void message.length);
void [others, stopListening, presenceLink, Presence.isPresenceMessage(new Uint8Array())];
void new BroadcastSync(doc, "tabs", { presence });
void new WebSocketSync(doc, "ws://127.0.0.1:1/sync/notes", { presence });
// @ts-expect-error presence has only change events
presence.on("update", () => {});

// Rich text: marks, Quill-style runs and deltas, expand rules.
const rich = doc.getText("rich");
rich.insert(0, "bold link");
rich.mark(0, 4, "bold");
rich.mark(5, 4, "link", "https://weft.example");
rich.unmark(0, 1, "bold");
const runs: TextRun[] = rich.toDelta();
rich.applyDelta([{ retain: 4, attributes: { bold: null } }, { insert: "!", attributes: { italic: true } }]);
const rule: ExpandRule = "none";
doc.setExpand("highlight", rule);
void runs;
// @ts-expect-error an expand rule is one of four names
doc.setExpand("bold", "sometimes");
