import { performance as nodePerformance } from 'node:perf_hooks';
import type { RelayStore } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import type { DocHost } from './docHost.ts';

/** Thrown by `barrier()`: the batch ends before the unit, which opens the next one. */
const DEFER = Symbol('defer');

interface Unit {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface CommitterHooks {
  /** Called with each error that was not a ParleyError (a bug or a storage failure). */
  readonly onInternalError?: (error: unknown) => void;
  /** Called after each committed batch with its size and duration in ms. */
  readonly onCommit?: (units: number, ms: number) => void;
}

export interface CommitterOptions {
  /**
   * Group commit: while the relay is busy (its event loop was busy more than `busyShare` of the
   * last ~50 ms, by `eventLoopUtilization`, or its last batch had `busyUnits` units), a batch
   * that would start less than this many ms after the previous one waits until then, so that its
   * units share one commit and one delivery per subscriber. A quiet relay commits at the end of
   * the turn. 0 commits every turn. Default 10.
   */
  readonly windowMs?: number;
  /**
   * Event-loop utilization (0–1) above which the window applies; 0: always. Default 0.5. At 0.1
   * a relay at 100–400 msgs/s (a tenth of its capacity) held most messages for the window: W1's
   * p50 at 400 msgs/s was 7–9 ms against 1.4–3 ms at 0.5, for the same CPU per message at the top.
   */
  readonly busyShare?: number;
  /**
   * A batch of at least this many units also makes the next one wait for the window, whatever
   * the event loop's utilization: units that queue up while a batch runs mean a steady stream,
   * and the utilization sampled over 50 ms hovers around `busyShare` at a few hundred messages a
   * second (in bench W5 at 3,000 msgs/s it never crossed 0.5), so the window came and went: W1
   * N = 2 made 350–630 commits in a 1.5 s step at 400–3,200 msgs/s. With this rule the stream
   * commits once per window (~155 a step), and in three alternating runs the relay's CPU a
   * message at 400 / 800 / 1,600 / 3,200 msgs/s fell from 1,402–1,737 / 816–1,043 / 386–449 /
   * 249–306 µs to 1,014–1,138 / 608–706 / 328–378 / 189–203; the p50 there rose from 2–7 to
   * 8–10 ms and the p99 at 3,200 fell from 80–172 to 25–47 ms. A lone message after a quiet
   * spell still commits at once (at 20 msgs/s batches are of one unit). Default 3.
   */
  readonly busyUnits?: number;
  /**
   * A batch starts no new unit after running this long (ms): the rest, in order, open the next
   * batch once this one is committed and delivered and the event loop has read its sockets. An
   * overloaded relay otherwise ran everything queued in one batch — hundreds of ms in which no
   * session was served. Default 25.
   */
  readonly maxBatchMs?: number;
}

/** How often the event loop's utilization is sampled to decide whether the relay is busy, in ms. */
const BUSY_SAMPLE_MS = 50;

/**
 * Runs every change to docs and tables as a unit inside one SQLite transaction per batch: units
 * queued during a turn (and, under load, during a group-commit window) commit together, and only
 * then are their doc updates delivered and their promises resolved — nothing is broadcast or
 * acknowledged before it is durable. A unit that throws is rolled back alone (savepoint) and its
 * docs reloaded from storage.
 */
export class Committer {
  readonly #store: RelayStore;
  readonly #host: DocHost;
  readonly #hooks: CommitterHooks;
  readonly #windowMs: number;
  #queue: Unit[] = [];
  /** Cancels the scheduled drain, while one is scheduled. */
  #scheduled: (() => void) | undefined;
  /** The batch being run, while `drain` runs it: `join` appends to it. */
  #running: Unit[] | undefined;
  /** Index of the running unit in its batch. */
  #unitIndex = -1;
  #afterCommit: (() => void)[] = [];
  #lastBatchAt = Number.NEGATIVE_INFINITY;
  readonly #busyShare: number;
  readonly #busyUnits: number;
  readonly #maxBatchMs: number;
  #elu = nodePerformance.eventLoopUtilization();
  #eluAt = Number.NEGATIVE_INFINITY;
  #busy = false;
  #lastBatchUnits = 0;
  #closed = false;

  constructor(store: RelayStore, host: DocHost, hooks: CommitterHooks = {}, options: CommitterOptions = {}) {
    this.#store = store;
    this.#host = host;
    this.#hooks = hooks;
    this.#windowMs = options.windowMs ?? 10;
    this.#busyShare = options.busyShare ?? 0.5;
    this.#busyUnits = options.busyUnits ?? 3;
    this.#maxBatchMs = options.maxBatchMs ?? 25;
  }

