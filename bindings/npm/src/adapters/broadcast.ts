import type { Doc, Version } from "../wasm/weft_wasm.js";
import type { Presence, PresenceLink } from "../presence.js";

/** Options of {@link BroadcastSync}. */
export interface BroadcastSyncOptions {
  /** Carries this presence between the tabs too. */
  presence?: Presence;
}

type Message =
  | { type: "hello"; from: string; version: Version }
  | { type: "presence"; from: string; message: Uint8Array }
  | { type: "welcome"; from: string; to: string; version: Version; update: Uint8Array }
  | { type: "update"; from: string; update: Uint8Array };

/**
 * Syncs a document between the tabs and workers of one origin through a `BroadcastChannel`.
 *
 * Every local update is broadcast as it happens. A tab that joins says hello with its version;
 * each tab already there answers with what the newcomer lacks and its own version, and the
 * newcomer sends back what that tab lacks. Deltas are idempotent and wait for what they depend
 * on, so duplicates and any order of arrival are fine. With `{ presence }`, each tab sends its
 * own presence to the others (again to each newcomer), and a tab that closes leaves at once.
 */
export class BroadcastSync {
  private readonly channel: BroadcastChannel;
  private readonly unsubscribe: () => void;
  private readonly me: string;
  private readonly presenceLink: PresenceLink | undefined;

  constructor(
    private readonly doc: Doc,
    name: string,
    options: BroadcastSyncOptions = {},
  ) {
    this.me = doc.replicaId;
    this.channel = new BroadcastChannel(`weft:${name}`);
    this.channel.onmessage = (event: MessageEvent<Message>) => this.receive(event.data);
    this.unsubscribe = doc.onUpdate((update, _origin, local) => {
      if (local) this.post({ type: "update", from: this.me, update });
    });
    this.post({ type: "hello", from: this.me, version: doc.version });
    this.presenceLink = options.presence?.link((message) =>
      this.post({ type: "presence", from: this.me, message }),
    );
    this.presenceLink?.announce();
  }

  /** Stops syncing. */
  close(): void {
    this.presenceLink?.close();
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
        this.presenceLink?.announce();
        break;
      case "welcome":
        if (message.to !== this.me) return;
        this.doc.applyDelta(message.update);
        this.post({ type: "update", from: this.me, update: this.doc.exportDelta(message.version) });
        break;
      case "update":
        this.doc.applyDelta(message.update);
        break;
      case "presence":
        try {
          this.presenceLink?.receive(message.message);
        } catch (error) {
          console.warn("weft: refused a presence message", error);
        }
        break;
    }
  }

  private post(message: Message): void {
    this.channel.postMessage(message);
  }
}
