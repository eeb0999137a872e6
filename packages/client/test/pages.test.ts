import { createMemoryStore } from '@parley/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChatClient, createMemoryStorage } from '../src/index.ts';
import { collect, type RelayHarness, startRelay, until } from './relayHarness.ts';

let h: RelayHarness;
const clients: ChatClient[] = [];
beforeAll(async () => {
  h = await startRelay(createMemoryStore(), { pageSize: 10 });
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await h?.close();
});

it('lists a thread spread over several page docs newest first, fetching older pages on demand', async () => {
  const quinn = h.client('quinn', createMemoryStorage());
  clients.push(quinn);
  const { chatThread } = await quinn.createChatThread(
    { topic: 'pages' },
    { participants: [{ id: { communicationUserId: 'rosa' } }] },
  );
  const threadId = chatThread!.id;
  const qt = quinn.getChatThreadClient(threadId);
  for (let i = 0; i < 35; i++) await qt.sendMessage({ content: `m${i}` });
  await quinn.whenSettled();

  // A fresh device of another member has nothing locally and pages back through the relay.
  const rosaStorage = createMemoryStorage();
  const rosa = h.client('rosa', rosaStorage);
  clients.push(rosa);
  await until(async () => (await collect(rosa.listChatThreads())).length === 1, 10_000, 'rosa lists');
  const rt = rosa.getChatThreadClient(threadId);
  const pages: { ids: string[]; token: string | undefined }[] = [];
  for await (const page of rt.listMessages({ maxPageSize: 7 }).byPage())
    pages.push({
      ids: page.filter((m) => m.type === 'text').map((m) => m.content!.message!),
      token: page.continuationToken,
    });
  const all = pages.flatMap((p) => p.ids);
  expect(all).toEqual(Array.from({ length: 35 }, (_, i) => `m${34 - i}`));
  expect(pages.at(-1)?.token).toBeUndefined();
  expect(pages[0]?.token).toBeDefined();
  const seqs = (await collect(rt.listMessages())).map((m) => Number(m.sequenceId));
  expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  expect(new Set(seqs).size).toBe(seqs.length);
  // Every page doc the read reached is now kept locally.
  const stored = (await rosaStorage.list()).filter((n) => n.startsWith(`thread:${threadId}:`));
  expect(stored.length).toBeGreaterThanOrEqual(4);

  // Offline, the same read answers from the local pages.
  rosa.disconnect();
  const offline = (await collect(rt.listMessages()))
    .filter((m) => m.type === 'text')
    .map((m) => m.content!.message);
  expect(offline).toEqual(all);
  // startTime keeps only newer messages.
  const newest = await collect(rt.listMessages());
  const cut = newest[4]!.createdOn;
  const recent = await collect(rt.listMessages({ startTime: cut }));
  expect(recent.every((m) => m.createdOn.getTime() >= cut.getTime())).toBe(true);
  expect(recent.length).toBeGreaterThanOrEqual(5);
  expect(await rt.getMessage(newest.at(-1)!.id)).toMatchObject({ id: newest.at(-1)!.id });
});

it('older pages unload from memory when idle and load again from storage', async () => {
  const uma = h.client('uma', createMemoryStorage(), { idlePageMs: 150 });
  clients.push(uma);
  const { chatThread } = await uma.createChatThread({ topic: 'idle pages' });
  const ut = uma.getChatThreadClient(chatThread!.id);
  for (let i = 0; i < 25; i++) await ut.sendMessage({ content: `p${i}` });
  await uma.whenSettled();
  const pagesOf = () => uma.loadedDocs().filter((n) => n.startsWith(`thread:${chatThread!.id}:`));
  expect((await collect(ut.listMessages())).filter((m) => m.type === 'text')).toHaveLength(25);
  const loaded = pagesOf().length;
  expect(loaded).toBeGreaterThanOrEqual(3);
  // 26 messages (the system message and 25) in pages of 10: page 2 is current and half full, so
  // the relay lists page 3, empty, and the client keeps it subscribed beside the current page.
  const threadId = chatThread!.id;
  const kept = [`thread:${threadId}:2`, `thread:${threadId}:3`];
  await until(() => pagesOf().sort().join() === kept.join(), 5_000, 'older pages unloaded');
  uma.disconnect();
  expect((await collect(ut.listMessages())).filter((m) => m.type === 'text')).toHaveLength(25);
  expect(pagesOf().length).toBe(loaded);
});
