import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChatClient, createMemoryStorage } from '../src/index.ts';
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

it('two devices of one user share intents and results; an offline intent is applied once', async () => {
  const phone = h.client('erin', createMemoryStorage());
  const laptop = h.client('erin', createMemoryStorage());
  const frank = h.client('frank', createMemoryStorage());
  clients.push(phone, laptop, frank);

  const { chatThread } = await phone.createChatThread(
    { topic: 'devices' },
    { participants: [{ id: { communicationUserId: 'frank' } }] },
  );
  const threadId = chatThread!.id;
  await phone.whenSettled();
  // The laptop learns of the thread through the shared user doc.
  await until(
    async () => (await collect(laptop.listChatThreads())).some((t) => t.id === threadId),
    10_000,
    'laptop lists',
  );

  // The laptop writes offline, comes back; both devices see the same result for the intent.
  laptop.disconnect();
  const { id } = await laptop.getChatThreadClient(threadId).sendMessage({ content: 'from the laptop' });
  expect(laptop.status(id)?.status).toBe('pending');
  laptop.connect();
  await laptop.whenSettled();
  await until(() => phone.status(id)?.status === 'sent', 10_000, 'phone sees the result');
  expect(laptop.status(id)?.status).toBe('sent');

  // The phone reconnects too (its socket drops and returns): the intent is not applied again.
  phone.disconnect();
  phone.connect();
  await phone.whenSettled();
  await laptop.whenSettled();
  const ft = frank.getChatThreadClient(threadId);
  await until(
    async () => (await collect(ft.listMessages())).some((m) => m.id === id),
    10_000,
    'frank sees it',
  );
  const copies = (await collect(ft.listMessages())).filter((m) => m.content?.message === 'from the laptop');
  expect(copies).toHaveLength(1);
  const onPhone = await collect(phone.getChatThreadClient(threadId).listMessages());
  expect(onPhone.find((m) => m.id === id)?.sequenceId).toBe(copies[0]?.sequenceId);
});

it('createChatThread with a repeated idempotencyToken makes one thread', async () => {
  const tia = h.client('tia', createMemoryStorage());
  clients.push(tia);
  const a = await tia.createChatThread({ topic: 'once' }, { idempotencyToken: 'retry-me' });
  const b = await tia.createChatThread({ topic: 'once' }, { idempotencyToken: 'retry-me' });
  expect(b.chatThread?.id).toBe(a.chatThread?.id);
  await tia.whenSettled();
  expect((await collect(tia.listChatThreads())).filter((t) => t.topic === 'once')).toHaveLength(1);
});
