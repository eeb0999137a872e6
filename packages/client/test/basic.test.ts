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

describe('IndexedDB storage end to end (fake-indexeddb under Node)', () => {
  it('an offline send survives a restart on the same IndexedDB database and lands once', async () => {
    const { IDBFactory, IDBKeyRange } = await import('fake-indexeddb');
    (globalThis as { IDBKeyRange?: unknown }).IDBKeyRange ??= IDBKeyRange;
    const { createIndexedDbStorage } = await import('../src/index.ts');
    const indexedDB = new IDBFactory();
    const mona = h.client('mona', createMemoryStorage());
    let nia = h.client('nia', createIndexedDbStorage('nia', { indexedDB }));
    const { chatThread } = await mona.createChatThread(
      { topic: 'idb' },
      { participants: [{ id: { communicationUserId: 'nia' } }] },
    );
    await mona.whenSettled();
    await until(async () => (await collect(nia.listChatThreads())).length === 1, 10_000, 'nia lists');
    nia.disconnect();
    const { id } = await nia.getChatThreadClient(chatThread!.id).sendMessage({ content: 'from IndexedDB' });
    await nia.close();
    nia = h.client('nia', createIndexedDbStorage('nia', { indexedDB }), { autoConnect: false });
    const before = await collect(nia.getChatThreadClient(chatThread!.id).listMessages());
    expect(before.find((m) => m.id === id)?.status).toBe('pending');
    nia.connect();
    await nia.whenSettled();
    const mt = mona.getChatThreadClient(chatThread!.id);
    await until(
      async () => (await collect(mt.listMessages())).some((m) => m.id === id),
      10_000,
      'mona sees it',
    );
    expect(
      (await collect(mt.listMessages())).filter((m) => m.content?.message === 'from IndexedDB'),
    ).toHaveLength(1);
    await nia.close();
    await mona.close();
  });
});
