import type { MemberRow, MemberStore, Role } from '@parley/model';
import type Database from 'better-sqlite3';
import { THREAD_ACTIVITY_ORDER } from './sqliteThreadStore.ts';

interface MemberRecord {
  thread_id: string;
  user_id: string;
  display_name: string;
  role: string;
  added_by: string;
  added_on: string;
  from_seq: number;
  generation: number;
  removed_on: string | null;
}

function toRow(r: MemberRecord): MemberRow {
  return {
    threadId: r.thread_id,
    userId: r.user_id,
    displayName: r.display_name,
    role: r.role as Role,
    addedBy: r.added_by,
    addedOn: r.added_on,
    fromSeq: r.from_seq,
    generation: r.generation,
    removedOn: r.removed_on,
  };
}

/**
 * The `members` table as a `MemberStore`. "Order added" is `addedOn`, then first insertion
 * (an update keeps a row's place). `beforeThreadJoin` runs before a query that joins `threads`
 * (the thread store's write-behind flush).
 *
 * @example
 * const members = createSqliteMemberStore(db);
 * members.list(threadId); // active members, in the order they were added
 */
export function createSqliteMemberStore(
  db: Database.Database,
  beforeThreadJoin: () => void = () => undefined,
): MemberStore {
  const upsert = db.prepare<MemberRecord>(
    `INSERT INTO members (thread_id, user_id, display_name, role, added_by, added_on, from_seq, generation, removed_on)
     VALUES ($thread_id, $user_id, $display_name, $role, $added_by, $added_on, $from_seq, $generation, $removed_on)
     ON CONFLICT (thread_id, user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
       added_by = excluded.added_by, added_on = excluded.added_on, from_seq = excluded.from_seq,
       generation = excluded.generation, removed_on = excluded.removed_on`,
  );
  const selectOne = db.prepare<[string, string], MemberRecord>(
    'SELECT * FROM members WHERE thread_id = ? AND user_id = ?',
  );
  const selectOfThread = db.prepare<{ thread: string; all: number }, MemberRecord>(
    `SELECT * FROM members WHERE thread_id = $thread AND ($all = 1 OR removed_on IS NULL)
     ORDER BY added_on, rowid`,
  );
  const selectOfUser = db.prepare<[string], MemberRecord>(
    `SELECT m.* FROM members m LEFT JOIN threads t ON t.id = m.thread_id WHERE m.user_id = ?
     ORDER BY t.id IS NULL, ${THREAD_ACTIVITY_ORDER}, m.thread_id`,
  );
  const countActive = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM members WHERE thread_id = ? AND removed_on IS NULL',
  );

  return {
    put(row) {
      upsert.run({
        thread_id: row.threadId,
        user_id: row.userId,
        display_name: row.displayName,
        role: row.role,
        added_by: row.addedBy,
        added_on: row.addedOn,
        from_seq: row.fromSeq,
        generation: row.generation,
        removed_on: row.removedOn,
      });
    },
    get(threadId, userId) {
      const r = selectOne.get(threadId, userId);
      return r && toRow(r);
    },
    list(threadId, options = {}) {
      return selectOfThread.all({ thread: threadId, all: options.includeRemoved ? 1 : 0 }).map(toRow);
    },
    threadsOf(userId) {
      beforeThreadJoin();
      return selectOfUser.all(userId).map(toRow);
    },
    countActive(threadId) {
      return countActive.get(threadId)?.n ?? 0;
    },
  };
}
