import type { ClientStorage } from './clientStorage.ts';

/**
 * IndexedDB storage for browsers. One database per client store, not one per doc: `y-indexeddb`
 * opens a database per doc and its update log grows on every open (y-indexeddb#31), which for a
 * user in hundreds of threads means hundreds of databases. Here every doc's updates live in one
 * `updates` object store indexed by doc name, and the client compacts a doc (replace with one merged
 * update) when its log gets long; small values live in a `meta` store.
 */
export interface IndexedDbStorageOptions {
  /** The IndexedDB factory (default `globalThis.indexedDB`; tests pass `fake-indexeddb`'s). */
  readonly indexedDB?: IDBFactory;
}

const UPDATES = 'updates';
const META = 'meta';

const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

const openDb = (factory: IDBFactory, name: string): Promise<IDBDatabase> =>
  new Promise((resolve, reject) => {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      const updates = db.createObjectStore(UPDATES, { autoIncrement: true });
      updates.createIndex('doc', 'doc');
      db.createObjectStore(META);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

interface UpdateRow {
  readonly doc: string;
  readonly update: Uint8Array;
}

/**
 * Opens (or creates) the IndexedDB database `dbName` as a `ClientStorage`.
 *
 * @example
 * const client = createChatClient({ url, token, storage: createIndexedDbStorage('parley-alice') });
 */
export const createIndexedDbStorage = (
  dbName: string,
  options: IndexedDbStorageOptions = {},
): ClientStorage => {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new Error('createIndexedDbStorage: no IndexedDB in this environment');
  const dbPromise = openDb(factory, dbName);

  /** Deletes a doc's rows, then runs `next` in the same transaction (keys first, so `next` is safe). */
  const deleteDocRows = (store: IDBObjectStore, doc: string, next?: () => void): void => {
    const keysReq = store.index('doc').getAllKeys(IDBKeyRange.only(doc));
    keysReq.onsuccess = () => {
      for (const key of keysReq.result) store.delete(key);
      next?.();
    };
  };

  return {
    async load(doc) {
      const db = await dbPromise;
      const tx = db.transaction(UPDATES, 'readonly');
      const rows = await request(tx.objectStore(UPDATES).index('doc').getAll(IDBKeyRange.only(doc)));
      return (rows as UpdateRow[]).map((r) => new Uint8Array(r.update));
    },
    async append(doc, update) {
      const db = await dbPromise;
      const tx = db.transaction(UPDATES, 'readwrite');
      tx.objectStore(UPDATES).add({ doc, update: update.slice() } satisfies UpdateRow);
      await done(tx);
    },
    async replace(doc, state) {
      const db = await dbPromise;
      const tx = db.transaction(UPDATES, 'readwrite');
      const store = tx.objectStore(UPDATES);
      const row: UpdateRow = { doc, update: state.slice() };
      deleteDocRows(store, doc, () => store.add(row));
      await done(tx);
    },
    async delete(doc) {
      const db = await dbPromise;
      const tx = db.transaction(UPDATES, 'readwrite');
      deleteDocRows(tx.objectStore(UPDATES), doc);
      await done(tx);
    },
    async list() {
      const db = await dbPromise;
      const tx = db.transaction(UPDATES, 'readonly');
      const names: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const req = tx.objectStore(UPDATES).index('doc').openKeyCursor(null, 'nextunique');
        req.onsuccess = () => {
          const cursor = req.result;
          if (!cursor) return resolve();
          names.push(String(cursor.key));
          cursor.continue();
        };
        req.onerror = () => reject(req.error);
      });
      return names.sort();
    },
    async getMeta(key) {
      const db = await dbPromise;
      const value = await request(db.transaction(META, 'readonly').objectStore(META).get(key));
      return typeof value === 'string' ? value : undefined;
    },
    async setMeta(key, value) {
      const db = await dbPromise;
      const tx = db.transaction(META, 'readwrite');
      if (value === undefined) tx.objectStore(META).delete(key);
      else tx.objectStore(META).put(value, key);
      await done(tx);
    },
    async close() {
      (await dbPromise).close();
    },
  };
};
