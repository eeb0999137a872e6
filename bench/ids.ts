/**
 * What the shape of message and op ids costs the store (not a test; run `npx tsx bench/ids.ts`).
 *
 * Writes messages the way the relay does for each accepted `sendMessage` — a `messages` index
 * row and an `ops` row, in transactions of `BATCH` messages (a busy relay's group commit) — into a
 * fresh SQLite store, once with random ids (`randomId`, what the SDK made before) and once with
 * time-ordered ids (`timeOrderedId`), alternating rounds. Prints the wall µs per message of the
 * whole transaction (statements and commit) for each, and the ratio. Both keys are primary keys of
 * WITHOUT ROWID tables, so a random key lands on a random leaf page, and SQLite writes every page a
 * commit touched to the WAL in full.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomId, timeOrderedId } from '@parley/model';
import { createSqliteStore } from '@parley/store-sqlite';

const BATCH = 30;
const BATCHES_PER_ROUND = 200;
const ROUNDS = 5;
const THREADS = 4;

type IdMaker = () => string;

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-ids-'));
const stores = {
  random: createSqliteStore({ path: join(dir, 'random.db') }),
  ordered: createSqliteStore({ path: join(dir, 'ordered.db') }),
};
const makers: Record<keyof typeof stores, IdMaker> = {
  random: () => randomId(22),
  ordered: () => timeOrderedId(),
};
const threads = Array.from({ length: THREADS }, () => randomId(22));
const seqs = new Map<string, number>();

const round = (kind: keyof typeof stores): number => {
  const store = stores[kind];
  const make = makers[kind];
  const started = performance.now();
  for (let b = 0; b < BATCHES_PER_ROUND; b++) {
    store.transaction(() => {
      for (let i = 0; i < BATCH; i++) {
        const threadId = threads[i % THREADS]!;
        const key = `${kind}:${threadId}`;
        const seq = (seqs.get(key) ?? 0) + 1;
        seqs.set(key, seq);
        const messageId = make();
        const createdOn = new Date().toISOString();
        store.messages.put({
          threadId,
          messageId,
          page: Math.floor(seq / 1000),
          seq,
          sender: 'alice',
          type: 'text',
          priority: 'normal',
          createdOn,
          deletedOn: null,
        });
        store.ops.put({
          userId: 'alice',
          opId: make(),
          device: 'd1',
          n: seq,
          result: { status: 'accepted', at: createdOn, threadId, messageId, seq },
        });
      }
    });
  }
  return ((performance.now() - started) * 1000) / (BATCHES_PER_ROUND * BATCH);
};

const results: Record<keyof typeof stores, number[]> = { random: [], ordered: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    results.random.push(round('random'));
    results.ordered.push(round('ordered'));
  }
} finally {
  for (const s of Object.values(stores)) s.close();
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = ROUNDS * BATCHES_PER_ROUND * BATCH;
console.log(
  `${rows} messages per kind, ${BATCH} per transaction, ${THREADS} threads, ${ROUNDS} alternating rounds`,
);
for (const kind of ['random', 'ordered'] as const)
  console.log(
    `${kind.padEnd(8)} µs per message (index row + op row + commit share): median ${median(results[kind]).toFixed(1)}  rounds ${results[kind].map((x) => x.toFixed(1)).join(' ')}`,
  );
console.log(`random / ordered: ${(median(results.random) / median(results.ordered)).toFixed(2)}×`);
