import type {
  MemberRecord,
  MessageRecord,
  OpPayload,
  OpResult,
  ReceiptRecord,
  ThreadMeta,
} from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor, ApplyOptions, Page, RelayOperations, ThreadItem } from '../api.ts';
import { createAcsRoutes } from './acsRoutes.ts';

/**
 * A small in-memory `RelayOperations`: just enough semantics (membership, sender-only edits,
 * idempotency keys, newest-first paging with an offset continuation) to check the HTTP mapping.
 * It records every applied intent in `applied` so tests can see what the routes asked for.
 */
interface FakeThread {
  meta: ThreadMeta;
  members: Map<string, MemberRecord>;
  messages: MessageRecord[];
  receipts: Map<string, ReceiptRecord>;
}

const createFakeOperations = () => {
  const threads = new Map<string, FakeThread>();
  const keys = new Map<string, OpResult>();
  const applied: { actor: Actor; op: OpPayload; options?: ApplyOptions }[] = [];
  const typing: { userId: string; threadId: string; name?: string }[] = [];
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const now = () => new Date((clock += 1000)).toISOString();
  const fail = (code: ParleyError['code'], message?: string): never => {
    throw new ParleyError(code, message);
  };
  const threadFor = (actor: Actor, threadId: string): FakeThread => {
    const thread = threads.get(threadId) ?? fail('THREAD_NOT_FOUND');
    if (!thread.members.has(actor.userId)) fail('NOT_A_MEMBER');
    return thread;
  };
  const pageOf = <T>(items: T[], max = 100, continuation?: string): Page<T> => {
    const start = continuation ? Number(continuation) : 0;
    const end = start + max;
    return { items: items.slice(start, end), ...(end < items.length ? { continuation: String(end) } : {}) };
  };
  const addMember = (thread: FakeThread, by: string, p: { id: string; displayName?: string }) =>
    thread.members.set(p.id, {
      id: p.id,
      displayName: p.displayName ?? p.id,
      role: p.id === by ? 'owner' : 'member',
      addedBy: by,
      addedOn: now(),
      fromSeq: 1,
      generation: 1,
    });

  const applyOp = (actor: Actor, op: OpPayload): OpResult => {
    const at = now();
    switch (op.type) {
      case 'createThread': {
        const thread: FakeThread = {
          meta: {
            id: op.threadId,
            topic: op.topic,
            createdBy: actor.userId,
            createdOn: at,
            lastSeq: 0,
            currentPage: 0,
          },
          members: new Map(),
          messages: [],
          receipts: new Map(),
        };
        if (op.metadata) thread.meta = { ...thread.meta, metadata: op.metadata };
        threads.set(op.threadId, thread);
        addMember(thread, actor.userId, { id: actor.userId, displayName: actor.displayName });
        const invalid = op.participants.filter((p) => p.id.startsWith('ghost'));
        for (const p of op.participants) if (!p.id.startsWith('ghost')) addMember(thread, actor.userId, p);
        thread.messages.push({
          id: `sys-${op.threadId}`,
          seq: 1,
          type: 'participantAdded',
          content: '',
          system: {
            participants: [...thread.members.values()].map((m) => ({ id: m.id })),
            initiator: actor.userId,
          },
          priority: 'normal',
          createdOn: at,
          version: 1,
        });
        return {
          status: 'accepted',
          at,
          threadId: op.threadId,
          invalidParticipants: invalid.map((p) => ({
            target: p.id,
            code: 'PARTICIPANT_NOT_FOUND',
            message: 'no such user',
          })),
        };
      }
      case 'sendMessage': {
        const thread = threadFor(actor, op.threadId);
        const seq = thread.messages.length + 1;
        thread.messages.push({
          id: op.messageId,
          seq,
          type: op.messageType,
          sender: actor.userId,
          senderDisplayName: op.senderDisplayName ?? actor.displayName,
          content: op.content,
          priority: op.priority ?? 'normal',
          ...(op.metadata ? { metadata: op.metadata } : {}),
          createdOn: at,
          version: 1,
        });
        return { status: 'accepted', at, threadId: op.threadId, messageId: op.messageId, seq };
      }
      case 'editMessage':
      case 'deleteMessage': {
        const thread = threadFor(actor, op.threadId);
        const i = thread.messages.findIndex((m) => m.id === op.messageId);
        const message = thread.messages[i] ?? fail('MESSAGE_NOT_FOUND');
        if (message.sender !== actor.userId)
          return { status: 'rejected', at, code: 'NOT_SENDER', reason: 'not yours' };
        thread.messages[i] =
          op.type === 'editMessage'
            ? {
                ...message,
                content: op.content ?? message.content,
                editedOn: at,
                version: message.version + 1,
              }
            : { ...message, content: '', deletedOn: at, version: message.version + 1 };
        return { status: 'accepted', at };
      }
      case 'addParticipants': {
        const thread = threadFor(actor, op.threadId);
        for (const p of op.participants) addMember(thread, actor.userId, p);
        return { status: 'accepted', at };
      }
      case 'removeParticipant': {
        const thread = threadFor(actor, op.threadId);
        if (!thread.members.delete(op.userId)) fail('PARTICIPANT_NOT_FOUND');
        return { status: 'accepted', at };
      }
      case 'updateThread': {
        const thread = threadFor(actor, op.threadId);
        thread.meta = { ...thread.meta, topic: op.topic ?? thread.meta.topic };
        return { status: 'accepted', at };
      }
      case 'deleteThread':
        threadFor(actor, op.threadId);
        threads.delete(op.threadId);
        return { status: 'accepted', at };
      case 'sendReadReceipt': {
        const thread = threadFor(actor, op.threadId);
        const message = thread.messages.find((m) => m.id === op.messageId) ?? fail('MESSAGE_NOT_FOUND');
        thread.receipts.set(actor.userId, {
          userId: actor.userId,
          messageId: message.id,
          seq: message.seq,
          readOn: at,
        });
        return { status: 'accepted', at };
      }
      default:
        return fail('INVALID_REQUEST');
    }
  };

  const operations: RelayOperations = {
    async apply(actor, op, options) {
      applied.push({ actor, op, ...(options ? { options } : {}) });
      const key = options?.idempotencyKey && `${actor.userId}\u0000${options.idempotencyKey}`;
      const known = key ? keys.get(key) : undefined;
      if (known) return known;
      const result = applyOp(actor, op);
      if (key) keys.set(key, result);
      return result;
    },
    getThread: (actor, threadId) => threadFor(actor, threadId).meta,
    listThreads(actor, options) {
      const items: ThreadItem[] = [...threads.values()]
        .filter((t) => t.members.has(actor.userId))
        .map((t) => ({ id: t.meta.id, topic: t.meta.topic }));
      return pageOf(items, options?.maxPageSize, options?.continuation);
    },
    async listMessages(actor, threadId, options) {
      const newestFirst = [...threadFor(actor, threadId).messages].reverse();
      const since = options?.startTime;
      return pageOf(
        since ? newestFirst.filter((m) => m.createdOn >= since) : newestFirst,
        options?.maxPageSize,
        options?.continuation,
      );
    },
    async getMessage(actor, threadId, messageId) {
      return threadFor(actor, threadId).messages.find((m) => m.id === messageId) ?? fail('MESSAGE_NOT_FOUND');
    },
    listParticipants(actor, threadId, options) {
      const all = [...threadFor(actor, threadId).members.values()];
      const skip = options?.skip ?? 0;
      return { ...pageOf(all.slice(skip), options?.maxPageSize), total: all.length };
    },
    listReadReceipts(actor, threadId, options) {
      const all = [...threadFor(actor, threadId).receipts.values()];
      return pageOf(all.slice(options?.skip ?? 0), options?.maxPageSize);
    },
    sendTyping(actor, threadId, name) {
      threadFor(actor, threadId);
      typing.push({ userId: actor.userId, threadId, ...(name ? { name } : {}) });
    },
  };
  return { operations, applied, typing, threads };
};

