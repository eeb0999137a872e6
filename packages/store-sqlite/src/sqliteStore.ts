import type { RelayStore } from '@parley/model';
import type Database from 'better-sqlite3';
import { RELAY_APPLICATION_ID } from './applicationId.ts';
import { relayMigrations } from './migrations.ts';
import { openDatabase } from './openDatabase.ts';
import { createSqliteDocStore } from './sqliteDocStore.ts';
import { createSqliteMemberStore } from './sqliteMemberStore.ts';
import { createSqliteMessageIndex } from './sqliteMessageIndex.ts';
import { createSqliteOpStore } from './sqliteOpStore.ts';
import { createSqliteReceiptStore } from './sqliteReceiptStore.ts';
import { createSqliteSettingsStore } from './sqliteSettingsStore.ts';
import { createSqliteThreadStore } from './sqliteThreadStore.ts';
import { createSqliteWebhookStore } from './sqliteWebhookStore.ts';
import { WriteBehind } from './writeBehind.ts';
import { BackgroundCheckpointer, type CheckpointStats } from './checkpointer.ts';

/** Options of `createSqliteStore`. */
export interface SqliteStoreOptions {
  /** The database file; created (with its schema) when missing, unless `readonly`. */
  readonly path: string;
  /**
   * Open for reading only (tools, the debug CLI): the file must exist and be a relay database.
   * Works while a relay writes to it (WAL). Writes throw.
   */
  readonly readonly?: boolean;
  /**
   * `PRAGMA synchronous`. 'normal' (default) survives a crash of the process; 'full' also
   * survives a power loss at the cost of an fsync per commit.
   */
  readonly synchronous?: 'normal' | 'full';
  /** How long a write waits for another connection's lock, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * Who folds the WAL into the database file. 'inline' (default): SQLite, inside the commit that
   * crosses 1,000 WAL pages, which then waits for the copy and its fsync. 'background': a thread
   * of its own every `checkpointIntervalMs` (see `BackgroundCheckpointer`), so commits never wait;
   * the writer still checkpoints by itself past 10,000 pages, should the thread fall behind or
   * fail. The relay server uses 'background'. Ignored when `readonly`.
   */
  readonly checkpoint?: 'inline' | 'background';
  /** With `checkpoint: 'background'`: ms between checkpoints. Default 1000. */
  readonly checkpointIntervalMs?: number;
  /** With `checkpoint: 'background'`: called if the thread fails. */
  readonly onCheckpointError?: (error: unknown) => void;
}

/** A `RelayStore` on one SQLite file. */
export interface SqliteRelayStore extends RelayStore {
  readonly path: string;
  /** The underlying better-sqlite3 connection, for tools and diagnostics. */
  readonly db: Database.Database;
  /** `PRAGMA user_version`: how many migrations the file has. */
  readonly schemaVersion: number;
  /** What the background checkpointer did; undefined with `checkpoint: 'inline'`. */
  checkpointStats(): CheckpointStats | undefined;
}

/** WAL pages past which the writer checkpoints by itself even with a background checkpointer. */
const BACKSTOP_WAL_PAGES = 10_000;

/**
 * Opens (or creates) the relay's SQLite database.
 *
 * @example
 * const store = createSqliteStore({ path: 'relay.db' });
 * store.transaction(() => {
 *   const id = store.docs.append('thread:abc', update);
 *   store.settings.set('lastUpdate', String(id));
 * });
 * store.close();
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteRelayStore {
  const { db, schemaVersion } = openDatabase({
    path: options.path,
    applicationId: RELAY_APPLICATION_ID,
    migrations: relayMigrations,
    readonly: options.readonly,
    synchronous: options.synchronous,
    busyTimeoutMs: options.busyTimeoutMs,
  });
  let checkpointer: BackgroundCheckpointer | undefined;
  if (options.checkpoint === 'background' && !options.readonly && options.path !== ':memory:') {
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`);
    checkpointer = new BackgroundCheckpointer(options.path, {
      intervalMs: options.checkpointIntervalMs,
      onError: options.onCheckpointError,
    });
  }
  const docs = createSqliteDocStore(db);
  // Thread, message-index and op rows written in a transaction are held until it commits.
  const writeBehind = new WriteBehind();
  const threads = createSqliteThreadStore(db, writeBehind);
  const members = createSqliteMemberStore(db, () => writeBehind.flush());
  const messages = createSqliteMessageIndex(db, writeBehind);
  const ops = createSqliteOpStore(db, writeBehind);
  const receipts = createSqliteReceiptStore(db);
  const settings = createSqliteSettingsStore(db);
  const webhooks = createSqliteWebhookStore(db);

  // One transaction function for every call: better-sqlite3 turns a nested call into a savepoint
  // and a throw rolls back to it and rethrows. Creating the wrapper per call (db.transaction(fn))
  // cost about 9 µs each time, measured here; reusing it about 1.5.
  const inTransaction = db.transaction(<T>(fn: () => T): T => fn());
  const outermost = db.transaction(<T>(fn: () => T): T => {
    const value = fn();
    writeBehind.flush();
    writeBehind.clear();
    return value;
  });

  return {
    path: options.path,
    db,
    schemaVersion,
    docs,
    threads,
    members,
    messages,
    ops,
    receipts,
    settings,
    webhooks,
    transaction<T>(fn: () => T): T {
      if (!db.inTransaction) {
        writeBehind.active = true;
        try {
          return outermost(fn) as T;
        } catch (error) {
          writeBehind.clear();
          throw error;
        } finally {
          writeBehind.active = false;
        }
      }
      // A savepoint: its rollback also takes back the rows it held and the held rows it wrote.
      const marks = writeBehind.mark();
      try {
        return inTransaction(fn) as T;
      } catch (error) {
        writeBehind.undoTo(marks);
        throw error;
      }
    },
    checkpointStats: () => checkpointer?.stats(),
    close() {
      // The thread's connection closes first, so the writer's close folds the WAL into the file.
      checkpointer?.close();
      if (db.open) db.close();
    },
  };
}
