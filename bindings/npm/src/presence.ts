import { PresenceCore } from "./wasm/weft_wasm.js";

/** A client's presence state: a JSON object (user name, colour, cursors…), at most 4,096 bytes as JSON. */
export type PresenceState = { [field: string]: unknown };

/** Who joined, changed and left, and whether the change is this page's own `setLocal`. */
export interface PresenceChange {
  added: string[];
  updated: string[];
  removed: string[];
  local: boolean;
}

/** Options of a {@link Presence}. */
export interface PresenceOptions {
  /** A client not heard from for this many milliseconds is dropped (default 30,000). */
  timeout?: number;
  /** The local state is sent again this often, in milliseconds (default: half the timeout). */
  resendInterval?: number;
}

/**
 * One transport's end of a {@link Presence}: what `WebSocketSync` and `BroadcastSync` use
 * (and what a custom transport uses) to carry presence messages.
 */
export interface PresenceLink {
  /** Hands over a presence message the transport received. Malformed ones are refused (a `WEFT_DECODE` error) and change nothing. */
  receive(message: Uint8Array): void;
  /** Sends the local state through this link now (say it on open, and when a peer joins). */
  announce(): void;
  /** The transport is gone: the clients heard only through it leave. */
  close(): void;
}

type Send = (message: Uint8Array) => void;

interface Link {
  send: Send;
  /** The core's number of the link (which keeps whom it heard). */
  id: number;
}

/**
 * Presence: who else is on the document and what they show (name, colour, cursor,
 * selection), never stored in the document. Each page publishes one small state with
 * `setLocal`; the others see it through the transports given this object (`WebSocketSync`,
 * `BroadcastSync`, both options `{ presence }`), with `change` events on joins, updates and
 * leaves. A client that stops sending is dropped after `timeout`; one that closes its page
 * or connection leaves at once.
 *
 * ```js
 * const presence = new Presence(doc);
 * const sync = new WebSocketSync(doc, url, { presence });
 * presence.setLocal({ user: { name: "Ada", color: "#d81b60" } });
 * presence.on("change", () => render(presence.getStates()));
 * ```
 */
export class Presence {
  private readonly core: PresenceCore;
  private readonly timeout: number;
  private readonly resendInterval: number;
  private readonly links = new Set<Link>();
  private readonly listeners = new Set<(change: PresenceChange) => void>();
  private readonly timer: ReturnType<typeof setInterval>;
  private states: Map<string, PresenceState> | undefined;
  /** The local state as JSON text (`null`: none), parsed again for each `getLocal`. */
  private local: string | null = null;
  private pending = false;
  private lastSent = 0;
  private hidden: string | null = null;
  private destroyed = false;
  private readonly onPageHide = () => this.pageHidden();
  private readonly onPageShow = (event: Event) => this.pageShown(event);

  /** The presence of `doc`'s page: its client id is the document's `replicaId`. */
  constructor(doc: { readonly replicaId: string }, options: PresenceOptions = {}) {
    this.core = new PresenceCore(doc.replicaId);
    this.timeout = options.timeout ?? 30_000;
    this.resendInterval = options.resendInterval ?? this.timeout / 2;
    this.timer = setInterval(() => this.tick(), Math.min(1_000, this.timeout / 4));
    // A timer must not keep Node running on its own.
    (this.timer as { unref?: () => void }).unref?.();
    globalThis.addEventListener?.("pagehide", this.onPageHide);
    globalThis.addEventListener?.("pageshow", this.onPageShow);
  }

  /** Whether `message` is a presence message rather than another sync message (for transports). */
  static isPresenceMessage(message: Uint8Array): boolean {
    return PresenceCore.isPresenceMessage(message);
  }

  /** This page's client id (the document's `replicaId`). */
  get clientId(): string {
    return this.core.clientId;
  }

