import {
  headDocName,
  type MessageRecord,
  parseDocName,
  type RelayStore,
  readMembers,
  readMessages,
  readMeta,
  type ThreadRow,
} from '@parley/model';
import type * as Y from 'yjs';
import { loadStoredDoc, pagesOf, threadDocNames } from './storedDoc.ts';
import { requireThread } from './threads.ts';

/** Kinds of inconsistency `verifyStore` reports; stable, for scripts. */
export type ProblemKind =
  | 'doc-damaged'
  | 'unknown-doc'
  | 'orphan-doc'
  | 'deleted-thread-has-data'
  | 'head-missing'
  | 'head-disagrees'
  | 'membership-mismatch'
  | 'page-missing'
  | 'page-mismatch'
  | 'page-not-listed'
  | 'index-row-dangling'
  | 'index-mismatch'
  | 'message-not-indexed'
  | 'seq-gap';

/** One inconsistency: what kind, where (a thread id or doc name), and in words. */
export interface Problem {
  readonly kind: ProblemKind;
  readonly subject: string;
  readonly message: string;
}

/** What `parley verify` reports; `ok` only when there is no problem. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly threads: number;
  readonly docs: number;
  readonly problems: Problem[];
}

/**
 * Replays every doc (snapshot, then each logged update) and checks that it decodes with nothing
 * left pending; then checks each thread's head doc, pages, message index and memberships against
 * each other. Read-only.
 *
 * @example
 * const report = verifyStore(store);
 * if (!report.ok) for (const p of report.problems) console.error(p.subject, p.message);
 */
export const verifyStore = (store: RelayStore, threadId?: string): VerifyReport => {
  const problems: Problem[] = [];
  const add = (kind: ProblemKind, subject: string, message: string) =>
    problems.push({ kind, subject, message });
  const rows =
    threadId === undefined ? store.threads.list({ includeDeleted: true }) : [requireThread(store, threadId)];
  const names = threadId === undefined ? store.docs.list() : threadDocNames(store, threadId);
  const known = new Map(rows.map((r) => [r.id, r]));

  const docs = new Map<string, Y.Doc>();
  for (const name of names) {
    const loaded = loadStoredDoc(store, name);
    for (const p of loaded.problems) add('doc-damaged', name, p);
    docs.set(name, loaded.doc);
    const ref = parseDocName(name);
    if (!ref) add('unknown-doc', name, 'the name is not a Parley doc name');
    else if (ref.kind !== 'user') {
      const row = known.get(ref.threadId) ?? store.threads.get(ref.threadId);
      if (!row) add('orphan-doc', name, `no thread ${ref.threadId} exists for this doc`);
    }
  }
  const docOf = (name: string): Y.Doc | undefined => {
    if (docs.has(name)) return docs.get(name);
    if (!store.docs.list(name).includes(name)) return undefined;
    const loaded = loadStoredDoc(store, name);
    docs.set(name, loaded.doc);
    return loaded.doc;
  };

  for (const row of rows) {
    if (row.deletedOn) verifyDeleted(store, row, add);
    else verifyLive(store, row, docOf, add);
  }
  for (const d of docs.values()) d.destroy();
  return { ok: problems.length === 0, threads: rows.length, docs: names.length, problems };
};

type Add = (kind: ProblemKind, subject: string, message: string) => void;

const verifyDeleted = (store: RelayStore, row: ThreadRow, add: Add): void => {
  const left = threadDocNames(store, row.id);
  if (left.length > 0) add('deleted-thread-has-data', row.id, `deleted but still stores ${left.join(', ')}`);
  const indexed = store.messages.list(row.id, { limit: 1 }).length;
  if (indexed > 0) add('deleted-thread-has-data', row.id, 'deleted but the message index still has rows');
  const active = store.members.countActive(row.id);
  if (active > 0)
    add('deleted-thread-has-data', row.id, `deleted but ${active} memberships are still active`);
};

