import type { DocStats, DocStore, StoredUpdate } from '@parley/model';
import type Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { toBytes } from './bytes.ts';

interface UpdateRecord {
  id: number;
  update: Uint8Array;
  at: number;
  parts: number;
}

/** Several updates as one blob: each prefixed by its length (varUint, as Yjs writes them). */
export const encodeParts = (updates: readonly Uint8Array[]): Uint8Array => {
  const encoder = encoding.createEncoder();
  for (const u of updates) encoding.writeVarUint8Array(encoder, u);
  return encoding.toUint8Array(encoder);
};

/** The `parts` updates of a blob written by `encodeParts` (copies). Throws on a damaged blob. */
export const decodeParts = (blob: Uint8Array, parts: number): Uint8Array[] => {
  const decoder = decoding.createDecoder(blob);
  const out: Uint8Array[] = [];
  for (let k = 0; k < parts; k++) {
    let length: number;
    try {
      length = decoding.readVarUint(decoder);
    } catch {
      throw new Error('A stored log entry is damaged (a part length is cut off).');
    }
    // Checked here: lib0's readVarUint8Array does not (a view into a pooled Buffer reads on).
    if (decoder.pos + length > blob.length)
      throw new Error('A stored log entry is damaged (a part is truncated).');
    out.push(blob.slice(decoder.pos, decoder.pos + length));
    decoder.pos += length;
  }
  if (decoding.hasContent(decoder)) throw new Error('A stored log entry is damaged (trailing bytes).');
  return out;
};

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
  const insertParts = db.prepare<[string, Uint8Array, number, number]>(
    'INSERT INTO doc_updates (doc, "update", at, parts) VALUES (?, ?, ?, ?)',
  );
  const selectSnapshot = db.prepare<[string], { snapshot: Uint8Array }>(
    'SELECT snapshot FROM docs WHERE name = ?',
  );
  const selectUpdates = db.prepare<[string], UpdateRecord>(
    'SELECT id, "update", at, parts FROM doc_updates WHERE doc = ? ORDER BY id',
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

  const appendOne = (docName: string, update: Uint8Array): number =>
    Number(insertUpdate.run(docName, update, now()).lastInsertRowid);
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
    append: appendOne,
    appendAll(docName, updates) {
      if (updates.length === 0) throw new RangeError('appendAll needs at least one update.');
      if (updates.length === 1) return appendOne(docName, updates[0]!);
      return Number(insertParts.run(docName, encodeParts(updates), now(), updates.length).lastInsertRowid);
    },
    load(docName) {
      const row = selectSnapshot.get(docName);
      const updates: StoredUpdate[] = [];
      for (const u of selectUpdates.all(docName)) {
        if (u.parts === 1) updates.push({ id: u.id, update: toBytes(u.update), at: u.at });
        else
          for (const part of decodeParts(u.update, u.parts))
            updates.push({ id: u.id, update: part, at: u.at });
      }
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
