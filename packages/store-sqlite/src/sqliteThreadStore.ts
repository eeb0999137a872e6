import type { ThreadRow, ThreadStore } from '@parley/model';
import type Database from 'better-sqlite3';
import type { WriteBehind } from './writeBehind.ts';

interface ThreadRecord {
  id: string;
  topic: string;
  created_by: string;
  created_on: string;
  deleted_on: string | null;
  last_message_on: string | null;
  last_seq: number;
  current_page: number;
  idempotency_key: string | null;
}

function toRow(r: ThreadRecord): ThreadRow {
  return {
    id: r.id,
    topic: r.topic,
    createdBy: r.created_by,
    createdOn: r.created_on,
    deletedOn: r.deleted_on,
    lastMessageOn: r.last_message_on,
    lastSeq: r.last_seq,
    currentPage: r.current_page,
    idempotencyKey: r.idempotency_key,
  };
}

/** "Newest activity first": the last message, else the creation time; ties by id. */
export const THREAD_ACTIVITY_ORDER = 'coalesce(t.last_message_on, t.created_on) DESC, t.id ASC';

/**
 * The `threads` table as a `ThreadStore`; `purge` also removes the thread's members, index rows
 * and receipts. With `writeBehind`, `put` inside the store's transaction holds the row until it
 * commits (see `writeBehind.ts`); `get` sees it, and every other read writes held rows first.
 *
 * @example
 * const threads = createSqliteThreadStore(db);
 * threads.put(row);
 */
export function createSqliteThreadStore(db: Database.Database, writeBehind?: WriteBehind): ThreadStore {
  const upsert = db.prepare<ThreadRecord>(
    `INSERT INTO threads (id, topic, created_by, created_on, deleted_on, last_message_on, last_seq, current_page,
       idempotency_key)
     VALUES ($id, $topic, $created_by, $created_on, $deleted_on, $last_message_on, $last_seq, $current_page,
       $idempotency_key)
     ON CONFLICT (id) DO UPDATE SET topic = excluded.topic, created_by = excluded.created_by,
       created_on = excluded.created_on, deleted_on = excluded.deleted_on,
       last_message_on = excluded.last_message_on, last_seq = excluded.last_seq,
       current_page = excluded.current_page, idempotency_key = excluded.idempotency_key`,
  );
  const selectOne = db.prepare<[string], ThreadRecord>('SELECT * FROM threads WHERE id = ?');
  const selectByKey = db.prepare<[string, string], ThreadRecord>(
    'SELECT * FROM threads WHERE created_by = ? AND idempotency_key = ? ORDER BY created_on, id LIMIT 1',
  );
  const selectAll = db.prepare<{ all: number; limit: number }, ThreadRecord>(
    `SELECT * FROM threads t WHERE $all = 1 OR t.deleted_on IS NULL ORDER BY ${THREAD_ACTIVITY_ORDER} LIMIT $limit`,
  );
  const deleteThread = db.prepare<[string]>('DELETE FROM threads WHERE id = ?');
  const deleteMembers = db.prepare<[string]>('DELETE FROM members WHERE thread_id = ?');
  const deleteMessages = db.prepare<[string]>('DELETE FROM messages WHERE thread_id = ?');
  const deleteReceipts = db.prepare<[string]>('DELETE FROM receipts WHERE thread_id = ?');

  const purge = db.transaction((id: string) => {
    deleteMembers.run(id);
    deleteMessages.run(id);
    deleteReceipts.run(id);
    deleteThread.run(id);
  });

  const write = (row: ThreadRow) =>
    upsert.run({
      id: row.id,
      topic: row.topic,
      created_by: row.createdBy,
      created_on: row.createdOn,
      deleted_on: row.deletedOn,
      last_message_on: row.lastMessageOn,
      last_seq: row.lastSeq,
      current_page: row.currentPage,
      idempotency_key: row.idempotencyKey,
    });
  const held = writeBehind?.table(write);
  const flush = () => writeBehind?.flush();

  return {
    put(row) {
      if (held && writeBehind?.active) held.put(row.id, row);
      else write(row);
    },
    get(id) {
      const row = held?.latest.get(id);
      if (row) return row;
      const r = selectOne.get(id);
      return r && toRow(r);
    },
    findByIdempotencyKey(createdBy, key) {
      flush();
      const r = selectByKey.get(createdBy, key);
      return r && toRow(r);
    },
    list(options = {}) {
      const limit = options.limit ?? -1;
      if (limit === 0) return [];
      flush();
      return selectAll.all({ all: options.includeDeleted ? 1 : 0, limit }).map(toRow);
    },
    purge(id) {
      flush();
      purge(id);
    },
  };
}
