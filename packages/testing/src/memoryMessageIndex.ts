import type { MessageIndex, UsageRow } from '@parley/model';
import { compareText, type MemoryTables, pairKey } from './memoryTables.ts';
import { setUndoable, type UndoLog } from './undoLog.ts';

const USER_MESSAGE_TYPES = new Set(['text', 'html']);

/**
 * The message index in memory. Usage counts user messages (`text`, `html`) with
 * `from <= createdOn < to`, by UTC day, thread and sender.
 *
 * @example
 * const index = createMemoryMessageIndex(createMemoryTables(), createUndoLog());
 */
export function createMemoryMessageIndex(tables: MemoryTables, log: UndoLog): MessageIndex {
  const ofThread = (threadId: string) => [...tables.messages.values()].filter((m) => m.threadId === threadId);
  return {
    put(row) {
      setUndoable(log, tables.messages, pairKey(row.threadId, row.messageId), { ...row });
    },
    get(threadId, messageId) {
      const row = tables.messages.get(pairKey(threadId, messageId));
      return row && { ...row };
    },
    list(threadId, options = {}) {
      const { beforeSeq, afterSeq, limit } = options;
      const sign = options.order === 'asc' ? 1 : -1;
      const rows = ofThread(threadId)
        .filter(
          (m) =>
            (beforeSeq === undefined || m.seq < beforeSeq) && (afterSeq === undefined || m.seq > afterSeq),
        )
        .sort((a, b) => sign * (a.seq - b.seq));
      const limited = limit === undefined || limit < 0 ? rows : rows.slice(0, limit);
      return limited.map((m) => ({ ...m }));
    },
    firstSeqAtOrAfter(threadId, time) {
      let first: number | undefined;
      for (const m of ofThread(threadId)) {
        if (m.createdOn >= time && (first === undefined || m.seq < first)) first = m.seq;
      }
      return first;
    },
    usage(from, to) {
      const counts = new Map<string, UsageRow>();
      for (const m of tables.messages.values()) {
        if (m.sender === null || !USER_MESSAGE_TYPES.has(m.type) || m.createdOn < from || m.createdOn >= to)
          continue;
        const day = m.createdOn.slice(0, 10);
        const key = [day, m.threadId, m.sender].join('\u0000');
        const row = counts.get(key);
        counts.set(key, { day, threadId: m.threadId, userId: m.sender, messages: (row?.messages ?? 0) + 1 });
      }
      return [...counts.values()].sort(
        (a, b) =>
          compareText(a.day, b.day) || compareText(a.threadId, b.threadId) || compareText(a.userId, b.userId),
      );
    },
  };
}
