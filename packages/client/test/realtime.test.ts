import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ChatClient,
  type ChatEventId,
  createChatClient,
  createMemoryStorage,
  type WebSocketConstructor,
} from '../src/index.ts';
import { collect, type RelayHarness, startRelay, until } from './relayHarness.ts';

let h: RelayHarness;
const clients: ChatClient[] = [];
beforeAll(async () => {
  h = await startRelay();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await h?.close();
});

const record = (client: ChatClient, events: ChatEventId[]) => {
  const log: { event: ChatEventId; payload: unknown }[] = [];
  for (const event of events) client.on(event, (payload: unknown) => log.push({ event, payload }));
  return log;
};

it('events in Node: typing, receipts, properties, participants, deletion', async () => {
  const gil = h.client('gil', createMemoryStorage(), { displayName: 'Gil' });
  const hana = h.client('hana', createMemoryStorage(), { displayName: 'Hana' });
  clients.push(gil, hana);
  expect(() => hana.on('chatMessageReceived', () => {})).toThrow(/startRealtimeNotifications/);
  await gil.startRealtimeNotifications();
  await hana.startRealtimeNotifications();
  const log = record(hana, [
    'chatThreadCreated',
    'typingIndicatorReceived',
    'readReceiptReceived',
    'chatThreadPropertiesUpdated',
    'participantsAdded',
    'participantsRemoved',
    'chatThreadDeleted',
  ]);
  const { chatThread } = await gil.createChatThread(
    { topic: 'events' },
    { participants: [{ id: { communicationUserId: 'hana' }, displayName: 'Hana' }] },
  );
  const threadId = chatThread!.id;
  const gt = gil.getChatThreadClient(threadId);
  await until(() => log.some((e) => e.event === 'chatThreadCreated'), 10_000, 'thread created');

  expect(await gt.sendTypingNotification()).toBe(true);
  expect(await gt.sendTypingNotification()).toBe(false); // ACS's 8 s throttle
  await until(() => log.some((e) => e.event === 'typingIndicatorReceived'), 10_000, 'typing');
  const typing = log.find((e) => e.event === 'typingIndicatorReceived')?.payload as {
    sender: { communicationUserId: string };
    senderDisplayName: string;
  };
  expect(typing.sender.communicationUserId).toBe('gil');
  expect(typing.senderDisplayName).toBe('Gil');

  const { id } = await gt.sendMessage({ content: 'read me' });
  await gil.whenSettled();
  await gt.sendReadReceipt({ chatMessageId: id });
  await until(() => log.some((e) => e.event === 'readReceiptReceived'), 10_000, 'receipt');
  expect(log.filter((e) => e.event === 'readReceiptReceived')).toHaveLength(1);
  await until(
    async () =>
      (await collect(hana.getChatThreadClient(threadId).listReadReceipts())).some(
        (r) => r.chatMessageId === id,
      ),
    10_000,
    'receipt listed',
  );

  await gt.updateProperties({ topic: 'renamed', metadata: { color: 'blue' } });
  await until(() => log.some((e) => e.event === 'chatThreadPropertiesUpdated'), 10_000, 'properties');
  expect(log.find((e) => e.event === 'chatThreadPropertiesUpdated')?.payload).toMatchObject({
    threadId,
    properties: { topic: 'renamed', metadata: { color: 'blue' } },
    updatedBy: { id: { communicationUserId: 'gil' }, displayName: 'Gil' },
  });
  expect((await hana.getChatThreadClient(threadId).getProperties()).topic).toBe('renamed');

  await gt.addParticipants({ participants: [{ id: { communicationUserId: 'ivan' }, displayName: 'Ivan' }] });
  await until(() => log.some((e) => e.event === 'participantsAdded'), 10_000, 'added');
  await gt.removeParticipant({ communicationUserId: 'ivan' });
  await until(() => log.some((e) => e.event === 'participantsRemoved'), 10_000, 'removed');
  expect(log.find((e) => e.event === 'participantsRemoved')?.payload).toMatchObject({
    participantsRemoved: [{ id: { communicationUserId: 'ivan' } }],
    removedBy: { id: { communicationUserId: 'gil' } },
  });

  await gil.deleteChatThread(threadId);
  await until(() => log.some((e) => e.event === 'chatThreadDeleted'), 10_000, 'deleted');
  await expect(hana.getChatThreadClient(threadId).getProperties()).rejects.toMatchObject({
    code: 'THREAD_DELETED',
  });
  const counts = new Map<string, number>();
  for (const e of log) counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
  expect(counts.get('chatThreadCreated')).toBe(1);
  expect(counts.get('chatThreadDeleted')).toBe(1);
});

