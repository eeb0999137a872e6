import { headDocName, newThreadId, pageDocName, randomId, readMessages, readPages } from '@parley/model';
import { MessageType } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

const connect = (userId: string) => WireClient.asUser(relay, userId);
const actor = (userId: string) => ({ userId, displayName: userId, scope: 'chat' as const });
const send = (userId: string, threadId: string, content: string, messageId = randomId()) =>
  relay.relay.operations.apply(actor(userId), {
    type: 'sendMessage',
    threadId,
    messageId,
    content,
    messageType: 'text',
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const concat = (chunks: Uint8Array[]): Buffer => Buffer.concat(chunks.map((c) => Buffer.from(c)));
const leaks = (bytes: Buffer, markers: string[]) => markers.filter((m) => bytes.includes(Buffer.from(m)));

describe('history visibility', () => {
  it('members added with "none" and "since T" see exactly their share, and no hidden byte ever reaches their sockets', async () => {
    const threadId = newThreadId();
    await relay.relay.operations.apply(actor('alice'), {
      type: 'createThread',
      threadId,
      topic: 'history',
      participants: [{ id: 'bob' }],
    });
    const hidden: { id: string; content: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const content = `HIDDEN-${i}-${randomId(10)}`;
      const id = randomId();
      await send('alice', threadId, content, id);
      hidden.push({ id, content });
    }
    await sleep(5);
    const T = new Date().toISOString();
    await sleep(5);
    const visible: string[] = [];
    for (let i = 0; i < 3; i++) {
      visible.push(`VISIBLE-${i}`);
      await send('bob', threadId, `VISIBLE-${i}`);
    }
    // carol: since T (straddles page 0); dave: nothing before his join (a new page starts).
    await relay.relay.operations.apply(actor('alice'), {
      type: 'addParticipants',
      threadId,
      participants: [{ id: 'carol', shareHistoryTime: T }],
    });
    await relay.relay.operations.apply(actor('alice'), {
      type: 'addParticipants',
      threadId,
      participants: [{ id: 'dave', shareHistoryTime: new Date(Date.now() + 1000).toISOString() }],
    });

    const carol = await connect('carol');
    const dave = await connect('dave');
    await carol.subscribe(headDocName(threadId));
    await dave.subscribe(headDocName(threadId));
    const pages = readPages(carol.doc(headDocName(threadId)));
    expect(pages.length).toBe(2);
    expect(await carol.subscribe(pageDocName(threadId, 0))).toMatchObject({ status: 'granted' });
    expect(await carol.subscribe(pageDocName(threadId, 1))).toMatchObject({ status: 'granted' });
    expect(await dave.subscribe(pageDocName(threadId, 0))).toMatchObject({
      status: 'denied',
      code: 'HISTORY_NOT_VISIBLE',
    });
    expect(await dave.subscribe(pageDocName(threadId, 1))).toMatchObject({ status: 'granted' });

    // The same page through the y-websocket endpoint, recording every byte.
    const ywsBytes: Uint8Array[] = [];
    class RecordingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.on('message', (d: Buffer) => ywsBytes.push(new Uint8Array(d)));
      }
    }
    const ydoc = new Y.Doc();
    const provider = new WebsocketProvider(
      `${relay.url.replace('http', 'ws')}/v1/yjs`,
      pageDocName(threadId, 0),
      ydoc,
      {
        WebSocketPolyfill: RecordingWebSocket as never,
        params: { token: await relay.token('carol') },
        disableBc: true,
      },
    );
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));

    // Later changes to hidden messages: edits and deletes, then a visible message.
    const editMarker = `HIDDEN-EDIT-${randomId(10)}`;
    await relay.relay.operations.apply(actor('alice'), {
      type: 'editMessage',
      threadId,
      messageId: hidden[1]!.id,
      content: editMarker,
    });
    await relay.relay.operations.apply(actor('alice'), {
      type: 'deleteMessage',
      threadId,
      messageId: hidden[2]!.id,
    });
    await send('alice', threadId, 'VISIBLE-late');
    await carol.until(() =>
      readMessages(carol.doc(pageDocName(threadId, 1))).some((m) => m.content === 'VISIBLE-late'),
    );
    await dave.until(() =>
      readMessages(dave.doc(pageDocName(threadId, 1))).some((m) => m.content === 'VISIBLE-late'),
    );
    await sleep(100);

    const carolPage0 = readMessages(carol.doc(pageDocName(threadId, 0)));
    expect(carolPage0.filter((m) => m.type === 'text').map((m) => m.content)).toEqual(visible);
    expect(
      readMessages(ydoc)
        .filter((m) => m.type === 'text')
        .map((m) => m.content),
    ).toEqual(visible);
    expect(
      readMessages(dave.doc(pageDocName(threadId, 1)))
        .filter((m) => m.type === 'text')
        .map((m) => m.content),
    ).toEqual(['VISIBLE-late']);
    for (const d of [carol.doc(pageDocName(threadId, 0)), ydoc]) {
      expect(d.store.pendingStructs).toBeNull();
      expect(d.store.pendingDs).toBeNull();
    }
    const markers = [...hidden.map((h) => h.content), editMarker];
    expect(leaks(concat(carol.received), markers)).toEqual([]);
    expect(leaks(concat(dave.received), markers)).toEqual([]);
    expect(leaks(concat(ywsBytes), markers)).toEqual([]);
    // A full member did receive them (the scan can fail).
    const bob = await connect('bob');
    await bob.subscribe(pageDocName(threadId, 0));
    expect(leaks(concat(bob.received), markers).length).toBeGreaterThan(0);
    // HTTP reads apply the same rule.
    const listed = await relay.relay.operations.listMessages(actor('carol'), threadId, { maxPageSize: 200 });
    expect(listed.items.filter((m) => m.type === 'text').map((m) => m.content)).toEqual([
      'VISIBLE-late',
      ...[...visible].reverse(),
    ]);
    await expect(
      relay.relay.operations.getMessage(actor('carol'), threadId, hidden[0]!.id),
    ).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    provider.destroy();
    for (const c of [carol, dave, bob]) c.close();
  });

  it('a member re-added with full history is told to drop its copy and then sees what it could not before', async () => {
    const threadId = newThreadId();
    await relay.relay.operations.apply(actor('alice'), {
      type: 'createThread',
      threadId,
      topic: 'regen',
      participants: [],
    });
    await send('alice', threadId, 'OLD-SECRET');
    await relay.relay.operations.apply(actor('alice'), {
      type: 'addParticipants',
      threadId,
      participants: [{ id: 'erin', shareHistoryTime: new Date(Date.now() + 1000).toISOString() }],
    });
    const erin = await connect('erin');
    const granted = await erin.subscribe(headDocName(threadId));
    expect(granted).toMatchObject({ status: 'granted', generation: 1 });
    expect(await erin.subscribe(pageDocName(threadId, 0))).toMatchObject({
      status: 'denied',
      code: 'HISTORY_NOT_VISIBLE',
    });

    await relay.relay.operations.apply(actor('alice'), {
      type: 'removeParticipant',
      threadId,
      userId: 'erin',
    });
    await erin.until(() => erin.revoked.has(headDocName(threadId)));
    expect(erin.revoked.get(headDocName(threadId))?.code).toBe('NOT_A_MEMBER');
    await relay.relay.operations.apply(actor('alice'), {
      type: 'addParticipants',
      threadId,
      participants: [{ id: 'erin' }],
    });

    // The local copy was built under generation 1: the relay says to drop it.
    await erin.subscribe(headDocName(threadId), 1);
    expect(erin.resets.get(headDocName(threadId))).toMatchObject({ code: 'STALE_GENERATION', generation: 2 });
    erin.docs.delete(headDocName(threadId));
    expect(await erin.subscribe(headDocName(threadId))).toMatchObject({ status: 'granted', generation: 2 });
    expect(await erin.subscribe(pageDocName(threadId, 0))).toMatchObject({ status: 'granted' });
    expect(readMessages(erin.doc(pageDocName(threadId, 0))).some((m) => m.content === 'OLD-SECRET')).toBe(
      true,
    );
    erin.close();
  });

  it('a removed member keeps its socket for other threads but receives nothing sent after the removal', async () => {
    const x = newThreadId();
    const y = newThreadId();
    for (const t of [x, y]) {
      await relay.relay.operations.apply(actor('alice'), {
        type: 'createThread',
        threadId: t,
        topic: t,
        participants: [{ id: 'frank' }],
      });
    }
    const frank = await connect('frank');
    for (const t of [x, y]) {
      await frank.subscribe(headDocName(t));
      await frank.subscribe(pageDocName(t, 0));
    }
    const framesBefore = frank.frames.length;
    // Removal and a message in the same turn: the message must not reach frank.
    const [removed] = await Promise.all([
      relay.relay.operations.apply(actor('alice'), {
        type: 'removeParticipant',
        threadId: x,
        userId: 'frank',
      }),
      send('alice', x, 'AFTER-REMOVAL'),
    ]);
    expect(removed.status).toBe('accepted');
    await send('alice', x, 'AFTER-REMOVAL-2');
    await send('alice', y, 'STILL-HERE');
    await frank.until(() =>
      readMessages(frank.doc(pageDocName(y, 0))).some((m) => m.content === 'STILL-HERE'),
    );
    const after = frank.frames.slice(framesBefore);
    // Updates committed before the removal (the head's activity from the thread's creation, which
    // trails by the activity window) may still arrive; after the first Revoke only Revokes do.
    const xDocs = after.filter((f) => f.docName.startsWith(headDocName(x)));
    const revokes = xDocs.slice(xDocs.findIndex((f) => f.type === MessageType.Revoke));
    expect(revokes.every((f) => f.type === MessageType.Revoke)).toBe(true);
    expect(revokes.map((f) => f.docName).sort()).toEqual([headDocName(x), pageDocName(x, 0)].sort());
    expect(leaks(concat(frank.received), ['AFTER-REMOVAL'])).toEqual([]);
    expect(frank.closeCode).toBeUndefined();
    // The user doc records the removal; re-subscribing is refused.
    await frank.until(() =>
      Boolean(
        (frank.doc('user:frank').getMap('threads').get(x) as { removedOn?: string } | undefined)?.removedOn,
      ),
    );
    expect(await frank.subscribe(headDocName(x))).toMatchObject({ status: 'denied', code: 'NOT_A_MEMBER' });
    frank.close();
  });
});
