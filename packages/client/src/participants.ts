import { isUserId, type ParticipantInput } from '@parley/model';
import { userIdOf } from './identifiers.ts';
import type { ChatError, ChatParticipant } from './types.ts';

/**
 * Splits ACS participants into intent inputs and the ones the client can already tell are invalid
 * (ACS reports those in `invalidParticipants` instead of throwing).
 */
export const screenParticipants = (
  participants: readonly ChatParticipant[],
): { inputs: ParticipantInput[]; invalid: ChatError[] } => {
  const inputs: ParticipantInput[] = [];
  const invalid: ChatError[] = [];
  for (const p of participants) {
    let id: string;
    try {
      id = userIdOf(p.id);
    } catch {
      invalid.push({ code: 'INVALID_REQUEST', message: 'Not a valid user id.', target: String(p.id) });
      continue;
    }
    if (!isUserId(id)) {
      invalid.push({ code: 'INVALID_REQUEST', message: 'Not a valid user id.', target: id });
      continue;
    }
    inputs.push({
      id,
      ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
      ...(p.shareHistoryTime ? { shareHistoryTime: new Date(p.shareHistoryTime).toISOString() } : {}),
      ...(p.metadata ? { metadata: { ...p.metadata } } : {}),
    });
  }
  return { inputs, invalid };
};
