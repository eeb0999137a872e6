import { type OpEnvelope, type OpPayload, opsMap, timeOrderedId, validateOp, writeOp } from '@parley/model';
import type * as Y from 'yjs';

export interface OpWriterOptions {
  /** This store's device id (persisted in the store meta). */
  readonly deviceId: string;
  /** The user doc, loaded (intents go into its `ops` map). */
  readonly userDoc: () => Y.Doc;
  readonly now?: () => number;
}

/**
 * Writes intents into the user's `user:` doc. The relay applies each device's ops in `n` order and
 * waits at a gap, so `n` is derived from the ops already in the doc (never from a counter that could
 * run ahead of what was stored): the next `n` is one more than the highest this device wrote.
 *
 * @example
 * const writer = createOpWriter({ deviceId, userDoc: () => docs.get(userDocName(me))! });
 * const env = writer.write({ type: 'deleteMessage', threadId, messageId });
 */
export const createOpWriter = (options: OpWriterOptions) => {
  const now = options.now ?? Date.now;
  let lastN: number | undefined;

  const highestN = (doc: Y.Doc): number => {
    let max = 0;
    for (const env of opsMap(doc).values())
      if (env && env.device === options.deviceId && typeof env.n === 'number' && env.n > max) max = env.n;
    return max;
  };

  return {
    /**
     * Validates and records an intent; throws ParleyError for bad input (nothing is written).
     * Returns the envelope as written.
     */
    write(op: OpPayload): OpEnvelope {
      const valid = validateOp(op);
      const doc = options.userDoc();
      lastN ??= highestN(doc);
      const n = lastN + 1;
      const envelope: OpEnvelope = {
        id: timeOrderedId(),
        device: options.deviceId,
        n,
        createdOn: new Date(now()).toISOString(),
        op: valid,
      };
      writeOp(doc, envelope);
      lastN = n;
      return envelope;
    },
  };
};

export type OpWriter = ReturnType<typeof createOpWriter>;
