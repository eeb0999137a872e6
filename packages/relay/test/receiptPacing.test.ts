import { headDocName, newThreadId, randomId, receiptsMap } from '@parley/model';
import { decodeBatch, decodeFrame, type Frame, MessageType } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './harness.ts';
import { encodeAwarenessUpdate } from '../src/awarenessCodec.ts';
import { WireClient } from './wireClient.ts';

// Pacing is on for threads with 2+ head subscribers here (the default threshold is 32).
let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ receiptPaceMs: 400, receiptPaceMinSubscribers: 2 });
});
afterAll(async () => {
  await relay?.stop();
});

const actor = (userId: string) => ({ userId, displayName: userId, scope: 'chat' as const });
const apply = (userId: string, op: Parameters<TestRelay['relay']['operations']['apply']>[1]) =>
  relay.relay.operations.apply(actor(userId), op);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const readBy = (c: WireClient, threadId: string, userId: string) =>
  receiptsMap(c.doc(headDocName(threadId))).get(userId)?.messageId;

/**
 * A thread of alice, bob and carol with one message; bob and carol subscribed to its head. Once
 * the head is quiet (past the activity window), bob's receipt goes out at once: carol has it.
 */
const quietThreadWithReceipt = async () => {
  const threadId = newThreadId();
  await apply('alice', {
    type: 'createThread',
    threadId,
    topic: 'pacing',
    participants: [{ id: 'bob' }, { id: 'carol' }],
  });
  const messageId = randomId();
  await apply('alice', { type: 'sendMessage', threadId, messageId, content: 'hi', messageType: 'text' });
  const [bob, carol] = await Promise.all(
    ['bob', 'carol'].map(async (u) =>
      WireClient.connect(relay.url, await relay.token(u, { displayName: u })),
    ),
  );
  await bob!.subscribe(headDocName(threadId));
  await carol!.subscribe(headDocName(threadId));
  await sleep(500);
  await apply('bob', { type: 'sendReadReceipt', threadId, messageId });
  await carol!.until(() => readBy(carol!, threadId, 'bob') === messageId, 2000);
  return { threadId, messageId, bob: bob!, carol: carol! };
};

describe('paced read receipts', () => {
  it('hold a burst of receipts for one delivery, and deliver what they hold before a member is removed', async () => {
    const { threadId, messageId, bob, carol } = await quietThreadWithReceipt();

    // The next one, within the window, is committed but held back.
    await apply('alice', { type: 'sendReadReceipt', threadId, messageId });
    await sleep(100);
    expect(readBy(carol, threadId, 'alice')).toBeUndefined();

    // Removing carol delivers it to her first: her Revoke arrives after the receipt.
    let hadReceiptAtRevoke: boolean | undefined;
    carol.onFrame = (frame) => {
      if (frame.type === MessageType.Revoke && frame.docName === headDocName(threadId))
        hadReceiptAtRevoke = readBy(carol, threadId, 'alice') === messageId;
    };
    await apply('alice', { type: 'removeParticipant', threadId, userId: 'carol' });
    await carol.until(() => hadReceiptAtRevoke !== undefined, 2000);
    expect(hadReceiptAtRevoke).toBe(true);
    // bob received it too (with the removal, or on the pacing timer).
    await bob.until(() => readBy(bob, threadId, 'alice') === messageId, 2000);
    bob.close();
    carol.close();
  });

  it("go out with the thread's awareness batch, in one socket message per member", async () => {
    const { threadId, messageId, bob, carol } = await quietThreadWithReceipt();
    const head = headDocName(threadId);

    // Held for up to 400 ms; bob's typing opens a 250 ms awareness window, which ends first.
    const from = carol.received.length;
    await apply('alice', { type: 'sendReadReceipt', threadId, messageId });
    bob.sendFrame({
      docName: head,
      type: MessageType.Awareness,
      payload: encodeAwarenessUpdate([{ clientId: 4242, clock: 1, state: { typing: { at: Date.now() } } }]),
    });
    await carol.until(() => readBy(carol, threadId, 'alice') === messageId, 2000);
    await sleep(50);

    const limits = { maxFrameBytes: 1 << 20, maxNameBytes: 512 };
    const framesOf = (message: Uint8Array): Frame[] => {
      const frame = decodeFrame(message, limits);
      return frame.type === MessageType.Batch
        ? decodeBatch(frame.payload).map((f) => decodeFrame(f, limits))
        : [frame];
    };
    const messages = carol.received.slice(from).map(framesOf);
    const withPresence = messages.filter((m) => m.some((f) => f.type === MessageType.Awareness));
    expect(withPresence).toHaveLength(1);
    // The same message carries the head's update with alice's receipt; nothing else did.
    expect(withPresence[0]!.some((f) => f.type === MessageType.Sync && f.docName === head)).toBe(true);
    expect(
      messages.filter((m) => m.some((f) => f.type === MessageType.Sync && f.docName === head)),
    ).toHaveLength(1);
    bob.close();
    carol.close();
  });
});
