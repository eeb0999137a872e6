import type { LocalDocStore } from '@parley/model';

/**
 * Where a client keeps its local copies of docs and a few small values (device id, op counter,
 * each doc's visibility generation). Async so that browsers can use IndexedDB; Node clients wrap a
 * synchronous `LocalDocStore` (SQLite) with `fromLocalDocStore`.
 */
export interface ClientStorage {
  /** Everything stored for a doc, to apply in order (snapshot first); `[]` for an unknown doc. */
  load(docName: string): Promise<Uint8Array[]>;
  append(docName: string, update: Uint8Array): Promise<void>;
  /** Replaces a doc's stored state with one update (compaction). */
  replace(docName: string, state: Uint8Array): Promise<void>;
  delete(docName: string): Promise<void>;
  list(): Promise<string[]>;
  getMeta(key: string): Promise<string | undefined>;
  /** `undefined` removes the key. */
  setMeta(key: string, value: string | undefined): Promise<void>;
  close(): Promise<void>;
}

/**
 * Adapts a synchronous `LocalDocStore` (`createSqliteLocalStore(path)` from `@parley/store-sqlite`,
 * `createMemoryLocalStore()` from `@parley/testing`). Closing the storage closes the store.
 *
 * @example
 * const storage = fromLocalDocStore(createSqliteLocalStore('/tmp/alice.db'));
 */
export const fromLocalDocStore = (store: LocalDocStore): ClientStorage => {
  let closed = false;
  const guard = <T>(fn: () => T): Promise<T> => {
    if (closed) return Promise.reject(new Error('ClientStorage is closed'));
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return {
    load: (doc) => guard(() => store.load(doc)),
    append: (doc, update) => guard(() => store.append(doc, update)),
    replace: (doc, state) => guard(() => store.replace(doc, state)),
    delete: (doc) => guard(() => store.delete(doc)),
    list: () => guard(() => store.list()),
    getMeta: (key) => guard(() => store.getMeta(key) || undefined),
    setMeta: (key, value) => guard(() => store.setMeta(key, value ?? '')),
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      store.close();
      return Promise.resolve();
    },
  };
};

/**
 * A storage that lives in memory (tests, or a client that should forget everything on exit).
 * Pass the same instance to a second client to simulate a restart on the same store.
 *
 * @example
 * const storage = createMemoryStorage();
 */
export const createMemoryStorage = (): ClientStorage & { reopen(): ClientStorage } => {
  const docs = new Map<string, Uint8Array[]>();
  const meta = new Map<string, string>();
  const make = (): ClientStorage & { reopen(): ClientStorage } => ({
    load: async (doc) => [...(docs.get(doc) ?? [])],
    append: async (doc, update) => {
      const list = docs.get(doc) ?? [];
      list.push(update.slice());
      docs.set(doc, list);
    },
    replace: async (doc, state) => {
      docs.set(doc, [state.slice()]);
    },
    delete: async (doc) => {
      docs.delete(doc);
    },
    list: async () => [...docs.keys()].sort(),
    getMeta: async (key) => meta.get(key),
    setMeta: async (key, value) => {
      if (value === undefined || value === '') meta.delete(key);
      else meta.set(key, value);
    },
    close: async () => {},
    reopen: make,
  });
  return make();
};
