/** A request as metrics and logs name it: ACS's operation name and the ids in its path. */
export interface RequestOperation {
  readonly operation: string;
  readonly threadId?: string;
  readonly messageId?: string;
}

/** ACS's `Operation` dimension value for unknown routes. */
export const BAD_ROUTE = 'Bad Route';

const THREAD_ROUTES: Record<string, Record<string, string>> = {
  '': { GET: 'GetChatThread', PATCH: 'UpdateChatThread', DELETE: 'DeleteChatThread' },
  messages: { GET: 'ListChatMessages', POST: 'SendChatMessage' },
  'messages/*': { GET: 'GetChatMessage', PATCH: 'UpdateChatMessage', DELETE: 'DeleteChatMessage' },
  participants: { GET: 'ListChatThreadParticipants' },
  'participants/:add': { POST: 'AddChatThreadParticipants' },
  'participants/:remove': { POST: 'RemoveChatThreadParticipant' },
  readReceipts: { GET: 'GetReadReceipts', POST: 'SendReadReceipt' },
  typing: { POST: 'SendTypingIndicator' },
};

const ADMIN_ROUTES: Record<string, Record<string, string>> = {
  tokens: { POST: 'AdminIssueToken' },
  threads: { GET: 'AdminListThreads' },
  webhooks: { GET: 'AdminListWebhooks', POST: 'AdminPutWebhook' },
  'webhooks/dead-letters': { GET: 'AdminListDeadLetters' },
  'webhooks/*': { DELETE: 'AdminDeleteWebhook' },
  usage: { GET: 'AdminGetUsage' },
};

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Names an HTTP request by ACS's operation names (`SendChatMessage`, `ListChatMessages`, …, and
 * `Admin…` for operator routes). Undefined for probes (`/healthz`, `/readyz`, `/metrics`).
 *
 * @example
 * operationOf('POST', '/chat/threads/abc/messages') // { operation: 'SendChatMessage', threadId: 'abc' }
 */
export const operationOf = (method: string, pathname: string): RequestOperation | undefined => {
  if (pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics') return undefined;
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts[0] === 'chat' && parts[1] === 'threads') {
    if (parts.length === 2) {
      const operation =
        method === 'POST' ? 'CreateChatThread' : method === 'GET' ? 'ListChatThreads' : undefined;
      return { operation: operation ?? BAD_ROUTE };
    }
    const threadId = decode(parts[2]!);
    const rest = parts.slice(3);
    const key = rest[0] === 'messages' && rest.length === 2 ? 'messages/*' : rest.join('/');
    const operation = THREAD_ROUTES[key]?.[method];
    if (!operation) return { operation: BAD_ROUTE };
    return { operation, threadId, ...(key === 'messages/*' ? { messageId: decode(rest[1]!) } : {}) };
  }
  if (parts[0] === 'admin') {
    const rest = parts.slice(1);
    const key =
      rest[0] === 'webhooks' && rest.length === 2 && rest[1] !== 'dead-letters'
        ? 'webhooks/*'
        : rest.join('/');
    return { operation: ADMIN_ROUTES[key]?.[method] ?? BAD_ROUTE };
  }
  return { operation: BAD_ROUTE };
};

const OP_NAMES: Record<string, string> = {
  createThread: 'CreateChatThread',
  updateThread: 'UpdateChatThread',
  deleteThread: 'DeleteChatThread',
  addParticipants: 'AddChatThreadParticipants',
  removeParticipant: 'RemoveChatThreadParticipant',
  sendMessage: 'SendChatMessage',
  editMessage: 'UpdateChatMessage',
  deleteMessage: 'DeleteChatMessage',
  sendReadReceipt: 'SendReadReceipt',
  react: 'ReactToChatMessage',
};

/**
 * The ACS operation name of an intent type.
 *
 * @example
 * operationOfOp('editMessage') // 'UpdateChatMessage'
 */
export const operationOfOp = (type: string): string => OP_NAMES[type] ?? type;
