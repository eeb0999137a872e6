import { headDocName, newThreadId, pageDocName, randomId, readMessages, readPages } from '@parley/model';
import { decodeCode, encodeControl, MessageType, SyncStep } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from './harness.ts';
import { syncPayload, WireClient } from './wireClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ pageSize: 1000 });
});
afterAll(async () => {
  await relay?.stop();
});

const connect = async (userId: string, scope?: 'chat' | 'chat.join' | 'chat.join.limited') => {
  const c = await WireClient.connect(
    relay.url,
    await relay.token(userId, { displayName: userId.toUpperCase(), ...(scope ? { scope } : {}) }),
  );
  await c.subscribe(`user:${userId}`);
  return c;
};

describe('sync over /v1/sync', () => {
  it('answers a step 1 sent right behind the Subscribe after the grant, and refuses it with the subscription', async () => {
    const alice = await connect('alice');
    const threadId = newThreadId();
    await alice.op({ type: 'createThread', threadId, topic: 'pipelined', participants: [] });
    const mallory = await connect('mallory');
    const pipelined = (c: WireClient, docName: string) => {
      c.sendFrame({ docName, type: MessageType.Subscribe, payload: encodeControl({}) });
      c.sendFrame({
        docName,
        type: MessageType.Sync,
        payload: syncPayload(SyncStep.Step1, Y.encodeStateVector(new Y.Doc())),
      });
    };
    const head = headDocName(threadId);
    const from = alice.frames.length;
    pipelined(alice, head);
    await alice.until(() => readPages(alice.doc(head)).length > 0);
    const kinds = alice.frames
      .slice(from)
      .filter((f) => f.docName === head)
      .map((f) => (f.type === MessageType.Sync ? `sync${f.payload[0]}` : f.type));
    // Granted, the relay's own step 1, then the answer to ours (step 2).
    expect(kinds.slice(0, 3)).toEqual([MessageType.Subscription, 'sync0', 'sync1']);

    const before = relay.store.docs.load(head);
    const seen = mallory.frames.length;
    pipelined(mallory, head);
    await mallory.until(() => mallory.frames.slice(seen).some((f) => f.type === MessageType.Error));
    const after = mallory.frames.slice(seen);
    expect(mallory.subscriptions.get(head)).toMatchObject({ status: 'denied', code: 'NOT_A_MEMBER' });
    const error = after.find((f) => f.type === MessageType.Error)!;
    expect(decodeCode(error.payload).code).toBe('NOT_SUBSCRIBED');
    expect(after.some((f) => f.type === MessageType.Sync)).toBe(false);
    expect(relay.store.docs.load(head)).toEqual(before);
    alice.close();
    mallory.close();
  });

  it('two users sync a thread and a stock y-websocket provider sees the same messages in the same order', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const threadId = newThreadId();
    const created = await alice.op({
      type: 'createThread',
      threadId,
      topic: 'lunch',
      participants: [{ id: 'bob', displayName: 'Bob' }],
    });
    expect(created).toMatchObject({ status: 'accepted', threadId });

    for (const c of [alice, bob]) {
      expect((await c.subscribe(headDocName(threadId))).status).toBe('granted');
      expect((await c.subscribe(pageDocName(threadId, 0))).status).toBe('granted');
    }
    const sent = [];
    for (let i = 0; i < 5; i++)
      sent.push(
        await (i % 2 ? bob : alice).op({
          type: 'sendMessage',
          threadId,
          messageId: randomId(),
          content: `hello ${i} 👋🏽`,
          messageType: 'text',
        }),
      );
    expect(sent.every((r) => r.status === 'accepted')).toBe(true);

    const page = pageDocName(threadId, 0);
    await bob.until(() => readMessages(bob.doc(page)).length === 6);
    await alice.until(() => readMessages(alice.doc(page)).length === 6);
    const view = (d: Y.Doc) => readMessages(d).map((m) => [m.seq, m.sender, m.content]);
    expect(view(bob.doc(page))).toEqual(view(alice.doc(page)));
    expect(
      view(alice.doc(page))
        .slice(1)
        .map((m) => m[2]),
    ).toEqual([0, 1, 2, 3, 4].map((i) => `hello ${i} 👋🏽`));

    // A stock WebsocketProvider, token in the query string, reading the same page.
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${relay.url.replace('http', 'ws')}/v1/yjs`, page, doc, {
      WebSocketPolyfill: WebSocket as never,
      params: { token: await relay.token('bob') },
      disableBc: true,
    });
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    await bob.until(() => readMessages(doc).length === 6);
    expect(view(doc)).toEqual(view(alice.doc(page)));
    // …and stays live.
    await alice.op({
      type: 'sendMessage',
      threadId,
      messageId: randomId(),
      content: 'late',
      messageType: 'text',
    });
    await bob.until(() => readMessages(doc).length === 7);
    expect(readMessages(doc).at(-1)?.content).toBe('late');
    expect(provider.wsconnected).toBe(true);
    provider.destroy();
    // Clients that asked for batches get one WebSocket message per turn.
    expect(alice.batches).toBeGreaterThan(0);
    alice.close();
    bob.close();
  });

  it('a stock provider may not read a thread its user is not in', async () => {
    const alice = await connect('alice');
    const threadId = newThreadId();
    await alice.op({ type: 'createThread', threadId, topic: 'private', participants: [] });
    const res = await new Promise<number>((resolve) => {
      const ws = new WebSocket(
        `${relay.url.replace('http', 'ws')}/v1/yjs/${headDocName(threadId)}?token=${encodeURIComponent('nope')}`,
      );
      ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(res).toBe(401);
    const eve = await relay.token('eve');
    const res2 = await new Promise<number>((resolve) => {
      const ws = new WebSocket(
        `${relay.url.replace('http', 'ws')}/v1/yjs/${headDocName(threadId)}?token=${encodeURIComponent(eve)}`,
      );
      ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(res2).toBe(403);
    alice.close();
  });

  it('a thread of 3,000 messages spans 3 pages and a client gets only the head and the newest page until it asks', async () => {
    const small = await startTestRelay({ pageSize: 1000 });
    try {
      const token = await small.token('carol');
      const threadId = newThreadId();
      const actor = { userId: 'carol', displayName: 'Carol', scope: 'chat' as const };
      await small.relay.operations.apply(actor, {
        type: 'createThread',
        threadId,
        topic: 'big',
        participants: [],
      });
      const sends = [];
      for (let i = 0; i < 3000; i++) {
        sends.push(
          small.relay.operations.apply(actor, {
            type: 'sendMessage',
            threadId,
            messageId: randomId(),
            content: `m${i}`,
            messageType: 'text',
          }),
        );
      }
      await Promise.all(sends);
      const c = await WireClient.connect(small.url, token);
      await c.subscribe(headDocName(threadId));
      const pages = readPages(c.doc(headDocName(threadId)));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      const newest = pages.at(-1)!;
      await c.subscribe(pageDocName(threadId, newest.page));
      const docsReceived = new Set(c.frames.filter((f) => f.type === MessageType.Sync).map((f) => f.docName));
      expect([...docsReceived].sort()).toEqual(
        [headDocName(threadId), pageDocName(threadId, newest.page)].sort(),
      );
      // Older pages arrive only when asked for.
      await c.subscribe(pageDocName(threadId, 0));
      expect(readMessages(c.doc(pageDocName(threadId, 0))).length).toBe(1000);
      const total = pages.reduce((n, p) => n + p.count, 0);
      expect(total).toBe(3001); // 3,000 messages + the participantAdded system message
      c.close();
    } finally {
      await small.stop();
    }
  });
});
