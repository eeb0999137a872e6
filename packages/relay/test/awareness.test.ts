import { headDocName, newThreadId } from '@parley/model';
import { MessageType } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ awarenessWindowMs: 50 });
});
afterAll(async () => {
  await relay?.stop();
});

const actor = (userId: string) => ({ userId, displayName: userId.toUpperCase(), scope: 'chat' as const });

/** A client's awareness for one head doc, sending its updates over the wire client. */
const presence = (client: WireClient, docName: string, clientID?: number) => {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  const awareness = new Awareness(doc);
  const seen = new Awareness(new Y.Doc());
  client.onFrame = (f) => {
    if (f.type === MessageType.Awareness && f.docName === docName)
      applyAwarenessUpdate(seen, f.payload, 'remote');
  };
  return {
    awareness,
    seen,
    publish(state: Record<string, unknown>) {
      awareness.setLocalState(state);
      client.sendFrame({
        docName,
        type: MessageType.Awareness,
        payload: encodeAwarenessUpdate(awareness, [doc.clientID]),
      });
    },
    destroy() {
      awareness.destroy();
      seen.destroy();
    },
  };
};

describe('awareness relay', () => {
  it('stamps the authenticated user, refuses another session’s client id, and fans out only to members', async () => {
    const threadId = newThreadId();
    await relay.relay.operations.apply(actor('alice'), {
      type: 'createThread',
      threadId,
      topic: 'p',
      participants: [{ id: 'bob' }, { id: 'mallory' }],
    });
    const head = headDocName(threadId);
    const [alice, bob, mallory, outsider] = await Promise.all(
      ['alice', 'bob', 'mallory', 'oscar'].map(async (u) =>
        WireClient.connect(relay.url, await relay.token(u, { displayName: u.toUpperCase() })),
      ),
    );
    for (const c of [alice!, bob!, mallory!]) await c.subscribe(head);
    expect(await outsider!.subscribe(head)).toMatchObject({ status: 'denied', code: 'NOT_A_MEMBER' });

    const a = presence(alice!, head, 1111);
    const b = presence(bob!, head);
    const m = presence(mallory!, head, 1111); // mallory claims alice's client id
    const m2 = presence(mallory!, head, 2222);
    a.publish({ typing: { at: Date.now() } });
    await alice!.until(() => b.seen.getStates().has(1111));
    m.publish({ typing: { at: Date.now() }, user: { id: 'alice', name: 'ALICE' }, evil: true });
    m2.publish({ typing: { at: Date.now() }, user: { id: 'alice', name: 'ALICE' } });
    await bob!.until(() => b.seen.getStates().has(2222));
    await mallory!.until(() => mallory!.errors.some((e) => e.code === 'AWARENESS_CLIENT_TAKEN'));

    const states = b.seen.getStates();
    expect(states.get(1111)).toMatchObject({ user: { id: 'alice', name: 'ALICE' } });
    expect(states.get(1111)).not.toHaveProperty('evil');
    // mallory's own client is stamped as mallory, whatever it claimed.
    expect(states.get(2222)).toMatchObject({ user: { id: 'mallory', name: 'MALLORY' } });
    expect(outsider!.frames.some((f) => f.type === MessageType.Awareness)).toBe(false);

    // Removing mallory drops its state for everyone.
    await relay.relay.operations.apply(actor('alice'), {
      type: 'removeParticipant',
      threadId,
      userId: 'mallory',
    });
    await bob!.until(() => !b.seen.getStates().has(2222));
    for (const p of [a, b, m, m2]) p.destroy();
    for (const c of [alice!, bob!, mallory!, outsider!]) c.close();
  });

  it('a receipt published on awareness is recorded durably for members who were offline', async () => {
    const threadId = newThreadId();
    await relay.relay.operations.apply(actor('alice'), {
      type: 'createThread',
      threadId,
      topic: 'r',
      participants: [{ id: 'bob' }],
    });
    const sent = await relay.relay.operations.apply(actor('alice'), {
      type: 'sendMessage',
      threadId,
      messageId: 'msg-00000001',
      content: 'read me',
      messageType: 'text',
    });
    const bob = await WireClient.connect(relay.url, await relay.token('bob'));
    const head = headDocName(threadId);
    await bob.subscribe(head);
    const b = presence(bob, head);
    b.publish({ read: { messageId: 'msg-00000001' } });
    await bob.until(() => relay.relay.operations.listReadReceipts(actor('alice'), threadId).items.length > 0);
    expect(relay.relay.operations.listReadReceipts(actor('alice'), threadId).items).toEqual([
      expect.objectContaining({
        userId: 'bob',
        messageId: 'msg-00000001',
        seq: sent.status === 'accepted' ? sent.seq : -1,
      }),
    ]);
    b.destroy();
    bob.close();
  });
});
