import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  headDocName,
  newThreadId,
  type OpPayload,
  pageDocName,
  randomId,
  readMember,
  writeMember,
} from '@parley/model';
import {
  closeCodeOf,
  type ErrorCode,
  errorCodes,
  httpStatusOf,
  MessageType,
  type TokenScope,
} from '@parley/protocol';
import { createHmacTokens, createRelay, type Relay } from '@parley/relay';
import { createMemoryStore } from '@parley/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AUTHORIZATION_DOC, renderAuthorizationDoc } from './authzRender.ts';
import {
  type ActorState,
  actorStates,
  authorizationMatrix,
  type EntryPoint,
  type Expected,
  type MatrixRow,
} from './authzTable.ts';
import { WireClient } from './wireClient.ts';

const SECRET = 'authz-matrix-secret-authz-matrix-secret';
const tokens = createHmacTokens({ secret: SECRET });
// The in-memory store (it passes the same conformance suite as SQLite): ~300 seeded threads in seconds.
const store = createMemoryStore();

/** The user who acts in each state (deletedThread: a member of a thread the owner deleted). */
const actorOf: Record<ActorState, string> = {
  owner: 'own',
  admin: 'adm',
  member: 'mem',
  limited: 'lim',
  restricted: 'rst',
  removed: 'rmv',
  nonMember: 'non',
  deletedThread: 'mem',
  expiredToken: 'exp',
};
const scopeOf = (state: ActorState): TokenScope => (state === 'limited' ? 'chat.join.limited' : 'chat');
const who = (userId: string, scope: TokenScope = 'chat') => ({ userId, displayName: userId, scope });

/** One thread per cell, so that a cell that deletes or removes cannot change another. */
interface Fixture {
  readonly threadId: string;
  /** Each user's own message. */
  readonly own: Record<string, string>;
  /** A message by `oth` sent before `rst` joined. */
  readonly others: string;
}

let seeding: Relay;
let relay: Relay;
let server: Server;
let url = '';
const fixtures = new Map<string, Fixture>();
const clients = new Map<ActorState, WireClient>();
const cellKey = (op: string, state: ActorState, entry: EntryPoint) => `${op}/${state}/${entry}`;

const seed = async (state: ActorState): Promise<Fixture> => {
  const ops = seeding.operations;
  const threadId = newThreadId();
  const ok = async (userId: string, op: OpPayload, scope: TokenScope = 'chat') => {
    const r = await ops.apply(who(userId, scope), op);
    if (r.status !== 'accepted') throw new Error(`seeding ${op.type} by ${userId}: ${JSON.stringify(r)}`);
  };
  await ok('own', {
    type: 'createThread',
    threadId,
    topic: 'matrix',
    participants: ['adm', 'mem', 'lim', 'rmv', 'oth', 'exp'].map((id) => ({ id })),
  });
  const others = randomId();
  await ok('oth', {
    type: 'sendMessage',
    threadId,
    messageId: others,
    content: 'early',
    messageType: 'text',
  });
  const own: Record<string, string> = {};
  for (const u of ['own', 'adm', 'mem', 'lim', 'rmv', 'exp']) {
    own[u] = randomId();
    await ok(
      u,
      { type: 'sendMessage', threadId, messageId: own[u], content: `by ${u}`, messageType: 'text' },
      u === 'lim' ? 'chat.join.limited' : 'chat',
    );
  }
  await ok('own', { type: 'removeParticipant', threadId, userId: 'rmv' });
  const future = new Date(Date.now() + 60_000).toISOString();
  await ok('own', {
    type: 'addParticipants',
    threadId,
    participants: [{ id: 'rst', shareHistoryTime: future }],
  });
  own.rst = randomId();
  await ok('rst', {
    type: 'sendMessage',
    threadId,
    messageId: own.rst,
    content: 'by rst',
    messageType: 'text',
  });
  if (state === 'deletedThread') await ok('own', { type: 'deleteThread', threadId });
  return { threadId, own, others };
};

/** Nothing in the protocol grants `admin`; write the role into the stored head doc and member row. */
const promoteAdmin = (threadId: string) => {
  const name = headDocName(threadId);
  const { snapshot, updates } = store.docs.load(name);
  const doc = new Y.Doc();
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const u of updates) Y.applyUpdate(doc, u.update);
  const before = Y.encodeStateVector(doc);
  const m = readMember(doc, 'adm');
  if (!m) return;
  writeMember(doc, { ...m, role: 'admin' });
  store.docs.append(name, Y.encodeStateAsUpdate(doc, before));
  const row = store.members.get(threadId, 'adm')!;
  store.members.put({ ...row, role: 'admin' });
};

