import type { OpResult, OpRow, OpStore } from '@parley/model';
import type Database from 'better-sqlite3';
import type { WriteBehind } from './writeBehind.ts';

interface OpRecord {
  user_id: string;
  op_id: string;
  device: string;
  n: number;
  result: string;
}

/**
 * The `ops` table (applied ops and their results, as JSON) as an `OpStore`. With `writeBehind`,
 * `put` inside the store's transaction holds the row until it commits (`writeBehind.ts`); `get`
 * and `lastN` see it.
 *
 * @example
 * const ops = createSqliteOpStore(db);
 * if (!ops.get(userId, op.id)) ops.put({ userId, opId: op.id, device: op.device, n: op.n, result });
 */
export function createSqliteOpStore(db: Database.Database, writeBehind?: WriteBehind): OpStore {
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

  const write = (row: OpRow) =>
    upsert.run({
      user_id: row.userId,
      op_id: row.opId,
      device: row.device,
      n: row.n,
      result: JSON.stringify(row.result),
    });
  const held = writeBehind?.table(write);
  const key = (userId: string, opId: string) => `${userId}\n${opId}`;

  return {
    put(row) {
      if (held && writeBehind?.active) held.put(key(row.userId, row.opId), row);
      else write(row);
    },
    get(userId, opId) {
      const row = held?.latest.get(key(userId, opId));
      if (row) return row;
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
      let n = selectLastN.get(userId, device)?.n ?? 0;
      if (held)
        for (const row of held.latest.values())
          if (row.userId === userId && row.device === device && row.n > n) n = row.n;
      return n;
    },
  };
}
