import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChatClient, createMemoryStorage, type MessageStatusChangedEvent } from '../src/index.ts';
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

it('a post after removal ends failed with its code, stays visible, and does not block later intents', async () => {
  const owner = h.client('owner', createMemoryStorage(), { displayName: 'Owner' });
  const carl = h.client('carl', createMemoryStorage(), { displayName: 'Carl' });
  clients.push(owner, carl);
  const failed: MessageStatusChangedEvent[] = [];
  carl.on('messageStatusChanged', (e) => e.status === 'failed' && failed.push(e));

  const { chatThread: t1 } = await owner.createChatThread(
    { topic: 'will remove carl' },
    { participants: [{ id: { communicationUserId: 'carl' } }] },
  );
  const { chatThread: t2 } = await owner.createChatThread(
    { topic: 'carl stays' },
    { participants: [{ id: { communicationUserId: 'carl' } }] },
  );
  await owner.whenSettled();
  await until(
    async () => (await collect(carl.listChatThreads())).length === 2,
    10_000,
    'carl lists both threads',
  );

  // Carl is offline when he is removed, and posts anyway.
  carl.disconnect();
  await owner.getChatThreadClient(t1!.id).removeParticipant({ communicationUserId: 'carl' });
  await owner.whenSettled();
  const c1 = carl.getChatThreadClient(t1!.id);
  const c2 = carl.getChatThreadClient(t2!.id);
  const { id: rejectedId } = await c1.sendMessage({ content: 'am I still here?' });
  const { id: laterId } = await c2.sendMessage({ content: 'this one must still go' });
  carl.connect();
  await carl.whenSettled();

  expect(c1.status(rejectedId)).toEqual({
    status: 'failed',
    error: { code: 'NOT_A_MEMBER', message: expect.any(String) },
  });
  expect(carl.status(laterId)?.status).toBe('sent');
  expect(failed.map((e) => [e.messageId, e.error?.code])).toEqual([[rejectedId, 'NOT_A_MEMBER']]);
  const listed = await collect(c1.listMessages());
  const shown = listed.find((m) => m.id === rejectedId);
  expect(shown?.status).toBe('failed');
  expect(shown?.error?.code).toBe('NOT_A_MEMBER');
  expect(shown?.sequenceId).toBe('');
  // The removed member keeps the history it had, read-only, and still lists the thread.
  expect((await collect(carl.listChatThreads())).map((t) => t.id)).toContain(t1!.id);

  // Retrying fails the same way; discarding hides it on this client.
  await c1.retry(rejectedId);
  await carl.whenSettled();
  expect(c1.status(rejectedId)?.status).toBe('failed');
  await c1.discard(rejectedId);
  expect((await collect(c1.listMessages())).some((m) => m.id === rejectedId)).toBe(false);

  const ot2 = owner.getChatThreadClient(t2!.id);
  await until(
    async () => (await collect(ot2.listMessages())).some((m) => m.id === laterId),
    10_000,
    'owner sees it',
  );
});

it('bad input is refused at once with a stable code and records nothing', async () => {
  const dora = h.client('dora', createMemoryStorage());
  clients.push(dora);
  const { chatThread } = await dora.createChatThread({ topic: 'limits' });
  const t = dora.getChatThreadClient(chatThread!.id);
  await expect(t.sendMessage({ content: 'x'.repeat(29 * 1024) })).rejects.toMatchObject({
    code: 'CONTENT_TOO_LARGE',
  });
  expect(await collect(t.listMessages())).toHaveLength(0);
});
