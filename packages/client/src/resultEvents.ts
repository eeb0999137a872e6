import type { OpEnvelope, OpResult } from '@parley/model';
import type { Emitter } from './emitter.ts';
import type { ChatEventMap } from './eventTypes.ts';
import { opStatus } from './opIndex.ts';

/**
 * Parley's events for a relay result in the user doc: `intentSettled` for every intent and
 * `messageStatusChanged` (sent / failed with the code) for message intents.
 *
 * @example
 * emitResultEvents(emitter, opId, opsMap(userDoc).get(opId), result);
 */
export const emitResultEvents = (
  emitter: Emitter<ChatEventMap>,
  opId: string,
  envelope: OpEnvelope | undefined,
  result: OpResult,
): void => {
  if (!envelope?.op) return;
  const op = envelope.op;
  const { error } = opStatus(result);
  emitter.emit('intentSettled', {
    opId,
    type: op.type,
    threadId: op.threadId,
    status: result.status,
    ...(error ? { error } : {}),
    ...(result.status === 'accepted' && result.invalidParticipants
      ? { invalidParticipants: result.invalidParticipants.map((p) => ({ ...p })) }
      : {}),
  });
  if (op.type === 'sendMessage' || op.type === 'editMessage' || op.type === 'deleteMessage') {
    emitter.emit('messageStatusChanged', {
      threadId: op.threadId,
      messageId: op.messageId,
      opId,
      operation: op.type,
      status: result.status === 'accepted' ? 'sent' : 'failed',
      ...(result.status === 'accepted' && result.seq !== undefined ? { sequenceId: String(result.seq) } : {}),
      ...(error ? { error } : {}),
    });
  }
};
