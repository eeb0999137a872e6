import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  type ChatClient,
  createChatClient,
  createMemoryStorage,
  type WebSocketConstructor,
} from '@parley/client';
import { createHmacTokens, createRelay } from '@parley/relay';
import { createMemoryStore } from '@parley/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { main } from './quickstart.ts';

const tokens = createHmacTokens({ secret: 'quickstart-test-secret-32-bytes-long!' });
const store = createMemoryStore();
const relay = createRelay({ store, verifyToken: tokens.verify });
const server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' });
server.on('upgrade', relay.handleUpgrade);
let url = '';
let jack: ChatClient;

beforeAll(async () => {
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await jack?.close();
  await relay.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.close();
});

const until = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

it('the ACS quickstart runs against Parley, and a participant sees it in real time', async () => {
  // Jack (one of the participants) watches with his own client and real-time events, in Node.
  jack = createChatClient({
    url,
    token: () => tokens.sign({ userId: 'jack', displayName: 'Jack' }),
    storage: createMemoryStorage(),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  await jack.startRealtimeNotifications();
  const seen: string[] = [];
  jack.on('chatThreadCreated', (e) => seen.push(`created:${e.properties.topic}`));
  jack.on('chatMessageReceived', (e) => seen.push(`received:${e.message}`));
  jack.on('chatMessageEdited', (e) => seen.push(`edited:${e.message}`));
  jack.on('chatMessageDeleted', (e) => seen.push(`deleted:${e.id}`));
  jack.on('participantsAdded', (e) =>
    seen.push(`added:${e.participantsAdded.map((p) => p.id.communicationUserId)}`),
  );
  jack.on('participantsRemoved', (e) =>
    seen.push(`removed:${e.participantsRemoved.map((p) => p.id.communicationUserId)}`),
  );
  jack.on('typingIndicatorReceived', (e) => seen.push(`typing:${e.sender.communicationUserId}`));
  jack.on('readReceiptReceived', (e) => seen.push(`read:${e.sender.communicationUserId}:${e.chatMessageId}`));
  jack.on('chatThreadDeleted', (e) => seen.push(`threadDeleted:${e.threadId}`));

  const logs: string[] = [];
  const result = await main({
    url,
    token: () => tokens.sign({ userId: 'alice', displayName: 'Alice' }),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    participants: ['jack', 'geeta'],
    addLater: 'jane',
    log: (...args) => logs.push(args.join(' ')),
  });

  // What the script saw locally, answered at once (offline-first reads).
  const [first, second, third] = result.sentMessageIds;
  const byId = new Map(result.listedMessages.map((m) => [m.id, m]));
  expect(byId.get(first!)?.content).toBe('Please take a look at the attachment (edited)');
  expect(byId.get(second!)?.content).toBe('Hello 👋 — مرحبا — 👩‍👩‍👧‍👦');
  expect(byId.get(third!)?.deleted).toBe(true);
  expect(result.participantsAfterAdd).toEqual(expect.arrayContaining(['alice', 'jack', 'geeta', 'jane']));
  expect(result.participantsAfterRemove).not.toContain('geeta');
  expect(result.participantsAfterRemove).toContain('jane');
  expect(result.typingSent).toBe(true);
  expect(result.typingThrottled).toBe(true);
  expect(result.readReceipts).toContainEqual({ sender: 'alice', chatMessageId: second });
  expect(result.threadsAfterDelete).toContainEqual({ id: result.threadId, deleted: true });
  expect(logs[0]).toBe('Azure Communication Chat client created!');

  // What Jack saw in real time.
  await until(() => seen.includes(`threadDeleted:${result.threadId}`), 'thread deleted event').catch((e) => {
    throw new Error(`${e}; seen: ${JSON.stringify(seen)}`);
  });
  expect(seen).toContain('created:Hello, World!');
  // Jack's page synced after the edit had landed: he is told of the message and of its edit.
  expect(seen).toContain('received:Please take a look at the attachment (edited)');
  expect(seen).toContain('received:Hello 👋 — مرحبا — 👩‍👩‍👧‍👦');
  expect(seen).toContain('edited:Please take a look at the attachment (edited)');
  expect(seen).toContain(`deleted:${third}`);
  expect(seen).toContain('added:jane');
  expect(seen).toContain('removed:geeta');
  // (Typing fan-out is coalesced by the relay and the script deletes the thread right after typing,
  // so Jack may or may not see it here; client tests cover typing events.)
  expect(seen).toContain(`read:alice:${second}`);
  // Each change once.
  expect(seen.filter((s) => s.startsWith('received:Please take a look'))).toHaveLength(1);
  expect(seen.filter((s) => s.startsWith('edited:'))).toHaveLength(1);
  // The thread is gone from Jack's local reads too (C6: local copies dropped).
  const jackThreads = [];
  for await (const t of jack.listChatThreads()) jackThreads.push(t);
  expect(jackThreads.find((t) => t.id === result.threadId)?.deletedOn).toBeInstanceOf(Date);
});
