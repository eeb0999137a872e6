import type { LocalDocStore } from '@parley/model';

/**
 * A `LocalDocStore` in memory (a Node client's store without a file). Bytes are copied on the
 * way in and out. After `close()` every call throws.
 *
 * @example
 * const local = createMemoryLocalStore();
 * local.append('user:alice', update);
 * local.load('user:alice'); // [update]
 */
export function createMemoryLocalStore(): LocalDocStore {
  const docs = new Map<string, Uint8Array[]>();
  const meta = new Map<string, string>();
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the store is closed');
  };
  return {
    load(docName) {
      open();
      return (docs.get(docName) ?? []).map((u) => u.slice());
    },
    append(docName, update) {
      open();
      const updates = docs.get(docName);
      if (updates) updates.push(update.slice());
      else docs.set(docName, [update.slice()]);
    },
    replace(docName, state) {
      open();
      docs.set(docName, [state.slice()]);
    },
    delete(docName) {
      open();
      docs.delete(docName);
    },
    list() {
      open();
      return [...docs.keys()].sort();
    },
    getMeta(key) {
      open();
      return meta.get(key);
    },
    setMeta(key, value) {
      open();
      meta.set(key, value);
    },
    close() {
      closed = true;
    },
  };
}
