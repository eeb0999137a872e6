import type { DocStore, StoredUpdate } from '@parley/model';
import type { UndoLog } from './undoLog.ts';
import { deleteWhereUndoable, setUndoable } from './undoLog.ts';

interface DocEntry {
  snapshot: Uint8Array | null;
  updates: StoredUpdate[];
}

const copyUpdate = (u: StoredUpdate): StoredUpdate => ({ id: u.id, update: u.update.slice(), at: u.at });

/**
 * A `DocStore` in memory. Bytes are copied on the way in and out, as a database would.
 *
 * @example
 * const docs = createMemoryDocStore(createUndoLog());
 */
export function createMemoryDocStore(log: UndoLog, now: () => number = Date.now): DocStore {
  const docs = new Map<string, DocEntry>();
  let nextId = 1;

  const appendAll = (docName: string, updates: readonly Uint8Array[]): number => {
    if (updates.length === 0) throw new RangeError('appendAll needs at least one update.');
    const id = nextId++;
    const at = now();
    const stored = updates.map((u): StoredUpdate => ({ id, update: u.slice(), at }));
    const entry = docs.get(docName);
    if (entry) {
      const length = entry.updates.length;
      entry.updates.push(...stored);
      log.record(() => void (entry.updates.length = length));
    } else {
      setUndoable(log, docs, docName, { snapshot: null, updates: stored });
    }
    return id;
  };

  return {
    append: (docName, update) => appendAll(docName, [update]),
    appendAll,
    load(docName) {
      const entry = docs.get(docName);
      return {
        snapshot: entry?.snapshot ? entry.snapshot.slice() : null,
        updates: entry ? entry.updates.map(copyUpdate) : [],
      };
    },
    compact(docName, snapshot, throughId) {
      const entry = docs.get(docName);
      setUndoable(log, docs, docName, {
        snapshot: snapshot.slice(),
        updates: entry ? entry.updates.filter((u) => u.id > throughId) : [],
      });
    },
    delete(docName) {
      const pagePrefix = `${docName}:`;
      deleteWhereUndoable(log, docs, (name) => name === docName || name.startsWith(pagePrefix));
    },
    stats(docName) {
      const entry = docs.get(docName);
      return {
        updates: new Set(entry?.updates.map((u) => u.id)).size,
        updateBytes: entry?.updates.reduce((sum, u) => sum + u.update.byteLength, 0) ?? 0,
        snapshotBytes: entry?.snapshot?.byteLength ?? 0,
      };
    },
    list(prefix) {
      const names = [...docs.keys()];
      return (prefix === undefined ? names : names.filter((n) => n.startsWith(prefix))).sort();
    },
  };
}
