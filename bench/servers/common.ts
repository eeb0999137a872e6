/** What every bench server process answers besides its own commands. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { type Handler, serveRpc } from '../lib/rpc.ts';

export interface ServerStats {
  /** Process CPU since start, µs (user + system). */
  readonly cpuUs: number;
  readonly rss: number;
  readonly heapUsed: number;
  /** V8 heap reserved (used or not), and memory held outside it (Buffers, ArrayBuffers, addons' own). */
  readonly heapTotal: number;
  readonly external: number;
  /** Resident bytes of V8's young generation (new space): empty after a full GC, sized by
   * recent allocation bursts, not by what is retained. */
  readonly young: number;
}

export const serverStats = (): ServerStats => {
  const c = process.cpuUsage();
  const m = process.memoryUsage();
  const young =
    getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.physical_space_size ?? 0;
  return {
    cpuUs: c.user + c.system,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    young,
  };
};

const gc = async (): Promise<void> => {
  const g = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    g?.();
    await new Promise((r) => setImmediate(r));
  }
};

let session: Session | undefined;
const post = (method: string, params?: object): Promise<any> =>
  new Promise((resolve, reject) =>
    session?.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
  );

/** Starts the V8 CPU profiler of this process (a measured window, without startup). */
const profileStart = async (): Promise<void> => {
  session = new Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  if (process.env.BENCH_PROFILE_HEAP) {
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
};

/** Stops the profiler and writes the `.cpuprofile` to `path`. */
const profileStop = async (a: { path: string }): Promise<void> => {
  const { profile } = await post('Profiler.stop');
  writeFileSync(a.path, JSON.stringify(profile));
  if (process.env.BENCH_PROFILE_HEAP) {
    const heap = await post('HeapProfiler.stopSampling');
    writeFileSync(a.path.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(heap.profile));
  }
  session?.disconnect();
  session = undefined;
};

/**
 * How late the event loop ran its timers (1 ms resolution): a stalled loop stalls every session.
 * On only between `loopDelayStart` and `loopDelay`: its 1 ms timer costs ~15 ms of CPU a second.
 */
const loop = monitorEventLoopDelay({ resolution: 1 });

export interface LoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const loopDelayStart = (): void => {
  loop.reset();
  loop.enable();
};

/** The event-loop delay since `loopDelayStart`, in ms; stops measuring. */
const loopDelay = (): LoopDelay => {
  loop.disable();
  return { p50Ms: loop.percentile(50) / 1e6, p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
};

/** Starts the RPC loop with `stats`, `gc` and the server's own commands. */
export const serveServer = (handlers: Record<string, Handler>): void =>
  serveRpc({
    stats: () => serverStats(),
    gc: async () => {
      await gc();
      return serverStats();
    },
    profileStart,
    profileStop,
    heapSnapshot: (a: { path: string }) => writeHeapSnapshot(a.path),
    loopDelayStart,
    loopDelay,
    ...handlers,
  });
