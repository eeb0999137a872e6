import { parseDocName, type RelayStore } from '@parley/model';
import * as Y from 'yjs';
import { loadStoredDoc, requireStoredDoc } from './storedDoc.ts';

/** A root type of a doc: maps count their live keys, sequences their length. */
export interface RootReport {
  readonly name: string;
  readonly kind: 'map' | 'sequence' | 'empty';
  readonly entries: number;
}

/** A run of garbage-collected clocks of one client. */
export interface ClockRange {
  readonly client: number;
  readonly clock: number;
  readonly len: number;
}

/** What `parley doc <docName>` shows. */
export interface DocReport {
  readonly name: string;
  readonly kind: 'head' | 'page' | 'user' | 'unknown';
  readonly roots: RootReport[];
  readonly structs: {
    readonly items: number;
    readonly deletedItems: number;
    readonly gc: number;
    readonly gcClocks: number;
    /** Item content classes (`ContentAny`, `ContentType`, `ContentDeleted`, …) and their counts. */
    readonly content: Record<string, number>;
    readonly clients: { readonly client: number; readonly structs: number; readonly clock: number }[];
  };
  readonly deleteSet: { readonly clients: number; readonly ranges: number; readonly clocks: number };
  readonly gcRanges: ClockRange[];
  readonly storage: {
    readonly snapshotBytes: number;
    readonly updates: number;
    readonly updateBytes: number;
    /** The size of a snapshot written now (what the relay's compaction writes). */
    readonly compactedBytes: number;
    /** Stored bytes compaction would free (never negative). */
    readonly compactionSaves: number;
  };
  readonly problems: readonly string[];
}

const rootOf = (name: string, type: Y.AbstractType<unknown>): RootReport => {
  let keys = 0;
  for (const item of type._map.values()) if (!item.deleted) keys++;
  if (keys > 0) return { name, kind: 'map', entries: keys };
  if (type._start !== null) return { name, kind: 'sequence', entries: type._length };
  return { name, kind: 'empty', entries: 0 };
};

/**
 * The Yjs structure of one stored doc: root types, structs, delete set, GC'd ranges, and what the
 * update log costs next to the snapshot.
 *
 * @example
 * const r = inspectDoc(store, 'thread:abc:0');
 * console.log(`${r.storage.updates} updates, compaction saves ${r.storage.compactionSaves} bytes`);
 */
export const inspectDoc = (store: RelayStore, name: string): DocReport => {
  requireStoredDoc(store, name);
  const loaded = loadStoredDoc(store, name);
  const { doc } = loaded;
  const roots = [...doc.share.entries()]
    .map(([n, t]) => rootOf(n, t as Y.AbstractType<unknown>))
    .sort((a, b) => a.name.localeCompare(b.name));
  let items = 0;
  let deletedItems = 0;
  let gc = 0;
  let gcClocks = 0;
  const content: Record<string, number> = {};
  const clients: DocReport['structs']['clients'] = [];
  const gcRanges: ClockRange[] = [];
  for (const [client, structs] of doc.store.clients) {
    const last = structs[structs.length - 1];
    clients.push({ client, structs: structs.length, clock: last ? last.id.clock + last.length : 0 });
    for (const s of structs) {
      if (s instanceof Y.Item) {
        items++;
        if (s.deleted) deletedItems++;
        const kind = s.content.constructor.name;
        content[kind] = (content[kind] ?? 0) + 1;
        continue;
      }
      gc++;
      gcClocks += s.length;
      const prev = gcRanges[gcRanges.length - 1];
      if (prev && prev.client === client && prev.clock + prev.len === s.id.clock)
        gcRanges[gcRanges.length - 1] = { ...prev, len: prev.len + s.length };
      else gcRanges.push({ client, clock: s.id.clock, len: s.length });
    }
  }
  clients.sort((a, b) => a.client - b.client);
  const ds = Y.createDeleteSetFromStructStore(doc.store);
  let ranges = 0;
  let clocks = 0;
  for (const list of ds.clients.values()) {
    ranges += list.length;
    for (const r of list) clocks += r.len;
  }
  const stats = store.docs.stats(name);
  const compactedBytes = Y.encodeStateAsUpdate(doc).byteLength;
  doc.destroy();
  return {
    name,
    kind: parseDocName(name)?.kind ?? 'unknown',
    roots,
    structs: { items, deletedItems, gc, gcClocks, content, clients },
    deleteSet: { clients: ds.clients.size, ranges, clocks },
    gcRanges,
    storage: {
      ...stats,
      compactedBytes,
      compactionSaves: Math.max(0, stats.snapshotBytes + stats.updateBytes - compactedBytes),
    },
    problems: loaded.problems,
  };
};
