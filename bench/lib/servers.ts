/** Starts a bench server of one kind in its own process. */
import type { ServerKind } from '../clients/conn.ts';
import type { ServerStats } from '../servers/common.ts';
import { type BenchProcess, spawnBench } from './rpc.ts';

export const serverKinds: readonly ServerKind[] = ['parley', 'hocuspocus', 'yws', 'raw'];

export const kindLabel: Record<ServerKind, string> = {
  parley: 'Parley',
  hocuspocus: 'Hocuspocus 4',
  yws: 'y-websocket ref',
  raw: 'raw ws (batched)',
};

export interface BenchServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly proc: BenchProcess;
  stats(): Promise<ServerStats>;
  /** Starts the CPU profile if this run profiles this server (see `profileLabel`). */
  profile(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Parley: messages per page doc. */
  readonly pageSize?: number;
  /** Parley: idle docs unload after this many ms (default 10 minutes). */
  readonly unloadAfterMs?: number;
  /** Parley: open this database file (a copy of a cached, seeded one). */
  readonly dbPath?: string;
  /**
   * With `BENCH_PROFILE_DIR` set (run.ts `--profile DIR`): profile Parley's relay from `profile()`
   * until stop, into `DIR/<label>.cpuprofile`.
   */
  readonly profileLabel?: string;
}

export const startServer = async (kind: ServerKind, o: StartServerOptions = {}): Promise<BenchServer> => {
  const args =
    kind === 'parley'
      ? [String(o.pageSize ?? 1000), String(o.unloadAfterMs ?? 600_000), ...(o.dbPath ? [o.dbPath] : [])]
      : [];
  const proc = spawnBench(`servers/${kind}.ts`, args);
  const { url } = await proc.call<{ url: string }>('info', undefined, 60_000);
  const dir = process.env.BENCH_PROFILE_DIR;
  const profilePath =
    dir && kind === 'parley' && o.profileLabel ? `${dir}/${o.profileLabel}.cpuprofile` : undefined;
  let profiling = false;
  return {
    kind,
    url,
    proc,
    stats: () => proc.call<ServerStats>('stats'),
    profile: async () => {
      if (!profilePath || profiling) return;
      profiling = true;
      await proc.call('profileStart');
    },
    stop: async () => {
      if (profiling) await proc.call('profileStop', { path: profilePath });
      await proc.call('close', undefined, 30_000).catch(() => undefined);
      await proc.stop();
    },
  };
};

export const spawnClients = (): BenchProcess =>
  spawnBench('clients/worker.ts', [], {
    nodeFlags: process.env.BENCH_PROFILE_CLIENTS
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_CLIENTS}`]
      : [],
  });
