import { headDocName, newThreadId, pageDocName, randomId, readMessages } from '@parley/model';
import { MessageType } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from './harness.ts';
import { syncPayload, WireClient } from './wireClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

const connect = async (userId: string, scope?: 'chat' | 'chat.join' | 'chat.join.limited') => {
  const c = await WireClient.connect(
    relay.url,
    await relay.token(userId, { displayName: userId, ...(scope ? { scope } : {}) }),
  );
  await c.subscribe(`user:${userId}`);
  return c;
};

/** The stored state of every doc of a thread, as bytes. */
const threadState = (threadId: string): string[] =>
  relay.store.docs.list(headDocName(threadId)).map((name) => {
    const { snapshot, updates } = relay.store.docs.load(name);
    const doc = new Y.Doc();
    if (snapshot) Y.applyUpdate(doc, snapshot);
    for (const u of updates) Y.applyUpdate(doc, u.update);
    return `${name}:${Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64')}`;
  });

describe('forged and forbidden intents', () => {
  it('are rejected with their codes and leave every thread doc byte-identical', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const mallory = await connect('mallory');
    const limited = await connect('lim', 'chat.join.limited');
    const threadId = newThreadId();
    await alice.op({
      type: 'createThread',
      threadId,
      topic: 't',
      participants: [{ id: 'bob' }, { id: 'lim' }],
    });
    const aliceMsg = randomId();
    await alice.op({
      type: 'sendMessage',
      threadId,
      messageId: aliceMsg,
      content: 'mine',
      messageType: 'text',
    });
    // Fill the thread to 250 members (3 + 247).
    const many = Array.from({ length: 247 }, (_, i) => ({ id: `user-${i}` }));
    expect(
      await alice.op({ type: 'addParticipants', threadId, participants: many.slice(0, 200) }),
    ).toMatchObject({ status: 'accepted' });
    expect(
      await alice.op({ type: 'addParticipants', threadId, participants: many.slice(200) }),
    ).toMatchObject({ status: 'accepted' });

    // The head's activity fields follow within a window: wait until they caught up, so that the
    // comparison below sees only what the forbidden intents might change.
    await alice.until(() => {
      const { snapshot, updates } = relay.store.docs.load(headDocName(threadId));
      const head = new Y.Doc();
      if (snapshot) Y.applyUpdate(head, snapshot);
      for (const u of updates) Y.applyUpdate(head, u.update);
      return head.getMap('meta').get('lastSeq') === relay.store.threads.get(threadId)?.lastSeq;
    });
    const before = threadState(threadId);
    const cases: [string, WireClient, Parameters<WireClient['op']>[0], string][] = [
      [
        'edit another user’s message',
        bob,
        { type: 'editMessage', threadId, messageId: aliceMsg, content: 'forged' },
        'NOT_SENDER',
      ],
      [
        'delete another user’s message',
        bob,
        { type: 'deleteMessage', threadId, messageId: aliceMsg },
        'NOT_SENDER',
      ],
      [
        'a non-member posting',
        mallory,
        { type: 'sendMessage', threadId, messageId: randomId(), content: 'hi', messageType: 'text' },
        'NOT_A_MEMBER',
      ],
      [
        'a chat.join.limited token adding a member',
        limited,
        { type: 'addParticipants', threadId, participants: [{ id: 'zed' }] },
        'INSUFFICIENT_SCOPE',
      ],
      [
        'content over 28 KB',
        bob,
        {
          type: 'sendMessage',
          threadId,
          messageId: randomId(),
          content: 'x'.repeat(28 * 1024 + 1),
          messageType: 'text',
        },
        'CONTENT_TOO_LARGE',
      ],
      [
        'the 251st member',
        alice,
        { type: 'addParticipants', threadId, participants: [{ id: 'one-too-many' }] },
        'TOO_MANY_PARTICIPANTS',
      ],
      [
        'a non-member renaming the thread',
        mallory,
        { type: 'updateThread', threadId, topic: 'pwned' },
        'NOT_A_MEMBER',
      ],
      [
        'a chat.join token renaming the thread',
        limited,
        { type: 'updateThread', threadId, topic: 'pwned' },
        'INSUFFICIENT_SCOPE',
      ],
      ['a member deleting the thread', bob, { type: 'deleteThread', threadId }, 'FORBIDDEN'],
    ];
    for (const [what, client, op, code] of cases) {
      const result = await client
        .op(op)
        .catch((e: Error) => ({ status: 'timeout', what, errors: client.errors, message: e.message }));
      expect(result, what).toMatchObject({ status: 'rejected', code });
    }

    // Sending as another user: the relay stamps the sender; a forged field in the payload is ignored.
    const forged = randomId();
    const r = await mallory.op({
      type: 'sendMessage',
      threadId,
      messageId: forged,
      content: 'x',
      messageType: 'text',
      sender: 'alice',
    } as never);
    expect(r).toMatchObject({ status: 'rejected', code: 'NOT_A_MEMBER' });
    // …and another user's doc cannot be opened, let alone written.
    expect(await mallory.subscribe('user:alice')).toMatchObject({ status: 'denied', code: 'FORBIDDEN' });

    // A write sent straight to a thread doc.
    await mallory.subscribe(headDocName(threadId));
    await bob.subscribe(pageDocName(threadId, 0));
    const evil = new Y.Doc();
    evil.getMap('messages').set('evil', 'injected');
    bob.sendFrame({
      docName: pageDocName(threadId, 0),
      type: MessageType.Sync,
      payload: syncPayload(2, Y.encodeStateAsUpdate(evil)),
    });
    await bob.until(() => bob.errors.some((e) => e.code === 'WRITE_FORBIDDEN'));
    expect(threadState(threadId)).toEqual(before);
    expect(readMessages(bob.doc(pageDocName(threadId, 0))).some((m) => m.content === 'forged')).toBe(false);
    for (const c of [alice, bob, mallory, limited]) c.close();
  });

  it('the sender of an accepted message is the authenticated user, whatever the payload says', async () => {
    const alice = await connect('alice');
    const threadId = newThreadId();
    await alice.op({ type: 'createThread', threadId, topic: 't', participants: [{ id: 'bob' }] });
    const id = randomId();
    await alice.op({
      type: 'sendMessage',
      threadId,
      messageId: id,
      content: 'x',
      messageType: 'text',
      sender: 'bob',
      senderDisplayName: 'Alice',
    } as never);
    await alice.subscribe(pageDocName(threadId, 0));
    const m = readMessages(alice.doc(pageDocName(threadId, 0))).find((x) => x.id === id);
    expect(m?.sender).toBe('alice');
    alice.close();
  });
});
