import { Doc } from "../wasm/weft_wasm.js";

/** Options of {@link IndexedDbPersistence.open}. */
export interface IndexedDbOptions {
  /** Replace the stored updates by one snapshot once this many have accumulated (default 200). */
  compactAfter?: number;
  /** The IndexedDB factory (default: the global `indexedDB`). */
  indexedDB?: IDBFactory;
  /**
   * The Web Locks manager that keeps two live tabs from sharing a replica id (default:
   * `navigator.locks`). Without one (`null`, or where the API is missing) every `open` starts a
   * new replica, as two tabs could not otherwise tell each other apart.
   */
  locks?: LockManager | null;
}

const SNAPSHOT = "snapshot";
const UPDATES = "updates";
const REPLICAS = "replicas";
const STATE_KEY = "state";

/**
 * Keeps a document in IndexedDB: every update is appended as it happens (one small record per
 * transaction), and the records are compacted into one snapshot from time to time.
 *
 * One device, one replica: the replica ids this database has used are kept beside the state,
 * and `open` takes one that no live tab holds (a Web Lock per id, held until `close` or until
 * the tab goes away), so reloading a page continues its replica instead of adding an id to
 * every version vector, and two tabs open at once never edit under one id. Only when every
 * known id is held (or Web Locks are missing) does `open` start a new replica, whose id is
 * then kept for next time. A replica that finds its latest changes missing from storage (the
 * tab closed before a write landed, and the server holds them) continues under a new id on its
 * own (see docs/SYNC.md, "Restarting from an older snapshot"); the new id replaces the old.
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
  private replica: Claim;
  private readonly locks: LockManager | null;
  private readonly lockPrefix: string;

  private constructor(
    db: IDBDatabase,
    doc: Doc,
    stored: number,
    compactAfter: number,
    replica: Claim,
    locks: LockManager | null,
    lockPrefix: string,
  ) {
    this.db = db;
    this.doc = doc;
    this.stored = stored;
    this.compactAfter = compactAfter;
    this.replica = replica;
    this.locks = locks;
    this.lockPrefix = lockPrefix;
    this.unsubscribe = doc.onUpdate((update) => this.append(update));
  }

  /** Opens (or creates) the database `name` and loads the document stored there. */
  static async open(name: string, options: IndexedDbOptions = {}): Promise<IndexedDbPersistence> {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    const db = await request(
      (() => {
        const opening = factory.open(`weft:${name}`, 2);
        opening.onupgradeneeded = () => {
          const stores = opening.result.objectStoreNames;
          if (!stores.contains(SNAPSHOT)) opening.result.createObjectStore(SNAPSHOT);
          if (!stores.contains(UPDATES)) {
            opening.result.createObjectStore(UPDATES, { autoIncrement: true });
          }
          if (!stores.contains(REPLICAS)) opening.result.createObjectStore(REPLICAS);
        };
        return opening;
      })(),
    );
    const transaction = db.transaction([SNAPSHOT, UPDATES, REPLICAS], "readonly");
    const [snapshot, updates, known] = await Promise.all([
      request<Uint8Array | undefined>(transaction.objectStore(SNAPSHOT).get(STATE_KEY)),
      request<Uint8Array[]>(transaction.objectStore(UPDATES).getAll()),
      request<IDBValidKey[]>(transaction.objectStore(REPLICAS).getAllKeys()),
    ]);
    const locks = options.locks === undefined ? defaultLocks() : options.locks;
    const lockPrefix = `weft:${name}:replica:`;
    let claim: Claim = { id: undefined, release: () => {} };
    if (locks) {
      for (const id of known) {
        const release = await tryLock(locks, lockPrefix + String(id));
        if (release) {
          claim = { id: String(id), release };
          break;
        }
      }
    }
    const doc = new Doc(claim.id);
    doc.transact(() => {
      if (snapshot) doc.applyDelta(snapshot);
      for (const update of updates) doc.applyDelta(update);
    });
    const persistence = new IndexedDbPersistence(
      db,
      doc,
      updates.length,
      options.compactAfter ?? 200,
      claim,
      locks,
      lockPrefix,
    );
    if (claim.id === undefined) await persistence.adopt(doc.replicaId, undefined);
    return persistence;
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

  /** Stops storing changes and closes the database (after pending writes), and frees the
   * replica id for the next `open`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    await this.writes;
    this.db.close();
    this.replica.release();
  }

  /**
   * Makes `id` this store's replica: it is recorded (replacing `previous`, which the document
   * gave up) and, with Web Locks, held so that no other tab opens it.
   */
  private async adopt(id: string, previous: string | undefined): Promise<void> {
    const given = this.replica;
    const claim: Claim = { id, release: () => {} };
    this.replica = claim;
    given.release();
    const release = this.locks ? await tryLock(this.locks, this.lockPrefix + id) : null;
    if (release) claim.release = release;
    await this.write((transaction) => {
      const replicas = transaction.objectStore(REPLICAS);
      if (previous !== undefined) replicas.delete(previous);
      replicas.put(Date.now(), id);
    });
  }

  private append(update: Uint8Array): void {
    if (this.closed) return;
    const id = this.doc.replicaId;
    if (id !== this.replica.id) void this.adopt(id, this.replica.id);
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
    const transaction = this.db.transaction([SNAPSHOT, UPDATES, REPLICAS], "readwrite");
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

/** A replica id this store uses, and how to give it back. */
interface Claim {
  id: string | undefined;
  release: () => void;
}

function defaultLocks(): LockManager | null {
  const navigator = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return navigator?.locks ?? null;
}

/**
 * Takes the Web Lock `name` if no one holds it, and keeps it until the returned function is
 * called (or the page goes away); `null` if another tab holds it.
 */
function tryLock(locks: LockManager, name: string): Promise<(() => void) | null> {
  return new Promise((resolve) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        return new Promise<void>((release) => resolve(() => release()));
      })
      .catch(() => resolve(null));
  });
}
