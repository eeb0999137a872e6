import type { LocalDocStore } from '@parley/model';
import type Database from 'better-sqlite3';
import { LOCAL_APPLICATION_ID } from './applicationId.ts';
import { toBytes } from './bytes.ts';
import { localMigrations } from './migrations.ts';
import { openDatabase } from './openDatabase.ts';

/** A Node client's `LocalDocStore` on one SQLite file, with its connection for tools. */
export interface SqliteLocalDocStore extends LocalDocStore {
  readonly path: string;
  readonly db: Database.Database;
}

/**
 * Opens (or creates) a Node client's local database: an update log per doc plus a small
 * key-value table for the device id and each doc's generation.
 *
 * @example
 * const local = createSqliteLocalStore('alice.db');
 * local.append('user:alice', Y.encodeStateAsUpdate(doc));
 * for (const update of local.load('user:alice')) Y.applyUpdate(doc, update);
 */
export function createSqliteLocalStore(path: string): SqliteLocalDocStore {
  const { db } = openDatabase({ path, applicationId: LOCAL_APPLICATION_ID, migrations: localMigrations });
  const insert = db.prepare<[string, Uint8Array]>('INSERT INTO updates (doc, "update") VALUES (?, ?)');
  const selectDoc = db.prepare<[string], { update: Uint8Array }>(
    'SELECT "update" FROM updates WHERE doc = ? ORDER BY id',
  );
  const deleteDoc = db.prepare<[string]>('DELETE FROM updates WHERE doc = ?');
  const selectNames = db.prepare<[], { doc: string }>('SELECT DISTINCT doc FROM updates');
  const selectMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const upsertMeta = db.prepare<[string, string]>(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const replace = db.transaction((docName: string, state: Uint8Array) => {
    deleteDoc.run(docName);
    insert.run(docName, state);
  });

  return {
    path,
    db,
    load(docName) {
      return selectDoc.all(docName).map((r) => toBytes(r.update));
    },
    append(docName, update) {
      insert.run(docName, update);
    },
    replace(docName, state) {
      replace(docName, state);
    },
    delete(docName) {
      deleteDoc.run(docName);
    },
    list() {
      return selectNames
        .all()
        .map((r) => r.doc)
        .sort();
    },
    getMeta(key) {
      return selectMeta.get(key)?.value;
    },
    setMeta(key, value) {
      upsertMeta.run(key, value);
    },
    close() {
      if (db.open) db.close();
    },
  };
}