/** Tokens are `user:<id>` or `user:<id>:<scope>`; anything else is rejected. */
const verifyToken = async (token: string) => {
  const [kind, userId, scope] = token.split(':');
  if (kind !== 'user' || !userId) throw new ParleyError('UNAUTHORIZED');
  return { userId, displayName: userId.toUpperCase(), scope: (scope ?? 'chat') as 'chat' };
};

const BASE = 'https://relay.test';
const API = 'api-version=2025-03-15';

let fake: ReturnType<typeof createFakeOperations>;
let internalErrors: unknown[];
let app: ReturnType<typeof createAcsRoutes>;

beforeEach(() => {
  fake = createFakeOperations();
  internalErrors = [];
  app = createAcsRoutes({
    operations: fake.operations,
    verifyToken,
    onInternalError: (e) => internalErrors.push(e),
  });
});

const call = async (
  method: string,
  path: string,
  options: { user?: string | null; body?: unknown; headers?: Record<string, string> } = {},
) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.user !== null) headers.authorization = `Bearer user:${options.user ?? 'alice'}`;
  const url = path.startsWith('http') ? path : `${BASE}${path}${path.includes('?') ? '&' : '?'}${API}`;
  const init: RequestInit = { method, headers };
  if (options.body !== undefined)
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const res = await app.request(url, init);
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.startsWith('application/json');
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text && isJson ? JSON.parse(text) : undefined,
  };
};

