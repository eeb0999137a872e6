import { opsMap, resultsMap, userDocName } from '@parley/model';
import { createMemoryStore } from '@parley/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type ChatClient, createMemoryStorage } from '../src/index.ts';
import { collect, type RelayHarness, startRelay, until } from './relayHarness.ts';

const store = createMemoryStore();
let h: RelayHarness;
const clients: ChatClient[] = [];
beforeAll(async () => {
  h = await startRelay(store);
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await h?.close();
});

/** The user doc as the relay stores it (snapshot and log). */
const relayUserDoc = (userId: string): Y.Doc => {
  const doc = new Y.Doc();
  const { snapshot, updates } = store.docs.load(userDocName(userId));
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const u of updates) Y.applyUpdate(doc, u.update);
  return doc;
};

it("a device's settled intents leave the user doc; what it sent stays readable and 'sent'", async () => {
  const alice = h.client('alice', createMemoryStorage(), { pruneSettledAfterMs: 50 });
  clients.push(alice);
  const { chatThread } = await alice.createChatThread({ topic: 'pruning' });
  const thread = alice.getChatThreadClient(chatThread!.id);
  await collect(thread.listMessages()); // the app reads the thread: its current page is held
  const content = 'some text that would otherwise stay in the user doc forever. '.repeat(3);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push((await thread.sendMessage({ content: `${i} ${content}` })).id);
  await alice.whenSettled();

  // Only the device's newest intent (its n counter) and its result remain, at the relay too.
  await until(() => opsMap(relayUserDoc('alice')).size === 1, 10_000, 'the relay holds one intent');
  await until(() => resultsMap(relayUserDoc('alice')).size === 1, 10_000, 'and one result');
  const [kept] = [...opsMap(relayUserDoc('alice')).values()];
  expect(kept?.op).toMatchObject({ type: 'sendMessage', messageId: ids.at(-1) });

  const listed = await collect(thread.listMessages());
  for (const id of ids) expect(listed.find((m) => m.id === id)?.status).toBe('sent');
  expect(thread.status(ids[0]!)).toEqual({ status: 'sent' });
  expect(alice.status(ids[0]!)).toMatchObject({ threadId: chatThread!.id, status: 'sent' });

  // A new device of Alice's syncs a user doc without the old intents.
  const laptop = h.client('alice', createMemoryStorage());
  clients.push(laptop);
  const texts = async () =>
    (await collect(laptop.getChatThreadClient(chatThread!.id).listMessages())).filter(
      (m) => m.type === 'text',
    );
  await until(async () => (await texts()).length === 12, 10_000, 'the laptop reads the 12 messages');
  // Less than the text of the twelve messages alone, which an unpruned user doc would hold.
  expect(Y.encodeStateAsUpdate(relayUserDoc('alice')).length).toBeLessThan(ids.length * content.length);

  // Intents go on after pruning: the device's next n follows the kept one.
  const { id: later } = await thread.sendMessage({ content: 'after pruning' });
  await alice.whenSettled();
  expect(thread.status(later)?.status).toBe('sent');
});

it('a failed send stays until the user discards it; then it leaves the user doc', async () => {
  const owner = h.client('owner', createMemoryStorage());
  const dora = h.client('dora', createMemoryStorage(), { pruneSettledAfterMs: 20 });
  clients.push(owner, dora);
  const { chatThread } = await owner.createChatThread(
    { topic: 'dora leaves' },
    { participants: [{ id: { communicationUserId: 'dora' } }] },
  );
  await owner.whenSettled();
  await until(async () => (await collect(dora.listChatThreads())).length === 1, 10_000, 'dora lists it');
  dora.disconnect();
  await owner.getChatThreadClient(chatThread!.id).removeParticipant({ communicationUserId: 'dora' });
  await owner.whenSettled();
  const t = dora.getChatThreadClient(chatThread!.id);
  const { id: failedId } = await t.sendMessage({ content: 'too late' });
  const { id: lastId } = await t.sendMessage({ content: 'newest, kept for the counter' });
  dora.connect();
  await dora.whenSettled();
  expect(t.status(failedId)?.status).toBe('failed');

  await new Promise((r) => setTimeout(r, 200));
  const failedOp = () =>
    [...opsMap(relayUserDoc('dora')).values()].find(
      (e) => 'messageId' in e.op && e.op.messageId === failedId,
    );
  expect(failedOp()).toBeDefined();
  await t.discard(failedId);
  await until(() => failedOp() === undefined, 10_000, 'the discarded intent leaves the user doc');
  expect([...resultsMap(relayUserDoc('dora')).keys()]).toHaveLength(1); // the newest op's
  expect(t.status(lastId)?.status).toBe('failed');
});
