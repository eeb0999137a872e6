import type { DeadLetterRow, OutboxRow, WebhookStore, WebhookSubscriptionRow } from '@parley/model';
import type Database from 'better-sqlite3';

interface SubscriptionRecord {
  id: string;
  url: string;
  event_types: string;
  thread_id: string | null;
  secret: string;
  created_on: string;
}

interface OutboxRecord {
  id: number;
  subscription_id: string;
  event_id: string;
  body: string;
  created_at: number;
  attempts: number;
  due_at: number;
  last_error: string | null;
}

interface DeadRecord extends OutboxRecord {
  dead_at: number;
}

const subscriptionOf = (r: SubscriptionRecord): WebhookSubscriptionRow => ({
  id: r.id,
  url: r.url,
  eventTypes: JSON.parse(r.event_types) as string[],
  threadId: r.thread_id,
  secret: r.secret,
  createdOn: r.created_on,
});

const outboxOf = (r: OutboxRecord): OutboxRow => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  body: r.body,
  createdAt: r.created_at,
  attempts: r.attempts,
  dueAt: r.due_at,
  lastError: r.last_error,
});

/**
 * The `webhook_subscriptions`, `webhook_outbox` and `webhook_dead_letters` tables as a
 * `WebhookStore`. `claim` leases rows by moving their due time, in one statement per row set.
 *
 * @example
 * const webhooks = createSqliteWebhookStore(db);
 * webhooks.enqueue([{ subscriptionId: 'sub1', eventId, body, createdAt: Date.now() }]);
 * const due = webhooks.claim(Date.now(), 10, 30_000);
 */
export function createSqliteWebhookStore(db: Database.Database): WebhookStore {
  const upsertSubscription = db.prepare<SubscriptionRecord>(
    `INSERT INTO webhook_subscriptions (id, url, event_types, thread_id, secret, created_on)
     VALUES ($id, $url, $event_types, $thread_id, $secret, $created_on)
     ON CONFLICT (id) DO UPDATE SET url = excluded.url, event_types = excluded.event_types,
       thread_id = excluded.thread_id, secret = excluded.secret, created_on = excluded.created_on`,
  );
  const deleteSubscription = db.prepare<[string]>('DELETE FROM webhook_subscriptions WHERE id = ?');
  const deleteOutboxOf = db.prepare<[string]>('DELETE FROM webhook_outbox WHERE subscription_id = ?');
  const selectSubscriptions = db.prepare<[], SubscriptionRecord>(
    'SELECT * FROM webhook_subscriptions ORDER BY rowid',
  );
  const insertOutbox = db.prepare<Omit<OutboxRecord, 'id' | 'attempts' | 'last_error'>>(
    `INSERT INTO webhook_outbox (subscription_id, event_id, body, created_at, due_at)
     VALUES ($subscription_id, $event_id, $body, $created_at, $due_at)`,
  );
  const selectDue = db.prepare<[number, number], OutboxRecord>(
    'SELECT * FROM webhook_outbox WHERE due_at <= ? ORDER BY due_at, id LIMIT ?',
  );
  const lease = db.prepare<[number, number]>('UPDATE webhook_outbox SET due_at = ? WHERE id = ?');
  const deleteOutbox = db.prepare<[number]>('DELETE FROM webhook_outbox WHERE id = ?');
  const retry = db.prepare<[number, string, number]>(
    'UPDATE webhook_outbox SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE id = ?',
  );
  const moveToDead = db.prepare<{ id: number; error: string; at: number }>(
    `INSERT OR REPLACE INTO webhook_dead_letters
       (id, subscription_id, event_id, body, created_at, attempts, due_at, last_error, dead_at)
     SELECT id, subscription_id, event_id, body, created_at, attempts + 1, due_at, $error, $at
     FROM webhook_outbox WHERE id = $id`,
  );
  const selectDead = db.prepare<[string | null, string | null, number], DeadRecord>(
    `SELECT * FROM webhook_dead_letters WHERE (? IS NULL OR subscription_id = ?)
     ORDER BY dead_at DESC, id DESC LIMIT ?`,
  );
  const countOutbox = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM webhook_outbox');

  // Built once: creating a transaction function per call costs more than the inserts.
  const enqueue = db.transaction((entries: Parameters<WebhookStore['enqueue']>[0]) => {
    for (const e of entries)
      insertOutbox.run({
        subscription_id: e.subscriptionId,
        event_id: e.eventId,
        body: e.body,
        created_at: e.createdAt,
        due_at: e.createdAt,
      });
  });
  const claim = db.transaction((now: number, limit: number, leaseMs: number): OutboxRow[] => {
    const rows = selectDue.all(now, limit);
    for (const r of rows) lease.run(now + leaseMs, r.id);
    return rows.map(outboxOf);
  });

  return {
    putSubscription(row) {
      upsertSubscription.run({
        id: row.id,
        url: row.url,
        event_types: JSON.stringify(row.eventTypes),
        thread_id: row.threadId,
        secret: row.secret,
        created_on: row.createdOn,
      });
    },
    deleteSubscription(id) {
      return db.transaction(() => {
        deleteOutboxOf.run(id);
        return deleteSubscription.run(id).changes > 0;
      })();
    },
    listSubscriptions() {
      return selectSubscriptions.all().map(subscriptionOf);
    },
    enqueue(entries) {
      enqueue(entries);
    },
    claim(now, limit, leaseMs) {
      if (limit <= 0) return [];
      return claim(now, limit, leaseMs);
    },
    settle(id, outcome) {
      if (outcome.kind === 'delivered') deleteOutbox.run(id);
      else if (outcome.kind === 'retry') retry.run(outcome.dueAt, outcome.error, id);
      else
        db.transaction(() => {
          moveToDead.run({ id, error: outcome.error, at: outcome.at });
          deleteOutbox.run(id);
        })();
    },
    deadLetters(options = {}) {
      const sub = options.subscriptionId ?? null;
      return selectDead
        .all(sub, sub, options.limit ?? 100)
        .map((r): DeadLetterRow => ({ ...outboxOf(r), deadAt: r.dead_at }));
    },
    outboxDepth() {
      return countOutbox.get()?.n ?? 0;
    },
  };
}
