/**
 * Request/response over a forked child's IPC channel: the orchestrator calls named commands in
 * server and client processes, each answering `{ id, result }` or `{ id, error }`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type Handler = (args: any) => unknown | Promise<unknown>;

interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly args: unknown;
}

/** Child side: answers requests from the parent with `handlers`; exits when the parent goes. */
export const serveRpc = (handlers: Record<string, Handler>): void => {
  if (!process.send) throw new Error('serveRpc needs an IPC channel (fork)');
  process.on('message', async (m: Request) => {
    try {
      const h = handlers[m.cmd];
      if (!h) throw new Error(`unknown command ${m.cmd}`);
      const result = await h(m.args);
      process.send?.({ id: m.id, result: result ?? null });
    } catch (e) {
      process.send?.({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
};

/** Parent side: a forked bench process running a TypeScript entry under tsx. */
export interface BenchProcess {
  readonly pid: number;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  readonly env?: Record<string, string>;
}

/** Forks `entry` (a path relative to bench/) with tsx and `--expose-gc`. */
export const spawnBench = (
  entry: string,
  args: readonly string[],
  options: SpawnOptions = {},
): BenchProcess => {
  const file = fileURLToPath(new URL(`../${entry}`, import.meta.url));
  const child: ChildProcess = fork(file, [...args], {
    execArgv: ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096', ...(options.nodeFlags ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(`${entry}: ${m.error}`));
    else p.resolve(m.result);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`${entry} exited with ${code}`));
    pending.clear();
  });
  return {
    pid: child.pid ?? -1,
    call: (cmd, a, timeoutMs = 300_000) =>
      new Promise((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${entry}: ${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, cmd, args: a ?? null });
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.disconnect?.();
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
};
