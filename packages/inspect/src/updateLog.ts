import type { RelayStore } from '@parley/model';
import * as Y from 'yjs';
import { requireStoredDoc } from './storedDoc.ts';
import { applyAndSummarize, type UpdateSummary } from './updateSummary.ts';

/** One entry of a doc's stored update log, decoded. */
export interface LogEntry {
  readonly id: number;
  /** When the relay appended it (ISO). */
  readonly at: string;
  readonly summary: UpdateSummary;
  /** Why it could not be decoded, if so. */
  readonly error?: string;
}

/** What `parley log <docName>` shows. */
export interface UpdateLog {
  readonly doc: string;
  readonly snapshotBytes: number;
  readonly entries: LogEntry[];
}

/**
 * The stored update log of a doc, each entry summarized against the state before it (snapshot,
 * then the earlier entries), so that changed keys carry their paths.
 *
 * @example
 * for (const e of readUpdateLog(store, 'thread:abc').entries) console.log(e.id, e.summary.changed);
 */
export const readUpdateLog = (store: RelayStore, docName: string): UpdateLog => {
  requireStoredDoc(store, docName);
  const { snapshot, updates } = store.docs.load(docName);
  const doc = new Y.Doc({ gc: true });
  if (snapshot) {
    try {
      Y.applyUpdate(doc, snapshot);
    } catch {
      // A damaged snapshot: entries are still listed, with fewer paths resolved (verify says why).
    }
  }
  const entries = updates.map((u): LogEntry => {
    const at = new Date(u.at).toISOString();
    try {
      return { id: u.id, at, summary: applyAndSummarize(doc, u.update) };
    } catch (error) {
      const summary = { ...emptyFacts(u.update.byteLength), changed: [] };
      return { id: u.id, at, summary, error: error instanceof Error ? error.message : String(error) };
    }
  });
  doc.destroy();
  return { doc: docName, snapshotBytes: snapshot?.byteLength ?? 0, entries };
};

const emptyFacts = (bytes: number): Omit<UpdateSummary, 'changed'> => ({
  bytes,
  items: 0,
  gc: 0,
  skips: 0,
  clients: [],
  deletedRanges: 0,
  deletedClocks: 0,
});
