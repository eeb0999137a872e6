import type { OpPayload } from '@parley/model';
import { type Actor, verifyWebhookSignature } from '@parley/relay';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './harness.ts';
import { type Answer, startReceiver, type WebhookReceiver, waitFor } from './webhooksReceiver.ts';

const ADMIN = 'admin-key-for-webhook-tests';
const SECRET = 'whsec-0123456789abcdef';
const fast = { backoffBaseMs: 10, backoffMaxMs: 60, pollMs: 20, timeoutMs: 2000 };

const actor = (userId: string): Actor => ({ userId, displayName: userId.toUpperCase(), scope: 'chat' });
const alice = actor('alice');

let relay: TestRelay | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await relay?.stop();
  await receiver?.close();
  relay = undefined;
  receiver = undefined;
});

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${relay!.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers },
  });

const subscribe = async (body: Record<string, unknown>) => {
  const res = await admin('/admin/webhooks', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret?: string };
};

const apply = async (who: Actor, op: OpPayload) => {
  const result = await relay!.relay.operations.apply(who, op);
  expect(result.status, JSON.stringify(result)).toBe('accepted');
  return result;
};

/** Message ids are 8..64 characters. */
const mid = (name: string) => `message-${name}`;

const send = (threadId: string, name: string, content = `hello ${name}`) =>
  apply(alice, { type: 'sendMessage', threadId, messageId: mid(name), content, messageType: 'text' });

const start = async (answerPost?: (n: number) => Answer, delivery: Record<string, number> = {}) => {
  receiver = await startReceiver(answerPost ? { answerPost } : {});
  relay = await startTestRelay({ adminKey: ADMIN, webhookDelivery: { ...fast, ...delivery } });
};