  /**
   * Publishes `state` as this page's presence (`null`: none, as if it left). Sent to the
   * others at the end of the current task, so several calls in a row send once.
   *
   * @throws {WeftError} `WEFT_INVALID_ARGUMENT` if the state is more than 4,096 bytes as JSON.
   */
  setLocal(state: PresenceState | null): void {
    const was = this.local;
    const text = state === null ? null : JSON.stringify(state);
    this.core.setLocal(text ?? undefined);
    this.local = text;
    this.states = undefined;
    this.scheduleSend();
    const id = this.clientId;
    const change: PresenceChange = { added: [], updated: [], removed: [], local: true };
    if (was === null && state !== null) change.added.push(id);
    else if (was !== null && state === null) change.removed.push(id);
    else if (was !== null) change.updated.push(id);
    this.emit(change);
  }

  /** This page's state (a copy), or `null`. */
  getLocal(): PresenceState | null {
    return this.local === null ? null : (JSON.parse(this.local) as PresenceState);
  }

  /** Every present client's state by client id, this page's included if set. */
  getStates(): Map<string, PresenceState> {
    if (!this.states) {
      this.states = new Map();
      for (const [client, text] of this.core.states()) {
        this.states.set(client, JSON.parse(text) as PresenceState);
      }
    }
    return new Map(this.states);
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  on(event: "change", listener: (change: PresenceChange) => void): () => void {
    if (event !== "change") throw new TypeError(`Presence has no "${String(event)}" event`);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Connects a transport: `send` carries presence messages to its peers. Returns the link
   * through which the transport hands over what it receives.
   */
  link(send: Send): PresenceLink {
    const link: Link = { send, id: this.core.openLink() };
    this.links.add(link);
    return {
      receive: (message) => this.receive(link, message),
      announce: () => {
        if (this.links.has(link)) link.send(this.core.encodeLocal());
      },
      close: () => this.unlink(link),
    };
  }

  /** Leaves (the others see this page go at once), stops the timers and releases the object. */
  destroy(): void {
    if (this.destroyed) return;
    if (this.local !== null) {
      this.core.setLocal(undefined);
      this.sendNow();
    }
    this.destroyed = true;
    clearInterval(this.timer);
    globalThis.removeEventListener?.("pagehide", this.onPageHide);
    globalThis.removeEventListener?.("pageshow", this.onPageShow);
    this.links.clear();
    this.listeners.clear();
    this.core.free();
  }

  private receive(link: Link, message: Uint8Array): void {
    if (this.destroyed || !this.links.has(link)) return;
    const change = this.core.apply(message, Date.now(), link.id);
    if (change) this.changed({ added: change[0], updated: change[1], removed: change[2], local: false });
  }

  private unlink(link: Link): void {
    if (!this.links.delete(link) || this.destroyed) return;
    const change = this.core.closeLink(link.id);
    if (change) this.changed({ added: change[0], updated: change[1], removed: change[2], local: false });
  }

  private tick(): void {
    if (this.destroyed) return;
    const now = Date.now();
    const expired = this.core.expire(now, this.timeout);
    if (expired.length > 0) this.changed({ added: [], updated: [], removed: expired, local: false });
    if (now - this.lastSent >= this.resendInterval) this.sendNow();
  }

  private scheduleSend(): void {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (!this.destroyed) this.sendNow();
    });
  }

  private sendNow(): void {
    this.lastSent = Date.now();
    if (this.links.size === 0) return;
    const message = this.core.encodeLocal();
    for (const link of [...this.links]) {
      try {
        link.send(message);
      } catch (error) {
        console.warn("weft: a transport refused a presence message", error);
      }
    }
  }

  /** The page is going away (closed, or into the back-forward cache): leave now. */
  private pageHidden(): void {
    if (this.destroyed || this.local === null) return;
    this.hidden = this.local;
    this.core.setLocal(undefined);
    this.sendNow();
  }

  /** The page came back from the back-forward cache: show this page again. */
  private pageShown(event: Event): void {
    if (this.destroyed || this.hidden === null || !(event as { persisted?: boolean }).persisted) return;
    const state = JSON.parse(this.hidden) as PresenceState;
    this.hidden = null;
    this.setLocal(state);
  }

  private changed(change: PresenceChange): void {
    if (change.added.length + change.updated.length + change.removed.length === 0) return;
    this.states = undefined;
    this.emit(change);
  }

  private emit(change: PresenceChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
