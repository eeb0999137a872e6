/**
 * Schema migrations, applied in order and recorded in `PRAGMA user_version`: a database at version
 * N has had the first N migrations of its list applied. Append new steps; never edit a released one.
 */
export interface Migration {
  /** What the step does, for error messages. */
  readonly name: string;
  readonly sql: string;
}

/** The relay database (`createSqliteStore`). */
export const relayMigrations: readonly Migration[] = [
  {
    name: 'initial relay schema',
    sql: `
      CREATE TABLE docs (
        name TEXT PRIMARY KEY,
        snapshot BLOB NOT NULL,
        compacted_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE doc_updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc TEXT NOT NULL,
        "update" BLOB NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX doc_updates_by_doc ON doc_updates (doc, id);

      CREATE TABLE threads (
        id TEXT PRIMARY KEY,
        topic TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_on TEXT NOT NULL,
        deleted_on TEXT,
        last_message_on TEXT,
        last_seq INTEGER NOT NULL,
        current_page INTEGER NOT NULL,
        idempotency_key TEXT
      );
      CREATE INDEX threads_by_idempotency_key ON threads (created_by, idempotency_key)
        WHERE idempotency_key IS NOT NULL;

      CREATE TABLE members (
        thread_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_on TEXT NOT NULL,
        from_seq INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        removed_on TEXT,
        UNIQUE (thread_id, user_id)
      );
      CREATE INDEX members_by_user ON members (user_id);

      CREATE TABLE messages (
        thread_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        page INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        sender TEXT,
        type TEXT NOT NULL,
        priority TEXT NOT NULL,
        created_on TEXT NOT NULL,
        deleted_on TEXT,
        PRIMARY KEY (thread_id, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX messages_by_seq ON messages (thread_id, seq);
      CREATE INDEX messages_by_created_on ON messages (created_on);

      CREATE TABLE ops (
        user_id TEXT NOT NULL,
        op_id TEXT NOT NULL,
        device TEXT NOT NULL,
        n INTEGER NOT NULL,
        result TEXT NOT NULL,
        PRIMARY KEY (user_id, op_id)
      ) WITHOUT ROWID;
      CREATE INDEX ops_by_device ON ops (user_id, device, n);

      CREATE TABLE receipts (
        thread_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        read_on TEXT NOT NULL,
        PRIMARY KEY (thread_id, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    name: 'webhook subscriptions, outbox and dead letters',
    sql: `
      CREATE TABLE webhook_subscriptions (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        event_types TEXT NOT NULL,
        thread_id TEXT,
        secret TEXT NOT NULL,
        created_on TEXT NOT NULL
      );

      CREATE TABLE webhook_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscription_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at INTEGER NOT NULL,
        last_error TEXT
      );
      CREATE INDEX webhook_outbox_by_due ON webhook_outbox (due_at, id);
      CREATE INDEX webhook_outbox_by_subscription ON webhook_outbox (subscription_id);

      CREATE TABLE webhook_dead_letters (
        id INTEGER PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        last_error TEXT,
        dead_at INTEGER NOT NULL
      );
      CREATE INDEX webhook_dead_letters_by_time ON webhook_dead_letters (dead_at);
    `,
  },
  {
    name: 'log entries holding several updates',
    // `parts` > 1: the blob is that many updates, each prefixed by its length (varUint).
    sql: `ALTER TABLE doc_updates ADD COLUMN parts INTEGER NOT NULL DEFAULT 1;`,
  },
];

/** A Node client's local database (`createSqliteLocalStore`). */
export const localMigrations: readonly Migration[] = [
  {
    name: 'initial local schema',
    sql: `
      CREATE TABLE updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc TEXT NOT NULL,
        "update" BLOB NOT NULL
      );
      CREATE INDEX updates_by_doc ON updates (doc, id);
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
