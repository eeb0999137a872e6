import type { MemberStore, ThreadStore } from '@parley/model';
import { compareText, compareThreadActivity, type MemoryTables, pairKey } from './memoryTables.ts';
import { deleteWhereUndoable, setUndoable, type UndoLog } from './undoLog.ts';

/**
 * Threads in memory; `purge` cascades to members, index rows and receipts as SQLite's does.
 *
 * @example
 * const threads = createMemoryThreadStore(createMemoryTables(), createUndoLog());
 */
export function createMemoryThreadStore(tables: MemoryTables, log: UndoLog): ThreadStore {
  return {
    put(row) {
      setUndoable(log, tables.threads, row.id, { ...row });
    },
    get(id) {
      const row = tables.threads.get(id);
      return row && { ...row };
    },
    findByIdempotencyKey(createdBy, key) {
      const found = [...tables.threads.values()]
        .filter((t) => t.createdBy === createdBy && t.idempotencyKey === key)
        .sort((a, b) => compareText(a.createdOn, b.createdOn) || compareText(a.id, b.id))[0];
      return found && { ...found };
    },
    list(options = {}) {
      const rows = [...tables.threads.values()]
        .filter((t) => options.includeDeleted || t.deletedOn === null)
        .sort(compareThreadActivity);
      const limited = options.limit === undefined || options.limit < 0 ? rows : rows.slice(0, options.limit);
      return limited.map((t) => ({ ...t }));
    },
    purge(id) {
      const ofThread = (key: string) => key.startsWith(pairKey(id, ''));
      deleteWhereUndoable(log, tables.members, ofThread);
      deleteWhereUndoable(log, tables.messages, ofThread);
      deleteWhereUndoable(log, tables.receipts, ofThread);
      deleteWhereUndoable(log, tables.threads, (key) => key === id);
    },
  };
}

/**
 * Memberships in memory: "order added" is `addedOn`, then first insertion.
 *
 * @example
 * const members = createMemoryMemberStore(createMemoryTables(), createUndoLog());
 */
export function createMemoryMemberStore(tables: MemoryTables, log: UndoLog): MemberStore {
  return {
    put(row) {
      setUndoable(log, tables.members, pairKey(row.threadId, row.userId), { ...row });
    },
    get(threadId, userId) {
      const row = tables.members.get(pairKey(threadId, userId));
      return row && { ...row };
    },
    list(threadId, options = {}) {
      return [...tables.members.values()]
        .filter((m) => m.threadId === threadId && (options.includeRemoved || m.removedOn === null))
        .sort((a, b) => compareText(a.addedOn, b.addedOn))
        .map((m) => ({ ...m }));
    },
    threadsOf(userId) {
      const rank = (threadId: string) => tables.threads.get(threadId);
      return [...tables.members.values()]
        .filter((m) => m.userId === userId)
        .sort((a, b) => {
          const ta = rank(a.threadId);
          const tb = rank(b.threadId);
          if (ta && tb) return compareThreadActivity(ta, tb);
          if (ta || tb) return ta ? -1 : 1;
          return compareText(a.threadId, b.threadId);
        })
        .map((m) => ({ ...m }));
    },
    countActive(threadId) {
      let n = 0;
      for (const m of tables.members.values()) if (m.threadId === threadId && m.removedOn === null) n++;
      return n;
    },
  };
}
