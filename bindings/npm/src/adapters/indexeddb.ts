import { Doc } from "../wasm/weft_wasm.js";

/** Options of {@link IndexedDbPersistence.open}. */
export interface IndexedDbOptions {
  /** Replace the stored updates by one snapshot once this many have accumulated (default 200). */
  compactAfter?: number;
  /** The IndexedDB factory (default: the global `indexedDB`). */
  indexedDB?: IDBFactory;
}

const SNAPSHOT = "snapshot";
const UPDATES = "updates";
const STATE_KEY = "state";

/**
 * Keeps a document in IndexedDB: every update is appended as it happens (one small record per
 * transaction), and the records are compacted into one snapshot from time to time.
 *
 * Each `open` makes a new replica (a fresh replica id) holding the stored state, so that two
 * tabs opening the same database never edit under one id. The snapshot is the full state as a
 * delta (`exportDelta()`), which carries no replica id.
 */
export class IndexedDbPersistence {
  /** The document, loaded from storage and kept there. */
  readonly doc: Doc;
  private readonly db: IDBDatabase;
  private readonly compactAfter: number;
  private stored: number;
  private writes: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private closed = false;

  private constructor(db: IDBDatabase, doc: Doc, stored: number, compactAfter: number) {
    this.db = db;
    this.doc = doc;
    this.stored = stored;
    this.compactAfter = compactAfter;
    this.unsubscribe = doc.onUpdate((update) => this.append(update));
  }

  /** Opens (or creates) the database `name` and loads the document stored there. */
  static async open(name: string, options: IndexedDbOptions = {}): Promise<IndexedDbPersistence> {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    const db = await request(
      (() => {
        const opening = factory.open(`weft:${name}`, 1);
        opening.onupgradeneeded = () => {
          opening.result.createObjectStore(SNAPSHOT);
          opening.result.createObjectStore(UPDATES, { autoIncrement: true });
        };
        return opening;
      })(),
    );
    const transaction = db.transaction([SNAPSHOT, UPDATES], "readonly");
    const [snapshot, updates] = await Promise.all([
      request<Uint8Array | undefined>(transaction.objectStore(SNAPSHOT).get(STATE_KEY)),
      request<Uint8Array[]>(transaction.objectStore(UPDATES).getAll()),
    ]);
    const doc = new Doc();
    doc.transact(() => {
      if (snapshot) doc.applyDelta(snapshot);
      for (const update of updates) doc.applyDelta(update);
    });
    return new IndexedDbPersistence(db, doc, updates.length, options.compactAfter ?? 200);
  }

  /** Resolves once every update so far is stored. */
  flush(): Promise<void> {
    return this.writes;
  }

  /** Replaces the stored updates by one snapshot of the document (done automatically). */
  compact(): Promise<void> {
    const state = this.doc.exportDelta();
    this.stored = 0;
    return this.write((transaction) => {
      transaction.objectStore(SNAPSHOT).put(state, STATE_KEY);
      transaction.objectStore(UPDATES).clear();
    });
  }

  /** Stops storing changes and closes the database (after pending writes). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    await this.writes;
    this.db.close();
  }

  private append(update: Uint8Array): void {
    if (this.closed) return;
    this.stored += 1;
    if (this.stored >= this.compactAfter) {
      void this.compact();
      return;
    }
    void this.write((transaction) => {
      transaction.objectStore(UPDATES).add(update);
    });
  }

  /**
   * Runs `change` in a read-write transaction. Transactions are created in call order and
   * IndexedDB runs overlapping read-write transactions in creation order, so a snapshot never
   * loses an update appended before it.
   */
  private write(change: (transaction: IDBTransaction) => void): Promise<void> {
    const transaction = this.db.transaction([SNAPSHOT, UPDATES], "readwrite");
    change(transaction);
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    this.writes = this.writes.then(() => done);
    return done;
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
