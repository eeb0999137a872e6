/**
 * W2: memory. (1) `sessions` idle sessions, each subscribed to its own thread (Parley: to its
 * user doc and the thread's head), left idle for `idleMs` (Parley runs with its docs leaving
 * memory after that long: its default is 30 s), then per session: server RSS after GC, less the
 * same figure before any session connected, taken after the same idle time (V8 hands back heap
 * it reserved at startup only after a while), over `sessions`. The young generation's part is
 * reported apart. (2) `threads` threads of `perThread` messages, loaded by one subscriber each:
 * RSS per loaded thread (minus the per-session figure). `BENCH_HEAP_DIR=dir` writes the servers'
 * heap snapshots at half and all of the sessions.
 */
import { DEFAULT_UNLOAD_AFTER_MS, type Relay } from '@parley/relay';
import type { ServerKind } from '../clients/conn.ts';
import { startSeededParley } from '../lib/seedCache.ts';
import { type BenchServer, spawnClients, startServer } from '../lib/servers.ts';
import type { ServerStats } from '../servers/common.ts';

export interface W2Options {
  readonly sessions: number;
  readonly threads: number;
  readonly perThread: number;
  /** How long the sessions stay idle before they are measured (default: the relay's unload time). */
  readonly idleMs?: number;
  readonly log?: (line: string) => void;
}

export interface W2Result {
  readonly kind: ServerKind;
  readonly rssPerSessionKB: number;
  /**
   * Of `rssPerSessionKB`, V8's young generation: empty after the full GC that precedes each
   * measure, its resident size follows recent allocation bursts (0–30 MB here between runs of
   * the same code), not what the sessions retain.
   */
  readonly youngPerSessionKB: number;
  readonly rssPerThreadKB: number;
  /** JS heap (after GC) per session and per loaded thread: RSS minus native (SQLite, buffers). */
  readonly heapPerSessionKB: number;
  readonly heapPerThreadKB: number;
  /** RSS with nothing connected, MB. */
  readonly baseRssMB: number;
}

type RelayDocStats = ReturnType<Relay['stats']>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gcStats = (s: BenchServer) => s.proc.call<ServerStats>('gc');

