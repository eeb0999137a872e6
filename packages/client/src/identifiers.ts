import { ParleyError } from '@parley/protocol';
import type { CommunicationIdentifier, CommunicationUserKind } from './types.ts';

/**
 * The user id inside an ACS-style identifier.
 *
 * @example
 * userIdOf({ communicationUserId: 'alice' }); // 'alice'
 */
export const userIdOf = (id: CommunicationIdentifier): string => {
  if (typeof id === 'string') return id;
  if (id && typeof id === 'object') {
    if ('communicationUserId' in id && typeof id.communicationUserId === 'string')
      return id.communicationUserId;
    if ('rawId' in id && typeof id.rawId === 'string') return id.rawId;
  }
  throw new ParleyError('INVALID_REQUEST', 'A participant id must be a communicationUserId or a rawId.');
};

/** The ACS `CommunicationUserKind` for a user id. */
export const userKind = (userId: string): CommunicationUserKind => ({
  kind: 'communicationUser',
  communicationUserId: userId,
});
