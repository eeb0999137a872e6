import {
  headDocName,
  newThreadId,
  pageDocName,
  randomId,
  readMessages,
  readMeta,
  userDocName,
} from '@parley/model';
import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

// Docs nobody reads or changes for 300 ms leave memory (the maintenance sweep runs every 250 ms).
let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ unloadAfterMs: 300 });
});
afterAll(async () => {
  await relay?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const actor = (userId: string) => ({ userId, displayName: userId, scope: 'chat' as const });
const texts = (page: Y.Doc) =>
  readMessages(page)
    .filter((m) => m.type === 'text')
    .map((m) => m.content);
const connect = async (userId: string) => WireClient.connect(relay.url, await relay.token(userId));

type Stats = ReturnType<TestRelay['relay']['stats']>;

/** Waits up to 5 s for the relay's stats to satisfy `done`; returns them. */
const untilStats = async (done: (stats: Stats) => boolean, what: string): Promise<Stats> => {
  const deadline = Date.now() + 5000;
  for (;;) {
    const stats = relay.relay.stats();
    if (done(stats)) return stats;
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(stats)}`);
    await sleep(50);
  }
};

/** Waits until no Y.Doc is in memory; the subscribed docs stay hosted, asleep. */
const untilAllAsleep = () => untilStats((s) => s.loadedDocs === 0, 'docs still in memory');

describe('idle subscribed docs sleep', () => {
  it('drop their Y.Doc and wake on the next change, which every subscriber receives', async () => {
    const threadId = newThreadId();
    await relay.relay.operations.apply(actor('alice'), {
      type: 'createThread',
      threadId,
      topic: 'naps',
      participants: [{ id: 'bob' }],
    });
    await relay.relay.operations.apply(actor('alice'), {
      type: 'sendMessage',
      threadId,
      messageId: randomId(),
      content: 'before the nap',
      messageType: 'text',
    });
    const alice = await connect('alice');
    const bob = await connect('bob');
    const page = pageDocName(threadId, 0);
    for (const c of [alice, bob]) {
      await c.subscribe(userDocName(c === alice ? 'alice' : 'bob'));
      await c.subscribe(headDocName(threadId));
      await c.subscribe(page);
    }
    const relayClientIds = new Set(bob.doc(page).store.clients.keys());
    expect(relayClientIds.size).toBe(1);

    // Four docs subscribed (two user docs, the head, the page): all asleep, none forgotten.
    const asleep = await untilAllAsleep();
    expect(asleep.sleepingDocs).toBeGreaterThanOrEqual(4);
    expect(relay.relay.stats().sessions).toBe(2);

    // Alice sends through her user doc (it wakes to take the intent); bob gets the message.
    const result = await alice.op({
      type: 'sendMessage',
      threadId,
      messageId: randomId(),
      content: 'after the nap',
      messageType: 'text',
    });
    expect(result.status).toBe('accepted');
    await bob.until(() => texts(bob.doc(page)).length === 2);
    expect(texts(bob.doc(page))).toEqual(['before the nap', 'after the nap']);
    expect(relay.relay.stats().loadedDocs).toBeGreaterThan(0);

    // The relay writes the woken doc under the client id it had before it slept: a doc that
    // sleeps often does not grow its state vector by one entry per wake.
    const writers = [...bob.doc(page).store.clients.keys()];
    expect(writers.length).toBe(relayClientIds.size);
    expect(new Set(writers)).toEqual(relayClientIds);

    // Asleep again, a new subscriber still gets the whole page.
    await untilAllAsleep();
    const carol = await connect('alice');
    await carol.subscribe(page);
    expect(texts(carol.doc(page))).toEqual(['before the nap', 'after the nap']);
    for (const c of [alice, bob, carol]) c.close();
  });
});

describe('asleep docs whose subscribers left', () => {
  it('are forgotten, not kept hosted for good', async () => {
    const threadId = newThreadId();
    await relay.relay.operations.apply(actor('dora'), {
      type: 'createThread',
      threadId,
      topic: 'gone',
      participants: [],
    });
    const dora = await connect('dora');
    await dora.subscribe(userDocName('dora'));
    await dora.subscribe(headDocName(threadId));
    await dora.subscribe(pageDocName(threadId, 0));
    await untilAllAsleep();
    expect(relay.relay.stats().sleepingDocs).toBeGreaterThanOrEqual(3);
    dora.close();
    const after = await untilStats((s) => s.sleepingDocs === 0, 'asleep docs still hosted').catch(() =>
      relay.relay.stats(),
    );
    expect(after).toMatchObject({ sessions: 0, loadedDocs: 0, sleepingDocs: 0 });

    // Forgotten is not lost: a new session reads the thread back from storage.
    const again = await connect('dora');
    await again.subscribe(headDocName(threadId));
    expect(readMeta(again.doc(headDocName(threadId)))?.topic).toBe('gone');
    again.close();
  });
});