export const runW2 = async (kind: ServerKind, o: W2Options): Promise<W2Result> => {
  const idleMs = o.idleMs ?? DEFAULT_UNLOAD_AFTER_MS;
  // part 1: idle sessions
  const ids = Array.from({ length: o.sessions }, (_, i) => `bench_w2_idle_${i}`);
  let server: BenchServer;
  if (kind === 'parley') {
    server = (
      await startSeededParley(
        `w2-idle-${o.sessions}`,
        async (s) => {
          const threads = ids.map((id, i) => ({ id, members: [`idle${i}`, 'idlepeer'] }));
          for (let i = 0; i < threads.length; i += 100) {
            await s.proc.call('setupThreads', { threads: threads.slice(i, i + 100) });
          }
        },
        { unloadAfterMs: idleMs, ...(o.log ? { log: o.log } : {}) },
      )
    ).server;
  } else server = await startServer(kind);
  let perSession: number;
  let heapPerSession: number;
  let youngPerSession: number;
  let base: ServerStats;
  const clients = spawnClients();
  const half = Math.floor(o.sessions / 2);
  /** Opens sessions `from`..`to`, lets them idle, and returns the server's figures after GC. */
  const openIdle = async (from: number, to: number): Promise<ServerStats> => {
    await Promise.all(
      ids.slice(from, to).map((threadId, j) =>
        clients.call('open', {
          kind,
          url: server.url,
          threadId,
          members: [`idle${from + j}`],
          sender: false,
        }),
      ),
    );
    // Idle means idle for a while: the relay's docs leave memory after its default idle time.
    await sleep(idleMs + 1000);
    if (kind === 'parley') {
      let docs = await server.proc.call<RelayDocStats>('relayStats');
      for (let i = 0; i < 30 && docs.loadedDocs > 0; i++) {
        await sleep(1000);
        docs = await server.proc.call<RelayDocStats>('relayStats');
      }
      o.log?.(
        `W2 parley, ${to} sessions idle ${idleMs / 1000} s: ${docs.loadedDocs} docs in memory, ${docs.sleepingDocs} asleep`,
      );
    }
    return gcStats(server);
  };
  try {
    // The base is as settled as the figures after the sessions: V8 gives back heap it reserved at
    // startup only after a while of idling, and that would count for the sessions.
    await sleep(idleMs + 1000);
    base = await gcStats(server);
    // The log shows the second half alone too: it leaves out what the first sessions warmed
    // once (compiled code, SQLite's page cache), and it is noisier (less memory to measure).
    const heapDir = process.env.BENCH_HEAP_DIR;
    const snapshot = async (suffix: string) => {
      if (heapDir)
        await server.proc.call(
          'heapSnapshot',
          { path: `${heapDir}/w2-${kind}${suffix}.heapsnapshot` },
          120_000,
        );
    };
    const first = await openIdle(0, half);
    await snapshot('-half');
    const after = await openIdle(half, o.sessions);
    await snapshot('');
    const n = o.sessions - half;
    const kb = (k: 'rss' | 'heapUsed' | 'heapTotal' | 'external' | 'young') =>
      `${k} ${((after[k] - base[k]) / o.sessions / 1024).toFixed(1)} (second half ${((after[k] - first[k]) / n / 1024).toFixed(1)})`;
    o.log?.(
      `W2 ${kind} per idle session, KB: ${kb('rss')}, ${kb('heapUsed')}, ${kb('heapTotal')}, ${kb('external')}, ${kb('young')}`,
    );
    perSession = (after.rss - base.rss) / o.sessions;
    heapPerSession = (after.heapUsed - base.heapUsed) / o.sessions;
    youngPerSession = (after.young - base.young) / o.sessions;
    await clients.call('close');
  } finally {
    await clients.stop();
    await server.stop();
  }
  const sessionFigures = {
    kind,
    rssPerSessionKB: perSession / 1024,
    youngPerSessionKB: youngPerSession / 1024,
    heapPerSessionKB: heapPerSession / 1024,
    baseRssMB: base.rss / 2 ** 20,
  };
  // the raw relay keeps no history: its figure is the floor of what an idle WebSocket costs here
  if (kind === 'raw') return { ...sessionFigures, rssPerThreadKB: Number.NaN, heapPerThreadKB: Number.NaN };
  // part 2: loaded threads
  const tids = Array.from({ length: o.threads }, (_, i) => `bench_w2_loaded_${i}`);
  const seedAll = async (s: BenchServer) => {
    if (kind === 'parley') {
      await s.proc.call('setupThreads', {
        threads: tids.map((id) => ({ id, members: ['reader01', 'writer01'] })),
      });
    }
    for (const threadId of tids) {
      await s.proc.call('seed', { threadId, sender: 'writer01', count: o.perThread }, 900_000);
    }
  };
  let perThread: number;
  let heapPerThread: number;
  const clients2 = spawnClients();
  if (kind === 'parley') {
    server = (
      await startSeededParley(`w2-loaded-${o.threads}x${o.perThread}`, seedAll, {
        ...(o.log ? { log: o.log } : {}),
      })
    ).server;
  } else server = await startServer(kind);
  try {
    await sleep(500);
    const before = await gcStats(server);
    if (kind !== 'parley') await seedAll(server);
    for (const threadId of tids) {
      await clients2.call('open', { kind, url: server.url, threadId, members: ['reader01'], sender: false });
    }
    await sleep(1000);
    const after = await gcStats(server);
    perThread = (after.rss - before.rss) / o.threads - perSession;
    heapPerThread = (after.heapUsed - before.heapUsed) / o.threads - heapPerSession;
    await clients2.call('close');
  } finally {
    await clients2.stop();
    await server.stop();
  }
  return { ...sessionFigures, rssPerThreadKB: perThread / 1024, heapPerThreadKB: heapPerThread / 1024 };
};
