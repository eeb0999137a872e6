import type { ReceiptStore } from '@parley/model';
import type Database from 'better-sqlite3';

interface ReceiptRecord {
  thread_id: string;
  user_id: string;
  message_id: string;
  seq: number;
  read_on: string;
}

/**
 * The `receipts` table as a `ReceiptStore`: one row per member, replaced only by a higher seq.
 * `list` orders by user id.
 *
 * @example
 * const receipts = createSqliteReceiptStore(db);
 * receipts.put({ threadId, userId, messageId, seq: 12, readOn: new Date().toISOString() });
 */
export function createSqliteReceiptStore(db: Database.Database): ReceiptStore {
  const upsert = db.prepare<ReceiptRecord>(
    `INSERT INTO receipts (thread_id, user_id, message_id, seq, read_on)
     VALUES ($thread_id, $user_id, $message_id, $seq, $read_on)
     ON CONFLICT (thread_id, user_id) DO UPDATE SET message_id = excluded.message_id, seq = excluded.seq,
       read_on = excluded.read_on
     WHERE excluded.seq > receipts.seq`,
  );
  const selectOfThread = db.prepare<[string], ReceiptRecord>(
    'SELECT * FROM receipts WHERE thread_id = ? ORDER BY user_id',
  );
  return {
    put(row) {
      upsert.run({
        thread_id: row.threadId,
        user_id: row.userId,
        message_id: row.messageId,
        seq: row.seq,
        read_on: row.readOn,
      });
    },
    list(threadId) {
      return selectOfThread.all(threadId).map((r) => ({
        threadId: r.thread_id,
        userId: r.user_id,
        messageId: r.message_id,
        seq: r.seq,
        readOn: r.read_on,
      }));
    },
  };
}
