/**
 * The Parley relay in its own process, as an operator runs it: SQLite store (WAL, commit before
 * broadcast), HMAC token auth, intents through `user:` docs. Args: `pageSize unloadAfterMs [dbPath]`.
 * Session rate limits are raised (the alternatives have none; the bench measures CPU, not policy).
 * The store is wrapped so the time spent inside it is counted (better-sqlite3 is synchronous).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { RelayStore } from '@parley/model';
import { createHmacTokens, createRelay } from '@parley/relay';
import { createSqliteStore } from '@parley/store-sqlite';
import { seededContent } from '../lib/message.ts';
import { serveServer } from './common.ts';

import { BENCH_SECRET } from './secret.ts';

const pageSize = Number(process.argv[2] ?? 1000);
const unloadAfterMs = Number(process.argv[3] ?? 10 * 60_000);
/** argv[4]: an existing database to open (a cached, already seeded thread set); kept on close. */
const dbPath = process.argv[4];
const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
// As the relay server runs it: checkpoints from a thread of their own (see the store-time note).
// BENCH_PARLEY_CHECKPOINT=inline runs SQLite's own checkpoints inside commits instead, to compare.
const checkpoint = process.env.BENCH_PARLEY_CHECKPOINT === 'inline' ? 'inline' : 'background';
const raw = createSqliteStore({ path: dbPath ?? join(dir, 'relay.db'), checkpoint });

let storeMs = 0;
let txDepth = 0;
/** Wall ms of each outermost transaction's own part (BEGIN, held rows, COMMIT), for BENCH_STEPS. */
let commitMs: number[] = [];
let storeCalls = 0;
let depth = 0;
/** Wall ms and calls per store method (`docs.append`, `transaction`, …). */
const byMethod = new Map<string, { ms: number; calls: number }>();
const record = (name: string, ms: number): void => {
  storeMs += ms;
  const m = byMethod.get(name);
  if (m) {
    m.ms += ms;
    m.calls++;
  } else byMethod.set(name, { ms, calls: 1 });
};
/**
 * The sub-store with each outermost method call timed in wall ms (performance.now: ~0.05 µs;
 * process.cpuUsage per call cost more than the calls). better-sqlite3 is synchronous, so wall ≈ CPU
 * unless the process is descheduled or waits for I/O (WAL writes; checkpoints fsync).
 * The timed functions are made once per method (and `transaction` once, below): made per call (a
 * closure, a name string and an argument array each time) the wrapper itself showed in the relay's
 * allocation profile (6 % of its bytes in W1), a cost the relay an operator runs does not pay.
 */
const timed = <T extends object>(sub: string, target: T): T => {
  const cache = new Map<PropertyKey, (...a: unknown[]) => unknown>();
  return new Proxy(target, {
    get(t, key, recv) {
      const v = Reflect.get(t, key, recv);
      if (typeof v !== 'function') return v;
      let fn = cache.get(key);
      if (!fn) {
        const name = `${sub}.${String(key)}`;
        fn = (...a: unknown[]) => {
          if (depth > 0) return v.apply(t, a);
          depth++;
          const t0 = performance.now();
          try {
            return v.apply(t, a);
          } finally {
            record(name, performance.now() - t0);
            storeCalls++;
            depth--;
          }
        };
        cache.set(key, fn);
      }
      return fn;
    },
  });
};
const subs = ['docs', 'threads', 'members', 'messages', 'ops', 'receipts', 'settings', 'webhooks'] as const;
const wrapped: Record<string, unknown> = {};
for (const k of subs) {
  const s = (raw as unknown as Record<string, object | undefined>)[k];
  if (s) wrapped[k] = timed(k, s);
}
// BEGIN and COMMIT are the store's; the work inside is the relay's (its store calls count).
const timedTransaction = <R>(fn: () => R): R => {
  if (depth > 0) return raw.transaction(fn);
  const outermost = txDepth === 0;
  txDepth++;
  const t0 = performance.now();
  let innerMs = 0;
  let result: R | undefined;
  try {
    raw.transaction(() => {
      const t1 = performance.now();
      try {
        result = fn();
      } finally {
        innerMs += performance.now() - t1;
      }
    });
  } finally {
    const ms = performance.now() - t0 - innerMs;
    txDepth--;
    if (outermost) commitMs.push(ms);
    // A nested call is a unit's savepoint (SAVEPOINT, RELEASE), counted apart from the batch's
    // BEGIN, held rows and COMMIT.
    record(outermost ? 'BEGIN/COMMIT' : 'SAVEPOINT/RELEASE', ms);
  }
  return result as R;
};
const store = new Proxy(raw, {
  get(t, key, recv) {
    if (typeof key === 'string' && key in wrapped) return wrapped[key];
    if (key === 'transaction') return timedTransaction;
    return Reflect.get(t, key, recv);
  },
}) as RelayStore;

