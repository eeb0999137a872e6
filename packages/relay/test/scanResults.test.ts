import { newThreadId, pageDocName, readMessages, readResult, userDocName, writeOp } from '@parley/model';
import { MessageType } from '@parley/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

/** Alice, connected, with a new thread of her own and its first page subscribed. */
const aliceWithThread = async () => {
  const alice = await WireClient.asUser(relay, 'alice');
  const user = userDocName('alice');
  const threadId = newThreadId();
  expect(await alice.op({ type: 'createThread', threadId, topic: 'burst', participants: [] })).toMatchObject({
    status: 'accepted',
  });
  const page = pageDocName(threadId, 0);
  await alice.subscribe(page);
  return { alice, user, threadId, page, doc: alice.doc(user) };
};

it("a device's burst of messages costs one update of the user doc and one of the page", async () => {
  const { alice, user, threadId, page, doc } = await aliceWithThread();
  const ids = Array.from({ length: 5 }, (_, i) => `burst-op-${i}`);
  const before = alice.frames.length;
  // Five intents in one Yjs transaction: one update to the relay, so one scan applies them all.
  doc.transact(() => {
    for (const [i, id] of ids.entries()) {
      writeOp(doc, {
        id,
        device: 'burst-device',
        n: i + 1,
        createdOn: new Date().toISOString(),
        op: {
          type: 'sendMessage',
          threadId,
          messageId: `burst-message-${i}`,
          content: `m${i}`,
          messageType: 'text',
        },
      });
    }
  });
  await alice.until(() => ids.every((id) => readResult(doc, id)?.status === 'accepted'));
  await alice.until(() => readMessages(alice.doc(page)).length === 6); // and participantAdded
  const updatesOf = (name: string) =>
    alice.frames.slice(before).filter((f) => f.docName === name && f.type === MessageType.Sync);
  expect(updatesOf(user)).toHaveLength(1);
  expect(updatesOf(page)).toHaveLength(1);
  alice.close();
});

it('a burst that deletes a thread and then sends to it: the delete is applied, the send rejected', async () => {
  const { alice, threadId, doc } = await aliceWithThread();
  const at = new Date().toISOString();
  // Both in one update: the scan holds the page in a transaction while the delete drops it.
  doc.transact(() => {
    writeOp(doc, {
      id: 'gone-delete',
      device: 'gone-device',
      n: 1,
      createdOn: at,
      op: { type: 'deleteThread', threadId },
    });
    writeOp(doc, {
      id: 'gone-send',
      device: 'gone-device',
      n: 2,
      createdOn: at,
      op: {
        type: 'sendMessage',
        threadId,
        messageId: 'gone-message-1',
        content: 'late',
        messageType: 'text',
      },
    });
  });
  await alice.until(() => readResult(doc, 'gone-send') !== undefined);
  expect(readResult(doc, 'gone-delete')).toMatchObject({ status: 'accepted' });
  expect(readResult(doc, 'gone-send')).toMatchObject({ status: 'rejected' });
  const send = readResult(doc, 'gone-send');
  expect(send?.status === 'rejected' ? send.code : undefined).toMatch(/^(THREAD_NOT_FOUND|THREAD_DELETED)$/);
  alice.close();
});
