import type { MemberRow, MessageRow, OpRow, ReceiptRow, ThreadRow } from '@parley/model';

/** The rows of an in-memory relay store, keyed like the SQLite tables' primary keys. */
export interface MemoryTables {
  readonly threads: Map<string, ThreadRow>;
  /** Keyed by `pairKey(threadId, userId)`; Map order is insertion order, like SQLite's rowid. */
  readonly members: Map<string, MemberRow>;
  /** Keyed by `pairKey(threadId, messageId)`. */
  readonly messages: Map<string, MessageRow>;
  /** Keyed by `pairKey(userId, opId)`. */
  readonly ops: Map<string, OpRow>;
  /** Keyed by `pairKey(threadId, userId)`. */
  readonly receipts: Map<string, ReceiptRow>;
  readonly settings: Map<string, string>;
}

export function createMemoryTables(): MemoryTables {
  return {
    threads: new Map(),
    members: new Map(),
    messages: new Map(),
    ops: new Map(),
    receipts: new Map(),
    settings: new Map(),
  };
}

/** A composite key that cannot collide ('\0' does not occur in ids). */
export function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

/** Compares in code-unit order, like `Array.prototype.sort` and SQLite's BINARY on ASCII. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "Newest activity first": last message, else creation time, descending; ties by id. */
export function compareThreadActivity(a: ThreadRow, b: ThreadRow): number {
  return (
    compareText(b.lastMessageOn ?? b.createdOn, a.lastMessageOn ?? a.createdOn) || compareText(a.id, b.id)
  );
}
