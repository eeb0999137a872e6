import type { OpType, Role } from '@parley/model';
import type { TokenScope } from '@parley/protocol';

/**
 * Who may do what. The default equals ACS: any member may add or remove members and change the
 * topic; only the sender edits or deletes a message; the creator is owner; owner and admins may
 * delete the thread. Scopes follow ACS tokens: only `chat` creates, updates or deletes threads;
 * `chat.join.limited` may not add or remove members.
 */
export interface Policy {
  /** May a token of this scope attempt this operation at all? */
  scopeAllows(scope: TokenScope, op: OpType): boolean;
  /** May a member of this role do this thread-level operation? */
  roleAllows(
    role: Role,
    op: 'updateThread' | 'deleteThread' | 'addParticipants' | 'removeParticipant',
  ): boolean;
  /** May a member of this role edit or delete someone else's message? */
  canModerate(role: Role): boolean;
}

const threadWrites: ReadonlySet<OpType> = new Set(['createThread', 'updateThread', 'deleteThread']);
const memberWrites: ReadonlySet<OpType> = new Set(['addParticipants', 'removeParticipant']);

export const defaultPolicy: Policy = {
  scopeAllows: (scope, op) => {
    if (threadWrites.has(op)) return scope === 'chat';
    if (memberWrites.has(op)) return scope !== 'chat.join.limited';
    return true;
  },
  roleAllows: (role, op) => (op === 'deleteThread' ? role === 'owner' || role === 'admin' : true),
  canModerate: () => false,
};
