import type { MessageRecord } from '@parley/model';
import type { ErrorCode } from '@parley/protocol';
import type { Actor } from './api.ts';

/**
 * What the op processor tells the rest of the relay after a change commits. Observers never veto:
 * every method is optional and a throwing observer is logged, not fatal. Sessions use it to revoke
 * subscriptions; webhooks and metrics to publish events.
 */
export interface RelaySignals {
  threadCreated?(e: {
    threadId: string;
    actor: Actor;
    topic: string;
    members: readonly string[];
    at: string;
  }): void;
  threadUpdated?(e: {
    threadId: string;
    actor: Actor;
    topic?: string;
    metadata?: Record<string, string>;
    members: readonly string[];
    at: string;
  }): void;
  threadDeleted?(e: { threadId: string; actor: Actor; members: readonly string[]; at: string }): void;
  participantsAdded?(e: {
    threadId: string;
    actor: Actor;
    added: readonly { id: string; displayName: string; shareHistoryTime?: string }[];
    members: readonly string[];
    at: string;
  }): void;
  participantRemoved?(e: {
    threadId: string;
    actor: Actor;
    removed: string;
    members: readonly string[];
    code: ErrorCode;
    at: string;
  }): void;
  messageSent?(e: {
    threadId: string;
    actor: Actor;
    message: MessageRecord;
    members: readonly string[];
  }): void;
  messageEdited?(e: {
    threadId: string;
    actor: Actor;
    message: MessageRecord;
    members: readonly string[];
  }): void;
  messageDeleted?(e: {
    threadId: string;
    actor: Actor;
    message: MessageRecord;
    members: readonly string[];
  }): void;
  readReceipt?(e: { threadId: string; actor: Actor; messageId: string; seq: number; at: string }): void;
}

/** Every signal a change can raise, in one list. */
export const signalNames = [
  'threadCreated',
  'threadUpdated',
  'threadDeleted',
  'participantsAdded',
  'participantRemoved',
  'messageSent',
  'messageEdited',
  'messageDeleted',
  'readReceipt',
] as const satisfies readonly (keyof RelaySignals)[];

/** Fans one call out to several observers, isolating each. */
export const combineSignals = (
  sinks: readonly RelaySignals[],
  onError: (e: unknown) => void,
): RelaySignals => {
  const out: Record<string, (e: unknown) => void> = {};
  for (const name of signalNames) {
    out[name] = (e: unknown) => {
      for (const sink of sinks) {
        const fn = sink[name] as ((e: unknown) => void) | undefined;
        if (!fn) continue;
        try {
          fn.call(sink, e);
        } catch (error) {
          onError(error);
        }
      }
    };
  }
  return out as RelaySignals;
};
