/**
 * W3: a thread of `size` messages; a new reader connects: time until the newest messages are
 * readable, and bytes. Parley (pages of 1,000) against the one-doc alternatives.
 * W4: a reader that holds the first `held` messages misses `missed` more and reconnects: time and
 * bytes to the newest messages and to everything, against the Yjs floor (encodeStateAsUpdate
 * diff of exactly the docs synced).
 */
import type { ServerKind } from '../clients/conn.ts';
import type { ReadResult } from '../clients/reader.ts';
import { startSeededParley } from '../lib/seedCache.ts';
import { type BenchServer, spawnClients, startServer } from '../lib/servers.ts';

export type ReadFigures = Omit<ReadResult, 'state'>;

export interface ReadRuns {
  readonly kind: ServerKind;
  readonly runs: ReadFigures[];
  /** Seconds the server took to build the thread (not a figure; for the time budget). */
  readonly seedSeconds: number;
}

const members = ['reader01', 'writer01'];

export const runW3 = async (
  kind: ServerKind,
  size: number,
  repeats: number,
  log?: (line: string) => void,
): Promise<ReadRuns> => {
  const threadId = `bench_w3_${kind}`;
  const seed = async (s: BenchServer) => {
    await s.proc.call('setupThreads', { threads: [{ id: threadId, members }] });
    await s.proc.call('seed', { threadId, sender: 'writer01', count: size }, 1_800_000);
  };
  const t = performance.now();
  let server: BenchServer;
  if (kind === 'parley') {
    server = (
      await startSeededParley(`w3-${size}`, seed, { ...(log ? { log } : {}), profileLabel: 'w3-parley' })
    ).server;
  } else {
    server = await startServer(kind);
    await seed(server);
  }
  const seedSeconds = (performance.now() - t) / 1000;
  const client = spawnClients();
  try {
    await server.profile();
    const runs: ReadFigures[] = [];
    for (let i = 0; i < repeats; i++) {
      runs.push(
        await client.call<ReadFigures>(
          'read',
          { kind, url: server.url, threadId, member: 'reader01' },
          120_000,
        ),
      );
    }
    return { kind, runs, seedSeconds };
  } finally {
    await client.stop();
    await server.stop();
  }
};

export const runW4 = async (
  kind: ServerKind,
  held: number,
  missed: number,
  repeats: number,
): Promise<ReadRuns> => {
  const server = await startServer(kind, { profileLabel: 'w4-parley' });
  const client = spawnClients();
  try {
    const threadId = `bench_w4_${kind}`;
    await server.proc.call('setupThreads', { threads: [{ id: threadId, members }] });
    const t = performance.now();
    await server.proc.call('seed', { threadId, sender: 'writer01', count: held, prefix: 'a' }, 900_000);
    await client.call('read', {
      kind,
      url: server.url,
      threadId,
      member: 'reader01',
      all: true,
      keep: 'held',
    });
    await server.proc.call('seed', { threadId, sender: 'writer01', count: missed, prefix: 'b' }, 900_000);
    const seedSeconds = (performance.now() - t) / 1000;
    await server.profile();
    const runs: ReadFigures[] = [];
    for (let i = 0; i < repeats; i++) {
      runs.push(
        await client.call<ReadFigures>(
          'read',
          { kind, url: server.url, threadId, member: 'reader01', all: true, from: 'held' },
          120_000,
        ),
      );
    }
    return { kind, runs, seedSeconds };
  } finally {
    await client.stop();
    await server.stop();
  }
};
