import type { RelayStore } from '@parley/model';
import * as Y from 'yjs';
import { loadStoredDoc } from './storedDoc.ts';

/** What compacting one doc did, or why it was left alone. */
export interface CompactionResult {
  readonly name: string;
  readonly beforeBytes: number;
  readonly afterBytes: number;
  readonly foldedUpdates: number;
  /** Set when the doc was not compacted (a damaged doc is never rewritten). */
  readonly skipped?: string;
}

/**
 * Folds each doc's update log into its snapshot, as the relay does: one transaction per doc, only
 * log entries up to the last one read are dropped (a relay writing meanwhile loses nothing).
 * Damaged docs are skipped, never rewritten. Writes: the store must be open for writing.
 *
 * @example
 * for (const r of compactDocs(store, store.docs.list('thread:abc'))) console.log(r.name, r.afterBytes);
 */
export const compactDocs = (store: RelayStore, names: readonly string[]): CompactionResult[] =>
  names.map((name) => {
    const stats = store.docs.stats(name);
    const beforeBytes = stats.snapshotBytes + stats.updateBytes;
    const loaded = loadStoredDoc(store, name);
    const last = loaded.updates.at(-1);
    const result = (afterBytes: number, foldedUpdates: number, skipped?: string): CompactionResult => ({
      name,
      beforeBytes,
      afterBytes,
      foldedUpdates,
      ...(skipped ? { skipped } : {}),
    });
    try {
      if (loaded.problems.length > 0) return result(beforeBytes, 0, `damaged: ${loaded.problems[0]}`);
      if (!last) return result(beforeBytes, 0, 'nothing to fold');
      const snapshot = Y.encodeStateAsUpdate(loaded.doc);
      store.transaction(() => store.docs.compact(name, snapshot, last.id));
      const after = store.docs.stats(name);
      return result(after.snapshotBytes + after.updateBytes, loaded.updates.length);
    } finally {
      loaded.doc.destroy();
    }
  });
