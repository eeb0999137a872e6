import type { OpStore, ReceiptStore, RelayStore, SettingsStore } from '@parley/model';
import { createMemoryDocStore } from './memoryDocStore.ts';
import { createMemoryMessageIndex } from './memoryMessageIndex.ts';
import { compareText, createMemoryTables, type MemoryTables, pairKey } from './memoryTables.ts';
import { createMemoryMemberStore, createMemoryThreadStore } from './memoryThreadStores.ts';
import { createUndoLog, setUndoable, type UndoLog } from './undoLog.ts';
import { createMemoryWebhookStore } from './memoryWebhookStore.ts';

function createMemoryOpStore(tables: MemoryTables, log: UndoLog): OpStore {
  return {
    get(userId, opId) {
      const row = tables.ops.get(pairKey(userId, opId));
      return row && structuredClone(row);
    },
    put(row) {
      setUndoable(log, tables.ops, pairKey(row.userId, row.opId), structuredClone(row));
    },
    lastN(userId, device) {
      let n = 0;
      for (const op of tables.ops.values())
        if (op.userId === userId && op.device === device && op.n > n) n = op.n;
      return n;
    },
  };
}

function createMemoryReceiptStore(tables: MemoryTables, log: UndoLog): ReceiptStore {
  return {
    put(row) {
      const key = pairKey(row.threadId, row.userId);
      const stored = tables.receipts.get(key);
      if (stored && stored.seq >= row.seq) return;
      setUndoable(log, tables.receipts, key, { ...row });
    },
    list(threadId) {
      return [...tables.receipts.values()]
        .filter((r) => r.threadId === threadId)
        .sort((a, b) => compareText(a.userId, b.userId))
        .map((r) => ({ ...r }));
    },
  };
}

function createMemorySettingsStore(tables: MemoryTables, log: UndoLog): SettingsStore {
  return {
    get: (key) => tables.settings.get(key),
    set: (key, value) => setUndoable(log, tables.settings, key, value),
  };
}

/**
 * A `RelayStore` in memory, for tests and simulations. It behaves as `@parley/store-sqlite` does
 * (both pass `runRelayStoreTests`): transactions nest and roll back on a throw, bytes and rows are
 * copied on the way in and out. After `close()` every call throws.
 *
 * @example
 * const store = createMemoryStore();
 * store.transaction(() => store.settings.set('k', 'v'));
 * store.settings.get('k'); // 'v'
 */
export function createMemoryStore(): RelayStore {
  const log = createUndoLog();
  const tables = createMemoryTables();
  let closed = false;
  const guard = <T extends object>(part: T): T =>
    new Proxy(part, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (closed) throw new Error('the store is closed');
          return value.apply(target, args);
        };
      },
    });

  return {
    docs: guard(createMemoryDocStore(log)),
    threads: guard(createMemoryThreadStore(tables, log)),
    members: guard(createMemoryMemberStore(tables, log)),
    messages: guard(createMemoryMessageIndex(tables, log)),
    ops: guard(createMemoryOpStore(tables, log)),
    receipts: guard(createMemoryReceiptStore(tables, log)),
    settings: guard(createMemorySettingsStore(tables, log)),
    webhooks: guard(createMemoryWebhookStore(log)),
    transaction(fn) {
      if (closed) throw new Error('the store is closed');
      return log.run(fn);
    },
    close() {
      closed = true;
    },
  };
}
