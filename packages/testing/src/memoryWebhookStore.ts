import type { DeadLetterRow, OutboxRow, WebhookStore, WebhookSubscriptionRow } from '@parley/model';
import { deleteWhereUndoable, setUndoable, type UndoLog } from './undoLog.ts';

const copySubscription = (row: WebhookSubscriptionRow): WebhookSubscriptionRow => ({
  ...row,
  eventTypes: [...row.eventTypes],
});

/**
 * Webhook subscriptions, outbox and dead letters in memory, behaving as the SQLite tables do
 * (both pass the webhook part of `runRelayStoreTests`). Writes join the store's transactions.
 *
 * @example
 * const webhooks = createMemoryWebhookStore(createUndoLog());
 * webhooks.enqueue([{ subscriptionId: 's1', eventId: 'e1', body: '{}', createdAt: 0 }]);
 * webhooks.claim(0, 10, 30_000); // [{ id: 1, attempts: 0, dueAt: 0, … }]
 */
export function createMemoryWebhookStore(log: UndoLog): WebhookStore {
  const subscriptions = new Map<string, WebhookSubscriptionRow>();
  const outbox = new Map<number, OutboxRow>();
  const dead = new Map<number, DeadLetterRow>();
  let nextId = 1;

  const run = <T>(fn: () => T): T => log.run(fn);

  return {
    putSubscription(row) {
      setUndoable(log, subscriptions, row.id, copySubscription(row));
    },
    deleteSubscription(id) {
      return run(() => {
        deleteWhereUndoable(log, outbox, (_key, row) => row.subscriptionId === id);
        const had = subscriptions.has(id);
        deleteWhereUndoable(log, subscriptions, (key) => key === id);
        return had;
      });
    },
    listSubscriptions() {
      return [...subscriptions.values()].map(copySubscription);
    },
    enqueue(entries) {
      run(() => {
        for (const e of entries) {
          const id = nextId++;
          setUndoable(log, outbox, id, {
            ...e,
            id,
            attempts: 0,
            dueAt: e.createdAt,
            lastError: null,
          });
        }
      });
    },
    claim(now, limit, leaseMs) {
      if (limit <= 0) return [];
      return run(() => {
        const due = [...outbox.values()]
          .filter((r) => r.dueAt <= now)
          .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)
          .slice(0, limit);
        for (const r of due) setUndoable(log, outbox, r.id, { ...r, dueAt: now + leaseMs });
        return due.map((r) => ({ ...r }));
      });
    },
    settle(id, outcome) {
      const row = outbox.get(id);
      if (!row) return;
      run(() => {
        if (outcome.kind === 'delivered') deleteWhereUndoable(log, outbox, (key) => key === id);
        else if (outcome.kind === 'retry')
          setUndoable(log, outbox, id, {
            ...row,
            attempts: row.attempts + 1,
            dueAt: outcome.dueAt,
            lastError: outcome.error,
          });
        else {
          setUndoable(log, dead, id, {
            ...row,
            attempts: row.attempts + 1,
            lastError: outcome.error,
            deadAt: outcome.at,
          });
          deleteWhereUndoable(log, outbox, (key) => key === id);
        }
      });
    },
    deadLetters(options = {}) {
      return [...dead.values()]
        .filter((r) => options.subscriptionId === undefined || r.subscriptionId === options.subscriptionId)
        .sort((a, b) => b.deadAt - a.deadAt || b.id - a.id)
        .slice(0, options.limit ?? 100)
        .map((r) => ({ ...r }));
    },
    outboxDepth() {
      return outbox.size;
    },
  };
}