  /** Queues `work` to run inside the next batch's transaction; resolves with its value after commit. */
  run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new ParleyError('UNAVAILABLE', 'The relay is shutting down.'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /**
   * Like `run`, but called from inside a unit it runs `work` as another unit of the same batch
   * (after the current one), so that follow-up work commits in the same transaction instead of
   * costing a batch of its own. Outside a unit it is `run`.
   */
  join<T>(work: () => T): Promise<T> {
    const running = this.#running;
    if (!running || this.#closed) return this.run(work);
    return new Promise<T>((resolve, reject) => {
      running.push({ work, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /**
   * Inside a unit, before it changes anything: makes it the first unit of its batch. When earlier
   * units ran in this batch, the batch ends before it and it opens the next one, followed by the
   * units that were queued after it, in order (the call throws; the unit runs again from the
   * start). A unit that revokes access calls this: revocations run before a batch's deliveries,
   * so without it the earlier units' changes would never reach the members being revoked.
   */
  barrier(): void {
    if (this.#unitIndex > 0) throw DEFER;
  }

  /** Inside a unit: runs `fn` after the batch commits (revocations, notifications). */
  afterCommit(fn: () => void): void {
    this.#afterCommit.push(fn);
  }

  #schedule(): void {
    if (this.#scheduled !== undefined || this.#running) return;
    const now = performance.now();
    const wait = this.#isBusy(now) ? this.#lastBatchAt + this.#windowMs - now : 0;
    if (wait > 0) {
      const timer = setTimeout(() => this.drain(), wait);
      this.#scheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.drain());
      this.#scheduled = () => clearImmediate(immediate);
    }
  }

  /** Busy without sampling the event loop: the window always applies, or the last batch was a stream. */
  #busyByRule(): boolean {
    return this.#busyShare <= 0 || this.#lastBatchUnits >= this.#busyUnits;
  }

  /** Whether the relay counts as loaded now, as the window last judged it (no new sample). */
  #loaded(): boolean {
    return this.#busyByRule() || this.#busy;
  }

  #isBusy(now: number): boolean {
    if (this.#busyByRule()) return true;
    if (now - this.#eluAt >= BUSY_SAMPLE_MS) {
      const sample = nodePerformance.eventLoopUtilization(this.#elu);
      this.#elu = nodePerformance.eventLoopUtilization();
      this.#eluAt = now;
      this.#busy = sample.utilization > this.#busyShare;
    }
    return this.#busy;
  }

  /** Runs everything queued now (also used at shutdown). */
  drain(): void {
    this.#scheduled?.();
    this.#scheduled = undefined;
    const units = this.#queue;
    this.#queue = [];
    if (units.length === 0 || this.#running) return;
    const started = performance.now();
    this.#lastBatchAt = started;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const deferred: Unit[] = [];
    this.#running = units;
    try {
      this.#store.transaction(() => {
        // `units` grows while it runs when a unit joins follow-up work to the batch.
        for (let i = 0; i < units.length; i++) {
          const unit = units[i]!;
          this.#unitIndex = i;
          this.#host.beginTracking();
          const afterMark = this.#afterCommit.length;
          try {
            const value = this.#store.transaction(() => unit.work());
            this.#host.endTracking();
            outcomes.push({ ok: true, value });
          } catch (error) {
            this.#host.reload(this.#host.endTracking(), true);
            this.#afterCommit.length = afterMark;
            if (error === DEFER) {
              // The batch ends before this unit; it and every later unit keep their order and
              // open the next batch (a later unit must not commit before an earlier one).
              deferred.push(...units.splice(i));
              break;
            }
            if (!(error instanceof ParleyError)) this.#hooks.onInternalError?.(error);
            outcomes.push({ ok: false, value: error });
          }
          if (i + 1 < units.length && performance.now() - started >= this.#maxBatchMs) {
            deferred.push(...units.splice(i + 1));
            break;
          }
        }
        this.#host.logBatch();
      });
    } catch (error) {
      // The batch itself failed to commit: nothing of it is durable.
      this.#running = undefined;
      this.#unitIndex = -1;
      this.#hooks.onInternalError?.(error);
      this.#host.discardBatch();
      this.#host.reload(
        new Map([...this.#host.loaded.values()].filter((d) => d.pending.length > 0).map((d) => [d, 0])),
      );
      this.#afterCommit = [];
      const failure = new ParleyError('INTERNAL', 'The change could not be stored.');
      for (const unit of units) unit.reject(failure);
      if (deferred.length > 0) this.#queue = [...deferred, ...this.#queue];
      if (this.#queue.length > 0) this.#schedule();
      return;
    }
    this.#running = undefined;
    this.#unitIndex = -1;
    if (deferred.length > 0) this.#queue = [...deferred, ...this.#queue];
    this.#lastBatchUnits = units.length;
    this.#hooks.onCommit?.(units.length, performance.now() - started);
    // After-commit work first: revocations must land before this batch's updates are delivered,
    // so a member removed in this batch receives nothing sent after the removal.
    const after = this.#afterCommit;
    this.#afterCommit = [];
    for (const fn of after) {
      try {
        fn();
      } catch (error) {
        this.#hooks.onInternalError?.(error);
      }
    }
    try {
      this.#host.flush(this.#loaded());
    } catch (error) {
      // Delivery is after the commit: a failure here must not keep the units from resolving.
      this.#hooks.onInternalError?.(error);
    }
    units.forEach((unit, i) => {
      const o = outcomes[i]!;
      if (o.ok) unit.resolve(o.value);
      else unit.reject(o.value);
    });
    if (this.#queue.length > 0) this.#schedule();
  }

  /** Refuses new units and runs what is queued. */
  close(): void {
    this.drain();
    this.#closed = true;
  }
}
