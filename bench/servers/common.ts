/** What every bench server process answers besides its own commands. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { type Handler, serveRpc } from '../lib/rpc.ts';

export interface ServerStats {
  /** Process CPU since start, µs (user + system). */
  readonly cpuUs: number;
  readonly rss: number;
  readonly heapUsed: number;
}

export const serverStats = (): ServerStats => {
  const c = process.cpuUsage();
  const m = process.memoryUsage();
  return { cpuUs: c.user + c.system, rss: m.rss, heapUsed: m.heapUsed };
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
};

/** Stops the profiler and writes the `.cpuprofile` to `path`. */
const profileStop = async (a: { path: string }): Promise<void> => {
  const { profile } = await post('Profiler.stop');
  writeFileSync(a.path, JSON.stringify(profile));
  session?.disconnect();
  session = undefined;
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
    ...handlers,
  });