const verifyLive = (
  store: RelayStore,
  row: ThreadRow,
  docOf: (name: string) => Y.Doc | undefined,
  add: Add,
): void => {
  const id = row.id;
  const head = docOf(headDocName(id));
  const meta = head && readMeta(head);
  if (!head || !meta) {
    add('head-missing', id, head ? 'the head doc has no thread properties' : 'the head doc is not stored');
    return;
  }
  if (meta.id !== id) add('head-disagrees', id, `the head doc names thread ${meta.id}`);
  // The head's lastSeq is activity, written at most once per window: it may trail, never lead.
  if (meta.lastSeq > row.lastSeq)
    add(
      'head-disagrees',
      id,
      `lastSeq is ${meta.lastSeq} in the head doc, past ${row.lastSeq} in the threads table`,
    );
  for (const f of ['currentPage', 'topic'] as const) {
    if (meta[f] !== row[f])
      add(
        'head-disagrees',
        id,
        `${f} is ${JSON.stringify(meta[f])} in the head doc, ${JSON.stringify(row[f])} in the threads table`,
      );
  }

  // memberships: the head doc's members and the active rows of the members table
  const inDoc = new Map(readMembers(head).map((m) => [m.id, m]));
  const inTable = new Map(store.members.list(id).map((m) => [m.userId, m]));
  for (const [userId, m] of inDoc) {
    const r = inTable.get(userId);
    if (!r)
      add('membership-mismatch', id, `${userId} is a member in the head doc but not in the members table`);
    else
      for (const f of ['role', 'fromSeq', 'generation'] as const)
        if (m[f] !== r[f])
          add(
            'membership-mismatch',
            id,
            `${userId}: ${f} is ${m[f]} in the head doc, ${r[f]} in the members table`,
          );
  }
  for (const userId of inTable.keys())
    if (!inDoc.has(userId))
      add('membership-mismatch', id, `${userId} is active in the members table but not in the head doc`);

  // pages and the messages they hold
  const byId = new Map<string, { page: number; message: MessageRecord }>();
  const pages = pagesOf(head, row);
  for (const p of pages) {
    const name = `${headDocName(id)}:${p.page}`;
    const doc = docOf(name);
    if (!doc) {
      if (p.count > 0)
        add('page-missing', name, `page ${p.page} should hold ${p.count} messages but is not stored`);
      continue;
    }
    const messages = readMessages(doc);
    if (messages.length !== p.count)
      add('page-mismatch', name, `holds ${messages.length} messages, the head doc says ${p.count}`);
    const outside = messages.filter((m) => m.seq < p.firstSeq || m.seq > p.lastSeq);
    if (outside.length > 0)
      add(
        'page-mismatch',
        name,
        `seqs ${outside.map((m) => m.seq).join(', ')} lie outside ${p.firstSeq}..${p.lastSeq}`,
      );
    for (const m of messages) byId.set(m.id, { page: p.page, message: m });
  }
  for (const name of threadDocNames(store, id)) {
    const ref = parseDocName(name);
    if (ref?.kind === 'page' && !pages.some((p) => p.page === ref.page))
      add('page-not-listed', name, 'a stored page doc the head doc does not list');
  }

  // the message index against the page docs
  const index = store.messages.list(id, { order: 'asc' });
  const indexed = new Set<string>();
  for (const r of index) {
    indexed.add(r.messageId);
    const found = byId.get(r.messageId);
    if (!found) {
      add(
        'index-row-dangling',
        id,
        `index row ${r.messageId} (seq ${r.seq}, page ${r.page}) points nowhere: no page holds that message`,
      );
      continue;
    }
    if (found.page !== r.page || found.message.seq !== r.seq)
      add(
        'index-mismatch',
        id,
        `index row ${r.messageId} says page ${r.page} seq ${r.seq}; the docs have page ${found.page} seq ${found.message.seq}`,
      );
    if (Boolean(found.message.deletedOn) !== Boolean(r.deletedOn))
      add(
        'index-mismatch',
        id,
        `${r.messageId} is ${r.deletedOn ? '' : 'not '}deleted in the index but ${found.message.deletedOn ? '' : 'not '}in its page`,
      );
  }
  for (const [messageId, { page, message }] of byId)
    if (!indexed.has(messageId))
      add(
        'message-not-indexed',
        id,
        `message ${messageId} (seq ${message.seq}, page ${page}) has no index row`,
      );
  const seqs = index.map((r) => r.seq);
  const missing: number[] = [];
  for (let s = 1, i = 0; s <= row.lastSeq; s++) {
    while (i < seqs.length && seqs[i]! < s) i++;
    if (seqs[i] !== s) missing.push(s);
  }
  if (missing.length > 0)
    add(
      'seq-gap',
      id,
      `no index row for seq ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} (lastSeq ${row.lastSeq})`,
    );
};
