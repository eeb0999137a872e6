import type { ErrorCode } from '@parley/protocol';

/**
 * The authorization matrix: the specification of who may do what on the relay, asserted cell by cell
 * by `authz.test.ts` and rendered into `docs/AUTHORIZATION.md` by `authzRender.ts`. Change the
 * table, run the renderer, and the test holds the relay to it.
 */

/** The role or state of the acting user towards the thread the operation targets. */
export type ActorState =
  | 'owner'
  | 'admin'
  | 'member'
  | 'limited'
  | 'restricted'
  | 'removed'
  | 'nonMember'
  | 'deletedThread'
  | 'expiredToken';

export const actorStates: readonly ActorState[] = [
  'owner',
  'admin',
  'member',
  'limited',
  'restricted',
  'removed',
  'nonMember',
  'deletedThread',
  'expiredToken',
];

export const stateDescriptions: Record<ActorState, string> = {
  owner: 'created the thread (role `owner`), `chat` token',
  admin: 'member with role `admin`, `chat` token',
  member: 'member with role `member`, `chat` token',
  limited: 'member holding a `chat.join.limited` token',
  restricted: 'member added with `shareHistoryTime` after the target message (history not shared)',
  removed: 'was a member, then removed',
  nonMember: 'never a member',
  deletedThread: 'was a member of a thread that was since deleted',
  expiredToken: 'member whose token has expired',
};

/** `ok`: accepted / granted / 2xx. An error code: rejected with that code. `n/a`: no such entry point. */
export type Expected = 'ok' | 'n/a' | ErrorCode;

/** The two ways into the relay: intents (and doc subscriptions) over the socket, and the ACS HTTP API. */
export type EntryPoint = 'intent' | 'http';

export type OperationName =
  | 'createThread'
  | 'updateThread'
  | 'deleteThread'
  | 'addParticipants'
  | 'removeParticipant'
  | 'leaveThread'
  | 'sendMessage'
  | 'editOwnMessage'
  | 'editOthersMessage'
  | 'deleteOwnMessage'
  | 'deleteOthersMessage'
  | 'sendReadReceipt'
  | 'react'
  | 'getThread'
  | 'listMessages'
  | 'listParticipants'
  | 'listReadReceipts'
  | 'sendTyping';

export interface MatrixRow {
  readonly op: OperationName;
  /** What the cell does through each entry point. */
  readonly intent: string;
  readonly http: string;
  readonly expected: Record<EntryPoint, Record<ActorState, Expected>>;
}

type Cells = [Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected];

const byState = (cells: Cells): Record<ActorState, Expected> =>
  Object.fromEntries(actorStates.map((s, i) => [s, cells[i]!])) as Record<ActorState, Expected>;

const both = (cells: Cells) => ({ intent: byState(cells), http: byState(cells) });
const httpOnly = (cells: Cells) => ({
  intent: byState(['n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']),
  http: byState(cells),
});

const NAM = 'NOT_A_MEMBER';
const TD = 'THREAD_DELETED';
const UA = 'UNAUTHORIZED';
const IS = 'INSUFFICIENT_SCOPE';
const NS = 'NOT_SENDER';
const MNF = 'MESSAGE_NOT_FOUND';

//                                   owner admin member limited restricted removed non  deleted expired
const memberWrite: Cells = /*     */ ['ok', 'ok', 'ok', IS, 'ok', NAM, NAM, TD, UA];
const anyMember: Cells = /*       */ ['ok', 'ok', 'ok', 'ok', 'ok', NAM, NAM, TD, UA];
const othersMessage: Cells = /*   */ [NS, NS, NS, NS, MNF, NAM, NAM, TD, UA];
const visibleMessage: Cells = /*  */ ['ok', 'ok', 'ok', 'ok', MNF, NAM, NAM, TD, UA];

/**
 * Every operation. "Others' message" is a message another member sent before the restricted member
 * joined, so the restricted member must not even learn that it exists (MESSAGE_NOT_FOUND).
 */
