import { type OpEnvelope, type OpPayload, type OpResult, opsMap, resultsMap } from '@parley/model';
import type * as Y from 'yjs';
import type { ChatError, MessageStatus } from './types.ts';

export interface OpState {
  readonly envelope: OpEnvelope;
  readonly result: OpResult | undefined;
  readonly status: MessageStatus;
  readonly error?: ChatError;
}

/** The status an op has on this client: pending until the relay's result, then sent or failed. */
export const opStatus = (result: OpResult | undefined): { status: MessageStatus; error?: ChatError } => {
  if (!result) return { status: 'pending' };
  if (result.status === 'accepted') return { status: 'sent' };
  return { status: 'failed', error: { code: result.code, message: result.reason } };
};

const threadOf = (op: OpPayload): string => op.threadId;

/**
 * Every intent of the user (all devices) joined with its result, grouped by thread, in the order
 * they were made. Built fresh per read: the user doc is the single source of truth for intents.
 */
export const indexOps = (userDoc: Y.Doc, discarded: ReadonlySet<string>) => {
  const results = resultsMap(userDoc);
  const all: OpState[] = [];
  for (const envelope of opsMap(userDoc).values()) {
    if (!envelope || typeof envelope !== 'object' || !envelope.op) continue;
    if (discarded.has(envelope.id)) continue;
    const result = results.get(envelope.id);
    all.push({ envelope, result, ...opStatus(result) });
  }
  all.sort(
    (a, b) =>
      a.envelope.createdOn.localeCompare(b.envelope.createdOn) ||
      a.envelope.device.localeCompare(b.envelope.device) ||
      a.envelope.n - b.envelope.n,
  );
  const byThread = new Map<string, OpState[]>();
  for (const s of all) {
    const t = threadOf(s.envelope.op);
    let list = byThread.get(t);
    if (!list) byThread.set(t, (list = []));
    list.push(s);
  }
  return {
    all,
    forThread: (threadId: string): OpState[] => byThread.get(threadId) ?? [],
    /** The latest sendMessage op for a message id (retries write a new op with the same id). */
    sendOf(threadId: string, messageId: string): OpState | undefined {
      let found: OpState | undefined;
      for (const s of byThread.get(threadId) ?? []) {
        if (s.envelope.op.type !== 'sendMessage' || s.envelope.op.messageId !== messageId) continue;
        if (found?.status !== 'sent') found = s;
      }
      return found;
    },
  };
};

export type OpIndex = ReturnType<typeof indexOps>;
