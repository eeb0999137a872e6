/**
 * A FIFO of small jobs run off the caller's stack: `push` only appends and schedules a drain on a
 * later macrotask, so whoever pushes (an event listener) returns at once. A drain runs jobs until
 * its time slice is used up, then yields to the event loop so other events keep flowing. A job
 * that returns a promise holds one of `concurrency` slots until it settles.
 */

/** A unit of work; a returned promise keeps its slot until it settles. Jobs catch their own errors. */
export type Job = () => unknown;

/** Options of {@link createWorkQueue}. */
export interface WorkQueueOptions {
  /** Jobs whose promise is still pending, at most. Default 4. */
  concurrency?: number;
  /** Longest a drain runs synchronous work before yielding, in ms. Default 2. */
  sliceMs?: number;
  /** Runs a function on a later macrotask. Default: setImmediate, else MessageChannel, else setTimeout. */
  defer?: (fn: () => void) => void;
}

export interface WorkQueue {
  push(job: Job): void;
  /** Resolves when no job is queued, scheduled or in flight. */
  whenIdle(): Promise<void>;
  /** True when no job is queued, scheduled or in flight. */
  readonly idle: boolean;
  /** Jobs queued and not yet started. */
  readonly queued: number;
  /** Forgets queued jobs; jobs in flight are no longer counted. */
  clear(): void;
}

const defaults = { concurrency: 4, sliceMs: 2 } as const;

/** The platform's cheapest way to run a function on a later macrotask. */
export const defaultDefer = (): ((fn: () => void) => void) => {
  if (typeof setImmediate === 'function') return (fn) => setImmediate(fn);
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: Array<() => void> = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return (fn) => {
      waiting.push(fn);
      channel.port2.postMessage(0);
    };
  }
  return (fn) => setTimeout(fn, 0);
};

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * @example
 * const queue = createWorkQueue({ concurrency: 2 });
 * queue.push(() => fetch(url)); // returns at once; runs on a later turn, at most 2 fetches at a time
 * await queue.whenIdle();
 */
export const createWorkQueue = (options: WorkQueueOptions = {}): WorkQueue => {
  const concurrency = options.concurrency ?? defaults.concurrency;
  const sliceMs = options.sliceMs ?? defaults.sliceMs;
  if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1, got ${concurrency}`);
  if (!(sliceMs >= 0)) throw new Error(`sliceMs must not be negative, got ${sliceMs}`);
  const defer = options.defer ?? defaultDefer();

  let jobs: Array<Job | undefined> = [];
  let head = 0;
  let inFlight = 0;
  let scheduled = false;
  let epoch = 0;
  let idleWaiters: Array<() => void> = [];

  const queued = () => jobs.length - head;
  const isIdle = () => queued() === 0 && inFlight === 0 && !scheduled;

  const notifyIfIdle = () => {
    if (!isIdle() || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    defer(drain);
  };

  const settle = (jobEpoch: number) => () => {
    if (jobEpoch !== epoch) return;
    inFlight--;
    if (queued() > 0) schedule();
    else notifyIfIdle();
  };

  const run = (job: Job) => {
    let result: unknown;
    try {
      result = job();
    } catch {
      return; // jobs report their own failures; a throw must not stop the queue
    }
    if (isThenable(result)) {
      inFlight++;
      const done = settle(epoch);
      result.then(done, done);
    }
  };

  const drain = () => {
    scheduled = false;
    const deadline = performance.now() + sliceMs;
    while (head < jobs.length && inFlight < concurrency) {
      const job = jobs[head];
      jobs[head++] = undefined;
      if (job) run(job);
      if (performance.now() >= deadline) break;
    }
    if (head === jobs.length) {
      jobs = [];
      head = 0;
    } else if (head > 1024 && head * 2 > jobs.length) {
      jobs = jobs.slice(head);
      head = 0;
    }
    if (queued() > 0 && inFlight < concurrency) schedule();
    else notifyIfIdle();
  };

  return {
    push(job) {
      jobs.push(job);
      if (inFlight < concurrency) schedule();
    },
    whenIdle() {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    get idle() {
      return isIdle();
    },
    get queued() {
      return queued();
    },
    clear() {
      epoch++;
      jobs = [];
      head = 0;
      inFlight = 0;
      notifyIfIdle();
    },
  };
};