export const authorizationMatrix: readonly MatrixRow[] = [
  {
    op: 'createThread',
    intent: '`createThread` intent',
    http: '`POST /chat/threads`',
    expected: both(['ok', 'ok', 'ok', IS, 'ok', 'ok', 'ok', 'ok', UA]),
  },
  {
    op: 'updateThread',
    intent: '`updateThread` intent (topic)',
    http: '`PATCH /chat/threads/{id}`',
    expected: both(memberWrite),
  },
  {
    op: 'deleteThread',
    intent: '`deleteThread` intent',
    http: '`DELETE /chat/threads/{id}`',
    expected: both(['ok', 'ok', 'FORBIDDEN', IS, 'FORBIDDEN', NAM, NAM, TD, UA]),
  },
  {
    op: 'addParticipants',
    intent: '`addParticipants` intent (a new user)',
    http: '`POST /chat/threads/{id}/participants/:add`',
    expected: both(memberWrite),
  },
  {
    op: 'removeParticipant',
    intent: '`removeParticipant` intent (another member)',
    http: '`POST /chat/threads/{id}/participants/:remove`',
    expected: both(memberWrite),
  },
  {
    op: 'leaveThread',
    intent: '`removeParticipant` intent (oneself)',
    http: '`POST /chat/threads/{id}/participants/:remove` (oneself)',
    expected: both(memberWrite),
  },
  {
    op: 'sendMessage',
    intent: '`sendMessage` intent',
    http: '`POST /chat/threads/{id}/messages`',
    expected: both(anyMember),
  },
  {
    op: 'editOwnMessage',
    intent: '`editMessage` intent (own message)',
    http: '`PATCH /chat/threads/{id}/messages/{mid}` (own)',
    expected: both(anyMember),
  },
  {
    op: 'editOthersMessage',
    intent: '`editMessage` intent (another member’s message)',
    http: '`PATCH /chat/threads/{id}/messages/{mid}` (another’s)',
    expected: both(othersMessage),
  },
  {
    op: 'deleteOwnMessage',
    intent: '`deleteMessage` intent (own message)',
    http: '`DELETE /chat/threads/{id}/messages/{mid}` (own)',
    expected: both(anyMember),
  },
  {
    op: 'deleteOthersMessage',
    intent: '`deleteMessage` intent (another member’s message; the default policy has no moderators)',
    http: '`DELETE /chat/threads/{id}/messages/{mid}` (another’s)',
    expected: both(othersMessage),
  },
  {
    op: 'sendReadReceipt',
    intent: '`sendReadReceipt` intent (another member’s message)',
    http: '`POST /chat/threads/{id}/readReceipts`',
    expected: both(visibleMessage),
  },
  {
    op: 'react',
    intent: '`react` intent (another member’s message)',
    http: 'none (reactions are a Parley extension without an ACS route)',
    expected: {
      intent: byState(visibleMessage),
      http: byState(['n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']),
    },
  },
  {
    op: 'getThread',
    intent: 'subscribe to the head doc `thread:{id}`',
    http: '`GET /chat/threads/{id}`',
    expected: both(anyMember),
  },
  {
    op: 'listMessages',
    intent: 'subscribe to the first page doc `thread:{id}:0`',
    http: '`GET /chat/threads/{id}/messages` (restricted members get only their share)',
    expected: {
      intent: byState(['ok', 'ok', 'ok', 'ok', 'HISTORY_NOT_VISIBLE', NAM, NAM, TD, UA]),
      http: byState(anyMember),
    },
  },
  {
    op: 'listParticipants',
    intent: 'none (members travel in the head doc: see getThread)',
    http: '`GET /chat/threads/{id}/participants`',
    expected: httpOnly(anyMember),
  },
  {
    op: 'listReadReceipts',
    intent: 'none (receipts travel in the head doc: see getThread)',
    http: '`GET /chat/threads/{id}/readReceipts`',
    expected: httpOnly(anyMember),
  },
  {
    op: 'sendTyping',
    intent: 'none (typing travels over awareness on the head doc)',
    http: '`POST /chat/threads/{id}/typing`',
    expected: httpOnly(anyMember),
  },
];