it('messages sent during a long offline period are reported once, also across a restart', async () => {
  const jo = h.client('jo', createMemoryStorage());
  const kimStorage = createMemoryStorage();
  let kim = h.client('kim', kimStorage);
  clients.push(jo);
  await kim.startRealtimeNotifications();
  const { chatThread } = await jo.createChatThread(
    { topic: 'catch-up' },
    { participants: [{ id: { communicationUserId: 'kim' } }] },
  );
  const threadId = chatThread!.id;
  await jo.whenSettled();
  await until(async () => (await collect(kim.listChatThreads())).length === 1, 10_000, 'kim lists');

  kim.disconnect();
  const jt = jo.getChatThreadClient(threadId);
  for (let i = 0; i < 30; i++) await jt.sendMessage({ content: `while away ${i}` });
  await jo.whenSettled();

  const received: string[] = [];
  kim.on('chatMessageReceived', (e) => received.push(e.message));
  const states: string[] = [];
  kim.on('syncStateChanged', (e) => e.threadId === threadId && states.push(e.state));
  kim.connect();
  await until(() => received.length >= 30, 10_000, 'kim catches up');
  await new Promise((r) => setTimeout(r, 200));
  expect(received).toEqual(Array.from({ length: 30 }, (_, i) => `while away ${i}`));
  expect(states).toContain('synced');

  // A restart on the same store does not repeat them; a new message is reported once.
  await kim.close();
  kim = h.client('kim', kimStorage.reopen());
  clients.push(kim);
  await kim.startRealtimeNotifications();
  const again: string[] = [];
  kim.on('chatMessageReceived', (e) => again.push(e.message));
  await jt.sendMessage({ content: 'after restart' });
  await until(() => again.includes('after restart'), 10_000, 'new message after restart');
  await new Promise((r) => setTimeout(r, 200));
  expect(again).toEqual(['after restart']);
});

it('reconnects after the socket drops, and refreshes an expiring token without dropping', async () => {
  let tokenCalls = 0;
  const lee = createChatClient({
    url: h.url,
    token: async () => {
      tokenCalls++;
      return h.token('lee', 'Lee', 3);
    },
    storage: createMemoryStorage(),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    minBackoffMs: 20,
    maxBackoffMs: 100,
  });
  clients.push(lee);
  const events: string[] = [];
  lee.on('realTimeNotificationConnected', () => events.push('up'));
  lee.on('realTimeNotificationDisconnected', () => events.push('down'));
  await until(() => lee.isConnected, 10_000, 'connected');
  lee.disconnect();
  lee.connect();
  await until(() => events.filter((e) => e === 'up').length === 2, 10_000, 'reconnected');
  expect(events).toEqual(['up', 'down', 'up']);
  const calls = tokenCalls;
  // The 3 s token is replaced (Reauth) on the open socket before it expires.
  await until(() => tokenCalls > calls, 5_000, 'token refreshed');
  await new Promise((r) => setTimeout(r, 3_500));
  expect(events).toEqual(['up', 'down', 'up']);
  const { chatThread } = await lee.createChatThread({ topic: 'after refresh' });
  await lee.whenSettled();
  expect((await lee.getChatThreadClient(chatThread!.id).getProperties()).topic).toBe('after refresh');
});
