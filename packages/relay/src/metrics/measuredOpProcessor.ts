import type { OpPayload, OpResult } from '@parley/model';
import { isParleyError } from '@parley/protocol';
import type { Actor } from '../api.ts';
import { OpProcessor, type OpProcessorDeps } from '../opProcessor.ts';

/** Sees every intent the processor runs: `accepted` or the error code, and the time it took. */
export type OpObserver = (actor: Actor, op: OpPayload, result: string, ms: number) => void;

/**
 * The op processor, timed: every intent on every path (HTTP, user docs, awareness receipts) is
 * reported to `observe` with its result. The observer cannot change the outcome.
 *
 * @example
 * const processor = new MeasuredOpProcessor(deps, (actor, op, result, ms) => metrics.op(op.type, result, ms / 1000));
 */
export class MeasuredOpProcessor extends OpProcessor {
  readonly #observe: OpObserver;

  constructor(deps: OpProcessorDeps, observe: OpObserver) {
    super(deps);
    this.#observe = observe;
  }

  override run(actor: Actor, op: OpPayload, idempotencyKey?: string): OpResult {
    const started = performance.now();
    let result = 'INTERNAL';
    try {
      const out = super.run(actor, op, idempotencyKey);
      result = 'accepted';
      return out;
    } catch (error) {
      if (isParleyError(error)) result = error.code;
      throw error;
    } finally {
      try {
        this.#observe(actor, op, result, performance.now() - started);
      } catch {
        // Observers never veto.
      }
    }
  }
}
