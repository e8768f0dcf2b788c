import { SyncSession } from "../wasm/weft_wasm.js";
import type { Doc } from "../wasm/weft_wasm.js";
import { Presence, type PresenceLink } from "../presence.js";

/** Where a {@link WebSocketSync} connection stands. */
export type ConnectionStatus = "connecting" | "open" | "offline" | "closed";

/** Options of {@link WebSocketSync}. */
export interface WebSocketSyncOptions {
  /** First reconnection delay in milliseconds (default 250); doubles on each failure. */
  minDelay?: number;
  /** Longest reconnection delay in milliseconds (default 10,000). */
  maxDelay?: number;
  /** Silence in milliseconds after which unacknowledged messages are sent again (default 3,000). */
  timeout?: number;
  /** The WebSocket constructor (default: the global `WebSocket`). */
  WebSocket?: typeof WebSocket;
  /** Called whenever the status changes. */
  onStatus?: (status: ConnectionStatus) => void;
  /**
   * Carries this presence too: the local state is sent on every connection and change, the
   * others' states arrive through the server, and those heard only here leave when the
   * connection drops.
   */
  presence?: Presence;
}

/**
 * Syncs a document with a server over a WebSocket, through the Weft sync protocol. The client
 * keeps working offline: changes made meanwhile are sent when the connection comes back. A
 * lost connection is retried with exponential backoff and jitter, and the session resumes:
 * nothing the server acknowledged is sent again.
 */
export class WebSocketSync {
  private readonly session: SyncSession;
  private readonly options: Required<Omit<WebSocketSyncOptions, "onStatus" | "presence">> &
    Pick<WebSocketSyncOptions, "onStatus" | "presence">;
  private presenceLink: PresenceLink | undefined;
  private socket: WebSocket | undefined;
  private attempts = 0;
  private connectedOnce = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly idleTimer: ReturnType<typeof setInterval>;
  private lastHeard = Date.now();
  private current: ConnectionStatus = "connecting";

  constructor(
    doc: Doc,
    private readonly url: string,
    options: WebSocketSyncOptions = {},
  ) {
    this.options = {
      minDelay: options.minDelay ?? 250,
      maxDelay: options.maxDelay ?? 10_000,
      timeout: options.timeout ?? 3_000,
      WebSocket: options.WebSocket ?? globalThis.WebSocket,
      onStatus: options.onStatus,
      presence: options.presence,
    };
    this.session = new SyncSession(doc, (message) => {
      if (this.socket?.readyState === 1) this.socket.send(message);
    });
    this.idleTimer = setInterval(() => this.checkSilence(), this.options.timeout);
    this.connect();
  }

  /** Where the connection stands. */
  get status(): ConnectionStatus {
    return this.current;
  }

  /** Whether everything local reached the server and was acknowledged. */
  get isIdle(): boolean {
    return this.current === "open" && this.session.isIdle;
  }

  /** Closes the connection for good (calling it again does nothing). */
  close(): void {
    if (this.current === "closed") return;
    this.setStatus("closed");
    this.presenceLink?.close();
    this.presenceLink = undefined;
    clearInterval(this.idleTimer);
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = undefined;
    this.session.free();
  }

  private connect(): void {
    if (this.current === "closed") return;
    this.setStatus("connecting");
    const socket = new this.options.WebSocket(this.url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.lastHeard = Date.now();
      this.setStatus("open");
      if (this.connectedOnce) {
        this.session.reconnect();
      } else {
        this.connectedOnce = true;
        this.session.flush();
      }
      if (this.options.presence) {
        // The first presence message also tells the server this client speaks presence.
        this.presenceLink = this.options.presence.link((message) => {
          if (socket.readyState === 1) socket.send(message);
        });
        this.presenceLink.announce();
      }
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer>) => {
      // A closing socket may still deliver what was in flight; the session is freed by then.
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      const message = new Uint8Array(event.data);
      try {
        if (this.presenceLink && Presence.isPresenceMessage(message)) {
          this.presenceLink.receive(message);
        } else {
          this.session.receive(message);
        }
      } catch (error) {
        // A message the protocol refuses changes nothing; the server will send again.
        console.warn("weft: refused a sync message", error);
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.presenceLink?.close();
      this.presenceLink = undefined;
      this.scheduleReconnect();
    };
    socket.onerror = () => socket.close();
  }

  private scheduleReconnect(): void {
    if (this.current === "closed") return;
    this.setStatus("offline");
    const { minDelay, maxDelay } = this.options;
    const delay = Math.min(maxDelay, minDelay * 2 ** this.attempts);
    this.attempts += 1;
    // Full jitter between half the delay and the delay, so clients do not reconnect in step.
    this.retryTimer = setTimeout(() => this.connect(), delay * (0.5 + Math.random() / 2));
  }

  private checkSilence(): void {
    if (this.current !== "open" || this.session.isIdle) return;
    if (Date.now() - this.lastHeard >= this.options.timeout) this.session.timeout();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.current === status) return;
    this.current = status;
    this.options.onStatus?.(status);
  }
}