describe('webhook delivery', () => {
  it('a receiver that fails the first deliveries then accepts gets every event, signed, duplicates with the same id', async () => {
    await start((n) => (n < 6 ? 503 : 200));
    await subscribe({ url: receiver!.url, secret: SECRET });
    const t = 'thread-webhooks-1';
    await apply(alice, {
      type: 'createThread',
      threadId: t,
      topic: 'Lunch',
      participants: [{ id: 'bob', displayName: 'Bob' }, { id: 'carol' }],
    });
    await send(t, 'm1');
    await send(t, 'm2');
    await send(t, 'm3');
    await apply(alice, { type: 'editMessage', threadId: t, messageId: mid('m1'), content: 'edited' });
    await apply(alice, { type: 'deleteMessage', threadId: t, messageId: mid('m2') });
    await apply(alice, { type: 'updateThread', threadId: t, topic: 'Dinner' });
    await apply(alice, { type: 'addParticipants', threadId: t, participants: [{ id: 'dave' }] });
    await apply(alice, { type: 'removeParticipant', threadId: t, userId: 'carol' });
    // After the membership changed: bob and dave get it, carol does not.
    await send(t, 'm4');
    // 4 (created: 1 + 3 members) + 3 sends × (1 + 2) + edit 3 + delete 3 + topic 4 + add (1 + 4) + remove (1 + 4)
    // + the last send (1 + 2)
    const expected = 4 + 9 + 3 + 3 + 4 + 5 + 5 + 3;

    const ids = () => new Set(receiver!.accepted().map((e) => e.id));
    await waitFor(() => ids().size === expected, `${expected} distinct events`);
    await waitFor(() => relay!.store.webhooks.outboxDepth() === 0, 'an empty outbox');
    expect(ids().size).toBe(expected);

    const posts = receiver!.requests.filter((r) => r.method === 'POST');
    for (const p of posts) {
      expect(verifyWebhookSignature(SECRET, p.body, p.headers['webhook-signature'] as string)).toBe(true);
      expect(p.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
      expect(p.headers['ce-id']).toBe(JSON.parse(p.body).id);
    }
    expect(
      verifyWebhookSignature(
        'another-secret-000000',
        posts[0]!.body,
        posts[0]!.headers['webhook-signature'] as string,
      ),
    ).toBe(false);
    // Every refused delivery came again with the same id and the same bytes.
    const failed = posts.filter((p) => p.status === 503);
    expect(failed).toHaveLength(6);
    const acceptedBodies = new Set(posts.filter((p) => p.status === 200).map((p) => p.body));
    for (const f of failed) expect(acceptedBodies.has(f.body)).toBe(true);
    // The handshake came first, once, with the origin header.
    const options = receiver!.requests.filter((r) => r.method === 'OPTIONS');
    expect(options).toHaveLength(1);
    expect(receiver!.requests[0]!.method).toBe('OPTIONS');
    expect(options[0]!.headers['webhook-request-origin']).toBe('parley-relay');

    const events = receiver!.accepted();
    const count = (type: string) => new Set(events.filter((e) => e.type === type).map((e) => e.id)).size;
    expect(count('Microsoft.Communication.ChatThreadCreated')).toBe(1);
    expect(count('Microsoft.Communication.ChatThreadCreatedWithUser')).toBe(3);
    expect(count('Microsoft.Communication.ChatMessageReceived')).toBe(8);
    expect(count('Microsoft.Communication.ChatMessageReceivedInThread')).toBe(4);
    const recipientsOf = (m: string) =>
      events
        .filter(
          (e) => e.type === 'Microsoft.Communication.ChatMessageReceived' && e.data.messageId === mid(m),
        )
        .map((e) => (e.data.recipientCommunicationIdentifier as { rawId: string }).rawId)
        .sort();
    expect([...new Set(recipientsOf('m3'))]).toEqual(['bob', 'carol']);
    expect([...new Set(recipientsOf('m4'))]).toEqual(['bob', 'dave']);
    expect(count('Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser')).toBe(4);

    const received = events.find(
      (e) =>
        e.type === 'Microsoft.Communication.ChatMessageReceived' &&
        (e.data.recipientCommunicationIdentifier as { rawId: string }).rawId === 'bob' &&
        e.data.messageId === mid('m3'),
    )!;
    expect(received).toMatchObject({
      specversion: '1.0',
      source: '/parley/relay',
      subject: `thread/${t}/sender/alice/recipient/bob`,
      datacontenttype: 'application/json',
      data: {
        threadId: t,
        messageId: mid('m3'),
        messageBody: 'hello m3',
        senderCommunicationIdentifier: { rawId: 'alice', communicationUser: { id: 'alice' } },
        senderDisplayName: 'ALICE',
        type: 'Text',
        version: 1,
        metadata: {},
      },
    });
    expect(typeof received.data.transactionId).toBe('string');
    expect(Date.parse(received.data.composeTime as string)).not.toBeNaN();
    // The sender gets no user-level event for its own message, as in ACS.
    expect(
      events.some(
        (e) =>
          e.type === 'Microsoft.Communication.ChatMessageReceived' &&
          (e.data.recipientCommunicationIdentifier as { rawId: string }).rawId === 'alice',
      ),
    ).toBe(false);
    const created = events.find((e) => e.type === 'Microsoft.Communication.ChatThreadCreated')!;
    expect(created.data).toMatchObject({
      threadId: t,
      createdByCommunicationIdentifier: { rawId: 'alice' },
      properties: { topic: 'Lunch' },
      participants: [
        { displayName: 'ALICE', participantCommunicationIdentifier: { rawId: 'alice' } },
        { displayName: 'Bob', participantCommunicationIdentifier: { rawId: 'bob' } },
        { displayName: 'carol', participantCommunicationIdentifier: { rawId: 'carol' } },
      ],
    });
    const removed = events.find((e) => e.type === 'Microsoft.Communication.ChatThreadParticipantRemoved')!;
    expect(removed.data).toMatchObject({
      participantRemoved: { participantCommunicationIdentifier: { rawId: 'carol' } },
    });
  });

  it('a receiver that refuses the handshake gets no event; after maxAttempts the events are dead letters', async () => {
    receiver = await startReceiver({ answerOptions: () => ({ status: 403 }) });
    relay = await startTestRelay({ adminKey: ADMIN, webhookDelivery: { ...fast, maxAttempts: 3 } });
    const { id } = await subscribe({ url: receiver.url, secret: SECRET, eventTypes: ['ChatThreadCreated'] });
    await apply(alice, { type: 'createThread', threadId: 'thread-refused', topic: 'x', participants: [] });
    await waitFor(() => relay!.store.webhooks.deadLetters().length === 1, 'one dead letter');
    expect(receiver.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(receiver.requests.filter((r) => r.method === 'OPTIONS')).toHaveLength(3);
    const res = await admin('/admin/webhooks/dead-letters');
    expect(res.status).toBe(200);
    const { value } = (await res.json()) as { value: Record<string, unknown>[] };
    expect(value).toHaveLength(1);
    expect(value[0]).toMatchObject({
      subscriptionId: id,
      attempts: 3,
      event: { type: 'Microsoft.Communication.ChatThreadCreated', data: { threadId: 'thread-refused' } },
    });
    expect(String(value[0]!.lastError)).toMatch(/handshake/);
    expect(relay.store.webhooks.outboxDepth()).toBe(0);
  });

  it('sends complete while the receiver holds every request open; a timed-out delivery is retried with its id', async () => {
    await start((n) => (n < 3 ? 'hang' : 200), { timeoutMs: 300, concurrency: 3 });
    await subscribe({ url: receiver!.url, secret: SECRET, eventTypes: ['ChatMessageReceivedInThread'] });
    const t = 'thread-hanging';
    await apply(alice, { type: 'createThread', threadId: t, topic: 'x', participants: [{ id: 'bob' }] });
    await send(t, 'first');
    await waitFor(() => receiver!.requests.some((r) => r.status === undefined), 'a held request');
    for (let i = 0; i < 20; i++) await send(t, `m${i}`);
    const ids = () => new Set(receiver!.accepted().map((e) => e.data.messageId));
    await waitFor(() => ids().size === 21, '21 delivered messages');
    const hung = receiver!.requests.filter((r) => r.method === 'POST' && r.status === undefined);
    expect(hung.length).toBeGreaterThan(0);
    const deliveredIds = new Set(receiver!.accepted().map((e) => e.id));
    for (const h of hung) expect(deliveredIds.has(JSON.parse(h.body).id)).toBe(true);
  });

  it('subscriptions filter by event type and thread', async () => {
    await start();
    await subscribe({
      url: receiver!.url,
      secret: SECRET,
      threadId: 'thread-wanted',
      eventTypes: ['Microsoft.Communication.ChatMessageReceivedInThread'],
    });
    for (const t of ['thread-wanted', 'thread-other']) {
      await apply(alice, { type: 'createThread', threadId: t, topic: t, participants: [{ id: 'bob' }] });
      await send(t, `${t}-m`);
    }
    await send('thread-wanted', 'second');
    await waitFor(() => receiver!.accepted().length >= 2, 'two events');
    await new Promise((r) => setTimeout(r, 200));
    // Deliveries run concurrently: like Event Grid, no order is promised, only the set.
    const events = receiver!.accepted();
    const seen = events.map((e) => [e.type, e.data.threadId, e.data.messageId] as string[]);
    expect(seen.sort((a, b) => a[2]!.localeCompare(b[2]!))).toEqual([
      ['Microsoft.Communication.ChatMessageReceivedInThread', 'thread-wanted', mid('second')],
      ['Microsoft.Communication.ChatMessageReceivedInThread', 'thread-wanted', mid('thread-wanted-m')],
    ]);
  });
});

describe('webhook and usage admin routes', () => {
  it('validate input, hide secrets, replace by id and delete', async () => {
    await start();
    const anonymous = await fetch(`${relay!.url}/admin/webhooks`);
    expect(anonymous.status).toBe(401);
    const bad = await admin('/admin/webhooks', { method: 'POST', body: JSON.stringify({ url: 'ftp://x' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_REQUEST', target: 'url' } });
    const unknownType = await admin('/admin/webhooks', {
      method: 'POST',
      body: JSON.stringify({ url: receiver!.url, eventTypes: ['ChatMessageExploded'] }),
    });
    expect(unknownType.status).toBe(400);
    expect(await unknownType.json()).toMatchObject({ error: { target: 'eventTypes' } });
    const shortSecret = await admin('/admin/webhooks', {
      method: 'POST',
      body: JSON.stringify({ url: receiver!.url, secret: 'short' }),
    });
    expect(shortSecret.status).toBe(400);
    expect(relay!.store.webhooks.listSubscriptions()).toEqual([]);

    const generated = await subscribe({ url: receiver!.url });
    expect(generated.secret!.length).toBeGreaterThanOrEqual(32);
    const given = await subscribe({
      id: 'billing',
      url: receiver!.url,
      secret: SECRET,
      eventTypes: ['ChatMessageReceived'],
    });
    expect(given.secret).toBeUndefined();
    await subscribe({ id: 'billing', url: `${receiver!.url}/v2`, secret: SECRET });
    const list = (await (await admin('/admin/webhooks')).json()) as { value: Record<string, unknown>[] };
    expect(list.value.map((s) => s.id)).toEqual([generated.id, 'billing']);
    expect(list.value[1]).toMatchObject({ url: `${receiver!.url}/v2`, threadId: null });
    expect((list.value[1]!.eventTypes as string[]).length).toBe(16);
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(JSON.stringify(list)).not.toContain(generated.secret);

    expect((await admin('/admin/webhooks/billing', { method: 'DELETE' })).status).toBe(204);
    expect(relay!.store.webhooks.listSubscriptions().map((s) => s.id)).toEqual([generated.id]);
  });

  it('usage reports messages per day per thread and per user', async () => {
    await start();
    await apply(alice, {
      type: 'createThread',
      threadId: 'thread-usage-1',
      topic: 'x',
      participants: [{ id: 'bob' }],
    });
    await apply(alice, { type: 'createThread', threadId: 'thread-usage-2', topic: 'y', participants: [] });
    await send('thread-usage-1', 'u1');
    await send('thread-usage-1', 'u2');
    await send('thread-usage-2', 'u3');
    await apply(actor('bob'), {
      type: 'sendMessage',
      threadId: 'thread-usage-1',
      messageId: mid('u4'),
      content: 'hi',
      messageType: 'text',
    });
    const day = new Date().toISOString().slice(0, 10);
    const res = await admin(
      `/admin/usage?from=2000-01-01&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(res.status).toBe(200);
    const report = (await res.json()) as Record<string, unknown>;
    expect(report.total).toBe(4);
    expect(report.byThread).toEqual([
      { day, threadId: 'thread-usage-1', messages: 3 },
      { day, threadId: 'thread-usage-2', messages: 1 },
    ]);
    expect(report.byUser).toEqual([
      { day, userId: 'alice', messages: 3 },
      { day, userId: 'bob', messages: 1 },
    ]);
    const empty = (await (await admin('/admin/usage?from=2000-01-01&to=2000-01-02')).json()) as {
      total: number;
    };
    expect(empty.total).toBe(0);
    expect((await admin('/admin/usage?from=yesterday')).status).toBe(400);
  });
});
