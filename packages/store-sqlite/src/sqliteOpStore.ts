import type { OpResult, OpStore } from '@parley/model';
import type Database from 'better-sqlite3';

interface OpRecord {
  user_id: string;
  op_id: string;
  device: string;
  n: number;
  result: string;
}

/**
 * The `ops` table (applied ops and their results, as JSON) as an `OpStore`.
 *
 * @example
 * const ops = createSqliteOpStore(db);
 * if (!ops.get(userId, op.id)) ops.put({ userId, opId: op.id, device: op.device, n: op.n, result });
 */
export function createSqliteOpStore(db: Database.Database): OpStore {
  const upsert = db.prepare<OpRecord>(
    `INSERT INTO ops (user_id, op_id, device, n, result) VALUES ($user_id, $op_id, $device, $n, $result)
     ON CONFLICT (user_id, op_id) DO UPDATE SET device = excluded.device, n = excluded.n, result = excluded.result`,
  );
  const selectOne = db.prepare<[string, string], OpRecord>(
    'SELECT * FROM ops WHERE user_id = ? AND op_id = ?',
  );
  const selectLastN = db.prepare<[string, string], { n: number | null }>(
    'SELECT max(n) AS n FROM ops WHERE user_id = ? AND device = ?',
  );

  return {
    put(row) {
      upsert.run({
        user_id: row.userId,
        op_id: row.opId,
        device: row.device,
        n: row.n,
        result: JSON.stringify(row.result),
      });
    },
    get(userId, opId) {
      const r = selectOne.get(userId, opId);
      if (!r) return undefined;
      return {
        userId: r.user_id,
        opId: r.op_id,
        device: r.device,
        n: r.n,
        result: JSON.parse(r.result) as OpResult,
      };
    },
    lastN(userId, device) {
      return selectLastN.get(userId, device)?.n ?? 0;
    },
  };
}
