import type { RelayStore } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import type { DocHost } from './docHost.ts';

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

/**
 * Runs every change to docs and tables as a unit inside one SQLite transaction per event-loop
 * turn: units queued during a turn commit together, and only then are their doc updates delivered
 * and their promises resolved — nothing is broadcast or acknowledged before it is durable.
 * A unit that throws is rolled back alone (savepoint) and its docs reloaded from storage.
 */
export class Committer {
  readonly #store: RelayStore;
  readonly #host: DocHost;
  readonly #hooks: CommitterHooks;
  #queue: Unit[] = [];
  #scheduled = false;
  #afterCommit: (() => void)[] = [];
  #closed = false;

  constructor(store: RelayStore, host: DocHost, hooks: CommitterHooks = {}) {
    this.#store = store;
    this.#host = host;
    this.#hooks = hooks;
  }

  /** Queues `work` to run inside this turn's transaction; resolves with its value after commit. */
  run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new ParleyError('UNAVAILABLE', 'The relay is shutting down.'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.drain());
      }
    });
  }

  /** Inside a unit: runs `fn` after the batch commits (revocations, notifications). */
  afterCommit(fn: () => void): void {
    this.#afterCommit.push(fn);
  }

  /** Runs everything queued now (also used at shutdown). */
  drain(): void {
    this.#scheduled = false;
    const units = this.#queue;
    this.#queue = [];
    if (units.length === 0) return;
    const started = performance.now();
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.#store.transaction(() => {
        for (const unit of units) {
          this.#host.beginTracking();
          const afterMark = this.#afterCommit.length;
          try {
            const value = this.#store.transaction(() => {
              const v = unit.work();
              this.#host.commitUnit();
              return v;
            });
            this.#host.endTracking();
            outcomes.push({ ok: true, value });
          } catch (error) {
            this.#host.reload(this.#host.endTracking());
            this.#afterCommit.length = afterMark;
            if (!(error instanceof ParleyError)) this.#hooks.onInternalError?.(error);
            outcomes.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      // The batch itself failed to commit: nothing of it is durable.
      this.#hooks.onInternalError?.(error);
      this.#host.reload(
        new Map([...this.#host.loaded.values()].filter((d) => d.pending.length > 0).map((d) => [d, 0])),
      );
      this.#afterCommit = [];
      const failure = new ParleyError('INTERNAL', 'The change could not be stored.');
      for (const unit of units) unit.reject(failure);
      return;
    }
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
    this.#host.flush();
    units.forEach((unit, i) => {
      const o = outcomes[i]!;
      if (o.ok) unit.resolve(o.value);
      else unit.reject(o.value);
    });
  }

  /** Refuses new units and runs what is queued. */
  close(): void {
    this.drain();
    this.#closed = true;
  }
}
