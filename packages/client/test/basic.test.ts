import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../src/index.ts';
import { collect, type RelayHarness, startRelay, until } from './relayHarness.ts';

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelay();
});
afterAll(async () => {
  await h?.close();
});

describe('client against a real relay', () => {
  it('creates a thread, sends, and the other member receives it in order', async () => {
    const alice = h.client('alice', createMemoryStorage(), { displayName: 'Alice' });
    const bob = h.client('bob', createMemoryStorage(), { displayName: 'Bob' });
    await alice.startRealtimeNotifications();
    await bob.startRealtimeNotifications();
    const received: string[] = [];
    bob.on('chatMessageReceived', (e) => received.push(e.message));
    const { chatThread } = await alice.createChatThread(
      { topic: 'lunch' },
      { participants: [{ id: { communicationUserId: 'bob' }, displayName: 'Bob' }] },
    );
    const threadId = chatThread!.id;
    const at = alice.getChatThreadClient(threadId);
    const { id } = await at.sendMessage({ content: 'hi bob 👋🏽' });
    const local = await collect(at.listMessages());
    expect(local[0]?.id).toBe(id);
    expect(local[0]?.status).toBe('pending');
    await alice.whenSettled();
    expect(at.status(id)?.status).toBe('sent');
    const bt = bob.getChatThreadClient(threadId);
    await until(
      async () => (await collect(bt.listMessages())).some((m) => m.id === id),
      10_000,
      'bob sees message',
    );
    const bobs = await collect(bt.listMessages());
    const msg = bobs.find((m) => m.id === id)!;
    expect(msg.content?.message).toBe('hi bob 👋🏽');
    expect(msg.sequenceId).toMatch(/^\d+$/);
    await until(() => received.includes('hi bob 👋🏽'), 10_000, 'bob event');
    const threads = await collect(bob.listChatThreads());
    expect(threads.map((t) => t.id)).toContain(threadId);
    await alice.close();
    await bob.close();
  });
});
