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

const texts = async (client: ChatClient, threadId: string) =>
  (await collect(client.getChatThreadClient(threadId).listMessages()))
    .filter((m) => m.type === 'text')
    .map((m) => m.content?.message);

it('a removed member keeps its copy read-only; re-added without history, its stale copy is dropped', async () => {
  const olga = h.client('olga', createMemoryStorage());
  const peteStorage = createMemoryStorage();
  const pete = h.client('pete', peteStorage);
  clients.push(olga, pete);
  const { chatThread } = await olga.createChatThread(
    { topic: 'visibility' },
    { participants: [{ id: { communicationUserId: 'pete' } }] },
  );
  const threadId = chatThread!.id;
  const headName = `thread:${threadId}`;
  const ot = olga.getChatThreadClient(threadId);
  for (const t of ['one', 'two', 'three']) await ot.sendMessage({ content: t });
  await olga.whenSettled();
  await until(async () => (await texts(pete, threadId)).length === 3, 10_000, 'pete has three');

  // Removed: Pete keeps what he had, receives nothing new.
  await ot.removeParticipant({ communicationUserId: 'pete' });
  await olga.whenSettled();
  await until(
    async () =>
      (await collect(pete.listChatThreads())).length === 1 &&
      (await pete.getChatThreadClient(threadId).getProperties()) !== undefined,
    10_000,
    'pete still lists the thread',
  );
  await ot.sendMessage({ content: 'after removal' });
  await olga.whenSettled();
  await new Promise((r) => setTimeout(r, 300));
  expect(await texts(pete, threadId)).toEqual(['three', 'two', 'one']);
  expect(await peteStorage.getMeta(`gen:${headName}`)).toBe('1');

  // Re-added while offline with no history: his copy was built under another generation.
  pete.disconnect();
  await ot.addParticipants({
    participants: [{ id: { communicationUserId: 'pete' }, shareHistoryTime: new Date() }],
  });
  await olga.whenSettled();
  await ot.sendMessage({ content: 'welcome back' });
  await olga.whenSettled();
  const states: string[] = [];
  pete.on('syncStateChanged', (e) => e.docName === headName && states.push(e.state));
  pete.connect();
  await until(
    async () => (await texts(pete, threadId)).includes('welcome back'),
    10_000,
    'pete sees the new message',
  );
  const now = await texts(pete, threadId);
  expect(now).toContain('welcome back');
  expect(now).not.toContain('one');
  expect(now).not.toContain('after removal');
  // The relay answered the stale head with Reset: dropped, subscribed afresh, new generation kept.
  await until(async () => (await peteStorage.getMeta(`gen:${headName}`)) === '2', 10_000, 'generation 2');
  expect(states.filter((s) => s === 'subscribing').length).toBeGreaterThanOrEqual(2);
  expect(states.at(-1)).toBe('synced');
});
