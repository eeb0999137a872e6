import { isPlainEntry } from '@parley/model';
import * as Y from 'yjs';

/** What one Yjs update holds and what it changed, decoded. */
export interface UpdateSummary {
  readonly bytes: number;
  /** Item structs, GC placeholders and Skip structs in the update. */
  readonly items: number;
  readonly gc: number;
  readonly skips: number;
  /** Clock range written per client: `from` inclusive, `to` exclusive. */
  readonly clients: { readonly client: number; readonly from: number; readonly to: number }[];
  /** Delete-set ranges and the clocks they cover. */
  readonly deletedRanges: number;
  readonly deletedClocks: number;
  /** `path{key,…}` per type whose entries changed (`messages.<id>{content}`), when known. */
  readonly changed: string[];
}

type Shared = Y.AbstractType<unknown>;

/** A type's path from its root: `meta`, `messages.<id>`, `members.<userId>`. */
export const typePath = (type: Shared): string => {
  const item = type._item;
  if (item === null) {
    try {
      return Y.findRootTypeKey(type);
    } catch {
      return '?';
    }
  }
  const parent = item.parent;
  const base = parent instanceof Y.AbstractType ? typePath(parent as Shared) : '?';
  return `${base}.${item.parentSub ?? '[]'}`;
};

/** The raw facts of an update, without applying it anywhere. */
export const decodeUpdateFacts = (update: Uint8Array): Omit<UpdateSummary, 'changed'> => {
  const { structs, ds } = Y.decodeUpdate(update);
  let items = 0;
  let gc = 0;
  let skips = 0;
  for (const s of structs) {
    if (s instanceof Y.Item) items++;
    else if (s instanceof Y.GC) gc++;
    else skips++;
  }
  let deletedRanges = 0;
  let deletedClocks = 0;
  for (const ranges of ds.clients.values()) {
    deletedRanges += ranges.length;
    for (const r of ranges) deletedClocks += r.len;
  }
  const { from, to } = Y.parseUpdateMeta(update);
  const clients = [...to.entries()]
    .map(([client, end]) => ({ client, from: from.get(client) ?? 0, to: end }))
    .sort((a, b) => a.client - b.client);
  return { bytes: update.byteLength, items, gc, skips, clients, deletedRanges, deletedClocks };
};

/**
 * Applies `update` to `doc` (the state before it) and reports what it changed. A damaged update
 * throws; one with missing dependencies is applied as far as Yjs can and its changes listed.
 *
 * @example
 * const doc = new Y.Doc();
 * for (const u of log) console.log(applyAndSummarize(doc, u).changed.join(' '));
 */
export const applyAndSummarize = (doc: Y.Doc, update: Uint8Array): UpdateSummary => {
  const facts = decodeUpdateFacts(update);
  const changed: string[] = [];
  // A map entry holding a plain object (a message) changes as a whole: name the fields that differ.
  const objectChanges: string[] = [];
  const replaced = new Set<string>();
  const observers: [Y.Map<unknown>, (e: Y.YMapEvent<unknown>) => void][] = [];
  for (const name of [...doc.share.keys()]) {
    // A root no one asked for by kind yet is a plain AbstractType; one holding only keys is a map.
    const root = doc.share.get(name)!;
    const untyped =
      Object.getPrototypeOf(root) === Y.AbstractType.prototype && root._start === null && root._map.size > 0;
    const type = untyped ? doc.getMap(name) : root;
    if (!(type instanceof Y.Map)) continue;
    const observer = (event: Y.YMapEvent<unknown>) => {
      for (const [key, change] of event.changes.keys) {
        const now = event.target.get(key);
        if (change.action !== 'update' || !isPlainEntry(change.oldValue) || !isPlainEntry(now)) continue;
        replaced.add(`${name}\n${key}`);
        objectChanges.push(`${name}.${key}{${fieldsChanged(change.oldValue, now).join(',')}}`);
      }
    };
    type.observe(observer);
    observers.push([type, observer]);
  }
  const listener = (tr: Y.Transaction) => {
    for (const [type, keys] of tr.changed) {
      const path = typePath(type as Shared);
      const named = [...keys]
        .filter((k) => k === null || !replaced.has(`${path}\n${k}`))
        .map((k) => k ?? '[]');
      if (named.length > 0) changed.push(`${path}{${named.join(',')}}`);
    }
  };
  doc.on('afterTransaction', listener);
  try {
    Y.applyUpdate(doc, update);
  } finally {
    doc.off('afterTransaction', listener);
    for (const [type, observer] of observers) type.unobserve(observer);
  }
  return { ...facts, changed: [...changed, ...objectChanges].sort() };
};

/** Fields whose values differ between two versions of an object (compared as JSON). */
const fieldsChanged = (before: Record<string, unknown>, after: Record<string, unknown>): string[] =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();

/** One line of text for a summary: what changed, then the struct counts. */
export const formatUpdateSummary = (s: UpdateSummary): string => {
  const parts = [s.changed.length > 0 ? s.changed.join(' ') : '(no visible change)'];
  const structs = [`${s.items} items`];
  if (s.gc > 0) structs.push(`${s.gc} gc`);
  if (s.skips > 0) structs.push(`${s.skips} skip`);
  if (s.deletedRanges > 0) structs.push(`-${s.deletedClocks} in ${s.deletedRanges} delete ranges`);
  parts.push(structs.join(', '));
  return parts.join(' · ');
};