const tokens = createHmacTokens({ secret: BENCH_SECRET });
const relay = createRelay({
  store,
  verifyToken: tokens.verify,
  pageSize,
  unloadAfterMs,
  sessionLimits: {
    framesPerSecond: 1e7,
    frameBurst: 1e7,
    bytesPerSecond: 1e10,
    byteBurst: 1e10,
    maxBufferedBytes: 1024 * 1024 * 1024,
    maxSubscriptions: 100_000,
    maxFrameBytes: 256 * 1024 * 1024,
  },
  onInternalError: (e) => console.error('[parley relay]', e),
});
const server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
server.on('upgrade', relay.handleUpgrade);
await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
const { port } = server.address() as AddressInfo;

const actor = (userId: string) => ({ userId, displayName: userId, scope: 'chat' as const });

serveServer({
  info: () => ({ url: `http://127.0.0.1:${port}`, pid: process.pid }),
  /** Creates threads with members (first member creates; then batches of 200). */
  setupThreads: async (a: { threads: { id: string; members: string[] }[] }) => {
    await Promise.all(
      a.threads.map(async (t) => {
        const [creator, ...rest] = t.members;
        if (!creator) throw new Error('thread without members');
        const first = rest.slice(0, 199);
        const r = await relay.operations.apply(actor(creator), {
          type: 'createThread',
          threadId: t.id,
          topic: `bench ${t.id}`,
          participants: [creator, ...first].map((id) => ({ id, displayName: id })),
        });
        if (r.status !== 'accepted') throw new Error(`createThread: ${JSON.stringify(r)}`);
        for (let i = 199; i < rest.length; i += 200) {
          const r2 = await relay.operations.apply(actor(creator), {
            type: 'addParticipants',
            threadId: t.id,
            participants: rest.slice(i, i + 200).map((id) => ({ id, displayName: id })),
          });
          if (r2.status !== 'accepted') throw new Error(`addParticipants: ${JSON.stringify(r2)}`);
        }
      }),
    );
  },
  /** Appends `count` messages from `sender` through the op processor (what a client's intents do). */
  seed: async (a: { threadId: string; sender: string; count: number; prefix?: string }) => {
    const batch = 500;
    for (let i = 0; i < a.count; i += batch) {
      const n = Math.min(batch, a.count - i);
      const rs = await Promise.all(
        Array.from({ length: n }, (_, j) =>
          relay.operations.apply(actor(a.sender), {
            type: 'sendMessage',
            threadId: a.threadId,
            messageId: `seed_${a.prefix ?? 's'}_${i + j}`,
            content: seededContent(i + j),
            messageType: 'text',
          }),
        ),
      );
      const bad = rs.find((r) => r.status !== 'accepted');
      if (bad) throw new Error(`seed: ${JSON.stringify(bad)}`);
    }
  },
  // The checkpoint thread's work is the store's too: its CPU time (wall where the OS does not tell
  // it) counts as store time, though it runs beside the event loop.
  storeTime: () => {
    const c = raw.checkpointStats();
    const checkpointMs = c ? (c.cpuMs ?? c.wallMs) : 0;
    return {
      storeMs: storeMs + checkpointMs,
      storeCalls,
      byMethod: {
        ...Object.fromEntries(byMethod),
        ...(c ? { 'checkpoint thread (CPU)': { ms: checkpointMs, calls: c.checkpoints } } : {}),
      },
    };
  },
  /**
   * Waits until a checkpoint pass that started after this call has finished (the thread runs one a
   * second), so that the pages of a measured window are copied, and counted, inside it.
   */
  checkpointSettled: async () => {
    const start = raw.checkpointStats()?.passes;
    if (start === undefined) return;
    const deadline = Date.now() + 5_000;
    while ((raw.checkpointStats()?.passes ?? start) < start + 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  },
  relayStats: () => relay.stats(),
  commitTimes: () => {
    const a = commitMs.sort((x, y) => x - y);
    commitMs = [];
    const q = (f: number) => a[Math.min(a.length - 1, Math.floor(f * a.length))] ?? 0;
    return { n: a.length, p50: q(0.5), p99: q(0.99), max: a.at(-1) ?? 0 };
  },
  close: async () => {
    await relay.close();
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
