import {
  currentPageOf,
  headDocName,
  type PageRecord,
  type RelayStore,
  readPages,
  type StoredUpdate,
  type ThreadRow,
} from '@parley/model';
import { ParleyError } from '@parley/protocol';
import * as Y from 'yjs';

/** One doc as the store holds it, loaded into a Y.Doc the way the relay loads it. */
export interface StoredDoc {
  readonly name: string;
  readonly snapshot: Uint8Array | null;
  readonly updates: readonly StoredUpdate[];
  /** Snapshot, then every log entry, applied in order (gc on, like the relay's docs). */
  readonly doc: Y.Doc;
  /** What went wrong while loading: an undecodable snapshot or update, or structs left pending. */
  readonly problems: readonly string[];
}

/** Structs or deletes the doc could not integrate because something they depend on is missing. */
export const pendingOf = (doc: Y.Doc): string | undefined => {
  const pending = doc.store.pendingStructs;
  const parts: string[] = [];
  if (pending) {
    const missing = [...pending.missing].map(([client, clock]) => `client ${client} clock ${clock}`);
    parts.push(`structs wait for ${missing.join(', ')}`);
  }
  if (doc.store.pendingDs) parts.push('deletes wait for structs the doc does not hold');
  return parts.length > 0 ? parts.join('; ') : undefined;
};

/**
 * Loads a doc from the store into a fresh Y.Doc without throwing on damage: problems are listed.
 *
 * @example
 * const { doc, problems } = loadStoredDoc(store, 'thread:abc');
 */
export const loadStoredDoc = (store: RelayStore, name: string): StoredDoc => {
  const { snapshot, updates } = store.docs.load(name);
  const doc = new Y.Doc({ gc: true });
  const problems: string[] = [];
  if (snapshot) {
    try {
      Y.applyUpdate(doc, snapshot);
    } catch (error) {
      problems.push(`snapshot (${snapshot.byteLength} bytes) cannot be decoded: ${messageOf(error)}`);
    }
    const pending = pendingOf(doc);
    if (pending) problems.push(`snapshot is incomplete: ${pending}`);
  }
  for (const u of updates) {
    const before = pendingOf(doc);
    try {
      Y.applyUpdate(doc, u.update);
    } catch (error) {
      problems.push(`update #${u.id} cannot be decoded: ${messageOf(error)}`);
      continue;
    }
    const after = pendingOf(doc);
    if (after && after !== before) problems.push(`after update #${u.id} ${after} (a missing update?)`);
  }
  return { name, snapshot, updates, doc, problems };
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The names of the docs stored for a thread: its head first, then its pages by number. */
export const threadDocNames = (store: RelayStore, threadId: string): string[] => {
  const head = headDocName(threadId);
  const pageOf = (name: string) => Number(name.slice(head.length + 1));
  const names = store.docs.list(head).filter((n) => n === head || n.startsWith(`${head}:`));
  return names.sort((a, b) => (a === head ? -1 : b === head ? 1 : pageOf(a) - pageOf(b)));
};

/** Throws ParleyError('DOC_NOT_FOUND') when the store holds nothing for `name`. */
export const requireStoredDoc = (store: RelayStore, name: string): void => {
  const stats = store.docs.stats(name);
  if (stats.updates === 0 && stats.snapshotBytes === 0)
    throw new ParleyError('DOC_NOT_FOUND', `No document named ${name} is stored.`);
};

/** Client id → clock (the state vector) of a doc, as a plain object sorted by client id. */
export const stateVectorOf = (doc: Y.Doc): Record<string, number> => {
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
  return Object.fromEntries([...sv.entries()].sort((a, b) => a[0] - b[0]).map(([c, k]) => [String(c), k]));
};

/**
 * A thread's pages: the head doc's records, with the current page's range taken from the thread
 * row. The relay writes the head's activity fields (lastSeq, the current page's count) at most once
 * per activity window, so on a live relay the head may trail the row; closed pages are final.
 */
export const pagesOf = (head: Y.Doc, row: Pick<ThreadRow, 'currentPage' | 'lastSeq'>): PageRecord[] =>
  readPages(head).map((p) =>
    p.page === row.currentPage ? currentPageOf(head, row.currentPage, row.lastSeq) : p,
  );
