import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Migration } from './migrations.ts';

/** How `openDatabase` opens and prepares a Parley SQLite file. */
export interface OpenDatabaseOptions {
  readonly path: string;
  /** `PRAGMA application_id` that marks the file as ours. */
  readonly applicationId: number;
  readonly migrations: readonly Migration[];
  /** Open read-only: the file must exist and already be ours; no migrations run. */
  readonly readonly?: boolean;
  /** `PRAGMA synchronous`; 'normal' is durable across process crashes in WAL mode. */
  readonly synchronous?: 'normal' | 'full';
  /** `PRAGMA busy_timeout` in milliseconds. */
  readonly busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

function isEmptyFile(path: string): boolean {
  return !existsSync(path) || statSync(path).size === 0;
}

/** The file's application id; a file that is not SQLite at all is "not a Parley database" too. */
function readApplicationId(db: Database.Database, path: string): number {
  try {
    return db.pragma('application_id', { simple: true }) as number;
  } catch (error) {
    throw new Error(`not a Parley database: ${path}`, { cause: error });
  }
}

/**
 * Opens a Parley SQLite file: checks its application id, sets WAL, foreign keys and busy timeout,
 * and brings its schema up to date. Returns the database and its schema version.
 */
export function openDatabase(options: OpenDatabaseOptions): { db: Database.Database; schemaVersion: number } {
  const { path, applicationId, migrations } = options;
  const busyTimeout = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;

  if (options.readonly) {
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeout });
    try {
      if (readApplicationId(db, path) !== applicationId) throw new Error(`not a Parley database: ${path}`);
      const schemaVersion = db.pragma('user_version', { simple: true }) as number;
      if (schemaVersion > migrations.length) {
        throw new Error(
          `${path} has schema version ${schemaVersion}; this build knows up to ${migrations.length}`,
        );
      }
      return { db, schemaVersion };
    } catch (error) {
      db.close();
      throw error;
    }
  }

  const fresh = isEmptyFile(path);
  const db = new Database(path, { timeout: busyTimeout });
  try {
    db.pragma(`busy_timeout = ${busyTimeout}`);
    const found = readApplicationId(db, path);
    if (found !== applicationId) {
      const hasTables = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n > 0;
      if (!fresh && (found !== 0 || hasTables)) throw new Error(`not a Parley database: ${path}`);
      // Set before switching to WAL so the id lands in the file header at once, where
      // isParleyDatabase reads it.
      db.pragma(`application_id = ${applicationId}`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    const schemaVersion = migrate(db, path, migrations);
    return { db, schemaVersion };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies the missing migrations in one write transaction (so two openers cannot both migrate). */
function migrate(db: Database.Database, path: string, migrations: readonly Migration[]): number {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(`${path} has schema version ${current}; this build knows up to ${migrations.length}`);
    }
    for (let version = current; version < migrations.length; version++) {
      const step = migrations[version]!;
      try {
        db.exec(step.sql);
      } catch (error) {
        throw new Error(`migration ${version + 1} (${step.name}) failed on ${path}`, { cause: error });
      }
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  run.immediate();
  return migrations.length;
}