const expiredToken = async (userId: string) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'chat' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(new TextEncoder().encode(SECRET));
};

const tokenFor = (state: ActorState) =>
  state === 'expiredToken'
    ? expiredToken(actorOf[state])
    : tokens.sign({ userId: actorOf[state], displayName: actorOf[state], scope: scopeOf(state) });

beforeAll(async () => {
  // Seed every cell's thread through the operations, then restart the relay on the same store.
  seeding = createRelay({ store, verifyToken: tokens.verify, onInternalError: () => undefined });
  for (const row of authorizationMatrix)
    for (const state of actorStates)
      for (const entry of ['intent', 'http'] as const)
        if (row.expected[entry][state] !== 'n/a' && row.op !== 'createThread')
          fixtures.set(cellKey(row.op, state, entry), await seed(state));
  await seeding.close();
  for (const f of fixtures.values()) promoteAdmin(f.threadId);

  relay = createRelay({ store, verifyToken: tokens.verify });
  server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const state of actorStates) {
    if (state === 'deletedThread') continue; // same user as member, its own socket below
    const c = await WireClient.connect(url, await tokenFor(state));
    if (c.userId) await c.subscribe(`user:${c.userId}`);
    clients.set(state, c);
  }
  const deleted = await WireClient.connect(url, await tokenFor('member'));
  await deleted.subscribe('user:mem');
  clients.set('deletedThread', deleted);
}, 120_000);

afterAll(async () => {
  for (const c of clients.values()) c.close();
  await relay?.close();
  server?.closeAllConnections?.();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  store.close();
});

/** The intent (or subscription) a cell performs, for a user acting on a fixture. */
const intentOf = (row: MatrixRow, userId: string, f: Fixture | undefined): OpPayload | string => {
  const threadId = f?.threadId ?? '';
  const mine = f?.own[userId] ?? f?.others ?? '';
  switch (row.op) {
    case 'createThread':
      return { type: 'createThread', threadId: newThreadId(), topic: 'new', participants: [{ id: 'oth' }] };
    case 'updateThread':
      return { type: 'updateThread', threadId, topic: `topic by ${userId}` };
    case 'deleteThread':
      return { type: 'deleteThread', threadId };
    case 'addParticipants':
      return { type: 'addParticipants', threadId, participants: [{ id: 'newbie' }] };
    case 'removeParticipant':
      return { type: 'removeParticipant', threadId, userId: 'oth' };
    case 'leaveThread':
      return { type: 'removeParticipant', threadId, userId };
    case 'sendMessage':
      return { type: 'sendMessage', threadId, messageId: randomId(), content: 'hi', messageType: 'text' };
    case 'editOwnMessage':
      return { type: 'editMessage', threadId, messageId: mine, content: 'edited' };
    case 'editOthersMessage':
      return { type: 'editMessage', threadId, messageId: f!.others, content: 'forged' };
    case 'deleteOwnMessage':
      return { type: 'deleteMessage', threadId, messageId: mine };
    case 'deleteOthersMessage':
      return { type: 'deleteMessage', threadId, messageId: f!.others };
    case 'sendReadReceipt':
      return { type: 'sendReadReceipt', threadId, messageId: f!.others };
    case 'react':
      return { type: 'react', threadId, messageId: f!.others, emoji: '👍', on: true };
    case 'getThread':
      return headDocName(threadId);
    case 'listMessages':
      return pageDocName(threadId, 0);
    default:
      throw new Error(`no intent for ${row.op}`);
  }
};

const runIntent = async (row: MatrixRow, state: ActorState, f: Fixture | undefined): Promise<Expected> => {
  const client = clients.get(state)!;
  if (state === 'expiredToken') {
    // The socket never authenticated: the relay closed it with UNAUTHORIZED's close code.
    expect(client.userId).toBe('');
    expect(client.closeCode).toBe(closeCodeOf('UNAUTHORIZED'));
    return 'UNAUTHORIZED';
  }
  const what = intentOf(row, actorOf[state], f);
  if (typeof what === 'string') {
    const sub = await client.subscribe(what);
    client.sendFrame({ docName: what, type: MessageType.Unsubscribe, payload: new Uint8Array(0) });
    return sub.status === 'granted' ? 'ok' : (sub.code as ErrorCode);
  }
  const result = await client.op(what);
  return result.status === 'accepted' ? 'ok' : result.code;
};

const identifier = (id: string) => ({ rawId: id, communicationUser: { id } });

