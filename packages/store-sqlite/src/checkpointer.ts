import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the background checkpointer has done so far (read at any time, without waiting). */
export interface CheckpointStats {
  /** Checkpoints that copied at least one frame into the database file. */
  readonly checkpoints: number;
  /** WAL frames copied (approximate while a long reader keeps the WAL from starting over). */
  readonly frames: number;
  /** Wall time inside checkpoint calls, ms (mostly fsync waits: the thread is not on a CPU then). */
  readonly wallMs: number;
  /** CPU time of the checkpoint calls (all of them), ms; undefined where the OS does not tell it. */
  readonly cpuMs: number | undefined;
  /** Checkpoint calls made, copying or not: two more than at time T mean one started after T. */
  readonly passes: number;
}

export interface CheckpointerOptions {
  /**
   * How often the WAL is copied into the database file, in ms. Default 1000: every pass that
   * copies something ends in an fsync, and a page rewritten by many commits is copied once per
   * pass. Measured in the bench at 20 msgs/s (N = 2, 12 steps each), 250 ms against 1000: slowest
   * commit of a step 1.3–17 ms against 0.8–5.3 (1.0–1.4 in most), 7 against 11 steps with p99
   * ≤ 10 ms; in W5 the thread's CPU per message 4.8–7.3 µs against 2.6–2.8.
   */
  readonly intervalMs?: number;
  /** Called once if the thread fails (the writer's own auto-checkpoint still bounds the WAL). */
  readonly onError?: (error: unknown) => void;
}

// Control slots (Int32) and stats slots (Float64) shared with the thread.
const STOP = 0;
const CLOSED = 1;
const CHECKPOINTS = 0;
const FRAMES = 1;
const WALL_MS = 2;
const CPU_MS = 3;
const PASSES = 4;

/**
 * The thread's code. It is plain CommonJS, evaluated by `Worker` (`eval: true`), so it runs the
 * same under Node, tsx and Vitest; the driver is loaded by the absolute path the writer resolved.
 * It sleeps on the control word (`Atomics.wait`) between checkpoints, so `close` wakes it at once.
 */
const THREAD_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const Database = require(workerData.driver);
const control = new Int32Array(workerData.control);
const stats = new Float64Array(workerData.stats);
// Nanoseconds this thread spent on a CPU (Linux); -1 elsewhere.
const threadCpuNs = () => {
  try { return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]); }
  catch { return -1; }
};
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
  // The previous call's answer. Once a checkpoint has copied the whole WAL, the writer starts the
  // WAL over with its next commit, and the counts restart from 0.
  let last = { log: 0, checkpointed: 0 };
  while (Atomics.load(control, ${STOP}) === 0) {
    Atomics.wait(control, ${STOP}, 0, workerData.intervalMs);
    if (Atomics.load(control, ${STOP}) !== 0) break;
    const cpu0 = threadCpuNs();
    const t0 = performance.now();
    // PASSIVE: copies what it can without waiting for the writer or readers, never blocks them.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    const log = r && r.log > 0 ? r.log : 0;
    const checkpointed = r && r.checkpointed > 0 ? r.checkpointed : 0;
    const wasComplete = last.checkpointed === last.log;
    const same = log === last.log && checkpointed === last.checkpointed;
    const copied = same ? 0 : wasComplete || checkpointed < last.checkpointed ? checkpointed : checkpointed - last.checkpointed;
    last = { log, checkpointed };
    // Every call's time counts, also the ones that found nothing to copy (~20 us each here).
    stats[${WALL_MS}] += performance.now() - t0;
    const cpu1 = threadCpuNs();
    stats[${CPU_MS}] = cpu0 < 0 || cpu1 < 0 ? -1 : stats[${CPU_MS}] + (cpu1 - cpu0) / 1e6;
    stats[${PASSES}] += 1;
    if (copied <= 0) continue;
    stats[${CHECKPOINTS}] += 1;
    stats[${FRAMES}] += copied;
  }
} finally {
  if (db) db.close();
  Atomics.store(control, ${CLOSED}, 1);
  Atomics.notify(control, ${CLOSED});
}
`;

/**
 * Copies a WAL database's log into its main file from a thread of its own, so the writer's
 * commits never wait for a checkpoint. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 WAL pages and fsyncs the database file there: measured here, a checkpoint of ~525
 * pages took 7–12 ms of wall time for ~2.5 ms of CPU, and the relay's event loop stood still for
 * all of it. The writer keeps a higher automatic threshold as a backstop (see `createSqliteStore`).
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #control: Int32Array;
  readonly #stats: Float64Array;
  #closed = false;

  constructor(path: string, options: CheckpointerOptions = {}) {
    const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const stats = new SharedArrayBuffer(5 * Float64Array.BYTES_PER_ELEMENT);
    this.#control = new Int32Array(control);
    this.#stats = new Float64Array(stats);
    this.#worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        intervalMs: options.intervalMs ?? 1000,
        control,
        stats,
      },
    });
    // The thread must not keep a process alive that is otherwise done.
    this.#worker.unref();
    this.#worker.once('error', (error) => {
      Atomics.store(this.#control, CLOSED, 1);
      options.onError?.(error);
    });
  }

  stats(): CheckpointStats {
    const cpu = this.#stats[CPU_MS]!;
    return {
      checkpoints: this.#stats[CHECKPOINTS]!,
      frames: this.#stats[FRAMES]!,
      wallMs: this.#stats[WALL_MS]!,
      cpuMs: cpu < 0 ? undefined : cpu,
      passes: this.#stats[PASSES]!,
    };
  }

  /**
   * Stops the thread and waits (up to `timeoutMs`) until its connection is closed, so that the
   * writer's own close is the last one and folds the WAL into the file. Returns whether it is.
   */
  close(timeoutMs = 5_000): boolean {
    if (this.#closed) return Atomics.load(this.#control, CLOSED) === 1;
    this.#closed = true;
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, STOP);
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.#control, CLOSED) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.#control, CLOSED, 0, Math.min(left, 50));
    }
    void this.#worker.terminate();
    return Atomics.load(this.#control, CLOSED) === 1;
  }
}
