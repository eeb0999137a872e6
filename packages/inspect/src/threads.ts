import {
  headDocName,
  type MemberRecord,
  type PageRecord,
  parseDocName,
  type ReceiptRecord,
  type RelayStore,
  readMembers,
  readMeta,
  readReceipts,
  type ThreadMeta,
  type ThreadRow,
} from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { loadStoredDoc, pagesOf, stateVectorOf, threadDocNames } from './storedDoc.ts';

/** One line of `parley threads`. */
export interface ThreadSummary {
  readonly id: string;
  readonly topic: string;
  /** Active members. */
  readonly members: number;
  /** Rows in the message index. */
  readonly messages: number;
  /** Page docs stored. */
  readonly pages: number;
  /** The newest message's time, else the creation time. */
  readonly lastActivity: string;
  /** Snapshot plus update-log bytes of the head and every page. */
  readonly storedBytes: number;
  readonly deletedOn: string | null;
}

/** Filters of `listThreads`. */
export interface ThreadFilter {
  /** Only threads this user is or was a member of. */
  readonly user?: string;
  /** Only threads with activity at or after this ISO time. */
  readonly since?: string;
  /** Only threads with activity before this ISO time. */
  readonly until?: string;
  /** Leave out deleted threads. */
  readonly live?: boolean;
}

const storedBytesOf = (store: RelayStore, threadId: string): number =>
  threadDocNames(store, threadId).reduce((sum, name) => {
    const s = store.docs.stats(name);
    return sum + s.snapshotBytes + s.updateBytes;
  }, 0);

const summarize = (store: RelayStore, row: ThreadRow): ThreadSummary => ({
  id: row.id,
  topic: row.topic,
  members: store.members.countActive(row.id),
  messages: store.messages.list(row.id, { order: 'asc' }).length,
  pages: threadDocNames(store, row.id).filter((n) => parseDocName(n)?.kind === 'page').length,
  lastActivity: row.lastMessageOn ?? row.createdOn,
  storedBytes: storedBytesOf(store, row.id),
  deletedOn: row.deletedOn,
});

/**
 * Every thread of the store, newest activity first, deleted ones included unless `live`.
 *
 * @example
 * listThreads(store, { user: 'alice', since: '2025-01-01T00:00:00Z' });
 */
export const listThreads = (store: RelayStore, filter: ThreadFilter = {}): ThreadSummary[] => {
  let rows = store.threads.list({ includeDeleted: !filter.live });
  if (filter.user !== undefined) {
    const mine = new Set(store.members.threadsOf(filter.user).map((m) => m.threadId));
    rows = rows.filter((r) => mine.has(r.id));
  }
  const since = filter.since === undefined ? undefined : isoTime(filter.since, 'since');
  const until = filter.until === undefined ? undefined : isoTime(filter.until, 'until');
  return rows
    .filter((r) => {
      const at = r.lastMessageOn ?? r.createdOn;
      return (since === undefined || at >= since) && (until === undefined || at < until);
    })
    .map((r) => summarize(store, r));
};

/** Parses a time given by a person or a script into ISO form; INVALID_REQUEST otherwise. */
export const isoTime = (text: string, what: string): string => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new ParleyError('INVALID_REQUEST', `${what} is not a time: ${JSON.stringify(text)}.`);
  return new Date(ms).toISOString();
};

/** A member as `parley thread` shows it: the head doc's record plus the relational row's state. */
export interface MemberReport extends MemberRecord {
  /** When the member left (removed rows are kept by the store, not by the head doc). */
  readonly removedOn?: string;
}

/** A page with its seq range and what its doc costs in storage. */
export interface PageReport extends PageRecord {
  readonly doc: string;
  readonly snapshotBytes: number;
  readonly updates: number;
  readonly updateBytes: number;
}

/** One stored doc of a thread: its size, state vector and the Yjs clients that wrote it. */
export interface DocSummary {
  readonly name: string;
  readonly snapshotBytes: number;
  readonly updates: number;
  readonly updateBytes: number;
  /** Yjs client id → next clock. Its keys are the clients that wrote the doc. */
  readonly stateVector: Record<string, number>;
  readonly problems: readonly string[];
}

/** Everything `parley thread <id>` shows. */
export interface ThreadReport {
  readonly row: Omit<ThreadRow, 'idempotencyKey'>;
  /** The head doc's properties; absent for a deleted (purged) thread. */
  readonly meta?: ThreadMeta;
  readonly members: MemberReport[];
  readonly pages: PageReport[];
  readonly receipts: ReceiptRecord[];
  readonly docs: DocSummary[];
}

/** Throws THREAD_NOT_FOUND for an id the store has never seen. */
export const requireThread = (store: RelayStore, threadId: string): ThreadRow => {
  const row = store.threads.get(threadId);
  if (!row) throw new ParleyError('THREAD_NOT_FOUND', `No thread with id ${threadId}.`);
  return row;
};

/**
 * Properties, members, pages, receipts and docs of one thread.
 *
 * @example
 * const report = inspectThread(store, threadId);
 * console.log(report.members.map((m) => `${m.id} from seq ${m.fromSeq}`));
 */
export const inspectThread = (store: RelayStore, threadId: string): ThreadReport => {
  const { idempotencyKey: _key, ...row } = requireThread(store, threadId);
  const names = threadDocNames(store, threadId);
  const docs: DocSummary[] = names.map((name) => {
    const loaded = loadStoredDoc(store, name);
    const stats = store.docs.stats(name);
    const summary = { name, ...stats, stateVector: stateVectorOf(loaded.doc), problems: loaded.problems };
    loaded.doc.destroy();
    return summary;
  });
  const head = names.includes(headDocName(threadId))
    ? loadStoredDoc(store, headDocName(threadId))
    : undefined;
  const meta = head && readMeta(head.doc);
  const rows = new Map(store.members.list(threadId, { includeRemoved: true }).map((m) => [m.userId, m]));
  const inDoc = head ? readMembers(head.doc) : [];
  const members: MemberReport[] = inDoc.map((m) => ({ ...m }));
  for (const r of rows.values()) {
    if (inDoc.some((m) => m.id === r.userId) || r.removedOn === null) continue;
    members.push({
      id: r.userId,
      displayName: r.displayName,
      role: r.role,
      addedBy: r.addedBy,
      addedOn: r.addedOn,
      fromSeq: r.fromSeq,
      generation: r.generation,
      removedOn: r.removedOn,
    });
  }
  const pages: PageReport[] = (head ? pagesOf(head.doc, row) : []).map((p) => {
    const doc = `${headDocName(threadId)}:${p.page}`;
    return { ...p, doc, ...store.docs.stats(doc) };
  });
  const receipts = head ? readReceipts(head.doc) : [];
  head?.doc.destroy();
  return { row, ...(meta ? { meta } : {}), members, pages, receipts, docs };
};
