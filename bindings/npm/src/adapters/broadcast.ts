import type { Doc, Version } from "../wasm/weft_wasm.js";

type Message =
  | { type: "hello"; from: string; version: Version }
  | { type: "welcome"; from: string; to: string; version: Version; update: Uint8Array }
  | { type: "update"; from: string; update: Uint8Array };

/**
 * Syncs a document between the tabs and workers of one origin through a `BroadcastChannel`.
 *
 * Every local update is broadcast as it happens. A tab that joins says hello with its version;
 * each tab already there answers with what the newcomer lacks and its own version, and the
 * newcomer sends back what that tab lacks. Deltas are idempotent and wait for what they depend
 * on, so duplicates and any order of arrival are fine.
 */
export class BroadcastSync {
  private readonly channel: BroadcastChannel;
  private readonly unsubscribe: () => void;
  private readonly me: string;

  constructor(
    private readonly doc: Doc,
    name: string,
  ) {
    this.me = doc.replicaId;
    this.channel = new BroadcastChannel(`weft:${name}`);
    this.channel.onmessage = (event: MessageEvent<Message>) => this.receive(event.data);
    this.unsubscribe = doc.onUpdate((update, _origin, local) => {
      if (local) this.post({ type: "update", from: this.me, update });
    });
    this.post({ type: "hello", from: this.me, version: doc.version });
  }

  /** Stops syncing. */
  close(): void {
    this.unsubscribe();
    this.channel.close();
  }

  private receive(message: Message): void {
    if (message.from === this.me) return;
    switch (message.type) {
      case "hello":
        this.post({
          type: "welcome",
          from: this.me,
          to: message.from,
          version: this.doc.version,
          update: this.doc.exportDelta(message.version),
        });
        break;
      case "welcome":
        if (message.to !== this.me) return;
        this.doc.applyDelta(message.update);
        this.post({ type: "update", from: this.me, update: this.doc.exportDelta(message.version) });
        break;
      case "update":
        this.doc.applyDelta(message.update);
        break;
    }
  }

  private post(message: Message): void {
    this.channel.postMessage(message);
  }
}