const requestOf = (
  row: MatrixRow,
  userId: string,
  f: Fixture | undefined,
): { method: string; path: string; body?: unknown } => {
  const t = `/chat/threads/${f?.threadId ?? 'none'}`;
  const mine = f?.own[userId] ?? f?.others ?? 'none';
  switch (row.op) {
    case 'createThread':
      return {
        method: 'POST',
        path: '/chat/threads',
        body: { topic: 'new', participants: [{ communicationIdentifier: identifier('oth') }] },
      };
    case 'updateThread':
      return { method: 'PATCH', path: t, body: { topic: `topic by ${userId}` } };
    case 'deleteThread':
      return { method: 'DELETE', path: t };
    case 'addParticipants':
      return {
        method: 'POST',
        path: `${t}/participants/:add`,
        body: { participants: [{ communicationIdentifier: identifier('newbie') }] },
      };
    case 'removeParticipant':
      return { method: 'POST', path: `${t}/participants/:remove`, body: identifier('oth') };
    case 'leaveThread':
      return { method: 'POST', path: `${t}/participants/:remove`, body: identifier(userId) };
    case 'sendMessage':
      return { method: 'POST', path: `${t}/messages`, body: { content: 'hi' } };
    case 'editOwnMessage':
      return { method: 'PATCH', path: `${t}/messages/${mine}`, body: { content: 'edited' } };
    case 'editOthersMessage':
      return { method: 'PATCH', path: `${t}/messages/${f!.others}`, body: { content: 'forged' } };
    case 'deleteOwnMessage':
      return { method: 'DELETE', path: `${t}/messages/${mine}` };
    case 'deleteOthersMessage':
      return { method: 'DELETE', path: `${t}/messages/${f!.others}` };
    case 'sendReadReceipt':
      return { method: 'POST', path: `${t}/readReceipts`, body: { chatMessageId: f!.others } };
    case 'getThread':
      return { method: 'GET', path: t };
    case 'listMessages':
      return { method: 'GET', path: `${t}/messages` };
    case 'listParticipants':
      return { method: 'GET', path: `${t}/participants` };
    case 'listReadReceipts':
      return { method: 'GET', path: `${t}/readReceipts` };
    case 'sendTyping':
      return { method: 'POST', path: `${t}/typing`, body: {} };
    default:
      throw new Error(`no request for ${row.op}`);
  }
};

const runHttp = async (row: MatrixRow, state: ActorState, f: Fixture | undefined): Promise<Expected> => {
  const req = requestOf(row, actorOf[state], f);
  const res = await fetch(`${url}${req.path}?api-version=2025-03-15`, {
    method: req.method,
    headers: { authorization: `Bearer ${await tokenFor(state)}`, 'content-type': 'application/json' },
    ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
  });
  const text = await res.text();
  if (res.status < 300) {
    if (row.op === 'listMessages' && state === 'restricted') {
      // Only the restricted member's share: the early messages do not exist for it.
      const ids = (JSON.parse(text) as { value: { id: string }[] }).value.map((m) => m.id);
      expect(ids).not.toContain(f!.others);
      expect(ids).toContain(f!.own.rst);
    }
    return 'ok';
  }
  const code = (JSON.parse(text) as { error: { code: ErrorCode } }).error.code;
  expect(Object.hasOwn(errorCodes, code), `${code} is a protocol code`).toBe(true);
  expect(res.status, `HTTP status of ${code}`).toBe(httpStatusOf(code));
  return code;
};

describe('authorization matrix', () => {
  it('docs/AUTHORIZATION.md is rendered from the current table', () => {
    expect(readFileSync(AUTHORIZATION_DOC, 'utf8')).toBe(renderAuthorizationDoc());
  });

  for (const entry of ['intent', 'http'] as const) {
    it(`every operation × role/state through ${entry === 'intent' ? 'user-doc intents and subscriptions' : 'the HTTP API'} answers as the table says`, async () => {
      const actual: string[] = [];
      const expected: string[] = [];
      for (const row of authorizationMatrix) {
        for (const state of actorStates) {
          const want = row.expected[entry][state];
          if (want === 'n/a') continue;
          const f = fixtures.get(cellKey(row.op, state, entry));
          const got = entry === 'intent' ? await runIntent(row, state, f) : await runHttp(row, state, f);
          actual.push(`${row.op} × ${state}: ${got}`);
          expected.push(`${row.op} × ${state}: ${want}`);
        }
      }
      expect(actual).toEqual(expected);
    });
  }
});
