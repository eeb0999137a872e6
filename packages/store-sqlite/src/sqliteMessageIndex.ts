import type { MessageIndex, MessageRow, UsageRow } from '@parley/model';
import type Database from 'better-sqlite3';
import type { WriteBehind } from './writeBehind.ts';

interface MessageRecord {
  thread_id: string;
  message_id: string;
  page: number;
  seq: number;
  sender: string | null;
  type: string;
  priority: string;
  created_on: string;
  deleted_on: string | null;
}

function toRow(r: MessageRecord): MessageRow {
  return {
    threadId: r.thread_id,
    messageId: r.message_id,
    page: r.page,
    seq: r.seq,
    sender: r.sender,
    type: r.type,
    priority: r.priority,
    createdOn: r.created_on,
    deletedOn: r.deleted_on,
  };
}

/** Message types that users send; everything else (system messages) is left out of usage. */
export const USER_MESSAGE_TYPES: readonly string[] = ['text', 'html'];

/**
 * The `messages` table (the message index) as a `MessageIndex`. Usage counts user messages
 * (`text`, `html`) with `from <= createdOn < to`, grouped by UTC day (the first ten characters of
 * the ISO time), thread and sender. With `writeBehind`, `put` inside the store's transaction holds
 * the row until it commits (`writeBehind.ts`); `get` sees it, every other read writes it first.
 *
 * @example
 * const index = createSqliteMessageIndex(db);
 * index.list(threadId, { limit: 50 }); // newest first
 */
export function createSqliteMessageIndex(db: Database.Database, writeBehind?: WriteBehind): MessageIndex {
  const upsert = db.prepare<MessageRecord>(
    `INSERT INTO messages (thread_id, message_id, page, seq, sender, type, priority, created_on, deleted_on)
     VALUES ($thread_id, $message_id, $page, $seq, $sender, $type, $priority, $created_on, $deleted_on)
     ON CONFLICT (thread_id, message_id) DO UPDATE SET page = excluded.page, seq = excluded.seq,
       sender = excluded.sender, type = excluded.type, priority = excluded.priority,
       created_on = excluded.created_on, deleted_on = excluded.deleted_on`,
  );
  const selectOne = db.prepare<[string, string], MessageRecord>(
    'SELECT * FROM messages WHERE thread_id = ? AND message_id = ?',
  );
  type Range = { thread: string; before: number | null; after: number | null; limit: number };
  const where = `thread_id = $thread AND ($before IS NULL OR seq < $before) AND ($after IS NULL OR seq > $after)`;
  const selectDesc = db.prepare<Range, MessageRecord>(
    `SELECT * FROM messages WHERE ${where} ORDER BY seq DESC LIMIT $limit`,
  );
  const selectAsc = db.prepare<Range, MessageRecord>(
    `SELECT * FROM messages WHERE ${where} ORDER BY seq ASC LIMIT $limit`,
  );
  const selectFirstSeq = db.prepare<[string, string], { seq: number | null }>(
    'SELECT min(seq) AS seq FROM messages WHERE thread_id = ? AND created_on >= ?',
  );
  const userTypes = USER_MESSAGE_TYPES.map((t) => `'${t}'`).join(', ');
  const selectUsage = db.prepare<
    [string, string],
    { day: string; threadId: string; userId: string; messages: number }
  >(
    `SELECT substr(created_on, 1, 10) AS day, thread_id AS threadId, sender AS userId, count(*) AS messages
     FROM messages
     WHERE created_on >= ? AND created_on < ? AND sender IS NOT NULL AND type IN (${userTypes})
     GROUP BY day, thread_id, sender
     ORDER BY day, thread_id, sender`,
  );

  const write = (row: MessageRow) =>
    upsert.run({
      thread_id: row.threadId,
      message_id: row.messageId,
      page: row.page,
      seq: row.seq,
      sender: row.sender,
      type: row.type,
      priority: row.priority,
      created_on: row.createdOn,
      deleted_on: row.deletedOn,
    });
  const held = writeBehind?.table(write);
  const flush = () => writeBehind?.flush();
  const key = (threadId: string, messageId: string) => `${threadId}\n${messageId}`;

  return {
    put(row) {
      if (held && writeBehind?.active) held.put(key(row.threadId, row.messageId), row);
      else write(row);
    },
    get(threadId, messageId) {
      const row = held?.latest.get(key(threadId, messageId));
      if (row) return row;
      const r = selectOne.get(threadId, messageId);
      return r && toRow(r);
    },
    list(threadId, options = {}) {
      const range: Range = {
        thread: threadId,
        before: options.beforeSeq ?? null,
        after: options.afterSeq ?? null,
        limit: options.limit ?? -1,
      };
      if (range.limit === 0) return [];
      flush();
      return (options.order === 'asc' ? selectAsc : selectDesc).all(range).map(toRow);
    },
    firstSeqAtOrAfter(threadId, time) {
      flush();
      return selectFirstSeq.get(threadId, time)?.seq ?? undefined;
    },
    usage(from, to): UsageRow[] {
      flush();
      return selectUsage.all(from, to);
    },
  };
}
