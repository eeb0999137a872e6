import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLocalStore } from '@parley/store-sqlite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ChatClient,
  type ChatMessage,
  createMemoryStorage,
  fromLocalDocStore,
  type MessageStatusChangedEvent,
} from '../src/index.ts';
import { collect, type RelayHarness, startRelay, until } from './relayHarness.ts';

let h: RelayHarness;
const dir = mkdtempSync(join(tmpdir(), 'parley-client-offline-'));
const clients: ChatClient[] = [];

beforeAll(async () => {
  h = await startRelay();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const order = (list: ChatMessage[]) =>
  list.filter((m) => m.type === 'text').map((m) => `${m.sequenceId}:${m.id}`);

it('offline: 50 sends, an edit and a new thread survive a restart on SQLite and land exactly once', async () => {
  const alicePath = join(dir, 'alice.db');
  const statuses: MessageStatusChangedEvent[] = [];
  let alice = h.client('alice', fromLocalDocStore(createSqliteLocalStore(alicePath)), {
    displayName: 'Alice',
  });
  const bob = h.client('bob', createMemoryStorage(), { displayName: 'Bob' });
  clients.push(bob);
  alice.on('messageStatusChanged', (e) => statuses.push(e));

  const { chatThread } = await alice.createChatThread(
    { topic: 'offline' },
    { participants: [{ id: { communicationUserId: 'bob' } }] },
  );
  const threadId = chatThread!.id;
  await alice.whenSettled();

  // Alice goes offline and keeps working.
  alice.disconnect();
  expect(alice.isConnected).toBe(false);
  const at = alice.getChatThreadClient(threadId);
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) ids.push((await at.sendMessage({ content: `offline ${i}` })).id);
  await at.updateMessage(ids[9]!, { content: 'offline 9, edited' });
  const { chatThread: second } = await alice.createChatThread(
    { topic: 'made offline' },
    { participants: [{ id: { communicationUserId: 'bob' } }] },
  );
  const pendingNow = await collect(at.listMessages());
  expect(pendingNow.filter((m) => m.status === 'pending')).toHaveLength(50);
  expect(pendingNow.find((m) => m.id === ids[9])?.content?.message).toBe('offline 9, edited');

  // Bob keeps chatting meanwhile.
  const bt = bob.getChatThreadClient(threadId);
  const bobIds: string[] = [];
  for (let i = 0; i < 20; i++) bobIds.push((await bt.sendMessage({ content: `bob ${i}` })).id);
  await bob.whenSettled();

  // Alice's process restarts on the same SQLite file, still offline.
  await alice.close();
  alice = h.client('alice', fromLocalDocStore(createSqliteLocalStore(alicePath)), {
    displayName: 'Alice',
    autoConnect: false,
  });
  clients.push(alice);
  alice.on('messageStatusChanged', (e) => statuses.push(e));
  await alice.ready();
  const at2 = alice.getChatThreadClient(threadId);
  const afterRestart = await collect(at2.listMessages());
  expect(
    afterRestart
      .filter((m) => m.status === 'pending')
      .map((m) => m.id)
      .sort(),
  ).toEqual([...ids].sort());
  expect((await collect(alice.listChatThreads())).map((t) => t.id)).toContain(second!.id);

  // Back online: every intent lands once, in order, and both sides converge.
  alice.connect();
  await alice.whenSettled(30_000);
  await until(
    async () =>
      (await collect(bt.listMessages())).filter((m) => m.content?.message?.startsWith('offline')).length ===
      50,
    20_000,
    'bob sees all 50',
  );
  const fromAlice = await collect(at2.listMessages());
  const fromBob = await collect(bt.listMessages());
  expect(order(fromAlice)).toEqual(order(fromBob));
  expect(order(fromBob)).toHaveLength(70);
  expect(new Set(fromBob.map((m) => m.id)).size).toBe(fromBob.length);
  expect(fromAlice.every((m) => m.status === 'sent')).toBe(true);
  expect(fromBob.find((m) => m.id === ids[9])?.content?.message).toBe('offline 9, edited');
  // Alice's own messages keep the order she wrote them in.
  const aliceSeqs = ids.map((id) => Number(fromBob.find((m) => m.id === id)?.sequenceId));
  expect([...aliceSeqs].sort((a, b) => a - b)).toEqual(aliceSeqs);
  await until(
    async () => (await collect(bob.listChatThreads())).some((t) => t.id === second!.id),
    10_000,
    'bob sees the thread made offline',
  );

  // Every status change was reported: pending before the restart, sent after it.
  for (const id of ids) {
    const mine = statuses
      .filter((s) => s.messageId === id && s.operation === 'sendMessage')
      .map((s) => s.status);
    expect(mine).toEqual(['pending', 'sent']);
  }
  const edit = statuses
    .filter((s) => s.messageId === ids[9] && s.operation === 'editMessage')
    .map((s) => s.status);
  expect(edit).toEqual(['pending', 'sent']);
});

it('a store that has never been online records intents at once (user id from the JWT)', async () => {
  const token = await h.token('sam', 'Sam');
  const { default: WebSocket } = await import('ws');
  const { createChatClient } = await import('../src/index.ts');
  const storage = createMemoryStorage();
  const sam = createChatClient({
    url: h.url,
    token,
    storage,
    WebSocket: WebSocket as never,
    autoConnect: false,
  });
  clients.push(sam);
  const { chatThread } = await sam.createChatThread({ topic: 'born offline' });
  const { id } = await sam.getChatThreadClient(chatThread!.id).sendMessage({ content: 'first words' });
  expect(sam.status(id)?.status).toBe('pending');
  sam.connect();
  await sam.whenSettled();
  expect(sam.status(id)?.status).toBe('sent');
  expect(await storage.getMeta('userId')).toBe('sam');
});
