import type { DocStats, DocStore, StoredUpdate } from '@parley/model';
import type Database from 'better-sqlite3';
import { toBytes } from './bytes.ts';

interface UpdateRecord {
  id: number;
  update: Uint8Array;
  at: number;
}

/**
 * The `docs` (snapshot per doc) and `doc_updates` (append-only log) tables as a `DocStore`.
 *
 * @example
 * const docs = createSqliteDocStore(db);
 * const id = docs.append('thread:abc', update);
 */
export function createSqliteDocStore(db: Database.Database, now: () => number = Date.now): DocStore {
  const insertUpdate = db.prepare<[string, Uint8Array, number]>(
    'INSERT INTO doc_updates (doc, "update", at) VALUES (?, ?, ?)',
  );
  const selectSnapshot = db.prepare<[string], { snapshot: Uint8Array }>(
    'SELECT snapshot FROM docs WHERE name = ?',
  );
  const selectUpdates = db.prepare<[string], UpdateRecord>(
    'SELECT id, "update", at FROM doc_updates WHERE doc = ? ORDER BY id',
  );
  const upsertSnapshot = db.prepare<[string, Uint8Array, number]>(
    `INSERT INTO docs (name, snapshot, compacted_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot, compacted_at = excluded.compacted_at`,
  );
  const deleteUpdatesThrough = db.prepare<[string, number]>(
    'DELETE FROM doc_updates WHERE doc = ? AND id <= ?',
  );
  // `name:` … `name;` is exactly the range of names starting with `name:` (';' follows ':').
  const deleteSnapshots = db.prepare<{ name: string; lo: string; hi: string }>(
    'DELETE FROM docs WHERE name = $name OR (name >= $lo AND name < $hi)',
  );
  const deleteUpdates = db.prepare<{ name: string; lo: string; hi: string }>(
    'DELETE FROM doc_updates WHERE doc = $name OR (doc >= $lo AND doc < $hi)',
  );
  const selectStats = db.prepare<
    { doc: string },
    { updates: number; updateBytes: number; snapshotBytes: number }
  >(
    `SELECT
       (SELECT count(*) FROM doc_updates WHERE doc = $doc) AS updates,
       (SELECT coalesce(sum(length("update")), 0) FROM doc_updates WHERE doc = $doc) AS updateBytes,
       (SELECT coalesce(length(snapshot), 0) FROM docs WHERE name = $doc) AS snapshotBytes`,
  );
  const selectNames = db.prepare<[], { name: string }>(
    'SELECT name FROM docs UNION SELECT DISTINCT doc AS name FROM doc_updates',
  );

  const compact = db.transaction((docName: string, snapshot: Uint8Array, throughId: number) => {
    upsertSnapshot.run(docName, snapshot, now());
    deleteUpdatesThrough.run(docName, throughId);
  });
  const remove = db.transaction((docName: string) => {
    const range = { name: docName, lo: `${docName}:`, hi: `${docName};` };
    deleteSnapshots.run(range);
    deleteUpdates.run(range);
  });

  return {
    append(docName, update) {
      return Number(insertUpdate.run(docName, update, now()).lastInsertRowid);
    },
    load(docName) {
      const row = selectSnapshot.get(docName);
      const updates: StoredUpdate[] = selectUpdates
        .all(docName)
        .map((u) => ({ id: u.id, update: toBytes(u.update), at: u.at }));
      return { snapshot: row ? toBytes(row.snapshot) : null, updates };
    },
    compact(docName, snapshot, throughId) {
      compact(docName, snapshot, throughId);
    },
    delete(docName) {
      remove(docName);
    },
    stats(docName): DocStats {
      const row = selectStats.get({ doc: docName });
      return {
        updates: row?.updates ?? 0,
        updateBytes: row?.updateBytes ?? 0,
        snapshotBytes: row?.snapshotBytes ?? 0,
      };
    },
    list(prefix) {
      const names = selectNames.all().map((r) => r.name);
      const matching = prefix === undefined ? names : names.filter((n) => n.startsWith(prefix));
      return matching.sort();
    },
  };
}
