import { headDocName, newThreadId, pageDocName, readMessages, readMeta, readPages } from '@parley/model';
import { MessageType } from '@parley/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

// Live readers subscribe to the next page before it receives messages: the head lists it, empty,
// once the current page is half full. Without that, every subscriber asked for a new page when it
// opened, and under load got it nearly full (bench W1: 60 % of the relay's bytes at 1,600 msgs/s).

const PAGE = 10;
let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ pageSize: PAGE });
});
afterAll(async () => {
  await relay?.stop();
});

const connect = (userId: string) => WireClient.asUser(relay, userId);

it('lists the next page once the current one is half full, and a member subscribed early receives its messages', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  const threadId = newThreadId();
  const head = headDocName(threadId);
  const send = async (i: number) =>
    expect(
      await alice.op({
        type: 'sendMessage',
        threadId,
        messageId: `message-${i}`,
        content: `m${i}`,
        messageType: 'text',
      }),
    ).toMatchObject({ status: 'accepted' });
  expect(
    await alice.op({ type: 'createThread', threadId, topic: 'pages', participants: [{ id: 'bob' }] }),
  ).toMatchObject({ status: 'accepted' });
  await bob.subscribe(head);
  await bob.subscribe(pageDocName(threadId, 0));
  // Page 0 holds the participantAdded system message (seq 1), then message-1 … 9 (seqs 2 … 10).
  for (let i = 1; i <= 3; i++) await send(i);
  expect(readPages(bob.doc(head)).map((p) => p.page)).toEqual([0]); // 4 of 10: not yet
  await send(4);
  await bob.until(() => readPages(bob.doc(head)).length === 2);
  expect(readPages(bob.doc(head))[1]).toEqual({ page: 1, firstSeq: PAGE + 1, lastSeq: PAGE, count: 0 });
  expect(readMeta(bob.doc(head))?.currentPage).toBe(0);

  // Bob subscribes to the listed page while it is still empty.
  const next = pageDocName(threadId, 1);
  expect((await bob.subscribe(next)).status).toBe('granted');
  expect(readMessages(bob.doc(next))).toEqual([]);
  const framesBefore = bob.frames.length;
  for (let i = 5; i <= 11; i++) await send(i);
  // message-10 and 11 open page 1; bob receives them there without asking again.
  await bob.until(() => readMessages(bob.doc(next)).length === 2);
  expect(readMessages(bob.doc(next)).map((m) => [m.id, m.seq])).toEqual([
    ['message-10', 11],
    ['message-11', 12],
  ]);
  const asked = bob.frames
    .slice(framesBefore)
    .filter((f) => f.docName === next && f.type === MessageType.Subscription);
  expect(asked).toEqual([]);
  expect(readMeta(bob.doc(head))?.currentPage).toBe(1);
  expect(readPages(bob.doc(head)).find((p) => p.page === 1)?.firstSeq).toBe(PAGE + 1);
  expect(readMessages(bob.doc(pageDocName(threadId, 0)))).toHaveLength(PAGE);

  // A user outside the thread may not subscribe to the listed page either.
  const mallory = await connect('mallory');
  for (let i = 12; i <= 16; i++) await send(i);
  await bob.until(() => readPages(bob.doc(head)).some((p) => p.page === 2));
  expect((await mallory.subscribe(pageDocName(threadId, 2))).status).toBe('denied');
  for (const c of [alice, bob, mallory]) c.close();
});
