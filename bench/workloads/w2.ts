/**
 * W2: memory. (1) `sessions` idle sessions, each subscribed to its own thread: server RSS after
 * GC before and after they connect, per session (Parley's thread docs are unloaded first, so a
 * session's figure includes loading its thread's docs, as the alternatives' includes creating
 * its doc). (2) `threads` threads of `perThread` messages, loaded by one subscriber each: RSS per
 * loaded thread (minus the per-session figure).
 */
import type { ServerKind } from '../clients/conn.ts';
import { startSeededParley } from '../lib/seedCache.ts';
import { type BenchServer, spawnClients, startServer } from '../lib/servers.ts';
import type { ServerStats } from '../servers/common.ts';

export interface W2Options {
  readonly sessions: number;
  readonly threads: number;
  readonly perThread: number;
  readonly log?: (line: string) => void;
}

export interface W2Result {
  readonly kind: ServerKind;
  readonly rssPerSessionKB: number;
  readonly rssPerThreadKB: number;
  /** JS heap (after GC) per session and per loaded thread: RSS minus native (SQLite, buffers). */
  readonly heapPerSessionKB: number;
  readonly heapPerThreadKB: number;
  /** RSS with nothing connected, MB. */
  readonly baseRssMB: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gcStats = (s: BenchServer) => s.proc.call<ServerStats>('gc');

export const runW2 = async (kind: ServerKind, o: W2Options): Promise<W2Result> => {
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
        { ...(o.log ? { log: o.log } : {}) },
      )
    ).server;
  } else server = await startServer(kind);
  let perSession: number;
  let heapPerSession: number;
  let base: ServerStats;
  const clients = spawnClients();
  try {
    await sleep(500);
    base = await gcStats(server);
    await Promise.all(
      ids.map((threadId, i) =>
        clients.call('open', { kind, url: server.url, threadId, members: [`idle${i}`], sender: false }),
      ),
    );
    await sleep(1000);
    const after = await gcStats(server);
    perSession = (after.rss - base.rss) / o.sessions;
    heapPerSession = (after.heapUsed - base.heapUsed) / o.sessions;
    await clients.call('close');
  } finally {
    await clients.stop();
    await server.stop();
  }
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
  return {
    kind,
    rssPerSessionKB: perSession / 1024,
    rssPerThreadKB: perThread / 1024,
    heapPerSessionKB: heapPerSession / 1024,
    heapPerThreadKB: heapPerThread / 1024,
    baseRssMB: base.rss / 2 ** 20,
  };
};