const bob = { rawId: 'bob', communicationUser: { id: 'bob' } };

const createThread = async (extra: Record<string, unknown> = {}) => {
  const res = await call('POST', '/chat/threads', {
    body: { topic: 'Lunch', participants: [{ communicationIdentifier: bob, displayName: 'Bob' }], ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.chatThread.id as string;
};

const send = async (threadId: string, content: string, user = 'alice') => {
  const res = await call('POST', `/chat/threads/${threadId}/messages`, { user, body: { content } });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

describe('authentication', () => {
  it('answers 401 with an ACS error body when the bearer token is missing or bad', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: 'Basic dXNlcjpwdw==' },
    ];
    for (const headers of attempts) {
      const res = await call('GET', '/chat/threads', { user: null, headers });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(fake.applied).toHaveLength(0);
  });
});

describe('threads', () => {
  it('creates a thread: 201, Location, ChatThreadProperties and invalidParticipants', async () => {
    const res = await call('POST', '/chat/threads', {
      body: {
        topic: 'Lunch',
        metadata: { team: 'a' },
        participants: [
          { communicationIdentifier: bob, displayName: 'Bob', shareHistoryTime: '2025-01-01T00:00:00Z' },
          { communicationIdentifier: { rawId: 'ghost-1' } },
        ],
      },
    });
    expect(res.status).toBe(201);
    const id = res.body.chatThread.id;
    expect(res.headers.get('location')).toBe(`${BASE}/chat/threads/${id}`);
    expect(res.body).toEqual({
      chatThread: {
        id,
        topic: 'Lunch',
        createdOn: expect.any(String),
        createdByCommunicationIdentifier: { rawId: 'alice', communicationUser: { id: 'alice' } },
        metadata: { team: 'a' },
      },
      invalidParticipants: [{ target: 'ghost-1', code: 'PARTICIPANT_NOT_FOUND', message: 'no such user' }],
    });
    const op = fake.applied[0]?.op;
    expect(op).toMatchObject({
      type: 'createThread',
      topic: 'Lunch',
      participants: [
        { id: 'bob', displayName: 'Bob', shareHistoryTime: '2025-01-01T00:00:00.000Z' },
        { id: 'ghost-1' },
      ],
    });
    expect(fake.applied[0]?.actor).toEqual({ userId: 'alice', displayName: 'ALICE', scope: 'chat' });
  });

  it('passes repeatability-request-id as the idempotency key: a retry returns the same thread', async () => {
    const headers = { 'repeatability-request-id': 'b0f0a0e8-2a8c-4d51-9a37-4b3a7a1b0c11' };
    const first = await call('POST', '/chat/threads', { body: { topic: 'Once' }, headers });
    const second = await call('POST', '/chat/threads', { body: { topic: 'Once' }, headers });
    expect(second.status).toBe(201);
    expect(second.body.chatThread.id).toBe(first.body.chatThread.id);
    expect(fake.threads.size).toBe(1);
    expect(fake.applied[1]?.options).toEqual({ idempotencyKey: headers['repeatability-request-id'] });
  });

  it('gets, updates (merge-patch) and deletes a thread with ACS status codes', async () => {
    const id = await createThread();
    const patched = await call('PATCH', `/chat/threads/${id}`, {
      body: { topic: 'Dinner' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status).toBe(204);
    expect(patched.text).toBe('');
    const got = await call('GET', `/chat/threads/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.topic).toBe('Dinner');
    expect((await call('DELETE', `/chat/threads/${id}`)).status).toBe(204);
    const gone = await call('GET', `/chat/threads/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('THREAD_NOT_FOUND');
  });

  it('lists threads page by page through nextLink', async () => {
    const ids = [await createThread(), await createThread(), await createThread()];
    const seen: string[] = [];
    let link: string | undefined = `${BASE}/chat/threads?maxPageSize=2&${API}`;
    let pages = 0;
    while (link) {
      const res = await call('GET', link);
      expect(res.status).toBe(200);
      seen.push(...res.body.value.map((t: { id: string }) => t.id));
      link = res.body.nextLink;
      if (link) expect(link).toMatch(/api-version=2025-03-15.*syncState=2.*maxPageSize=2/);
      pages++;
    }
    expect(pages).toBe(2);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('rejects bad bodies with 400 INVALID_REQUEST naming the field, and changes nothing', async () => {
    const cases: [unknown, string][] = [
      ['{not json', 'JSON'],
      [[1, 2], 'object'],
      [{}, 'topic'],
      [{ topic: 'x', participants: 'bob' }, 'participants'],
      [{ topic: 'x', participants: [{ communicationIdentifier: {} }] }, 'communicationIdentifier'],
      [
        { topic: 'x', participants: [{ communicationIdentifier: bob, shareHistoryTime: 'soon' }] },
        'shareHistoryTime',
      ],
      [{ topic: 'x', metadata: { a: 1 } }, 'metadata.a'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/chat/threads', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
      expect(res.body.error.message).toContain(field);
    }
    expect(fake.applied).toHaveLength(0);
  });
});

describe('messages', () => {
  it('sends a message with a relay-made id and reads it back in ACS shape', async () => {
    const threadId = await createThread();
    const res = await call('POST', `/chat/threads/${threadId}/messages`, {
      body: {
        content: 'hi 👋🏽 שלום',
        senderDisplayName: 'Al',
        metadata: { k: 'v' },
        priority: 'high',
        type: 'text',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(res.headers.get('location')).toBe(`${BASE}/chat/threads/${threadId}/messages/${res.body.id}`);
    const got = await call('GET', `/chat/threads/${threadId}/messages/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      id: res.body.id,
      type: 'text',
      sequenceId: '2',
      version: '1',
      content: { message: 'hi 👋🏽 שלום' },
      senderDisplayName: 'Al',
      createdOn: expect.any(String),
      senderCommunicationIdentifier: { rawId: 'alice', communicationUser: { id: 'alice' } },
      metadata: { k: 'v' },
      priority: 'high',
    });
  });

  it('maps system messages: participants and initiator as communication identifiers', async () => {
    const threadId = await createThread();
    const list = await call('GET', `/chat/threads/${threadId}/messages`);
    expect(list.body.value).toEqual([
      expect.objectContaining({
        type: 'participantAdded',
        sequenceId: '1',
        content: {
          participants: [
            { communicationIdentifier: { rawId: 'alice', communicationUser: { id: 'alice' } } },
            { communicationIdentifier: bob },
          ],
          initiatorCommunicationIdentifier: { rawId: 'alice', communicationUser: { id: 'alice' } },
        },
      }),
    ]);
    expect(list.body.value[0].senderCommunicationIdentifier).toBeUndefined();
  });

  it('a retried send with the same repeatability-request-id returns the first id', async () => {
    const threadId = await createThread();
    const headers = { 'repeatability-request-id': 'send-1' };
    const a = await call('POST', `/chat/threads/${threadId}/messages`, { body: { content: 'x' }, headers });
    const b = await call('POST', `/chat/threads/${threadId}/messages`, { body: { content: 'x' }, headers });
    expect(b.body.id).toBe(a.body.id);
    expect(fake.threads.get(threadId)?.messages).toHaveLength(2);
  });

  it('lists newest first, page by page, with maxPageSize and startTime carried in nextLink', async () => {
    const threadId = await createThread();
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await send(threadId, `m${i}`));
    const seen: string[] = [];
    let link: string | undefined =
      `${BASE}/chat/threads/${threadId}/messages?maxPageSize=2&startTime=2020-01-01T00:00:00Z&${API}`;
    while (link) {
      const res = await call('GET', link);
      expect(res.status).toBe(200);
      expect(res.body.value.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.value.map((m: { id: string }) => m.id));
      link = res.body.nextLink;
      if (link) {
        const url = new URL(link);
        expect(url.origin + url.pathname).toBe(`${BASE}/chat/threads/${threadId}/messages`);
        expect(url.searchParams.get('api-version')).toBe('2025-03-15');
        expect(url.searchParams.get('maxPageSize')).toBe('2');
        expect(url.searchParams.get('startTime')).toBe('2020-01-01T00:00:00.000Z');
        expect(url.searchParams.get('syncState')).toBeTruthy();
      }
    }
    expect(seen).toEqual([...sent].reverse().concat(`sys-${threadId}`));
  });

  it('edits and deletes own messages (204) and surfaces NOT_SENDER as 403 for others', async () => {
    const threadId = await createThread();
    const id = await send(threadId, 'draft');
    const asBob = await call('PATCH', `/chat/threads/${threadId}/messages/${id}`, {
      user: 'bob',
      body: { content: 'x' },
    });
    expect(asBob.status).toBe(403);
    expect(asBob.body).toEqual({ error: { code: 'NOT_SENDER', message: 'not yours' } });
    const edit = await call('PATCH', `/chat/threads/${threadId}/messages/${id}`, {
      body: { content: 'final' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(edit.status).toBe(204);
    const edited = await call('GET', `/chat/threads/${threadId}/messages/${id}`);
    expect(edited.body).toMatchObject({
      content: { message: 'final' },
      version: '2',
      editedOn: expect.any(String),
    });
    expect((await call('DELETE', `/chat/threads/${threadId}/messages/${id}`)).status).toBe(204);
    const deleted = await call('GET', `/chat/threads/${threadId}/messages/${id}`);
    expect(deleted.body).toMatchObject({
      content: { message: '' },
      deletedOn: expect.any(String),
      version: '3',
    });
  });

  it('rejects bad message requests and bad paging parameters with 400', async () => {
    const threadId = await createThread();
    const before = fake.applied.length;
    for (const body of [
      {},
      { content: 5 },
      { content: 'x', type: 'video' },
      { content: 'x', priority: 'urgent' },
    ]) {
      const res = await call('POST', `/chat/threads/${threadId}/messages`, { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    }
    expect(fake.applied.length).toBe(before);
    for (const query of ['maxPageSize=0', 'maxPageSize=abc', 'startTime=yesterday']) {
      const res = await call('GET', `/chat/threads/${threadId}/messages?${query}`);
      expect(res.status).toBe(400);
    }
  });

  it('answers 403 NOT_A_MEMBER and 404 MESSAGE_NOT_FOUND from the operations unchanged', async () => {
    const threadId = await createThread();
    const outsider = await call('GET', `/chat/threads/${threadId}/messages`, { user: 'eve' });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('NOT_A_MEMBER');
    const missing = await call('GET', `/chat/threads/${threadId}/messages/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('MESSAGE_NOT_FOUND');
  });
});

describe('participants', () => {
  it('adds (201), lists with skip paging and removes (204) participants', async () => {
    const threadId = await createThread();
    const add = await call('POST', `/chat/threads/${threadId}/participants/:add`, {
      body: {
        participants: [
          {
            communicationIdentifier: { rawId: 'carol', communicationUser: { id: 'carol' } },
            displayName: 'Carol',
          },
          { communicationIdentifier: { rawId: 'dave' } },
        ],
      },
    });
    expect(add.status).toBe(201);
    expect(add.body).toEqual({});
    const ids: string[] = [];
    let link: string | undefined = `${BASE}/chat/threads/${threadId}/participants?maxPageSize=3&${API}`;
    while (link) {
      const res = await call('GET', link);
      ids.push(
        ...res.body.value.map(
          (p: { communicationIdentifier: { rawId: string } }) => p.communicationIdentifier.rawId,
        ),
      );
      link = res.body.nextLink;
      if (link) expect(new URL(link).searchParams.get('skip')).toBe('3');
    }
    expect(ids).toEqual(['alice', 'bob', 'carol', 'dave']);
    const first = await call('GET', `/chat/threads/${threadId}/participants?maxPageSize=1&skip=2`);
    expect(first.body.value).toEqual([
      {
        communicationIdentifier: { rawId: 'carol', communicationUser: { id: 'carol' } },
        displayName: 'Carol',
        role: 'member',
      },
    ]);
    const remove = await call('POST', `/chat/threads/${threadId}/participants/:remove`, {
      body: { rawId: 'dave', communicationUser: { id: 'dave' } },
    });
    expect(remove.status).toBe(204);
    expect(fake.applied.at(-1)?.op).toEqual({ type: 'removeParticipant', threadId, userId: 'dave' });
    const after = await call('GET', `/chat/threads/${threadId}/participants`);
    expect(after.body.value).toHaveLength(3);
    expect(after.body.nextLink).toBeUndefined();
  });

  it('answers 404 for an unknown participants action and 400 for a missing list', async () => {
    const threadId = await createThread();
    expect((await call('POST', `/chat/threads/${threadId}/participants/:rename`, { body: {} })).status).toBe(
      404,
    );
    const bad = await call('POST', `/chat/threads/${threadId}/participants/:add`, { body: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('participants');
  });
});

describe('read receipts and typing', () => {
  it('records a read receipt (200) and lists receipts in ACS shape', async () => {
    const threadId = await createThread();
    const id = await send(threadId, 'read me');
    const post = await call('POST', `/chat/threads/${threadId}/readReceipts`, {
      user: 'bob',
      body: { chatMessageId: id },
    });
    expect(post.status).toBe(200);
    expect(post.text).toBe('');
    const list = await call('GET', `/chat/threads/${threadId}/readReceipts?maxPageSize=10`);
    expect(list.body).toEqual({
      value: [{ senderCommunicationIdentifier: bob, chatMessageId: id, readOn: expect.any(String) }],
    });
    const missing = await call('POST', `/chat/threads/${threadId}/readReceipts`, { body: {} });
    expect(missing.status).toBe(400);
  });

  it('sends typing (200) with or without a body', async () => {
    const threadId = await createThread();
    expect(
      (await call('POST', `/chat/threads/${threadId}/typing`, { body: { senderDisplayName: 'Al' } })).status,
    ).toBe(200);
    expect((await call('POST', `/chat/threads/${threadId}/typing`)).status).toBe(200);
    expect(fake.typing).toEqual([
      { userId: 'alice', threadId, name: 'Al' },
      { userId: 'alice', threadId },
    ]);
  });
});

describe('failures inside the relay', () => {
  it('answers 500 INTERNAL without leaking the cause, and reports it', async () => {
    app = createAcsRoutes({
      operations: {
        ...fake.operations,
        getThread: () => {
          throw new Error('disk on fire at /var/secret');
        },
      },
      verifyToken,
      onInternalError: (e) => internalErrors.push(e),
    });
    const res = await call('GET', '/chat/threads/abcdefghij');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(res.text).not.toContain('secret');
    expect(internalErrors).toHaveLength(1);
  });
});
