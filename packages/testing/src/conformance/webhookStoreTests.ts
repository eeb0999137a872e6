import type { OutboxEntry, RelayStore, WebhookSubscriptionRow } from '@parley/model';
import { describe, expect, it } from 'vitest';
import type { StoreHarness } from './harness.ts';

const subscription = (
  id: string,
  overrides: Partial<WebhookSubscriptionRow> = {},
): WebhookSubscriptionRow => ({
  id,
  url: `http://127.0.0.1:9/${id}`,
  eventTypes: ['ChatMessageReceived', 'ChatThreadCreated'],
  threadId: null,
  secret: `secret-${id}`,
  createdOn: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const entry = (subscriptionId: string, eventId: string, createdAt = 1000): OutboxEntry => ({
  subscriptionId,
  eventId,
  body: JSON.stringify({ id: eventId, data: { text: 'héllo 👋🏽' } }),
  createdAt,
});

/** `RelayStore.webhooks`: subscriptions, the leased outbox, settling and dead letters. */
export function webhookStoreTests(h: StoreHarness<RelayStore>): void {
  describe('webhooks', () => {
    it('subscriptions: put, replace by id, list oldest first, delete', () => {
      const w = h.store.webhooks;
      expect(w.listSubscriptions()).toEqual([]);
      w.putSubscription(subscription('a'));
      w.putSubscription(subscription('b', { threadId: 't1' }));
      w.putSubscription(subscription('a', { url: 'https://example.test/hook', eventTypes: [] }));
      expect(w.listSubscriptions()).toEqual([
        subscription('a', { url: 'https://example.test/hook', eventTypes: [] }),
        subscription('b', { threadId: 't1' }),
      ]);
      expect(w.deleteSubscription('a')).toBe(true);
      expect(w.deleteSubscription('a')).toBe(false);
      expect(w.listSubscriptions().map((s) => s.id)).toEqual(['b']);
    });

    it('a returned subscription is a copy', () => {
      h.store.webhooks.putSubscription(subscription('a'));
      const got = h.store.webhooks.listSubscriptions()[0]!;
      (got.eventTypes as string[]).push('Other');
      expect(h.store.webhooks.listSubscriptions()[0]!.eventTypes).toEqual(subscription('a').eventTypes);
    });

    it('enqueued rows are due at once, claimed oldest first and leased until the lease ends', () => {
      const w = h.store.webhooks;
      w.enqueue([entry('a', 'e1', 1000), entry('a', 'e2', 1001)]);
      w.enqueue([entry('b', 'e3', 999)]);
      expect(w.outboxDepth()).toBe(3);
      expect(w.claim(998, 10, 500)).toEqual([]);
      const first = w.claim(1000, 1, 500);
      expect(first.map((r) => r.eventId)).toEqual(['e3']);
      expect(first[0]).toMatchObject({
        attempts: 0,
        dueAt: 999,
        lastError: null,
        body: entry('b', 'e3').body,
      });
      // e3 is leased until 1500: the next claims skip it.
      expect(w.claim(1001, 10, 500).map((r) => r.eventId)).toEqual(['e1', 'e2']);
      expect(w.claim(1400, 10, 500)).toEqual([]);
      // After the lease, an unsettled row is due again (a crash mid-delivery loses nothing).
      expect(w.claim(1500, 10, 500).map((r) => r.eventId)).toEqual(['e3']);
      expect(w.outboxDepth()).toBe(3);
      expect(w.claim(1000, 0, 500)).toEqual([]);
    });

    it('settle: delivered removes, retry counts the attempt and sets the due time, dead moves', () => {
      const w = h.store.webhooks;
      w.enqueue([entry('a', 'e1'), entry('a', 'e2'), entry('a', 'e3')]);
      const [r1, r2, r3] = w.claim(1000, 10, 100);
      w.settle(r1!.id, { kind: 'delivered' });
      w.settle(r2!.id, { kind: 'retry', dueAt: 5000, error: 'HTTP 503' });
      w.settle(r3!.id, { kind: 'retry', dueAt: 2000, error: 'timeout' });
      expect(w.outboxDepth()).toBe(2);
      expect(w.claim(4999, 10, 100).map((r) => [r.eventId, r.attempts, r.lastError])).toEqual([
        ['e3', 1, 'timeout'],
      ]);
      const again = w.claim(5000, 10, 100);
      expect(again.map((r) => [r.eventId, r.attempts, r.lastError])).toEqual([['e2', 1, 'HTTP 503']]);
      w.settle(again[0]!.id, { kind: 'dead', at: 6000, error: 'HTTP 410' });
      expect(w.outboxDepth()).toBe(1);
      const dead = w.deadLetters();
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        subscriptionId: 'a',
        eventId: 'e2',
        body: entry('a', 'e2').body,
        attempts: 2,
        lastError: 'HTTP 410',
        deadAt: 6000,
        createdAt: 1000,
      });
    });

    it('dead letters list newest first, by subscription and with a limit', () => {
      const w = h.store.webhooks;
      w.enqueue([entry('a', 'e1'), entry('b', 'e2'), entry('a', 'e3')]);
      const rows = w.claim(1000, 10, 100);
      for (const [i, r] of rows.entries()) w.settle(r.id, { kind: 'dead', at: 2000 + i, error: 'gone' });
      expect(w.deadLetters().map((r) => r.eventId)).toEqual(['e3', 'e2', 'e1']);
      expect(w.deadLetters({ subscriptionId: 'a' }).map((r) => r.eventId)).toEqual(['e3', 'e1']);
      expect(w.deadLetters({ limit: 1 }).map((r) => r.eventId)).toEqual(['e3']);
      expect(w.outboxDepth()).toBe(0);
    });

    it('deleting a subscription drops its pending rows', () => {
      const w = h.store.webhooks;
      w.putSubscription(subscription('a'));
      w.putSubscription(subscription('b'));
      w.enqueue([entry('a', 'e1'), entry('b', 'e2')]);
      w.deleteSubscription('a');
      expect(w.claim(1000, 10, 100).map((r) => r.eventId)).toEqual(['e2']);
    });

    it('an enqueue inside a rolled-back transaction leaves nothing behind', () => {
      const w = h.store.webhooks;
      expect(() =>
        h.store.transaction(() => {
          w.enqueue([entry('a', 'e1')]);
          throw new Error('abort');
        }),
      ).toThrow('abort');
      expect(w.outboxDepth()).toBe(0);
      h.store.transaction(() => w.enqueue([entry('a', 'e2')]));
      expect(w.claim(1000, 10, 100).map((r) => r.eventId)).toEqual(['e2']);
    });

    it('subscriptions and the outbox survive a reopen, leases included', (ctx) => {
      if (!h.canReopen) ctx.skip();
      h.store.webhooks.putSubscription(subscription('a'));
      h.store.webhooks.enqueue([entry('a', 'e1'), entry('a', 'e2')]);
      h.store.webhooks.claim(1000, 1, 500);
      const store = h.reopen();
      expect(store.webhooks.listSubscriptions()).toEqual([subscription('a')]);
      expect(store.webhooks.outboxDepth()).toBe(2);
      expect(store.webhooks.claim(1000, 10, 500).map((r) => r.eventId)).toEqual(['e2']);
      expect(store.webhooks.claim(1500, 10, 500).map((r) => r.eventId)).toEqual(['e1', 'e2']);
    });
  });
}
